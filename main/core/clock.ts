// Every timer and now() in the core goes through a Clock (DESIGN.md "clock.ts"), so a 3-hour
// reconnect schedule or a 12-hour shift runs in milliseconds under FakeClock.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Resolves after ms; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A time of this clock as wall-clock ms, for what a screen counts down against Date.now();
   *  absent = the same (only a scaled clock differs). */
  toWallTime?(clockMs: number): number;
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      handle.cancel();
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = globalThis.setTimeout(fn, Math.max(0, ms));
    return { cancel: () => globalThis.clearTimeout(timer) };
  },
  sleep(ms, signal) {
    return sleepWith(systemClock, ms, signal);
  },
};

/** A manual clock for unit tests: time moves only when advance() is called. */
export class FakeClock implements Clock {
  private current: number;
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 0, 1, 8, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Move time forward, firing due timers in order; awaits microtasks between timers so
   *  promise chains started by one timer can schedule the next. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.cancelled = true;
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.current = target;
    await flushMicrotasks();
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Real time sped up by `factor` (lab runs and integration tests of multi-minute schedules):
 *  a 20 s reconnect interval at factor 100 takes 200 ms. Timestamps advance at the same rate. */
export class ScaledClock implements Clock {
  private readonly factor: number;
  private readonly origin = Date.now();
  constructor(factor: number) {
    if (!(factor > 0)) throw new Error('time scale must be positive');
    this.factor = factor;
  }
  now(): number {
    return this.origin + (Date.now() - this.origin) * this.factor;
  }
  toWallTime(clockMs: number): number {
    return this.origin + (clockMs - this.origin) / this.factor;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return systemClock.setTimeout(fn, ms / this.factor);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
}
