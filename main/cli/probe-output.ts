// What `patchbay probe` prints (issue 14 item 4), as pure functions: one line per *change* of the
// session (no consecutive duplicates; the selectable-state list only when it changed), and one
// summary line a monitoring system can read alone (the last line).
import type { SelectableState, SessionState } from '../../preload/contract.ts';
import type { PatchbayError } from '../core/errors.ts';

export interface ProbeStep {
  step: 'sign-in' | 'resume' | 'set-state' | 'watch' | 'sign-out';
  ok: boolean;
  ms: number;
  /** Error code when the step failed. */
  code?: string;
}

export interface ProbeSummary {
  result: 'ok' | 'failed';
  /** The process exit code (0 ok, 1 check failed, 2 usage, 3 configuration). */
  code: number;
  signInMs: number | null;
  steps: ProbeStep[];
  /** 'signed-out' when the probe signed out what it signed in; 'stayed' with --stay; 'none' when nothing was signed in. */
  signedOut: 'signed-out' | 'stayed' | 'none' | 'failed';
  error?: { code: string; message: string };
}

/** What identifies a change: everything but the sequence number and the times that tick by themselves. */
function changeKey(state: SessionState): string {
  const { seq: _seq, updatedAt: _at, connection, ...rest } = state;
  const { lastEventAt: _last, ...conn } = connection ?? { transport: 'none' as const };
  return JSON.stringify({ ...rest, connection: connection ? conn : undefined });
}

/** Keeps the last printed state; `next` returns the line to print for a snapshot, or undefined when
 *  nothing changed. The JSON form drops `selectableStates` when it equals the last printed list. */
export class ChangePrinter {
  private lastKey: string | undefined;
  private lastStates: string | undefined;
  private lastToken: string | undefined;

  next(state: SessionState, format: 'json' | 'text'): string | undefined {
    const key = changeKey(state);
    if (key === this.lastKey) return undefined;
    this.lastKey = key;
    const statesJson = JSON.stringify(state.selectableStates);
    const statesChanged = statesJson !== this.lastStates;
    this.lastStates = statesJson;
    const tokenJson = state.token?.expiresAt;
    const refreshed = this.lastToken !== undefined && tokenJson !== undefined && tokenJson !== this.lastToken;
    if (tokenJson !== undefined) this.lastToken = tokenJson;
    if (format === 'json') {
      const { selectableStates, ...rest } = state;
      return JSON.stringify(statesChanged ? { ...rest, selectableStates } : rest);
    }
    const parts = [state.updatedAt, state.phase];
    if (state.agent) parts.push(state.agent.label + (state.agent.reason ? ` (${state.agent.reason})` : ''));
    if (state.server) parts.push(`on ${state.server}`);
    if (refreshed) parts.push(`token refreshed, valid until ${tokenJson}`);
    if (state.lastError) parts.push(`— ${state.lastError.message}`);
    return parts.join(' ');
  }
}

/** "Choose a reason for Not Ready." becomes a line that names --reason and the valid ids. */
export function explainStateError(error: PatchbayError, states: readonly SelectableState[], stateId: string): string {
  if (!/reason/.test(error.code)) return error.message;
  const target = states.find((s) => s.id === stateId || s.label === stateId);
  const reasons = target?.reasons ?? states.flatMap((s) => s.reasons);
  if (reasons.length === 0) return `${error.message} Give one with --reason ID.`;
  const list = reasons.map((r) => `${r.id} (${r.label})`).join(', ');
  return `${error.message.replace(/\.$/, '')}: give --reason ID, one of ${list}.`;
}

/** Issue 13 item 6: the Logout reason IT gave (`--logout-reason`, an id or a label), checked against
 *  the reasons the platform offers for signing out. Never a default: without the option, or with one
 *  the platform does not offer, the sign-out goes without a reason (and the second case says why). */
export function logoutReasonFor(given: string | undefined, states: readonly SelectableState[]): { reasonCodeId?: string; problem?: string } {
  if (given === undefined) return {};
  const reasons = states.find((s) => s.signsOut === true)?.reasons ?? [];
  if (reasons.length === 0) return { problem: `--logout-reason ${given}: this contact center offers no Logout reasons; signed out without one.` };
  const wanted = given.trim().toLowerCase();
  const match = reasons.find((r) => r.id.toLowerCase() === wanted) ?? reasons.find((r) => r.label.toLowerCase() === wanted);
  if (match) return { reasonCodeId: match.id };
  return { problem: `--logout-reason ${given} is not offered; signed out without a reason. Give one of ${reasons.map((r) => `${r.id} (${r.label})`).join(', ')}.` };
}

/** "Unknown state" becomes a line listing the ids the agent may choose. */
export function explainUnknownState(message: string, states: readonly SelectableState[]): string {
  if (states.length === 0) return message;
  return `${message.replace(/\.$/, '')} — choose one of: ${states.map((s) => (s.id === s.label ? s.id : `${s.id} (${s.label})`)).join(', ')}.`;
}

export function summaryLine(summary: ProbeSummary): string {
  return JSON.stringify(summary);
}
