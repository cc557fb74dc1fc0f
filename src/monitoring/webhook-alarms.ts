import {
  ArnFormat, Duration, Stack,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { MonitoredFunction, MonitoredPipeline, MonitoredProvider } from './monitored-pipeline';
import { API_5XX_RATE, FUNCTION_ERROR_RATE, SIGNATURE_REJECTION_RATE, rateSettings, ratePercent, type RateSettings } from './rates';
import type { WebhookAlarmOptions } from '../webhook-processor-props';

/** Age of the oldest dead letter that raises the stuck alarm: the archiver should take seconds. */
const DEAD_LETTER_STUCK_SECONDS = 900;

/** Properties of the pipeline's alarms. */
export interface WebhookAlarmsProps {
  /** What to watch. */
  readonly pipeline: MonitoredPipeline;
  /** Thresholds and notification. */
  readonly options: WebhookAlarmOptions;
}

/**
 * Alarms on function errors and error rates, dead letters, backlog, unreadable secrets, invalid
 * payloads, 5xx answers and rates, and per provider on signature rejections, notifying an
 * optional topic.
 */
export class WebhookAlarms extends Construct {
  /** The alarms created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly options: WebhookAlarmOptions;

  constructor(scope: Construct, id: string, props: WebhookAlarmsProps) {
    super(scope, id);
    const { pipeline, options } = props;
    this.options = options;
    const alarm = this.alarm.bind(this);

    for (const fn of pipeline.functions) {
      this.watchFunction(fn);
    }
    if (options.deadLetterQueue ?? true) {
      // The archiver drains the dead-letter queue within seconds, so its depth says little:
      // the alarms are on what was archived, on what sits in the queue, and on what failed.
      alarm('DeadLetters', pipeline.deadLettersArchived, 1,
        'Webhooks failed processing maxReceiveCount times: they are archived under dead-letters/ with status dead_lettered. Fix the cause, then redrive them (README: Operations runbook).');
      alarm('DeadLetterQueueStuck', pipeline.deadLetterQueueAge, DEAD_LETTER_STUCK_SECONDS,
        `A dead letter has waited ${DEAD_LETTER_STUCK_SECONDS / 60} minutes or more in the dead-letter queue: the archiver is not draining it (see its errors). SQS deletes it 14 days after it was first queued.`);
      alarm('DeadLetterArchiveFailures', pipeline.archiveFailures, 1,
        'The dead-letter archiver failed to save a dead letter several times; it is in the archive-failure queue. Fix the archiver, then redrive from that queue (README: Operations runbook).');
    }
    const maxAge = (options.maxMessageAge ?? Duration.minutes(5)).toSeconds();
    if (maxAge > 0) {
      alarm('Backlog', pipeline.oldestMessageAge, maxAge, `The oldest queued webhook has waited ${maxAge} seconds or more.`, 3);
    }
    if (options.secretsUnavailable ?? true) {
      alarm('SecretsUnavailable', pipeline.secretsUnavailable, 1,
        'The webhook ingest function could not load the signing secrets and answered 503 (providers retry): check the secrets exist and that the function may read them and decrypt them with their KMS key (provider option secretsEncryptionKey).');
    }
    if (pipeline.invalid !== undefined && (options.invalidPayloads ?? true)) {
      alarm('InvalidPayloads', pipeline.invalid, 1,
        'Verified webhooks failed their provider\'s payload schema and were recorded with status invalid, not routed: GET /webhooks?status=invalid lists them, and GET /status/{id} gives each reason.');
    }
    const api5xx = options.api5xxThreshold ?? 1;
    if (api5xx > 0) {
      alarm('Api5xx', pipeline.serverErrors, api5xx, `The webhook API answered ${api5xx} or more 5xx responses in 5 minutes.`);
    }
    const apiRate = rateSettings(options.api5xxRate, API_5XX_RATE);
    if (apiRate.thresholdPercent > 0) {
      this.rateAlarm('Api5xxRate', ratePercent('api', { failures: [pipeline.serverErrors], total: pipeline.requests }, apiRate, '5xx %'), apiRate,
        `The webhook API answered 5xx to ${apiRate.thresholdPercent} % or more of its requests over ${describe(apiRate)}: the ingest fails, times out or cannot queue; providers retry.`);
    }
    for (const provider of pipeline.providers) {
      this.watchSignatures(provider);
    }
    if (options.alarmTopic) {
      allowAlarmsToPublish(options.alarmTopic, this);
    }
  }

  /** Alarms on the event publisher's errors and on any batch in its failure queue. */
  public watchEventPublisher(publisher: lambda.IFunction, failures: cloudwatch.IMetric): void {
    this.watchFunction({ name: 'Publisher', function: publisher });
    if (this.options.deadLetterQueue ?? true) {
      this.alarm('EventFailures', failures, 1,
        'The event publisher gave up on a batch of new records after its retries: their events were not put on the bus. Replay them (see the README runbook).');
    }
  }

  private watchFunction({ name, function: fn }: MonitoredFunction): void {
    const threshold = this.options.functionErrorsThreshold ?? 5;
    if (threshold > 0) {
      this.alarm(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), threshold,
        `The webhook ${name.toLowerCase()} function failed ${threshold} or more times in 5 minutes.`);
    }
    const rate = rateSettings(this.options.functionErrorRate, FUNCTION_ERROR_RATE);
    if (rate.thresholdPercent > 0) {
      const errors = ratePercent('fn', { failures: [fn.metricErrors({ statistic: 'Sum' })], total: fn.metricInvocations({ statistic: 'Sum' }) }, rate, 'error %');
      this.rateAlarm(`${name}ErrorRate`, errors, rate,
        `The webhook ${name.toLowerCase()} function failed ${rate.thresholdPercent} % or more of its invocations over ${describe(rate)}.`);
    }
  }

  /** The share of a provider's deliveries whose signature the secrets do not match. */
  private watchSignatures(provider: MonitoredProvider): void {
    const rate = rateSettings(this.options.signatureRejectionRate, SIGNATURE_REJECTION_RATE);
    if (rate.thresholdPercent > 0) {
      const rejected = ratePercent('sig', { failures: provider.signatureMismatches, successes: [provider.accepted] }, rate, `${provider.name} signature rejections %`);
      this.rateAlarm(`SignatureRejectionRate-${provider.name}`, rejected, rate,
        `${rate.thresholdPercent} % or more of provider '${provider.name}' deliveries over ${describe(rate)} were refused 401 invalid_signature or no_secret: its signing secret was probably rotated at the provider and not yet in Secrets Manager (README: Operations runbook).`);
    }
  }

  /**
   * A rate alarm treats missing data as not breaching: the rate expression reads 0 while there is
   * too little traffic, and has no datapoint only when none of its metrics has one, i.e. without
   * any traffic, which is no failure (and must not keep a recovered alarm in ALARM).
   */
  private rateAlarm(name: string, rate: cloudwatch.IMetric, settings: RateSettings, description: string): void {
    this.alarm(name, rate, settings.thresholdPercent,
      `${description} (Judged once the period counts ${settings.minimumCount} or more; below that it reads 0.)`);
  }

  private alarm(name: string, metric: cloudwatch.IMetric, threshold: number, description: string, evaluationPeriods = 1): void {
    const alarm = new cloudwatch.Alarm(this, name, {
      metric,
      alarmDescription: description,
      threshold,
      evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No datapoint means nothing happened: no dead letter, no 5xx, no traffic at all.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.options.alarmTopic) {
      const action = new cloudwatchActions.SnsAction(this.options.alarmTopic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms.push(alarm);
  }
}

/** A rate's period, in words. */
function describe(settings: RateSettings): string {
  return settings.period.toHumanString();
}

/**
 * Lets CloudWatch publish the alarms to a topic of the same app that has a resource policy or a
 * customer managed key, where it otherwise fails silently:
 * - a topic policy (e.g. from `enforceSSL: true`) replaces SNS's default policy, which is what
 *   let the account's services publish; CloudWatch then needs its own statement;
 * - "AWS services that publish to encrypted topics need kms:Decrypt and kms:GenerateDataKey* on
 *   the customer managed key", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * An imported topic's policy and key policy cannot be changed from here: the README says what to
 * add to them.
 */
function allowAlarmsToPublish(topic: sns.ITopic, scope: Construct): void {
  const stack = Stack.of(scope);
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const fromOwnAlarms = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
  };
  if (topic.node.tryFindChild('Policy') instanceof sns.TopicPolicy) {
    topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromOwnAlarms,
    }));
  }
  topic.masterKey?.addToResourcePolicy(new iam.PolicyStatement({
    principals: [cloudWatch],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: fromOwnAlarms,
  }));
}
