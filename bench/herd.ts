// Herd simulation (issue 3): N clients lose their server at once; how many connection attempts per
// second does the server see while it is down, with Patchbay's seed-000 algorithm versus a client
// that retries every fixed 15 s? Virtual time; prints figures, asserts nothing.
import { reconnect, type AttemptOutcome } from '../main/core/platforms/icws/reconnect.ts';
import { HeapClock } from './heap-clock.ts';

export interface HerdFigures {
  clients: number;
  downForS: number;
  peakPerSecond: number;
  meanPerSecondWhileDown: number;
  totalAttempts: number;
  allReconnectedAfterS: number;
}

function summarise(buckets: Map<number, number>, clients: number, downMs: number, lastConnectAt: number): HerdFigures {
  const values = [...buckets.values()];
  const total = values.reduce((a, b) => a + b, 0);
  const downSeconds = [...buckets.entries()].filter(([s]) => s * 1000 < downMs).map(([, n]) => n);
  return {
    clients,
    downForS: downMs / 1000,
    peakPerSecond: Math.max(...values),
    meanPerSecondWhileDown: Math.round(downSeconds.reduce((a, b) => a + b, 0) / (downMs / 1000)),
    totalAttempts: total,
    allReconnectedAfterS: Math.round(lastConnectAt / 1000),
  };
}

export async function simulatePatchbay(clients: number, downMs: number, seed = 42): Promise<HerdFigures> {
  const clock = new HeapClock(0);
  let state = seed;
  const random = () => ((state = (state * 1664525 + 1013904223) % 4294967296) / 4294967296);
  const buckets = new Map<number, number>();
  let lastConnectAt = 0;
  const attempt = async (): Promise<AttemptOutcome> => {
    const second = Math.floor(clock.now() / 1000);
    buckets.set(second, (buckets.get(second) ?? 0) + 1);
    if (clock.now() < downMs) return { kind: 'failed' };
    lastConnectAt = Math.max(lastConnectAt, clock.now());
    return { kind: 'created' };
  };
  const runs = Array.from({ length: clients }, () => reconnect({ hosts: ['ic2'], attempt, clock, random }));
  await clock.runUntil(downMs + 10 * 60_000);
  await Promise.all(runs);
  return summarise(buckets, clients, downMs, lastConnectAt);
}

export function simulateFixed15s(clients: number, downMs: number): HerdFigures {
  const buckets = new Map<number, number>();
  let lastConnectAt = 0;
  for (let c = 0; c < clients; c++) {
    for (let t = 15_000; ; t += 15_000) {
      const second = Math.floor(t / 1000);
      buckets.set(second, (buckets.get(second) ?? 0) + 1);
      if (t >= downMs) {
        lastConnectAt = Math.max(lastConnectAt, t);
        break;
      }
    }
  }
  return summarise(buckets, clients, downMs, lastConnectAt);
}

if (import.meta.main) {
  const clients = Number(process.env.HERD_CLIENTS ?? 5000);
  const downMs = Number(process.env.HERD_DOWN_S ?? 300) * 1000;
  const started = performance.now();
  const patchbay = await simulatePatchbay(clients, downMs);
  const fixed = simulateFixed15s(clients, downMs);
  console.log(JSON.stringify({ bench: 'icws-herd', goalPeakPerSecond: Math.round((1.2 * clients) / 10), patchbay, fixed15s: fixed, simulatedInMs: Math.round(performance.now() - started) }));
}
