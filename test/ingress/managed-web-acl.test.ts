import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProvider, WebhookWebAcl } from '../../src';
import { greaterThanPattern } from '../../src/ingress/content-length-pattern';
import { COMMON_RULES_COUNTED, INGEST_MAX_BODY_BYTES, KNOWN_BAD_INPUTS_COUNTED, countedRulesTable } from '../../src/ingress/managed-web-acl';
import { MAX_BODY_BYTES } from '../../src/runtime/message';
import { synth } from '../util';

type Rule = { Name: string; Priority: number; Statement: any; Action?: any; OverrideAction?: any; VisibilityConfig: any };

function rulesOf(template: Template): Rule[] {
  const acls = Object.values(template.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0].Properties.Rules;
}

const ruleNamed = (template: Template, name: string) => rulesOf(template).find((r) => r.Name === name)!;

const withStripeRanges = (ranges: { ipv4?: string[]; ipv6?: string[] }) => synth({}, (stack) => ({
  providers: [
    WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S')] }),
    WebhookProvider.github({ secrets: [new secretsmanager.Secret(stack, 'G')] }),
  ],
  api: { webAcl: WebhookWebAcl.managed({ providerIpRanges: [{ provider: 'stripe', ...ranges }] }) },
}));

describe('managed web ACL (api.webAcl)', () => {
  test('off by default: no web ACL and no association', () => {
    const { template, processor } = synth();
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    expect(processor.webAcl).toBeUndefined();
  });

  test('on: one regional web ACL, allowing by default, associated with the stage', () => {
    const { template, processor } = synth({ api: { webAcl: WebhookWebAcl.managed() } });
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const acl = Object.keys(template.findResources('AWS::WAFv2::WebACL'))[0];
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [acl, 'Arn'] },
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('DeploymentStage') })])]) }),
    });
    expect(processor.webAcl).toBeDefined();
  });

  test('rules in order: body size, rate per IP, core rule set, known bad inputs', () => {
    const { template } = synth({ api: { webAcl: WebhookWebAcl.managed() } });
    expect(rulesOf(template).map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'BodyTooLarge'], [1, 'RatePerIp'], [2, 'AWSManagedRulesCommonRuleSet'], [3, 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
  });

  test('a Content-Length above the ingest maximum is answered 413 with a JSON body', () => {
    const { template } = synth({ api: { webAcl: WebhookWebAcl.managed() } });
    const rule = ruleNamed(template, 'BodyTooLarge');
    expect(rule.Statement.RegexMatchStatement).toEqual({
      FieldToMatch: { SingleHeader: { Name: 'content-length' } },
      RegexString: greaterThanPattern(MAX_BODY_BYTES),
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    });
    expect(rule.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'body_too_large' } } });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      CustomResponseBodies: {
        body_too_large: { ContentType: 'APPLICATION_JSON', Content: JSON.stringify({ error: 'body_too_large', message: `The request body is larger than the webhook endpoint accepts (${MAX_BODY_BYTES} bytes).` }) },
      },
    });
  });

  test('the rate limit per IP defaults to 3000 per 5 minutes and answers 429', () => {
    const { template } = synth({ api: { webAcl: WebhookWebAcl.managed() } });
    const rule = ruleNamed(template, 'RatePerIp');
    expect(rule.Statement.RateBasedStatement).toEqual({ Limit: 3000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
    expect(rule.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rate_limited' } } });
  });

  test('the rate limit and its window follow the props', () => {
    const { template } = synth({ api: { webAcl: WebhookWebAcl.managed({ rateLimit: 500, rateLimitWindow: Duration.minutes(1) }) } });
    expect(ruleNamed(template, 'RatePerIp').Statement.RateBasedStatement).toEqual({ Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 60 });
  });

  test('the core rule set counts (never blocks) the rules that would block legitimate webhooks', () => {
    const { template } = synth({ api: { webAcl: WebhookWebAcl.managed() } });
    const rule = ruleNamed(template, 'AWSManagedRulesCommonRuleSet');
    expect(rule.OverrideAction).toEqual({ None: {} });
    expect(rule.Statement.ManagedRuleGroupStatement.VendorName).toBe('AWS');
    expect(rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
      ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY', 'GenericLFI_BODY', 'GenericRFI_BODY', 'EC2MetaDataSSRF_BODY', 'NoUserAgent_HEADER']
        .map((name) => ({ Name: name, ActionToUse: { Count: {} } })));
  });

  test('the known-bad-inputs rule set counts its body rules and blocks the rest (Log4Shell in headers, paths and queries)', () => {
    const { template } = synth({ api: { webAcl: WebhookWebAcl.managed() } });
    const rule = ruleNamed(template, 'AWSManagedRulesKnownBadInputsRuleSet');
    expect(rule.OverrideAction).toEqual({ None: {} });
    expect(rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
      ['Log4JRCE_BODY', 'JavaDeserializationRCE_BODY'].map((name) => ({ Name: name, ActionToUse: { Count: {} } })));
  });

  test('every counted rule says why, and the README shows each reason as the code has it', () => {
    for (const rule of [...COMMON_RULES_COUNTED, ...KNOWN_BAD_INPUTS_COUNTED]) {
      expect(rule.why.length).toBeGreaterThan(40);
    }
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(countedRulesTable());
  });

  test('every rule and the web ACL publish CloudWatch metrics and sampled requests, under names of their own', () => {
    const { template } = synth({ api: { webAcl: WebhookWebAcl.managed() } });
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0].Properties;
    const configs = [acl.VisibilityConfig, ...acl.Rules.map((r: Rule) => r.VisibilityConfig)];
    for (const config of configs) {
      expect(config).toEqual({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: expect.stringMatching(/^[\w-]{1,128}$/) });
    }
    expect(new Set(configs.map((c) => c.MetricName)).size).toBe(configs.length);
  });

  test('a provider allow-list blocks deliveries to its path from outside its published ranges, with a JSON 403', () => {
    const { template } = withStripeRanges({ ipv4: ['3.18.12.63/32', '54.187.0.0/16'] });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['3.18.12.63/32', '54.187.0.0/16'] });
    template.resourceCountIs('AWS::WAFv2::IPSet', 1);
    const set = Object.keys(template.findResources('AWS::WAFv2::IPSet'))[0];
    const rule = ruleNamed(template, 'AllowList-stripe');
    expect(rule.Priority).toBe(1);
    expect(rule.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 403, CustomResponseBodyKey: 'source_not_allowed' } } });
    expect(rule.Statement.AndStatement.Statements).toEqual([
      {
        RegexMatchStatement: {
          FieldToMatch: { UriPath: {} },
          RegexString: '/webhook/stripe/?$',
          TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }],
        },
      },
      { NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [set, 'Arn'] } } } } },
    ]);
  });

  test('the allow-list path pattern matches the provider path behind any stage or base path, and no other provider', () => {
    const { template } = withStripeRanges({ ipv4: ['3.18.12.63/32'] });
    const pattern = new RegExp(ruleNamed(template, 'AllowList-stripe').Statement.AndStatement.Statements[0].RegexMatchStatement.RegexString);
    expect(['/v1/webhook/stripe', '/webhook/stripe', '/prod/hooks/webhook/stripe/'].every((p) => pattern.test(p))).toBe(true);
    expect(['/v1/webhook/stripe2', '/v1/webhook/github', '/v1/webhook/stripe/x', '/v1/status/stripe'].some((p) => pattern.test(p))).toBe(false);
  });

  test('IPv4 and IPv6 ranges go to one IP set each, either of which admits', () => {
    const { template } = withStripeRanges({ ipv4: ['3.18.12.63/32'], ipv6: ['2600:1f18::/32'] });
    template.resourceCountIs('AWS::WAFv2::IPSet', 2);
    template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV6', Addresses: ['2600:1f18::/32'] });
    const not = ruleNamed(template, 'AllowList-stripe').Statement.AndStatement.Statements[1].NotStatement.Statement;
    expect(not.OrStatement.Statements).toHaveLength(2);
  });

  test('published provider addresses are not rate limited', () => {
    const { template } = withStripeRanges({ ipv4: ['3.18.12.63/32'] });
    const set = Object.keys(template.findResources('AWS::WAFv2::IPSet'))[0];
    expect(ruleNamed(template, 'RatePerIp').Statement.RateBasedStatement.ScopeDownStatement).toEqual({
      NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [set, 'Arn'] } } } },
    });
  });

  test('providers without an allow-list are not restricted by address', () => {
    const { template } = withStripeRanges({ ipv4: ['3.18.12.63/32'] });
    expect(rulesOf(template).map((r) => r.Name).filter((n) => n.startsWith('AllowList-'))).toEqual(['AllowList-stripe']);
  });

  test('the stage no longer accepts cdk-nag\'s AwsSolutions-APIG3 (no web ACL) once the managed one is on', () => {
    const apig3 = (template: Template) => JSON.stringify(Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Metadata ?? {}).includes('AwsSolutions-APIG3');
    expect(apig3(synth().template)).toBe(true);
    expect(apig3(synth({ api: { webAcl: WebhookWebAcl.managed() } }).template)).toBe(false);
  });

  test('with the user\'s own web ACL (api.webAclArn), none is created', () => {
    const { template } = synth({ api: { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/mine/1234abcd' } });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/mine/1234abcd' });
  });
});

test("the web ACL's body limit is the ingest's (the constant library code repeats)", () => {
  expect(INGEST_MAX_BODY_BYTES).toBe(MAX_BODY_BYTES);
});
