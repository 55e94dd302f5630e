// `npm run bench`: every benchmark, one JSON line of figures each on stdout and the same figures in
// bench-results/<name>.json (git-ignored) so two runs can be compared (bench/README.md). Nothing here
// asserts on time. `npm run bench -- --quick` (or BENCH_QUICK=1): fewer runs, a faster shift clock.
// `npm run bench -- wan-signin shift-soak`: only the named benches.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchSignIn } from './icws-signin.ts';
import { simulateFixed15s, simulatePatchbay } from './herd.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const only = args.filter((a) => !a.startsWith('--'));
if (quick) {
  // Benches that read BENCH_QUICK themselves (renderer, event-to-dom) see --quick too.
  process.env.BENCH_QUICK = '1';
  process.env.WAN_RUNS ??= '2';
  process.env.SOAK_SCALE ??= '2880';
  process.env.GWS_BENCH_RUNS ??= '3';
  process.env.GWS_BENCH_EVENTS ??= '100';
  process.env.HERD_CLIENTS ??= '1000';
}
const outDir = fileURLToPath(new URL('../bench-results/', import.meta.url));
mkdirSync(outDir, { recursive: true });

function emit(figures: { bench: string } & Record<string, unknown>): void {
  const stamped = { ...figures, at: new Date().toISOString(), node: process.version, quick };
  console.log(JSON.stringify(stamped));
  writeFileSync(`${outDir}${figures.bench}.json`, `${JSON.stringify(stamped, null, 2)}\n`);
}

const wanted = (name: string) => only.length === 0 || only.includes(name);
const clients = Number(process.env.HERD_CLIENTS ?? 5000);
const downMs = Number(process.env.HERD_DOWN_S ?? 300) * 1000;
if (wanted('icws-signin')) emit({ bench: 'icws-signin', ...(await benchSignIn()) });
if (wanted('icws-herd')) {
  emit({
    bench: 'icws-herd',
    goalPeakPerSecond: Math.round((1.2 * clients) / 10),
    patchbay: await simulatePatchbay(clients, downMs),
    fixed15s: simulateFixed15s(clients, downMs),
  });
}
// name → module with runBench(): the bench name in its figures is the file name for the JSON.
const extra: Record<string, string> = {
  'finesse-shift': './finesse-shift.ts',
  gws: './gws-signin.ts',
  'genesys-cloud-shift': './genesys-cloud-shift.ts',
  'wan-signin': './wan-signin.ts',
  'event-latency': './event-latency.ts',
  'shift-soak': './shift-soak.ts',
  'cold-start': './cold-start.ts',
  renderer: './renderer.ts',
  'event-to-dom': './event-to-dom.ts',
};
for (const [name, path] of Object.entries(extra)) {
  if (!wanted(name)) continue;
  try {
    const mod = (await import(path)) as { runBench?: () => Promise<{ bench?: string } & Record<string, unknown>> };
    if (mod.runBench) {
      const figures = await mod.runBench();
      emit({ ...figures, bench: figures.bench ?? name });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
}
// A session left reconnecting by a bench may keep a timer alive (shift-soak reports it); do not hang.
process.exit(0);
