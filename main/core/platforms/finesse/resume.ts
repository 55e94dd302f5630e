// Silent resume at launch (CARD-02): what the keychain entry holds, and the non-interactive refresh
// strategies tried with the saved refresh token (the GET form needs no access token).
import type { RefreshStrategy, TokenGrant } from '../../auth/token-keeper.ts';
import { toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { jwtExpiry } from './wire.ts';

/** What the keychain entry holds (JSON): the refresh token plus the non-secret facts to resume. */
export interface ResumeData {
  v: 1;
  refreshToken: string;
  userName: string;
  extension?: string;
}

export function parseResumeData(raw: string | undefined): ResumeData | undefined {
  let data: ResumeData | undefined;
  try {
    data = raw ? (JSON.parse(raw) as ResumeData) : undefined;
  } catch {
    return undefined;
  }
  if (!data || data.v !== 1 || typeof data.refreshToken !== 'string' || typeof data.userName !== 'string') return undefined;
  return data;
}

/** The first silent strategy that renews with the saved refresh token; never a prompt. */
export async function resumeGrant(strategies: RefreshStrategy[], refreshToken: string, signal: AbortSignal, log: Logger): Promise<TokenGrant | undefined> {
  for (const strategy of strategies.filter((s) => !s.interactive)) {
    if (strategy.name === 'finesse-refresh-post') continue; // needs the (long expired) access token
    try {
      return await strategy.run({ mode: strategy.modes.includes('refresh') && strategy.name !== 'finesse-window-hidden' ? 'refresh' : 'renew', accessToken: '', refreshToken, signal, attempt: 1 });
    } catch (error) {
      if (signal.aborted) throw error;
      log.info('finesse.resume.strategy-failed', { strategy: strategy.name, code: toPatchbayError(error).code });
    }
  }
  return undefined;
}

/** A renewal that returned no new refresh token keeps the saved one (and its expiry, FIN-14). */
export function withSavedRefreshToken(grant: TokenGrant, refreshToken: string): TokenGrant {
  if (grant.refreshToken) return grant;
  const savedExp = jwtExpiry(refreshToken);
  return { ...grant, refreshToken, ...(savedExp !== undefined ? { refreshExpiresAtServerMs: savedExp * 1000 } : {}) };
}
