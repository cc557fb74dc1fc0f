import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { matchRules } from '../../local-pipeline/event-ruler/ruler';
import { PayloadSchema, WebhookProvider, type WebhookProcessorProps } from '../../src';
import { synth } from '../util';

const envelope = { type: 'object', required: ['id', 'type'] };
const charge = { type: 'object', required: ['data'] };
const withSchemas = (extra: Partial<WebhookProcessorProps> = {}) => synth({}, (stack) => ({
  providers: [
    WebhookProvider.stripe({
      secrets: [new secretsmanager.Secret(stack, 'S')],
      schema: PayloadSchema.fromObject(envelope),
      eventSchemas: { 'charge.succeeded': PayloadSchema.fromObject(charge) },
    }),
    WebhookProvider.github({ secrets: [new secretsmanager.Secret(stack, 'G')] }),
  ],
  ...extra,
}));
const SCHEMAS_FILE = '/opt/webhook-processor/payload-schemas.json';

describe('without payload schemas', () => {
  const { template } = synth();

  test('there is no layer, and the processor reads no schema file', () => {
    template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Records queued webhooks in DynamoDB and archives their raw bytes in S3',
      Layers: Match.absent(),
      Environment: { Variables: Match.objectLike({ PAYLOAD_SCHEMAS_FILE: Match.absent() }) },
    });
  });

  test('there is no invalid-payload alarm', () => {
    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'WebhooksInvalid')).toHaveLength(0);
  });
});

describe('with payload schemas', () => {
  const fixture = withSchemas();
  const { template } = fixture;

  test('the processor gets a layer and the path of the schema file in it', () => {
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    const [layerId] = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Records queued webhooks in DynamoDB and archives their raw bytes in S3',
      Layers: [{ Ref: layerId }],
      Environment: { Variables: Match.objectLike({ PAYLOAD_SCHEMAS_FILE: SCHEMAS_FILE }) },
    });
  });

  test('only the processor reads the schemas', () => {
    const withLayers = Object.values(fixture.template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Layers !== undefined);
    expect(withLayers.map((f) => f.Properties.Description)).toEqual(['Records queued webhooks in DynamoDB and archives their raw bytes in S3']);
  });

  test('the layer asset holds the schemas of every provider that has any, under /opt/webhook-processor/', () => {
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    const staging = fixture.processor.node.findAll().filter((c): c is AssetStaging => c instanceof AssetStaging && c.node.path.includes('PayloadSchemas'));
    expect(staging).toHaveLength(1);
    const assetDir = staging[0].absoluteStagedPath;
    const document = JSON.parse(fs.readFileSync(path.join(assetDir, 'webhook-processor', 'payload-schemas.json'), 'utf8'));
    expect(document).toEqual({ v: 1, providers: { stripe: { schema: envelope, eventSchemas: { 'charge.succeeded': charge } } } });
  });

  test('an alarm fires on any invalid delivery in 5 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'WebhookProcessor',
      MetricName: 'WebhooksInvalid',
      Dimensions: [{ Name: 'service', Value: Match.stringLikeRegexp('-processor$') }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('the metric helper names the same metric', () => {
    const metric = fixture.processor.metricInvalid();
    expect([metric.namespace, metric.metricName, metric.statistic]).toEqual(['WebhookProcessor', 'WebhooksInvalid', 'Sum']);
  });
});

test('the invalid-payload alarm notifies the alarm topic', () => {
  const { template } = synth({}, (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S')], schema: PayloadSchema.fromObject(envelope) })],
    alarms: { alarmTopic: new sns.Topic(stack, 'Alarms') },
  }));
  const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.MetricName === 'WebhooksInvalid');
  expect(alarm?.Properties.AlarmActions).toHaveLength(1);
  expect(alarm?.Properties.OKActions).toHaveLength(1);
});

test('the invalid-payload alarm can be turned off', () => {
  const { template } = withSchemas({ alarms: { invalidPayloads: false } });
  expect(Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'WebhooksInvalid')).toHaveLength(0);
});

test('the publisher\'s event source filter passes processed records only, so an invalid record makes no event', () => {
  const { template } = withSchemasAndBus();
  const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter((m) => m.Properties.FilterCriteria !== undefined);
  const pattern = JSON.parse(mapping.Properties.FilterCriteria.Filters[0].Pattern);
  const streamRecord = (status: string) => ({ eventName: 'INSERT', dynamodb: { NewImage: { id: { S: 'stripe:evt_1' }, status: { S: status } } } });
  // Lambda's event filtering uses EventBridge's pattern syntax; Event Ruler is EventBridge's matcher.
  expect(matchRules({ Publisher: pattern }, ['processed', 'invalid', 'replay'].map(streamRecord))).toEqual([['Publisher'], [], []]);
});

function withSchemasAndBus() {
  return synth({}, (stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S')], schema: PayloadSchema.fromObject(envelope) })],
    eventBus: new events.EventBus(stack, 'Bus'),
  }));
}
