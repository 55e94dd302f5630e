// State changes wait for the User notification that carries them, not for the 202
// (protocols/finesse.md §6 pitfall 3); an async CTI error fails the one it names [DG125 22].
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { StateWaiters } from '../../../../../main/core/platforms/finesse/state-waiters.ts';

const refusal = (code = 'finesse.state.rejected') => new PatchbayError(code, 'm');

async function state(outcome: Promise<void>): Promise<'pending' | 'resolved' | 'rejected'> {
  let result: 'pending' | 'resolved' | 'rejected' = 'pending';
  void outcome.then(
    () => (result = 'resolved'),
    () => (result = 'rejected'),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return result;
}

describe('StateWaiters [§6 pitfall 3]', () => {
  it('resolves a change when the User update carries its state, or its pending state', async () => {
    const waiters = new StateWaiters();
    const ready = waiters.expect('READY', 'r1', () => undefined);
    const notReady = waiters.expect('NOT_READY', 'r2', () => undefined);
    waiters.settle({ state: 'TALKING' });
    expect(await state(ready.outcome)).toBe('pending');
    waiters.settle({ state: 'TALKING', pendingState: 'NOT_READY' });
    expect(await state(notReady.outcome)).toBe('resolved');
    expect(await state(ready.outcome)).toBe('pending');
    waiters.settle({ state: 'READY' });
    expect(await state(ready.outcome)).toBe('resolved');
  });

  it('takes any state but LOGOUT as a sign-in (LOGIN)', async () => {
    const waiters = new StateWaiters();
    const login = waiters.expect('LOGIN', 'r1', () => undefined);
    waiters.settle({ state: 'LOGOUT' });
    waiters.settle({ state: 'LOGOUT', pendingState: 'LOGIN' });
    expect(await state(login.outcome)).toBe('pending');
    waiters.settle({ state: 'NOT_READY' });
    expect(await state(login.outcome)).toBe('resolved');
    // A LOGOUT change is not a sign-in: it waits for LOGOUT itself.
    const logout = waiters.expect('LOGOUT', 'r2', () => undefined);
    waiters.settle({ state: 'NOT_READY' });
    expect(await state(logout.outcome)).toBe('pending');
    waiters.settle({ state: 'LOGOUT' });
    expect(await state(logout.outcome)).toBe('resolved');
  });

  it('runs onSettled once and forgets the waiter, whether it resolved or failed', async () => {
    const waiters = new StateWaiters();
    let settled = 0;
    const a = waiters.expect('READY', 'r1', () => (settled += 1));
    waiters.settle({ state: 'READY' });
    waiters.settle({ state: 'READY' });
    expect(settled).toBe(1);
    expect(await state(a.outcome)).toBe('resolved');
    // Gone: an error naming it fails nothing.
    expect(waiters.reject(refusal(), 'r1')).toBe(0);
    const b = waiters.expect('NOT_READY', 'r2', () => (settled += 1));
    expect(waiters.reject(refusal(), 'r2')).toBe(1);
    expect(waiters.reject(refusal(), 'r2')).toBe(0);
    waiters.settle({ state: 'NOT_READY' });
    expect(settled).toBe(2);
    expect(await state(b.outcome)).toBe('rejected');
  });

  it('fails the change an async error names by request id, and every change when it names none [DG125 22]', async () => {
    const waiters = new StateWaiters();
    const a = waiters.expect('READY', 'r1', () => undefined);
    const b = waiters.expect('NOT_READY', 'r2', () => undefined);
    const c = waiters.expect('LOGOUT', 'r3', () => undefined);
    expect(waiters.reject(refusal('first'), 'other')).toBe(0);
    expect(waiters.reject(refusal('first'), 'r2')).toBe(1);
    await expect(b.outcome).rejects.toMatchObject({ code: 'first' });
    expect(await state(a.outcome)).toBe('pending');
    expect(waiters.reject(refusal('all'))).toBe(2);
    await expect(a.outcome).rejects.toMatchObject({ code: 'all' });
    await expect(c.outcome).rejects.toMatchObject({ code: 'all' });
    expect(waiters.reject(refusal('none left'))).toBe(0);
  });

  it('a waiter failed by the caller (its refused PUT) is forgotten too', async () => {
    const waiters = new StateWaiters();
    let settled = 0;
    const { waiter, outcome } = waiters.expect('READY', 'r1', () => (settled += 1));
    waiter.reject(refusal('put'));
    await expect(outcome).rejects.toMatchObject({ code: 'put' });
    expect(settled).toBe(1);
    expect(waiters.reject(refusal())).toBe(0);
  });
});
