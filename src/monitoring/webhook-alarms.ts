import { Duration, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cloudwatchActions } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { MonitoredPipeline } from './monitored-pipeline';
import type { WebhookAlarmOptions } from '../webhook-processor-props';

/** Properties of the pipeline's alarms. */
export interface WebhookAlarmsProps {
  /** What to watch. */
  readonly pipeline: MonitoredPipeline;
  /** Thresholds and notification. */
  readonly options: WebhookAlarmOptions;
}

/** Alarms on function errors, dead letters, backlog, unreadable secrets and 5xx answers, notifying an optional topic. */
export class WebhookAlarms extends Construct {
  /** The alarms created. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: WebhookAlarmsProps) {
    super(scope, id);
    const { pipeline, options } = props;
    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string, evaluationPeriods = 1) =>
      this.alarms.push(new cloudwatch.Alarm(this, name, {
        metric,
        alarmDescription: description,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));

    const errorsThreshold = options.functionErrorsThreshold ?? 5;
    if (errorsThreshold > 0) {
      for (const { name, function: fn } of pipeline.functions) {
        alarm(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), errorsThreshold,
          `The webhook ${name.toLowerCase()} function failed ${errorsThreshold} or more times in 5 minutes.`);
      }
    }
    if (options.deadLetterQueue ?? true) {
      alarm('DeadLetters', pipeline.deadLetters, 1,
        'Webhooks failed processing maxReceiveCount times and are in the dead-letter queue.');
    }
    const maxAge = (options.maxMessageAge ?? Duration.minutes(5)).toSeconds();
    if (maxAge > 0) {
      alarm('Backlog', pipeline.oldestMessageAge, maxAge, `The oldest queued webhook has waited ${maxAge} seconds or more.`, 3);
    }
    if (options.secretsUnavailable ?? true) {
      alarm('SecretsUnavailable', pipeline.secretsUnavailable, 1,
        'The webhook ingest function could not load the signing secrets and answered 503 (providers retry): check the secrets exist and that the function may read them and decrypt them with their KMS key (provider option secretsEncryptionKey).');
    }
    const api5xx = options.api5xxThreshold ?? 1;
    if (api5xx > 0) {
      alarm('Api5xx', pipeline.serverErrors, api5xx, `The webhook API answered ${api5xx} or more 5xx responses in 5 minutes.`);
    }
    if (options.alarmTopic) {
      const action = new cloudwatchActions.SnsAction(options.alarmTopic);
      for (const a of this.alarms) {
        a.addAlarmAction(action);
        a.addOkAction(action);
      }
    }
  }
}
