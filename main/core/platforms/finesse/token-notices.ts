// Finesse SSO token notices (FIN-12..14): the keeper's times, warnings and renewals as view changes,
// and the renewed refresh token kept for the keychain (CARD-02).
import type { Logger } from '../../log.ts';
import type { KeeperEvents } from './keeper.ts';
import type { FinesseAction } from './reducer.ts';

export interface TokenNoticeOps {
  log: Logger;
  dispatch(action: FinesseAction): void;
  /** A renewed refresh token (kept for the keychain). */
  onRefreshToken(token: string): void;
  language: string;
}

export function tokenNotices(ops: TokenNoticeOps, hasRefreshToken: boolean): KeeperEvents {
  if (!hasRefreshToken) ops.log.warn('finesse.sso.no-refresh-token', {});
  return {
    onRefreshToken: (token) => ops.onRefreshToken(token),
    // FIN-14: signInBy, the deadline of a sign-in the agent is asked for, reaches the session card.
    onTimes: (expiresAt, refreshAt, signInBy) => ops.dispatch({ type: 'token', expiresAt, refreshAt, signInBy }),
    // A new token answers a token warning and a refused request alike (issue 13 item 7: "Sign in
    // again" ends "needs sign-in" in place; the 401's finesse.unauthorized must not outlive it).
    onRefreshed: () => {
      ops.dispatch({ type: 'clear-error', codePrefix: 'finesse.sso.' });
      ops.dispatch({ type: 'clear-error', codePrefix: 'finesse.unauthorized' });
    },
    onError: (error) => ops.dispatch({ type: 'error', error }),
    language: ops.language,
  };
}
