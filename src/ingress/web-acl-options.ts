import type { Duration } from 'aws-cdk-lib';

/**
 * The published source addresses of one provider: deliveries to its path
 * (`/webhook/<provider>`) from anywhere else are refused with a JSON `403` by the web ACL.
 *
 * Providers change their ranges: refresh them from where the provider publishes them (see the
 * README's "Managed WAF") and redeploy, or a delivery from a new address is refused.
 */
export interface WebhookProviderIpRanges {
  /** The provider's `name`, as in `WebhookProvider.stripe({ name })`. */
  readonly provider: string;

  /**
   * IPv4 ranges in CIDR notation (a single address as `/32`), e.g. `['3.18.12.63/32']`.
   *
   * @default - no IPv4 address is allowed: at least one of `ipv4` and `ipv6` must be set
   */
  readonly ipv4?: string[];

  /**
   * IPv6 ranges in CIDR notation (a single address as `/128`).
   *
   * @default - no IPv6 address is allowed
   */
  readonly ipv6?: string[];
}

/** Settings of the web ACL the construct creates (`WebhookWebAcl.managed()`). */
export interface WebhookWebAclOptions {
  /**
   * Requests from one source IP in one evaluation window (`rateLimitWindow`) above which the web
   * ACL answers `429` to that address until its rate falls below the limit (10 to 2,000,000,000).
   * Addresses in `providerIpRanges` are not counted. Signatures are checked by the ingest function,
   * so every unsigned request still costs an invocation; this caps what one address can send.
   *
   * @default 3000 (10 requests a second from one address, averaged over 5 minutes)
   */
  readonly rateLimit?: number;

  /**
   * How far back WAF counts requests for `rateLimit`: 1, 2, 5 or 10 minutes.
   *
   * @default Duration.minutes(5)
   */
  readonly rateLimitWindow?: Duration;

  /**
   * Per provider, the source addresses it publishes: deliveries to its path from anywhere else
   * are refused (`403`) before they reach the API. Only for providers that publish their ranges.
   *
   * @default - no allow-list: any address may deliver, and the signature decides
   */
  readonly providerIpRanges?: WebhookProviderIpRanges[];
}

/**
 * A web ACL for the REST API stage, created by the construct (`api.webAcl`); to attach one of
 * your own, use `api.webAclArn` instead.
 */
export class WebhookWebAcl {
  /**
   * A regional web ACL made for webhooks: a `413` for bodies larger than the ingest function
   * accepts (by `Content-Length`), optional per-provider allow-lists of published addresses,
   * a rate limit per source IP (`429`), and the AWS managed core rule set and known-bad-inputs
   * rule set, with the rules that inspect the body (and the missing User-Agent rule) set to count:
   * a webhook body is the provider's signed data, and blocking it loses the webhook. See the
   * README's "Managed WAF" for each rule and why.
   *
   * @param options rate limit and provider allow-lists
   */
  public static managed(options: WebhookWebAclOptions = {}): WebhookWebAcl {
    return new WebhookWebAcl(options);
  }

  /** The settings. */
  public readonly options: WebhookWebAclOptions;

  private constructor(options: WebhookWebAclOptions) {
    this.options = options;
  }
}
