// Finesse SSO refresh strategies and the sign-in window request (sso.ts; FIN-07, FIN-12, FIN-13,
// FIN-14, FIN-15), each step against a stub HttpSession / LoginWindow so the exact wire is pinned:
// method, URL, headers, body, which answers are retried, which refused, which need the browser.
// Issue 9 mutation work (docs/mutation.md, "Session 3, helper MUT-FIN").
import { describe, expect, it } from 'vitest';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../../../main/core/auth/login-window.ts';
import type { RefreshContext } from '../../../../../main/core/auth/token-keeper.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import { FinesseOptionsSchema, type FinesseOptionsInput } from '../../../../../main/core/platforms/finesse/options.ts';
import {
  HIDDEN_WINDOW_TIMEOUT_MS,
  hiddenWindowStrategy,
  refreshStrategies,
  SIGN_IN_WINDOW_TIMEOUT_MS,
  signInUrl,
  silentGetStrategy,
  silentPostStrategy,
  type SsoContext,
  visibleWindowStrategy,
  windowToken,
} from '../../../../../main/core/platforms/finesse/sso.ts';

const ORIGIN = 'https://fin-a.example.com:8445';
const TOKEN_URL = `${ORIGIN}/desktop/sso/token`;
const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
const NEW_ACCESS = jwt({ iat: 1_800_000_000, exp: 1_800_000_300 });
const NEW_REFRESH = jwt({ iat: 1_800_000_000, exp: 1_800_007_200 });
const DATE = 'Fri, 15 Jan 2027 08:00:00 GMT';

function response(status: number, body: string, headers: Record<string, string> = {}, url = TOKEN_URL): HttpResponse {
  const bytes = new TextEncoder().encode(body);
  return { status, headers, setCookie: [], url, chain: [url], body: bytes, text: () => body, json: () => JSON.parse(body) as unknown } as HttpResponse;
}

interface Stub {
  ctx: SsoContext;
  clock: FakeClock;
  requests: HttpRequest[];
  cookiesSet: { header: string; url: string }[];
  cookieUrls: string[];
  windows: LoginWindowRequest[];
  /** Every event in order: `set-cookie`, `request`, `window`. */
  events: string[];
}

function stub(
  options: FinesseOptionsInput = {},
  answer: (req: HttpRequest) => HttpResponse = () => response(200, JSON.stringify({ token: NEW_ACCESS, refresh_token: NEW_REFRESH, expires_in: 300 }), { 'content-type': 'application/json', date: DATE }),
  window: ((req: LoginWindowRequest) => LoginWindowResult) | null = (req) => ({
    completion: req.until[0]!,
    url: TOKEN_URL,
    status: 200,
    headers: { date: DATE },
    body: JSON.stringify({ token: NEW_ACCESS, refresh_token: NEW_REFRESH, expires_in: 300 }),
  }),
  cookies: { name: string; value: string }[] = [],
  userName = 'sjefferson',
): Stub {
  const clock = new FakeClock(5_000);
  const requests: HttpRequest[] = [];
  const cookiesSet: { header: string; url: string }[] = [];
  const cookieUrls: string[] = [];
  const windows: LoginWindowRequest[] = [];
  const events: string[] = [];
  const jar = { marker: 'jar' };
  const http = {
    jar,
    async request(req: HttpRequest) {
      requests.push(req);
      events.push('request');
      // The answer arrives 700 ms after the request went out.
      await clock.advance(700);
      return answer(req);
    },
    async setCookie(header: string, url: string) {
      cookiesSet.push({ header, url: String(url) });
      events.push('set-cookie');
      return true;
    },
    async cookiePairs(url: string) {
      cookieUrls.push(String(url));
      return cookies;
    },
  } as unknown as HttpSession;
  const loginWindow: LoginWindow | undefined =
    window === null
      ? undefined
      : {
          async run(req: LoginWindowRequest) {
            windows.push(req);
            events.push('window');
            await clock.advance(2_000);
            return window(req);
          },
        };
  const ctx: SsoContext = {
    http,
    clock,
    loginWindow,
    profileId: 'fin',
    options: FinesseOptionsSchema.parse(options),
    origin: () => ORIGIN,
    userName,
    nodeHosts: ['fin-a.example.com:8445', 'fin-b.example.com:8445'],
  };
  return { ctx, clock, requests, cookiesSet, cookieUrls, windows, events };
}

const refreshCtx = (extra: Partial<RefreshContext> = {}): RefreshContext => ({
  mode: 'refresh',
  accessToken: 'old-access',
  refreshToken: 'old-refresh',
  signal: new AbortController().signal,
  attempt: 1,
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<{ code: string; action: string; details?: Record<string, unknown>; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; action: string; details?: Record<string, unknown>; message: string };
  }
  throw new Error('expected a rejection');
}

describe('silent refresh over HTTP (FIN-13)', () => {
  it('POST form: token + refresh-token in a form body to /desktop/sso/token, credentials guarded, JSON asked for [FIN-13]', async () => {
    const s = stub();
    const signal = new AbortController().signal;
    await silentPostStrategy(s.ctx).run(refreshCtx({ signal }));
    expect(s.requests).toHaveLength(1);
    const req = s.requests[0]!;
    expect(req).toMatchObject({ method: 'POST', url: TOKEN_URL, credentials: true, signal });
    expect(req.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
    const form = new URLSearchParams(String(req.body));
    expect([...form.keys()]).toEqual(['token', 'refresh-token']);
    expect(form.get('token')).toBe('old-access');
    expect(form.get('refresh-token')).toBe('old-refresh');
  });

  it('GET form: cc_username (encoded) + refresh-token in the query, JSON asked for [FIN-13, FIN-07]', async () => {
    const s = stub({}, undefined, undefined, [], 'j smith&x=1');
    const signal = new AbortController().signal;
    await silentGetStrategy(s.ctx).run(refreshCtx({ signal }));
    const req = s.requests[0]!;
    expect(req.method ?? 'GET').toBe('GET');
    expect(req.signal).toBe(signal);
    expect(req.headers).toEqual({ Accept: 'application/json' });
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe(TOKEN_URL);
    expect(url.searchParams.get('cc_username')).toBe('j smith&x=1');
    expect(url.searchParams.get('refresh-token')).toBe('old-refresh');
    expect(s.cookiesSet).toEqual([]);
  });

  it('GET form in the older-release mode sets the cc_username cookie before the request [FIN-15]', async () => {
    const s = stub({ ssoUserIn: 'cookie' }, undefined, undefined, [], 'j smith');
    await silentGetStrategy(s.ctx).run(refreshCtx());
    expect(s.cookiesSet).toEqual([{ header: 'cc_username=j%20smith; Path=/', url: ORIGIN }]);
    expect(s.events).toEqual(['set-cookie', 'request']);
  });

  it('both forms refuse to run without a refresh token, sending nothing [FIN-13]', async () => {
    for (const make of [silentPostStrategy, silentGetStrategy]) {
      const s = stub();
      const { refreshToken: _drop, ...noRefresh } = refreshCtx();
      const e = await rejection(make(s.ctx).run(noRefresh as RefreshContext));
      expect(e).toMatchObject({ code: 'finesse.sso.no-refresh-token', action: 'none', message: 'No refresh token.' });
      expect(s.requests).toEqual([]);
    }
  });

  it('a 200 JSON answer is a grant measured from when the request went out, with the server Date [FIN-12]', async () => {
    for (const make of [silentPostStrategy, silentGetStrategy]) {
      const s = stub();
      const grant = await make(s.ctx).run(refreshCtx());
      expect(grant).toEqual({
        accessToken: NEW_ACCESS,
        refreshToken: NEW_REFRESH,
        expiresInSec: 300,
        expiresAtServerMs: 1_800_000_300_000,
        refreshExpiresAtServerMs: 1_800_007_200_000,
        serverDateMs: Date.parse(DATE),
        obtainedAt: 5_000,
      });
    }
  });

  it('a 200 without a body token reads the token cookies of the answer URL, and never takes the old access token for a new one [FIN-15]', async () => {
    const answerUrl = `${ORIGIN}/desktop/sso/token?x=1`;
    const s = stub({}, () => response(200, '{"expires_in":300}', { 'content-type': 'application/json' }, answerUrl), undefined, [{ name: 'token', value: NEW_ACCESS }]);
    const grant = await silentPostStrategy(s.ctx).run(refreshCtx());
    expect(grant.accessToken).toBe(NEW_ACCESS);
    expect(s.cookieUrls).toEqual([answerUrl]);
    for (const make of [silentPostStrategy, silentGetStrategy]) {
      const stale = stub({}, () => response(200, '{"expires_in":300}', { 'content-type': 'application/json' }), undefined, [{ name: 'token', value: 'old-access' }]);
      expect(await rejection(make(stale.ctx).run(refreshCtx()))).toMatchObject({ code: 'finesse.sso.bad-token', details: { field: 'token' } });
    }
  });

  it('a 200 HTML page (IdS/IdP sign-in page) needs the browser: not retried, not a grant [FIN-13]', async () => {
    for (const type of ['text/html; charset=utf-8', 'TEXT/HTML', 'application/xhtml+xml']) {
      const s = stub({}, () => response(200, '<html>sign in</html>', { 'content-type': type }));
      const e = await rejection(silentPostStrategy(s.ctx).run(refreshCtx()));
      expect(e).toMatchObject({ code: 'finesse.sso.refresh-needs-browser', action: 'none', details: { status: 200 }, message: 'The refresh led to a sign-in page.' });
    }
    // A 200 without a content type is read as JSON, not as a page.
    const bare = stub({}, () => response(200, JSON.stringify({ token: NEW_ACCESS, expires_in: 300 })));
    expect((await silentPostStrategy(bare.ctx).run(refreshCtx())).accessToken).toBe(NEW_ACCESS);
  });

  it('5xx and 429 are transient (retried); other statuses are a refusal (not retried) [FIN-13]', async () => {
    for (const status of [500, 502, 503, 429]) {
      const s = stub({}, () => response(status, 'busy'));
      const e = await rejection(silentGetStrategy(s.ctx).run(refreshCtx()));
      expect(e).toMatchObject({ code: 'finesse.sso.refresh-unavailable', action: 'retry', details: { status } });
      expect(e.message).toBe(`The sign-in service answered ${status}.`);
    }
    for (const status of [400, 401, 403, 428, 430, 499, 302]) {
      const s = stub({}, () => response(status, 'no'));
      const e = await rejection(silentPostStrategy(s.ctx).run(refreshCtx()));
      expect(e).toMatchObject({ code: 'finesse.sso.refresh-refused', action: 'none', details: { status } });
      expect(e.message).toBe(`The sign-in service refused the refresh (${status}).`);
    }
  });
});

describe('the sign-in window (FIN-07, FIN-13, FIN-14, FIN-15)', () => {
  it('hidden refresh: the refresh URL while a refresh token is held, hidden, 30 s, the old token as stale [FIN-13]', async () => {
    const s = stub();
    const signal = new AbortController().signal;
    const grant = await hiddenWindowStrategy(s.ctx).run(refreshCtx({ signal }));
    const run = s.windows[0]!;
    const url = new URL(run.url);
    expect(url.origin + url.pathname).toBe(TOKEN_URL);
    expect(url.searchParams.get('refresh-token')).toBe('old-refresh');
    expect(url.searchParams.get('cc_username')).toBe('sjefferson');
    expect(run).toMatchObject({ visible: 'never', timeoutMs: HIDDEN_WINDOW_TIMEOUT_MS, signal });
    expect(HIDDEN_WINDOW_TIMEOUT_MS).toBe(30_000);
    // obtainedAt is when the window returned (the token came from the network then), Date from its headers.
    expect(grant).toMatchObject({ accessToken: NEW_ACCESS, serverDateMs: Date.parse(DATE), obtainedAt: 7_000 });
  });

  it('hidden renewal (or a refresh with no refresh token): the sign-in URL asking for a refresh token [FIN-13, FIN-08]', async () => {
    for (const context of [refreshCtx({ mode: 'renew' }), { ...refreshCtx(), refreshToken: undefined } as RefreshContext]) {
      const s = stub();
      await hiddenWindowStrategy(s.ctx).run(context);
      const url = new URL(s.windows[0]!.url);
      expect(url.searchParams.get('refresh-token')).toBeNull();
      expect(url.searchParams.get('return_refresh_token')).toBe('true');
      expect(url.searchParams.get('cc_username')).toBe('sjefferson');
    }
  });

  it('visible renewal: tells the agent first, then the sign-in URL in a visible window for up to 10 min [FIN-14, FIN-09]', async () => {
    const s = stub();
    const opened: string[] = [];
    const strategy = visibleWindowStrategy(s.ctx, () => opened.push(`open after ${s.windows.length} windows`));
    const grant = await strategy.run(refreshCtx({ mode: 'renew' }));
    expect(opened).toEqual(['open after 0 windows']);
    expect(s.windows[0]).toMatchObject({ visible: 'always', timeoutMs: SIGN_IN_WINDOW_TIMEOUT_MS });
    expect(SIGN_IN_WINDOW_TIMEOUT_MS).toBe(600_000);
    expect(new URL(s.windows[0]!.url).searchParams.get('refresh-token')).toBeNull();
    expect(grant).toMatchObject({ accessToken: NEW_ACCESS, refreshToken: NEW_REFRESH, serverDateMs: Date.parse(DATE), obtainedAt: 7_000 });
    // Without an onOpen callback it still runs.
    await visibleWindowStrategy(stub().ctx).run(refreshCtx({ mode: 'renew' }));
  });

  it('the window request: completes on the token JSON from the network, shares the jar, the node hosts, the title, forgets the token cookies [FIN-15]', async () => {
    const s = stub();
    await windowToken(s.ctx, 'when-needed', signInUrl(s.ctx), 1234);
    const run = s.windows[0]!;
    expect(run).toEqual({
      url: `${TOKEN_URL}?cc_username=sjefferson&return_refresh_token=true`,
      profileId: 'fin',
      visible: 'when-needed',
      timeoutMs: 1234,
      until: [{ jsonResponseAt: TOKEN_URL }],
      jar: s.ctx.http.jar,
      profileHosts: ['fin-a.example.com:8445', 'fin-b.example.com:8445'],
      title: 'Sign in to Cisco Finesse',
      forgetCookies: ['token', 'refresh_token'],
    });
    // The token cookies are read for the token URL (FIN-15).
    expect(s.cookieUrls).toEqual([TOKEN_URL]);
  });

  it('IT-listed sign-in hosts extend the node hosts; the signal is passed through', async () => {
    const s = stub({ ssoAllowedHosts: ['ids.example.com', 'idp.example.net'] });
    const control = new AbortController();
    await windowToken(s.ctx, 'always', signInUrl(s.ctx), 1, control.signal);
    expect(s.windows[0]!.allowedHosts).toEqual(['fin-a.example.com:8445', 'fin-b.example.com:8445', 'ids.example.com', 'idp.example.net']);
    expect(s.windows[0]!.signal).toBe(control.signal);
  });

  it('the older-release mode: cc_username as a cookie before the window opens, not in the URL [FIN-15, FIN-07]', async () => {
    const s = stub({ ssoUserIn: 'cookie' }, undefined, undefined, [], 'ann/é');
    await windowToken(s.ctx, 'when-needed', signInUrl(s.ctx), 1);
    expect(s.events).toEqual(['set-cookie', 'window']);
    expect(s.cookiesSet).toEqual([{ header: `cc_username=${encodeURIComponent('ann/é')}; Path=/`, url: ORIGIN }]);
    expect(new URL(s.windows[0]!.url).searchParams.has('cc_username')).toBe(false);
    // the query mode sets no cookie
    const q = stub();
    await windowToken(q.ctx, 'when-needed', signInUrl(q.ctx), 1);
    expect(q.cookiesSet).toEqual([]);
  });

  it('a non-200 completion is a failed sign-in naming the status; no window at all is said plainly', async () => {
    const s = stub({}, undefined, (req) => ({ completion: req.until[0]!, url: TOKEN_URL, status: 401, headers: {}, body: '{}' }));
    expect(await rejection(windowToken(s.ctx, 'always', signInUrl(s.ctx), 1))).toMatchObject({
      code: 'finesse.sso.failed',
      action: 'sign-in-again',
      details: { status: 401 },
      message: 'The sign-in service answered 401.',
    });
    const none = stub({}, undefined, null);
    expect(await rejection(windowToken(none.ctx, 'always', signInUrl(none.ctx), 1))).toMatchObject({
      code: 'login.unavailable',
      action: 'contact-it',
      message: 'Single sign-on needs a sign-in window, which this Patchbay (command line) cannot open.',
    });
  });

  it('a completion without a body is refused as no token, not a crash', async () => {
    const s = stub({}, undefined, (req) => ({ completion: req.until[0]!, url: TOKEN_URL, status: 200, headers: {} }));
    expect(await rejection(windowToken(s.ctx, 'always', signInUrl(s.ctx), 1))).toMatchObject({ code: 'finesse.sso.bad-token', details: { field: 'token' } });
  });
});

describe('strategy order (FIN-13: silent, then hidden, then visible)', () => {
  it('follows refreshForm: both → POST then GET; post or get → that one only; windows last [FIN-13]', () => {
    const names = (refreshForm: 'both' | 'post' | 'get') => refreshStrategies(stub({ refreshForm }).ctx).map((st) => st.name);
    expect(names('both')).toEqual(['finesse-refresh-post', 'finesse-refresh-get', 'finesse-window-hidden', 'finesse-window']);
    expect(names('post')).toEqual(['finesse-refresh-post', 'finesse-window-hidden', 'finesse-window']);
    expect(names('get')).toEqual(['finesse-refresh-get', 'finesse-window-hidden', 'finesse-window']);
  });

  it('only the visible window is interactive and only it and the hidden one renew [FIN-13, FIN-14]', () => {
    const all = refreshStrategies(stub().ctx);
    expect(all.map((st) => [st.name, [...st.modes], st.interactive === true])).toEqual([
      ['finesse-refresh-post', ['refresh'], false],
      ['finesse-refresh-get', ['refresh'], false],
      ['finesse-window-hidden', ['refresh', 'renew'], false],
      ['finesse-window', ['renew'], true],
    ]);
  });

  it('the onVisible callback reaches the visible window strategy', async () => {
    const s = stub();
    let told = 0;
    const visible = refreshStrategies(s.ctx, () => (told += 1)).at(-1)!;
    await visible.run(refreshCtx({ mode: 'renew' }));
    expect(told).toBe(1);
  });
});
