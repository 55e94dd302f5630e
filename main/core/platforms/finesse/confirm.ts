// Send-then-confirm-by-notification (protocols/finesse.md §4, §6 pitfall 3): Finesse answers a state
// change or a dialog action with 202, and only the XMPP notification (or its async CTI error) says
// what happened. Agent state changes and call actions share the one step.
import { randomUUID } from 'node:crypto';
import type { Call, CallAction } from '../../../../preload/contract.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { AgentRecord } from './agent-record.ts';
import { CallWaiters, checkCallAction, dialogActionError, dialogActionRequest } from './call-actions.ts';
import { stateChangeError } from './rest.ts';
import { StateWaiters } from './state-waiters.ts';
import type { Rest } from './user.ts';
import { userPath, type FinesseUser } from './wire.ts';

export interface ConfirmSteps {
  /** Registers the waiter; `onSettled` cancels the confirm timer once a notification settles it. */
  expect: (onSettled: () => void) => { waiter: { reject(error: PatchbayError): void }; outcome: Promise<void> };
  /** Sends the request; returns the refusal, if any. */
  send: () => Promise<PatchbayError | undefined>;
  /** After the confirm timeout: read the server (which may settle the waiter first). */
  recheck: () => Promise<unknown>;
  /** The failure when the recheck did not settle it. */
  unconfirmed: () => PatchbayError;
}

/** PUT → 202, then the outcome from the notification; a missing notification is checked with a
 *  read after `timeoutMs` and fails as `unconfirmed` unless the read settled it. */
export async function confirmByNotification(clock: Clock, timeoutMs: number, steps: ConfirmSteps): Promise<void> {
  const pending: { timer?: TimerHandle; settled?: boolean } = {};
  const { waiter, outcome } = steps.expect(() => {
    pending.settled = true;
    pending.timer?.cancel();
  });
  try {
    const refused = await steps.send();
    if (refused) throw refused;
  } catch (error) {
    waiter.reject(toPatchbayError(error));
    return outcome;
  }
  // The notification (or the session's end) may come before the 202: then nothing is left to check,
  // and no read may go out after the session is over.
  if (pending.settled) return outcome;
  pending.timer = clock.setTimeout(() => {
    steps.recheck().then(
      () => waiter.reject(steps.unconfirmed()),
      (error: unknown) => waiter.reject(toPatchbayError(error)),
    );
  }, timeoutMs);
  return outcome;
}

export interface ConfirmedRequestsDeps {
  clock: Clock;
  confirmTimeoutMs: number;
  rest: Rest;
  /** The agent (loginId, extension, User reads, dialogs). */
  record: AgentRecord;
  /** The calls on the view now. */
  calls(): readonly Call[] | undefined;
}

/** Agent state changes and call actions in flight, each waiting for its notification. */
export class ConfirmedRequests {
  private readonly deps: ConfirmedRequestsDeps;
  private readonly states = new StateWaiters();
  private readonly callWaiters = new CallWaiters();

  constructor(deps: ConfirmedRequestsDeps) {
    this.deps = deps;
  }

  /** PUT User → 202, then the outcome from the notification (or its async CTI error); the 202 alone is
   *  not success (§6 pitfall 3). A missing notification is checked with a GET. */
  changeState(target: string, body: string): Promise<void> {
    const { record, rest } = this.deps;
    const requestId = randomUUID();
    return confirmByNotification(this.deps.clock, this.deps.confirmTimeoutMs, {
      expect: (onSettled) => this.states.expect(target, requestId, onSettled),
      send: async () => stateChangeError(await rest('PUT', userPath(record.requireUserId()), body, { requestId })),
      // No notification in time: ask the server what happened.
      recheck: () => record.readUser(),
      unconfirmed: () => new PatchbayError('finesse.state.unconfirmed', 'Finesse accepted the change but did not carry it out.', { action: 'retry' }),
    });
  }

  /** PUT Dialog → 202, then confirmed by the dialog notification (or its async CTI error), like a
   *  state change; nothing is shown before Finesse confirms it (issue 13 item 9). */
  actOnCall(callId: string, action: CallAction): Promise<void> {
    const { record, rest } = this.deps;
    checkCallAction(this.deps.calls(), callId, action);
    const extension = record.extension;
    if (!extension) throw new PatchbayError('call.no-extension', 'Sign in with an extension to act on calls.', { action: 'none' });
    const requestId = randomUUID();
    const { path, body } = dialogActionRequest(callId, action, extension);
    return confirmByNotification(this.deps.clock, this.deps.confirmTimeoutMs, {
      expect: (onSettled) => this.callWaiters.expect(callId, action, requestId, onSettled),
      send: async () => dialogActionError(await rest('PUT', path, body, { requestId })),
      // No notification in time: read the calls, then either it happened or it did not.
      recheck: async () => {
        await record.readDialogs();
        this.callWaiters.settle(this.deps.calls());
      },
      unconfirmed: () => new PatchbayError('call.unconfirmed', 'Finesse accepted the call action but did not carry it out.', { action: 'retry' }),
    });
  }

  /** A User read or notified settles the state changes it carries. */
  settleUser(user: FinesseUser): void {
    this.states.settle(user);
  }

  /** The calls changed: the call actions they carry out are confirmed. */
  settleCalls(): void {
    this.callWaiters.settle(this.deps.calls());
  }

  /** An async CTI error: fails the requests it names (all when it names none); how many failed. */
  reject(error: PatchbayError, requestId: string | undefined): number {
    return this.states.reject(error, requestId) + this.callWaiters.reject(error, requestId);
  }

  /** The session ended: nothing waits any more. */
  rejectAll(error: PatchbayError): void {
    this.states.reject(error);
    this.callWaiters.rejectAll(error);
  }
}
