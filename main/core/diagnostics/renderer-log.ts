// Renderer log lines reach the log files through the contract, rate-limited (issue 5
// "Diagnostics"): a token bucket per window, so a renderer stuck in an error loop cannot fill the
// disk or drown the core's own lines. Dropped lines are counted and reported once the bucket refills.
import { systemClock, type Clock } from '../clock.ts';
import type { Logger, LogLevel } from '../log.ts';

export interface RendererLogLine {
  level: LogLevel;
  message: string;
  /** Small structured context (component, action); redacted by the logger like everything else. */
  context?: Record<string, unknown>;
}

export interface RendererLogGateOptions {
  log: Logger;
  clock?: Clock;
  /** Burst size (default 20 lines). */
  burst?: number;
  /** Sustained rate (default 2 lines per second). */
  perSecond?: number;
  /** Longest message kept (default 2000 characters). */
  maxMessageLength?: number;
}

/** Returns a function the `log.write`-style command handler calls with each line; true = logged. */
export function createRendererLogGate(options: RendererLogGateOptions): (line: RendererLogLine) => boolean {
  const clock = options.clock ?? systemClock;
  const burst = options.burst ?? 20;
  const perSecond = options.perSecond ?? 2;
  const maxLength = options.maxMessageLength ?? 2000;
  const log = options.log.child({ source: 'renderer' });
  let tokens = burst;
  let last = clock.now();
  let dropped = 0;
  return (line) => {
    const now = clock.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens < 1) {
      dropped += 1;
      return false;
    }
    tokens -= 1;
    if (dropped > 0) {
      log.warn('renderer.log-dropped', { dropped });
      dropped = 0;
    }
    const message = line.message.length > maxLength ? `${line.message.slice(0, maxLength)}…` : line.message;
    log[line.level]('renderer.log', { message, ...(line.context ? { context: line.context } : {}) });
    return true;
  };
}
