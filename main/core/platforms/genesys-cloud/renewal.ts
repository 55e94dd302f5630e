// GC-09 renewal for Genesys Cloud through the core's TokenKeeper: the ordered strategies and the
// keeper's settings. Order (protocols/genesys-cloud.md §1: a PKCE public client usually gets no
// usable refresh token):
//   1. the refresh grant, when the org's client returned a refresh token (rotation honoured: the new
//      one replaces the old in the keychain; invalid_grant — revoked or a reused rotated token — ends
//      that grant cleanly: forgotten and deleted, never presented again);
//   2. a silent re-authorization in a hidden LoginWindow on the existing login cookies;
//   3. a visible sign-in, announced ahead by the keeper's sign-in-needed deadline.
// Transient failures (network, 5xx, 429 with Retry-After) are retried at most 3 times per strategy
// with exponential backoff; then the chain moves on, and after the visible sign-in nothing loops.
import type { RefreshStrategy, TokenGrant, TokenKeeperOptions } from '../../auth/token-keeper.ts';
import type { Logger } from '../../log.ts';
import type { TokenResult } from './oauth.ts';

/** Genesys's shortest token lifetime (300 s): what we assume when a response names none (never 7200). */
export const FALLBACK_LIFETIME_SEC = 300;

/** Retry policy (GC-09, seed 004 "a maximum of three attempts"). */
export const RENEWAL_POLICY = Object.freeze({ maxAttempts: 3, backoffBaseMs: 2_000, refreshFraction: 0.75 });

export function toTokenGrant(result: TokenResult, log?: Logger): TokenGrant {
  if (result.expiresInSec === undefined) log?.warn('genesys-cloud.token.no-expires-in', { assumedSec: FALLBACK_LIFETIME_SEC });
  return {
    accessToken: result.accessToken,
    ...(result.refreshToken !== undefined ? { refreshToken: result.refreshToken } : {}),
    // GC-09: the server's expires_in, never an assumed 7200 s.
    expiresInSec: result.expiresInSec ?? FALLBACK_LIFETIME_SEC,
    ...(result.serverDateMs !== undefined ? { serverDateMs: result.serverDateMs } : {}),
  };
}

export interface RenewalSteps {
  /** The refresh grant with this refresh token. */
  refresh(refreshToken: string, signal: AbortSignal): Promise<TokenResult>;
  /** invalid_grant on the refresh grant: forget and delete the refresh token. */
  refreshTokenRejected(): void;
  /** Authorize in a hidden LoginWindow on the login cookies (throws when none can run). */
  silent(signal: AbortSignal): Promise<TokenResult>;
  /** A visible sign-in the agent completes (system browser or LoginWindow). */
  interactive(signal: AbortSignal): Promise<TokenResult>;
  /** After each new grant (GC-02: the renewed grant is checked too). */
  accept(result: TokenResult): void;
  log?: Logger;
}

export function genesysCloudStrategies(steps: RenewalSteps): RefreshStrategy[] {
  const grant = (result: TokenResult): TokenGrant => {
    steps.accept(result);
    return toTokenGrant(result, steps.log);
  };
  return [
    {
      name: 'genesys-cloud-refresh-grant',
      modes: ['refresh'],
      async run(ctx) {
        if (!ctx.refreshToken) throw new Error('no refresh token'); // the keeper only asks with one
        try {
          return grant(await steps.refresh(ctx.refreshToken, ctx.signal));
        } catch (error) {
          if (error instanceof Error && 'code' in error && error.code === 'genesys-cloud.grant.invalid') steps.refreshTokenRejected();
          throw error;
        }
      },
    },
    {
      name: 'genesys-cloud-silent-authorize',
      modes: ['renew'],
      async run(ctx) {
        return grant(await steps.silent(ctx.signal));
      },
    },
    {
      name: 'genesys-cloud-sign-in',
      modes: ['renew'],
      interactive: true,
      async run(ctx) {
        return grant(await steps.interactive(ctx.signal));
      },
    },
  ];
}

export type KeeperSettings = Pick<TokenKeeperOptions, 'maxAttempts' | 'backoffBaseMs' | 'refreshFraction' | 'refreshLeadMs' | 'renewalWithoutRefreshToken'>;

/** GC-09: the agent is warned at least this long before a 5-minute token lapses when the hidden
 *  renewal fails (renewal starts this long plus the hidden window's timeout before expiry). */
export const SIGN_IN_WARNING_LEAD_MS = 120_000;

/** `silentTimeoutMs`: how long the hidden window may take, so the warning still comes
 *  SIGN_IN_WARNING_LEAD_MS ahead when it fails (GC-09; long tokens keep 75 %). */
export function keeperSettings(overrides: Partial<KeeperSettings> = {}, silentTimeoutMs = 20_000): KeeperSettings {
  return { ...RENEWAL_POLICY, renewalWithoutRefreshToken: true, refreshLeadMs: SIGN_IN_WARNING_LEAD_MS + silentTimeoutMs, ...overrides };
}
