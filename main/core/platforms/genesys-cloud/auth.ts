// The Genesys Cloud auth port (auth-port.ts): PKCE sign-in in the system browser (RFC 8252 §8.12,
// loopback redirect on the registered port) or the LoginWindow, the code exchange as a public
// client (GC-01, GC-03), the scope check (GC-02), renewal through TokenKeeper (GC-05, GC-09),
// silent resume from the keychain, revocation on sign-out. GC-04: the access token lives in the
// keeper's memory only and is handed out per request; a refresh token goes to the keychain only.
import type { LoginWindow } from '../../auth/login-window.ts';
import type { ExternalBrowser } from '../../auth/external-browser.ts';
import { listenForRedirect } from '../../auth/loopback-redirect.ts';
import { TokenKeeper } from '../../auth/token-keeper.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { HttpSession } from '../../net/http-session.ts';
import { Listeners, type PlatformContext } from '../platform.ts';
import type { GenesysCloudAuth, GenesysCloudAuthEvent, GenesysCloudGrantInfo } from './auth-port.ts';
import { buildAuthorizeRequest, exchangeCode, readCallback, refreshGrant, resolveEndpoints, sessionFetch, type GenesysCloudEndpoints, type TokenResult } from './oauth.ts';
import { genesysCloudStrategies, keeperSettings, toTokenGrant, type KeeperSettings } from './renewal.ts';
import { checkGrantedScopes, parseScopes } from './scopes.ts';

export interface GenesysCloudAuthDeps {
  /** Default: context.createHttpSession() (IT's trust store and proxy). Its jar seeds the LoginWindow. */
  http?: HttpSession;
  /** Default: context.externalBrowser / context.loginWindow. */
  externalBrowser?: ExternalBrowser;
  loginWindow?: LoginWindow;
  /** GC-05: `accessToken({fresh:true})` renews a token that would not outlive this (default 60 s). */
  startupMarginMs?: number;
  /** How long the agent has to finish a visible sign-in (default 5 min). */
  signInTimeoutMs?: number;
  /** A hidden re-authorization that has not come back by then needs the agent (default 20 s). */
  silentTimeoutMs?: number;
  /** TokenKeeper tuning (tests, bench). */
  keeper?: Partial<KeeperSettings> & { expiryMarginMs?: number };
}

const DEFAULTS = { startupMarginMs: 60_000, signInTimeoutMs: 5 * 60_000, silentTimeoutMs: 20_000 };
/** The longest Retry-After a sign-in waits out before the exchange is tried again (codes live ~minutes). */
const MAX_EXCHANGE_WAIT_MS = 30_000;

/** Profiles signed out in this process: the agent's own browser still holds the Genesys login
 *  session, so the next interactive sign-in asks for credentials again (`prompt=login`) — the next
 *  person at a shared workstation is not signed in as the previous one (DESIGN.md trust boundaries). */
const signedOut = new Set<string>();

export function createGenesysCloudAuth(context: PlatformContext, deps: GenesysCloudAuthDeps = {}): GenesysCloudAuth {
  return new GenesysCloudAuthImpl(context, deps);
}

class GenesysCloudAuthImpl implements GenesysCloudAuth {
  private readonly context: PlatformContext;
  private readonly deps: GenesysCloudAuthDeps;
  private readonly log;
  private readonly events = new Listeners<GenesysCloudAuthEvent>();
  private readonly keeper: TokenKeeper;
  private httpSession: HttpSession | undefined;
  private endpoints: GenesysCloudEndpoints | undefined;
  private scopes: string[] = [];
  private hasRefreshToken = false;
  private active = false;
  /** After the last renewal attempt failed (GC-09): no strategy runs again until a new sign-in. */
  private ended = false;
  /** A token the server refused (401, token_revoked): never handed out again. */
  private refused: string | undefined;
  /** The refresh a 401 started (invalidate), while it runs: requests wait for it (GC-09). */
  private renewing: Promise<void> | undefined;
  /** The system-browser sign-in in progress: a second one (a double click, or the visible renewal
   *  meeting the agent's own sign-in) joins it instead of fighting over the registered port. */
  private browserFlight: Promise<TokenResult> | undefined;
  /** The keeper's visible sign-in (GC-09 step 3) is running. */
  private interactiveRunning = false;

  constructor(context: PlatformContext, deps: GenesysCloudAuthDeps) {
    this.context = context;
    this.deps = deps;
    this.log = context.log.child({ component: 'genesys-cloud-auth' });
    // GC-09: short tokens renew early enough that a failed hidden window still leaves ~2 min to sign in.
    const settings = keeperSettings(deps.keeper, deps.silentTimeoutMs ?? DEFAULTS.silentTimeoutMs);
    this.keeper = new TokenKeeper({
      clock: context.clock,
      log: this.log,
      ...settings,
      ...(deps.keeper?.expiryMarginMs !== undefined ? { expiryMarginMs: deps.keeper.expiryMarginMs } : {}),
      strategies: genesysCloudStrategies({
        refresh: (token, signal) => refreshGrant(this.ep(), sessionFetch(this.http()), token, () => this.context.clock.now(), signal),
        refreshTokenRejected: () => this.refreshTokenRejected(),
        silent: (signal) => this.silentAuthorize(signal),
        interactive: (signal) => this.interactiveRenewal(signal),
        accept: (result) => this.acceptScopes(result),
        log: this.log,
      }),
      onRefreshToken: (token) => {
        this.hasRefreshToken = true;
        // GC-04 / CARD-02: the refresh token is kept in the keychain and nowhere else.
        void this.context.secrets?.set('refresh-token', token).catch((error: unknown) => this.log.warn('genesys-cloud.keychain.write-failed', { code: toPatchbayError(error).code }));
      },
      onRefreshed: (info) => {
        this.ended = false;
        this.refused = undefined;
        this.log.info('genesys-cloud.renewed', { strategy: info.strategy, mode: info.mode, interactive: info.interactive });
        this.events.emit({ kind: 'renewed', info: this.grantInfo() });
      },
      onAttemptFailed: (info) => {
        this.events.emit({ kind: 'renewal-failed', error: info.error, final: false, ...(info.retryAt !== undefined ? { nextAttemptAt: info.retryAt } : {}) });
      },
      onSignInNeeded: (info) => this.events.emit({ kind: 'sign-in-needed', deadline: info.deadline }),
      onExpired: (error) => this.expired(error),
    });
  }

  // ------------------------------------------------------------------ the port
  get info(): GenesysCloudGrantInfo | undefined {
    return this.active ? this.grantInfo() : undefined;
  }

  onEvent(listener: (event: GenesysCloudAuthEvent) => void): () => void {
    return this.events.add(listener);
  }

  async signIn(options: { signal?: AbortSignal } = {}): Promise<GenesysCloudGrantInfo> {
    const startedAt = this.context.clock.now();
    const result = await this.authorizeAndExchange({ visible: 'when-needed', timeoutMs: this.agentTimeout(this.deps.signInTimeoutMs ?? DEFAULTS.signInTimeoutMs), ...(options.signal ? { signal: options.signal } : {}) });
    this.install(result, startedAt);
    return this.grantInfo();
  }

  async resume(): Promise<boolean> {
    const saved = await this.context.secrets?.get('refresh-token');
    if (!saved) return false;
    const startedAt = this.context.clock.now();
    let result: TokenResult;
    try {
      result = await refreshGrant(this.ep(), sessionFetch(this.http()), saved, () => this.context.clock.now());
    } catch (error) {
      const typed = toPatchbayError(error);
      if (typed.code !== 'genesys-cloud.grant.invalid') throw typed;
      await this.context.secrets?.delete('refresh-token');
      this.log.info('genesys-cloud.resume.refused', { code: typed.code });
      return false;
    }
    // The refresh response may omit an unrotated token: the saved one stays in force.
    this.install({ ...result, refreshToken: result.refreshToken ?? saved }, startedAt);
    return true;
  }

  async accessToken(options: { fresh?: boolean; renew?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    if (!this.active) throw notSignedIn();
    // GC-09: while a 401's renewal runs, a request waits for its outcome instead of failing on the refused token.
    if (this.renewing) await this.renewing;
    const current = this.keeper.peek();
    if (this.ended || (current !== undefined && current === this.refused)) {
      // GC-09: once renewal gave up, nothing retries behind the agent's back.
      if (current !== undefined && current !== this.refused) return current;
      throw signInNeeded();
    }
    if (options.renew) {
      // seed 004: the embedded component's token-expiring runs the refresh sequence now.
      await this.keeper.refreshNow().catch((error: unknown) => this.log.info('genesys-cloud.token.renew-failed', { code: toPatchbayError(error).code }));
    } else if (options.fresh) {
      // GC-05 (seed 004 step 3): renew right before a session starts, so the token cannot expire
      // during start-up.
      const { expiresAt } = this.keeper.times();
      if (expiresAt !== undefined && expiresAt - this.context.clock.now() < (this.deps.startupMarginMs ?? DEFAULTS.startupMarginMs)) await this.keeper.refreshNow();
    }
    options.signal?.throwIfAborted();
    const token = await this.keeper.accessToken();
    if (token === this.refused) throw signInNeeded();
    return token;
  }

  async invalidate(reason: string): Promise<void> {
    if (!this.active) throw notSignedIn();
    const before = this.keeper.peek();
    if (before !== undefined) this.refused = before;
    this.log.info('genesys-cloud.token.refused', { reason });
    if (!this.ended) {
      const renewal = this.keeper.refreshNow();
      const settled = renewal.then(
        () => undefined,
        () => undefined,
      );
      this.renewing = settled;
      try {
        await renewal;
      } finally {
        if (this.renewing === settled) this.renewing = undefined;
      }
    }
    const after = this.keeper.peek();
    if (after === undefined || after === this.refused) {
      const error = new PatchbayError('genesys-cloud.token.revoked', 'Genesys Cloud no longer accepts your sign-in. Sign in again.', { action: 'sign-in-again', details: { reason } });
      this.giveUp(error);
      throw error;
    }
  }

  async signOut(): Promise<void> {
    signedOut.add(this.context.profile.id);
    const token = this.active ? this.keeper.peek() : undefined;
    this.keeper.stop();
    this.active = false;
    if (token && this.endpoints) {
      try {
        // Revocation (protocols/genesys-cloud.md §1): DELETE /api/v2/tokens/me.
        const res = await this.http().request({ method: 'DELETE', url: `${this.endpoints.apiBase}/api/v2/tokens/me`, headers: { Authorization: `Bearer ${token}` }, followRedirects: false, timeoutMs: 10_000 });
        this.log.info('genesys-cloud.revoked', { status: res.status });
      } catch (error) {
        this.log.warn('genesys-cloud.revoke-failed', { code: toPatchbayError(error).code });
      }
    }
    await this.context.secrets?.delete('refresh-token').catch(() => false);
    // The LoginWindow's Genesys/IdP cookies live in this jar: the next person starts clean.
    await this.httpSession?.clearCookies().catch(() => undefined);
    this.hasRefreshToken = false;
    this.scopes = [];
  }

  dispose(): void {
    this.keeper.stop();
    this.active = false;
  }

  // ------------------------------------------------------------------ internals
  private ep(): GenesysCloudEndpoints {
    this.endpoints ??= resolveEndpoints(this.context.profile);
    return this.endpoints;
  }

  private http(): HttpSession {
    this.httpSession ??= this.deps.http ?? this.context.createHttpSession?.();
    if (!this.httpSession) throw new PatchbayError('genesys-cloud.internal', 'Patchbay has no network session for Genesys Cloud.', { action: 'contact-it' });
    return this.httpSession;
  }

  private grantInfo(): GenesysCloudGrantInfo {
    const times = this.keeper.times();
    return {
      ...(times.expiresAt !== undefined ? { expiresAt: times.expiresAt } : {}),
      ...(times.refreshAt !== undefined ? { refreshAt: times.refreshAt } : {}),
      scopes: [...this.scopes],
      hasRefreshToken: this.hasRefreshToken,
    };
  }

  /** GC-02 on every new grant; a refresh that names no scope keeps the granted ones (RFC 6749 §5.1). */
  private acceptScopes(result: TokenResult): void {
    if (result.scope === undefined) {
      if (this.scopes.length === 0) this.log.warn('genesys-cloud.scopes.unreported', {});
      return;
    }
    this.scopes = checkGrantedScopes(result.scope);
  }

  private install(result: TokenResult, startedAt: number): void {
    this.acceptScopes(result);
    signedOut.delete(this.context.profile.id);
    this.ended = false;
    this.refused = undefined;
    this.hasRefreshToken = result.refreshToken !== undefined;
    this.active = true;
    this.keeper.start(toTokenGrant(result, this.log), startedAt);
    this.log.info('genesys-cloud.signed-in', { scopes: parseScopes(result.scope).length, refresh: this.hasRefreshToken, expiresInSec: result.expiresInSec });
  }

  private refreshTokenRejected(): void {
    this.hasRefreshToken = false;
    this.keeper.forgetRefreshToken();
    void this.context.secrets?.delete('refresh-token').catch(() => false);
  }

  private giveUp(error: PatchbayError): void {
    if (this.ended) return;
    this.ended = true;
    this.log.warn('genesys-cloud.renewal-failed', { code: error.code });
    this.events.emit({ kind: 'renewal-failed', error, final: true });
  }

  /** GC-09: expiry during the visible sign-in is not the end: that sign-in goes on (aborting it would
   *  lose the agent's typing); the session marks the state stale and waits for its outcome. */
  private expired(error: PatchbayError): void {
    if (!this.interactiveRunning) return this.giveUp(error);
    this.log.info('genesys-cloud.expired-during-sign-in', {});
    this.events.emit({ kind: 'renewal-failed', error, final: false, signInPending: true });
  }

  private windowOrThrow(): LoginWindow {
    const window = this.deps.loginWindow ?? this.context.loginWindow;
    if (!window) throw new PatchbayError('login.unavailable', 'No sign-in window can be opened here (this Patchbay has no browser).', { action: 'contact-it' });
    return window;
  }

  /** GC-09 step 2: the authorize request in a hidden LoginWindow on the existing login cookies. */
  private silentAuthorize(signal: AbortSignal): Promise<TokenResult> {
    this.windowOrThrow();
    return this.authorizeAndExchange({ visible: 'never', timeoutMs: this.deps.silentTimeoutMs ?? DEFAULTS.silentTimeoutMs, signal, method: 'login-window' });
  }

  /** GC-09 step 3: the agent signs in again; failing here is final (no loop). */
  private async interactiveRenewal(signal: AbortSignal): Promise<TokenResult> {
    this.interactiveRunning = true;
    try {
      const result = await this.authorizeAndExchange({ visible: 'when-needed', timeoutMs: this.agentTimeout(this.deps.signInTimeoutMs ?? DEFAULTS.signInTimeoutMs), signal });
      this.acceptScopes(result); // GC-02 here too, so a narrowed grant is final like any other failure
      return result;
    } catch (error) {
      this.giveUp(toPatchbayError(error));
      throw error;
    } finally {
      this.interactiveRunning = false;
    }
  }

  /** Time the agent is given, in real time: a scaled development clock (PATCHBAY_TIME_SCALE) must
   *  not shrink a 5-minute sign-in to seconds. */
  private agentTimeout(ms: number): number {
    const clock = this.context.clock;
    if (!clock.toWallTime) return ms;
    const now = clock.now();
    const wallPerClockMs = (clock.toWallTime(now + 60_000) - clock.toWallTime(now)) / 60_000;
    return wallPerClockMs > 0 && wallPerClockMs < 1 ? Math.round(ms / wallPerClockMs) : ms;
  }

  /** GC-03: PKCE authorize (system browser + loopback, or the LoginWindow), callback check, exchange. */
  private async authorizeAndExchange(options: { visible: 'never' | 'when-needed'; timeoutMs: number; signal?: AbortSignal; method?: 'system-browser' | 'login-window' }): Promise<TokenResult> {
    const ep = this.ep();
    const gc = this.context.profile.options.genesysCloud!;
    const external = this.deps.externalBrowser ?? this.context.externalBrowser;
    let method = options.method ?? gc.loginMethod;
    if (method === 'system-browser' && !external) {
      this.log.info('genesys-cloud.no-system-browser', { fallback: 'login-window' });
      method = 'login-window';
    }
    if (method === 'system-browser') {
      if (this.browserFlight) return this.browserFlight;
      const flight = this.authorize(ep, 'system-browser', options).finally(() => {
        if (this.browserFlight === flight) this.browserFlight = undefined;
      });
      this.browserFlight = flight;
      return flight;
    }
    return this.authorize(ep, method, options);
  }

  private async authorize(
    ep: GenesysCloudEndpoints,
    method: 'system-browser' | 'login-window',
    options: { visible: 'never' | 'when-needed'; timeoutMs: number; signal?: AbortSignal },
  ): Promise<TokenResult> {
    const external = this.deps.externalBrowser ?? this.context.externalBrowser;
    const loginHint = this.context.profile.userName;
    const forceLogin = options.visible !== 'never' && signedOut.has(this.context.profile.id);
    const request = await buildAuthorizeRequest(ep, { ...(loginHint ? { loginHint } : {}), ...(forceLogin ? { prompt: 'login' as const } : {}) });
    let callback: string;
    if (method === 'system-browser') {
      // RFC 8252 §7.3: listen first, then show the page, so the redirect cannot arrive unheard.
      const listener = await listenForRedirect({
        redirectUri: ep.redirectUri,
        state: request.state,
        clock: this.context.clock,
        timeoutMs: options.timeoutMs,
        log: this.log,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      try {
        await external!.open({ url: request.url, profileId: this.context.profile.id });
        callback = (await listener.result).href;
      } finally {
        await listener.close();
      }
    } else {
      const window = this.windowOrThrow();
      const result = await window.run({
        url: request.url,
        profileId: this.context.profile.id,
        visible: options.visible,
        timeoutMs: options.timeoutMs,
        // The redirect to the registered loopback URI ends the journey before it loads.
        until: [{ redirectTo: ep.redirectUri }],
        jar: this.http().jar,
        title: 'Sign in to Genesys Cloud',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      callback = result.url;
    }
    const params = readCallback(ep, callback, request.state);
    // 429 on the exchange: the code is still good for a short while, so wait as told and try again
    // (at most twice, only for short waits); a long wait goes back to the agent as a typed error.
    for (let attempt = 1; ; attempt++) {
      try {
        return await exchangeCode(ep, sessionFetch(this.http()), params, request.codeVerifier, () => this.context.clock.now(), options.signal);
      } catch (error) {
        const wait = error instanceof PatchbayError && error.code === 'genesys-cloud.rate-limited' ? error.details.retryAfterMs : undefined;
        if (typeof wait !== 'number' || wait > MAX_EXCHANGE_WAIT_MS || attempt > 2) throw error;
        this.log.info('genesys-cloud.exchange.rate-limited', { waitMs: wait, attempt });
        await this.context.clock.sleep(wait, options.signal);
      }
    }
  }
}

function notSignedIn(): PatchbayError {
  return new PatchbayError('genesys-cloud.signed-out', 'You are not signed in to Genesys Cloud.', { action: 'sign-in-again' });
}

function signInNeeded(): PatchbayError {
  return new PatchbayError('genesys-cloud.sign-in-needed', 'Genesys Cloud needs a fresh sign-in. Sign in again to continue.', { action: 'sign-in-again' });
}
