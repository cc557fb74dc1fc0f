import { Duration, Names, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { IngestMetricName, METRICS_NAMESPACE, PROVIDER_DIMENSION, REASON_DIMENSION, SIGNATURE_MISMATCH_REASONS } from './delivery-telemetry';

export { METRICS_NAMESPACE } from './delivery-telemetry';

/** The handler functions that publish metrics, by their Powertools service suffix. */
export enum HandlerName {
  INGEST = 'ingest',
  PROCESSOR = 'processor',
  STATUS = 'status',
  PUBLISHER = 'publisher',
  LIST = 'list',
  REPLAY = 'replay',
  DEAD_LETTER_ARCHIVER = 'dead-letter-archiver',
  REDRIVE = 'redrive',
}

/**
 * Names the metrics the handlers publish (Powertools' `service` dimension) after the construct
 * that owns them, so that two processors in one account never mix their metrics.
 */
export class HandlerMetrics {
  /** The construct's unique name, which every service name starts with. */
  public readonly prefix: string;

  constructor(owner: IConstruct) {
    this.prefix = Names.uniqueResourceName(owner, { maxLength: 48, separator: '-' });
  }

  /** The Powertools service name of one handler. */
  public serviceName(handler: HandlerName): string {
    return `${this.prefix}-${handler}`;
  }

  /** The environment that makes a handler publish under its service name. */
  public environment(handler: HandlerName): Record<string, string> {
    return { POWERTOOLS_SERVICE_NAME: this.serviceName(handler), POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE };
  }

  /** A metric a handler publishes, summed over 5 minutes unless `props` says otherwise. */
  public metric(handler: HandlerName, metricName: string, dimensions: Record<string, string>, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.serviceName(handler), ...dimensions },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Deliveries rejected by the ingest function, by provider and reason. */
  public rejected(provider: string, reason: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.INGEST, IngestMetricName.REJECTED, { [PROVIDER_DIMENSION]: provider, [REASON_DIMENSION]: reason }, props);
  }

  /**
   * Rejections of one provider whose signature the configured secrets do not match (or that has
   * no secret), one metric per reason: the numerator of its signature-rejection rate.
   */
  public signatureMismatches(provider: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric[] {
    return SIGNATURE_MISMATCH_REASONS.map((reason) => this.rejected(provider, reason, props));
  }

  /**
   * Every rejection, one time series per provider and reason: a SEARCH expression, which graphs
   * accept and alarms do not ("You can't create an alarm based on the SEARCH expression",
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html).
   */
  public rejectedByProviderAndReason(period: Duration = Duration.minutes(5)): cloudwatch.MathExpression {
    const schema = [METRICS_NAMESPACE, 'service', PROVIDER_DIMENSION, REASON_DIMENSION].join(',');
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${schema}} MetricName="${IngestMetricName.REJECTED}" service="${this.serviceName(HandlerName.INGEST)}"', 'Sum', ${period.toSeconds()})`,
      usingMetrics: {},
      label: '',
      period,
    });
  }

  /** Deliveries accepted and queued by the ingest function. */
  public accepted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.INGEST, IngestMetricName.ACCEPTED, {}, props);
  }

  /** Deliveries of one provider accepted and queued by the ingest function. */
  public acceptedFrom(provider: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.INGEST, IngestMetricName.ACCEPTED, { [PROVIDER_DIMENSION]: provider }, props);
  }

  /**
   * Deliveries the ingest function answered 503 because the providers' signing secrets could not
   * be loaded (e.g. no `kms:Decrypt` on their key, or a deleted secret).
   */
  public secretsUnavailable(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.INGEST, 'SecretsUnavailable', {}, props);
  }

  /** Webhooks recorded by the processor. */
  public processed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.PROCESSOR, 'WebhooksProcessed', {}, props);
  }

  /** Deliveries with a different body under an already recorded webhook id. */
  public conflicts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.PROCESSOR, 'DeliveryConflicts', {}, props);
  }

  /** Replays of already processed bytes under a new delivery id, within the provider's window. */
  public replays(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.PROCESSOR, 'ReplaysRejected', {}, props);
  }

  /** Deliveries recorded with status `invalid`: their body fails the provider's payload schemas. */
  public invalid(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.PROCESSOR, 'WebhooksInvalid', {}, props);
  }

  /** Dead letters the archiver saved under `dead-letters/` (webhooks that failed processing). */
  public deadLettersArchived(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.DEAD_LETTER_ARCHIVER, 'DeadLettersArchived', {}, props);
  }

  /** Events a function (publisher or replay) put on the bus. */
  public eventsPublished(handler: HandlerName, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(handler, 'EventsPublished', {}, props);
  }

  /** Events a function (publisher or replay) could not put on the bus after its attempts. */
  public eventsFailed(handler: HandlerName, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(handler, 'EventsFailed', {}, props);
  }

  /** Events the replay function put on the bus again. */
  public eventsReplayed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.REPLAY, 'EventsReplayed', {}, props);
  }

  /** Duplicate deliveries acknowledged and dropped by the processor. */
  public duplicates(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(HandlerName.PROCESSOR, 'DuplicateDeliveries', {}, props);
  }
}
