// login-window-support.ts, the details the first suite left open (issue 9 mutation testing): the
// port's typed errors (code, action, message, details — host only, never a URL query), completion
// matching at its edges, page-title decoding, and cookie conversion for every SameSite value, IPv6
// hosts, session cookies and deletions of domain cookies.
import { describe, expect, it } from 'vitest';
import {
  browserCookiesToJar,
  browserCookieToSetCookie,
  isRedirectStatus,
  jarToBrowserCookies,
  loginCancelled,
  loginNavigationFailed,
  loginPageError,
  loginRefusedHost,
  loginTimeout,
  loginUnavailable,
  matchRedirectTo,
  matchResponse,
  navigationAllowed,
  pageTitle,
  wantsBody,
  type BrowserCookie,
} from '../../../../main/core/auth/login-window-support.ts';
import { cookieHeaderFor, createCookieJar, storeSetCookie } from '../../../../main/core/net/cookies.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const response = (url: string, extra: { status?: number; headers?: Record<string, string>; isDocument?: boolean } = {}) => ({ url, status: extra.status ?? 200, headers: extra.headers ?? {}, isDocument: extra.isDocument ?? true });

describe('the port’s typed errors', () => {
  it('login.cancelled asks the agent to sign in again', () => {
    const e = loginCancelled();
    expect([e.code, e.action, e.message]).toEqual(['login.cancelled', 'sign-in-again', 'The sign-in window was closed before the sign-in finished.']);
  });

  it('login.timeout rounds to seconds and names the last host only', () => {
    const e = loginTimeout(89_600, 'https://idp.example.com:8443/sso?SAMLRequest=secret');
    expect([e.code, e.action, e.message]).toEqual(['login.timeout', 'sign-in-again', 'The sign-in did not finish within 90 s.']);
    expect(e.details).toEqual({ timeoutMs: 89_600, host: 'idp.example.com:8443' });
    expect(loginTimeout(1_000).details).toEqual({ timeoutMs: 1_000 });
    expect(loginTimeout(1_000, 'not a url').details).toEqual({ timeoutMs: 1_000, host: 'the sign-in page' });
  });

  it('a refused host is for IT, names the host and why', () => {
    const e = loginRefusedHost('https://evil.example.net/x?token=T');
    expect([e.code, e.action, e.message]).toEqual(['login.failed', 'contact-it', 'The sign-in window tried to open evil.example.net, which this profile does not allow.']);
    expect(e.details).toEqual({ host: 'evil.example.net', reason: 'host-not-allowed' });
  });

  it('a navigation failure can be retried and carries the browser’s reason', () => {
    const e = loginNavigationFailed('https://idp.example.com/sso?x=secret', 'net::ERR_CONNECTION_REFUSED');
    expect([e.code, e.action, e.message]).toEqual(['login.failed', 'retry', 'The sign-in page at idp.example.com could not be opened (net::ERR_CONNECTION_REFUSED).']);
    expect(e.details).toEqual({ host: 'idp.example.com', reason: 'net::ERR_CONNECTION_REFUSED' });
  });

  it('a server error page without a title says the status only', () => {
    const e = loginPageError('https://idp.example.com/', 502, undefined);
    expect([e.action, e.message]).toEqual(['retry', 'The sign-in page at idp.example.com answered 502']);
    expect(e.details).toEqual({ host: 'idp.example.com', status: 502, reason: 'server-error-page' });
  });

  it('login.unavailable is for IT and keeps its cause when given one', () => {
    const cause = new Error('no display');
    const e = loginUnavailable('no browser', cause);
    expect([e.code, e.action, e.message, e.cause]).toEqual(['login.unavailable', 'contact-it', 'No sign-in window can be opened here (no browser).', cause]);
    expect(loginUnavailable('x').cause).toBeUndefined();
  });
});

describe('completion matching edges [ICWS-11, FIN-04]', () => {
  it('matches a header completion whatever the header name’s case, on any response', () => {
    const until = [{ responseHeader: 'ININ-STS-Token' }];
    expect(matchResponse(until, response('https://ic/x', { headers: { 'inin-sts-token': '' }, isDocument: false }))).toEqual(until[0]);
    expect(matchResponse(until, response('https://ic/x', { headers: { 'inin-sts-tokens': 't' } }))).toBeUndefined();
  });

  it('matches JSON for application/json and any +json type, by URL prefix', () => {
    const until = [{ jsonResponseAt: 'https://ids/token' }];
    expect(matchResponse(until, response('https://ids/token?x', { headers: { 'content-type': 'Application/JSON' }, isDocument: false }))).toEqual(until[0]);
    expect(matchResponse(until, response('https://ids/token', { headers: { 'content-type': 'application/problem+json; charset=utf-8' } }))).toEqual(until[0]);
    expect(matchResponse(until, response('https://ids/token', { headers: { 'content-type': 'application/jsonx' } }))).toBeUndefined();
    expect(matchResponse(until, response('https://ids/token', { headers: {} }))).toBeUndefined();
    expect(matchResponse(until, response('https://other/ids/token', { headers: { 'content-type': 'application/json' } }))).toBeUndefined();
  });

  it('accepts a redirectTo target with or without its trailing slash and fragment', () => {
    const until = [{ redirectTo: 'http://127.0.0.1:5000/callback/' }];
    expect(matchRedirectTo(until, 'http://127.0.0.1:5000/callback/#x')).toEqual(until[0]);
    expect(matchRedirectTo(until, 'http://127.0.0.1:5000/callback?code=1')).toEqual(until[0]);
    expect(matchRedirectTo([{ urlPrefix: 'http://127.0.0.1:5000/callback' }], 'http://127.0.0.1:5000/callback')).toBeUndefined();
  });

  it('calls 300–399 redirects, and nothing else', () => {
    expect([299, 300, 302, 399, 400].map(isRedirectStatus)).toEqual([false, true, true, true, false]);
  });

  it('wants no body from a redirecting JSON response', () => {
    expect(wantsBody({ jsonResponseAt: 'x' }, response('x', { status: 307 }))).toBe(false);
    expect(wantsBody({ jsonResponseAt: 'x' }, response('x', { status: 400, isDocument: false }))).toBe(true);
  });

  it('allows a listed host by name or by host:port, and refuses the scheme-less and the look-alike', () => {
    expect(navigationAllowed('http://IdP.Example.com:8080/x', ['idp.example.com'])).toBe(true);
    expect(navigationAllowed('http://idp.example.com:8080/x', ['idp.example.com:8080'])).toBe(true);
    expect(navigationAllowed('http://idp.example.com.evil.net/x', ['idp.example.com'])).toBe(false);
    expect(navigationAllowed('ftp://idp.example.com/', ['idp.example.com'])).toBe(false);
    expect(navigationAllowed('https://any.example/', [])).toBe(true);
  });
});

describe('page titles', () => {
  it('decodes the five entities, drops attributes on <title>, and ignores an empty title', () => {
    expect(pageTitle('<TITLE lang="en">a &lt;b&gt; &quot;c&quot; &#39;d&#39;</TITLE>')).toBe('a <b> "c" \'d\'');
    expect(pageTitle('<title>   </title>')).toBeUndefined();
    expect(pageTitle(undefined)).toBeUndefined();
    expect(pageTitle('<title>x</title><title>y</title>')).toBe('x');
  });
});

describe('cookies between the jar and a browser', () => {
  it('maps every SameSite value and leaves an unknown one out', async () => {
    const jar = createCookieJar();
    for (const [name, sameSite] of [['s', 'Strict'], ['l', 'lax'], ['n', 'None'], ['u', 'bogus']] as const) {
      await jar.setCookie(`${name}=1; Path=/; Secure; SameSite=${sameSite}`, 'https://a.example.com/', { now: new Date(now) });
    }
    const cookies = await jarToBrowserCookies(jar, now);
    expect(Object.fromEntries(cookies.map((c) => [c.name, c.sameSite]))).toEqual({ s: 'Strict', l: 'Lax', n: 'None', u: undefined });
    expect(cookies.find((c) => c.name === 'u')).not.toHaveProperty('sameSite');
  });

  it('drops a jar cookie at its exact expiry instant, keeps it a moment before', async () => {
    const jar = createCookieJar();
    await jar.setCookie(`e=1; Path=/; Expires=${new Date(now + 1_000).toUTCString()}`, 'https://a.example.com/', { now: new Date(now) });
    expect((await jarToBrowserCookies(jar, now + 999)).map((c) => c.name)).toEqual(['e']);
    expect(await jarToBrowserCookies(jar, now + 1_000)).toEqual([]);
  });

  it('writes a session cookie without Expires, defaults the path, and brackets an IPv6 host', () => {
    const c: BrowserCookie = { name: 'a', value: '1', domain: '::1', path: '', expires: -1, httpOnly: false, secure: false };
    expect(browserCookieToSetCookie(c)).toEqual({ header: 'a=1; Path=/', url: 'http://[::1]/' });
    expect(browserCookieToSetCookie({ ...c, domain: '[::1]', expires: 0 }).url).toBe('http://[::1]/');
    expect(browserCookieToSetCookie({ ...c, domain: 'h.example.com', path: '/p', sameSite: 'Strict' })).toEqual({ header: 'a=1; Path=/p; SameSite=Strict', url: 'http://h.example.com/p' });
  });

  it('counts what it stored, and removes a deleted domain cookie too', async () => {
    const jar = createCookieJar();
    await jar.setCookie('dom=1; Domain=example.com; Path=/', 'https://www.example.com/', { now: new Date(now) });
    await jar.setCookie('host=1; Path=/', 'https://www.example.com/', { now: new Date(now) });
    const seeded = await jarToBrowserCookies(jar, now);
    const changed: BrowserCookie[] = [
      { name: 'host', value: '2', domain: 'www.example.com', path: '/', expires: -1, httpOnly: false, secure: true },
      { name: 'bad', value: '1', domain: '.com', path: '/', expires: -1, httpOnly: false, secure: true },
    ];
    expect(await browserCookiesToJar(jar, changed, seeded, now)).toBe(1);
    expect(await cookieHeaderFor(jar, new URL('https://www.example.com/'), now)).toBe('host=2');
  });
});

describe('small conversions (issue 9 mutation testing)', () => {
  it('reads a JSON media type with spaces around it [FIN-04]', () => {
    const until = [{ jsonResponseAt: 'https://ids/token' }];
    expect(matchResponse(until, response('https://ids/token', { headers: { 'content-type': ' application/json ; charset=utf-8' } }))).toEqual(until[0]);
  });

  it('rounds a cookie expiry down to whole seconds for the browser', async () => {
    const jar = createCookieJar();
    // As the core stores it: Max-Age turned into an absolute expiry at receipt (net/cookies.ts).
    expect(await storeSetCookie(jar, 'm=1; Path=/; Max-Age=10', new URL('https://a.example.com/'), now + 700)).toBeNull();
    expect((await jarToBrowserCookies(jar, now)).map((c) => c.expires)).toEqual([Math.floor((now + 10_700) / 1000)]);
  });
});

describe('more edges (issue 9 mutation testing, session 3)', () => {
  it('matches a URL-prefix completion by its start, whatever follows', () => {
    const until = [{ urlPrefix: 'https://ic/return' }];
    expect(matchResponse(until, response('https://ic/return?token=x'))).toEqual(until[0]);
    expect(matchResponse(until, response('https://other/ic/return'))).toBeUndefined();
  });

  it('puts a space where a tag stood inside a title', () => {
    expect(pageTitle('<title>Service<br>down</title>')).toBe('Service down');
  });

  it('writes no Expires for a cookie whose expiry is 0 (a session cookie)', () => {
    expect(browserCookieToSetCookie({ name: 'a', value: '1', domain: 'h.example.com', path: '/', expires: 0, httpOnly: false, secure: false }).header).toBe('a=1; Path=/');
  });

  it('counts every cookie it stored', async () => {
    const jar = createCookieJar();
    const c = (name: string, domain: string): BrowserCookie => ({ name, value: '1', domain, path: '/', expires: -1, httpOnly: false, secure: true });
    expect(await browserCookiesToJar(jar, [c('a', 'www.example.com'), c('b', 'www.example.com'), c('bad', '.com')], [], now)).toBe(2);
  });
});
