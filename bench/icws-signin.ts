// ICWS sign-in against the lab over real sockets: round trips per icAuth sign-in, sign-in time,
// and the time from a supervisor's change to the agent's screen (SSE vs short polling). Prints
// figures; asserts nothing about time.
import { startIcwsServer } from '../lab/icws/server.ts';
import { systemClock } from '../main/core/clock.ts';
import { createLogger, memorySink } from '../main/core/log.ts';
import { IcwsSession } from '../main/core/platforms/icws/icws-session.ts';
import { ProfileSchema } from '../preload/contract.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10;
}

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

export async function benchSignIn(runs = 20) {
  const results: Record<string, unknown> = {};
  for (const messagingVersion of [2, 1] as const) {
    const server = await startIcwsServer({ messagingVersion });
    const profile = ProfileSchema.parse({ id: 'bench', name: 'Bench', platform: 'icws', servers: [server.url], authMode: 'password', userName: 'agent1', options: { pollIntervalMs: 250 } });
    const signInMs: number[] = [];
    const pushMs: number[] = [];
    let roundTrips = 0;
    for (let i = 0; i < runs; i++) {
      server.clearRequests();
      const session = new IcwsSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }) });
      const t0 = performance.now();
      await session.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
      signInMs.push(performance.now() - t0);
      // Requests that completed during sign-in (the open SSE stream is not counted: it has no status yet).
      roundTrips = server.requests.filter((r) => r.status !== 0).length;
      if (messagingVersion === 2) await waitUntil(() => server.sessions().some((s) => s.sseOpen));
      const target = i % 2 === 0 ? 'At Lunch' : 'In a Meeting';
      const t1 = performance.now();
      server.setUserStatus('agent1', target, 'supervisor1');
      await waitUntil(() => session.view.agent?.stateId === target);
      pushMs.push(performance.now() - t1);
      await session.signOut();
    }
    results[messagingVersion === 2 ? 'sse' : 'polling250ms'] = { roundTripsPerSignIn: roundTrips, signInMedianMs: median(signInMs), supervisorChangeToScreenMedianMs: median(pushMs) };
    await server.close();
  }
  return results;
}

if (import.meta.main) {
  console.log(JSON.stringify({ bench: 'icws-signin', ...(await benchSignIn()) }));
}
