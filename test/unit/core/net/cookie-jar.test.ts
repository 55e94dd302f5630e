// main/core/net/cookies.ts directly (issue 9 mutation testing): Max-Age in every form the parser
// yields, expiry on the injected clock for cookies put into the jar by other means, and the
// rejection reasons.
import { Cookie } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { cookieHeaderFor, createCookieJar, storeSetCookie } from '../../../../main/core/net/cookies.ts';

const url = new URL('https://a.example.com/app/');
const t0 = Date.UTC(2026, 0, 1, 8, 0, 0);

describe('storeSetCookie [RFC 6265 §5.2.2, §5.3]', () => {
  it('turns Max-Age into an absolute expiry counted from receipt on our clock', async () => {
    const jar = createCookieJar();
    expect(await storeSetCookie(jar, 'm=1; Max-Age=60', url, t0)).toBeNull();
    const [stored] = await jar.getCookies(url.href, { expire: false });
    expect(stored?.expires).toEqual(new Date(t0 + 60_000));
    expect(stored?.maxAge).toBeNull();
    expect(await cookieHeaderFor(jar, url, t0 + 59_999)).toBe('m=1');
    expect(await cookieHeaderFor(jar, url, t0 + 60_000)).toBe('');
  });

  it('treats Max-Age ≤ 0 as already expired (deletes an existing cookie)', async () => {
    for (const maxAge of ['0', '-5']) {
      const jar = createCookieJar();
      await storeSetCookie(jar, 'sid=1', url, t0);
      await storeSetCookie(jar, `sid=2; Max-Age=${maxAge}`, url, t0);
      expect(await cookieHeaderFor(jar, url, t0)).toBe('');
    }
  });

  it('reports an unparseable value and a refused cookie apart, and never throws', async () => {
    const jar = createCookieJar();
    expect(await storeSetCookie(jar, '', url, t0)).toBe('unparseable');
    expect(await storeSetCookie(jar, 'a=1; Domain=other.example', url, t0)).toBe('rejected');
    expect(await storeSetCookie(jar, 'ok=1', url, t0)).toBeNull();
    expect(await cookieHeaderFor(jar, url, t0)).toBe('ok=1');
  });
});

describe('cookieHeaderFor [RFC 6265 §5.4]', () => {
  it('answers an empty string when nothing matches, and joins several with "; "', async () => {
    const jar = createCookieJar();
    expect(await cookieHeaderFor(jar, url, t0)).toBe('');
    await storeSetCookie(jar, 'a=1; Path=/', url, t0);
    await storeSetCookie(jar, 'b=2; Path=/app', url, t0);
    expect(await cookieHeaderFor(jar, url, t0)).toBe('b=2; a=1');
  });

  it('evicts an expired cookie from the store, not just from the header', async () => {
    const jar = createCookieJar();
    await storeSetCookie(jar, 'm=1; Max-Age=1', url, t0);
    expect(await cookieHeaderFor(jar, url, t0 + 1_000)).toBe('');
    expect(await jar.store.getAllCookies()).toEqual([]);
  });

  it('counts the Max-Age of a cookie put into the jar directly from its creation time', async () => {
    const jar = createCookieJar();
    const cookie = new Cookie({ key: 'direct', value: '1', maxAge: 10, domain: 'a.example.com', path: '/', creation: new Date(t0) });
    await jar.setCookie(cookie, url.href, { now: new Date(t0) });
    expect(await cookieHeaderFor(jar, url, t0 + 9_999)).toBe('direct=1');
    expect(await cookieHeaderFor(jar, url, t0 + 10_000)).toBe('');
  });

  it('treats a direct cookie with Max-Age ≤ 0 or -Infinity as expired, and Infinity as a session cookie', async () => {
    for (const maxAge of [0, -1, '-Infinity' as const]) {
      const jar = createCookieJar();
      await jar.setCookie(new Cookie({ key: 'x', value: '1', maxAge, domain: 'a.example.com', path: '/', creation: new Date(t0) }), url.href, { now: new Date(t0) });
      expect(await cookieHeaderFor(jar, url, t0), String(maxAge)).toBe('');
    }
    const jar = createCookieJar();
    await jar.setCookie(new Cookie({ key: 'forever', value: '1', maxAge: 'Infinity', domain: 'a.example.com', path: '/', creation: new Date(t0) }), url.href, { now: new Date(t0) });
    expect(await cookieHeaderFor(jar, url, t0 + 10 * 365 * 86_400_000)).toBe('forever=1');
  });

  it('sends a cookie with neither Max-Age nor Expires for the whole session', async () => {
    const jar = createCookieJar();
    await storeSetCookie(jar, 'sess=1', url, t0);
    expect(await cookieHeaderFor(jar, url, t0 + 30 * 86_400_000)).toBe('sess=1');
  });
});
