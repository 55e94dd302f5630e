// One request's abort: the time limit and the caller's signal combined into the one AbortSignal
// undici gets (HttpSession, DESIGN.md "net/").
import { systemClock } from '../clock.ts';
import type { Clock, TimerHandle } from '../clock.ts';

/** Time limit + caller's signal → one AbortSignal for undici. */
export class Control {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  timedOut = false;
  private readonly controller = new AbortController();
  private readonly callerSignal: AbortSignal | undefined;
  private timer: TimerHandle | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);

  constructor(clock: Clock, timeoutMs: number, callerSignal: AbortSignal | undefined) {
    this.signal = this.controller.signal;
    this.timeoutMs = timeoutMs;
    this.callerSignal = callerSignal;
    if (callerSignal?.aborted) {
      this.controller.abort(callerSignal.reason);
    } else {
      callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      // A scaled lab clock (toWallTime) speeds up protocol schedules, not the server's answers:
      // network waits stay in wall time there. A FakeClock (unit tests) still drives them.
      const timerClock = clock.toWallTime ? systemClock : clock;
      this.timer = timerClock.setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new Error('timeout'));
      }, timeoutMs);
    }
  }

  callerAborted(): boolean {
    return this.callerSignal?.aborted === true;
  }

  abort(): void {
    this.controller.abort(new Error('closed'));
  }

  stopTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  dispose(): void {
    this.stopTimer();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
