import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { synth } from '../util';

describe('processor', () => {
  test('the SQS event source reports partial batch failures with batch 10, window 5 s, max concurrency 10', () => {
    synth().template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  test('batch size, window and maximum concurrency follow props', () => {
    synth({
      processing: { batchSize: 50, maxBatchingWindow: Duration.seconds(20) },
      concurrency: { processorMaxConcurrency: 40 },
    }).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 50, MaximumBatchingWindowInSeconds: 20, ScalingConfig: { MaximumConcurrency: 40 },
    });
  });

  test('processor timeout and memory follow props', () => {
    synth({ processing: { timeout: Duration.seconds(45), memorySize: 1024 } }).template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Records queued webhooks'), Timeout: 45, MemorySize: 1024,
    });
  });

  test('reserved concurrency is set only when asked for', () => {
    const fns = Object.values(synth().template.findResources('AWS::Lambda::Function'));
    expect(fns.every((f) => f.Properties.ReservedConcurrentExecutions === undefined)).toBe(true);
    const { template } = synth({ concurrency: { ingestReservedConcurrency: 50, processorReservedConcurrency: 100 } });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('Verifies'), ReservedConcurrentExecutions: 50 });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('Records'), ReservedConcurrentExecutions: 100 });
  });
});
