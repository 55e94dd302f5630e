// Jar rules through HttpSession.setCookie/cookieHeader, with real-looking host names and no network.
import { describe, expect, it } from 'vitest';
import { HttpSession } from '../../../../main/core/net/http-session.ts';
import { FakeClock } from '../../../../main/core/clock.ts';
import { isPatchbayError } from '../../../../main/core/errors.ts';

function session(clock = new FakeClock()) {
  return new HttpSession({ profileId: 'p1', clock });
}

describe('cookie domain rules [FIN-03]', () => {
  it('rejects a cookie whose Domain is a public suffix [RFC 6265 §5.3 step 5]', async () => {
    const s = session();
    expect(await s.setCookie('a=1; Domain=com', 'https://a.example.com/')).toBe(false);
    expect(await s.setCookie('b=2; Domain=co.uk', 'https://shop.example.co.uk/')).toBe(false);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
    expect(await s.cookieHeader('https://other.com/')).toBe('');
    expect(await s.cookieHeader('https://shop.example.co.uk/')).toBe('');
  });

  it('rejects a Domain that does not domain-match the request host [RFC 6265 §5.3 step 6]', async () => {
    const s = session();
    expect(await s.setCookie('a=1; Domain=other.com', 'https://a.example.com/')).toBe(false);
    expect(await s.setCookie('b=1; Domain=sub.a.example.com', 'https://a.example.com/')).toBe(false);
    expect(await s.cookieHeader('https://other.com/')).toBe('');
  });

  it('sends a Domain cookie to the domain and all its subdomains [RFC 6265 §5.1.3, §5.4]', async () => {
    const s = session();
    expect(await s.setCookie('sid=1; Domain=example.com', 'https://a.example.com/')).toBe(true);
    expect(await s.cookieHeader('https://example.com/')).toBe('sid=1');
    expect(await s.cookieHeader('https://b.example.com/')).toBe('sid=1');
    expect(await s.cookieHeader('https://deep.b.example.com/')).toBe('sid=1');
    expect(await s.cookieHeader('https://notexample.com/')).toBe('');
  });

  it('sends a host-only cookie to its exact host only, not to a subdomain or parent [RFC 6265 §5.3 step 6, §5.4 step 1]', async () => {
    const s = session();
    expect(await s.setCookie('h=1', 'https://a.example.com/')).toBe(true);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('h=1');
    expect(await s.cookieHeader('https://sub.a.example.com/')).toBe('');
    expect(await s.cookieHeader('https://example.com/')).toBe('');
  });

  it('keeps cookies of different hosts apart', async () => {
    const s = session();
    await s.setCookie('x=1', 'https://one.example.com/');
    await s.setCookie('y=2', 'https://two.example.com/');
    expect(await s.cookieHeader('https://one.example.com/')).toBe('x=1');
    expect(await s.cookieHeader('https://two.example.com/')).toBe('y=2');
  });
});

describe('cookie path rules [FIN-03]', () => {
  it('sends a Path cookie only under its path [RFC 6265 §5.1.4]', async () => {
    const s = session();
    await s.setCookie('p=1; Path=/app', 'https://a.example.com/app/login');
    expect(await s.cookieHeader('https://a.example.com/app')).toBe('p=1');
    expect(await s.cookieHeader('https://a.example.com/app/x/y')).toBe('p=1');
    expect(await s.cookieHeader('https://a.example.com/application')).toBe('');
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('uses the directory of the request path when Path is missing [RFC 6265 §5.1.4 default-path]', async () => {
    const s = session();
    await s.setCookie('d=1', 'https://a.example.com/icws/connection/login');
    expect(await s.cookieHeader('https://a.example.com/icws/connection/other')).toBe('d=1');
    expect(await s.cookieHeader('https://a.example.com/icws/other')).toBe('');
  });

  it('sends cookies with longer paths first [RFC 6265 §5.4 step 2]', async () => {
    const s = session();
    await s.setCookie('root=1; Path=/', 'https://a.example.com/');
    await s.setCookie('deep=2; Path=/icws/123', 'https://a.example.com/icws/123/x');
    expect(await s.cookieHeader('https://a.example.com/icws/123/messaging')).toBe('deep=2; root=1');
  });
});

describe('Secure cookies [FIN-03]', () => {
  it('does not send a Secure cookie over plain http [RFC 6265 §5.4 step 1]', async () => {
    const s = session();
    expect(await s.setCookie('s=1; Secure', 'https://a.example.com/')).toBe(true);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('s=1');
    expect(await s.cookieHeader('http://a.example.com/')).toBe('');
  });

  it('ignores a Secure cookie set over plain http to a non-loopback host [RFC 6265bis §5.7 Secure]', async () => {
    const s = session();
    expect(await s.setCookie('s=1; Secure', 'http://a.example.com/')).toBe(false);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('treats http://127.0.0.1 and http://localhost as secure contexts (documented tough-cookie behaviour, as browsers do)', async () => {
    const s = session();
    expect(await s.setCookie('s=1; Secure', 'http://127.0.0.1:8080/')).toBe(true);
    expect(await s.cookieHeader('http://127.0.0.1:8080/')).toBe('s=1');
    expect(await s.setCookie('l=1; Secure', 'http://localhost:8080/')).toBe(true);
    expect(await s.cookieHeader('http://localhost:8080/')).toBe('l=1');
  });

  it('drops a __Host- cookie that is not Secure, host-only with Path=/ [RFC 6265bis §4.1.3.2]', async () => {
    const s = session();
    expect(await s.setCookie('__Host-a=1; Path=/; Domain=example.com; Secure', 'https://a.example.com/')).toBe(false);
    expect(await s.setCookie('__Host-b=1; Path=/', 'https://a.example.com/')).toBe(false);
    expect(await s.setCookie('__Host-c=1; Path=/; Secure', 'https://a.example.com/')).toBe(true);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('__Host-c=1');
  });
});

describe('cookie expiry (time from the Clock) [FIN-03]', () => {
  it('does not send a cookie whose Expires is in the past [RFC 6265 §5.3 step 3, §5.4]', async () => {
    const clock = new FakeClock();
    const s = session(clock);
    const past = new Date(clock.now() - 60_000).toUTCString();
    await s.setCookie(`old=1; Expires=${past}`, 'https://a.example.com/');
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('sends a Max-Age cookie until Max-Age seconds have passed on the clock [RFC 6265 §5.2.2]', async () => {
    const clock = new FakeClock();
    const s = session(clock);
    await s.setCookie('m=1; Max-Age=60', 'https://a.example.com/');
    await clock.advance(30_000);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('m=1');
    await clock.advance(29_000);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('m=1');
    await clock.advance(1_000);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('expires a Max-Age cookie even when it is read often (counted from receipt) [RFC 6265 §5.2.2]', async () => {
    const clock = new FakeClock();
    const s = session(clock);
    await s.setCookie('m=1; Max-Age=10', 'https://a.example.com/');
    for (let i = 0; i < 9; i++) {
      await clock.advance(1_000);
      expect(await s.cookieHeader('https://a.example.com/')).toBe('m=1');
    }
    await clock.advance(1_000);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('counts Max-Age from the newest Set-Cookie when a cookie is refreshed [RFC 6265 §5.2.2, §5.3 step 11]', async () => {
    const clock = new FakeClock();
    const s = session(clock);
    await s.setCookie('m=1; Max-Age=60', 'https://a.example.com/');
    await clock.advance(50_000);
    await s.setCookie('m=2; Max-Age=60', 'https://a.example.com/');
    await clock.advance(30_000);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('m=2');
    await clock.advance(30_000);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('lets Max-Age win over Expires [RFC 6265 §5.3 step 3]', async () => {
    const clock = new FakeClock();
    const s = session(clock);
    const future = new Date(clock.now() + 3_600_000).toUTCString();
    await s.setCookie(`both=1; Max-Age=5; Expires=${future}`, 'https://a.example.com/');
    await clock.advance(5_000);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('deletes an existing cookie when the server sends Max-Age=0 [RFC 6265 §5.3 step 11]', async () => {
    const s = session();
    await s.setCookie('sid=1; Path=/', 'https://a.example.com/');
    expect(await s.cookieHeader('https://a.example.com/')).toBe('sid=1');
    await s.setCookie('sid=gone; Path=/; Max-Age=0', 'https://a.example.com/');
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('replaces a cookie with the same name, domain and path [RFC 6265 §5.3 step 11]', async () => {
    const s = session();
    await s.setCookie('sid=1; Path=/', 'https://a.example.com/');
    await s.setCookie('sid=2; Path=/', 'https://a.example.com/');
    expect(await s.cookieHeader('https://a.example.com/')).toBe('sid=2');
  });
});

describe('other attributes and jar housekeeping [FIN-03]', () => {
  it('sends HttpOnly cookies: the session is an HTTP API [RFC 6265 §5.4 step 1]', async () => {
    const s = session();
    await s.setCookie('icws_1=abc; Path=/icws/1; HttpOnly', 'https://a.example.com/icws/connection');
    expect(await s.cookieHeader('https://a.example.com/icws/1/messaging/messages')).toBe('icws_1=abc');
  });

  it('sends SameSite cookies: every request of the session is same-site (documented)', async () => {
    const s = session();
    await s.setCookie('ss=1; SameSite=Strict', 'https://a.example.com/');
    expect(await s.cookieHeader('https://a.example.com/')).toBe('ss=1');
  });

  it('ignores an unparseable Set-Cookie value [RFC 6265 §5.2]', async () => {
    const s = session();
    expect(await s.setCookie('=novalue-and-no-name;;', 'https://a.example.com/')).toBe(false);
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('clearCookies empties the jar', async () => {
    const s = session();
    await s.setCookie('a=1', 'https://a.example.com/');
    await s.clearCookies();
    expect(await s.cookieHeader('https://a.example.com/')).toBe('');
  });

  it('refuses a caller-supplied Cookie header before any network use (net.cookie-header-forbidden)', async () => {
    const s = session();
    const error = await s.request({ url: 'https://a.example.com/', headers: { COOKIE: 'sid=1' } }).catch((e: unknown) => e);
    expect(isPatchbayError(error) && error.code).toBe('net.cookie-header-forbidden');
    expect(String((error as Error).message)).not.toContain('sid=1');
    expect(s.trace).toHaveLength(0);
  });
});
