// Finesse dialogs → the contract's calls (protocols/finesse.md §4 Dialogs, §5 dialog updates):
// pure, so the reducer and its tests share one mapping. Only addresses, states and times — no secret.
import type { Call } from '../../../../preload/contract.ts';
import { callActionsOf } from './call-actions.ts';
import type { FinesseDialog } from './wire.ts';

/** A dialog in one of these states (for the dialog or for the agent's own participant) is over. */
const ENDED_STATES = new Set(['DROPPED', 'FAILED', 'WRAP_UP']);

function agentParticipant(dialog: FinesseDialog, extension: string | undefined) {
  if (extension) return dialog.participants.find((p) => p.mediaAddress === extension);
  return dialog.participants.length === 1 ? dialog.participants[0] : undefined;
}

function isoOrUndefined(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** Whether the agent is no longer on this dialog. */
export function dialogEnded(dialog: FinesseDialog, extension: string | undefined): boolean {
  if (dialog.state && ENDED_STATES.has(dialog.state)) return true;
  const me = agentParticipant(dialog, extension);
  return me?.state !== undefined && ENDED_STATES.has(me.state);
}

export function callOf(dialog: FinesseDialog, extension: string | undefined): Call {
  const me = agentParticipant(dialog, extension);
  const callType = dialog.callType ?? '';
  // callType first (ACD_IN's toAddress is often the dialled number, not the agent's extension).
  const direction: Call['direction'] = /(^|_)IN$/.test(callType)
    ? 'inbound'
    : /^OUT/.test(callType)
      ? 'outbound'
      : extension && dialog.toAddress === extension
        ? 'inbound'
        : extension && dialog.fromAddress === extension
          ? 'outbound'
          : 'unknown';
  const since = isoOrUndefined(me?.startTime);
  // Only what Finesse says the agent's participant may do now (issue 13 item 9).
  const actions = callActionsOf(me?.actions);
  return {
    id: dialog.id,
    direction,
    ...(dialog.fromAddress ? { from: dialog.fromAddress } : {}),
    ...(dialog.toAddress ? { to: dialog.toAddress } : {}),
    state: me?.state ?? dialog.state ?? 'UNKNOWN',
    ...(since ? { since } : {}),
    ...(actions.length > 0 ? { actions } : {}),
  };
}

/** Applies one dialog notification (event POST/PUT/DELETE) to the calls shown. */
export function applyDialogs(calls: readonly Call[], dialogs: readonly FinesseDialog[], event: string | undefined, extension: string | undefined): Call[] {
  const next = [...calls];
  for (const dialog of dialogs) {
    const at = next.findIndex((c) => c.id === dialog.id);
    if (event === 'DELETE' || dialogEnded(dialog, extension)) {
      if (at >= 0) next.splice(at, 1);
    } else if (at >= 0) {
      next[at] = callOf(dialog, extension);
    } else {
      next.push(callOf(dialog, extension));
    }
  }
  return next;
}

/** The full list (GET User/{id}/Dialogs): every dialog the agent is still on. */
export function callsOf(dialogs: readonly FinesseDialog[], extension: string | undefined): Call[] {
  return applyDialogs([], dialogs, undefined, extension);
}
