// Max-Age ≤ 0 on a cookie put into the jar directly (issue 9 mutation testing, helper MUT-CORE): RFC
// 6265 §5.2.2 says the expiry is then "the earliest representable date and time", whatever the
// cookie's creation time — not creation + Max-Age, which for a creation stamp later than our clock
// (tough-cookie stamps real time; the session runs on the injected Clock) would keep it alive.
import { Cookie } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { cookieHeaderFor, createCookieJar } from '../../../../main/core/net/cookies.ts';

const url = new URL('https://a.example.com/app/');
const t0 = Date.UTC(2026, 0, 1, 8, 0, 0);

describe('direct cookies with Max-Age ≤ 0 [RFC 6265 §5.2.2]', () => {
  it('are expired at once, even when their creation stamp is later than the clock', async () => {
    for (const maxAge of [0, -1]) {
      const jar = createCookieJar();
      const later = new Date(t0 + 3_600_000);
      await jar.setCookie(new Cookie({ key: 'x', value: '1', maxAge, domain: 'a.example.com', path: '/', creation: later }), url.href, { now: later });
      expect(await cookieHeaderFor(jar, url, t0), `Max-Age=${maxAge}`).toBe('');
    }
  });

  it('while a positive Max-Age counts from that creation stamp', async () => {
    const jar = createCookieJar();
    const later = new Date(t0 + 3_600_000);
    await jar.setCookie(new Cookie({ key: 'y', value: '1', maxAge: 1, domain: 'a.example.com', path: '/', creation: later }), url.href, { now: later });
    expect(await cookieHeaderFor(jar, url, t0 + 3_600_999)).toBe('y=1');
    expect(await cookieHeaderFor(jar, url, t0 + 3_601_000)).toBe('');
  });
});
