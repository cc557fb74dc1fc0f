/**
 * Assertions on the template that examples/typescript synthesizes, run by
 * scripts/test-consumers.sh inside the consumer app so that `aws-cdk-lib` resolves to the
 * consumer's own copy. The Python example asserts the same in examples/python/tests/.
 *
 * Usage: node assert-template.js cdk.out/WebhooksExample.template.json
 */
'use strict';
const fs = require('fs');
const { Match, Template } = require('aws-cdk-lib/assertions');

const json = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const template = Template.fromJSON(json);
const PROVIDERS = ['stripe', 'github', 'billing', 'acme'];
const SECRETS = ['webhooks/stripe', 'webhooks/stripe-next', 'webhooks/github', 'webhooks/billing', 'webhooks/acme'];

function ingestFunction() {
  const fns = Object.values(template.findResources('AWS::Lambda::Function'))
    .filter((fn) => JSON.stringify(fn.Properties.Environment ?? {}).includes('WEBHOOK_PROVIDERS'));
  if (fns.length !== 1) throw new Error(`expected one function with WEBHOOK_PROVIDERS, found ${fns.length}`);
  return fns[0];
}

const checks = {
  'six functions (ingest, processor, status, listing, dead-letter archiver, redrive), all arm64 and nodejs24.x (the default runtime)': () => {
    template.resourceCountIs('AWS::Lambda::Function', 6);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Architectures: ['arm64'], Runtime: 'nodejs24.x' }, 6);
  },
  'POST /webhook/{provider} is open (signatures are verified in the function), GET /status/{id} is IAM-authorised': () => {
    template.resourceCountIs('AWS::ApiGateway::Method', 3);
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{provider}' });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{id}' });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'AWS_IAM' });
  },
  'one output per provider with its webhook URL': () => {
    for (const provider of PROVIDERS) {
      const outputs = Object.values(template.findOutputs(`${provider}Url`));
      if (outputs.length !== 1 || !JSON.stringify(outputs[0].Value).includes(`/webhook/${provider}`)) {
        throw new Error(`no output with the /webhook/${provider} URL`);
      }
    }
  },
  'the ingest function is configured with the four providers': () => {
    const config = JSON.stringify(ingestFunction().Properties.Environment.Variables.WEBHOOK_PROVIDERS);
    for (const provider of PROVIDERS) {
      if (!config.includes(`\\"n\\":\\"${provider}\\"`)) throw new Error(`provider ${provider} missing from WEBHOOK_PROVIDERS`);
    }
  },
  'the queue redrives to the dead-letter queue after 3 receives (and that one to the archive-failure queue)': () => {
    template.resourceCountIs('AWS::SQS::Queue', 3);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
    });
  },
  'the processor reads the queue in batches of 25 with a 10 s window': () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 25, MaximumBatchingWindowInSeconds: 10, FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  },
  'the table is on-demand with PITR, the byProviderDate index and TTL': () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byProviderDate' })],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  },
  'only the ingest function reads the five signing secrets': () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.map((s) => ({ s, roles: p.Properties.Roles })))
      .filter(({ s }) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    const roles = new Set(statements.flatMap(({ roles }) => roles.map((r) => r.Ref)));
    const ingestRole = ingestFunction().Properties.Role['Fn::GetAtt'][0];
    if (roles.size !== 1 || !roles.has(ingestRole)) throw new Error(`secrets are readable by ${[...roles].join(', ')}, not only ${ingestRole}`);
    const resources = JSON.stringify(statements.map(({ s }) => s.Resource));
    for (const name of SECRETS) {
      if (!resources.includes(`:secret:${name}-??????`)) throw new Error(`the ingest role cannot read ${name}`);
    }
  },
  'every alarm notifies the topic': () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    if (alarms.length === 0) throw new Error('no alarms');
    for (const alarm of alarms) {
      if (alarm.Properties.AlarmActions?.length !== 1) throw new Error(`alarm ${alarm.Properties.AlarmDescription} has no action`);
    }
  },
};

const failed = require('./run-checks')(checks);
console.log(`typescript consumer: ${Object.keys(checks).length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
