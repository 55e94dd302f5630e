// The one place an ICWS session's view (and its phase) changes (DESIGN.md conventions).
import type { AgentState, ContractError, SelectableState } from '../../../../preload/contract.ts';
import type { SessionView } from '../platform.ts';

export type IcwsAction =
  | { type: 'connecting'; server: string }
  /** The LoginWindow is open on the IdP's page, waiting for the agent (DESIGN.md "One sign-in"). */
  | { type: 'awaiting-user' }
  | { type: 'connected'; server: string; userDisplayName?: string; transport: 'sse' | 'polling' }
  | { type: 'states'; states: SelectableState[] }
  | { type: 'agent'; agent: AgentState }
  | { type: 'event'; at: string }
  | { type: 'active' }
  | { type: 'error'; error: ContractError }
  | { type: 'failed'; error: ContractError }
  | { type: 'reconnecting'; error: ContractError; attempt: number; nextAttemptAt?: string; nextHost?: string }
  | { type: 'signed-out' };

export function reduce(view: SessionView, action: IcwsAction): SessionView {
  switch (action.type) {
    case 'connecting':
      return { phase: 'signing-in', server: action.server, selectableStates: [], connection: { transport: 'none' } };
    case 'awaiting-user':
      return { ...view, phase: 'awaiting-user' };
    case 'connected':
      return {
        ...view,
        server: action.server,
        ...(action.userDisplayName ? { userDisplayName: action.userDisplayName } : {}),
        connection: { transport: action.transport },
        lastError: undefined,
      };
    case 'states':
      return { ...view, selectableStates: action.states };
    case 'agent':
      return { ...view, agent: action.agent };
    case 'event':
      return { ...view, connection: { ...(view.connection ?? { transport: 'none' }), lastEventAt: action.at } };
    case 'active':
      return { ...view, phase: 'active', lastError: undefined };
    case 'error':
      // A failed command leaves the session as it is and shows what went wrong.
      return { ...view, lastError: action.error };
    case 'failed':
      return { ...view, phase: 'failed', connection: { transport: 'none' }, lastError: action.error };
    case 'reconnecting':
      // The agent state stays on screen (marked by the phase) until the server confirms it again.
      return {
        ...view,
        phase: 'reconnecting',
        lastError: action.error,
        connection: {
          transport: 'none',
          reconnectAttempt: action.attempt,
          ...(action.nextAttemptAt ? { nextAttemptAt: action.nextAttemptAt } : {}),
          ...(action.nextHost ? { nextHost: action.nextHost } : {}),
        },
      };
    case 'signed-out':
      return { phase: 'signed-out', selectableStates: [] };
  }
}
