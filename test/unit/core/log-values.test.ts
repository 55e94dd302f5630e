// redact() over every kind of value a caller may log (issue 9 mutation testing, helper MUT-CORE):
// the redaction requirement — a token, cookie, password, CSRF token or SAML assertion never reaches a
// log — must hold inside Sets, Dates, byte buffers, very deep objects and odd primitives too, and
// the logger itself must keep its level order and its no-op variant.
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink, nullLogger, redact, REDACTED, REDACTED_JWT } from '../../../main/core/log.ts';
import { FakeClock } from '../../../main/core/clock.ts';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJl';

describe('redact() value kinds [redaction requirement]', () => {
  it('scrubs strings inside a Set, and keeps its order', () => {
    expect(redact(new Set(['plain', 'Bearer opaque-token-1', jwt]))).toEqual(['plain', `Bearer ${REDACTED}`, REDACTED_JWT]);
    expect(redact({ s: new Set([{ password: 'p' }]) })).toEqual({ s: [{ password: REDACTED }] });
  });

  it('writes byte buffers as their length only, never their content', () => {
    expect(redact(new TextEncoder().encode('refresh_token=abc'))).toBe('[17 bytes]');
    expect(redact(new ArrayBuffer(4))).toBe('[4 bytes]');
  });

  it('writes a Date as ISO text, an invalid one as "Invalid Date"', () => {
    expect(redact(new Date(Date.UTC(2026, 0, 1, 8)))).toBe('2026-01-01T08:00:00.000Z');
    expect(redact(new Date(Number.NaN))).toBe('Invalid Date');
  });

  it('writes a URL with its secret query values and userinfo password removed', () => {
    expect(redact(new URL('https://agent:pw@idp.example.com/cb?code=abc&state=s1'))).toBe(`https://agent:${REDACTED}@idp.example.com/cb?code=${REDACTED}&state=s1`);
  });

  it('writes odd primitives as text and functions as a marker', () => {
    expect(redact(12n)).toBe('12');
    expect(redact(Symbol('s'))).toBe('Symbol(s)');
    expect(redact(() => 'secret')).toBe('[function]');
    expect(redact(null)).toBeNull();
    expect(redact(undefined)).toBeUndefined();
    expect(redact(1.5)).toBe(1.5);
    expect(redact(false)).toBe(false);
  });

  it('stops at depth 10: what lies deeper is replaced, never written', () => {
    let deep: Record<string, unknown> = { leaked: 'refresh_token=abc' };
    for (let i = 0; i < 10; i++) deep = { n: deep };
    let out = redact(deep) as Record<string, unknown>;
    for (let i = 0; i < 9; i++) out = out.n as Record<string, unknown>;
    expect(out.n).toBe('[too-deep]');
    let nine: Record<string, unknown> = { v: 'x' };
    for (let i = 0; i < 8; i++) nine = { n: nine };
    expect(JSON.stringify(redact(nine))).toContain('"v":"x"');
  });

  it('writes the same object twice when it is shared, not as a circle', () => {
    const shared = { a: 1 };
    expect(redact({ x: shared, y: shared })).toEqual({ x: { a: 1 }, y: { a: 1 } });
  });

  it('replaces a JWT wherever it stands in free text', () => {
    expect(redact(`id=${jwt} rest`)).toBe(`id=${REDACTED_JWT} rest`);
  });

  it('redacts the values of a raw header list, and keeps a list of header names as names', () => {
    expect(redact(['Cookie', 'sid=1', 'Accept', 'json'])).toEqual(['Cookie', REDACTED, 'Accept', 'json']);
    expect(redact(['authorization', 'content-type', 'cookie', 'accept'])).toEqual(['authorization', 'content-type', 'cookie', 'accept']);
    expect(redact([new TextEncoder().encode('Set-Cookie'), new TextEncoder().encode('a=b')])).toEqual(['[10 bytes]', REDACTED]);
  });
});

describe('logger levels and the null logger', () => {
  it('orders debug < info < warn < error', () => {
    for (const [level, written] of [['debug', 4], ['info', 3], ['warn', 2], ['error', 1]] as const) {
      const sink = memorySink();
      const log = createLogger({ sink, level, clock: new FakeClock() });
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      expect(sink.entries.map((e) => e.level), level).toHaveLength(written);
      expect(sink.entries.at(-1)?.level).toBe('error');
    }
  });

  it('logs at info and above by default', () => {
    const sink = memorySink();
    const log = createLogger({ sink, clock: new FakeClock() });
    log.debug('d');
    log.info('i');
    expect(sink.entries.map((e) => e.event)).toEqual(['i']);
  });

  it('the null logger and its children drop everything and never throw', () => {
    expect(() => {
      nullLogger.debug('x', { password: 'p' });
      nullLogger.info('x');
      nullLogger.warn('x');
      nullLogger.error('x');
      nullLogger.child({ a: 1 }).info('x');
    }).not.toThrow();
    expect(nullLogger.child({ a: 1 })).toBe(nullLogger);
  });
});
