// What the agent is told about the Genesys Cloud sign-in (seed 004 GC-09, issue 10): the sign-in
// note, the token times on the card, and the renewal messages. Pure functions; the session
// (./genesys-cloud-session.ts) decides when, these say what. Times only — never a token (GC-04).
import type { ContractError, SignInOptions } from '../../../../preload/contract.ts';
import type { GenesysCloudGrantInfo } from './auth-port.ts';

/** Clock ms → wall-clock ms (the scaled lab clock maps; the real clock is the identity). */
export type ToWall = ((ms: number) => number) | undefined;

/** No form: the login page is Genesys Cloud's own, in the system browser or a sign-in window (GC-03). */
export function signInOptionsFor(loginMethod: string | undefined): SignInOptions {
  const browser = loginMethod !== 'login-window';
  return {
    credentialsForm: false,
    identityProviders: [],
    userNameRequired: false,
    extensionRequired: false,
    note: browser
      ? 'Genesys Cloud signs you in on its own page in your web browser; come back to Patchbay when it says so.'
      : 'Genesys Cloud signs you in on its own page in a sign-in window; your password is typed there only.',
  };
}

/** The grant's expiry and next renewal as ISO wall times, for the session card. */
export function tokenTimes(info: GenesysCloudGrantInfo | undefined, toWall: ToWall): { expiresAt?: string; refreshAt?: string } {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(toWall?.(ms) ?? ms).toISOString());
  const expiresAt = iso(info?.expiresAt);
  const refreshAt = iso(info?.refreshAt);
  return { ...(expiresAt ? { expiresAt } : {}), ...(refreshAt ? { refreshAt } : {}) };
}

/** "14:05" in the profile's language (UTC hh:mm when the language tag is unusable). */
export function clockTime(at: number, language: string, toWall: ToWall): string {
  const wall = toWall?.(at) ?? at;
  try {
    return new Date(wall).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
  } catch {
    return new Date(wall).toISOString().slice(11, 16);
  }
}

/** GC-09: a renewal attempt failed and another follows; the agent's status is kept meanwhile. */
export function renewalRetrying(nextAttempt: string | undefined): ContractError {
  return {
    code: 'genesys-cloud.auth.renewal-retrying',
    message: `Renewing your Genesys Cloud sign-in failed${nextAttempt ? `; Patchbay tries again at ${nextAttempt}` : ''}. Your status is kept meanwhile.`,
    action: 'none',
  };
}

/** Announced ahead of a visible sign-in (the refresh token's own end). */
export function signInSoon(deadline: string): ContractError {
  return {
    code: 'genesys-cloud.auth.sign-in-soon',
    message: `Genesys Cloud needs you to sign in again by ${deadline}. Your status is kept.`,
    action: 'sign-in-again',
  };
}

/** GC-09: the token lapsed while the visible sign-in is still open. */
export const SIGN_IN_PENDING: ContractError = {
  code: 'genesys-cloud.auth.sign-in-pending',
  message: 'Your Genesys Cloud sign-in lapsed: finish signing in to continue. The status shown is the last one known and may no longer be current.',
  action: 'sign-in-again',
};

/** GC-09 (seed 004 Edge Case 1): renewal failed for good; `idle` when the org's idle timeout ended it. */
export function signInRequired(idle: boolean): ContractError {
  return {
    code: 'genesys-cloud.auth.sign-in-required',
    message: `Genesys Cloud needs a fresh sign-in: ${
      idle ? 'your organisation ended the sign-in after a period without use, and Patchbay could not renew it' : 'Patchbay could not renew your sign-in'
    }. The status shown is the last one known and may no longer be current.`,
    action: 'sign-in-again',
  };
}
