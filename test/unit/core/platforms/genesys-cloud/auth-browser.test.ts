// The Genesys Cloud auth port's system-browser sign-in (auth.ts authorizeAndExchange / authorize; issue 9,
// MUT-GC3): RFC 8252 §7.3 listen before the page opens, §8.3 the registered loopback port freed after every
// outcome, a second sign-in joining the one in the browser, GC-03 the callback carried into the exchange,
// GC-09 the hidden renewal in the LoginWindow and the visible one in the browser, the keeper's events.
// The token endpoint is scripted (fake clock); the loopback listener is real (127.0.0.1, a free port),
// and the "browser" lands on it with fetch, as the agent's browser would.
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExternalBrowserRequest } from '../../../../../main/core/auth/external-browser.ts';
import type { LoginWindow, LoginWindowRequest } from '../../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import type { PlatformContext } from '../../../../../main/core/platforms/platform.ts';
import { createGenesysCloudAuth, type GenesysCloudAuthDeps } from '../../../../../main/core/platforms/genesys-cloud/auth.ts';
import type { GenesysCloudAuthEvent } from '../../../../../main/core/platforms/genesys-cloud/auth-port.ts';
import { MemorySecretStore, profileSecrets } from '../../../../../main/core/secrets/secret-store.ts';
import { ProfileSchema } from '../../../../../preload/contract.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { driveClock } from '../../../../helpers/fake-clock.ts';
import { gate } from '../../../../helpers/wait.ts';

const ALL_SCOPES = 'users:readonly presence routing conversations:readonly notifications';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Whether the port can be bound now (the listener of an ended sign-in released it). */
async function portFree(port: number): Promise<boolean> {
  const probe = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => probe.close(() => resolve()));
  return bound;
}

type Answer = { status: number; json?: unknown; headers?: Record<string, string> };

function respond(a: Answer): HttpResponse {
  const text = a.json === undefined ? '' : JSON.stringify(a.json);
  return {
    status: a.status,
    headers: { ...(a.json === undefined ? {} : { 'content-type': 'application/json' }), ...a.headers },
    setCookie: [],
    url: '',
    chain: [],
    body: new TextEncoder().encode(text),
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}

let serial = 0;
const tokenAnswer = (extra: Record<string, unknown> = {}): Answer => {
  serial++;
  return { status: 200, json: { access_token: `at-${serial}`, token_type: 'bearer', expires_in: 3600, refresh_token: `rt-${serial}`, scope: ALL_SCOPES, ...extra } };
};

/** What the agent's browser does with a page: land on the loopback with a code (default), go nowhere, or fail to open. */
type Visit = 'land' | 'nowhere' | 'fail' | 'deny' | ((req: ExternalBrowserRequest) => Promise<void>);

/** Every port a test made is disposed after it: a listener still waiting is closed by the keeper's abort. */
const made: { dispose(): void }[] = [];
afterEach(() => {
  while (made.length) made.pop()!.dispose();
});

async function harness(options: { deps?: GenesysCloudAuthDeps; context?: Partial<PlatformContext>; windowFails?: boolean; windowFailsAfter?: number; profileId?: string; method?: 'system-browser' | 'login-window' } = {}) {
  const port = await freePort();
  const redirect = `http://127.0.0.1:${port}/callback`;
  const clock = new FakeClock();
  const sink = memorySink();
  const store = new MemorySecretStore();
  const p = ProfileSchema.parse({
    id: options.profileId ?? `gc-browser-${port}`,
    name: 'GC',
    platform: 'genesys-cloud',
    servers: ['https://api.mypurecloud.ie'],
    authMode: 'sso',
    options: { genesysCloud: { region: 'mypurecloud.ie', clientId: 'client-1', redirectUri: redirect, loginMethod: options.method ?? 'system-browser' } },
  });
  const requests: HttpRequest[] = [];
  const token: Answer[] = [];
  const http = {
    jar: {},
    clearCookies: async () => undefined,
    request: async (req: HttpRequest) => {
      requests.push(req);
      if (String(req.url).endsWith('/api/v2/tokens/me')) return respond({ status: 204 });
      return respond(token.shift() ?? tokenAnswer());
    },
  } as unknown as HttpSession;
  const opened: ExternalBrowserRequest[] = [];
  const landings: number[] = [];
  const visits: Visit[] = [];
  const land = async (url: string, query: Record<string, string>) => {
    const state = new URL(url).searchParams.get('state') ?? '';
    const res = await fetch(`${redirect}?${new URLSearchParams({ ...query, state })}`);
    await res.text();
    landings.push(res.status);
  };
  const externalBrowser = {
    open: async (req: ExternalBrowserRequest) => {
      opened.push(req);
      const visit = visits.shift() ?? 'land';
      if (visit === 'nowhere') return;
      if (visit === 'fail') throw new PatchbayError('login.unavailable', 'no browser', { action: 'contact-it' });
      // Landing before open() returns: the listener must already be bound (RFC 8252 §7.3).
      if (visit === 'land') return land(req.url, { code: `code-${opened.length}` });
      if (visit === 'deny') return land(req.url, { error: 'access_denied' });
      return visit(req);
    },
  };
  const windows: LoginWindowRequest[] = [];
  const loginWindow: LoginWindow = {
    run: async (req) => {
      windows.push(req);
      if (options.windowFails || (options.windowFailsAfter !== undefined && windows.length > options.windowFailsAfter)) throw new PatchbayError('login.timeout', 'hidden', { action: 'sign-in-again' });
      return { completion: req.until[0]!, url: `${redirect}?code=w-${windows.length}&state=${new URL(req.url).searchParams.get('state')}`, status: 302, headers: {} };
    },
  };
  const context: PlatformContext = {
    profile: p,
    clock,
    log: createLogger({ sink, level: 'debug', clock }),
    secrets: profileSecrets(store, p.id),
    loginWindow,
    externalBrowser,
    createHttpSession: () => http,
    ...options.context,
  };
  const auth = createGenesysCloudAuth(context, options.deps ?? {});
  made.push(auth);
  const events: GenesysCloudAuthEvent[] = [];
  auth.onEvent((e) => events.push(e));
  const tokenRequests = () => requests.filter((r) => String(r.url).endsWith('/oauth/token')).map((r) => new URLSearchParams(String(r.body)));
  return { port, redirect, clock, sink, store, p, token, requests, opened, landings, visits, windows, auth, events, tokenRequests, land };
}

/** Real macrotask turns (sockets, WebCrypto) between fake-clock steps. */
const drive = <T>(clock: FakeClock, promise: Promise<T>, stepMs = 500, maxSteps = 2_000): Promise<T> => driveClock(clock, promise, { stepMs, maxMs: stepMs * maxSteps, turns: true });

/** Fake-clock steps with real turns between them until the condition holds (the keeper's visible sign-in is not awaited by refreshNow). */
async function until(clock: FakeClock, condition: () => boolean, stepMs = 500, maxSteps = 2_000): Promise<void> {
  for (let i = 0; i < maxSteps && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 2)); // real time for sockets and WebCrypto
    await clock.advance(stepMs);
  }
  expect(condition()).toBe(true);
}

describe('Genesys Cloud auth: system-browser sign-in (RFC 8252, GC-03)', () => {
  it('RFC 8252 §7.3 GC-03: the loopback listens before the page opens; the page is the authorize URL; the landed code is exchanged', async () => {
    const h = await harness();
    const info = await h.auth.signIn();
    expect(h.opened).toHaveLength(1);
    expect(h.opened[0]!.profileId).toBe(h.p.id);
    const url = new URL(h.opened[0]!.url);
    expect(url.origin + url.pathname).toBe('https://login.mypurecloud.ie/oauth/authorize');
    expect(url.searchParams.get('redirect_uri')).toBe(h.redirect);
    expect(h.landings).toEqual([200]); // the listener took the callback: our state, our path
    const [exchange] = h.tokenRequests();
    expect(exchange!.get('code')).toBe('code-1');
    expect(exchange!.get('redirect_uri')).toBe(h.redirect);
    expect(info).toMatchObject({ scopes: ALL_SCOPES.split(' '), hasRefreshToken: true });
    expect(h.windows).toHaveLength(0);
    expect(await portFree(h.port)).toBe(true);
  });

  it('GC-03: an error on the callback (the agent declined) is the typed error of the callback, with nothing exchanged', async () => {
    const h = await harness();
    h.visits.push('deny');
    const error = await rejection(h.auth.signIn());
    expect(error.code).toMatch(/^genesys-cloud\.authorize\./);
    expect(error.action).toBe('sign-in-again');
    expect(h.tokenRequests()).toHaveLength(0);
  });

  it('the agent has the sign-in time (signInTimeoutMs) to finish in the browser, then a typed timeout; the port is free again', async () => {
    const h = await harness({ deps: { signInTimeoutMs: 90_000 } });
    h.visits.push('nowhere');
    const pending = h.auth.signIn();
    pending.catch(() => undefined);
    await vi.waitFor(() => expect(h.opened).toHaveLength(1));
    await h.clock.advance(89_999);
    await new Promise((resolve) => setImmediate(resolve));
    let settled = false;
    void pending.finally(() => (settled = true)).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await h.clock.advance(1);
    expect((await rejection(pending)).code).toBe('login.timeout');
    expect(await portFree(h.port)).toBe(true);
  });

  it('a scaled development clock gives the agent real minutes in the browser too', async () => {
    const clock = Object.assign(new FakeClock(), { toWallTime: (ms: number) => ms / 4 });
    const h = await harness({ context: { clock } });
    h.visits.push('nowhere');
    const pending = h.auth.signIn();
    pending.catch(() => undefined);
    await vi.waitFor(() => expect(h.opened).toHaveLength(1));
    await clock.advance(5 * 60_000);
    let settled = false;
    void pending.finally(() => (settled = true)).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await clock.advance(15 * 60_000);
    expect((await rejection(pending)).code).toBe('login.timeout');
  });

  it('RFC 8252 §8.3: a sign-in the agent abandons ends with the signal, and the registered port is free again', async () => {
    const h = await harness();
    h.visits.push('nowhere');
    const abort = new AbortController();
    const pending = h.auth.signIn({ signal: abort.signal });
    pending.catch(() => undefined);
    await vi.waitFor(() => expect(h.opened).toHaveLength(1));
    abort.abort();
    expect(await rejection(pending)).toMatchObject({ code: 'login.cancelled', action: 'sign-in-again' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await portFree(h.port)).toBe(true);
  });

  it('RFC 8252 §8.3: a browser that cannot be opened is the typed error, the listener is closed, and the next sign-in opens the browser again', async () => {
    const h = await harness();
    h.visits.push('fail');
    expect(await rejection(h.auth.signIn())).toMatchObject({ code: 'login.unavailable' });
    expect(await portFree(h.port)).toBe(true);
    await h.auth.signIn();
    expect(h.opened).toHaveLength(2);
    expect(h.landings).toEqual([200]);
  });

  it('a second sign-in while one waits in the browser joins it (one page, one exchange); once done, the next sign-in opens a new page', async () => {
    const h = await harness();
    const { until: waited, open: release } = gate();
    h.visits.push(async (req) => void waited.then(() => h.land(req.url, { code: 'joined' })));
    const one = h.auth.signIn();
    await vi.waitFor(() => expect(h.opened).toHaveLength(1));
    const two = h.auth.signIn();
    release();
    const [a, b] = await Promise.all([one, two]);
    expect(a).toEqual(b);
    expect(h.opened).toHaveLength(1);
    expect(h.tokenRequests()).toHaveLength(1);
    expect(h.tokenRequests()[0]!.get('code')).toBe('joined');
    await h.auth.signIn();
    expect(h.opened).toHaveLength(2);
    expect(h.tokenRequests()).toHaveLength(2);
    expect(h.tokenRequests()[1]!.get('code')).toBe('code-2');
  });

  it('after sign-out the next browser sign-in asks for the form again (prompt=login)', async () => {
    const h = await harness();
    await h.auth.signIn();
    expect(new URL(h.opened[0]!.url).searchParams.get('prompt')).toBeNull();
    await h.auth.signOut();
    await h.auth.signIn();
    expect(new URL(h.opened[1]!.url).searchParams.get('prompt')).toBe('login');
  });
});

describe('Genesys Cloud auth: renewal with a system-browser profile (GC-09)', () => {
  it('GC-09: the hidden re-authorization runs in the LoginWindow (never the browser), on the login cookies', async () => {
    const h = await harness();
    await h.auth.signIn();
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    const renewed = await drive(h.clock, h.auth.accessToken({ renew: true }));
    expect(renewed).toBe(`at-${serial}`);
    expect(h.opened).toHaveLength(1);
    expect(h.windows).toHaveLength(1);
    expect(h.windows[0]).toMatchObject({ visible: 'never', timeoutMs: 20_000 });
    expect(h.tokenRequests().at(-1)!.get('code')).toBe('w-1');
  });

  it('GC-09: when the hidden window cannot renew, the agent is told a sign-in is needed and the visible sign-in opens the browser', async () => {
    const h = await harness({ windowFails: true });
    await h.auth.signIn();
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    await drive(h.clock, h.auth.accessToken({ renew: true }));
    await until(h.clock, () => h.events.some((e) => e.kind === 'renewed'));
    expect(h.windows.length).toBeGreaterThan(0);
    expect(h.opened).toHaveLength(2);
    const needed = h.events.find((e) => e.kind === 'sign-in-needed');
    expect(needed).toMatchObject({ kind: 'sign-in-needed', deadline: expect.any(Number) });
    expect(h.events.some((e) => e.kind === 'renewed')).toBe(true);
    expect(h.tokenRequests().at(-1)!.get('code')).toBe('code-2');
  });

  it('GC-09: the token lapsing while the visible sign-in is open is not final (signInPending); the sign-in goes on and renews', async () => {
    const h = await harness({ windowFails: true, deps: { keeper: { refreshFraction: 0.5 }, signInTimeoutMs: 900_000 } });
    h.token.push(tokenAnswer({ expires_in: 600, refresh_token: undefined }));
    await h.auth.signIn();
    const expiresAt = h.clock.now() + 600_000;
    const { until: waited, open: release } = gate();
    h.visits.push(async (req) => void waited.then(() => h.land(req.url, { code: 'late' })));
    // The keeper renews on its own schedule; the hidden window fails, the browser opens and waits.
    await h.clock.advance(h.auth.info!.refreshAt! - h.clock.now());
    await vi.waitFor(() => expect(h.opened).toHaveLength(2));
    await h.clock.advance(expiresAt - h.clock.now()); // the token lapses while the agent is still on the page
    await new Promise((resolve) => setImmediate(resolve));
    const pending = h.events.filter((e) => e.kind === 'renewal-failed' && e.signInPending === true);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ final: false });
    expect(h.events.some((e) => e.kind === 'renewal-failed' && e.final)).toBe(false);
    release();
    await vi.waitFor(() => expect(h.events.some((e) => e.kind === 'renewed')).toBe(true));
    expect(h.tokenRequests().at(-1)!.get('code')).toBe('late');
    expect(await h.auth.accessToken()).toBe(`at-${serial}`);
  });

  it('GC-09: a visible renewal sign-in that fails is final, announced once', async () => {
    const h = await harness({ windowFails: true });
    await h.auth.signIn();
    h.visits.push('fail');
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    await drive(h.clock, h.auth.accessToken({ renew: true }));
    await until(h.clock, () => h.events.some((e) => e.kind === 'renewal-failed' && e.final));
    await h.clock.advance(3600_000);
    const finals = h.events.filter((e) => e.kind === 'renewal-failed' && e.final);
    expect(finals).toHaveLength(1);
    expect((await rejection(h.auth.accessToken())).code).toBe('genesys-cloud.sign-in-needed');
  });

  it('GC-04: a keychain that refuses the refresh token is logged by code, never with the token, and the sign-in stands', async () => {
    const h = await harness({
      context: {
        secrets: { get: async () => undefined, set: async () => Promise.reject(new PatchbayError('secrets.unavailable', 'locked')), delete: async () => false, allows: () => true },
      },
    });
    const info = await h.auth.signIn();
    await new Promise((resolve) => setImmediate(resolve));
    expect(info.hasRefreshToken).toBe(true);
    const failed = h.sink.entries.filter((e) => e.event === 'genesys-cloud.keychain.write-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!['code']).toBe('secrets.unavailable');
    expect(JSON.stringify(h.sink.entries)).not.toMatch(/rt-\d/);
  });

  it('sign-out forgets the granted scopes: a later grant naming no scope lists none', async () => {
    const h = await harness();
    await h.auth.signIn();
    await h.auth.signOut();
    h.token.push({ status: 200, json: { access_token: 'at-plain', token_type: 'bearer', expires_in: 600 } });
    const info = await h.auth.signIn();
    expect(info).toMatchObject({ scopes: [], hasRefreshToken: false });
  });
});

const noRefresh = (expiresIn: number) => tokenAnswer({ expires_in: expiresIn, refresh_token: undefined });

describe('Genesys Cloud auth: lapse, give-up and the port\'s guards (GC-05, GC-09)', () => {
  it('GC-09: a token that lapses while no visible sign-in is open is final at once, never "pending"', async () => {
    const h = await harness({ windowFails: true });
    h.token.push(noRefresh(600));
    await h.auth.signIn();
    await h.clock.advance(600_001); // the planned renewal has not reached the agent yet
    const first = h.events.find((e) => e.kind === 'renewal-failed');
    expect(first).toMatchObject({ final: true, error: { code: 'auth.token-expired' } });
    expect(first).not.toHaveProperty('signInPending');
  });

  it('GC-09: after a visible renewal sign-in completed, a later lapse is final again (the sign-in is no longer open)', async () => {
    const h = await harness({ windowFails: true });
    h.token.push(noRefresh(600), noRefresh(600));
    await h.auth.signIn();
    await until(h.clock, () => h.events.some((e) => e.kind === 'renewed'));
    expect(h.opened).toHaveLength(2);
    const renewedAt = h.clock.now();
    h.visits.push('nowhere');
    await h.clock.advance(renewedAt + 600_001 - h.clock.now());
    const lapse = h.events.filter((e) => e.kind === 'renewal-failed' && e.error.code === 'auth.token-expired');
    expect(lapse[0]).toMatchObject({ final: true });
    expect(lapse[0]).not.toHaveProperty('signInPending');
  });

  it('GC-09: once renewal gave up, the still-valid token is handed out, and neither renew nor fresh starts anything', async () => {
    const h = await harness({ windowFails: true });
    await h.auth.signIn();
    const valid = await h.auth.accessToken();
    h.visits.push('fail');
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    await h.auth.accessToken({ renew: true });
    await until(h.clock, () => h.events.some((e) => e.kind === 'renewal-failed' && e.final), 10);
    const counts = () => [h.tokenRequests().length, h.windows.length, h.opened.length];
    const before = counts();
    expect(await h.auth.accessToken()).toBe(valid);
    expect(await h.auth.accessToken({ renew: true })).toBe(valid);
    const signedInAt = h.clock.now();
    await h.clock.advance(3600_000 - 30_000 - (h.clock.now() - signedInAt) - 1_000); // inside the 60 s start-up margin
    expect(await h.auth.accessToken({ fresh: true })).toBe(valid);
    expect(counts()).toEqual(before);
  });

  it('GC-05: only fresh renews inside the start-up margin; at exactly 60 s left nothing renews', async () => {
    const h = await harness({ deps: { keeper: { refreshFraction: 0.99, refreshLeadMs: 1 } } });
    await h.auth.signIn();
    const first = await h.auth.accessToken();
    await h.clock.advance(3600_000 - 60_000);
    expect(await h.auth.accessToken({ fresh: true })).toBe(first); // exactly the margin left: not less
    await h.clock.advance(10_000);
    expect(await h.auth.accessToken()).toBe(first); // a plain request does not renew
    expect(h.tokenRequests()).toHaveLength(1);
    expect(await h.auth.accessToken({ fresh: true })).not.toBe(first);
  });

  it('the keeper\'s expiry margin (expiryMarginMs) is passed on: a token inside it is renewed before use', async () => {
    const h = await harness({ deps: { keeper: { refreshFraction: 0.999, refreshLeadMs: 1, expiryMarginMs: 60_000 } } });
    await h.auth.signIn();
    const first = await h.auth.accessToken();
    await h.clock.advance(3600_000 - 59_000);
    expect(await h.auth.accessToken()).not.toBe(first);
  });

  it('GC-09: silentTimeoutMs moves the planned renewal: 300 s tokens renew at 120 s + the hidden window\'s time before expiry', async () => {
    const a = await harness({ deps: { silentTimeoutMs: 5_000 } });
    a.token.push(noRefresh(300));
    const startA = a.clock.now();
    expect((await a.auth.signIn()).refreshAt).toBe(startA + 175_000);
    const b = await harness();
    b.token.push(noRefresh(300));
    const startB = b.clock.now();
    expect((await b.auth.signIn()).refreshAt).toBe(startB + 160_000);
  });

  it('GC-02: a renewed grant\'s scopes replace the granted ones', async () => {
    const h = await harness();
    await h.auth.signIn();
    h.token.push(tokenAnswer({ scope: `${ALL_SCOPES} analytics` }));
    await h.auth.accessToken({ renew: true });
    expect(h.auth.info!.scopes).toContain('analytics');
  });

  it('GC-09: invalid_grant then a hidden renewal without a refresh token: the grant info says there is none', async () => {
    const h = await harness();
    await h.auth.signIn();
    expect(h.auth.info!.hasRefreshToken).toBe(true);
    h.token.push({ status: 400, json: { error: 'invalid_grant' } }, noRefresh(3600));
    await drive(h.clock, h.auth.accessToken({ renew: true }));
    expect(h.windows).toHaveLength(1);
    expect(h.auth.info!.hasRefreshToken).toBe(false);
  });

  it('after the token lapsed the grant info names no planned renewal, and sign-out revokes nothing (no token left)', async () => {
    const h = await harness({ method: 'login-window', windowFailsAfter: 1 });
    h.token.push(noRefresh(600));
    await h.auth.signIn();
    await h.clock.advance(600_001);
    await until(h.clock, () => h.events.some((e) => e.kind === 'renewal-failed' && e.final));
    expect(h.auth.info).toBeDefined();
    expect('refreshAt' in h.auth.info!).toBe(false);
    await h.auth.signOut();
    expect(h.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });

  it('a clock whose wall time stands still leaves the agent\'s time as it is (no division by zero)', async () => {
    const clock = Object.assign(new FakeClock(), { toWallTime: () => 0 });
    const h = await harness({ method: 'login-window', context: { clock } });
    await h.auth.signIn();
    expect(h.windows[0]!.timeoutMs).toBe(300_000);
  });

  it('a system browser given in the deps (not the context) is the one used', async () => {
    const h = await harness({ context: { externalBrowser: undefined } });
    const opened: string[] = [];
    const own = await harness({
      context: { externalBrowser: undefined },
      deps: { externalBrowser: { open: async (req) => void opened.push(req.url) } },
    });
    own.visits.length = 0;
    const pending = own.auth.signIn();
    pending.catch(() => undefined);
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    expect(own.windows).toHaveLength(0);
    await h.auth.signIn(); // no browser at all: the sign-in window
    expect(h.windows).toHaveLength(1);
  });

  it('GC-09: the hidden window never forces the login form, even when another port of the profile signed out', async () => {
    const h = await harness({ profileId: 'gc-shared-profile' });
    await h.auth.signIn();
    const other = await harness({ profileId: 'gc-shared-profile' });
    await other.auth.signIn();
    await other.auth.signOut();
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    await drive(h.clock, h.auth.accessToken({ renew: true }));
    expect(h.windows).toHaveLength(1);
    expect(new URL(h.windows[0]!.url).searchParams.get('prompt')).toBeNull();
  });

  it('the sign-in window gets the caller\'s abort signal (visible) and the keeper\'s (hidden)', async () => {
    const h = await harness({ method: 'login-window' });
    const abort = new AbortController();
    await h.auth.signIn({ signal: abort.signal });
    expect(h.windows[0]!.signal).toBe(abort.signal);
    h.token.push({ status: 400, json: { error: 'invalid_grant' } });
    await drive(h.clock, h.auth.accessToken({ renew: true }));
    expect(h.windows[1]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('429 on the exchange with Retry-After as an HTTP date waits until that date', async () => {
    const h = await harness({ method: 'login-window' });
    h.token.push({ status: 429, headers: { 'retry-after': new Date(h.clock.now() + 10_000).toUTCString() } });
    const pending = h.auth.signIn();
    await vi.waitFor(() => expect(h.tokenRequests()).toHaveLength(1));
    await h.clock.advance(9_999);
    expect(h.tokenRequests()).toHaveLength(1);
    await h.clock.advance(1);
    await pending;
    expect(h.tokenRequests()).toHaveLength(2);
  });
});
