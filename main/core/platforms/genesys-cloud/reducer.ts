// The one place a Genesys Cloud session's view (and its phase) changes (DESIGN.md conventions).
import type { AgentState, Call, ContractError, SelectableState } from '../../../../preload/contract.ts';
import type { SessionView } from '../platform.ts';

export type GenesysCloudAction =
  | { type: 'connecting'; server: string }
  /** The login page is shown to the agent (system browser or sign-in window). */
  | { type: 'awaiting-user' }
  | { type: 'signing-in' }
  | { type: 'connected'; userDisplayName?: string }
  | { type: 'states'; states: SelectableState[] }
  | { type: 'agent'; agent: AgentState }
  | { type: 'calls'; calls: Call[] }
  | { type: 'event'; at: string }
  | { type: 'token'; expiresAt?: string; refreshAt?: string }
  | { type: 'active' }
  | { type: 'reconnecting'; attempt: number; nextAttemptAt: string }
  | { type: 'reconnected' }
  /** Shown without changing the phase (a renewal warning, a refused state change). */
  | { type: 'error'; error: ContractError }
  | { type: 'clear-error'; codePrefix: string }
  /** GC-09: the sign-in could not be renewed. The last known state stays on screen marked not
   *  current; nothing runs any more until the agent signs in. */
  | { type: 'auth-lost'; error: ContractError }
  /** GC-09: the token lapsed while a visible sign-in runs: state stale, the session not ended. */
  | { type: 'auth-pending'; error: ContractError }
  | { type: 'failed'; error: ContractError }
  | { type: 'signed-out' };

export function reduce(view: SessionView, action: GenesysCloudAction): SessionView {
  switch (action.type) {
    case 'connecting':
      return { phase: 'signing-in', server: action.server, selectableStates: [], connection: { transport: 'none' } };
    case 'awaiting-user':
      return view.phase === 'signing-in' ? { ...view, phase: 'awaiting-user' } : view;
    case 'signing-in':
      return view.phase === 'awaiting-user' ? { ...view, phase: 'signing-in' } : view;
    case 'connected':
      return {
        ...view,
        ...(action.userDisplayName ? { userDisplayName: action.userDisplayName } : {}),
        connection: { transport: 'websocket', ...(view.connection?.lastEventAt ? { lastEventAt: view.connection.lastEventAt } : {}) },
      };
    case 'states':
      return { ...view, selectableStates: action.states };
    case 'agent':
      return { ...view, agent: action.agent };
    case 'calls':
      return { ...view, calls: action.calls };
    case 'event':
      return { ...view, connection: { ...(view.connection ?? { transport: 'websocket' }), lastEventAt: action.at } };
    case 'token': {
      const token = {
        ...(action.expiresAt ? { expiresAt: action.expiresAt } : {}),
        ...(action.refreshAt ? { refreshAt: action.refreshAt } : {}),
      };
      return { ...view, token };
    }
    case 'active':
      return { ...view, phase: 'active', lastError: undefined };
    case 'reconnecting':
      if (view.phase !== 'active' && view.phase !== 'reconnecting') return view;
      return {
        ...view,
        phase: 'reconnecting',
        connection: {
          transport: 'websocket',
          ...(view.connection?.lastEventAt ? { lastEventAt: view.connection.lastEventAt } : {}),
          reconnectAttempt: action.attempt,
          nextAttemptAt: action.nextAttemptAt,
        },
      };
    case 'reconnected':
      if (view.phase !== 'reconnecting' && view.phase !== 'active') return view;
      return {
        ...view,
        phase: 'active',
        connection: { transport: 'websocket', ...(view.connection?.lastEventAt ? { lastEventAt: view.connection.lastEventAt } : {}) },
        lastError: view.lastError?.code.startsWith('genesys-cloud.notifications') ? undefined : view.lastError,
      };
    case 'error':
      return { ...view, lastError: action.error };
    case 'clear-error':
      return view.lastError?.code.startsWith(action.codePrefix) ? { ...view, lastError: undefined } : view;
    case 'auth-lost':
      if (view.phase === 'signed-out') return view;
      return {
        ...view,
        phase: 'failed',
        connection: { transport: 'none', ...(view.connection?.lastEventAt ? { lastEventAt: view.connection.lastEventAt } : {}) },
        ...(view.agent ? { agent: { ...view.agent, stale: true, quickAction: undefined } } : {}),
        selectableStates: [],
        calls: undefined,
        token: undefined,
        lastError: action.error,
      };
    case 'auth-pending':
      if (view.phase === 'signed-out') return view;
      return {
        ...view,
        connection: { transport: 'none', ...(view.connection?.lastEventAt ? { lastEventAt: view.connection.lastEventAt } : {}) },
        ...(view.agent ? { agent: { ...view.agent, stale: true, quickAction: undefined } } : {}),
        token: undefined,
        lastError: action.error,
      };
    case 'failed':
      return { ...view, phase: 'failed', connection: { transport: 'none' }, lastError: action.error, calls: undefined, agent: undefined };
    case 'signed-out':
      return { phase: 'signed-out', selectableStates: [] };
  }
}
