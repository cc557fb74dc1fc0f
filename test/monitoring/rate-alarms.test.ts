import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProvider } from '../../src';
import { IngestMetricName, METRICS_NAMESPACE, PROVIDER_DIMENSION, REASON_DIMENSION, SIGNATURE_MISMATCH_REASONS } from '../../src/core/delivery-telemetry';
import { logicalIdOf, synth } from '../util';

type Stat = { Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Name: string; Value: unknown }> }; Period: number; Stat: string };
type Query = { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: Stat };
type AlarmProps = { Metrics?: Query[]; Threshold: number; TreatMissingData: string; ComparisonOperator: string; AlarmDescription: string };

/** The metric-math alarms whose inputs include a metric named `metricName`. */
function rateAlarms(template: Template, metricName: string): AlarmProps[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .map((a) => a.Properties as AlarmProps)
    .filter((p) => p.Metrics?.some((q) => q.MetricStat?.Metric.MetricName === metricName));
}
const expressionOf = (alarm: AlarmProps) => alarm.Metrics!.find((q) => q.ReturnData !== false)!.Expression!;
const statsOf = (alarm: AlarmProps) => alarm.Metrics!.filter((q) => q.MetricStat).map((q) => q.MetricStat!);

describe('function error-rate alarms', () => {
  test('one per function: 100 × Errors / Invocations ≥ 1 % over 5 minutes, reading 0 below 100 invocations', () => {
    const alarms = rateAlarms(synth().template, 'Invocations');
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) {
      expect(expressionOf(alarm)).toBe('IF((FILL(fn_t0, 0)) >= 100, 100 * (FILL(fn_f0, 0)) / (FILL(fn_t0, 0)), 0)');
      expect(statsOf(alarm).map((s) => [s.Metric.Namespace, s.Metric.MetricName, s.Period, s.Stat])).toEqual([
        ['AWS/Lambda', 'Errors', 300, 'Sum'], ['AWS/Lambda', 'Invocations', 300, 'Sum'],
      ]);
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    }
  });

  test('errors and invocations are those of the same function', () => {
    const { template } = synth();
    const ingest = logicalIdOf(template, 'AWS::Lambda::Function', 'WebhooksIngestFunction');
    const alarm = rateAlarms(template, 'Invocations').find((a) => JSON.stringify(a.Metrics).includes(ingest))!;
    expect(statsOf(alarm).map((s) => s.Metric.Dimensions)).toEqual([[{ Name: 'FunctionName', Value: { Ref: ingest } }], [{ Name: 'FunctionName', Value: { Ref: ingest } }]]);
  });

  test('threshold, period and minimum count are props', () => {
    const { template } = synth({ alarms: { functionErrorRate: { thresholdPercent: 2.5, period: Duration.minutes(15), minimumCount: 1000 } } });
    const [alarm] = rateAlarms(template, 'Invocations');
    expect(alarm.Threshold).toBe(2.5);
    expect(expressionOf(alarm)).toMatch(/^IF\(\(FILL\(fn_t0, 0\)\) >= 1000, /);
    expect(statsOf(alarm).map((s) => s.Period)).toEqual([900, 900]);
  });

  test('thresholdPercent 0 disables them and keeps the count alarms', () => {
    const { template } = synth({ alarms: { functionErrorRate: { thresholdPercent: 0 } } });
    expect(rateAlarms(template, 'Invocations')).toHaveLength(0);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda' }, 5);
  });
});

describe('API 5xx-rate alarm', () => {
  test('100 × 5XXError / Count of this API\'s stage ≥ 1 % over 5 minutes, reading 0 below 100 requests', () => {
    const { template } = synth();
    const api = logicalIdOf(template, 'AWS::ApiGateway::RestApi', 'WebhooksApi');
    const name = template.findResources('AWS::ApiGateway::RestApi')[api].Properties.Name;
    const alarms = rateAlarms(template, 'Count');
    expect(alarms).toHaveLength(1);
    expect(expressionOf(alarms[0])).toBe('IF((FILL(api_t0, 0)) >= 100, 100 * (FILL(api_f0, 0)) / (FILL(api_t0, 0)), 0)');
    const stats = statsOf(alarms[0]);
    expect(stats.map((s) => [s.Metric.Namespace, s.Metric.MetricName, s.Period, s.Stat])).toEqual([
      ['AWS/ApiGateway', '5XXError', 300, 'Sum'], ['AWS/ApiGateway', 'Count', 300, 'Sum'],
    ]);
    for (const stat of stats) {
      expect(stat.Metric.Dimensions).toEqual(expect.arrayContaining([{ Name: 'ApiName', Value: name }, { Name: 'Stage', Value: expect.anything() }]));
    }
    expect(alarms[0]).toMatchObject({ Threshold: 1, TreatMissingData: 'notBreaching' });
  });

  test('thresholdPercent 0 disables it', () => {
    expect(rateAlarms(synth({ alarms: { api5xxRate: { thresholdPercent: 0 } } }).template, 'Count')).toHaveLength(0);
  });
});

describe('signature-rejection rate alarms', () => {
  const twoProviders = (stack: Parameters<NonNullable<Parameters<typeof synth>[1]>>[0]) => ({
    providers: [
      WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S1')] }),
      WebhookProvider.github({ secrets: [new secretsmanager.Secret(stack, 'S2')] }),
    ],
  });

  test('one per provider, on the ingest\'s own metrics: rejections for a mismatched signature among those and the accepted ones', () => {
    const { template } = synth({}, twoProviders);
    const ingest = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Verifies') } }))[0];
    const service = ingest.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME;
    const alarms = rateAlarms(template, IngestMetricName.ACCEPTED);
    expect(alarms).toHaveLength(2);
    for (const provider of ['stripe', 'github']) {
      const alarm = alarms.find((a) => JSON.stringify(a.Metrics).includes(`"${provider}"`))!;
      // Exactly the dimension sets the ingest handler emits (test/lambdas/ingest.test.ts asserts the same constants).
      expect(statsOf(alarm).map((s) => [s.Metric.Namespace, s.Metric.MetricName, s.Metric.Dimensions, s.Period, s.Stat])).toEqual([
        ...SIGNATURE_MISMATCH_REASONS.map((reason) => [METRICS_NAMESPACE, IngestMetricName.REJECTED,
          [{ Name: PROVIDER_DIMENSION, Value: provider }, { Name: REASON_DIMENSION, Value: reason }, { Name: 'service', Value: service }], 900, 'Sum']),
        [METRICS_NAMESPACE, IngestMetricName.ACCEPTED, [{ Name: PROVIDER_DIMENSION, Value: provider }, { Name: 'service', Value: service }], 900, 'Sum'],
      ]);
      expect(expressionOf(alarm)).toBe('IF(((FILL(sig_f0, 0) + FILL(sig_f1, 0)) + FILL(sig_s0, 0)) >= 10, 100 * (FILL(sig_f0, 0) + FILL(sig_f1, 0)) / ((FILL(sig_f0, 0) + FILL(sig_f1, 0)) + FILL(sig_s0, 0)), 0)');
      expect(alarm).toMatchObject({ Threshold: 10, TreatMissingData: 'notBreaching' });
      expect(alarm.AlarmDescription).toContain(`provider '${provider}'`);
    }
  });

  test('its ids name the provider (the runbook refers to them)', () => {
    const { processor } = synth();
    expect(processor.alarms.map((a) => a.node.id)).toContain('SignatureRejectionRate-stripe');
  });

  test('threshold, period and minimum count are props; thresholdPercent 0 disables them', () => {
    const { template } = synth({ alarms: { signatureRejectionRate: { thresholdPercent: 50, period: Duration.hours(1), minimumCount: 3 } } });
    const [alarm] = rateAlarms(template, IngestMetricName.ACCEPTED);
    expect(alarm.Threshold).toBe(50);
    expect(expressionOf(alarm)).toContain(' >= 3, ');
    expect(statsOf(alarm).every((s) => s.Period === 3600)).toBe(true);
    expect(rateAlarms(synth({ alarms: { signatureRejectionRate: { thresholdPercent: 0 } } }).template, IngestMetricName.ACCEPTED)).toHaveLength(0);
  });
});
