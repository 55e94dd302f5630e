// Issue 13 item 6: one sign-out behaviour. Where the platform signs out with a reason (Finesse
// Logout reason codes: the selectable state of kind 'logged-out' with reasons), every sign-out
// control asks for it, and none is picked for the agent (no default reason).
import type { SelectableState } from '../../preload/contract.ts';

export interface SignOutReasons {
  reasons: SelectableState['reasons'];
  required: boolean;
}

/** The reasons a sign-out must ask for, or undefined when the platform takes none. */
export function signOutReasons(states: readonly SelectableState[]): SignOutReasons | undefined {
  const logout = states.find((state) => state.kind === 'logged-out' && state.reasons.length > 0);
  return logout ? { reasons: logout.reasons, required: logout.reasonRequired } : undefined;
}

/** The reason to send: only one of the offered ids the agent chose; '' (nothing chosen) sends none. */
export function pickedReason(choice: string, asked: SignOutReasons | undefined): string | undefined {
  if (!asked || choice === '') return undefined;
  return asked.reasons.some((reason) => reason.id === choice) ? choice : undefined;
}
