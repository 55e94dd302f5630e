// Issue 13 item 6: one sign-out behaviour. Where the platform signs out with a reason (Finesse
// Logout reason codes: the selectable state that signs out, with reasons), every sign-out control —
// the card's Sign out and the state picker's Logout — asks for it, and none is picked for the agent
// (no default reason).
import type { SelectableState } from '../../preload/contract.ts';

export interface SignOutReasons {
  reasons: SelectableState['reasons'];
  required: boolean;
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
