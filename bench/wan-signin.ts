// Sign-in over a WAN (issue 15 items 1 and 3): the lab runs in a child process (bench/wan-lab.ts)
// behind lab/wan-proxy.ts with a one-way delay; this process signs in with the real sessions and
// measures time to `active`, the requests sent, the critical path in round trips, and its own CPU
// (process.cpuUsage, so the lab's work is not counted). Prints figures; asserts nothing about time.
// Critical path = time to active ÷ RTT, rounded: lab and client work is ≪ RTT, so every round trip
// that had to wait for an earlier answer (a TCP handshake included) adds one RTT.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../main/core/clock.ts';
import { createLogger, memorySink } from '../main/core/log.ts';
import { IcwsSession } from '../main/core/platforms/icws/icws-session.ts';
import { FinesseSession } from '../main/core/platforms/finesse/finesse-session.ts';
import { GwsSession } from '../main/core/platforms/gws/gws-session.ts';
import { defaultFinesseUsers } from '../lab/finesse/fixture.ts';
import { ProfileSchema } from '../preload/contract.ts';

interface Chunk { at: number; connection: number; requestLine: string; bytes: number }
interface MethodFigures {
  runs: number;
  timeToActiveMedianMs: number;
  criticalPathRtt: number;
  goalCriticalPathRtt: number;
  requests: number;
  webSocketFrames: number;
  tcpConnections: number;
  cpuMsPerSignInMedian: number;
  goalCpuMs: number;
  /** Each request with the round trip (0-based, counted from the start) in which it left. */
  requestsByRoundTrip: string[];
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const now = () => performance.timeOrigin + performance.now();

async function startLabProcess(oneWayDelayMs: number, jitterMs: number) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./wan-lab.ts', import.meta.url)), String(oneWayDelayMs), String(jitterMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const queue: ((line: string) => void)[] = [];
  lines.on('line', (line) => queue.shift()?.(line));
  const next = () => new Promise<string>((resolve) => queue.push(resolve));
  const urls = JSON.parse(await next()) as { icws: string; finesse: string; finesseSecondary: string; gws: string };
  return {
    urls,
    async chunks(name: string) {
      const reply = next();
      child.stdin!.write(`chunks ${name}\n`);
      return JSON.parse(await reply) as { connections: number; chunks: Chunk[] };
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      await exited;
    },
  };
}

async function measure(lab: Awaited<ReturnType<typeof startLabProcess>>, name: string, rttMs: number, runs: number, goalRtt: number, once: () => Promise<() => Promise<void>>): Promise<MethodFigures> {
  const times: number[] = [];
  const cpu: number[] = [];
  let last = { connections: 0, chunks: [] as Chunk[] };
  let t0 = 0;
  for (let i = 0; i < runs; i++) {
    await lab.chunks(name); // clear
    t0 = now();
    const c0 = process.cpuUsage();
    const signOut = await once();
    const c = process.cpuUsage(c0);
    times.push(now() - t0);
    cpu.push((c.user + c.system) / 1000);
    last = await lab.chunks(name);
    last.chunks = last.chunks.filter((ch) => ch.at <= t0 + times.at(-1)!);
    await signOut();
  }
  const requests = last.chunks.filter((c) => c.requestLine !== '');
  // Chunks on a connection that opened with GET /ws are WebSocket frames (Finesse XMPP over WebSocket).
  const wsConnections = new Set(requests.filter((r) => / \/ws$/.test(r.requestLine)).map((r) => r.connection));
  const frames = last.chunks.filter((c) => c.requestLine === '' && wsConnections.has(c.connection));
  const t = median(times);
  return {
    runs,
    timeToActiveMedianMs: Math.round(t),
    criticalPathRtt: Math.round(t / rttMs),
    goalCriticalPathRtt: goalRtt,
    requests: requests.length,
    tcpConnections: new Set(last.chunks.map((c) => c.connection)).size,
    cpuMsPerSignInMedian: Math.round(median(cpu) * 10) / 10,
    goalCpuMs: 30,
    webSocketFrames: frames.length,
    requestsByRoundTrip: [...requests, ...frames].sort((a, b) => a.at - b.at).map((r) => `${Math.floor((r.at - t0) / rttMs)}: ${r.requestLine === '' ? `ws frame ${r.bytes} B` : r.requestLine.replace(/\?.*/, '')}`),
  };
}

export async function runBench(oneWayDelayMs = Number(process.env.WAN_DELAY_MS ?? 50), jitterMs = Number(process.env.WAN_JITTER_MS ?? 0), runs = Number(process.env.WAN_RUNS ?? 5)) {
  const rttMs = 2 * oneWayDelayMs;
  const lab = await startLabProcess(oneWayDelayMs, jitterMs);
  const log = () => createLogger({ sink: memorySink() });
  try {
    const icwsProfile = ProfileSchema.parse({ id: 'bench-wan', name: 'Bench', platform: 'icws', servers: [lab.urls.icws], authMode: 'password', userName: 'agent1' });
    const icwsIcAuth = await measure(lab, 'icws', rttMs, runs, 3, async () => {
      const s = new IcwsSession({ profile: icwsProfile, clock: systemClock, log: log() });
      await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
      return () => s.signOut();
    });
    const agent4 = defaultFinesseUsers('UCCX').find((u) => u.loginName === 'agent4')!;
    const finProfile = ProfileSchema.parse({ id: 'bench-wan-fin', name: 'Bench', platform: 'finesse', servers: [lab.urls.finesse], authMode: 'password', userName: 'agent4' });
    const finesseBasic = await measure(lab, 'finesse', rttMs, runs, 3, async () => {
      const s = new FinesseSession({ profile: finProfile, clock: systemClock, log: log() }, {});
      await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
      return () => s.signOut();
    });
    // GWS basic (seed 002 GWS-03) and Configuration Server basic (GWS-02): REST, then CometD.
    const gwsMethod = (id: string, userName: string, password: string, authMethod: 'gws-basic' | 'config-server-basic', place: string) =>
      measure(lab, 'gws', rttMs, runs, 3, async () => {
        const profile = ProfileSchema.parse({ id, name: 'Bench', platform: 'gws', servers: [lab.urls.gws], authMode: 'password', userName, lab: true, options: { gws: { authMethod, place } } });
        const s = new GwsSession({ profile, clock: systemClock, log: log() });
        await s.signIn({ credentials: { userName, password } });
        return () => s.signOut();
      });
    const gwsBasic = await gwsMethod('bench-wan-gws', 'agent1', 'agent1-lab-pw', 'gws-basic', 'SIP_Place_1001');
    const gwsConfigServer = await gwsMethod('bench-wan-gws-cfg', 'agent2', 'agent2-lab-pw', 'config-server-basic', 'SIP_Place_1002');
    return {
      bench: 'wan-signin',
      oneWayDelayMs,
      jitterMs,
      rttMs,
      methods: { 'icws-icauth': icwsIcAuth, 'finesse-basic': finesseBasic, 'gws-basic': gwsBasic, 'gws-config-server-basic': gwsConfigServer },
      note: 'SSO methods (ICWS SSO, Finesse SSO, GWS SAML/Salesforce, Genesys Cloud) need the sign-in window and an IdP whose absolute URLs would bypass the delay proxy; their round-trip counts are in the gws and genesys-cloud-signin benches (no WAN yet).',
    };
  } finally {
    await lab.close();
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await runBench(), null, 1));
}
