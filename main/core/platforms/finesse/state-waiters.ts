// Finesse state changes are confirmed by notifications, not by the PUT's 202 (protocols/finesse.md
// §6 pitfall 3): each change waits here for the User update that carries it, or its async CTI error.
import type { PatchbayError } from '../../errors.ts';
import type { FinesseUser } from './wire.ts';

export interface StateWaiter {
  /** LOGIN: any state but LOGOUT; otherwise the target state (or pending state). */
  target: string;
  /** [DG125 22] echoed in the notification that carries the outcome. */
  requestId: string;
  resolve: () => void;
  reject: (error: PatchbayError) => void;
}

export class StateWaiters {
  private readonly waiters = new Set<StateWaiter>();

  /** A waiter for `target`; `onSettled` runs once it resolves or rejects (e.g. to cancel a timer). */
  expect(target: string, requestId: string, onSettled: () => void): { waiter: StateWaiter; outcome: Promise<void> } {
    let waiter!: StateWaiter;
    const outcome = new Promise<void>((resolve, reject) => {
      const settle = () => {
        this.waiters.delete(waiter);
        onSettled();
      };
      waiter = {
        target,
        requestId,
        resolve: () => {
          settle();
          resolve();
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
    });
    outcome.catch(() => undefined);
    this.waiters.add(waiter);
    return { waiter, outcome };
  }

  /** A User update: every waiter whose target it reached resolves. */
  settle(user: Pick<FinesseUser, 'state' | 'pendingState'>): void {
    for (const waiter of [...this.waiters]) {
      const matches = waiter.target === 'LOGIN' ? user.state !== 'LOGOUT' : user.state === waiter.target || user.pendingState === waiter.target;
      if (matches) waiter.resolve();
    }
  }

  /** An async error: the waiter with its request id, or all when it names none. Returns how many failed. */
  reject(error: PatchbayError, requestId?: string): number {
    const all = [...this.waiters];
    const matching = requestId ? all.filter((w) => w.requestId === requestId) : all;
    for (const w of matching) w.reject(error);
    return matching.length;
  }
}
