/**
 * The engine's direct path (verifyDirect: one signature from a header or a JSON path, text, the
 * body at most once and last) against the general path it replaces (extractSignedContent, then
 * one HMAC of the parts and a toLowerCase comparison), a body the caller parsed against one the
 * engine parses, and the constant-time comparison.
 */
import { createHmac } from 'node:crypto';
import * as fc from 'fast-check';
import { matchesAny, matchesAt } from '../../src/providers/hmac-compare';
import { PRESETS } from '../../src/providers/presets';
import type { HmacSchemeConfig, ProviderRuntimeConfig } from '../../src/providers/provider-config';
import { utf8Key } from '../../src/providers/secret-keys';
import { extractSignedContent, verifyHmacContent, type SignedRequest } from '../../src/providers/signed-content';
import { verificationReadsBody, verifySignature } from '../../src/providers/verify';
import { parseJsonBody } from '../../src/runtime/http';

const NOW = 1_800_000_000;
const SECRET = 'engine-test-secret';
const MAILGUN_HMAC = PRESETS.find((p) => p.factory === 'mailgun')!.hmac!;
const MAILGUN: ProviderRuntimeConfig = { name: 'mailgun', scheme: 'hmac', secretArns: [], toleranceSeconds: 300, hmac: MAILGUN_HMAC };

/** The general path's verdict, computed independently of verifyDirect. */
function reference(config: HmacSchemeConfig, secrets: readonly string[], request: SignedRequest): string {
  const found = extractSignedContent(config, request);
  if (typeof found === 'string') return found;
  for (const secret of secrets) {
    const hmac = createHmac(config.algorithm, secret);
    for (const part of found.parts) hmac.update(part);
    const digest = hmac.digest(config.encoding);
    const matches = (s: string) => (config.encoding === 'hex' ? s.toLowerCase() === digest && /^[\x00-\x7f]*$/.test(s) : s === digest);
    if (found.signatures.some(matches)) return 'valid';
  }
  return 'invalid_signature';
}

function mailgunSignature(timestamp: string, token: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${timestamp}${token}`).digest('hex');
}

function mailgunBody(signature: Record<string, unknown>, extra = ''): Buffer {
  return Buffer.from(`{"signature":${JSON.stringify(signature)}${extra},"event-data":{"id":"ev-1","event":"delivered"}}`);
}

const verify = (body: Buffer, given?: boolean) => verifySignature(MAILGUN, [SECRET], {}, body, NOW, given ? parseJsonBody(body) : undefined);

describe('Mailgun: the signature read from the body', () => {
  const token = 'a'.repeat(50);
  const signature = mailgunSignature(String(NOW), token);

  test.each([false, true])('a valid delivery is valid (body parsed by the caller: %s)', (given) => {
    expect(verify(mailgunBody({ timestamp: String(NOW), token, signature }), given)).toEqual({ valid: true });
  });

  test.each([false, true])('a tampered token is an invalid signature (body parsed by the caller: %s)', (given) => {
    expect(verify(mailgunBody({ timestamp: String(NOW), token: `${token}x`, signature }), given)).toEqual({ valid: false, reason: 'invalid_signature' });
  });

  test('a repeated signature member means its last occurrence, as JSON.parse reads it', () => {
    const bogus = { timestamp: String(NOW), token, signature: 'f'.repeat(64) };
    const valid = { timestamp: String(NOW), token, signature };
    const twice = (first: object, last: object) => Buffer.from(`{"signature":${JSON.stringify(first)},"signature":${JSON.stringify(last)}}`);
    expect(verify(twice(valid, bogus), true)).toEqual({ valid: false, reason: 'invalid_signature' });
    expect(verify(twice(bogus, valid), true)).toEqual({ valid: true });
  });

  test.each([false, true])('a body that is not JSON has no signature (body parsed by the caller: %s)', (given) => {
    const body = Buffer.from(mailgunBody({ timestamp: String(NOW), token, signature }).toString().slice(0, -1));
    expect(verify(body, given)).toEqual({ valid: false, reason: 'missing_signature' });
  });

  test('a numeric timestamp is signed as JavaScript writes it; an object token or signature is refused', () => {
    expect(verify(mailgunBody({ timestamp: NOW, token, signature }), true)).toEqual({ valid: true });
    expect(verify(mailgunBody({ timestamp: String(NOW), token: { token }, signature }), true)).toEqual({ valid: false, reason: 'malformed_signature' });
    expect(verify(mailgunBody({ timestamp: String(NOW), token, signature: [signature] }), true)).toEqual({ valid: false, reason: 'missing_signature' });
    expect(verify(mailgunBody({ token, signature }), true)).toEqual({ valid: false, reason: 'missing_timestamp' });
  });

  test('escapes in the strings are signed decoded', () => {
    const escaped = Buffer.from(`{"signature":{"timestamp":"${NOW}","token":"\\u0061\\"b\\\\","signature":"${mailgunSignature(String(NOW), 'a"b\\')}"}}`);
    expect(verify(escaped, true)).toEqual({ valid: true });
    expect(verify(escaped, false)).toEqual({ valid: true });
  });

  test('the ingest can share its parse: verification reads the body only where the signature is in it', () => {
    expect(verificationReadsBody(MAILGUN)).toBe(true);
    expect(verificationReadsBody({ ...MAILGUN, hmac: PRESETS.find((p) => p.factory === 'twitch')!.hmac })).toBe(false);
    expect(verificationReadsBody({ ...MAILGUN, scheme: 'stripe', hmac: undefined })).toBe(false);
  });
});

describe('the direct path against the general one', () => {
  /** Undefined three times in four (fc.option's `freq` is the other way round). */
  const rarely = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });
  const templates = ['{body}', '{ts}.{body}', '{h:x-id}{ts}{body}', '{ts}{j:signature.token}', '{method}{url}{j:a}{body}', '{j:signature.token}', '', 'x{ts}'];
  const configArbitrary = fc.record({
    header: fc.constantFrom('x-sig', 'x-sig', 'x-sig', '__proto__'),
    algorithm: fc.constantFrom('sha1', 'sha256'),
    encoding: fc.constantFrom('hex', 'base64'),
    prefix: fc.option(fc.constantFrom('sha256=', 'v1,', ''), { nil: undefined }),
    timestampHeader: fc.option(fc.constant('x-ts'), { nil: undefined }),
    content: fc.option(fc.constantFrom(...templates), { nil: undefined }),
    list: fc.option(fc.constant({ separator: ',', keySeparator: '=', signatureKey: 'v1', timestampKey: 't' }), { nil: undefined }),
    signatureJsonPath: rarely(fc.constantFrom('signature.signature', '__proto__', 'a')),
    timestampJsonPath: rarely(fc.constantFrom('signature.timestamp', 'a.0')),
    timestampUnit: fc.option(fc.constantFrom('s', 'iso'), { nil: undefined }),
  }, { requiredKeys: ['header', 'algorithm', 'encoding'] }) as fc.Arbitrary<HmacSchemeConfig>;
  const jsonValue = fc.oneof(
    fc.constantFrom(String(NOW), NOW, String(NOW), 'tok', '', null, true, 'A'.repeat(64), 'v1=abc', '2027-01-15T08:00:00Z', '\u00e9', [String(NOW)], { token: 'x' }),
    fc.string({ maxLength: 12 }),
  );
  const memberArbitrary = fc.tuple(fc.constantFrom('signature', 'timestamp', 'token', 'a', '__proto__', 'sig\\u006eature'), jsonValue);
  // Object text written by hand, so members repeat (`signature` too); sometimes cut short (not JSON).
  const objectText = (members: ReadonlyArray<readonly [string, unknown]>) => `{${members.map(([k, v]) => `"${k}":${JSON.stringify(v)}`).join(',')}}`;
  const bodyArbitrary = fc.tuple(fc.array(memberArbitrary, { maxLength: 4 }), fc.array(memberArbitrary, { maxLength: 3 }), fc.boolean())
    .map(([inner, outer, cut]) => {
      const text = objectText([['signature', 0], ...outer]).replace('"signature":0', `"signature":${objectText(inner)}`);
      return Buffer.from(cut ? text.slice(0, -1) : text);
    });
  const headerArbitrary = fc.record({
    'x-sig': fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(`t=${NOW},v1=`, 'sha256=')), { nil: undefined, freq: 8 }),
    'x-ts': fc.option(fc.constantFrom(String(NOW), String(NOW), '2027-01-15T08:00:00Z', ''), { nil: undefined, freq: 8 }),
    'x-id': fc.option(fc.constantFrom('id-1', ''), { nil: undefined }),
  });

  test('every delivery gets the same verdict, with or without the body parsed by the caller', () => {
    fc.assert(fc.property(configArbitrary, bodyArbitrary, headerArbitrary, fc.boolean(), fc.boolean(), (config, body, headers, signIt, given) => {
      const request: SignedRequest = { headers, body, nowSeconds: NOW, toleranceSeconds: 300, publicUrl: 'https://example.com/w' };
      // Half the time, put the right signature where the configuration reads it, so valid verdicts are reached too.
      const signedHeaders = { ...headers };
      if (signIt && config.signatureJsonPath === undefined) {
        const found = extractSignedContent(config, { ...request, headers: { ...headers, 'x-sig': config.list !== undefined ? `t=${NOW},v1=0` : `${config.prefix ?? ''}0` } });
        if (typeof found !== 'string') {
          const hmac = createHmac(config.algorithm, SECRET);
          for (const part of found.parts) hmac.update(part);
          const digest = hmac.digest(config.encoding);
          signedHeaders['x-sig'] = config.list !== undefined ? `t=${NOW},v1=${digest}` : `${config.prefix ?? ''}${digest.toUpperCase()}`;
        }
      }
      const plain: SignedRequest = { ...request, headers: signedHeaders };
      const expected = reference(config, [SECRET], plain);
      expect(verifyHmacContent(config, [SECRET], utf8Key, plain)).toBe(expected);
      expect(verifyHmacContent(config, [SECRET], utf8Key, given ? { ...plain, json: parseJsonBody(body) } : plain)).toBe(expected);
    }), { numRuns: 1000 });
  });

  test('a signature, timestamp and signed value in one body object (Mailgun\'s shape) get the general path\'s verdicts, valid ones included', () => {
    const siblingsConfig = fc.record({
      algorithm: fc.constantFrom('sha1', 'sha256'),
      encoding: fc.constantFrom('hex', 'base64'),
      parent: fc.constantFrom('signature', 'a.b'),
      timestampUnit: fc.option(fc.constantFrom('s', 'iso'), { nil: undefined }),
    }).map(({ parent, ...rest }): HmacSchemeConfig => ({
      header: 'x-sig',
      ...rest,
      signatureJsonPath: `${parent}.signature`,
      timestampJsonPath: `${parent}.timestamp`,
      content: `{ts}{j:${parent}.token}`,
    }));
    const members = fc.array(fc.tuple(fc.constantFrom('signature', 'timestamp', 'token', 'other'), jsonValue), { maxLength: 5 });
    const verdicts = new Set<string>();
    fc.assert(fc.property(siblingsConfig, members, fc.boolean(), fc.boolean(), fc.boolean(), (config, list, signIt, upper, given) => {
      const inner = [...list];
      const parentPath = config.signatureJsonPath!.split('.').slice(0, -1);
      const wrap = (text: string) => parentPath.reduceRight((acc, key) => `{"${key}":${acc}}`, text);
      const bodyOf = (entries: ReadonlyArray<readonly [string, unknown]>) => Buffer.from(wrap(objectText(entries)));
      if (signIt) {
        // The right signature last (the one JSON.parse keeps), from the general path's parts.
        const found = extractSignedContent(config, { headers: {}, body: bodyOf([...inner, ['signature', 'x']]), nowSeconds: NOW, toleranceSeconds: 300 });
        if (typeof found !== 'string') {
          const hmac = createHmac(config.algorithm, SECRET);
          for (const part of found.parts) hmac.update(part);
          const digest = hmac.digest(config.encoding);
          inner.push(['signature', upper ? digest.toUpperCase() : digest]);
        }
      }
      const body = bodyOf(inner);
      const request: SignedRequest = { headers: {}, body, nowSeconds: NOW, toleranceSeconds: 300 };
      const expected = reference(config, [SECRET], request);
      expect(verifyHmacContent(config, [SECRET], utf8Key, given ? { ...request, json: parseJsonBody(body) } : request)).toBe(expected);
      verdicts.add(expected);
    }), { numRuns: 1000 });
    expect([...verdicts].sort()).toEqual(expect.arrayContaining(['invalid_signature', 'malformed_signature', 'missing_signature', 'valid']));
  });
});

describe('the constant-time comparison', () => {
  const digest = createHmac('sha256', 'k').update('x').digest('hex');

  test('equal strings match; a difference at any position does not', () => {
    expect(matchesAny(digest, [digest], false)).toBe(true);
    for (let i = 0; i < digest.length; i++) {
      const changed = `${digest.slice(0, i)}${digest[i] === '0' ? '1' : '0'}${digest.slice(i + 1)}`;
      expect(matchesAny(digest, [changed], true)).toBe(false);
    }
  });

  test('hex is folded to lower case only when asked, and only A–F', () => {
    const upper = digest.toUpperCase();
    expect(matchesAny(digest, [upper], true)).toBe(true);
    expect(matchesAny(digest, [upper], false)).toBe(upper === digest);
    // Control characters 0x10–0x19 are digits with bit 5 cleared: never folded onto them.
    const aliased = digest.replace(/[0-9]/, (d) => String.fromCharCode(d.charCodeAt(0) - 0x20));
    expect(matchesAny(digest, [aliased], true)).toBe(false);
  });

  test('a signature with a character outside ASCII, or of another length, never matches', () => {
    const latin = `${digest.slice(0, -1)}${String.fromCharCode(digest.charCodeAt(digest.length - 1) + 0x100)}`;
    expect(matchesAny(digest, [latin], true)).toBe(false);
    expect(matchesAny(digest, [digest.slice(1), `${digest}0`, ''], true)).toBe(false);
  });

  test('one signature after its prefix is compared in place', () => {
    expect(matchesAt(digest, `sha256=${digest}`, 7, true)).toBe(true);
    expect(matchesAt(digest, `sha256=${digest}0`, 7, true)).toBe(false);
    expect(matchesAt(digest, `sha256${digest}`, 7, true)).toBe(false);
  });
});
