// Moving a FakeClock while a promise settles (unit tests of session orchestrators): small steps so
// multi-hop promise chains keep up, and a bound so a hung promise fails the test instead of spinning.
import type { FakeClock } from '../../main/core/clock.ts';

export interface DriveOptions {
  /** Fake milliseconds per step. */
  stepMs: number;
  /** Fake milliseconds after which driving stops (the promise is then returned as it is). */
  maxMs: number;
  /** A real macrotask turn before each step, for work that is not a microtask (sockets, WebCrypto). */
  turns?: boolean;
}

/** Advances `clock` step by step until `promise` settles; returns it (rejections included). */
export async function driveClock<T>(clock: FakeClock, promise: Promise<T>, { stepMs, maxMs, turns = false }: DriveOptions): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let t = 0; !settled && t < maxMs; t += stepMs) {
    if (turns) await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(stepMs);
  }
  return watched;
}

/** Advances `clock` by `ms` in steps of at most `stepMs`. */
export async function tickClock(clock: FakeClock, ms: number, stepMs: number): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) await clock.advance(Math.min(stepMs, ms - t));
}
