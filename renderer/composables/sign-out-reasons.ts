// Issue 13 item 6: one sign-out behaviour. Where the platform signs out with a reason (Finesse
// Logout reason codes: the selectable state that signs out, with reasons), every sign-out control —
// the card's Sign out and the state picker's Logout — asks for it, and none is picked for the agent
// (no default reason).
import type { SelectableState } from '../../preload/contract.ts';

export interface SignOutReasons {
  reasons: SelectableState['reasons'];
  required: boolean;
  /** The platform signs out only from Not Ready (Finesse UCCE, refused before anything was sent):
   *  the agent's Not Ready reason is asked too, never picked for them. */
  notReady?: { stateId: string; label: string; reasons: SelectableState['reasons']; required: boolean };
  /** The Logout reason the agent already chose, kept when the ask comes back for Not Ready. */
  chosen?: string;
}

/** Issue 13 item 6, UCCE Ready → Logout: the platform refused the sign-out, nothing sent, until the
 *  agent is Not Ready. The Not Ready state to ask about, if that was the refusal. */
export function notReadyFirst(code: string, states: readonly SelectableState[]): SignOutReasons['notReady'] {
  if (!code.endsWith('sign-out.not-ready-first')) return undefined;
  const state = states.find((s) => s.kind === 'not-ready');
  return state ? { stateId: state.id, label: state.label, reasons: state.reasons, required: state.reasonRequired } : undefined;
}

/** The state whose choice is a sign-out (Finesse LOGOUT), if the platform offers one. */
export function signOutState(states: readonly SelectableState[]): SelectableState | undefined {
  return states.find((state) => state.signsOut === true);
}

/** The reasons a sign-out must ask for, or undefined when the platform takes none. */
export function signOutReasons(states: readonly SelectableState[]): SignOutReasons | undefined {
  const logout = signOutState(states);
  return logout && logout.reasons.length > 0 ? { reasons: logout.reasons, required: logout.reasonRequired } : undefined;
}

/** The reason to send: only one of the offered ids the agent chose; '' (nothing chosen) sends none. */
export function pickedReason(choice: string, asked: SignOutReasons | undefined): string | undefined {
  if (!asked || choice === '') return undefined;
  return asked.reasons.some((reason) => reason.id === choice) ? choice : undefined;
}
