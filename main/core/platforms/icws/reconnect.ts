// The ICWS reconnect algorithm, exactly the six steps of seed 000 ("Reconnecting"), pure and
// clock-driven so the whole multi-hour schedule is a unit test (RULES.md ICWS-19..23).
import type { Clock } from '../../clock.ts';

export const MIN_INTERVAL_MS = 15_000;
export const MAX_INTERVAL_MS = 25_000;
export const TEN_X_AFTER_MS = 2 * 60 * 60_000;
export const DOUBLE_EVERY_MS = 30 * 60_000;

/** What one connection attempt to one host came to (step 4). */
export type AttemptOutcome =
  | { kind: 'created' } // 201
  | { kind: 'rejected'; status: 400; message: string; errorId?: string } // 400: stop and show
  | { kind: 'unavailable'; alternateHosts: string[] } // 503 (+ alternateHostList)
  | { kind: 'failed'; status?: number }; // any other status, or the request failed completely

export type ReconnectResult =
  | { kind: 'connected'; host: string; attempts: number }
  | { kind: 'rejected'; host: string; message: string; errorId?: string; attempts: number }
  | { kind: 'cancelled'; attempts: number };

export interface ReconnectSchedule {
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt starts, and where. */
  nextAttemptAt: number;
  nextHost: string;
  intervalMs: number;
}

export interface ReconnectOptions {
  /** [ICWS-19] the alternate host list of the last POST /icws/connection. */
  hosts: string[];
  attempt: (host: string) => Promise<AttemptOutcome>;
  clock: Clock;
  /** Uniform in [0, 1); injectable for tests. */
  random?: () => number;
  signal?: AbortSignal;
  /** Called before every wait, so the screen can say "next attempt in N s on H". */
  onSchedule?: (schedule: ReconnectSchedule) => void;
  /** Called after every attempt (for traces and tests). */
  onAttempt?: (host: string, outcome: AttemptOutcome, at: number) => void;
}

/** [ICWS-05, ICWS-19] the hosts of a reconnect: the kept alternate host list of the last successful
 *  connection; a server that sent none leaves its own address and the profile's servers (documented
 *  fallback). */
export function reconnectHosts(kept: readonly string[], previousBase: string, profileBases: readonly string[]): string[] {
  return kept.length > 0 ? [...kept] : [previousBase, ...profileBases].filter((h, i, all) => all.indexOf(h) === i);
}

/** Why an SSO reconnect got no token → step 4: the agent closed the window or the IdP said no stops
 *  and shows (like a 400); anything else (a timeout, an unreachable host) tries the next host. */
const SSO_STOP_CODES = ['login.cancelled', 'icws.sso.cancelled', 'icws.sso.failed', 'login.unavailable'];
export function ssoFailureOutcome(code: string, message: string): AttemptOutcome {
  return SSO_STOP_CODES.includes(code) ? { kind: 'rejected', status: 400, message } : { kind: 'failed' };
}

/** Step 1: a random interval between 15 and 25 seconds. */
export function initialInterval(random: () => number): number {
  return Math.round(MIN_INTERVAL_MS + random() * (MAX_INTERVAL_MS - MIN_INTERVAL_MS));
}

/** Step 6: the interval after the host list is exhausted. */
export function nextInterval(state: { original: number; current: number; startedAt: number; lastChangeAt: number }, now: number): { current: number; lastChangeAt: number } {
  if (now - state.startedAt > TEN_X_AFTER_MS) {
    const tenX = state.original * 10;
    return tenX === state.current ? { current: state.current, lastChangeAt: state.lastChangeAt } : { current: tenX, lastChangeAt: now };
  }
  if (now - state.lastChangeAt > DOUBLE_EVERY_MS) return { current: state.current * 2, lastChangeAt: now };
  return { current: state.current, lastChangeAt: state.lastChangeAt };
}

export async function reconnect(options: ReconnectOptions): Promise<ReconnectResult> {
  const { clock, attempt, signal } = options;
  const random = options.random ?? Math.random;
  if (options.hosts.length === 0) throw new Error('reconnect needs at least one host');
  const hosts = [...options.hosts];
  const startedAt = clock.now();
  // Steps 1–2.
  const original = initialInterval(random);
  let interval = { original, current: original, startedAt, lastChangeAt: startedAt };
  let attempts = 0;
  const wait = async (nextHost: string): Promise<boolean> => {
    options.onSchedule?.({ attempts, nextAttemptAt: clock.now() + interval.current, nextHost, intervalMs: interval.current });
    try {
      await clock.sleep(interval.current, signal);
      return !signal?.aborted;
    } catch {
      return false;
    }
  };
  if (!(await wait(hosts[0]!))) return { kind: 'cancelled', attempts };
  for (;;) {
    // Step 3: first host; steps 4–5: walk the (growing) list.
    for (let i = 0; i < hosts.length; i++) {
      if (signal?.aborted) return { kind: 'cancelled', attempts };
      const host = hosts[i]!;
      attempts++;
      let outcome: AttemptOutcome;
      try {
        outcome = await attempt(host);
      } catch {
        outcome = { kind: 'failed' };
      }
      options.onAttempt?.(host, outcome, clock.now());
      if (outcome.kind === 'created') return { kind: 'connected', host, attempts };
      if (outcome.kind === 'rejected') return { kind: 'rejected', host, message: outcome.message, ...(outcome.errorId ? { errorId: outcome.errorId } : {}), attempts };
      if (outcome.kind === 'unavailable') {
        // Step 4, 503: append any NEW alternate hosts to the end of the list.
        for (const alternate of outcome.alternateHosts) if (!hosts.includes(alternate)) hosts.push(alternate);
      }
    }
    // Step 6: list exhausted.
    interval = { ...interval, ...nextInterval(interval, clock.now()) };
    if (!(await wait(hosts[0]!))) return { kind: 'cancelled', attempts };
  }
}
