// The one place a Finesse session's view (and its phase) changes (DESIGN.md conventions).
import type { AgentState, ContractError, SelectableState } from '../../../../preload/contract.ts';
import type { SessionView } from '../platform.ts';
import { applyDialogs, callsOf } from './calls.ts';
import type { FinesseDialog } from './wire.ts';

export type FinesseAction =
  | { type: 'connecting'; server: string }
  /** The IdP page is shown to the agent (initial SSO sign-in). */
  | { type: 'awaiting-user' }
  | { type: 'signing-in' }
  | { type: 'connected'; server: string; serverNote?: string | undefined; userDisplayName?: string }
  | { type: 'states'; states: SelectableState[] }
  | { type: 'agent'; agent: AgentState }
  | { type: 'event'; at: string }
  | { type: 'token'; expiresAt?: string | undefined; refreshAt?: string | undefined; signInBy?: string | undefined }
  | { type: 'active' }
  | { type: 'reconnecting'; attempt: number; nextAttemptAt: string; nextHost?: string }
  /** Back on a notification channel (same or other node): the agent state is kept. */
  | { type: 'reconnected'; server: string; serverNote?: string | undefined }
  /** Shown without changing the phase (a sign-in warning, a refused state change). */
  | { type: 'error'; error: ContractError }
  /** Remove lastError when its code starts with this prefix (a warning that no longer applies). */
  | { type: 'clear-error'; codePrefix: string }
  /** The agent's dialogs: the full list (GET …/Dialogs) or one notification (event POST/PUT/DELETE, §5). */
  | { type: 'dialogs'; dialogs: FinesseDialog[]; extension?: string | undefined; replace?: boolean; event?: string | undefined }
  | { type: 'failed'; error: ContractError }
  | { type: 'signed-out' };

export function reduce(view: SessionView, action: FinesseAction): SessionView {
  switch (action.type) {
    case 'connecting':
      return { phase: 'signing-in', server: action.server, selectableStates: [], connection: { transport: 'none' } };
    case 'awaiting-user':
      return view.phase === 'signing-in' ? { ...view, phase: 'awaiting-user' } : view;
    case 'signing-in':
      return view.phase === 'awaiting-user' ? { ...view, phase: 'signing-in' } : view;
    case 'connected':
      return {
        ...withServerNote(view, action.serverNote),
        server: action.server,
        ...(action.userDisplayName ? { userDisplayName: action.userDisplayName } : {}),
        connection: { transport: 'xmpp', ...(view.connection?.lastEventAt ? { lastEventAt: view.connection.lastEventAt } : {}) },
      };
    case 'states':
      return { ...view, selectableStates: action.states };
    case 'agent':
      return { ...view, agent: action.agent };
    case 'event':
      return { ...view, connection: { ...(view.connection ?? { transport: 'xmpp' }), lastEventAt: action.at } };
    case 'token': {
      const token = {
        ...(action.expiresAt ? { expiresAt: action.expiresAt } : {}),
        ...(action.refreshAt ? { refreshAt: action.refreshAt } : {}),
        ...(action.signInBy ? { signInBy: action.signInBy } : {}),
      };
      return { ...view, token };
    }
    case 'active':
      // A FIN-14 warning raised while signing in (a short refresh token) stays on the card.
      return { ...view, phase: 'active', lastError: view.lastError?.code.startsWith('finesse.sso.') ? view.lastError : undefined };
    case 'reconnecting':
      if (view.phase !== 'active' && view.phase !== 'reconnecting') return view;
      return {
        ...view,
        phase: 'reconnecting',
        connection: {
          transport: 'xmpp',
          ...(view.connection?.lastEventAt ? { lastEventAt: view.connection.lastEventAt } : {}),
          reconnectAttempt: action.attempt,
          nextAttemptAt: action.nextAttemptAt,
          retryNow: true,
          ...(action.nextHost ? { nextHost: action.nextHost } : {}),
        },
      };
    case 'reconnected':
      if (view.phase !== 'reconnecting' && view.phase !== 'active') return view;
      return {
        ...withServerNote(view, action.serverNote),
        phase: 'active',
        server: action.server,
        connection: { transport: 'xmpp', ...(view.connection?.lastEventAt ? { lastEventAt: view.connection.lastEventAt } : {}) },
        lastError: view.lastError?.code.startsWith('finesse.xmpp') ? undefined : view.lastError,
      };
    case 'error':
      return { ...view, lastError: action.error };
    case 'clear-error':
      return view.lastError?.code.startsWith(action.codePrefix) ? { ...view, lastError: undefined } : view;
    case 'dialogs':
      return {
        ...view,
        calls: action.replace ? callsOf(action.dialogs, action.extension) : applyDialogs(view.calls ?? [], action.dialogs, action.event, action.extension),
      };
    case 'failed':
      // No channel any more: the calls shown could no longer be kept current.
      return { ...view, phase: 'failed', connection: { transport: 'none' }, lastError: action.error, calls: undefined };
    case 'signed-out':
      return { phase: 'signed-out', selectableStates: [] };
  }
}

/** The session card says when the node in use is one SystemInfo named, not the profile (issue 8 item 2). */
function withServerNote(view: SessionView, note: string | undefined): SessionView {
  const { serverNote: _old, ...rest } = view;
  return note ? { ...rest, serverNote: note } : rest;
}
