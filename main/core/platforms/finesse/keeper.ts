// The Finesse SSO token's keeper (Finesse DG 12.5: refresh at 75 %; FIN-12, FIN-13): the core's
// TokenKeeper with the Finesse refresh strategies and the messages the agent sees.
import { TokenKeeper } from '../../auth/token-keeper.ts';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import { refreshStrategies, type SsoContext } from './sso.ts';

type ContractError = { code: string; message: string; action: 'retry' | 'sign-in-again' | 'contact-it' | 'none' };

export interface KeeperEvents {
  onRefreshToken: (token: string) => void;
  /** signInBy (FIN-14): the deadline of a sign-in the agent was asked for, for the session card. */
  onTimes: (expiresAt: string | undefined, refreshAt: string | undefined, signInBy: string | undefined) => void;
  onRefreshed: () => void;
  onError: (error: ContractError) => void;
  /** The agent's language, for the time of a deadline. */
  language: string;
}

export function createFinesseKeeper(clock: Clock, log: Logger, ctx: SsoContext, events: KeeperEvents): TokenKeeper {
  return new TokenKeeper({
    clock,
    log,
    strategies: refreshStrategies(ctx),
    onRefreshToken: events.onRefreshToken,
    onTimes: (t) => events.onTimes(iso(t.expiresAt), iso(t.refreshAt), iso(t.signInBy)),
    onRefreshed: (info) => {
      log.info('finesse.sso.refreshed', { strategy: info.strategy, mode: info.mode });
      events.onRefreshed();
    },
    onSignInNeeded: (info) =>
      events.onError({
        code: 'finesse.sso.sign-in-soon',
        message: `Your single sign-on session ends at ${timeOf(info.deadline, events.language)}. Sign in again in the window that opens to stay signed in; your agent state is kept.`,
        action: 'sign-in-again',
      }),
    onExpired: () =>
      events.onError({
        code: 'finesse.sso.expired',
        message: 'Your sign-in has expired. Sign in again to change your state; Finesse keeps your current state meanwhile.',
        action: 'sign-in-again',
      }),
  });
}

function timeOf(at: number, language: string): string {
  try {
    return new Date(at).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
  } catch {
    return new Date(at).toISOString().slice(11, 16);
  }
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
