// What the agent sees when an ICWS session ends or reconnects (seed 000 "Connection loss",
// "Reconnecting"; RULES.md ICWS-17..19): pure builders of the reducer's actions. The session only
// decides when to dispatch them.
import type { ContractError, Profile, SignInOptions } from '../../../../preload/contract.ts';
import type { Clock } from '../../clock.ts';
import type { ReconnectSchedule } from './reconnect.ts';
import type { IcwsAction } from './reducer.ts';

export const LOST_CODE = 'icws.connection.lost';
export const LOST_FALLBACK = 'The connection to the server was lost.';

/** [ICWS-17, ICWS-18] the server's localised reason is shown; a blank one gets a plain sentence. */
export function lostMessage(reason: string | undefined): string {
  return reason?.trim() ? reason : LOST_FALLBACK;
}

/** [ICWS-19] reconnect automatically only when the server says so (true, not just "not false"), and
 *  only with a way to sign in again (the kept password or the SSO identity provider). */
export function reconnectsAfterLoss(shouldReconnect: boolean | undefined, canSignInAgain: boolean): boolean {
  return shouldReconnect === true && canSignInAgain;
}

/** The ended session's error: shouldReconnect false means the server ruled it out (contact IT);
 *  unknown means the agent may try signing in again. */
export function lostError(reason: string | undefined, shouldReconnect: boolean | undefined): ContractError {
  return { code: LOST_CODE, message: lostMessage(reason), action: shouldReconnect === false ? 'contact-it' : 'sign-in-again' };
}

/** [ICWS-20] the reconnecting view; with a schedule it says "next attempt at T on H". The screen
 *  counts down against the wall clock, so a scaled dev/test clock converts. */
export function reconnectingAction(reason: string | undefined, schedule?: ReconnectSchedule, clock?: Pick<Clock, 'toWallTime'>): IcwsAction {
  const error: ContractError = { code: LOST_CODE, message: lostMessage(reason), action: 'none' };
  if (!schedule) return { type: 'reconnecting', error, attempt: 0 };
  return {
    type: 'reconnecting',
    error,
    attempt: schedule.attempts,
    nextAttemptAt: new Date(clock?.toWallTime?.(schedule.nextAttemptAt) ?? schedule.nextAttemptAt).toISOString(),
    nextHost: new URL(schedule.nextHost).host,
  };
}

/** [ICWS-08, ICWS-09] the sign-in form for what server-info says: no password form when the server
 *  disallows icAuth; identity providers for an SSO profile, or when SSO is the only way in. */
export function signInOptionsOf(info: { allowIcAuth: boolean; identityProviders: { id: string; label: string }[] }, authMode: Profile['authMode']): SignInOptions {
  const { allowIcAuth, identityProviders } = info;
  return {
    credentialsForm: allowIcAuth && authMode === 'password',
    identityProviders: authMode === 'sso' || !allowIcAuth ? identityProviders : [],
    userNameRequired: allowIcAuth && authMode === 'password',
    extensionRequired: false,
    ...(allowIcAuth ? {} : { note: 'This server allows single sign-on only.' }),
  };
}
