import { WebhookProcessor, WebhookProvider } from '../../src';
import { synth } from '../util';

describe('metrics and dashboard', () => {
  test('the handlers publish under a service name unique to the construct, which the metric helpers use', () => {
    const { template, processor, stack } = synth();
    const services = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort();
    expect(services).toEqual([
      expect.stringMatching(/-dead-letter-archiver$/), expect.stringMatching(/-ingest$/), expect.stringMatching(/-list$/),
      expect.stringMatching(/-processor$/), expect.stringMatching(/-redrive$/), expect.stringMatching(/-status$/),
    ]);
    const ingest = services.find((s: string) => s.endsWith('-ingest'));
    const rejected = stack.resolve(processor.metricRejected('stripe', 'invalid_signature').toMetricConfig().metricStat?.dimensions);
    expect(rejected).toEqual(expect.arrayContaining([{ name: 'service', value: ingest }, { name: 'reason', value: 'invalid_signature' }]));
    const accepted = stack.resolve(processor.metricAccepted().toMetricConfig().metricStat?.dimensions);
    expect(accepted).toEqual([{ name: 'service', value: ingest }]);
  });

  test('conflicts and replays have metric helpers on the processor service', () => {
    const { processor, stack } = synth();
    const service = processor.metricProcessed().dimensions?.service;
    for (const [metric, name] of [[processor.metricConflicts(), 'DeliveryConflicts'], [processor.metricReplays(), 'ReplaysRejected']] as const) {
      expect(stack.resolve(metric.toMetricConfig().metricStat)).toMatchObject({ metricName: name, namespace: 'WebhookProcessor', dimensions: [{ name: 'service', value: stack.resolve(service) }] });
    }
  });

  test('two constructs in one stack never share a service name', () => {
    const { template } = synth({}, (stack) => {
      new WebhookProcessor(stack, 'Other', { providers: [WebhookProvider.unverified('acme')] });
      return {};
    });
    const services = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME);
    expect(new Set(services).size).toBe(12);
  });

  test('no dashboard by default; dashboard: true adds one', () => {
    synth().template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const { template, processor } = synth({ dashboard: true });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(processor.dashboard).toBeDefined();
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const metric of ['WebhooksAccepted', 'WebhooksProcessed', 'DuplicateDeliveries', 'ApproximateAgeOfOldestMessage', '5XXError']) {
      expect(body).toContain(metric);
    }
  });
});
