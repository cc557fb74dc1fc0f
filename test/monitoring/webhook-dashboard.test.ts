import type { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { PayloadSchema, WebhookProcessor, WebhookProvider } from '../../src';
import { IngestMetricName, METRICS_NAMESPACE, OUTCOME_FIELDS, PROVIDER_DIMENSION, REASON_DIMENSION } from '../../src/core/delivery-telemetry';
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

  /** The dashboard's widgets, parsed from its body (an Fn::Join of strings and tokens). */
  function widgetsOf(template: Template): Array<{ type: string; width: number; y: number; properties: Record<string, any> }> {
    const body = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody;
    // Every token (a name, the region) sits inside a JSON string, so a bare placeholder keeps the JSON valid.
    return JSON.parse(body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('')).widgets;
  }
  const headings = (template: Template) => widgetsOf(template).filter((w) => w.type === 'text').map((w) => w.properties.markdown);
  const titles = (template: Template) => widgetsOf(template).map((w) => w.properties.title).filter(Boolean);

  test('rows by concern, each under a heading, with the alarms\' states on top', () => {
    const { template } = synth({ dashboard: true });
    expect(headings(template)).toEqual(['## Front door', '## Deliveries', '## Queue and dead letters', '## Functions']);
    expect(widgetsOf(template)[0]).toMatchObject({ type: 'alarm', y: 0, width: 24 });
  });

  test('the deliveries row: accepted by provider, rejected by provider and reason, signature-rejection rates, outcomes', () => {
    const { template } = synth({ dashboard: true });
    expect(titles(template)).toEqual(expect.arrayContaining([
      'Accepted, by provider', 'Rejected, by provider and reason', 'Signature rejections %, by provider', 'Recorded, duplicates, conflicts, replays',
    ]));
    const body = JSON.stringify(widgetsOf(template));
    expect(body).toContain(`SEARCH('{${METRICS_NAMESPACE},service,${PROVIDER_DIMENSION},${REASON_DIMENSION}} MetricName=\\"${IngestMetricName.REJECTED}\\"`);
    for (const metric of ['DeliveryConflicts', 'ReplaysRejected', 'DuplicateDeliveries', 'WebhooksProcessed']) expect(body).toContain(metric);
  });

  test('the operational widgets: dead letters (archived, queued, oldest), archive failures, error rates', () => {
    const { template } = synth({ dashboard: true });
    expect(titles(template)).toEqual(expect.arrayContaining([
      'Dead letters', 'Archive failures (dead letters not saved)', 'API 5xx %', 'Function error %',
    ]));
    expect(JSON.stringify(widgetsOf(template))).toContain('DeadLettersArchived');
  });

  test('invalid payloads get a graph only when a provider has payload schemas', () => {
    expect(titles(synth({ dashboard: true }).template)).not.toContain('Invalid payloads (recorded, not routed)');
    const schema = PayloadSchema.fromObject({ type: 'object', required: ['id'] });
    const { template } = synth({ dashboard: true }, (stack) => ({ providers: [WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S')], schema })] }));
    expect(titles(template)).toContain('Invalid payloads (recorded, not routed)');
  });

  test('a Logs Insights table counts deliveries by provider, event type, outcome and reason over the ingest\'s and processor\'s logs', () => {
    const { template, processor, stack } = synth({ dashboard: true });
    const table = widgetsOf(template).find((w) => w.type === 'log')!;
    expect(table.properties.view).toBe('table');
    expect(table.properties.query).toContain(`stats count(*) as deliveries by ${OUTCOME_FIELDS.join(', ')}`);
    expect(table.properties.query).toContain('filter ispresent(outcome)');
    // Two log groups, the ingest's and the processor's (the query's SOURCE lines carry their names).
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const fn of [processor.ingestFunction, processor.processorFunction]) {
      const group = stack.resolve((fn as lambda.Function).logGroup.logGroupName);
      expect(body).toContain(JSON.stringify(group));
    }
  });

  test('the events row appears once events are on, whether before or after the dashboard', () => {
    expect(headings(synth({ dashboard: true }).template)).not.toContain('## Events');
    const later = synth({ dashboard: true });
    later.processor.onWebhook('All');
    expect(headings(later.template)).toContain('## Events');
    expect(titles(later.template)).toEqual(expect.arrayContaining(['Events published and replayed', 'Event failures', 'Publisher and replay errors']));
    const withBus = synth({ dashboard: true }, (stack) => ({ eventBus: new events.EventBus(stack, 'Bus') }));
    expect(headings(withBus.template)).toContain('## Events');
    expect(JSON.stringify(widgetsOf(withBus.template))).toContain('EventsReplayed');
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
