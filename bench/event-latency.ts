// Event → SessionState (issue 15 item 2, core part): a server-side change (a supervisor's) to the
// session's agent state in the core, p50/p99 over EVENTS (default 1,000) for ICWS SSE, ICWS short
// polling (250 ms) and Finesse XMPP, lab in this process over real sockets. The whole way to the
// renderer's DOM (browser shell, WebSocket bridge) is bench/event-to-dom.ts. Prints figures; asserts
// nothing about time.
import { startIcwsServer } from '../lab/icws/server.ts';
import { startFinesseLab } from '../lab/finesse/lab.ts';
import { systemClock } from '../main/core/clock.ts';
import { createLogger, memorySink } from '../main/core/log.ts';
import { IcwsSession } from '../main/core/platforms/icws/icws-session.ts';
import { FinesseSession } from '../main/core/platforms/finesse/finesse-session.ts';
import { ProfileSchema } from '../preload/contract.ts';

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};
async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}
const figures = (ms: number[], goal: number | null) => ({ events: ms.length, p50Ms: pct(ms, 50), p99Ms: pct(ms, 99), maxMs: pct(ms, 100), goalP99Ms: goal });

async function icws(messagingVersion: 1 | 2, events: number) {
  const server = await startIcwsServer({ messagingVersion });
  const profile = ProfileSchema.parse({ id: 'bench-ev', name: 'Bench', platform: 'icws', servers: [server.url], authMode: 'password', userName: 'agent1', options: { pollIntervalMs: 250 } });
  const s = new IcwsSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }) });
  try {
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    if (messagingVersion === 2) await waitUntil(() => server.sessions().some((x) => x.sseOpen));
    const ms: number[] = [];
    for (let i = 0; i < events; i++) {
      const target = i % 2 === 0 ? 'At Lunch' : 'In a Meeting';
      const t0 = performance.now();
      server.setUserStatus('agent1', target, 'supervisor1');
      await waitUntil(() => s.view.agent?.stateId === target);
      ms.push(performance.now() - t0);
    }
    return ms;
  } finally {
    await s.signOut().catch(() => undefined);
    await server.close();
  }
}

async function finesse(events: number) {
  const lab = await startFinesseLab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO', ctiDelayMs: 0 });
  const agent4 = lab.users.find((u) => u.loginName === 'agent4')!;
  const profile = ProfileSchema.parse({ id: 'bench-ev-fin', name: 'Bench', platform: 'finesse', servers: lab.servers, authMode: 'password', userName: 'agent4' });
  const s = new FinesseSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }) }, {});
  try {
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    const ms: number[] = [];
    for (let i = 0; i < events; i++) {
      const target = i % 2 === 0 ? 'READY' : 'NOT_READY';
      const t0 = performance.now();
      lab.setUserState(agent4.loginId, target);
      await waitUntil(() => s.view.agent?.stateId?.startsWith(target) === true);
      ms.push(performance.now() - t0);
    }
    return ms;
  } finally {
    await s.signOut().catch(() => undefined);
    await lab.close();
  }
}

export async function runBench(events = Number(process.env.EVENTS ?? 1000)) {
  return {
    bench: 'event-latency',
    scope: 'server change → SessionState in the core (no renderer leg yet)',
    icwsSse: figures(await icws(2, events), 50),
    icwsPolling250ms: figures(await icws(1, Math.min(events, 40)), null),
    finesseXmpp: figures(await finesse(events), 50),
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(await runBench()));
  process.exit(0);
}
