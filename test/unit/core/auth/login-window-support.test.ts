// Pure pieces shared by the LoginWindow adapters: completion matching, the host allow-list, page
// titles, the port's errors, and cookies between the profile jar and a browser store.
import { describe, expect, it } from 'vitest';
import {
  browserCookiesToJar,
  browserCookieToSetCookie,
  jarToBrowserCookies,
  loginPageError,
  loginTimeout,
  matchRedirectTo,
  matchResponse,
  navigationAllowed,
  pageTitle,
  wantsBody,
  type BrowserCookie,
} from '../../../../main/core/auth/login-window-support.ts';
import type { LoginCompletion } from '../../../../main/core/auth/login-window.ts';
import { createCookieJar, cookieHeaderFor } from '../../../../main/core/net/cookies.ts';

const doc = (url: string, status = 200, headers: Record<string, string> = {}) => ({ url, status, headers, isDocument: true });

describe('navigationAllowed', () => {
  it('allows any http(s) page without a list, and only listed hosts with one', () => {
    expect(navigationAllowed('https://idp.example.com/sso', undefined)).toBe(true);
    expect(navigationAllowed('https://idp.example.com/sso', ['ic1.example.com:8019', 'IDP.example.com'])).toBe(true);
    expect(navigationAllowed('https://ic1.example.com:8019/icws', ['ic1.example.com:8019'])).toBe(true);
    expect(navigationAllowed('https://ic1.example.com:9000/icws', ['ic1.example.com:8019'])).toBe(false);
    expect(navigationAllowed('https://evil.example.net/', ['ic1.example.com:8019'])).toBe(false);
  });

  it('never allows other schemes, but about:blank', () => {
    expect(navigationAllowed('file:///etc/passwd', undefined)).toBe(false);
    expect(navigationAllowed('javascript:alert(1)', undefined)).toBe(false);
    expect(navigationAllowed('not a url', undefined)).toBe(false);
    expect(navigationAllowed('about:blank', ['x'])).toBe(true);
  });
});

describe('completion matching', () => {
  const until: LoginCompletion[] = [{ responseHeader: 'ININ-STS-Token' }, { urlPrefix: 'https://ic/icws/connection/single-sign-on/return' }, { jsonResponseAt: 'https://ic/icws/connection/single-sign-on/' }];

  it('takes the first matching completion in order: header before URL [ICWS-11]', () => {
    expect(matchResponse(until, doc('https://ic/icws/connection/single-sign-on/return', 200, { 'inin-sts-token': 't' }))).toEqual(until[0]);
    expect(matchResponse(until, doc('https://ic/icws/connection/single-sign-on/return', 400))).toEqual(until[1]);
    expect(matchResponse(until, doc('https://idp/sso'))).toBeUndefined();
  });

  it('matches JSON only for JSON media types, not redirects, and URL prefixes only on documents', () => {
    const json = { url: 'https://ic/icws/connection/single-sign-on/identity-providers/x', status: 503, headers: { 'content-type': 'application/vnd.inin.icws+JSON; charset=utf-8' }, isDocument: true };
    expect(matchResponse(until, json)).toEqual(until[2]);
    expect(matchResponse(until, { ...json, headers: { 'content-type': 'text/html' } })).toBeUndefined();
    expect(matchResponse(until, { ...json, status: 302 })).toBeUndefined();
    expect(matchResponse([{ urlPrefix: 'https://ic/done' }], { url: 'https://ic/done.js', status: 200, headers: {}, isDocument: false })).toBeUndefined();
  });

  it('matches a redirectTo target whatever its query', () => {
    const c = [{ redirectTo: 'http://127.0.0.1:5000/callback' }];
    expect(matchRedirectTo(c, 'http://127.0.0.1:5000/callback?code=1&state=2')).toEqual(c[0]);
    expect(matchRedirectTo(c, 'http://127.0.0.1:5000/callbackx')).toBeUndefined();
    expect(matchRedirectTo(c, 'http://127.0.0.1:5001/callback')).toBeUndefined();
  });

  it('wants a body for JSON completions and final documents only', () => {
    expect(wantsBody({ jsonResponseAt: 'x' }, { url: 'x', status: 200, headers: {}, isDocument: false })).toBe(true);
    expect(wantsBody({ responseHeader: 'x' }, doc('x'))).toBe(true);
    expect(wantsBody({ responseHeader: 'x' }, { url: 'x', status: 200, headers: {}, isDocument: false })).toBe(false);
    expect(wantsBody({ urlPrefix: 'x' }, doc('x', 302))).toBe(false);
  });
});

describe('errors and titles', () => {
  it('reads a bounded, flattened page title', () => {
    expect(pageTitle('<html><head><title>\n  Service &amp; <b>down</b>\n</title>')).toBe('Service & down');
    expect(pageTitle('<p>no title</p>')).toBeUndefined();
    expect(pageTitle(`<title>${'x'.repeat(500)}</title>`)).toHaveLength(160);
  });

  it('names the host and the page title, never the URL query', () => {
    const e = loginPageError('https://idp.example.com/sso?SAMLRequest=secret', 503, 'Down');
    expect(e.code).toBe('login.failed');
    expect(e.message).toBe('The sign-in page at idp.example.com answered 503: Down');
    expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain('secret');
    expect(loginTimeout(90_000).message).toBe('The sign-in did not finish within 90 s.');
  });
});

describe('cookies between the jar and a browser', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('turns host-only and domain cookies into browser cookies and back', async () => {
    const jar = createCookieJar();
    await jar.setCookie('host=1; Path=/icws; HttpOnly', 'http://127.0.0.1:8019/icws/x', { now: new Date(now) });
    await jar.setCookie(`dom=2; Domain=example.com; Path=/; Secure; SameSite=Lax; Expires=${new Date(now + 3_600_000).toUTCString()}`, 'https://idp.example.com/', { now: new Date(now) });
    const cookies = await jarToBrowserCookies(jar, now);
    expect(cookies).toContainEqual({ name: 'host', value: '1', domain: '127.0.0.1', path: '/icws', expires: -1, httpOnly: true, secure: false });
    expect(cookies).toContainEqual({ name: 'dom', value: '2', domain: '.example.com', path: '/', expires: (now + 3_600_000) / 1000, httpOnly: false, secure: true, sameSite: 'Lax' });

    const back = createCookieJar();
    await browserCookiesToJar(back, cookies, [], now);
    expect(await cookieHeaderFor(back, new URL('http://127.0.0.1:8019/icws/1'), now)).toBe('host=1');
    expect(await cookieHeaderFor(back, new URL('https://www.example.com/'), now)).toBe('dom=2');
    expect(await cookieHeaderFor(back, new URL('https://other.org/'), now)).toBe('');
  });

  it('writes a Set-Cookie line a browser cookie would have come from', () => {
    const c: BrowserCookie = { name: 'a', value: 'b|c=d', domain: '.example.com', path: '/p', expires: 1_800_000_000, httpOnly: true, secure: true, sameSite: 'None' };
    expect(browserCookieToSetCookie(c)).toEqual({
      header: `a=b|c=d; Path=/p; Domain=example.com; Expires=${new Date(1_800_000_000_000).toUTCString()}; Secure; HttpOnly; SameSite=None`,
      url: 'https://example.com/p',
    });
  });

  it('removes from the jar what the window deleted, and skips expired jar cookies', async () => {
    const jar = createCookieJar();
    await jar.setCookie('keep=1; Path=/', 'http://127.0.0.1/', { now: new Date(now) });
    await jar.setCookie('drop=1; Path=/', 'http://127.0.0.1/', { now: new Date(now) });
    await jar.setCookie(`old=1; Path=/; Expires=${new Date(now - 1000).toUTCString()}`, 'http://127.0.0.1/', { now: new Date(now - 5000) });
    const seeded = await jarToBrowserCookies(jar, now);
    expect(seeded.map((c) => c.name).sort()).toEqual(['drop', 'keep']);
    await browserCookiesToJar(jar, seeded.filter((c) => c.name === 'keep'), seeded, now);
    expect(await cookieHeaderFor(jar, new URL('http://127.0.0.1/'), now)).toBe('keep=1');
  });
});
