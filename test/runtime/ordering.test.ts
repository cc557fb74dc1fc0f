import { parseJsonBody } from '../../src/runtime/http';
import {
  deduplicationId, inGroupOrder, isFifoQueue, messageGroupId, orderingKeyOf, redriveDeduplicationId, redriveFifoParams,
} from '../../src/runtime/ordering';

const json = (value: unknown) => {
  const parsed = parseJsonBody(Buffer.from(JSON.stringify(value)));
  if (!parsed.ok) throw new Error('not JSON');
  return parsed.body;
};

describe('orderingKeyOf', () => {
  test('reads a dotted JSON path (Stripe customer)', () => {
    expect(orderingKeyOf([{ jsonPath: 'data.object.customer' }], {}, json({ data: { object: { customer: 'cus_1' } } }))).toBe('cus_1');
  });

  test('reads a header, case-insensitively by its lower-case name', () => {
    expect(orderingKeyOf([{ header: 'x-shopify-order-id' }], { 'x-shopify-order-id': '450789469' }, undefined)).toBe('450789469');
  });

  test('keeps a large numeric id exactly as written', () => {
    const body = parseJsonBody(Buffer.from('{"order":{"id":12345678901234567890}}'));
    expect(body.ok && orderingKeyOf([{ jsonPath: 'order.id' }], {}, body.body)).toBe('12345678901234567890');
  });

  test('takes the first location that has a value', () => {
    const locations = [{ jsonPath: 'data.object.customer' }, { jsonPath: 'data.object.id' }];
    expect(orderingKeyOf(locations, {}, json({ data: { object: { id: 'cus_2', object: 'customer' } } }))).toBe('cus_2');
  });

  test('is undefined when no location has a value, or the value is an object', () => {
    expect(orderingKeyOf([{ jsonPath: 'data.object.customer' }], {}, json({ data: { object: { customer: null } } }))).toBeUndefined();
    expect(orderingKeyOf([{ jsonPath: 'data' }], {}, json({ data: { a: 1 } }))).toBeUndefined();
    expect(orderingKeyOf([{ jsonPath: 'a' }], {}, undefined)).toBeUndefined();
  });

  test('a redacted credential header is no key', () => {
    expect(orderingKeyOf([{ header: 'authorization' }], { authorization: '[redacted]' }, undefined)).toBeUndefined();
  });
});

describe('messageGroupId', () => {
  test('is the provider and the key, so two providers never share a group', () => {
    expect(messageGroupId('stripe', 'cus_1')).toBe('stripe:cus_1');
  });

  test('falls back to the provider name without a key', () => {
    expect(messageGroupId('stripe', undefined)).toBe('stripe');
    expect(messageGroupId('stripe', '')).toBe('stripe');
  });

  test('hashes a key SQS would refuse (non-ASCII, spaces, over 128 characters), stably', () => {
    for (const key of ['Zoë', 'a b', 'x'.repeat(130)]) {
      const group = messageGroupId('shopify', key);
      expect(group).toMatch(/^shopify:#sha256:[0-9a-f]{64}$/);
      expect(messageGroupId('shopify', key)).toBe(group);
    }
    expect(messageGroupId('shopify', 'Zoë')).not.toBe(messageGroupId('shopify', 'Zoe'));
  });

  test('hashes a literal key that looks like a hashed one', () => {
    const hashed = messageGroupId('a', 'Zoë');
    const literal = hashed.slice('a:'.length);
    expect(messageGroupId('a', literal)).not.toBe(hashed);
  });
});

describe('deduplication ids', () => {
  test('the same webhook id and bytes give the same id (a retry within 5 minutes is dropped by SQS)', () => {
    expect(deduplicationId('stripe:evt_1', 'ab')).toBe(deduplicationId('stripe:evt_1', 'ab'));
    expect(deduplicationId('stripe:evt_1', 'ab')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a different body under the same webhook id is another message (a conflict, listed by the processor)', () => {
    expect(deduplicationId('stripe:evt_1', 'ab')).not.toBe(deduplicationId('stripe:evt_1', 'cd'));
  });

  test('a redrive has an id of its own, the same for the same dead letter', () => {
    expect(redriveDeduplicationId('m-1')).toBe(redriveDeduplicationId('m-1'));
    expect(redriveDeduplicationId('m-1')).not.toBe(redriveDeduplicationId('m-2'));
    expect(redriveDeduplicationId('m-1').length).toBeLessThanOrEqual(128);
  });
});

describe('redriveFifoParams', () => {
  test('none for a standard queue', () => {
    expect(redriveFifoParams('https://sqs/1/q', { messageId: 'm' })).toBeUndefined();
    expect(isFifoQueue('https://sqs/1/q.fifo')).toBe(true);
  });

  test('the dead letter\'s own group, else its provider', () => {
    expect(redriveFifoParams('https://sqs/1/q.fifo', { messageId: 'm', messageGroupId: 'stripe:cus_1', provider: 'stripe' }))
      .toEqual({ MessageGroupId: 'stripe:cus_1', MessageDeduplicationId: redriveDeduplicationId('m') });
    expect(redriveFifoParams('https://sqs/1/q.fifo', { messageId: 'm', provider: 'stripe' })?.MessageGroupId).toBe('stripe');
  });
});

describe('inGroupOrder', () => {
  const items = [
    { id: 'a1', group: 'A' }, { id: 'b1', group: 'B' }, { id: 'a2', group: 'A' }, { id: 'b2', group: 'B' }, { id: 'a3', group: 'A' },
  ];

  test('handles each group in batch order', async () => {
    const seen: string[] = [];
    const outcome = await inGroupOrder(items, (i) => i.group, async (i) => { seen.push(i.id); });
    expect(seen.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(seen.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(outcome).toEqual({ failed: [], skipped: [] });
  });

  test('after a failure, the later items of that group are skipped, not handled; other groups go on', async () => {
    const seen: string[] = [];
    const outcome = await inGroupOrder(items, (i) => i.group, async (i) => {
      seen.push(i.id);
      if (i.id === 'a2') throw new Error('write failed');
    });
    expect(seen).not.toContain('a3');
    expect(seen).toEqual(expect.arrayContaining(['a1', 'a2', 'b1', 'b2']));
    expect(outcome.failed.map((i) => i.id)).toEqual(['a2']);
    expect(outcome.skipped.map((i) => i.id)).toEqual(['a3']);
  });

  test('an item of a group waits for the one before it, while other groups run concurrently', async () => {
    const events: string[] = [];
    let releaseA1: () => void = () => undefined;
    const a1Done = new Promise<void>((resolve) => { releaseA1 = resolve; });
    const run = inGroupOrder(items.slice(0, 3), (i) => i.group, async (i) => {
      events.push(`start ${i.id}`);
      if (i.id === 'a1') await a1Done;
      events.push(`end ${i.id}`);
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['start a1', 'start b1', 'end b1']);
    releaseA1();
    await run;
    expect(events.slice(3)).toEqual(['end a1', 'start a2', 'end a2']);
  });
});
