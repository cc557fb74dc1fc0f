import { Duration } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { synth } from './util';
import { HmacAlgorithm, WebhookProvider } from '../src';

describe('props validation', () => {
  test('providers must not be empty', () => {
    expect(() => synth({ providers: [] })).toThrow(/'providers' must list at least one WebhookProvider/);
  });

  test('provider names must be unique', () => {
    expect(() => synth({ providers: [WebhookProvider.unverified('acme'), WebhookProvider.unverified('acme')] }))
      .toThrow(/more than one provider named 'acme'; give each a distinct 'name'/);
  });

  test('provider names must be lower-case route segments', () => {
    expect(() => synth({ providers: [WebhookProvider.unverified('Acme Corp')] })).toThrow(/WebhookProvider 'Acme Corp': 'name' must be 1-32 lower-case/);
  });

  test.each([
    ['nodejs20.x', lambda.Runtime.NODEJS_20_X],
    ['python3.12', lambda.Runtime.PYTHON_3_12],
  ])('runtime must be Node.js 22 or later, not %s', (name, runtime) => {
    expect(() => synth({ runtime })).toThrow(new RegExp(`'runtime' must be a Node.js runtime of version 22 or later .*; '${name.replace('.', '\\.')}' is not`));
  });

  test.each([
    [{ writeUnitsPerSecond: 0 }, /'tableWarmThroughput\.writeUnitsPerSecond' must be a whole number of at least 1/],
    [{ writeUnitsPerSecond: 1.5 }, /'tableWarmThroughput\.writeUnitsPerSecond' must be a whole number of at least 1/],
    [{ readUnitsPerSecond: -1 }, /'tableWarmThroughput\.readUnitsPerSecond' must be a whole number of at least 1/],
  ])('tableWarmThroughput %j is refused', (tableWarmThroughput, message) => {
    expect(() => synth({ tableWarmThroughput })).toThrow(message);
  });

  test('verified providers need a secret', () => {
    expect(() => synth({ providers: [WebhookProvider.github({ secrets: [] })] })).toThrow(/WebhookProvider 'github': 'secrets' must list at least one secret/);
  });

  test('a replay window is 0 or between 1 minute and 365 days', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.github({ secrets: [new secretsmanager.Secret(stack, 'G')], replayWindow: Duration.seconds(10) })],
    }))).toThrow(/WebhookProvider 'github': 'replayWindow' must be 0 \(off\) or between 1 minute and 365 days/);
  });

  test('at most 5 secrets per provider', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.github({ secrets: [1, 2, 3, 4, 5, 6].map((i) => new secretsmanager.Secret(stack, `S${i}`)) })],
    }))).toThrow(/'secrets' lists 6 secrets; at most 5/);
  });

  test('provider tolerance must be 1 s to 1 h', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'S')], tolerance: Duration.hours(2) })],
    }))).toThrow(/WebhookProvider 'stripe': 'tolerance' must be between 1 second and 1 hour/);
  });

  test('HMAC header names must be valid', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.hmac({ name: 'acme', secrets: [new secretsmanager.Secret(stack, 'S')], signatureHeader: 'X Sig', algorithm: HmacAlgorithm.SHA512 })],
    }))).toThrow(/'signatureHeader' must be a valid HTTP header name/);
  });

  test('API key header names must be valid', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.apiKey({ name: 'acme', secrets: [new secretsmanager.Secret(stack, 'S')], header: 'bad header' })],
    }))).toThrow(/'header' must be a valid HTTP header name/);
  });

  test('signatureTolerance must be 1 s to 1 h', () => {
    expect(() => synth({ signatureTolerance: Duration.hours(3) })).toThrow(/'signatureTolerance' must be between 1 second and 1 hour/);
  });

  test('batchSize must be 1-10000', () => {
    expect(() => synth({ processing: { batchSize: 0 } })).toThrow(/'processing.batchSize' must be a whole number from 1 to 10000/);
  });

  test('batchSize above 10 needs a batching window', () => {
    expect(() => synth({ processing: { batchSize: 100, maxBatchingWindow: Duration.seconds(0) } }))
      .toThrow(/'processing.batchSize' above 10 needs a 'processing.maxBatchingWindow'/);
  });

  test('maxBatchingWindow at most 5 minutes', () => {
    expect(() => synth({ processing: { maxBatchingWindow: Duration.minutes(6) } })).toThrow(/'processing.maxBatchingWindow' must be at most 5 minutes/);
  });

  test('maxReceiveCount must be 1-1000', () => {
    expect(() => synth({ processing: { maxReceiveCount: 0 } })).toThrow(/'processing.maxReceiveCount' must be a whole number from 1 to 1000/);
  });

  test('processor timeout must be 1 s to 15 min', () => {
    expect(() => synth({ processing: { timeout: Duration.minutes(16) } })).toThrow(/'processing.timeout' must be between 1 second and 15 minutes/);
  });

  test('memorySize must be 128-10240', () => {
    expect(() => synth({ processing: { memorySize: 64 } })).toThrow(/'processing.memorySize' must be a whole number of MiB from 128 to 10240/);
  });

  test('processorMaxConcurrency must be 2-1000', () => {
    expect(() => synth({ concurrency: { processorMaxConcurrency: 1 } })).toThrow(/'concurrency.processorMaxConcurrency' must be a whole number from 2 to 1000/);
  });

  test('ingestReservedConcurrency must be at least 1', () => {
    expect(() => synth({ concurrency: { ingestReservedConcurrency: 0 } })).toThrow(/'concurrency.ingestReservedConcurrency' must be a whole number of at least 1/);
  });

  test('ingestProvisionedConcurrency must be at least 1', () => {
    expect(() => synth({ concurrency: { ingestProvisionedConcurrency: 0 } })).toThrow(/'concurrency.ingestProvisionedConcurrency' must be a whole number of at least 1/);
  });

  test('ingestProvisionedConcurrencyMax needs the minimum and must not be below it', () => {
    expect(() => synth({ concurrency: { ingestProvisionedConcurrencyMax: 5 } })).toThrow(/'concurrency.ingestProvisionedConcurrencyMax' needs 'concurrency.ingestProvisionedConcurrency'/);
    expect(() => synth({ concurrency: { ingestProvisionedConcurrency: 5, ingestProvisionedConcurrencyMax: 2 } }))
      .toThrow(/'concurrency.ingestProvisionedConcurrencyMax' must be at least 'concurrency.ingestProvisionedConcurrency'/);
  });

  test('provisioned ingest concurrency must fit in the reserved concurrency', () => {
    expect(() => synth({ concurrency: { ingestProvisionedConcurrency: 10, ingestReservedConcurrency: 5 } }))
      .toThrow(/Provisioned ingest concurrency must not exceed 'concurrency.ingestReservedConcurrency'/);
  });

  test('processorReservedConcurrency must cover processorMaxConcurrency', () => {
    expect(() => synth({ concurrency: { processorReservedConcurrency: 20, processorMaxConcurrency: 50 } }))
      .toThrow(/'concurrency.processorReservedConcurrency' \(20\) must be at least 'concurrency.processorMaxConcurrency' \(50\)/);
  });

  test('alarm thresholds must be whole numbers', () => {
    expect(() => synth({ alarms: { functionErrorsThreshold: -1 } })).toThrow(/'alarms.functionErrorsThreshold' must be a whole number/);
    expect(() => synth({ alarms: { api5xxThreshold: 1.5 } })).toThrow(/'alarms.api5xxThreshold' must be a whole number/);
  });

  test.each([-1, 100.5, Number.NaN])('a rate alarm\'s thresholdPercent must be a percentage from 0 to 100 (%p)', (thresholdPercent) => {
    expect(() => synth({ alarms: { functionErrorRate: { thresholdPercent } } })).toThrow(/'alarms.functionErrorRate.thresholdPercent' must be a percentage from 0 to 100/);
  });

  test('a rate alarm\'s minimumCount must be a whole number of at least 1', () => {
    expect(() => synth({ alarms: { api5xxRate: { minimumCount: 0 } } })).toThrow(/'alarms.api5xxRate.minimumCount' must be a whole number of at least 1/);
    expect(() => synth({ alarms: { api5xxRate: { minimumCount: 2.5 } } })).toThrow(/'alarms.api5xxRate.minimumCount' must be a whole number of at least 1/);
  });

  test.each([Duration.seconds(90), Duration.seconds(30), Duration.days(2)])('a rate alarm\'s period must be whole minutes from 1 minute to 1 day (%p)', (period) => {
    expect(() => synth({ alarms: { signatureRejectionRate: { period } } })).toThrow(/'alarms.signatureRejectionRate.period' must be a whole number of minutes from 1 minute to 1 day/);
  });

  test('rate alarm options at their bounds are valid', () => {
    const alarms = { functionErrorRate: { thresholdPercent: 100, minimumCount: 1, period: Duration.days(1) }, api5xxRate: { thresholdPercent: 0 } };
    expect(() => synth({ alarms })).not.toThrow();
  });

  test('IA transitions need at least 30 days', () => {
    const tooSoon = { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(7) };
    expect(() => synth({ lifecycle: { archiveTransitions: [tooSoon] } }))
      .toThrow(/'lifecycle.archiveTransitions': S3 moves objects to STANDARD_IA no sooner than 30 days/);
  });

  test('archive expiration must come after the default transitions too, naming them as defaults', () => {
    expect(() => synth({ lifecycle: { archiveExpiration: Duration.days(60) } })).toThrow(
      /'lifecycle.archiveExpiration' \(60 days\) must come after the default archive transitions, which move raw\/ objects to GLACIER_IR at 90 days; set a later expiration, or 'lifecycle.archiveTransitions'/);
  });

  test('archive expiration of 0 days names the expiration, not transitions the user never set', () => {
    expect(() => synth({ lifecycle: { archiveExpiration: Duration.days(0), archiveTransitions: [] } }))
      .toThrow(/- 'lifecycle.archiveExpiration' must be a whole number of days, at least 1 \(S3 lifecycle rules count in days\), e.g. Duration.days\(400\).$/);
  });

  test('archive expiration in hours that are not whole days names the prop (instead of CDK\'s own error)', () => {
    expect(() => synth({ lifecycle: { archiveExpiration: Duration.hours(36) } })).toThrow(/'lifecycle.archiveExpiration' must be a whole number of days/);
  });

  test('archive transitions in hours that are not whole days name the prop', () => {
    const transition = { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.hours(36) };
    expect(() => synth({ lifecycle: { archiveTransitions: [transition] } }))
      .toThrow(/'lifecycle.archiveTransitions': 'transitionAfter' of GLACIER_IR must be a whole number of days/);
  });

  test('archive expiration must come after the transitions', () => {
    expect(() => synth({
      lifecycle: {
        archiveTransitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }],
        archiveExpiration: Duration.days(60),
      },
    })).toThrow(/'lifecycle.archiveExpiration' \(60 days\) must come after the last of 'lifecycle.archiveTransitions' \(GLACIER at 90 days\)/);
  });

  test('a transition to a class that needs a restore before reading warns', () => {
    const { stack } = synth({ lifecycle: { archiveTransitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }] } });
    Annotations.fromStack(stack).hasWarning('/Test/Webhooks', Match.stringLikeRegexp('moves raw/ objects to GLACIER, which answers no GET until restored'));
  });

  test('an expiration within the minimum storage duration of the last class warns of the early deletion charge', () => {
    const { stack } = synth({ lifecycle: { archiveExpiration: Duration.days(120) } });
    Annotations.fromStack(stack).hasWarning('/Test/Webhooks',
      Match.stringLikeRegexp("'lifecycle.archiveExpiration' \\(120 days\\) deletes raw/ objects 30 days after they move to GLACIER_IR at 90 days, which bills at least 90 days"));
  });

  test('record expiration at least a day', () => {
    expect(() => synth({ lifecycle: { recordExpiration: Duration.hours(1) } })).toThrow(/'lifecycle.recordExpiration' must be at least 1 day/);
  });

  test('dead-letter expiration: whole days, at least 14', () => {
    expect(() => synth({ lifecycle: { deadLetterExpiration: Duration.days(7) } })).toThrow(/'lifecycle.deadLetterExpiration' must be a whole number of days, at least 14/);
    expect(() => synth({ lifecycle: { deadLetterExpiration: Duration.hours(400) } })).toThrow(/'lifecycle.deadLetterExpiration' must be a whole number of days/);
    expect(() => synth({ lifecycle: { deadLetterExpiration: Duration.days(14) } })).not.toThrow();
  });

  test('dead-letter expiration no shorter than record expiration', () => {
    expect(() => synth({ lifecycle: { deadLetterExpiration: Duration.days(30), recordExpiration: Duration.days(90) } }))
      .toThrow(/'lifecycle.deadLetterExpiration' \(30 days\) must not be shorter than 'lifecycle.recordExpiration'/);
    expect(() => synth({ lifecycle: { deadLetterExpiration: Duration.days(90), recordExpiration: Duration.days(90) } })).not.toThrow();
  });

  test('throttling limits must be positive', () => {
    expect(() => synth({ api: { throttlingRateLimit: 0 } })).toThrow(/'api.throttlingRateLimit' must be greater than 0/);
    expect(() => synth({ api: { throttlingBurstLimit: 0 } })).toThrow(/'api.throttlingBurstLimit' must be a whole number of at least 1/);
  });

  test('stage names are restricted', () => {
    expect(() => synth({ api: { stageName: 'v 1' } })).toThrow(/'api.stageName' may only contain/);
  });

  test('an HMAC provider may not read the delivery id from both a header and a JSON path', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.hmac({
        name: 'acme', secrets: [new secretsmanager.Secret(stack, 'S')], signatureHeader: 'X-Sig', eventIdHeader: 'X-Id', eventIdJsonPath: 'id',
      })],
    }))).toThrow(/WebhookProvider 'acme': 'eventIdHeader' and 'eventIdJsonPath' are both set; set only one/);
  });

  test('an HMAC provider may not read the event type from both a header and a JSON path', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.hmac({
        name: 'acme', secrets: [new secretsmanager.Secret(stack, 'S')], signatureHeader: 'X-Sig', eventTypeHeader: 'X-Type', eventTypeJsonPath: 'type',
      })],
    }))).toThrow(/WebhookProvider 'acme': 'eventTypeHeader' and 'eventTypeJsonPath' are both set; set only one/);
  });

  test('JSON paths in JSONPath syntax are refused with the dotted form to use', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.apiKey({ name: 'acme', secrets: [new secretsmanager.Secret(stack, 'S')], header: 'X-Key', eventIdJsonPath: '$..[0' })],
    }))).toThrow(/WebhookProvider 'acme': 'eventIdJsonPath' \('\$\.\.\[0'\) uses JSONPath syntax; write a dotted path of property names instead, e.g. 'data.object.id'/);
  });

  test('JSON paths with an empty segment are refused', () => {
    expect(() => synth({}, (stack) => ({
      providers: [WebhookProvider.hmac({ name: 'acme', secrets: [new secretsmanager.Secret(stack, 'S')], signatureHeader: 'X-Sig', eventTypeJsonPath: 'event..type' })],
    }))).toThrow(/'eventTypeJsonPath' \('event..type'\) has an empty segment/);
  });

  test('errors name the construct path', () => {
    expect(() => synth({ processing: { batchSize: 0 } })).toThrow(/^Invalid WebhookProcessor props at Test\/Webhooks:\n- /);
  });

  test('all problems are reported at once', () => {
    expect(() => synth({ processing: { batchSize: 0, maxReceiveCount: 0 } })).toThrow(/batchSize[\s\S]*maxReceiveCount/);
  });
});
