import { isIPv4, isIPv6 } from 'net';
import { Token } from 'aws-cdk-lib';
import { RATE_LIMIT_WINDOWS } from './managed-web-acl';
import type { WebhookProcessorProps } from '../webhook-processor-props';

/** Addresses one WAF IP set holds at most (https://docs.aws.amazon.com/waf/latest/developerguide/limits.html). */
const MAX_IP_SET_ADDRESSES = 10000;

/**
 * The problems of the web ACL props (`api.webAcl`, `api.webAclArn`), each naming the props and
 * the fix. Only the REST API front door carries a web ACL: a front door that cannot (an HTTP API,
 * a function URL) adds its rule here, naming both props.
 */
export function webAclProblems(props: WebhookProcessorProps): string[] {
  const api = props.api ?? {};
  const providerNames = props.providers.map((p) => p.name);
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => { if (!ok) problems.push(message); };
  check(api.webAcl === undefined || api.webAclArn === undefined,
    "'api.webAcl' and 'api.webAclArn' cannot both be set: a stage has one web ACL. Keep 'api.webAcl' for the web ACL the construct creates, or 'api.webAclArn' for your own.");
  const options = api.webAcl?.options;
  if (options === undefined) return problems;

  const limit = options.rateLimit;
  check(limit === undefined || Token.isUnresolved(limit) || (Number.isInteger(limit) && limit >= 10 && limit <= 2_000_000_000),
    "'api.webAcl': 'rateLimit' must be a whole number from 10 to 2,000,000,000 (requests from one address per window).");
  const window = options.rateLimitWindow;
  check(window === undefined || window.isUnresolved() || RATE_LIMIT_WINDOWS.includes(window.toSeconds({ integral: false })),
    "'api.webAcl': 'rateLimitWindow' must be 1, 2, 5 or 10 minutes (the evaluation windows WAF offers).");

  const ranges = options.providerIpRanges ?? [];
  const names = ranges.map((r) => r.provider);
  const repeated = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  check(repeated.length === 0, `'api.webAcl': 'providerIpRanges' lists ${repeated.map((n) => `'${n}'`).join(', ')} more than once; give each provider one entry with all its ranges.`);
  for (const r of ranges) {
    const where = `'api.webAcl': 'providerIpRanges' of '${r.provider}'`;
    check(Token.isUnresolved(r.provider) || providerNames.includes(r.provider),
      `${where}: no provider is named '${r.provider}'. Configured providers: ${providerNames.join(', ')}.`);
    check((r.ipv4?.length ?? 0) + (r.ipv6?.length ?? 0) > 0,
      `${where} lists no address: give 'ipv4' or 'ipv6' ranges, or leave the provider out (any address may then deliver).`);
    const badV4 = (r.ipv4 ?? []).filter((c) => !Token.isUnresolved(c) && !isCidr(c, 4));
    check(badV4.length === 0, `${where}: ${badV4.join(', ')} ${badV4.length === 1 ? 'is not an IPv4 CIDR range' : 'are not IPv4 CIDR ranges'} (e.g. '3.18.12.63/32' for one address, prefix /1 to /32).`);
    const badV6 = (r.ipv6 ?? []).filter((c) => !Token.isUnresolved(c) && !isCidr(c, 6));
    check(badV6.length === 0, `${where}: ${badV6.join(', ')} ${badV6.length === 1 ? 'is not an IPv6 CIDR range' : 'are not IPv6 CIDR ranges'} (e.g. '2001:db8::1/128' for one address, prefix /1 to /128).`);
    check(Math.max(r.ipv4?.length ?? 0, r.ipv6?.length ?? 0) <= MAX_IP_SET_ADDRESSES,
      `${where}: a WAF IP set holds at most ${MAX_IP_SET_ADDRESSES} ranges per IP version; merge adjacent ranges.`);
  }
  return problems;
}

/** Whether `value` is a CIDR range of the IP version WAF accepts (every prefix but /0). */
export function isCidr(value: string, version: 4 | 6): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!match) return false;
  const prefix = Number(match[2]);
  return version === 4
    ? isIPv4(match[1]) && prefix >= 1 && prefix <= 32
    : isIPv6(match[1]) && prefix >= 1 && prefix <= 128;
}
