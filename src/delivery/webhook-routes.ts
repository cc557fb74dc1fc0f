import { Token, aws_events as events } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from './event-names';
import { ReplayFilter, type WebhookRuleOptions } from './webhook-rule-options';

/** Properties of the routes of one construct. */
export interface WebhookRoutesProps {
  /** The bus the construct's events go to. */
  readonly eventBus: events.IEventBus;
  /** The `processor` field of the construct's events, which tells them apart on a shared bus. */
  readonly processorName: string;
  /** The providers the construct receives, to check routes against. */
  readonly providerNames: string[];
}

/** The rules `onWebhook()` adds: each one an EventBridge rule on the construct's own events. */
export class WebhookRoutes extends Construct {
  constructor(scope: Construct, id: string, private readonly props: WebhookRoutesProps) {
    super(scope, id);
  }

  /** A rule matching the options, with their targets. */
  public add(id: string, options: WebhookRuleOptions): events.Rule {
    const where = `${this.node.scope!.node.path}: onWebhook('${id}')`;
    const known = this.props.providerNames;
    const unknown = (options.providers ?? []).filter((p) => !Token.isUnresolved(p) && !known.includes(p));
    if (unknown.length > 0) {
      throw new Error(`${where}: 'providers' names ${unknown.map((u) => `'${u}'`).join(', ')}, which this construct does not receive. Configured providers: ${known.join(', ')}.`);
    }
    if (options.payload !== undefined && (typeof options.payload !== 'object' || options.payload === null || Array.isArray(options.payload))) {
      throw new Error(`${where}: 'payload' must be an event pattern object, e.g. { data: { object: { amount: [{ numeric: ['>', 0] }] } } }.`);
    }
    return new events.Rule(this, id, {
      eventBus: this.props.eventBus,
      description: options.description ?? `Webhooks from ${this.node.scope!.node.path}`,
      eventPattern: {
        source: [EVENT_SOURCE],
        detailType: [EVENT_DETAIL_TYPE],
        detail: {
          processor: [this.props.processorName],
          ...(options.providers ? { provider: options.providers } : {}),
          ...(options.eventTypes ? { type: options.eventTypes } : {}),
          ...(options.payload ? { payload: options.payload } : {}),
          ...replayCondition(options.replays ?? ReplayFilter.INCLUDE),
        },
      },
      targets: options.targets,
    });
  }
}

/**
 * The detail condition of a replay filter. On `replay.id`, a leaf: "Comparison operators only
 * work on leaf nodes", `exists` among them
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 */
function replayCondition(filter: ReplayFilter): Record<string, unknown> {
  switch (filter) {
    case ReplayFilter.EXCLUDE: return { replay: { id: [{ exists: false }] } };
    case ReplayFilter.ONLY: return { replay: { id: [{ exists: true }] } };
    default: return {};
  }
}
