import { MAX_MESSAGES, parseRedriveRequest, RedriveSource } from '../../src/lambdas/redrive/request';

describe('redrive requests', () => {
  test('an empty request redrives up to 100 archived dead letters', () => {
    expect(parseRedriveRequest({})).toEqual({ ok: true, request: { source: RedriveSource.ARCHIVE, prefix: '', maxMessages: 100 } });
    expect(parseRedriveRequest(undefined)).toMatchObject({ ok: true });
  });

  test('a date prefix, webhook ids and a continuation token narrow and resume an archive redrive', () => {
    const parsed = parseRedriveRequest({ prefix: '2026/11/23/', webhookIds: ['stripe:evt_1'], maxMessages: 5, continuationToken: 'dead-letters/x.json' });
    expect(parsed).toMatchObject({ ok: true, request: { prefix: '2026/11/23/', maxMessages: 5, continuationToken: 'dead-letters/x.json' } });
    expect(parsed.ok && [...parsed.request.webhookIds!]).toEqual(['stripe:evt_1']);
  });

  test.each([
    [{ source: 'elsewhere' }, /'source' must be one of archive, dead-letter-queue, archive-failure-queue/],
    [{ maxMessages: 0 }, /'maxMessages'/],
    [{ maxMessages: MAX_MESSAGES + 1 }, /'maxMessages'/],
    [{ prefix: '../raw/' }, /'prefix'/],
    [{ source: 'dead-letter-queue', prefix: '2026/' }, /archive source only/],
    [{ source: 'archive-failure-queue', continuationToken: 'x' }, /archive source only/],
    [{ webhookIds: [] }, /'webhookIds'/],
    [{ sauce: 'archive' }, /unknown field/],
  ])('%j is refused with a reason', (event, reason) => {
    const parsed = parseRedriveRequest(event);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(reason);
  });
});
