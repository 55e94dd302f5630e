// Finesse states → the common agent-state model (protocols/finesse.md §4; DG125 68 state list).
import type { AgentState, AgentStateKind, SelectableState } from '../../../../preload/contract.ts';
import type { FinesseUser, ReasonCode } from './wire.ts';

const KIND: Record<string, AgentStateKind> = {
  READY: 'ready',
  NOT_READY: 'not-ready',
  LOGOUT: 'logged-out',
  TALKING: 'busy',
  HOLD: 'busy',
  RESERVED: 'busy',
  RESERVED_OUTBOUND: 'busy',
  RESERVED_OUTBOUND_PREVIEW: 'busy',
  WORK: 'busy',
  WORK_READY: 'busy',
  UNKNOWN: 'unknown',
};

const LABEL: Record<string, string> = {
  READY: 'Ready',
  NOT_READY: 'Not Ready',
  LOGOUT: 'Signed out',
  TALKING: 'Talking',
  HOLD: 'On hold',
  RESERVED: 'Reserved',
  RESERVED_OUTBOUND: 'Reserved (outbound)',
  RESERVED_OUTBOUND_PREVIEW: 'Reserved (outbound preview)',
  WORK: 'Wrap-up',
  WORK_READY: 'Wrap-up (then Ready)',
  UNKNOWN: 'Unknown',
};

export function kindOf(state: string): AgentStateKind {
  return KIND[state.toUpperCase()] ?? 'unknown';
}

export function labelOf(state: string): string {
  return LABEL[state.toUpperCase()] ?? state;
}

/** The agent's state for the view; the reason label comes from the User's ReasonCode or the
 *  known reason-code lists (the XMPP update may carry only reasonCodeId). */
export function agentStateOf(user: FinesseUser, reasonCodes: readonly ReasonCode[] = []): AgentState {
  const state = user.state.toUpperCase();
  const kind = kindOf(state);
  let reason: string | undefined;
  if ((state === 'NOT_READY' || state === 'LOGOUT') && user.reasonCodeId) {
    reason = user.reasonCode?.label ?? reasonCodes.find((r) => r.id === user.reasonCodeId || r.code === user.reasonCodeId)?.label;
  }
  const since = user.stateChangeTime && !Number.isNaN(Date.parse(user.stateChangeTime)) ? new Date(user.stateChangeTime).toISOString() : undefined;
  return {
    kind,
    stateId: state,
    label: labelOf(state),
    ...(reason ? { reason } : {}),
    ...(since ? { since } : {}),
  };
}

/** What the agent may pick: Ready, Not Ready (reason required when the server has codes, §4),
 *  Sign out (with its reasons). */
export function selectableStates(notReady: readonly ReasonCode[], logout: readonly ReasonCode[]): SelectableState[] {
  const reasons = (codes: readonly ReasonCode[]) => codes.map((c) => ({ id: c.id, label: c.label }));
  return [
    { id: 'READY', label: LABEL.READY!, kind: 'ready', reasons: [], reasonRequired: false },
    { id: 'NOT_READY', label: LABEL.NOT_READY!, kind: 'not-ready', reasons: reasons(notReady), reasonRequired: notReady.length > 0 },
    // signsOut: the app's one sign-out takes this choice and asks for its reasons (issue 13 item 6);
    // required when the server has Logout codes (it may refuse a bare LOGOUT: require_reasoncode).
    { id: 'LOGOUT', label: 'Sign out', kind: 'logged-out', reasons: reasons(logout), reasonRequired: logout.length > 0, signsOut: true },
  ];
}
