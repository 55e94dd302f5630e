// Where a basic sign-in's client CPU goes (issue 15 item 3), not in `npm run bench`:
//   node bench/signin-cpu-profile.ts [icws-icauth|finesse-basic|gws-basic] [runs]
// The lab runs behind the WAN proxies in its own process (bench/wan-lab.ts, WAN_DELAY_MS, default 50),
// so only client work is sampled. Two cold sign-ins first (module loading, JIT, TLS trust store), then
// the V8 sampling profiler (node:inspector, PROFILE_INTERVAL_US, default 1000 µs: finer inflates the figure) over `runs` warm ones: CPU per sign-in
// (process.cpuUsage), the self time per sign-in by file and by function, and the inclusive time by
// file (any frame of that file or library on the stack). Prints one JSON object.
import { Session } from 'node:inspector/promises';
import { systemClock } from '../main/core/clock.ts';
import { createLogger, memorySink } from '../main/core/log.ts';
import { IcwsSession } from '../main/core/platforms/icws/icws-session.ts';
import { FinesseSession } from '../main/core/platforms/finesse/finesse-session.ts';
import { GwsSession } from '../main/core/platforms/gws/gws-session.ts';
import { defaultFinesseUsers } from '../lab/finesse/fixture.ts';
import { ProfileSchema } from '../preload/contract.ts';
import { finesseSignOut } from './finesse-sign-out.ts';
import { load1m, median, root, type CpuProfile } from './helpers.ts';
import { startLabProcess } from './wan-signin.ts';

const method = process.argv[2] ?? 'finesse-basic';
const runs = Number(process.argv[3] ?? 20);
const lab = await startLabProcess(Number(process.env.WAN_DELAY_MS ?? 50), 0);
const log = () => createLogger({ sink: memorySink() });

const signIns: Record<string, () => Promise<() => Promise<void>>> = {
  'icws-icauth': async () => {
    const profile = ProfileSchema.parse({ id: 'prof-icws', name: 'Bench', platform: 'icws', servers: [lab.urls.icws], authMode: 'password', userName: 'agent1' });
    const s = new IcwsSession({ profile, clock: systemClock, log: log() });
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    return () => s.signOut();
  },
  'finesse-basic': async () => {
    const agent4 = defaultFinesseUsers('UCCX').find((u) => u.loginName === 'agent4')!;
    const profile = ProfileSchema.parse({ id: 'prof-fin', name: 'Bench', platform: 'finesse', servers: [lab.urls.finesse], authMode: 'password', userName: 'agent4' });
    const s = new FinesseSession({ profile, clock: systemClock, log: log() }, {});
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    return () => finesseSignOut(s);
  },
  'gws-basic': async () => {
    const profile = ProfileSchema.parse({ id: 'prof-gws', name: 'Bench', platform: 'gws', servers: [lab.urls.gws], authMode: 'password', userName: 'agent1', lab: true, options: { gws: { authMethod: 'gws-basic', place: 'SIP_Place_1001' } } });
    const s = new GwsSession({ profile, clock: systemClock, log: log() });
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    return () => s.signOut();
  },
};
const once = signIns[method];
if (!once) throw new Error(`unknown method ${method}: ${Object.keys(signIns).join(', ')}`);

const loadBefore = load1m();
try {
  for (let i = 0; i < 2; i++) await (await once())();
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROFILE_INTERVAL_US ?? 1000) });
  const cpu: number[] = [];
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    await inspector.post('Profiler.start');
    const c0 = process.cpuUsage();
    const signOut = await once();
    const c = process.cpuUsage(c0);
    const { profile } = (await inspector.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    cpu.push((c.user + c.system) / 1000);
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes as { id: number; children?: number[] }[]) for (const c of n.children ?? []) parent.set(c, n.id);
    // node_modules/<pkg> or the repo path: which library or file the time is in.
    const fileOf = (frame: { functionName: string; url: string }) =>
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1] ?? (frame.url.replace(/^file:\/\//, '').replace(root, '') || `(${frame.functionName || 'native'})`);
    profile.samples.forEach((id, k) => {
      const frame = nodes.get(id)?.callFrame;
      if (!frame) return;
      const ms = (profile.timeDeltas[k] ?? 0) / 1000;
      const file = fileOf(frame);
      byFile.set(file, (byFile.get(file) ?? 0) + ms);
      // Inclusive: every file or library on the sample's stack, once.
      const onStack = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const f = nodes.get(at)?.callFrame;
        if (f && f.url !== '') onStack.add(fileOf(f));
      }
      for (const f of onStack) inclusive.set(f, (inclusive.get(f) ?? 0) + ms);
      const fn = `${file} ${frame.functionName || '(anonymous)'}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    });
    await signOut();
  }
  inspector.disconnect();
  const top = (m: Map<string, number>, n: number) =>
    Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, Math.round((v / runs) * 100) / 100]));
  console.log(JSON.stringify({ bench: 'signin-cpu-profile', method, runs, loadAverage1m: { before: loadBefore, after: load1m() }, cpuMsPerSignInMedian: Math.round(median(cpu) * 10) / 10, selfMsPerSignInByFile: top(byFile, 25), selfMsPerSignInByFunction: top(byFunction, 40), inclusiveMsPerSignInByFile: top(inclusive, 40) }, null, 1));
} finally {
  await lab.close();
}
