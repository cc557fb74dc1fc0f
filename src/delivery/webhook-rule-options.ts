import type { aws_events as events } from 'aws-cdk-lib';

/** Whether a rule matches replayed events (events with a `replay` marker, see `grantReplay()`). */
export enum ReplayFilter {
  /** First events and replays alike: a consumer that was down gets what a replay re-sends. */
  INCLUDE = 'include',
  /** First events only: the rule never sees a replay. */
  EXCLUDE = 'exclude',
  /** Replays only, e.g. a target that exists to process what is replayed. */
  ONLY = 'only',
}

/** Which webhooks a rule matches (all conditions must hold), and where it sends them. */
export interface WebhookRuleOptions {
  /**
   * Providers, by `name`, whose webhooks match.
   *
   * @default - every provider
   */
  readonly providers?: string[];

  /**
   * Event types, as the provider names them (e.g. `payment_intent.succeeded`), that match.
   *
   * @default - every type
   */
  readonly eventTypes?: string[];

  /**
   * An EventBridge event pattern on the webhook's payload (its parsed JSON body), with the
   * pattern's full syntax: exact values, `prefix`, `numeric` ranges, `exists`, `anything-but`…
   * For example `{ data: { object: { amount: [{ numeric: ['>=', 1000, '<', 10000] }] } } }`.
   * Several filters listed for one field are OR-ed, so a range is one `numeric` filter with both
   * bounds. Only events that carry their payload can match a payload pattern (see the README:
   * bodies that are not JSON, or too large for an event, travel by reference).
   *
   * @default - no condition on the payload
   */
  readonly payload?: { [key: string]: any };

  /**
   * Whether replayed events match too. A replay carries the same detail (and webhook `id`) as the
   * first event plus `replay: { id, requestedAt }`, so an idempotent consumer needs no change.
   *
   * @default ReplayFilter.INCLUDE
   */
  readonly replays?: ReplayFilter;

  /**
   * Where matching webhooks go: a Lambda function, a Step Functions state machine, an SNS
   * topic, an SQS queue, an API destination, a log group…, each with its own retry policy and
   * dead-letter queue (see the target's props).
   *
   * @default - none; add them with `rule.addTarget()`
   */
  readonly targets?: events.IRuleTarget[];

  /**
   * A description of the rule.
   *
   * @default - one naming the construct
   */
  readonly description?: string;
}
