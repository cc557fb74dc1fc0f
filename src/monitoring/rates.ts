import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import type { WebhookRateAlarmOptions } from '../webhook-processor-props';

/** A rate alarm's settings, defaults applied. */
export interface RateSettings {
  readonly thresholdPercent: number;
  readonly period: Duration;
  readonly minimumCount: number;
}

/** Function error rate: 1 % of the invocations over 5 minutes, once there are 100 (seed 002's 1 %). */
export const FUNCTION_ERROR_RATE: RateSettings = { thresholdPercent: 1, period: Duration.minutes(5), minimumCount: 100 };
/** API 5xx rate: 1 % of the requests over 5 minutes, once there are 100. */
export const API_5XX_RATE: RateSettings = { thresholdPercent: 1, period: Duration.minutes(5), minimumCount: 100 };
/**
 * Signature-rejection rate: 10 % of a provider's deliveries over 15 minutes, once there are 10. A
 * secret rotated at the provider but not here fails every delivery (100 %); the longer period
 * lets a provider with little traffic reach the minimum.
 */
export const SIGNATURE_REJECTION_RATE: RateSettings = { thresholdPercent: 10, period: Duration.minutes(15), minimumCount: 10 };

/** The user's options over the defaults. */
export function rateSettings(options: WebhookRateAlarmOptions | undefined, defaults: RateSettings): RateSettings {
  return {
    thresholdPercent: options?.thresholdPercent ?? defaults.thresholdPercent,
    period: options?.period ?? defaults.period,
    minimumCount: options?.minimumCount ?? defaults.minimumCount,
  };
}

/** The metrics a rate is taken from. */
export interface RateParts {
  /** What failed (summed). */
  readonly failures: cloudwatch.IMetric[];
  /** What succeeded (summed): the rate is failures / (failures + successes). */
  readonly successes?: cloudwatch.IMetric[];
  /** Or the total the failures are part of (Errors are among Invocations): failures / total. */
  readonly total?: cloudwatch.IMetric;
}

/**
 * 100 × failures / count over `period`, reading 0 while the count is below `minimumCount`: one
 * time series, which an alarm can watch. Each metric is `FILL`ed with 0, since CloudWatch
 * publishes no datapoint for a period without events (an error-free period has no `Errors`).
 * `id` prefixes the metrics' ids, which must be unique within a graph and start with a lowercase
 * letter (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
 */
export function ratePercent(id: string, parts: RateParts, settings: RateSettings, label: string): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  const sum = (kind: string, metrics: cloudwatch.IMetric[]) => metrics.map((metric, i) => {
    const key = `${id}_${kind}${i}`;
    usingMetrics[key] = metric;
    return `FILL(${key}, 0)`;
  }).join(' + ');
  const failures = `(${sum('f', parts.failures)})`;
  const successes = sum('s', parts.successes ?? []);
  const count = parts.total !== undefined ? `(${sum('t', [parts.total])})` : successes === '' ? failures : `(${failures} + ${successes})`;
  return new cloudwatch.MathExpression({
    expression: `IF(${count} >= ${settings.minimumCount}, 100 * ${failures} / ${count}, 0)`,
    usingMetrics,
    period: settings.period,
    label,
  });
}

/** A metric-math id made of a name (`Ingest`, `stripe-2`): lowercase letters, digits and `_`. */
export function mathId(prefix: string, name: string): string {
  return `${prefix}_${name.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}
