// TokenKeeper (DESIGN.md "auth/"): keeps an access token valid for a whole shift, on the injected
// Clock only. Generic: a platform hands it an ordered list of refresh strategies.
//  - refresh after a fraction (75 %) of the access token's lifetime and before it expires (FIN-12);
//  - one refresh in flight; bounded retries with exponential backoff for transient failures;
//  - strategies tried in order (Finesse: silent HTTP → hidden window → visible window, FIN-13);
//  - server `Date` skew correction for absolute expiry times (JWT `exp`);
//  - when the refresh token nears its end, a hidden renewal first, then a warning at least
//    `warningLeadMs` ahead and a visible sign-in, the session kept meanwhile (FIN-14);
//  - a request never gets an expired token: accessToken() waits for a refresh or throws.
// The arithmetic (expiry times, skew, refresh plan, retry delay) is in token-schedule.ts.
import type { Clock, TimerHandle } from '../clock.ts';
import { PatchbayError, toPatchbayError } from '../errors.ts';
import { nullLogger, type Logger } from '../log.ts';
import { expiredError, expiryMargin, grantTimes, plannedRefreshAt, refreshTokenUsable, retryDelay, skewAfter, timesOf } from './token-schedule.ts';
import type { Held, Skew, TokenGrant, TokenTimes } from './token-schedule.ts';

export type { TokenGrant, TokenTimes } from './token-schedule.ts';

/** 'refresh': extend the access token with the refresh token. 'renew': get a fresh pair. */
export type RefreshMode = 'refresh' | 'renew';

export interface RefreshContext {
  mode: RefreshMode;
  accessToken: string;
  refreshToken?: string;
  signal: AbortSignal;
  attempt: number;
}

export interface RefreshStrategy {
  readonly name: string;
  readonly modes: readonly RefreshMode[];
  /** Needs the agent (a visible window): only run after the agent was told (FIN-14). */
  readonly interactive?: boolean;
  /** Resolves with a grant; throws a PatchbayError whose action 'retry' means "transient". */
  run(context: RefreshContext): Promise<TokenGrant>;
}

export interface SignInNeeded {
  /** Local time after which the session can no longer be kept without a new sign-in. */
  deadline: number;
  reason: 'refresh-token-expiring' | 'refresh-failed' | 'no-refresh-token';
}

export interface TokenKeeperOptions {
  clock: Clock;
  log?: Logger;
  strategies: readonly RefreshStrategy[];
  /** FIN-12: refresh after this fraction of the lifetime (default 0.75). */
  refreshFraction?: number;
  /** Short lifetimes: refresh at the latest this long before expiry (never before half the
   *  lifetime), so a failed hidden renewal still warns the agent minutes ahead (GC-09). */
  refreshLeadMs?: number;
  /** A token this close to its expiry is not handed out for a request (default 5 s). */
  expiryMarginMs?: number;
  /** The last refresh with a refresh token happens at least this long before it expires (default 30 s). */
  refreshTokenMarginMs?: number;
  /** Attempts per strategy for transient failures (default 3). */
  maxAttempts?: number;
  /** Backoff base: base, 2×base, 4×base… (default 1 s). */
  backoffBaseMs?: number;
  /** Start a hidden renewal this long before the refresh token expires (default 10 min). */
  renewLeadMs?: number;
  /** Warn the agent at the latest this long before the deadline (default 6 min; FIN-14 asks ≥ 5). */
  warningLeadMs?: number;
  onTimes?(times: TokenTimes): void;
  onRefreshed?(info: { strategy: string; mode: RefreshMode; interactive: boolean }): void;
  /** One attempt of a strategy failed; `retryAt` when another attempt of it is scheduled (GC-09). */
  onAttemptFailed?(info: { strategy: string; mode: RefreshMode; attempt: number; error: PatchbayError; retryAt?: number }): void;
  /** Genesys Cloud: a public client's renewal (a silent re-authorization) brings no refresh token;
   *  accept such a grant instead of treating it as a failed renewal (default false). */
  renewalWithoutRefreshToken?: boolean;
  onSignInNeeded?(info: SignInNeeded): void;
  /** A new refresh token arrived (sign-in or renewal): the adapter keeps it in the keychain (CARD-02). */
  onRefreshToken?(refreshToken: string, expiresAt: number | undefined): void;
  /** No valid access token any more (the session is kept; requests fail until a new sign-in). */
  onExpired?(error: PatchbayError): void;
}

export interface TokenKeeperStats {
  refreshes: number;
  renewals: number;
  interactive: number;
  failedAttempts: number;
  byStrategy: Record<string, number>;
  /** Lead time (ms) of every sign-in warning, deadline − warning time. */
  warningLeads: number[];
}

export class TokenKeeper {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly options: TokenKeeperOptions;
  private readonly fraction: number;
  private readonly expiryMarginMs: number;
  private readonly refreshTokenMarginMs: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly renewLeadMs: number;
  private readonly warningLeadMs: number;
  private held: Held | undefined;
  private skewState: Skew = { ms: 0, measured: false };
  private generation = 0;
  private refreshGeneration = 0;
  private timers: TimerHandle[] = [];
  private refreshAt: number | undefined;
  private refreshFlight: Promise<void> | undefined;
  private renewFlight: Promise<void> | undefined;
  private interactiveFlight: Promise<boolean> | undefined;
  private warnedFor: number | undefined;
  private renewedFor: number | undefined;
  private signInBy: number | undefined;
  private expiredFor: number | undefined;
  private abort = new AbortController();
  private stopped = false;
  readonly stats: TokenKeeperStats = { refreshes: 0, renewals: 0, interactive: 0, failedAttempts: 0, byStrategy: {}, warningLeads: [] };

  constructor(options: TokenKeeperOptions) {
    this.options = options;
    this.clock = options.clock;
    this.log = options.log ?? nullLogger;
    this.fraction = options.refreshFraction ?? 0.75;
    this.expiryMarginMs = options.expiryMarginMs ?? 5_000;
    this.refreshTokenMarginMs = options.refreshTokenMarginMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000;
    this.renewLeadMs = options.renewLeadMs ?? 10 * 60_000;
    this.warningLeadMs = options.warningLeadMs ?? 6 * 60_000;
  }

  /** Install the sign-in's grant; `startedAt` = when its request was sent (lifetimes count from
   *  there, which is conservative whatever the latency). */
  start(grant: TokenGrant, startedAt: number = this.clock.now()): void {
    this.stopped = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.install(grant, startedAt);
  }

  /** The refresh token was refused for good (invalid_grant: revoked, or a reused rotated one): drop
   *  it so no later refresh presents it again; renewals continue with the other strategies. */
  forgetRefreshToken(): void {
    const held = this.held;
    if (!held?.refreshToken) return;
    const { refreshToken: _dropped, refreshExpiresAt: _until, ...rest } = held;
    this.held = rest;
    if (this.refreshFlight === undefined) this.schedule();
  }

  /** A new pair from a full sign-in done outside the keeper (e.g. the agent's own re-sign-in). */
  replace(grant: TokenGrant, startedAt: number = this.clock.now()): void {
    this.start(grant, startedAt);
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort(new PatchbayError('auth.stopped', 'Token refresh stopped.', { action: 'none' }));
    this.cancelTimers();
    this.held = undefined;
  }

  get skew(): number {
    return this.skewState.ms;
  }

  times(): TokenTimes {
    return timesOf(this.held, this.refreshAt, this.signInBy);
  }

  private margin(held: Held): number {
    return expiryMargin(held, this.expiryMarginMs);
  }

  /** The current token when it is valid for at least the margin; undefined otherwise. */
  peek(): string | undefined {
    const held = this.held;
    return held && this.clock.now() < held.expiresAt - this.margin(held) ? held.accessToken : undefined;
  }

  /** A valid access token for a request: waits for a refresh in flight (or starts one when the
   *  token is inside the margin); throws `auth.token-expired` rather than hand out an expired one. */
  async accessToken(): Promise<string> {
    const now = this.peek();
    if (now) return now;
    if (!this.stopped && this.held) {
      if (this.refreshFlight) await this.refreshFlight.catch(() => undefined);
      else if (this.renewFlight) await this.renewFlight.catch(() => undefined);
      else if (this.clock.now() < this.held.expiresAt) await this.refreshNow().catch(() => undefined);
      const after = this.peek();
      if (after) return after;
    }
    throw expiredError();
  }

  /** Refresh now (single flight: a second call joins the first). */
  refreshNow(): Promise<void> {
    if (this.stopped || !this.held) return Promise.resolve();
    this.refreshFlight ??= this.runRefresh().finally(() => {
      this.refreshFlight = undefined;
    });
    return this.refreshFlight;
  }

  /** The agent asked to sign in again (or a warning's prompt): run the interactive strategy. */
  async renewInteractively(): Promise<boolean> {
    if (this.stopped) return false;
    this.interactiveFlight ??= this.runInteractive().finally(() => {
      this.interactiveFlight = undefined;
    });
    return this.interactiveFlight;
  }

  // ------------------------------------------------------------------ internals
  private install(grant: TokenGrant, started: number): void {
    const receivedAt = this.clock.now();
    this.skewState = skewAfter(grant, receivedAt, this.skewState);
    const times = grantTimes(grant, started, receivedAt, this.skewState, this.held);
    if (grant.refreshToken !== undefined) {
      this.refreshGeneration += 1;
      this.signInBy = undefined;
    }
    this.generation += 1;
    this.held = { accessToken: grant.accessToken, ...times, generation: this.generation, refreshGeneration: this.refreshGeneration };
    this.schedule();
    if (grant.refreshToken !== undefined) this.options.onRefreshToken?.(grant.refreshToken, times.refreshExpiresAt);
  }

  private refreshTokenUsable(at: number): boolean {
    return refreshTokenUsable(this.held, at, this.refreshTokenMarginMs);
  }

  private schedule(): void {
    this.cancelTimers();
    const held = this.held;
    if (!held || this.stopped) return;
    const now = this.clock.now();
    const plan = { fraction: this.fraction, leadMs: this.options.refreshLeadMs, refreshTokenMarginMs: this.refreshTokenMarginMs };
    this.refreshAt = plannedRefreshAt(held, now, plan); // FIN-12
    this.at(this.refreshAt, () => void this.refreshNow().catch(() => undefined));

    if (held.refreshExpiresAt !== undefined) {
      const gen = held.refreshGeneration;
      // FIN-14: a hidden renewal well ahead, and a warning no later than warningLeadMs ahead.
      this.at(Math.max(now, held.refreshExpiresAt - this.renewLeadMs), () => void this.renew(gen));
      this.at(Math.max(now, held.refreshExpiresAt - this.warningLeadMs), () => {
        if (this.held?.refreshGeneration === gen && this.held.refreshExpiresAt !== undefined) {
          this.warn({ deadline: this.held.refreshExpiresAt, reason: 'refresh-token-expiring' });
        }
      });
    }
    const generation = held.generation;
    this.at(held.expiresAt, () => {
      if (this.held?.generation === generation) this.expired();
    });
    this.emitTimes();
  }

  private at(when: number, fn: () => void): void {
    this.timers.push(this.clock.setTimeout(fn, Math.max(0, when - this.clock.now())));
  }

  private cancelTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  private emitTimes(): void {
    this.options.onTimes?.(this.times());
  }

  private async runRefresh(): Promise<void> {
    const held = this.held;
    if (!held) return;
    const mode: RefreshMode = this.refreshTokenUsable(this.clock.now()) ? 'refresh' : 'renew';
    if (mode === 'renew' && this.renewFlight) {
      await this.renewFlight; // the planned renewal (hidden, then the agent) is already on it
      return;
    }
    const deadline = held.expiresAt - this.margin(held);
    if (await this.tryStrategies(mode, deadline)) return;
    if (mode === 'refresh' && this.renewFlight) {
      await this.renewFlight; // FIN-13: join the planned renewal, never a second hidden sign-in beside it
      return;
    }
    if (mode === 'refresh' && (await this.tryStrategies('renew', deadline))) return;
    if (this.stopped) return;
    // Unplanned: the refresh was refused (revoked, expired early, IdP session gone…).
    const reason = held.refreshToken ? 'refresh-failed' : 'no-refresh-token';
    this.warn({ deadline: held.expiresAt, reason });
    void this.renewInteractively();
  }

  /** Planned renewal of the pair before the refresh token runs out: hidden first, then ask. */
  private renew(refreshGeneration: number): Promise<void> {
    if (this.held?.refreshGeneration !== refreshGeneration) return Promise.resolve();
    if (this.renewFlight) return this.renewFlight;
    // Once per refresh token: after that only the agent re-starts it (renewInteractively()).
    if (this.renewedFor === refreshGeneration) return Promise.resolve();
    this.renewedFor = refreshGeneration;
    this.renewFlight ??= (async () => {
      const held = this.held;
      if (!held || held.refreshExpiresAt === undefined) return;
      const ok = await this.tryStrategies('renew', held.refreshExpiresAt);
      if (ok || this.stopped || this.held?.refreshGeneration !== refreshGeneration) return;
      this.warn({ deadline: held.refreshExpiresAt, reason: 'refresh-token-expiring' });
      await this.renewInteractively();
    })().finally(() => {
      this.renewFlight = undefined;
    });
    return this.renewFlight;
  }

  /** Runs the non-interactive strategies that support `mode`, in order; true once one succeeded. */
  private async tryStrategies(mode: RefreshMode, deadline: number): Promise<boolean> {
    for (const strategy of this.options.strategies) {
      if (strategy.interactive || !strategy.modes.includes(mode) || this.stopped) continue;
      if (mode === 'refresh' && !this.refreshTokenUsable(this.clock.now())) return false;
      if (await this.attempt(strategy, mode, deadline)) return true;
    }
    return false;
  }

  private async attempt(strategy: RefreshStrategy, mode: RefreshMode, deadline: number): Promise<boolean> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const held = this.held;
      if (!held || this.stopped) return false;
      // A refresh presents the current access token: never once it has expired [CCXDG].
      if (mode === 'refresh' && this.clock.now() >= held.expiresAt - this.margin(held)) return false;
      const generation = held.generation;
      const startedAt = this.clock.now();
      try {
        const grant = await strategy.run({
          mode,
          accessToken: held.accessToken,
          ...(held.refreshToken !== undefined ? { refreshToken: held.refreshToken } : {}),
          signal: this.abort.signal,
          attempt,
        });
        if (this.stopped) return false;
        if (this.held?.generation !== generation && mode === 'refresh') return true; // replaced meanwhile: keep the newer
        if (mode === 'renew' && grant.refreshToken === undefined && !this.options.renewalWithoutRefreshToken) {
          throw new PatchbayError('auth.renew.no-refresh-token', 'The sign-in service returned no refresh token.', { action: 'none' });
        }
        this.install(grant, startedAt);
        this.count(strategy, mode);
        this.options.onRefreshed?.({ strategy: strategy.name, mode, interactive: false });
        return true;
      } catch (error) {
        if (this.stopped) return false;
        const typed = toPatchbayError(error, 'auth.refresh.failed');
        this.stats.failedAttempts += 1;
        this.log.info('auth.refresh.attempt-failed', { strategy: strategy.name, mode, attempt, code: typed.code });
        const delay = retryDelay(attempt, this.backoffBaseMs, typed); // FIN-13; a 429's Retry-After wins (GC-09)
        const retry = typed.action === 'retry' && attempt < this.maxAttempts && this.clock.now() + delay < deadline;
        this.options.onAttemptFailed?.({ strategy: strategy.name, mode, attempt, error: typed, ...(retry ? { retryAt: this.clock.now() + delay } : {}) });
        if (!retry) return false;
        try {
          await this.clock.sleep(delay, this.abort.signal);
        } catch {
          return false;
        }
      }
    }
    return false;
  }

  private async runInteractive(): Promise<boolean> {
    for (const strategy of this.options.strategies) {
      if (!strategy.interactive || !strategy.modes.includes('renew') || this.stopped) continue;
      const held = this.held;
      const startedAt = this.clock.now();
      try {
        const grant = await strategy.run({
          mode: 'renew',
          accessToken: held?.accessToken ?? '',
          ...(held?.refreshToken !== undefined ? { refreshToken: held.refreshToken } : {}),
          signal: this.abort.signal,
          attempt: 1,
        });
        if (this.stopped) return false;
        // The agent may have kept the window open for minutes: the token dates from its completion.
        this.install({ obtainedAt: this.clock.now() - 1_000, ...grant }, startedAt);
        this.count(strategy, 'renew');
        this.stats.interactive += 1;
        this.options.onRefreshed?.({ strategy: strategy.name, mode: 'renew', interactive: true });
        return true;
      } catch (error) {
        if (this.stopped) return false;
        this.stats.failedAttempts += 1;
        this.log.info('auth.sign-in-again.failed', { strategy: strategy.name, code: toPatchbayError(error).code });
      }
    }
    return false;
  }

  private count(strategy: RefreshStrategy, mode: RefreshMode): void {
    if (mode === 'refresh') this.stats.refreshes += 1;
    else this.stats.renewals += 1;
    this.stats.byStrategy[strategy.name] = (this.stats.byStrategy[strategy.name] ?? 0) + 1;
  }

  private warn(info: SignInNeeded): void {
    const held = this.held;
    if (!held || this.warnedFor === held.refreshGeneration) return;
    this.warnedFor = held.refreshGeneration;
    this.signInBy = info.deadline;
    this.stats.warningLeads.push(info.deadline - this.clock.now());
    this.log.warn('auth.sign-in-needed', { reason: info.reason, leadMs: info.deadline - this.clock.now() });
    this.options.onSignInNeeded?.(info);
    this.emitTimes();
  }

  private expired(): void {
    const held = this.held;
    if (!held || this.expiredFor === held.generation) return;
    this.expiredFor = held.generation;
    this.refreshAt = undefined;
    this.log.warn('auth.token-expired', {});
    this.options.onExpired?.(expiredError());
    this.emitTimes();
  }
}
