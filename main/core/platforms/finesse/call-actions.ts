// Finesse Dialog actions (protocols/finesse.md §4: PUT /finesse/api/Dialog/{id} with
// <Dialog><targetMediaAddress>ext</targetMediaAddress><requestedAction>…</requestedAction></Dialog> → 202).
// Pure steps: which Finesse action a contract action is, the request, the refusal, and when a
// dialog notification confirms it (the 202 alone is not success, §6 pitfall 3).
import type { Call, CallAction } from '../../../../preload/contract.ts';
import { PatchbayError } from '../../errors.ts';
import type { HttpResponse } from '../../net/types.ts';
import { apiErrorMessage, parseApiErrors } from './wire.ts';
import { escapeXml } from './xml.ts';

const TO_FINESSE: Record<CallAction, string> = { answer: 'ANSWER', hold: 'HOLD', retrieve: 'RETRIEVE', release: 'DROP' };
const FROM_FINESSE: Record<string, CallAction> = { ANSWER: 'answer', HOLD: 'hold', RETRIEVE: 'retrieve', DROP: 'release' };

/** The participant's Finesse actions → the contract's (others, e.g. TRANSFER, are not offered yet). */
export function callActionsOf(finesseActions: readonly string[] | undefined): CallAction[] {
  const out: CallAction[] = [];
  for (const a of finesseActions ?? []) {
    const mapped = FROM_FINESSE[a.toUpperCase()];
    if (mapped && !out.includes(mapped)) out.push(mapped);
  }
  return out;
}

export function dialogPath(id: string): string {
  return `/finesse/api/Dialog/${encodeURIComponent(id)}`;
}

/** The PUT for `action` on dialog `callId` from the agent's device. */
export function dialogActionRequest(callId: string, action: CallAction, extension: string): { path: string; body: string } {
  return {
    path: dialogPath(callId),
    body: `<Dialog><targetMediaAddress>${escapeXml(extension)}</targetMediaAddress><requestedAction>${TO_FINESSE[action]}</requestedAction></Dialog>`,
  };
}

/** Only what Finesse says the participant may do now is sent (issue 13 item 9). */
export function checkCallAction(calls: readonly Call[] | undefined, callId: string, action: CallAction): Call {
  const call = calls?.find((c) => c.id === callId);
  if (!call) throw new PatchbayError('call.unknown', 'This call has ended or is not yours.', { action: 'none', details: { callId } });
  if (!call.actions?.includes(action)) {
    throw new PatchbayError('call.action-not-allowed', `You cannot ${action} this call right now.`, { action: 'none', details: { callId, action, state: call.state } });
  }
  return call;
}

/** A non-2xx answer to the Dialog PUT (401 is handled by the session's rest step). */
export function dialogActionError(res: HttpResponse): PatchbayError | undefined {
  if (res.status === 202 || res.status === 200 || res.status === 204) return undefined;
  const message = apiErrorMessage(parseApiErrors(res.text()));
  if (res.status === 404) return new PatchbayError('call.unknown', 'This call has ended.', { action: 'none', details: { status: 404 } });
  return new PatchbayError('call.action-refused', message ? `Finesse refused the call action: ${message}` : 'Finesse refused the call action.', {
    action: 'none',
    details: { status: res.status },
  });
}

/** Whether the calls shown now reflect `action` on `callId` (release: the call is gone). */
export function callActionDone(calls: readonly Call[] | undefined, callId: string, action: CallAction): boolean {
  const call = calls?.find((c) => c.id === callId);
  if (action === 'release') return call === undefined;
  if (!call) return false;
  return action === 'hold' ? call.state === 'HELD' : call.state === 'ACTIVE';
}

interface CallWaiter {
  callId: string;
  action: CallAction;
  requestId: string;
  resolve: () => void;
  reject: (error: PatchbayError) => void;
}

/** Call actions waiting for the dialog notification that carries them (or their async CTI error). */
export class CallWaiters {
  private readonly waiters = new Set<CallWaiter>();

  expect(callId: string, action: CallAction, requestId: string, onSettled: () => void): { waiter: CallWaiter; outcome: Promise<void> } {
    let waiter!: CallWaiter;
    const outcome = new Promise<void>((resolve, reject) => {
      const settle = () => {
        this.waiters.delete(waiter);
        onSettled();
      };
      waiter = {
        callId,
        action,
        requestId,
        resolve: () => (settle(), resolve()),
        reject: (error) => (settle(), reject(error)),
      };
    });
    outcome.catch(() => undefined);
    this.waiters.add(waiter);
    return { waiter, outcome };
  }

  /** New calls shown: every waiter whose action they reflect resolves. */
  settle(calls: readonly Call[] | undefined): void {
    for (const w of [...this.waiters]) if (callActionDone(calls, w.callId, w.action)) w.resolve();
  }

  /** The session ended: nothing can confirm the actions any more. */
  rejectAll(error: PatchbayError): void {
    for (const w of [...this.waiters]) w.reject(error);
  }

  /** An async error with this request id: its waiter fails. Returns how many failed. */
  reject(error: PatchbayError, requestId: string | undefined): number {
    const matching = [...this.waiters].filter((w) => requestId !== undefined && requestId !== '' && w.requestId === requestId);
    for (const w of matching) w.reject(error);
    return matching.length;
  }
}
