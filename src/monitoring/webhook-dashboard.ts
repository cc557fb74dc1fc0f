import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MonitoredEvents, MonitoredFunction, MonitoredPipeline } from './monitored-pipeline';
import { API_5XX_RATE, FUNCTION_ERROR_RATE, SIGNATURE_REJECTION_RATE, mathId, ratePercent } from './rates';
import { OUTCOME_FIELDS } from '../core/delivery-telemetry';

/** Properties of the pipeline's dashboard. */
export interface WebhookDashboardProps {
  /** What to show. */
  readonly pipeline: MonitoredPipeline;
  /** Alarms whose state to show (read at synth, so alarms added later are shown too). */
  readonly alarms: cloudwatch.IAlarm[];
}

/** Rows of deliveries the outcome table lists at most. */
const OUTCOME_ROWS = 100;

/**
 * The Logs Insights query of the outcome table: deliveries by provider, event type, outcome and
 * reason, counted from the `outcome` lines of the ingest and processor logs. Event types are
 * the senders' to choose, so they are counted here, from logs, and never made a metric
 * dimension (each value of which would be a billed custom metric).
 */
export function deliveryOutcomeQuery(): string[] {
  const fields = OUTCOME_FIELDS.join(', ');
  return [
    `fields ${fields}`,
    'filter ispresent(outcome)',
    `stats count(*) as deliveries by ${fields}`,
    'sort deliveries desc',
    `limit ${OUTCOME_ROWS}`,
  ];
}

/**
 * One pipeline on one page, in rows by concern: alarm states; the front door; deliveries (with
 * a table by provider, event type and outcome); queue and dead letters; functions; and, once
 * events are on (`watchEvents()`), events.
 */
export class WebhookDashboard extends cloudwatch.Dashboard {
  constructor(scope: Construct, id: string, props: WebhookDashboardProps) {
    super(scope, id, { defaultInterval: Duration.hours(3) });
    const { pipeline } = props;
    if (props.alarms.length > 0) {
      // Six alarm tiles fit a row of the full width; room for the event alarms added later.
      this.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 1 + Math.ceil((props.alarms.length + 3) / 6) }));
    }

    this.section('Front door');
    this.addWidgets(
      graph('API requests', [pipeline.requests, pipeline.clientErrors, pipeline.serverErrors]),
      graph('API 5xx %', [ratePercent('api', { failures: [pipeline.serverErrors], total: pipeline.requests }, API_5XX_RATE, '5xx %')]),
      graph('API latency p99', [pipeline.latency, ...(pipeline.integrationLatency ? [pipeline.integrationLatency] : [])]),
    );

    this.section('Deliveries');
    this.addWidgets(
      graph('Accepted, by provider', [pipeline.accepted, ...pipeline.providers.map((p) => p.accepted)]),
      graph('Rejected, by provider and reason', [pipeline.rejectedByReason]),
      graph('Signature rejections %, by provider', pipeline.providers.map((p) => ratePercent(mathId('sig', p.name),
        { failures: p.signatureMismatches, successes: [p.accepted] }, SIGNATURE_REJECTION_RATE, p.name))),
    );
    const outcomes = graph('Recorded, duplicates, conflicts, replays', [pipeline.processed, pipeline.duplicates, pipeline.conflicts, pipeline.replays], pipeline.invalid ? 12 : 24);
    this.addWidgets(outcomes, ...(pipeline.invalid ? [graph('Invalid payloads (recorded, not routed)', [pipeline.invalid], 12)] : []));
    this.addWidgets(new cloudwatch.LogQueryWidget({
      title: `Deliveries by provider, event type and outcome (top ${OUTCOME_ROWS}, from the logs)`,
      logGroupNames: pipeline.deliveryLogGroups.map((group) => group.logGroupName),
      queryLines: deliveryOutcomeQuery(),
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      width: 24,
      height: 8,
    }));

    this.section('Queue and dead letters');
    this.addWidgets(
      graph('Queue backlog', [pipeline.backlog], 6),
      graph('Oldest queued webhook (s)', [pipeline.oldestMessageAge], 6),
      new cloudwatch.GraphWidget({
        title: 'Dead letters',
        width: 6,
        height: 6,
        left: [pipeline.deadLettersArchived, pipeline.deadLetters],
        right: [pipeline.deadLetterQueueAge],
      }),
      graph('Archive failures (dead letters not saved)', [pipeline.archiveFailures], 6),
    );

    this.section('Functions');
    const perFunction = (metric: (fn: MonitoredFunction) => cloudwatch.IMetric) => pipeline.functions.map(metric);
    this.addWidgets(
      graph('Function errors', perFunction((f) => f.function.metricErrors({ statistic: 'Sum', label: f.name.toLowerCase() })), 6),
      graph('Function error %', perFunction((f) => ratePercent(mathId('fn', f.name),
        { failures: [f.function.metricErrors({ statistic: 'Sum' })], total: f.function.metricInvocations({ statistic: 'Sum' }) }, FUNCTION_ERROR_RATE, f.name.toLowerCase())), 6),
      graph('Function duration p99', perFunction((f) => f.function.metricDuration({ statistic: 'p99', label: f.name.toLowerCase() })), 6),
      graph('Function throttles', perFunction((f) => f.function.metricThrottles({ statistic: 'Sum', label: f.name.toLowerCase() })), 6),
    );
  }

  /** Adds the events row: what the publisher and the replay function put on the bus, and what they could not. */
  public watchEvents(events: MonitoredEvents): void {
    this.section('Events');
    const fns = [{ name: 'publisher', function: events.publisher }, { name: 'replay', function: events.replay }];
    this.addWidgets(
      graph('Events published and replayed', [events.published, events.replayed]),
      graph('Event failures', [events.failures, events.replayFailures]),
      graph('Publisher and replay errors', fns.map((f) => f.function.metricErrors({ statistic: 'Sum', label: f.name }))),
    );
  }

  /** A full-width heading that starts a row of one concern. */
  private section(title: string): void {
    this.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${title}`, width: 24, height: 1 }));
  }
}

function graph(title: string, left: cloudwatch.IMetric[], width = 8): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width, height: 6 });
}
