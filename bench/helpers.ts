// Small helpers the benches share (one clock, percentiles, a free loopback port, `patchbay start`).
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { freePort } from '../main/core/net/free-port.ts';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** This machine's wall clock in ms with sub-ms resolution: the page stamps the same
 *  (performance.timeOrigin + performance.now()), so bench and page times compare. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** The p-th percentile (nearest rank, 0.1 ms). */
export const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};
export const median = (values: number[]): number => pct(values, 50);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The 1-minute load average, one decimal: printed with every timed figure (a shared 2-core machine). */
export const load1m = (): number => Math.round(loadavg()[0]! * 10) / 10;

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) by script file and function over a V8 CPU profile. */
export function selfTime(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const key = `${node.callFrame.url.split('/').pop() || '(native)'} ${node.callFrame.functionName || '(anonymous)'}`;
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

export interface App {
  child: ChildProcess;
  launchUrl: string;
  /** Spawn → launch address printed (lab child started, shell listening). */
  serverUpMs: number;
  stop(): Promise<void>;
}

/** `patchbay start --no-open` (browser shell, the built-in lab in its own process) in a data dir of its
 *  own; resolves once it printed its launch address. `appRoot`: another checkout (A/B of main-side code). */
export async function startApp(dataDir: string, env: Record<string, string> = {}, appRoot = root): Promise<App> {
  const startedAt = wallNow();
  const child = spawn(process.execPath, [join(appRoot, 'main/cli/patchbay.ts'), 'start', '--no-open'], {
    cwd: appRoot,
    env: { ...process.env, PATCHBAY_DATA_DIR: dataDir, DISPLAY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const launchUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`patchbay start did not print its address in 60 s: ${stderr.slice(-1000)}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/#secret=\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`patchbay start exited with ${code}: ${stderr.slice(-1000)}`)));
  });
  const serverUpMs = wallNow() - startedAt;
  child.stdout!.resume();
  return {
    child,
    launchUrl,
    serverUpMs,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
