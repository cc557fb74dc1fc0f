/**
 * The processor on a batch of 10 against the emulators, side by side with seed 000's sequential
 * per-record loop (bench/seed/processor.js: S3 PutObject, then DynamoDB put, each awaited in
 * turn), in one run: each round sends 10 fresh signed deliveries through the local pipeline's API
 * and ingest function to the queue, and 10 seed-style messages to the seed's queue, receives
 * both batches and invokes each processor once with its batch (warm environments; round 0 warms
 * them up and is not counted). The goal: the shipped processor at least 5× the seed's throughput.
 *
 *   npx projen bench:processor      (rows in .bench/processor.json)
 */
import * as path from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageBatchCommand, type Message } from '@aws-sdk/client-sqs';
import { median, row, writeRows } from './results';
import { startSeedPipeline } from './seed/seed-pipeline';
import { LOCAL_REGION } from '../local-pipeline/emulators/aws';
import { destroyHttpAgent, postDelivery } from '../local-pipeline/inspect';
import { startPipeline } from '../local-pipeline/pipeline';
import { sampleDelivery } from '../local-pipeline/signing';
import { toSqsEvent } from '../local-pipeline/stand-ins/event-source';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const BATCH = 10;
const GOAL = 5;

async function receiveExactly(sqs: import('@aws-sdk/client-sqs').SQSClient, queueUrl: string, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: count - messages.length, WaitTimeSeconds: 1, AttributeNames: ['All'], VisibilityTimeout: 600 }));
    messages.push(...(out.Messages ?? []));
  }
  return messages;
}

async function main(): Promise<void> {
  const pipeline = await startPipeline({ eventSource: false, progress: (line) => console.log(`  ${line}`) });
  const seed = await startSeedPipeline(pipeline.clients, { sqs: pipeline.emulators.moto.endpoint, s3: pipeline.emulators.moto.endpoint, dynamodb: pipeline.emulators.dynamodb.endpoint }, path.join(pipeline.runDir, 'logs'));
  try {
    const stripe = pipeline.providers.find((p) => p.name === 'stripe')!;
    const secret = pipeline.secretsOf('stripe')[0];
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const deliveries = Array.from({ length: BATCH }, (_, i) => sampleDelivery(stripe, secret, {
        deliveryId: `evt_bench_${round}_${i}`, eventType: 'payment_intent.succeeded', data: { data: { object: { id: `pi_${round}_${i}`, amount: 4200 + i, currency: 'eur', description: 'x'.repeat(1500) } } },
      }));
      for (const d of deliveries) {
        const response = await postDelivery(pipeline.url, d);
        if (response.status !== 202 && response.status !== 200) throw new Error(`ingest answered ${response.status}: ${response.body.toString('utf8')}`);
      }
      const batch = await receiveExactly(pipeline.clients.sqs, pipeline.resources.queue.url, BATCH);
      await pipeline.clients.sqs.send(new SendMessageBatchCommand({
        QueueUrl: seed.queueUrl,
        Entries: deliveries.map((d, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify({ correlationId: `c-${round}-${i}`, provider: 'stripe', payload: JSON.parse(d.body.toString('utf8')), timestamp: new Date().toISOString(), headers: d.headers }),
        })),
      }));
      const seedBatch = await receiveExactly(pipeline.clients.sqs, seed.queueUrl, BATCH);

      const runOurs = async () => {
        const result = await pipeline.functions.processor.invoke(toSqsEvent(batch, pipeline.resources.queue.arn, LOCAL_REGION));
        const failures = result.ok ? (result.value as { batchItemFailures?: unknown[] } | null)?.batchItemFailures ?? [] : ['invocation'];
        if (!result.ok || failures.length > 0) throw new Error(`processor failed: ${JSON.stringify(result)}`);
        return result.durationMs;
      };
      const runSeed = async () => {
        const result = await seed.processor.invoke(toSqsEvent(seedBatch, seed.queueArn, LOCAL_REGION));
        const failures = result.ok ? (result.value as { batchItemFailures?: unknown[] } | null)?.batchItemFailures ?? [] : ['invocation'];
        if (!result.ok || failures.length > 0) throw new Error(`seed processor failed: ${JSON.stringify(result)}`);
        return result.durationMs;
      };
      const [a, b] = round % 2 === 0 ? [await runOurs(), await runSeed()] : (([y, x]) => [x, y])([await runSeed(), await runOurs()]);
      if (round > 0) {
        ours.push(a);
        theirs.push(b);
      }
      process.stdout.write(round === 0 ? '  warm-up done; rounds: ' : `${round} `);
    }
    console.log('');
    // The emulators' latency profile, from this process: one S3 PUT, one DynamoDB put, and ten
    // DynamoDB puts at once (what the processor overlaps and the seed's loop awaits in turn).
    const timed = async (task: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await task();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const item = (k: string) => ({ TableName: seed.tableName, Item: { transactionId: { S: k }, v: { S: 'x'.repeat(300) } } });
    const s3Put: number[] = [];
    const ddbPut: number[] = [];
    const ddbPut10: number[] = [];
    for (let i = 0; i < 10; i++) {
      s3Put.push(await timed(() => pipeline.clients.s3.send(new PutObjectCommand({ Bucket: seed.bucketName, Key: `profile/${i}`, Body: 'x'.repeat(2000) }))));
      ddbPut.push(await timed(() => pipeline.clients.dynamodb.send(new PutItemCommand(item(`p-${i}`)))));
      ddbPut10.push(await timed(() => Promise.all(Array.from({ length: 10 }, (_, j) => pipeline.clients.dynamodb.send(new PutItemCommand(item(`q-${i}-${j}`)))))));
    }
    const profile = `emulators here: S3 PUT ${median(s3Put).toFixed(1)} ms, DynamoDB put ${median(ddbPut).toFixed(1)} ms, 10 DynamoDB puts at once ${median(ddbPut10).toFixed(1)} ms`;
    console.log(`  ${profile}`);
    const oursMs = median(ours);
    const seedMs = median(theirs);
    const ratio = seedMs / oursMs;
    const met = ratio >= GOAL;
    console.log(`\nBatch of ${BATCH} (median of ${ROUNDS} rounds): shipped processor ${oursMs} ms (${(BATCH / oursMs * 1000).toFixed(0)} webhooks/s per environment), `
      + `seed 000's sequential loop ${seedMs} ms (${(BATCH / seedMs * 1000).toFixed(0)}/s): ${ratio.toFixed(2)}× its throughput`);
    writeRows('processor', [
      row('processor', 'seed 000 sequential loop, batch of 10', `${seedMs} ms (${(BATCH / seedMs * 1000).toFixed(0)} webhooks/s)`, { note: 'S3 PUT then DynamoDB put per record, awaited in turn; AWS SDK v2' }),
      row('processor', 'shipped processor, batch of 10', `${oursMs} ms (${(BATCH / oursMs * 1000).toFixed(0)} webhooks/s)`, {
        ratio,
        goal: `≥ ${GOAL}× seed 000's throughput`,
        met,
        note: met ? profile : `held back by the emulators' latency profile (${profile}): the round trips the seed awaits one by one, `
          + 'which the processor overlaps (one archive PUT per batch, the conditional writes at once), cost little here, and DynamoDB Local runs concurrent writes '
          + 'nearly one after another; the rest is per-invocation work on a shared 2-core machine (IPC, JSON, Powertools)',
      }),
    ]);
  } finally {
    destroyHttpAgent();
    await seed.stop();
    await pipeline.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
