import {
  buildDeadLetter, deadLetteredPut, deadLetterKey, movedKey, oversizeCopyKey, parseDeadLetter, sendableAttributes, webhookMessageOf,
} from '../../src/runtime/dead-letter';
import { indexShard } from '../../src/runtime/index-shards';
import { encodeMessage, newMessage } from '../../src/runtime/message';

const message = newMessage({
  id: 'stripe:evt_1', provider: 'stripe', receivedAt: new Date('2026-11-23T10:00:00Z'), eventType: 'charge.succeeded', headers: {}, rawBody: Buffer.from('{"a":"é"}'),
});
const input = {
  messageId: '3f1c-aa',
  body: encodeMessage(message),
  md5OfBody: 'md5',
  attributes: { ApproximateReceiveCount: '4', SentTimestamp: String(Date.parse('2026-11-23T10:00:01Z')) },
  messageAttributes: { trace: { dataType: 'String', stringValue: 'x' }, blob: { dataType: 'Binary', binaryValue: Buffer.from([0, 255]).toString('base64') } },
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
};

describe('dead letters', () => {
  test('the key is dated by the enqueue time and names the webhook and the message, so retries overwrite it', () => {
    const key = deadLetterKey('dead-letters/', input, message.id);
    expect(key).toBe('dead-letters/2026/11/23/stripe%3Aevt_1-3f1c-aa.json');
    expect(deadLetterKey('dead-letters/', input, message.id)).toBe(key);
    expect(deadLetterKey('dead-letters/', input, undefined)).toBe('dead-letters/2026/11/23/undecodable-3f1c-aa.json');
    expect(oversizeCopyKey(key)).toBe('dead-letters/2026/11/23/stripe%3Aevt_1-3f1c-aa.body');
    expect(movedKey(key, 'dead-letters/', 'dead-letters-redriven/')).toBe('dead-letters-redriven/2026/11/23/stripe%3Aevt_1-3f1c-aa.json');
    expect(() => movedKey('raw/x', 'dead-letters/', 'x/')).toThrow(/not under/);
  });

  test('the object keeps the body byte for byte, the attributes, the failure count and the webhook', () => {
    const letter = buildDeadLetter(input, { maxReceiveCount: 3, archivedAt: new Date('2026-11-23T10:05:00Z') });
    const parsed = parseDeadLetter(JSON.stringify(letter));
    expect(parsed.body).toBe(input.body);
    expect(parsed).toMatchObject({
      v: 1,
      messageId: '3f1c-aa',
      md5OfBody: 'md5',
      maxReceiveCount: 3,
      receiveCount: 4,
      webhookId: 'stripe:evt_1',
      provider: 'stripe',
      queueArn: input.eventSourceARN,
      archivedAt: '2026-11-23T10:05:00.000Z',
      attributes: input.attributes,
    });
    expect(sendableAttributes(parsed.messageAttributes)).toEqual({
      trace: { DataType: 'String', StringValue: 'x' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 255]) },
    });
  });

  test('a body that is not a webhook message is still archived, without a webhook id', () => {
    expect(webhookMessageOf('not json')).toBeUndefined();
    const letter = buildDeadLetter({ ...input, body: 'not json' }, { maxReceiveCount: 3, archivedAt: new Date() });
    expect(letter.body).toBe('not json');
    expect(letter.webhookId).toBeUndefined();
  });

  test('parsing refuses what is not a dead letter', () => {
    expect(() => parseDeadLetter('{"v":2,"body":"","messageId":"m"}')).toThrow(/version/);
    expect(() => parseDeadLetter('{"v":1}')).toThrow(/no body/);
  });

  test('the dead_lettered record is written only where no record or a dead_lettered one is', () => {
    const put = deadLetteredPut(message, 'dead-letters/k.json', new Date('2026-11-23T10:05:00Z'), 86400);
    expect(put.ConditionExpression).toBe('attribute_not_exists(id) OR #status = :deadLettered');
    expect(put.Item).toMatchObject({
      id: 'stripe:evt_1',
      status: 'dead_lettered',
      providerDate: `stripe#2026-11-23#${indexShard('stripe:evt_1')}`,
      deadLetteredAt: '2026-11-23T10:05:00.000Z',
      deadLetter: { key: 'dead-letters/k.json' },
      expiresAt: Date.parse('2026-11-24T10:05:00Z') / 1000,
    });
    expect(put.Item).not.toHaveProperty('archive');
  });
});
