// Genesys Cloud auth (GC-AUTH) against a real oidc-provider over real sockets: PKCE sign-in through
// the system browser + loopback redirect and through the LoginWindow, the exchange as a public
// client, scopes, renewal (refresh grant with rotation, silent re-authorization), resume, 429, and
// revocation. The agent's browser is an HTTP walker over the real login pages (oidc-fixture.ts).
// The keeper runs on a FakeClock so renewals happen when the test says; the network is real.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSchema, type Profile } from '../../../preload/contract.ts';
import type { ExternalBrowser } from '../../../main/core/auth/external-browser.ts';
import type { LoginWindow, LoginWindowRequest } from '../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import type { PlatformContext } from '../../../main/core/platforms/platform.ts';
import { createGenesysCloudAuth, type GenesysCloudAuthDeps } from '../../../main/core/platforms/genesys-cloud/auth.ts';
import type { GenesysCloudAuthEvent } from '../../../main/core/platforms/genesys-cloud/auth-port.ts';
import { MemorySecretStore, profileSecrets } from '../../../main/core/secrets/secret-store.ts';
import { browserAgent, FIXTURE_USER, startOidcFixture, type OidcFixture } from './oidc-fixture.ts';

let fixture: OidcFixture;
let clock: FakeClock;
let store: MemorySecretStore;
let logs: ReturnType<typeof memorySink>;
const cleanups: (() => unknown)[] = [];

async function setUp(options: Parameters<typeof startOidcFixture>[0] = {}): Promise<void> {
  fixture = await startOidcFixture(options);
  cleanups.push(() => fixture.close());
}

beforeEach(() => {
  clock = new FakeClock(Date.now());
  store = new MemorySecretStore();
  logs = memorySink();
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function profile(method: 'system-browser' | 'login-window' = 'system-browser', redirectUri = fixture.redirectUri): Profile {
  return ProfileSchema.parse({
    id: 'gc-test',
    name: 'Genesys Cloud test',
    platform: 'genesys-cloud',
    servers: [fixture.loginBase],
    authMode: 'sso',
    options: { genesysCloud: { loginBase: fixture.loginBase, clientId: fixture.clientId, redirectUri, loginMethod: method } },
  });
}

/** The system browser: the agent walks the login pages, then the browser lands on the loopback. */
function systemBrowser(agent = browserAgent(fixture), land = (url: string) => fetch(url).then((r) => r.text())): ExternalBrowser & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    open: async ({ url }) => {
      opened.push(url);
      void agent.walk(url, { interactive: true }).then(land, () => undefined);
    },
  };
}

/** The LoginWindow: the same agent; hidden ('never') it cannot fill the form and times out. */
function loginWindow(agent = browserAgent(fixture), rewrite = (url: string) => url): LoginWindow & { runs: LoginWindowRequest[] } {
  const runs: LoginWindowRequest[] = [];
  return {
    runs,
    run: async (request) => {
      runs.push(request);
      try {
        const url = rewrite(await agent.walk(request.url, { interactive: request.visible !== 'never' }));
        return { completion: request.until[0]!, url, status: 303, headers: {} };
      } catch (error) {
        if ((error as { needsAgent?: boolean }).needsAgent) throw new PatchbayError('login.timeout', 'The sign-in did not finish.', { action: 'sign-in-again' });
        throw error;
      }
    },
  };
}

function context(p: Profile, extra: Partial<PlatformContext> = {}): PlatformContext {
  const log = createLogger({ sink: logs, level: 'debug', clock });
  return {
    profile: p,
    clock,
    log,
    secrets: profileSecrets(store, p.id),
    createHttpSession: () => new HttpSession({ profileId: p.id, log, clock }),
    ...extra,
  };
}

function auth(p: Profile, extra: Partial<PlatformContext> = {}, deps: GenesysCloudAuthDeps = {}) {
  const a = createGenesysCloudAuth(context(p, extra), deps);
  const seen: GenesysCloudAuthEvent[] = [];
  a.onEvent((e) => seen.push(e));
  cleanups.push(() => a.dispose());
  return Object.assign(a, { seen });
}

describe('Genesys Cloud sign-in (PKCE, loopback redirect)', () => {
  it('GC-03 GC-01: authorization code + PKCE S256 with state and the exact redirect_uri; the exchange carries the verifier and no secret', async () => {
    await setUp();
    const browser = systemBrowser();
    const a = auth(profile(), { externalBrowser: browser });
    const info = await a.signIn();
    expect(info.scopes).toEqual(expect.arrayContaining(['presence', 'routing', 'notifications', 'users:readonly', 'conversations']));

    const authorize = new URL(browser.opened[0]!);
    expect(authorize.origin + authorize.pathname).toBe(`${fixture.loginBase}/oauth/authorize`);
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('redirect_uri')).toBe(fixture.redirectUri);
    expect(q.get('client_id')).toBe(fixture.clientId);
    expect(q.has('scope')).toBe(false); // Genesys: scopes are set on the OAuth client
    expect([...q.keys()].some((k) => /secret/i.test(k))).toBe(false);

    const token = fixture.requests.filter((r) => r.path === '/oauth/token');
    expect(token).toHaveLength(1);
    const form = new URLSearchParams(token[0]!.body);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(fixture.redirectUri);
    expect(form.get('client_id')).toBe(fixture.clientId);
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    // GC-01: a public client — no client_secret, no Basic authentication.
    expect(form.has('client_secret')).toBe(false);
    expect(token[0]!.authorization).toBeUndefined();
    const accessToken = await a.accessToken();
    expect(await fixture.tokenValid(accessToken)).toBe(true);
  });

  it('GC-03: a callback whose state is not ours is refused (LoginWindow path, where no listener filters it)', async () => {
    await setUp();
    const forged = loginWindow(browserAgent(fixture), (url) => url.replace(/state=[^&]+/, 'state=forged-state-value'));
    const a = auth(profile('login-window'), { loginWindow: forged });
    await expect(a.signIn()).rejects.toMatchObject({ code: 'genesys-cloud.authorize.state-mismatch', action: 'sign-in-again' });
    expect(fixture.requests.some((r) => r.path === '/oauth/token')).toBe(false);
  });

  it('GC-03: a callback at another address than the registered redirect URI is a redirect mismatch', async () => {
    await setUp();
    const elsewhere = loginWindow(browserAgent(fixture), (url) => url.replace('/oauth/callback', '/other'));
    const a = auth(profile('login-window'), { loginWindow: elsewhere });
    await expect(a.signIn()).rejects.toMatchObject({ code: 'genesys-cloud.redirect.mismatch', action: 'contact-it' });
  });

  it('an error= on the callback is a typed error (access_denied: sign in again)', async () => {
    await setUp();
    fixture.denyNextAuthorize('access_denied');
    const a = auth(profile(), { externalBrowser: systemBrowser() });
    await expect(a.signIn()).rejects.toMatchObject({ code: 'genesys-cloud.authorize.denied', action: 'sign-in-again' });
  });

  it('a sign-in the agent abandons is cancelled by the signal, and the loopback port is free again', async () => {
    await setUp();
    const nowhere: ExternalBrowser = { open: async () => undefined };
    const a = auth(profile(), { externalBrowser: nowhere });
    const abort = new AbortController();
    const pending = a.signIn({ signal: abort.signal });
    await new Promise((r) => setTimeout(r, 50));
    abort.abort();
    await expect(pending).rejects.toMatchObject({ code: 'login.cancelled', action: 'sign-in-again' });
    // The listener closed: the port can be bound again (a second sign-in works).
    const b = auth(profile(), { externalBrowser: systemBrowser() });
    await expect(b.signIn()).resolves.toMatchObject({ hasRefreshToken: false });
  });

  it('a second sign-in while one waits in the browser joins it instead of fighting over the registered port', async () => {
    await setUp();
    const browser = systemBrowser();
    const a = auth(profile(), { externalBrowser: browser });
    const [one, two] = await Promise.all([a.signIn(), a.signIn()]);
    expect(one.scopes).toEqual(two.scopes);
    expect(browser.opened).toHaveLength(1);
    expect(fixture.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
  });

  it('429 on the code exchange: the sign-in waits out a short Retry-After and exchanges the code then; a long one is a typed error', async () => {
    await setUp();
    fixture.rateLimitToken(1, 5);
    const a = auth(profile(), { externalBrowser: systemBrowser() });
    const pending = a.signIn();
    await waitFor(() => fixture.requests.some((r) => r.path === '/oauth/token'));
    await waitFor(() => logs.entries.some((e) => e.event === 'genesys-cloud.exchange.rate-limited'));
    await clock.advance(4_999);
    expect(fixture.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
    await clock.advance(1);
    await expect(pending).resolves.toMatchObject({ scopes: expect.arrayContaining(['presence']) });
    expect(fixture.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(2);

    fixture.rateLimitToken(1, 600);
    const b = auth(profile(), { externalBrowser: systemBrowser() });
    await expect(b.signIn()).rejects.toMatchObject({ code: 'genesys-cloud.rate-limited', action: 'retry', details: { retryAfterMs: 600_000 } });
  });

  it('GC-02: missing scopes are named in a typed error right after the exchange, and no token is kept', async () => {
    await setUp();
    fixture.setScopes(['users:readonly', 'presence', 'conversations:readonly']);
    const a = auth(profile(), { externalBrowser: systemBrowser() });
    const error = await a.signIn().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error).toMatchObject({ code: 'genesys-cloud.scopes.missing', action: 'contact-it' });
    expect((error as Error).message).toContain('routing');
    expect((error as Error).message).toContain('notifications');
    expect((error as Error).message).not.toContain('presence,');
    expect(a.info).toBeUndefined();
    await expect(a.accessToken()).rejects.toMatchObject({ code: 'genesys-cloud.signed-out' });
  });

  it('GC-04: the access token stays in memory: not in grant info, events, logs, the keychain or any URL', async () => {
    await setUp({ refreshTokens: true });
    const a = auth(profile(), { externalBrowser: systemBrowser() });
    await a.signIn();
    const token = await a.accessToken();
    const refreshToken = await store.get('gc-test', 'refresh-token');
    expect(refreshToken).toBeTruthy(); // the keychain holds the refresh token…
    expect(store.size).toBe(1); // …and nothing else
    expect(refreshToken).not.toBe(token);
    const everything = JSON.stringify({ info: a.info, events: a.seen, logs: logs.entries });
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(refreshToken);
    for (const r of fixture.requests) {
      expect(r.query).not.toContain(token);
      expect(r.query).not.toContain(refreshToken!);
      expect(r.query).not.toMatch(/access_token|refresh_token/);
    }
  });
});

describe('Genesys Cloud renewal', () => {
  it('GC-09: the refresh grant renews with rotation; the keychain follows; a reused refresh token ends that grant cleanly', async () => {
    await setUp({ refreshTokens: true, tokenLifetimeSec: 600 });
    const window = loginWindow();
    const a = auth(profile('login-window'), { loginWindow: window });
    const info = await a.signIn();
    expect(info.hasRefreshToken).toBe(true);
    // GC-09: expires_in read (600 s), renewal at 75 % of it.
    expect(info.expiresAt! - clock.now()).toBeLessThanOrEqual(600_000);
    expect(info.expiresAt! - clock.now()).toBeGreaterThan(590_000);
    expect(info.refreshAt! - clock.now()).toBeLessThanOrEqual(450_000);
    const first = await store.get('gc-test', 'refresh-token');
    const token1 = await a.accessToken();

    await clock.advance(451_000);
    await waitFor(() => a.seen.some((e) => e.kind === 'renewed'));
    const second = await store.get('gc-test', 'refresh-token');
    expect(second).toBeTruthy();
    expect(second).not.toBe(first); // rotation honoured
    const token2 = await a.accessToken();
    expect(token2).not.toBe(token1);
    expect(fixture.requests.filter((r) => r.path === '/oauth/token').map((r) => new URLSearchParams(r.body).get('grant_type'))).toEqual(['authorization_code', 'refresh_token']);

    // Someone replays the old refresh token: oidc-provider detects the reuse and revokes the grant.
    const replay = await fetch(`${fixture.loginBase}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first!, client_id: fixture.clientId }) });
    expect(replay.status).toBe(400);

    // The API now answers 401 (the grant is gone): invalid_grant on the refresh → the refresh token
    // is forgotten and deleted, then a silent re-authorization on the login session (hidden window).
    expect(await fixture.tokenValid(token2)).toBe(false);
    await a.invalidate('401 from the API');
    // The dead refresh token is gone from the keychain; the silent re-authorization's new grant
    // brought its own (this client may have them).
    const third = await store.get('gc-test', 'refresh-token');
    expect(third).toBeTruthy();
    expect([first, second]).not.toContain(third);
    expect(window.runs.at(-1)!.visible).toBe('never');
    expect(window.runs.at(-1)!.until).toEqual([{ redirectTo: fixture.redirectUri }]);
    const token3 = await a.accessToken();
    expect(await fixture.tokenValid(token3)).toBe(true);
    // The dead refresh token was presented once, never again.
    const refreshes = fixture.requests.filter((r) => r.path === '/oauth/token' && new URLSearchParams(r.body).get('grant_type') === 'refresh_token');
    expect(refreshes.filter((r) => new URLSearchParams(r.body).get('refresh_token') === second)).toHaveLength(1);
  }, 30_000);

  it('GC-05: accessToken({fresh:true}) renews a token that would expire during start-up, and not one that would not', async () => {
    await setUp({ tokenLifetimeSec: 300 });
    const window = loginWindow();
    const a = auth(profile('login-window'), { loginWindow: window }, { startupMarginMs: 60_000 });
    await a.signIn();
    const t1 = await a.accessToken({ fresh: true });
    expect(window.runs).toHaveLength(1); // 300 s left: no renewal
    await clock.advance(200_000); // 100 s left, before the 75 % renewal (225 s)
    expect(await a.accessToken({ fresh: false })).toBe(t1);
    await clock.advance(41_000); // 59 s left: inside the start-up margin
    const t2 = await a.accessToken({ fresh: true });
    expect(t2).not.toBe(t1);
    expect(window.runs).toHaveLength(2);
    expect(window.runs[1]!.visible).toBe('never'); // silent, on the login cookies
    expect(store.size).toBe(0); // a public client without refresh tokens: nothing in the keychain
  });

  it('GC-09: no refresh token and no login session: announced ahead, one visible sign-in, then renewal-failed final and no loop', async () => {
    await setUp({ tokenLifetimeSec: 300 });
    const agent = browserAgent(fixture);
    const inner = loginWindow(agent);
    let agentAway = false;
    const runs: LoginWindowRequest[] = [];
    const window: LoginWindow = {
      run: async (request) => {
        runs.push(request);
        if (agentAway && request.visible !== 'never') throw new PatchbayError('login.cancelled', 'closed', { action: 'sign-in-again' });
        return inner.run(request);
      },
    };
    const a = auth(profile('login-window'), { loginWindow: window });
    await a.signIn();
    agent.forgetCookies(); // the login session is gone (e.g. the org's IdP session ended)
    agentAway = true;
    await clock.advance(225_000); // 75 % of 300 s
    await waitFor(() => a.seen.some((e) => e.kind === 'renewal-failed' && e.final));
    const kinds = a.seen.map((e) => (e.kind === 'renewal-failed' ? `failed${e.final ? '-final' : ''}:${e.error.code}` : e.kind));
    expect(kinds).toEqual(['failed:login.timeout', 'sign-in-needed', 'failed-final:login.cancelled']);
    const deadline = (a.seen.find((e) => e.kind === 'sign-in-needed') as { deadline: number }).deadline;
    expect(deadline - clock.now()).toBeGreaterThan(60_000); // told ahead of the expiry
    expect(runs.map((r) => r.visible)).toEqual(['when-needed', 'never', 'when-needed']);
    // Nothing retries behind the agent's back: requests inside the margin and a whole day later.
    await clock.advance(74_000);
    await expect(a.accessToken({ fresh: true })).rejects.toMatchObject({ code: 'genesys-cloud.sign-in-needed', action: 'sign-in-again' });
    await clock.advance(24 * 3600_000);
    await expect(a.accessToken()).rejects.toMatchObject({ action: 'sign-in-again' });
    expect(runs).toHaveLength(3);
    expect(a.seen.filter((e) => e.kind === 'renewal-failed' && e.final)).toHaveLength(1);
  });

  it('GC-09: the token lapsing while the agent is still in the visible renewal sign-in does not abort it; its completion renews', async () => {
    await setUp({ tokenLifetimeSec: 300 });
    const agent = browserAgent(fixture);
    const inner = loginWindow(agent);
    let release: () => void = () => undefined;
    const agentDone = new Promise<void>((resolve) => (release = resolve));
    let aborted = false;
    const window: LoginWindow = {
      run: async (request) => {
        if (request.visible === 'never') throw new PatchbayError('login.timeout', 'hidden', { action: 'sign-in-again' });
        if (request.signal) request.signal.addEventListener('abort', () => (aborted = true));
        if (a.info) await agentDone; // the renewal's window: the agent is slow
        request.signal?.throwIfAborted();
        return inner.run(request);
      },
    };
    const a = auth(profile('login-window'), { loginWindow: window });
    await a.signIn();
    await clock.advance(200_000);
    await waitFor(() => a.seen.some((e) => e.kind === 'sign-in-needed'));
    await clock.advance(100_000); // past expiry while the window is still open
    await waitFor(() => a.seen.some((e) => e.kind === 'renewal-failed' && e.signInPending === true));
    expect(a.seen.some((e) => e.kind === 'renewal-failed' && e.final)).toBe(false);
    release();
    await waitFor(() => a.seen.some((e) => e.kind === 'renewed'));
    expect(aborted).toBe(false);
    await expect(a.accessToken()).resolves.toEqual(expect.any(String));
  });

  it('GC-09: 429 on the token endpoint waits for Retry-After before the next attempt', async () => {
    await setUp({ refreshTokens: true, tokenLifetimeSec: 3600 });
    const a = auth(profile('login-window'), { loginWindow: loginWindow() }, { startupMarginMs: 4_000_000 });
    await a.signIn();
    fixture.rateLimitToken(1, 30);
    const at = clock.now();
    const pending = a.accessToken({ fresh: true }); // forces a renewal (the margin exceeds the lifetime)
    await waitFor(() => a.seen.some((e) => e.kind === "renewal-failed"));
    const failed = a.seen.find((e) => e.kind === 'renewal-failed');
    expect(failed).toMatchObject({ kind: 'renewal-failed', final: false, error: { code: 'genesys-cloud.rate-limited', action: 'retry' } });
    // Backoff alone would retry after 2 s; the server asked for 30 s.
    expect((failed as { nextAttemptAt: number }).nextAttemptAt - at).toBeGreaterThanOrEqual(30_000);
    await clock.advance(29_000);
    expect(a.seen.some((e) => e.kind === 'renewed')).toBe(false);
    await clock.advance(1_000);
    await pending;
    await waitFor(() => a.seen.some((e) => e.kind === 'renewed'));
  }, 20_000);

  it('resume: a saved refresh token signs in silently; a refused one is deleted and resume says false', async () => {
    await setUp({ refreshTokens: true });
    const first = auth(profile(), { externalBrowser: systemBrowser() });
    await first.signIn();
    first.dispose();
    const again = auth(profile(), { externalBrowser: systemBrowser() });
    expect(await again.resume()).toBe(true);
    expect(await fixture.tokenValid(await again.accessToken())).toBe(true);
    again.dispose();
    await store.set('gc-test', 'refresh-token', 'not-a-valid-refresh-token');
    const third = auth(profile(), { externalBrowser: systemBrowser() });
    expect(await third.resume()).toBe(false);
    expect(await store.get('gc-test', 'refresh-token')).toBeUndefined();
  });

  it('sign-out revokes the token (DELETE /api/v2/tokens/me) and clears the keychain entries', async () => {
    await setUp({ refreshTokens: true });
    const a = auth(profile(), { externalBrowser: systemBrowser() });
    await a.signIn();
    const token = await a.accessToken();
    await a.signOut();
    const revoke = fixture.requests.find((r) => r.method === 'DELETE' && r.path === '/api/v2/tokens/me');
    expect(revoke?.authorization).toBe(`Bearer ${token}`);
    expect(await fixture.tokenValid(token)).toBe(false);
    expect(store.size).toBe(0);
    await expect(a.accessToken()).rejects.toMatchObject({ code: 'genesys-cloud.signed-out' });
  });
});

describe('Genesys Cloud sign-out on a shared workstation', () => {
  it('after sign-out the next sign-in asks for credentials although the browser keeps its login session (prompt=login)', async () => {
    await setUp();
    const browser = systemBrowser(); // one agent browser, its cookies kept throughout
    const a = auth(profile(), { externalBrowser: browser });
    await a.signIn();
    await a.signOut();
    const forms = () => fixture.requests.filter((r) => r.path.startsWith('/login/') && r.method === 'POST').length;
    const before = forms();
    const b = auth(profile(), { externalBrowser: browser });
    await b.signIn();
    expect(new URL(browser.opened[1]!).searchParams.get('prompt')).toBe('login');
    expect(forms()).toBe(before + 1); // the form was filled again
    // Once signed in, later sign-ins ride on the session again.
    b.dispose();
    const c = auth(profile(), { externalBrowser: browser });
    await c.signIn();
    expect(new URL(browser.opened[2]!).searchParams.has('prompt')).toBe(false);
    expect(forms()).toBe(before + 1);
  });
});

describe('round trips per sign-in (printed for the lead)', () => {
  it('counts HTTP round trips for a fresh sign-in and one on an existing login session', async () => {
    await setUp();
    const agent = browserAgent(fixture);
    let landed = 0;
    const browser = systemBrowser(agent, async (url) => {
      landed += 1;
      return fetch(url).then((r) => r.text());
    });
    const a = auth(profile(), { externalBrowser: browser });
    await a.signIn();
    const fresh = { browser: agent.requests, loopback: landed, token: 1 };
    const before = agent.requests;
    a.dispose();
    const b = auth(profile(), { externalBrowser: browser });
    await b.signIn();
    const session = { browser: agent.requests - before, loopback: landed - 1, token: 1 };
    const total = (x: typeof fresh) => x.browser + x.loopback + x.token;
    console.log(`[GC-AUTH figures] sign-in round trips: fresh ${total(fresh)} (${JSON.stringify(fresh)}), with a login session ${total(session)} (${JSON.stringify(session)})`);
    expect(total(session)).toBeLessThan(total(fresh));
    expect(session.browser).toBe(1); // authorize → straight back to the redirect URI
    void FIXTURE_USER;
  });
});

async function waitFor(predicate: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
