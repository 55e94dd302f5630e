// The Genesys Cloud auth port (auth.ts) with a scripted token endpoint and sign-in window (issue 9,
// MUT-GC2): GC-03 the window request and the exchange, GC-02 the scope check, GC-04 the refresh token
// in the keychain only, GC-05 renewal before a session starts, GC-09 renewal / refusal / give-up,
// resume, sign-out (revocation, prompt=login next time). Fake clock, no sockets; the real wire
// (oidc-provider, loopback redirect, system browser) is test/integration/genesys-cloud/auth.test.ts.
import { describe, expect, it, vi } from 'vitest';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import type { PlatformContext } from '../../../../../main/core/platforms/platform.ts';
import { createGenesysCloudAuth, type GenesysCloudAuthDeps } from '../../../../../main/core/platforms/genesys-cloud/auth.ts';
import type { GenesysCloudAuthEvent } from '../../../../../main/core/platforms/genesys-cloud/auth-port.ts';
import { MemorySecretStore, profileSecrets } from '../../../../../main/core/secrets/secret-store.ts';
import { ProfileSchema, type Profile } from '../../../../../preload/contract.ts';
import { rejection as failure } from '../../../../helpers/errors.ts';
import { driveClock } from '../../../../helpers/fake-clock.ts';

const REDIRECT = 'http://127.0.0.1:48620/callback';
const ALL_SCOPES = 'users:readonly presence routing conversations:readonly notifications';

type Answer = { status: number; json?: unknown; headers?: Record<string, string> };

function respond(a: Answer): HttpResponse {
  const text = a.json === undefined ? '' : JSON.stringify(a.json);
  const body = new TextEncoder().encode(text);
  return {
    status: a.status,
    headers: { ...(a.json === undefined ? {} : { 'content-type': 'application/json' }), ...a.headers },
    setCookie: [],
    url: '',
    chain: [],
    body,
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}

let serial = 0;
const tokenAnswer = (extra: Record<string, unknown> = {}): Answer => {
  serial++;
  return { status: 200, json: { access_token: `at-${serial}`, token_type: 'bearer', expires_in: 3600, refresh_token: `rt-${serial}`, scope: ALL_SCOPES, ...extra } };
};

function profile(gc: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Profile {
  return ProfileSchema.parse({
    id: 'gc-unit',
    name: 'GC',
    platform: 'genesys-cloud',
    servers: ['https://api.mypurecloud.ie'],
    authMode: 'sso',
    ...extra,
    options: { genesysCloud: { region: 'mypurecloud.ie', clientId: 'client-1', redirectUri: REDIRECT, loginMethod: 'login-window', ...gc } },
  });
}

function harness(options: { windowFails?: boolean; gc?: Record<string, unknown>; profile?: Record<string, unknown>; deps?: GenesysCloudAuthDeps; context?: Partial<PlatformContext> } = {}) {
  const clock = new FakeClock();
  const sink = memorySink();
  const store = new MemorySecretStore();
  const p = profile(options.gc, options.profile);
  const requests: HttpRequest[] = [];
  /** Scripted token endpoint answers; default: a fresh token with every scope. */
  const token: Answer[] = [];
  let cleared = 0;
  const http = {
    jar: { the: 'jar' },
    clearCookies: async () => void cleared++,
    request: async (req: HttpRequest) => {
      requests.push(req);
      if (String(req.url).endsWith('/api/v2/tokens/me')) return respond({ status: 204 });
      return respond(token.shift() ?? tokenAnswer());
    },
  } as unknown as HttpSession;
  const windows: LoginWindowRequest[] = [];
  /** What the window does per run; default: Genesys redirects back with a code and our state. */
  const windowPlan: ((req: LoginWindowRequest) => Promise<LoginWindowResult>)[] = [];
  const loginWindow: LoginWindow = {
    run: async (req) => {
      windows.push(req);
      const plan = windowPlan.shift();
      if (plan) return plan(req);
      if (options.windowFails) throw new PatchbayError('login.cancelled', 'closed', { action: 'sign-in-again' });
      const state = new URL(req.url).searchParams.get('state');
      return { completion: req.until[0]!, url: `${REDIRECT}?code=code-${windows.length}&state=${state}`, status: 302, headers: {} };
    },
  };
  const context: PlatformContext = {
    profile: p,
    clock,
    log: createLogger({ sink, level: 'debug', clock }),
    secrets: profileSecrets(store, p.id),
    loginWindow,
    createHttpSession: () => http,
    ...options.context,
  };
  const auth = createGenesysCloudAuth(context, options.deps ?? {});
  const events: GenesysCloudAuthEvent[] = [];
  auth.onEvent((e) => events.push(e));
  const tokenRequests = () => requests.filter((r) => String(r.url).endsWith('/oauth/token')).map((r) => new URLSearchParams(String(r.body)));
  return { clock, sink, store, p, requests, token, windows, windowPlan, auth, events, tokenRequests, http, cleared: () => cleared };
}

const okWindow = async (req: LoginWindowRequest): Promise<LoginWindowResult> => ({
  completion: req.until[0]!,
  url: `${REDIRECT}?code=c&state=${new URL(req.url).searchParams.get('state')}`,
  status: 302,
  headers: {},
});

/** Real macrotask turns (WebCrypto's PKCE digest is not a microtask) between fake-clock steps. */
const drive = <T>(clock: FakeClock, promise: Promise<T>, stepMs = 1_000, maxSteps = 1_000): Promise<T> => driveClock(clock, promise, { stepMs, maxMs: stepMs * maxSteps, turns: true });

describe('Genesys Cloud auth: sign-in (GC-03)', () => {
  it('GC-03: the sign-in window gets the authorize URL, our redirect as its end, the jar, the title and 5 min; the code is exchanged', async () => {
    const h = harness({ profile: { userName: 'agent@example.com' } });
    const info = await h.auth.signIn();
    expect(h.windows).toHaveLength(1);
    const w = h.windows[0]!;
    const url = new URL(w.url);
    expect(url.origin + url.pathname).toBe('https://login.mypurecloud.ie/oauth/authorize');
    expect(url.searchParams.get('login_hint')).toBe('agent@example.com');
    expect(url.searchParams.get('prompt')).toBeNull();
    expect(w).toMatchObject({ profileId: 'gc-unit', visible: 'when-needed', timeoutMs: 300_000, until: [{ redirectTo: REDIRECT }], title: 'Sign in to Genesys Cloud' });
    expect(w.jar).toBe(h.http.jar);
    const [exchange] = h.tokenRequests();
    expect(exchange!.get('grant_type')).toBe('authorization_code');
    expect(exchange!.get('code')).toBe('code-1');
    expect(exchange!.get('redirect_uri')).toBe(REDIRECT);
    expect(info).toEqual({ expiresAt: expect.any(Number), refreshAt: expect.any(Number), scopes: ALL_SCOPES.split(' '), hasRefreshToken: true });
    expect(info.expiresAt).toBe(h.clock.now() + 3600_000);
    expect(h.auth.info).toEqual(info);
    expect(await h.auth.accessToken()).toMatch(/^at-/);
  });

  it('no login_hint without a user name; signInTimeoutMs is the window\'s time; a scaled clock gives the agent real minutes', async () => {
    const h = harness({ deps: { signInTimeoutMs: 90_000 } });
    await h.auth.signIn();
    expect(new URL(h.windows[0]!.url).searchParams.has('login_hint')).toBe(false);
    expect(h.windows[0]!.timeoutMs).toBe(90_000);
    const clock = new FakeClock();
    const scaled = Object.assign(clock, { toWallTime: (ms: number) => ms / 4 });
    const s = harness({ context: { clock: scaled } });
    await s.auth.signIn();
    expect(s.windows[0]!.timeoutMs).toBe(1_200_000);
    const slow = Object.assign(new FakeClock(), { toWallTime: (ms: number) => ms * 4 });
    const t = harness({ context: { clock: slow } });
    await t.auth.signIn();
    expect(t.windows[0]!.timeoutMs).toBe(300_000);
  });

  it('the system browser without a browser in this shell falls back to the sign-in window', async () => {
    const h = harness({ gc: { loginMethod: 'system-browser' } });
    await h.auth.signIn();
    expect(h.windows).toHaveLength(1);
    expect(h.sink.entries.some((e) => e.event === 'genesys-cloud.no-system-browser' && e['fallback'] === 'login-window')).toBe(true);
  });

  it('no sign-in window in this shell is a typed contact-it error', async () => {
    const h = harness({ context: { loginWindow: undefined } });
    const error = await failure(h.auth.signIn());
    expect(error).toMatchObject({ code: 'login.unavailable', action: 'contact-it' });
    expect(error.message).toBe('No sign-in window can be opened here (this Patchbay has no browser).');
  });

  it('GC-03: a callback with another state is refused before any exchange', async () => {
    const h = harness();
    h.windowPlan.push(async (req) => ({ completion: req.until[0]!, url: `${REDIRECT}?code=c&state=not-ours`, status: 302, headers: {} }));
    expect((await failure(h.auth.signIn())).code).toBe('genesys-cloud.authorize.state-mismatch');
    expect(h.tokenRequests()).toHaveLength(0);
  });

  it('no network session is a typed internal error', async () => {
    const h = harness({ context: { createHttpSession: undefined } });
    const error = await failure(h.auth.signIn());
    expect(error).toMatchObject({ code: 'genesys-cloud.internal', action: 'contact-it' });
    expect(error.message).toBe('Patchbay has no network session for Genesys Cloud.');
  });

  it('429 on the exchange: waits a Retry-After up to 30 s, at most twice; a longer wait or a third 429 is the error', async () => {
    const h = harness();
    h.token.push({ status: 429, headers: { 'retry-after': '30' } }, { status: 429, headers: { 'retry-after': '1' } });
    const signingIn = h.auth.signIn();
    await vi.waitFor(() => expect(h.tokenRequests()).toHaveLength(1));
    await h.clock.advance(29_999);
    expect(h.tokenRequests()).toHaveLength(1);
    await h.clock.advance(1);
    await vi.waitFor(() => expect(h.tokenRequests()).toHaveLength(2));
    await h.clock.advance(999);
    expect(h.tokenRequests()).toHaveLength(2);
    await h.clock.advance(1);
    await signingIn;
    expect(h.tokenRequests()).toHaveLength(3);
    const long = harness();
    long.token.push({ status: 429, headers: { 'retry-after': '31' } });
    expect((await failure(long.auth.signIn())).code).toBe('genesys-cloud.rate-limited');
    expect(long.tokenRequests()).toHaveLength(1);
    const many = harness();
    many.token.push(...[1, 2, 3].map(() => ({ status: 429, headers: { 'retry-after': '1' } })));
    const third = failure(drive(many.clock, many.auth.signIn(), 500));
    expect((await third).code).toBe('genesys-cloud.rate-limited');
    expect(many.tokenRequests()).toHaveLength(3);
    const none = harness();
    none.token.push({ status: 429 });
    expect((await failure(none.auth.signIn())).code).toBe('genesys-cloud.rate-limited');
    expect(none.tokenRequests()).toHaveLength(1);
  });

  it('GC-02: a grant missing a scope is refused with its name; nothing is kept', async () => {
    const h = harness();
    h.token.push(tokenAnswer({ scope: 'users:readonly presence routing conversations:readonly' }));
    const error = await failure(h.auth.signIn());
    expect(error).toMatchObject({ code: 'genesys-cloud.scopes.missing', details: { missing: 'notifications' } });
    expect(h.auth.info).toBeUndefined();
    expect(await h.store.get('gc-unit', 'refresh-token')).toBeUndefined();
    expect((await failure(h.auth.accessToken())).code).toBe('genesys-cloud.signed-out');
  });

  it('a grant that names no scope is accepted with no scopes listed; no refresh token is said so', async () => {
    const h = harness();
    h.token.push({ status: 200, json: { access_token: 'at-x', token_type: 'bearer', expires_in: 600 } });
    const info = await h.auth.signIn();
    expect(info).toMatchObject({ scopes: [], hasRefreshToken: false });
    expect(h.sink.entries.some((e) => e.event === 'genesys-cloud.scopes.unreported')).toBe(true);
  });
});

describe('Genesys Cloud auth: tokens (GC-04, GC-05, GC-09)', () => {
  it('GC-04: the refresh token goes to the keychain; the grant info and events carry no token', async () => {
    const h = harness();
    const info = await h.auth.signIn();
    await h.clock.advance(0);
    expect(await h.store.get('gc-unit', 'refresh-token')).toMatch(/^rt-/);
    expect(JSON.stringify(info)).not.toMatch(/at-|rt-/);
  });

  it('GC-05: fresh renews a token that would not outlive the start-up margin (60 s, or startupMarginMs), not one that would', async () => {
    const h = harness({ deps: { keeper: { refreshFraction: 0.99, refreshLeadMs: 1 } } });
    await h.auth.signIn();
    const first = await h.auth.accessToken({ fresh: true });
    expect(h.tokenRequests()).toHaveLength(1);
    await h.clock.advance(3600_000 - 60_001);
    expect(await h.auth.accessToken({ fresh: true })).toBe(first);
    await h.clock.advance(2);
    const renewed = await h.auth.accessToken({ fresh: true });
    expect(renewed).not.toBe(first);
    expect(h.tokenRequests().at(-1)!.get('grant_type')).toBe('refresh_token');
    const m = harness({ deps: { startupMarginMs: 600_000, keeper: { refreshFraction: 0.99, refreshLeadMs: 1 } } });
    await m.auth.signIn();
    const before = await m.auth.accessToken();
    await m.clock.advance(3600_000 - 600_001);
    expect(await m.auth.accessToken({ fresh: true })).toBe(before);
    await m.clock.advance(2);
    expect(await m.auth.accessToken({ fresh: true })).not.toBe(before);
  });

  it('renew refreshes now whatever the expiry; a failed refresh keeps the valid token', async () => {
    const h = harness({ windowFails: true });
    h.windowPlan.push(okWindow);
    await h.auth.signIn();
    const first = await h.auth.accessToken();
    const second = await h.auth.accessToken({ renew: true });
    expect(second).not.toBe(first);
    h.token.push({ status: 503 }, { status: 503 }, { status: 503 });
    expect(await drive(h.clock, h.auth.accessToken({ renew: true }), 500)).toBe(second);
  });

  it('an aborted signal ends accessToken with the abort', async () => {
    const h = harness();
    await h.auth.signIn();
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(h.auth.accessToken({ signal: controller.signal })).rejects.toThrow('gone');
  });

  it('GC-09: invalidate renews and hands out the new token; the refused one never comes back', async () => {
    const h = harness();
    await h.auth.signIn();
    const first = await h.auth.accessToken();
    await h.auth.invalidate('401');
    const next = await h.auth.accessToken();
    expect(next).not.toBe(first);
    expect(h.events.some((e) => e.kind === 'renewed')).toBe(true);
  });

  it('GC-09: a request made while a 401 renewal runs waits for the renewed token instead of asking for a sign-in', async () => {
    const h = harness();
    await h.auth.signIn();
    const refused = await h.auth.accessToken();
    // The token endpoint answers the renewal only when the test says so.
    let answer!: () => void;
    const gate = new Promise<void>((resolve) => (answer = resolve));
    const original = h.http.request.bind(h.http);
    Object.assign(h.http, {
      request: async (req: HttpRequest) => {
        if (String(req.url).endsWith('/oauth/token')) await gate;
        return original(req);
      },
    });
    const renewal = h.auth.invalidate('401');
    await new Promise((resolve) => setImmediate(resolve));
    const meanwhile = h.auth.accessToken();
    answer();
    await renewal;
    const token = await meanwhile;
    expect(token).not.toBe(refused);
    expect(token).toBe(await h.auth.accessToken());
  });

  it('GC-09: when nothing renews the refused token, invalidate gives up once (final) and accessToken asks for a sign-in', async () => {
    const h = harness({ windowFails: true });
    h.token.push(tokenAnswer({ refresh_token: undefined }));
    h.windowPlan.push(okWindow);
    await h.auth.signIn();
    const error = await failure(drive(h.clock, h.auth.invalidate('token_revoked'), 500));
    expect(['genesys-cloud.token.revoked', 'login.cancelled']).toContain(error.code);
    const finals = h.events.filter((e) => e.kind === 'renewal-failed' && e.final);
    expect(finals).toHaveLength(1);
    const asked = await failure(h.auth.accessToken());
    expect(asked).toMatchObject({ code: 'genesys-cloud.sign-in-needed', action: 'sign-in-again' });
    expect(asked.message).toBe('Genesys Cloud needs a fresh sign-in. Sign in again to continue.');
    expect((await failure(h.auth.accessToken({ fresh: true }))).code).toBe('genesys-cloud.sign-in-needed');
    // after giving up nothing retries: another refusal is final at once, announced no second time
    const windows = h.windows.length;
    const again = await failure(h.auth.invalidate('401'));
    expect(again).toMatchObject({ code: 'genesys-cloud.token.revoked', action: 'sign-in-again', details: { reason: '401' } });
    expect(again.message).toBe('Genesys Cloud no longer accepts your sign-in. Sign in again.');
    expect(h.events.filter((e) => e.kind === 'renewal-failed' && e.final)).toHaveLength(1);
    expect(h.windows).toHaveLength(windows);
  });

  it('before sign-in and after dispose: signed-out errors', async () => {
    const h = harness();
    const error = await failure(h.auth.accessToken());
    expect(error).toMatchObject({ code: 'genesys-cloud.signed-out', action: 'sign-in-again' });
    expect(error.message).toBe('You are not signed in to Genesys Cloud.');
    expect((await failure(h.auth.invalidate('x'))).code).toBe('genesys-cloud.signed-out');
    await h.auth.signIn();
    h.auth.dispose();
    expect((await failure(h.auth.accessToken())).code).toBe('genesys-cloud.signed-out');
    expect(h.auth.info).toBeUndefined();
  });

  it('GC-09: a refresh refused with invalid_grant forgets the refresh token (keychain too) and renews in the hidden window', async () => {
    const h = harness();
    await h.auth.signIn();
    await h.clock.advance(0);
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    await h.auth.accessToken({ renew: true });
    await h.clock.advance(0);
    expect(await h.store.get('gc-unit', 'refresh-token')).toMatch(/^rt-/); // the hidden window's grant brought a new one
    expect(h.windows).toHaveLength(2);
    expect(h.windows[1]).toMatchObject({ visible: 'never', timeoutMs: 20_000 });
    expect(new URL(h.windows[1]!.url).searchParams.get('prompt')).toBeNull();
  });

  it('GC-09: a refresh token refused with invalid_grant is never presented again, and leaves the keychain', async () => {
    const h = harness({ windowFails: true });
    h.windowPlan.push(okWindow);
    await h.auth.signIn();
    await h.clock.advance(0);
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    await drive(h.clock, h.auth.accessToken({ renew: true }), 500);
    expect(await h.store.get('gc-unit', 'refresh-token')).toBeUndefined();
    const refreshes = () => h.tokenRequests().filter((b) => b.get('grant_type') === 'refresh_token').length;
    expect(refreshes()).toBe(1);
    await drive(h.clock, h.auth.accessToken({ renew: true }).catch(() => ''), 500);
    expect(refreshes()).toBe(1);
  });
});

describe('Genesys Cloud auth: renewal events (GC-09)', () => {
  it('GC-09: a failed attempt that will be retried is announced as not final, with the next attempt time', async () => {
    const h = harness({ windowFails: true });
    h.windowPlan.push(okWindow);
    await h.auth.signIn();
    h.token.push({ status: 503 }, { status: 503 }, { status: 503 });
    await drive(h.clock, h.auth.accessToken({ renew: true }), 500);
    const retried = h.events.filter((e) => e.kind === 'renewal-failed' && !e.final);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried[0]).toMatchObject({ kind: 'renewal-failed', final: false, nextAttemptAt: expect.any(Number) });
    expect(retried[0]).not.toHaveProperty('signInPending');
  });

  it('GC-09: a failed attempt that will not be retried names no next attempt (MUT-GC4)', async () => {
    const h = harness({ windowFails: true });
    h.windowPlan.push(okWindow);
    await h.auth.signIn();
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    await drive(h.clock, h.auth.accessToken({ renew: true }).catch(() => ''), 500);
    const failed = h.events.filter((e) => e.kind === 'renewal-failed' && !e.final);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).not.toHaveProperty('nextAttemptAt');
  });
});

describe('Genesys Cloud auth: resume and sign-out', () => {
  it('resume: nothing saved is false without a request; a saved token signs in silently and stays when not rotated', async () => {
    const h = harness();
    expect(await h.auth.resume()).toBe(false);
    expect(h.requests).toHaveLength(0);
    await h.store.set('gc-unit', 'refresh-token', 'saved-rt');
    h.token.push(tokenAnswer({ refresh_token: undefined }));
    expect(await h.auth.resume()).toBe(true);
    expect(h.tokenRequests()[0]!.get('refresh_token')).toBe('saved-rt');
    expect(h.auth.info).toMatchObject({ hasRefreshToken: true });
    await h.auth.accessToken({ renew: true });
    expect(h.tokenRequests()[1]!.get('refresh_token')).toBe('saved-rt');
  });

  it('resume: a refused saved token is deleted and resume says false; any other failure is thrown', async () => {
    const h = harness();
    await h.store.set('gc-unit', 'refresh-token', 'old');
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    expect(await h.auth.resume()).toBe(false);
    expect(await h.store.get('gc-unit', 'refresh-token')).toBeUndefined();
    await h.store.set('gc-unit', 'refresh-token', 'old');
    h.token.push({ status: 503 });
    expect((await failure(h.auth.resume())).code).toBe('genesys-cloud.login.unavailable');
    expect(await h.store.get('gc-unit', 'refresh-token')).toBe('old');
  });

  it('sign-out revokes with the token as a Bearer header, clears keychain and jar; the next visible sign-in forces the form, a hidden one not', async () => {
    const h = harness();
    await h.auth.signIn();
    const token = await h.auth.accessToken();
    await h.clock.advance(0);
    await h.auth.signOut();
    const revoke = h.requests.find((r) => r.method === 'DELETE')!;
    expect(revoke.url).toBe('https://api.mypurecloud.ie/api/v2/tokens/me');
    expect(revoke.headers).toEqual({ Authorization: `Bearer ${token}` });
    expect(revoke).toMatchObject({ followRedirects: false, timeoutMs: 10_000 });
    expect(await h.store.get('gc-unit', 'refresh-token')).toBeUndefined();
    expect(h.cleared()).toBe(1);
    expect(h.auth.info).toBeUndefined();
    await h.auth.signIn();
    expect(new URL(h.windows[1]!.url).searchParams.get('prompt')).toBe('login');
    // signed in again: the mark is gone
    const again = harness();
    await again.auth.signIn();
    expect(new URL(again.windows[0]!.url).searchParams.get('prompt')).toBeNull();
  });

  it('sign-out without a sign-in sends nothing; a failed revocation is logged, the rest still happens', async () => {
    const h = harness();
    await h.auth.signOut();
    expect(h.requests).toHaveLength(0);
    expect(h.cleared()).toBe(0);
    const f = harness();
    await f.auth.signIn();
    (f.http as unknown as { request: () => Promise<never> }).request = async () => {
      throw new PatchbayError('net.unreachable', 'down');
    };
    await f.auth.signOut();
    expect(f.sink.entries.some((e) => e.event === 'genesys-cloud.revoke-failed' && e['code'] === 'net.unreachable')).toBe(true);
    expect(f.cleared()).toBe(1);
  });
});
