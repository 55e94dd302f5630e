// The one place a GWS session's view (and its phase) changes (DESIGN.md conventions).
import type { AgentState, Call, ContractError, SelectableState } from '../../../../preload/contract.ts';
import type { SessionView } from '../platform.ts';

export type GwsAction =
  | { type: 'connecting'; server: string }
  /** The LoginWindow is open on the IdP's (or Salesforce's) page, waiting for the agent. */
  | { type: 'awaiting-user' }
  | { type: 'signed-in'; server: string; userDisplayName?: string }
  | { type: 'states'; states: SelectableState[] }
  | { type: 'agent'; agent: AgentState }
  | { type: 'calls'; calls: Call[] }
  | { type: 'link-up'; at: string }
  | { type: 'event'; at: string }
  | { type: 'active' }
  /** A failed command or a partial success: the session carries on and shows what went wrong. */
  | { type: 'error'; error: ContractError }
  | { type: 'clear-error' }
  | { type: 'reconnecting'; error: ContractError; attempt: number }
  | { type: 'failed'; error: ContractError }
  | { type: 'signed-out' };

export function reduce(view: SessionView, action: GwsAction): SessionView {
  switch (action.type) {
    case 'connecting':
      return { phase: 'signing-in', server: action.server, selectableStates: [], connection: { transport: 'none' } };
    case 'awaiting-user':
      return { ...view, phase: 'awaiting-user' };
    case 'signed-in':
      return { ...view, phase: 'signing-in', server: action.server, ...(action.userDisplayName ? { userDisplayName: action.userDisplayName } : {}) };
    case 'states':
      return { ...view, selectableStates: action.states };
    case 'agent':
      return { ...view, agent: action.agent };
    case 'calls':
      return { ...view, calls: action.calls };
    case 'link-up':
      return { ...view, connection: { transport: 'cometd', lastEventAt: action.at } };
    case 'event':
      return { ...view, connection: { ...(view.connection ?? { transport: 'cometd' }), lastEventAt: action.at } };
    case 'active':
      return { ...view, phase: 'active', lastError: undefined };
    case 'error':
      return { ...view, lastError: action.error };
    case 'clear-error':
      return { ...view, lastError: undefined };
    case 'reconnecting':
      // The agent state stays on screen (marked by the phase) until the server confirms it again.
      return { ...view, phase: 'reconnecting', lastError: action.error, connection: { transport: 'none', reconnectAttempt: action.attempt } };
    case 'failed':
      return { ...view, phase: 'failed', connection: { transport: 'none' }, lastError: action.error };
    case 'signed-out':
      return { phase: 'signed-out', selectableStates: [] };
  }
}
