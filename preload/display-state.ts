// The session's display states, defined once (issue 13 item 2): every screen derives what it shows
// from displayState() so exactly one story is told after a fault. Pure; the core and the renderer
// both use it (the tray and the card must not disagree).
import type { SessionState } from './contract.ts';

export type DisplayKind = 'signed-out' | 'signing-in' | 'active' | 'reconnecting' | 'needs-sign-in' | 'failed';

export interface DisplayState {
  kind: DisplayKind;
  /** The agent state is shown, but not in its live colour: nothing confirms it right now. */
  agentStale: boolean;
  /** Seconds to the next automatic attempt, while reconnecting and the platform says when. */
  countdownS?: number;
  /** Reconnect attempt counted from 1 (a platform counting from 0 is shifted). */
  attempt?: number;
  /** "Retry now" is offered: reconnecting with a scheduled attempt the platform lets the agent bring forward. */
  canRetryNow: boolean;
  /** Which controls belong to this state; never "Sign in" and "Sign out" together. */
  showSignIn: boolean;
  showSignOut: boolean;
  /** "Signed in as …" and token times only while a sign-in actually holds. */
  showIdentity: boolean;
}

/** Error codes that mean the platform no longer accepts the sign-in: the session needs a new one. */
const AUTH_LOST = /UNAUTHORI[SZ]ED|NOT[-_]AUTHORIZED|TOKEN[-_.]?(REVOKED|EXPIRED|INVALID)|SESSION[-_.]?EXPIRED|\.auth\.|401/i;

/** True when the last error says the sign-in lapsed (a 401 after the one renewal failed). */
export function needsSignIn(state: Pick<SessionState, 'phase' | 'lastError'>): boolean {
  const error = state.lastError;
  if (!error) return false;
  if (state.phase === 'failed') return error.action === 'sign-in-again' || AUTH_LOST.test(error.code);
  // Active: 'sign-in-again' alone is FIN-14's "expires soon" (still live); only a refused request
  // (401 after the one renewal) means the sign-in is gone. The core renews in place on sign-in.
  return state.phase === 'active' && error.action === 'sign-in-again' && AUTH_LOST.test(error.code);
}

export function displayState(state: Pick<SessionState, 'phase' | 'lastError' | 'connection' | 'agent'>, now: number): DisplayState {
  const base = { agentStale: false, canRetryNow: false, showSignIn: false, showSignOut: false, showIdentity: false };
  switch (state.phase) {
    case 'signed-out':
      return { ...base, kind: 'signed-out', showSignIn: true };
    case 'signing-in':
    case 'awaiting-user':
      return { ...base, kind: 'signing-in' };
    case 'active':
      // A 401 the one renewal could not cure: not green any longer (issue 13 item 2).
      if (needsSignIn(state)) return { ...base, kind: 'needs-sign-in', agentStale: true, showSignIn: true };
      return { ...base, kind: 'active', agentStale: state.agent?.stale === true, showSignOut: true, showIdentity: true };
    case 'reconnecting': {
      const connection = state.connection;
      const at = connection?.nextAttemptAt ? Date.parse(connection.nextAttemptAt) : NaN;
      const countdownS = Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
      const raw = connection?.reconnectAttempt;
      return {
        ...base,
        kind: 'reconnecting',
        agentStale: true,
        ...(countdownS !== undefined ? { countdownS } : {}),
        ...(raw !== undefined ? { attempt: Math.max(1, raw) } : {}),
        canRetryNow: connection?.retryNow === true && countdownS !== undefined && countdownS > 0,
        showSignOut: true,
        showIdentity: true,
      };
    }
    case 'failed':
      if (needsSignIn(state)) return { ...base, kind: 'needs-sign-in', agentStale: true, showSignIn: true };
      return { ...base, kind: 'failed', agentStale: true, showSignIn: true };
  }
}
