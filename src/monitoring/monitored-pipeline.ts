import { Duration, type aws_cloudwatch as cloudwatch, type aws_lambda as lambda, type aws_sqs as sqs } from 'aws-cdk-lib';
import type { HandlerMetrics } from '../core/handler-metrics';
import type { FrontDoorMetrics } from '../ingress/front-door';

/** One function under watch, with the name it has in alarms and graphs (`Ingest`, …). */
export interface MonitoredFunction {
  readonly name: string;
  readonly function: lambda.IFunction;
}

/**
 * What the alarms and the dashboard watch, as metrics: they know nothing of which front door or
 * queue produces them, so a new part adds its metrics here without editing them.
 */
export interface MonitoredPipeline {
  readonly functions: MonitoredFunction[];
  readonly requests: cloudwatch.IMetric;
  readonly clientErrors: cloudwatch.IMetric;
  readonly serverErrors: cloudwatch.IMetric;
  readonly latency: cloudwatch.IMetric;
  /** Time spent in the function; only where the front door measures it apart (API Gateway). */
  readonly integrationLatency?: cloudwatch.IMetric;
  readonly accepted: cloudwatch.IMetric;
  /** Deliveries answered 503 because the signing secrets could not be loaded. */
  readonly secretsUnavailable: cloudwatch.IMetric;
  readonly processed: cloudwatch.IMetric;
  readonly duplicates: cloudwatch.IMetric;
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

/** Where the metrics of a pipeline come from. */
export interface PipelineSources {
  readonly functions: MonitoredFunction[];
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
    functions: sources.functions,
    requests: frontDoor.requests,
    clientErrors: frontDoor.clientErrors,
    serverErrors: frontDoor.serverErrors,
    latency: frontDoor.latency,
    ...(frontDoor.integrationLatency ? { integrationLatency: frontDoor.integrationLatency } : {}),
    accepted: handlerMetrics.accepted(),
    secretsUnavailable: handlerMetrics.secretsUnavailable(),
    processed: handlerMetrics.processed(),
    duplicates: handlerMetrics.duplicates(),
    ...(sources.validatesPayloads ? { invalid: handlerMetrics.invalid() } : {}),
    backlog: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
    deadLetters: metricDeadLetters(sources.deadLetterQueue),
    deadLettersArchived: handlerMetrics.deadLettersArchived(),
    deadLetterQueueAge: metricOldestMessageAge(sources.deadLetterQueue),
    archiveFailures: metricDeadLetters(sources.archiveFailureQueue),
    oldestMessageAge: metricOldestMessageAge(queue),
  };
}
