import { Duration, Names, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { greaterThanPattern } from './content-length-pattern';
import type { WebhookProviderIpRanges, WebhookWebAclOptions } from './web-acl-options';
import { accept } from '../core/findings';


/**
 * `MAX_BODY_BYTES` of src/runtime/message.ts, repeated: library code cannot import src/runtime/,
 * which is bundled into the handlers and left out of the package (a test checks they agree).
 */
export const INGEST_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Requests from one address in the window above which it is answered 429 (`rateLimit`). */
export const DEFAULT_RATE_LIMIT = 3000;
/** `rateLimitWindow` when not set: WAF's own default. */
export const DEFAULT_RATE_LIMIT_WINDOW = Duration.minutes(5);
/** Evaluation windows WAF accepts, in seconds (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html). */
export const RATE_LIMIT_WINDOWS = [60, 120, 300, 600];

/** A rule of a managed group set to count instead of block, and why. */
interface CountedRule {
  readonly name: string;
  readonly why: string;
}

/**
 * Rules of the AWS managed core rule set (CRS) that would block legitimate webhooks, set to count:
 * they still label and count matching requests (metrics, sampled requests), but never block one.
 * A webhook body is the provider's signed record of its customers' data; the ingest function
 * authenticates it by signature and never renders, includes or fetches what it contains.
 * Rule names: https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */
export const COMMON_RULES_COUNTED: readonly CountedRule[] = [
  { name: 'SizeRestrictions_BODY', why: 'it blocks bodies over 8 KB, and many webhooks are larger (GitHub pushes, Shopify orders); the ingest accepts up to 4 MiB and the BodyTooLarge rule refuses more' },
  { name: 'CrossSiteScripting_BODY', why: 'bodies carry HTML written by the provider\'s users (issue comments, product descriptions, e-mail content), which nothing here renders' },
  { name: 'GenericLFI_BODY', why: 'paths with ../ occur in repository and file-sync payloads' },
  { name: 'GenericRFI_BODY', why: 'URLs with IP addresses occur in payloads (callback URLs, links in messages)' },
  { name: 'EC2MetaDataSSRF_BODY', why: 'no part of a body is ever fetched as a URL; a payload that quotes the metadata address (an issue about it) is data' },
  { name: 'NoUserAgent_HEADER', why: 'some senders send no User-Agent (internal services, plain HTTP clients of smaller providers); the signature authenticates a delivery, its User-Agent does not' },
];

/** Rules of the known-bad-inputs rule set set to count, for the same reason as the CRS body rules. */
export const KNOWN_BAD_INPUTS_COUNTED: readonly CountedRule[] = [
  { name: 'Log4JRCE_BODY', why: 'a body quoting a Log4Shell string (an issue or a support ticket about it) is data; no Java code parses it here, and the header, path and query rules still block' },
  { name: 'JavaDeserializationRCE_BODY', why: 'bodies are JSON or form data that nothing deserializes as Java objects; the header, path and query rules still block' },
];

/** Properties of the managed web ACL. */
export interface ManagedWebAclProps {
  /** The settings of `WebhookWebAcl.managed()`. */
  readonly options: WebhookWebAclOptions;
  /** The largest body the ingest function accepts, in bytes. */
  readonly maxBodyBytes: number;
}

/**
 * A regional web ACL for the REST API stage. In order: a JSON `413` for a `Content-Length` above
 * the ingest's maximum; per provider with published ranges, a JSON `403` for deliveries to its
 * path from elsewhere; a JSON `429` for an address over the rate limit; the AWS managed core rule
 * set and known-bad-inputs rule set, with the rules that would block legitimate webhooks counted.
 * Every rule publishes CloudWatch metrics and sampled requests.
 */
export class ManagedWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;

  /** The IP sets of the provider allow-lists (one per provider and IP version). */
  public readonly ipSets: wafv2.CfnIPSet[] = [];

  private readonly metricPrefix: string;

  constructor(scope: Construct, id: string, props: ManagedWebAclProps) {
    super(scope, id);
    const options = props.options;
    // Names WAF's CloudWatch metrics (dimension Rule / WebACL): unique to this construct.
    this.metricPrefix = Names.uniqueResourceName(this, { maxLength: 80, separator: '-' });
    const allowLists = (options.providerIpRanges ?? []).map((ranges) => ({ ranges, sets: this.ipSetsOf(ranges) }));
    const allSets = allowLists.flatMap((a) => a.sets);

    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'BodyTooLarge',
        action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'body_too_large' } } },
        // A numeric comparison by regex: WAF inspects only the first 16-64 KB of a body.
        statement: {
          regexMatchStatement: {
            fieldToMatch: { singleHeader: { Name: 'content-length' } },
            regexString: greaterThanPattern(props.maxBodyBytes),
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        visibilityConfig: this.visibility('BodyTooLarge'),
      },
      ...allowLists.map(({ ranges, sets }) => ({
        name: `AllowList-${ranges.provider}`,
        action: { block: { customResponse: { responseCode: 403, customResponseBodyKey: 'source_not_allowed' } } },
        statement: {
          andStatement: {
            statements: [
              {
                // The path as API Gateway routes it (percent-decoded, dot segments and double
                // slashes removed), after the stage or base path, with or without a trailing slash.
                regexMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  regexString: `/webhook/${ranges.provider}/?$`,
                  textTransformations: [{ priority: 0, type: 'URL_DECODE' }, { priority: 1, type: 'NORMALIZE_PATH' }],
                },
              },
              { notStatement: { statement: fromAnyOf(sets) } },
            ],
          },
        },
        visibilityConfig: this.visibility(`AllowList-${ranges.provider}`),
      })),
      {
        name: 'RatePerIp',
        action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rate_limited' } } },
        statement: {
          rateBasedStatement: {
            limit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
            aggregateKeyType: 'IP',
            evaluationWindowSec: (options.rateLimitWindow ?? DEFAULT_RATE_LIMIT_WINDOW).toSeconds(),
            // A provider's published addresses may burst (a backlog after an outage of ours).
            ...(allSets.length > 0 ? { scopeDownStatement: { notStatement: { statement: fromAnyOf(allSets) } } } : {}),
          },
        },
        visibilityConfig: this.visibility('RatePerIp'),
      },
      this.managedRules('AWSManagedRulesCommonRuleSet', COMMON_RULES_COUNTED),
      this.managedRules('AWSManagedRulesKnownBadInputsRuleSet', KNOWN_BAD_INPUTS_COUNTED),
    ].map((rule, priority) => ({ ...rule, priority }));

    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      scope: 'REGIONAL',
      description: 'Webhook API: body size, provider allow-lists, rate per IP, AWS managed rules',
      defaultAction: { allow: {} },
      visibilityConfig: this.visibility('WebAcl'),
      rules,
      // Shaped like the ingest function's own errors ({"error","message"}).
      customResponseBodies: {
        body_too_large: jsonBody('body_too_large', `The request body is larger than the webhook endpoint accepts (${props.maxBodyBytes} bytes).`),
        source_not_allowed: jsonBody('source_not_allowed', 'Deliveries to this provider are accepted only from the addresses it publishes.'),
        rate_limited: jsonBody('rate_limited', 'Too many requests from this address; retry later.'),
      },
    });
    accept(this.webAcl, [{
      checkov: ['CKV2_AWS_31'],
      reason: 'WAF logs record request headers, which carry webhook signatures and, for API-key and basic-auth providers, the shared secret itself; logging is left to the user, who knows which headers to redact (see the README).',
    }]);
  }

  /** The web ACL's ARN. */
  public get webAclArn(): string {
    return this.webAcl.attrArn;
  }

  private ipSetsOf(ranges: WebhookProviderIpRanges): wafv2.CfnIPSet[] {
    const versions: Array<[string, string[] | undefined]> = [['IPV4', ranges.ipv4], ['IPV6', ranges.ipv6]];
    return versions.filter(([, addresses]) => addresses !== undefined && addresses.length > 0).map(([version, addresses]) => {
      const set = new wafv2.CfnIPSet(this, `${ranges.provider}-${version}`, {
        scope: 'REGIONAL',
        ipAddressVersion: version,
        addresses: addresses!,
        description: `Published webhook source addresses of ${ranges.provider}, ${version}`,
      });
      this.ipSets.push(set);
      return set;
    });
  }

  private managedRules(name: string, counted: readonly CountedRule[]) {
    return {
      name,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ruleActionOverrides: counted.map((rule) => ({ name: rule.name, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: this.visibility(name),
    };
  }

  private visibility(name: string): wafv2.CfnWebACL.VisibilityConfigProperty {
    return { cloudWatchMetricsEnabled: true, metricName: `${this.metricPrefix}-${name}`, sampledRequestsEnabled: true };
  }
}

/** A statement matching a source address in any of the sets. */
function fromAnyOf(sets: wafv2.CfnIPSet[]): wafv2.CfnWebACL.StatementProperty {
  const statements = sets.map((set) => ({ ipSetReferenceStatement: { arn: set.attrArn } }));
  return statements.length === 1 ? statements[0] : { orStatement: { statements } };
}

function jsonBody(error: string, message: string): wafv2.CfnWebACL.CustomResponseBodyProperty {
  return { contentType: 'APPLICATION_JSON', content: JSON.stringify({ error, message }) };
}

/** The README's table of counted rules (a test checks that the README shows it exactly). */
export function countedRulesTable(): string {
  const rows = [
    ...COMMON_RULES_COUNTED.map((rule) => ({ rule, group: 'core rule set' })),
    ...KNOWN_BAD_INPUTS_COUNTED.map((rule) => ({ rule, group: 'known bad inputs' })),
  ];
  return rows.map(({ rule, group }) => `| \`${rule.name}\` (${group}) | ${rule.why[0].toUpperCase()}${rule.why.slice(1)}. |`).join('\n');
}
