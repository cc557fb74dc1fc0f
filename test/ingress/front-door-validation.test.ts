import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { WebhookFrontDoor, WebhookWebAcl } from '../../src';
import { synth } from '../util';

const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/a1b2c3';

describe('settings a front door does not have are refused at synth, naming the props', () => {
  test.each([
    [WebhookFrontDoor.HTTP_API, { webAclArn }, /'api.webAclArn' cannot be used with 'frontDoor: WebhookFrontDoor.HTTP_API': AWS WAF protects REST API stages/],
    [WebhookFrontDoor.FUNCTION_URL, { webAclArn }, /'api.webAclArn' cannot be used with 'frontDoor: WebhookFrontDoor.FUNCTION_URL'/],
    [WebhookFrontDoor.HTTP_API, { executionLogging: true }, /'api.executionLogging' cannot be used with 'frontDoor: WebhookFrontDoor.HTTP_API': only REST APIs write execution logs/],
    [WebhookFrontDoor.HTTP_API, { cloudWatchRole: false }, /'api.cloudWatchRole' cannot be used with 'frontDoor: WebhookFrontDoor.HTTP_API'/],
    [WebhookFrontDoor.HTTP_API, { stageName: 'v1' }, /'api.stageName' cannot be used with 'frontDoor: WebhookFrontDoor.HTTP_API': the HTTP API serves its routes on its '\$default' stage/],
    [WebhookFrontDoor.FUNCTION_URL, { stageName: 'v1' }, /'api.stageName' cannot be used with 'frontDoor: WebhookFrontDoor.FUNCTION_URL': function URLs have no stages/],
    [WebhookFrontDoor.FUNCTION_URL, { throttlingRateLimit: 10 }, /'api.throttlingRateLimit' cannot be used with 'frontDoor: WebhookFrontDoor.FUNCTION_URL': .*'concurrency.ingestReservedConcurrency'/],
    [WebhookFrontDoor.FUNCTION_URL, { throttlingBurstLimit: 10 }, /'api.throttlingBurstLimit' cannot be used with 'frontDoor: WebhookFrontDoor.FUNCTION_URL'/],
    [WebhookFrontDoor.FUNCTION_URL, { disableExecuteApiEndpoint: true }, /'api.disableExecuteApiEndpoint' cannot be used with 'frontDoor: WebhookFrontDoor.FUNCTION_URL'/],
    [WebhookFrontDoor.FUNCTION_URL, { accessLogging: false }, /'api.accessLogging' cannot be used with 'frontDoor: WebhookFrontDoor.FUNCTION_URL'/],
  ])('%s with api %j', (frontDoor, api, message) => {
    expect(() => synth({ frontDoor, api }).template).toThrow(message);
  });

  test.each([WebhookFrontDoor.HTTP_API, WebhookFrontDoor.FUNCTION_URL])('a managed web ACL (api.webAcl) with %s', (frontDoor) => {
    expect(() => synth({ frontDoor, api: { webAcl: WebhookWebAcl.managed() } }).template)
      .toThrow(/'api.webAcl' cannot be used with 'frontDoor: WebhookFrontDoor\.(HTTP_API|FUNCTION_URL)': AWS WAF protects REST API stages/);
  });

  test.each([
    [{ iamSenders: [{ name: 'billing' }] }, 'internalSenders.iamSenders'],
    [{ apiKeys: { senders: ['stripe'] } }, 'internalSenders.apiKeys'],
  ])('internal senders %j off the REST API', (internalSenders, prop) => {
    for (const frontDoor of [WebhookFrontDoor.HTTP_API, WebhookFrontDoor.FUNCTION_URL]) {
      expect(() => synth({ frontDoor, internalSenders }).template).toThrow(new RegExp(`'${prop.replace('.', '\\.')}' cannot be used with 'frontDoor: WebhookFrontDoor\\.`));
    }
  });

  test('a custom domain with function URLs', () => {
    expect(() => synth({ frontDoor: WebhookFrontDoor.FUNCTION_URL }, (stack) => ({
      api: { domainName: { domainName: 'hooks.example.com', certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc') } },
    })).template).toThrow(/'api.domainName' cannot be used with 'frontDoor: WebhookFrontDoor.FUNCTION_URL': function URLs take no custom domain/);
  });

  test('the error names the construct path', () => {
    expect(() => synth({ frontDoor: WebhookFrontDoor.HTTP_API, api: { webAclArn } }).template).toThrow(/Invalid WebhookProcessor props at Test\/Webhooks/);
  });
});
