// Send-then-confirm (protocols/finesse.md §4, §6 pitfall 3): a state change or call action is done
// only when its notification says so; a refusal fails it at once; without a notification in time the
// server is read and the change fails as unconfirmed unless the read shows it. Fake clock, fake REST.
import { describe, expect, it } from 'vitest';
import type { Call } from '../../../../../preload/contract.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import type { AgentRecord } from '../../../../../main/core/platforms/finesse/agent-record.ts';
import { confirmByNotification, ConfirmedRequests, type ConfirmSteps } from '../../../../../main/core/platforms/finesse/confirm.ts';
import type { RestOptions } from '../../../../../main/core/platforms/finesse/rest.ts';
import type { FinesseUser } from '../../../../../main/core/platforms/finesse/wire.ts';
import { rejection } from '../../../../helpers/errors.ts';

const res = (status: number, body = ''): HttpResponse => ({ status, headers: {}, text: () => body }) as unknown as HttpResponse;

async function outcomeOf(promise: Promise<void>): Promise<'pending' | 'resolved' | PatchbayError> {
  let result: 'pending' | 'resolved' | PatchbayError = 'pending';
  void promise.then(
    () => (result = 'resolved'),
    (e: PatchbayError) => (result = e),
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return result;
}

/** Steps around one deferred waiter, counting what the confirm step asks for. */
function steps(send: ConfirmSteps['send'], recheck: (settle: () => void) => Promise<unknown> = async () => undefined) {
  const seen = { sends: 0, rechecks: 0, settledCalls: 0 };
  let settleNow!: () => void;
  const s: ConfirmSteps = {
    expect: (onSettled) => {
      let resolveIt!: () => void;
      let rejectIt!: (e: PatchbayError) => void;
      let done = false;
      const outcome = new Promise<void>((resolve, reject) => {
        resolveIt = resolve;
        rejectIt = reject;
      });
      outcome.catch(() => undefined);
      settleNow = () => {
        if (done) return;
        done = true;
        seen.settledCalls += 1;
        onSettled();
        resolveIt();
      };
      return {
        waiter: {
          reject: (e) => {
            if (done) return;
            done = true;
            onSettled();
            rejectIt(e);
          },
        },
        outcome,
      };
    },
    send: () => {
      seen.sends += 1;
      return send();
    },
    recheck: () => {
      seen.rechecks += 1;
      return recheck(() => settleNow());
    },
    unconfirmed: () => new PatchbayError('test.unconfirmed', 'not carried out', { action: 'retry' }),
  };
  return { s, seen, settle: () => settleNow() };
}

describe('confirmByNotification [§6 pitfall 3]', () => {
  it('is done only when the notification settles it, and then reads nothing and leaves no timer', async () => {
    const clock = new FakeClock();
    const { s, seen, settle } = steps(async () => undefined);
    const outcome = confirmByNotification(clock, 5000, s);
    await clock.advance(4000);
    expect(await outcomeOf(outcome)).toBe('pending');
    settle();
    expect(await outcomeOf(outcome)).toBe('resolved');
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(10_000);
    expect(seen.rechecks).toBe(0);
  });

  it('a notification that arrives before the 202 settles it: no read after the timeout, no timer left', async () => {
    const clock = new FakeClock();
    let answer!: () => void;
    const late = steps(() => new Promise<undefined>((resolve) => (answer = () => resolve(undefined))));
    const outcome = confirmByNotification(clock, 5000, late.s);
    late.settle();
    answer();
    expect(await outcomeOf(outcome)).toBe('resolved');
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(10_000);
    expect(late.seen.rechecks).toBe(0);
  });

  it('fails at once with the refusal of the request, starting no timer', async () => {
    const clock = new FakeClock();
    const { s, seen } = steps(async () => new PatchbayError('finesse.state.rejected', 'no'));
    const error = await rejection(confirmByNotification(clock, 5000, s));
    expect(error.code).toBe('finesse.state.rejected');
    expect(clock.pendingTimers()).toBe(0);
    expect(seen.rechecks).toBe(0);
  });

  it('fails with a typed error when the request itself throws', async () => {
    const clock = new FakeClock();
    const typed = steps(async () => {
      throw new PatchbayError('net.unreachable', 'down');
    });
    expect((await rejection(confirmByNotification(clock, 5000, typed.s))).code).toBe('net.unreachable');
    const untyped = steps(async () => {
      throw new TypeError('boom');
    });
    expect((await rejection(confirmByNotification(clock, 5000, untyped.s))).code).toBe('internal.unexpected');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('without a notification reads the server after exactly the timeout, and fails as unconfirmed when the read does not settle it', async () => {
    const clock = new FakeClock();
    const { s, seen } = steps(async () => undefined);
    const outcome = confirmByNotification(clock, 5000, s);
    await clock.advance(4999);
    expect(seen.rechecks).toBe(0);
    await clock.advance(1);
    expect(seen.rechecks).toBe(1);
    const error = await outcomeOf(outcome);
    expect(error).toBeInstanceOf(PatchbayError);
    expect((error as PatchbayError).code).toBe('test.unconfirmed');
  });

  it('is done when the late read shows the change, and fails with the read\'s own error when it fails', async () => {
    const clock = new FakeClock();
    const shown = steps(async () => undefined, async (settle) => settle());
    const outcome = confirmByNotification(clock, 5000, shown.s);
    await clock.advance(5000);
    expect(await outcomeOf(outcome)).toBe('resolved');

    const failing = steps(async () => undefined, async () => {
      throw new PatchbayError('finesse.user.failed', 'no user');
    });
    const failed = confirmByNotification(clock, 5000, failing.s);
    await clock.advance(5000);
    expect(((await outcomeOf(failed)) as PatchbayError).code).toBe('finesse.user.failed');
    const untyped = steps(async () => undefined, async () => {
      throw new Error('x');
    });
    const odd = confirmByNotification(clock, 5000, untyped.s);
    await clock.advance(5000);
    expect(((await outcomeOf(odd)) as PatchbayError).code).toBe('internal.unexpected');
  });
});

interface Sent {
  method: string;
  path: string;
  body: string | undefined;
  options: RestOptions | undefined;
}

function harness(opts: { answer?: HttpResponse; calls?: Call[]; extension?: string | undefined; userId?: string } = {}) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const reads = { user: 0, dialogs: 0 };
  const view: { calls: Call[] | undefined } = { calls: opts.calls };
  const afterDialogRead: { calls?: Call[] } = {};
  const record = {
    extension: 'extension' in opts ? opts.extension : '1001',
    requireUserId: () => {
      if (!opts.userId && opts.userId !== undefined) throw new PatchbayError('session.not-active', 'Sign in first.');
      return opts.userId ?? 'agent 7';
    },
    readUser: async (): Promise<FinesseUser> => {
      reads.user += 1;
      return { state: 'NOT_READY', roles: [] };
    },
    readDialogs: async () => {
      reads.dialogs += 1;
      if (afterDialogRead.calls) view.calls = afterDialogRead.calls;
    },
  } as unknown as AgentRecord;
  const requests = new ConfirmedRequests({
    clock,
    confirmTimeoutMs: 3000,
    rest: async (method, path, body, options) => {
      sent.push({ method, path, body, options });
      return opts.answer ?? res(202);
    },
    record,
    calls: () => view.calls,
  });
  return { clock, sent, reads, view, afterDialogRead, requests };
}

const call = (state: string, actions: Call['actions'] = ['hold', 'release']): Call => ({ id: 'D1', direction: 'inbound', state, actions });

describe('ConfirmedRequests: agent state changes [§4, §6 pitfall 3]', () => {
  it('PUTs the body to the agent\'s User with a request id, and is done only when the User update carries the state', async () => {
    const { sent, requests } = harness();
    const done = requests.changeState('NOT_READY', '<User><state>NOT_READY</state></User>');
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'PUT', path: '/finesse/api/User/agent%207', body: '<User><state>NOT_READY</state></User>' });
    expect(sent[0]!.options?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    requests.settleUser({ state: 'READY', roles: [] });
    expect(await outcomeOf(done)).toBe('pending');
    requests.settleUser({ state: 'NOT_READY', roles: [] });
    expect(await outcomeOf(done)).toBe('resolved');
  });

  it('gives each change its own request id, and an async error fails only the change it names [DG125 22]', async () => {
    const { sent, requests } = harness();
    const a = requests.changeState('READY', 'a');
    const b = requests.changeState('NOT_READY', 'b');
    await Promise.resolve();
    const [idA, idB] = sent.map((s) => s.options?.requestId);
    expect(idA).not.toBe(idB);
    expect(requests.reject(new PatchbayError('finesse.state.rejected', 'CTI'), idB)).toBe(1);
    expect(((await outcomeOf(b)) as PatchbayError).code).toBe('finesse.state.rejected');
    expect(await outcomeOf(a)).toBe('pending');
    // An error naming no request fails every state change in flight.
    expect(requests.reject(new PatchbayError('finesse.state.rejected', 'CTI'), undefined)).toBe(1);
    expect(((await outcomeOf(a)) as PatchbayError).code).toBe('finesse.state.rejected');
  });

  it('fails at once when Finesse refuses the PUT', async () => {
    const { requests, reads, clock } = harness({ answer: res(400, '<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType><ErrorMessage>CF_INVALID_OBJECT_STATE</ErrorMessage></ApiError></ApiErrors>') });
    const error = await rejection(requests.changeState('READY', 'x'));
    expect(error.code).toBe('finesse.state.rejected');
    await clock.advance(10_000);
    expect(reads.user).toBe(0);
  });

  it('without a notification reads the User after the timeout; fails as unconfirmed unless that read carried the state', async () => {
    const { requests, reads, clock } = harness();
    const done = requests.changeState('READY', 'x');
    await clock.advance(3000);
    expect(reads.user).toBe(1);
    const error = (await outcomeOf(done)) as PatchbayError;
    expect(error.code).toBe('finesse.state.unconfirmed');
    expect(error.message).toBe('Finesse accepted the change but did not carry it out.');
    expect(error.action).toBe('retry');
  });

  it('a change whose PUT cannot be addressed (no user id) fails typed', async () => {
    const { requests, sent } = harness({ userId: '' });
    expect((await rejection(requests.changeState('READY', 'x'))).code).toBe('session.not-active');
    expect(sent).toHaveLength(0);
  });
});

describe('ConfirmedRequests: call actions [§4 Dialog, issue 13 item 9]', () => {
  it('PUTs the Dialog action from the agent\'s extension with a request id, done when the calls shown carry it', async () => {
    const h = harness({ calls: [call('ACTIVE')] });
    const done = h.requests.actOnCall('D1', 'hold');
    await Promise.resolve();
    expect(h.sent[0]).toMatchObject({
      method: 'PUT',
      path: '/finesse/api/Dialog/D1',
      body: '<Dialog><targetMediaAddress>1001</targetMediaAddress><requestedAction>HOLD</requestedAction></Dialog>',
    });
    expect(h.sent[0]!.options?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    h.requests.settleCalls();
    expect(await outcomeOf(done)).toBe('pending');
    h.view.calls = [call('HELD', ['retrieve'])];
    h.requests.settleCalls();
    expect(await outcomeOf(done)).toBe('resolved');
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('refuses before any request an unknown call, an action not offered, or no extension', () => {
    const h = harness({ calls: [call('ACTIVE')] });
    expect(() => h.requests.actOnCall('D9', 'hold')).toThrow(expect.objectContaining({ code: 'call.unknown' }));
    expect(() => h.requests.actOnCall('D1', 'answer')).toThrow(expect.objectContaining({ code: 'call.action-not-allowed' }));
    const noExt = harness({ calls: [call('ACTIVE')], extension: undefined });
    expect(() => noExt.requests.actOnCall('D1', 'hold')).toThrow(
      expect.objectContaining({ code: 'call.no-extension', message: 'Sign in with an extension to act on calls.', action: 'none' }),
    );
    expect(h.sent).toHaveLength(0);
    expect(noExt.sent).toHaveLength(0);
  });

  it('fails at once when Finesse refuses the Dialog PUT', async () => {
    const h = harness({ calls: [call('ACTIVE')], answer: res(404) });
    expect((await rejection(h.requests.actOnCall('D1', 'release'))).code).toBe('call.unknown');
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('without a notification reads the dialogs after the timeout: done if they show it, else unconfirmed', async () => {
    const shown = harness({ calls: [call('ACTIVE')] });
    shown.afterDialogRead.calls = [];
    const released = shown.requests.actOnCall('D1', 'release');
    await shown.clock.advance(2999);
    expect(shown.reads.dialogs).toBe(0);
    await shown.clock.advance(1);
    expect(shown.reads.dialogs).toBe(1);
    expect(await outcomeOf(released)).toBe('resolved');

    const missing = harness({ calls: [call('ACTIVE')] });
    const held = missing.requests.actOnCall('D1', 'hold');
    await missing.clock.advance(3000);
    const error = (await outcomeOf(held)) as PatchbayError;
    expect(error.code).toBe('call.unconfirmed');
    expect(error.message).toBe('Finesse accepted the call action but did not carry it out.');
    expect(error.action).toBe('retry');
  });

  it('an async error fails the call action it names; the end of the session fails state changes and call actions alike', async () => {
    const h = harness({ calls: [call('ACTIVE')] });
    const hold = h.requests.actOnCall('D1', 'hold');
    await Promise.resolve();
    const id = h.sent[0]!.options?.requestId;
    expect(h.requests.reject(new PatchbayError('call.rejected', 'CTI'), 'other')).toBe(0);
    expect(h.requests.reject(new PatchbayError('call.rejected', 'CTI'), id)).toBe(1);
    expect(((await outcomeOf(hold)) as PatchbayError).code).toBe('call.rejected');

    const state = h.requests.changeState('READY', 'x');
    const release = h.requests.actOnCall('D1', 'release');
    h.requests.rejectAll(new PatchbayError('session.ended', 'bye'));
    expect(((await outcomeOf(state)) as PatchbayError).code).toBe('session.ended');
    expect(((await outcomeOf(release)) as PatchbayError).code).toBe('session.ended');
    // Ended before the 202s came back: no read goes out after the session is over.
    await h.clock.advance(10_000);
    expect(h.reads).toEqual({ user: 0, dialogs: 0 });
    expect(h.clock.pendingTimers()).toBe(0);
  });
});
