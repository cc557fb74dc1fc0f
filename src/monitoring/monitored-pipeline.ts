import {
  Duration, type aws_cloudwatch as cloudwatch, type aws_lambda as lambda, type aws_logs as logs, type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { HandlerName, type HandlerMetrics } from '../core/handler-metrics';
import type { FrontDoorMetrics } from '../ingress/front-door';

/** One function under watch, with the name it has in alarms and graphs (`Ingest`, …). */
export interface MonitoredFunction {
  readonly name: string;
  readonly function: lambda.IFunction;
}

/** One provider's deliveries: what its signature-rejection rate is taken from. */
export interface MonitoredProvider {
  readonly name: string;
  /** Its deliveries accepted. */
  readonly accepted: cloudwatch.IMetric;
  /** Its deliveries whose signature the secrets do not match, one metric per reason. */
  readonly signatureMismatches: cloudwatch.IMetric[];
}

/**
 * What the alarms and the dashboard watch, as metrics: they know nothing of which front door or
 * queue produces them, so a new part adds its metrics here without editing them.
 */
export interface MonitoredPipeline extends FrontDoorMetrics {
  readonly functions: MonitoredFunction[];
  readonly providers: MonitoredProvider[];
  readonly accepted: cloudwatch.IMetric;
  /** Rejections, one series per provider and reason (a SEARCH expression: for graphs only). */
  readonly rejectedByReason: cloudwatch.IMetric;
  /** Deliveries answered 503 because the signing secrets could not be loaded. */
  readonly secretsUnavailable: cloudwatch.IMetric;
  readonly processed: cloudwatch.IMetric;
  readonly duplicates: cloudwatch.IMetric;
  readonly conflicts: cloudwatch.IMetric;
  readonly replays: cloudwatch.IMetric;
  /** The log groups whose lines carry each delivery's outcome (ingest, processor). */
  readonly deliveryLogGroups: logs.ILogGroup[];
  /** Deliveries recorded as invalid; only when a provider has payload schemas. */
  readonly invalid?: cloudwatch.IMetric;
  readonly backlog: cloudwatch.IMetric;
  readonly deadLetters: cloudwatch.IMetric;
  /** Dead letters archived under `dead-letters/` (each a webhook that failed processing). */
  readonly deadLettersArchived: cloudwatch.IMetric;
  /** Age of the oldest message in the dead-letter queue, which the archiver should drain in seconds. */
  readonly deadLetterQueueAge: cloudwatch.IMetric;
  /** Dead letters the archiver could not save. */
  readonly archiveFailures: cloudwatch.IMetric;
  readonly oldestMessageAge: cloudwatch.IMetric;
}

/** Messages waiting in a dead-letter queue, by the minute. */
export function metricDeadLetters(deadLetterQueue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
}

/** Age of a queue's oldest message, by the minute. */
export function metricOldestMessageAge(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
}

/** The event publisher and the replay function, once events are on. */
export interface MonitoredEvents {
  readonly publisher: lambda.IFunction;
  readonly replay: lambda.IFunction;
  readonly published: cloudwatch.IMetric;
  /** Batches in the publisher's failure queue. */
  readonly failures: cloudwatch.IMetric;
  readonly replayed: cloudwatch.IMetric;
  /** Events the replay function could not put on the bus. */
  readonly replayFailures: cloudwatch.IMetric;
}

/** The metrics of the event publisher and the replay function. */
export function monitoredEvents(
  handlerMetrics: HandlerMetrics,
  parts: { publisher: lambda.IFunction; replay: lambda.IFunction; failureQueue: sqs.IQueue },
): MonitoredEvents {
  return {
    publisher: parts.publisher,
    replay: parts.replay,
    published: handlerMetrics.eventsPublished(HandlerName.PUBLISHER, { label: 'published' }),
    failures: metricDeadLetters(parts.failureQueue, { label: 'publisher batches given up (failure queue)' }),
    replayed: handlerMetrics.eventsReplayed({ label: 'replayed' }),
    replayFailures: handlerMetrics.eventsFailed(HandlerName.REPLAY, { label: 'replay events not put' }),
  };
}

/** Where the metrics of a pipeline come from. */
export interface PipelineSources {
  readonly functions: MonitoredFunction[];
  readonly providerNames: string[];
  readonly deliveryLogGroups: logs.ILogGroup[];
  /** The front door's traffic metrics (REST API, HTTP API or function URL). */
  readonly frontDoor: FrontDoorMetrics;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly archiveFailureQueue: sqs.IQueue;
  readonly handlerMetrics: HandlerMetrics;
  /** Whether a provider has payload schemas (and so deliveries can be invalid). */
  readonly validatesPayloads?: boolean;
}

/** The metrics of a pipeline, whatever its front door. */
export function monitoredPipeline(sources: PipelineSources): MonitoredPipeline {
  const { queue, handlerMetrics, frontDoor } = sources;
  return {
    ...frontDoorMetrics(frontDoor),
    functions: sources.functions,
    providers: sources.providerNames.map((name) => ({
      name,
      accepted: handlerMetrics.acceptedFrom(name, { label: name }),
      signatureMismatches: handlerMetrics.signatureMismatches(name),
    })),
    deliveryLogGroups: sources.deliveryLogGroups,
    accepted: handlerMetrics.accepted({ label: 'accepted (all providers)' }),
    rejectedByReason: handlerMetrics.rejectedByProviderAndReason(),
    secretsUnavailable: handlerMetrics.secretsUnavailable(),
    processed: handlerMetrics.processed(),
    duplicates: handlerMetrics.duplicates(),
    conflicts: handlerMetrics.conflicts(),
    replays: handlerMetrics.replays(),
    ...(sources.validatesPayloads ? { invalid: handlerMetrics.invalid() } : {}),
    backlog: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
    deadLetters: metricDeadLetters(sources.deadLetterQueue, { label: 'in the dead-letter queue' }),
    // No labels on alarmed metrics: a labelled metric makes its alarm a metric-math one (`Metrics`).
    deadLettersArchived: handlerMetrics.deadLettersArchived(),
    deadLetterQueueAge: metricOldestMessageAge(sources.deadLetterQueue),
    archiveFailures: metricDeadLetters(sources.archiveFailureQueue),
    oldestMessageAge: metricOldestMessageAge(queue),
  };
}

/** The front door's metrics, without an `integrationLatency` key where it has none. */
function frontDoorMetrics(metrics: FrontDoorMetrics): FrontDoorMetrics {
  const { requests, clientErrors, serverErrors, latency, integrationLatency } = metrics;
  return { requests, clientErrors, serverErrors, latency, ...(integrationLatency ? { integrationLatency } : {}) };
}
