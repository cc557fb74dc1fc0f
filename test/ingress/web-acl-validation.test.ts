import { Duration } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProvider, WebhookProviderIpRanges, WebhookWebAcl } from '../../src';
import { isCidr } from '../../src/ingress/web-acl-validation';
import { synth } from '../util';

const ranges = (...entries: WebhookProviderIpRanges[]) => ({ api: { webAcl: WebhookWebAcl.managed({ providerIpRanges: entries }) } });

describe('web ACL props validation', () => {
  test('api.webAcl and api.webAclArn are mutually exclusive', () => {
    expect(() => synth({ api: { webAcl: WebhookWebAcl.managed(), webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/mine/1234abcd' } }))
      .toThrow(/Invalid WebhookProcessor props at Test\/Webhooks:[\s\S]*'api\.webAcl' and 'api\.webAclArn' cannot both be set/);
  });

  test.each([9, 2_000_000_001, 100.5])('the rate limit must be 10 to 2,000,000,000 (%d is not)', (rateLimit) => {
    expect(() => synth({ api: { webAcl: WebhookWebAcl.managed({ rateLimit }) } })).toThrow(/'api\.webAcl': 'rateLimit' must be a whole number from 10 to 2,000,000,000/);
  });

  test.each([Duration.seconds(30), Duration.minutes(3), Duration.minutes(15)])('the rate window must be 1, 2, 5 or 10 minutes (%s is not)', (rateLimitWindow) => {
    expect(() => synth({ api: { webAcl: WebhookWebAcl.managed({ rateLimitWindow }) } })).toThrow(/'api\.webAcl': 'rateLimitWindow' must be 1, 2, 5 or 10 minutes/);
  });

  test('an allow-list must name a configured provider', () => {
    expect(() => synth(ranges({ provider: 'github', ipv4: ['140.82.112.0/20'] })))
      .toThrow(/'providerIpRanges' of 'github': no provider is named 'github'\. Configured providers: stripe\./);
  });

  test('a provider has at most one allow-list', () => {
    expect(() => synth(ranges({ provider: 'stripe', ipv4: ['3.18.12.63/32'] }, { provider: 'stripe', ipv4: ['3.69.109.8/32'] })))
      .toThrow(/'providerIpRanges' lists 'stripe' more than once/);
  });

  test('an allow-list lists at least one range', () => {
    expect(() => synth(ranges({ provider: 'stripe', ipv4: [], ipv6: [] }))).toThrow(/'providerIpRanges' of 'stripe' lists no address/);
  });

  test('IPv4 entries are IPv4 CIDR ranges', () => {
    expect(() => synth(ranges({ provider: 'stripe', ipv4: ['3.18.12.63', '2600:1f18::/32'] })))
      .toThrow(/'providerIpRanges' of 'stripe': 3\.18\.12\.63, 2600:1f18::\/32 are not IPv4 CIDR ranges \(e\.g\. '3\.18\.12\.63\/32' for one address/);
  });

  test('IPv6 entries are IPv6 CIDR ranges', () => {
    expect(() => synth(ranges({ provider: 'stripe', ipv6: ['3.18.12.63/32'] }))).toThrow(/3\.18\.12\.63\/32 is not an IPv6 CIDR range \(e\.g\. '2001:db8::1\/128'/);
  });

  test('valid allow-lists of several providers pass', () => {
    expect(() => synth({}, (stack) => ({
      providers: [
        WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S')] }),
        WebhookProvider.github({ secrets: [new secretsmanager.Secret(stack, 'G')] }),
      ],
      ...ranges({ provider: 'stripe', ipv4: ['3.18.12.63/32'] }, { provider: 'github', ipv4: ['140.82.112.0/20'], ipv6: ['2a0a:a440::/29'] }),
    }))).not.toThrow();
  });

  test.each([
    ['10.0.0.0/8', 4, true], ['3.18.12.63/32', 4, true], ['0.0.0.0/0', 4, false], ['3.18.12.63/33', 4, false],
    ['256.1.1.1/32', 4, false], ['3.18.12.63', 4, false], ['2a0a:a440::/29', 6, true], ['::1/128', 6, true],
    ['::/0', 6, false], ['2a0a:a440::/129', 6, false], ['10.0.0.0/8', 6, false],
  ] as const)('isCidr(%s, IPv%d) is %s', (value, version, expected) => {
    expect(isCidr(value, version)).toBe(expected);
  });
});
