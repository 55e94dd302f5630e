// TokenKeeper's arithmetic as pure functions (DESIGN.md "auth/"; split out of token-keeper.ts so the
// class only orchestrates): a grant → local expiry times with the server's clock skew, the expiry
// margin, when the next refresh is due (FIN-12), whether the refresh token may still be presented
// [CCXDG], the retry delay with a server's Retry-After (FIN-13, GC-09), and the times shown (FIN-14).
import { PatchbayError } from '../errors.ts';

export interface TokenGrant {
  accessToken: string;
  /** Absent on a refresh that returns no new refresh token (Finesse [CI]): the old one is kept. */
  refreshToken?: string;
  /** Access-token lifetime in seconds as the server said it (relative, so skew-free). */
  expiresInSec: number;
  /** Absolute access-token expiry in server time (ms), e.g. its JWT `exp`. */
  expiresAtServerMs?: number;
  /** Refresh-token lifetime in seconds, when the server says it. */
  refreshExpiresInSec?: number;
  /** Absolute refresh-token expiry in server time (ms), e.g. its JWT `exp`. */
  refreshExpiresAtServerMs?: number;
  /** The server's `Date` header (ms) on the response that carried the grant. */
  serverDateMs?: number;
  /** Local time the token was obtained, when known better than "when the strategy started"
   *  (a window the agent kept open for minutes: the token dates from its last response). */
  obtainedAt?: number;
}

export interface TokenTimes {
  expiresAt?: number;
  /** The next scheduled refresh. */
  refreshAt?: number;
  refreshExpiresAt?: number;
  /** When the agent has been asked to sign in again: the time by which they must. */
  signInBy?: number;
}

/** The token pair the keeper holds, in local time. */
export interface Held {
  accessToken: string;
  refreshToken?: string;
  issuedAt: number;
  expiresAt: number;
  refreshExpiresAt?: number;
  generation: number;
  /** Bumped when a new refresh token arrives (a renewal); warnings are per refresh token. */
  refreshGeneration: number;
}

/** The server clock's offset from ours; `measured` once a grant carried a `Date` header. */
export interface Skew {
  ms: number;
  measured: boolean;
}

/** The skew after a grant arrived at `receivedAt`: from its server `Date` when finite, else the old one.
 *  Used for absolute server times only (relative lifetimes are skew-free). */
export function skewAfter(grant: TokenGrant, receivedAt: number, previous: Skew): Skew {
  if (grant.serverDateMs === undefined || !Number.isFinite(grant.serverDateMs)) return previous;
  return { ms: grant.serverDateMs - receivedAt, measured: true };
}

/** A server time in local time. A Date header is whole seconds: the server may be up to 1 s further
 *  ahead than measured, so a measured skew counts that second against us. */
export function toLocal(serverMs: number, skew: Skew): number {
  return serverMs - skew.ms - (skew.measured ? 1_000 : 0);
}

/** The times a grant gives, in local time: lifetimes count from when its request was sent (`started`),
 *  or from `obtainedAt` when that is earlier than its arrival; an absolute expiry can only shorten them.
 *  A grant without a refresh token keeps the previous one and its expiry (Finesse [CI]). */
export function grantTimes(
  grant: TokenGrant,
  started: number,
  receivedAt: number,
  skew: Skew,
  previous: Held | undefined,
): Pick<Held, 'issuedAt' | 'expiresAt' | 'refreshToken' | 'refreshExpiresAt'> {
  const issuedAt = grant.obtainedAt !== undefined ? Math.min(grant.obtainedAt, receivedAt) : started;
  let expiresAt = issuedAt + grant.expiresInSec * 1000;
  if (grant.expiresAtServerMs !== undefined) expiresAt = Math.min(expiresAt, toLocal(grant.expiresAtServerMs, skew));
  let refreshToken = previous?.refreshToken;
  let refreshExpiresAt = previous?.refreshExpiresAt;
  if (grant.refreshToken !== undefined) {
    refreshToken = grant.refreshToken;
    refreshExpiresAt =
      grant.refreshExpiresInSec !== undefined
        ? issuedAt + grant.refreshExpiresInSec * 1000
        : grant.refreshExpiresAtServerMs !== undefined
          ? toLocal(grant.refreshExpiresAtServerMs, skew)
          : undefined;
  }
  return {
    issuedAt,
    expiresAt,
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(refreshExpiresAt !== undefined ? { refreshExpiresAt } : {}),
  };
}

/** The margin for this token: the configured one, at most a tenth of its lifetime. */
export function expiryMargin(held: Held, expiryMarginMs: number): number {
  return Math.min(expiryMarginMs, Math.max(0, (held.expiresAt - held.issuedAt) / 10));
}

/** May the refresh token still be presented at `at`? Only while at least `marginMs` of it is left. */
export function refreshTokenUsable(held: Held | undefined, at: number, marginMs: number): boolean {
  if (!held?.refreshToken) return false;
  // Inclusive: plannedRefreshAt() puts the last refresh exactly at this moment (issue 9: with `<` that
  // refresh ran as a renewal and the refresh token was never presented, FIN-12 [CCXDG]).
  return held.refreshExpiresAt === undefined || at <= held.refreshExpiresAt - marginMs;
}

export interface RefreshPlan {
  fraction: number;
  leadMs: number | undefined;
  refreshTokenMarginMs: number;
}

/** When the next refresh is due: after `fraction` of the lifetime (FIN-12); with a lead, at the latest
 *  that long before expiry but never before half the lifetime (GC-09); the last refresh while the refresh
 *  token is still usable [CCXDG]; never in the past. */
export function plannedRefreshAt(held: Held, now: number, plan: RefreshPlan): number {
  const lifetime = held.expiresAt - held.issuedAt;
  let refreshAt = held.issuedAt + plan.fraction * lifetime;
  if (plan.leadMs !== undefined) refreshAt = Math.max(held.issuedAt + lifetime / 2, Math.min(refreshAt, held.expiresAt - plan.leadMs));
  if (held.refreshToken && held.refreshExpiresAt !== undefined) {
    // Access tokens refresh only while the refresh token is valid too [CCXDG]: the last one is early.
    const lastChance = held.refreshExpiresAt - plan.refreshTokenMarginMs;
    if (refreshAt >= lastChance && lastChance > now) refreshAt = lastChance;
  }
  return Math.max(now, refreshAt);
}

/** The wait before attempt `attempt + 1`: exponential backoff (base, 2×base, 4×base…, FIN-13); a
 *  server's Retry-After (429, in `details.retryAfterMs`) wins over a shorter backoff (GC-09). */
export function retryDelay(attempt: number, backoffBaseMs: number, error: PatchbayError): number {
  const hinted = typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : 0;
  return Math.max(backoffBaseMs * 2 ** (attempt - 1), hinted);
}

/** What the adapter shows (FIN-14): only the times that are known. */
export function timesOf(held: Held | undefined, refreshAt: number | undefined, signInBy: number | undefined): TokenTimes {
  if (!held) return {};
  return {
    expiresAt: held.expiresAt,
    ...(refreshAt !== undefined ? { refreshAt } : {}),
    ...(held.refreshExpiresAt !== undefined ? { refreshExpiresAt: held.refreshExpiresAt } : {}),
    ...(signInBy !== undefined ? { signInBy } : {}),
  };
}

export function expiredError(): PatchbayError {
  return new PatchbayError('auth.token-expired', 'Your sign-in has expired. Sign in again to continue; your agent state is kept.', {
    action: 'sign-in-again',
  });
}
