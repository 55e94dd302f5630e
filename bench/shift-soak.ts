// 24 hours in the main process (issue 15 item 4): one ICWS session (switchover pair) and one Finesse
// session through a simulated shift on a ScaledClock with the real adapters and the lab over real
// sockets: Finesse XMPP dropped every hour, the ICWS session killed (reconnect) every 6 h, an ICWS
// switchover at 12 h. Samples heap after a forced GC, live timers and sockets, event-loop delay p99 at
// start, 12 h and 24 h. The lab runs in this process too, so heap figures are an upper bound for the
// client. Prints figures; asserts nothing about time. SOAK_SCALE (default 1440: 24 h in 60 s).
// Token refreshes are not exercised: icAuth and Finesse basic have none (SSO shifts: finesse-shift).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startIcwsPair } from '../lab/index.ts';
import { startFinesseLab } from '../lab/finesse/lab.ts';
import { systemClock, type Clock, type TimerHandle } from '../main/core/clock.ts';
import { createLogger, memorySink } from '../main/core/log.ts';
import { IcwsSession } from '../main/core/platforms/icws/icws-session.ts';
import { FinesseSession } from '../main/core/platforms/finesse/finesse-session.ts';
import { ProfileSchema } from '../preload/contract.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Sample {
  atHours: number;
  heapUsedMB: number;
  timers: number;
  sockets: number;
  eventLoopDelayP99Ms: number;
  icwsPhase: string;
  finessePhase: string;
}

const HOUR = 3600_000;

/** Time sped up by `factor` for schedules (keep-alives, reconnect waits, the shift itself), while
 *  waits under `realBelowMs` (answer timeouts) run in real time: at factor 1440 a 10 s XMPP answer
 *  timeout would be 7 ms, shorter than a loopback round trip under load. */
class ShiftClock implements Clock {
  private readonly origin = Date.now();
  private readonly factor: number;
  private readonly realBelowMs: number;
  constructor(factor: number, realBelowMs = 15_000) {
    this.factor = factor;
    this.realBelowMs = realBelowMs;
  }
  now(): number {
    return this.origin + (Date.now() - this.origin) * this.factor;
  }
  toWallTime(clockMs: number): number {
    return this.origin + (clockMs - this.origin) / this.factor;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return systemClock.setTimeout(fn, ms < this.realBelowMs ? ms : ms / this.factor);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const handle = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        handle.cancel();
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export async function runBench(scale = Number(process.env.SOAK_SCALE ?? 1440)) {
  const clock = new ShiftClock(scale);
  const wallForHours = (h: number) => (h * HOUR) / scale;
  const sleepHours = (h: number) => new Promise((r) => setTimeout(r, wallForHours(h)));
  const { primary, backup } = await startIcwsPair();
  const finesse = await startFinesseLab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO', ctiDelayMs: 0, forcedLogoutMs: 600_000 });
  const agent4 = finesse.users.find((u) => u.loginName === 'agent4')!;
  const log = createLogger({ sink: memorySink() });
  const icws = new IcwsSession({ profile: ProfileSchema.parse({ id: 'soak-icws', name: 'Soak', platform: 'icws', servers: [primary.url], authMode: 'password', userName: 'agent1' }), clock, log });
  const fin = new FinesseSession({ profile: ProfileSchema.parse({ id: 'soak-fin', name: 'Soak', platform: 'finesse', servers: finesse.servers, authMode: 'password', userName: 'agent4' }), clock, log }, {});
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const samples: Sample[] = [];
  const events = { xmppDrops: 0, icwsKills: 0, switchovers: 0 };
  const sample = async (atHours: number) => {
    await new Promise((r) => setTimeout(r, 50)); // let reconnects settle
    gc();
    const resources = process.getActiveResourcesInfo();
    samples.push({
      atHours,
      heapUsedMB: Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 100) / 100,
      timers: resources.filter((r) => r === 'Timeout').length,
      sockets: resources.filter((r) => r === 'TCPSocketWrap').length,
      eventLoopDelayP99Ms: Math.round((eld.percentile(99) / 1e6) * 10) / 10,
      icwsPhase: icws.view.phase,
      finessePhase: fin.view.phase,
    });
    eld.reset();
  };
  try {
    await icws.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    await fin.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    eld.enable();
    await sample(0);
    for (let hour = 1; hour <= 24; hour++) {
      await sleepHours(1);
      if (hour === 12 || hour === 24) await sample(hour); // before the hour's fault, so phases are steady
      events.xmppDrops += finesse.dropXmpp() > 0 ? 1 : 0;
      if (hour === 12) {
        primary.switchover();
        events.switchovers++;
      } else if (hour % 6 === 0) {
        for (const s of [...primary.sessions(), ...backup.sessions()]) if (primary.killSession(s.sessionId, { reason: 'soak', shouldReconnect: true }) || backup.killSession(s.sessionId, { reason: 'soak', shouldReconnect: true })) events.icwsKills++;
      }
    }
  } finally {
    eld.disable();
    await icws.signOut().catch(() => undefined);
    await fin.signOut().catch(() => undefined);
    await primary.close();
    await backup.close();
    await finesse.close();
  }
  await new Promise((r) => setTimeout(r, 200));
  const left = process.getActiveResourcesInfo();
  const first = samples[0]!;
  const last = samples.at(-1)!;
  return {
    bench: 'shift-soak',
    scale,
    events,
    samples,
    heapGrowthMB: Math.round((last.heapUsedMB - first.heapUsedMB) * 100) / 100,
    goalHeapGrowthMB: 5,
    timersFlat: samples.every((s) => s.timers === first.timers),
    socketsFlat: samples.every((s) => s.sockets === first.sockets),
    /** After both sign-outs and the lab closed: what still keeps the process alive. */
    leftAfterSignOut: { timers: left.filter((r) => r === 'Timeout').length, sockets: left.filter((r) => r === 'TCPSocketWrap').length },
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(await runBench(), null, 1));
  process.exit(0); // see leftAfterSignOut
}
