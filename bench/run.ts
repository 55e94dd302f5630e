// `npm run bench`: every benchmark, one JSON line of figures each. Nothing here asserts on time.
import { benchSignIn } from './icws-signin.ts';
import { simulateFixed15s, simulatePatchbay } from './herd.ts';

const clients = Number(process.env.HERD_CLIENTS ?? 5000);
const downMs = Number(process.env.HERD_DOWN_S ?? 300) * 1000;
console.log(JSON.stringify({ bench: 'icws-signin', ...(await benchSignIn()) }));
console.log(
  JSON.stringify({
    bench: 'icws-herd',
    goalPeakPerSecond: Math.round((1.2 * clients) / 10),
    patchbay: await simulatePatchbay(clients, downMs),
    fixed15s: simulateFixed15s(clients, downMs),
  }),
);
const extra = ['./finesse-shift.ts', './gws-signin.ts', './genesys-cloud-shift.ts'];
for (const path of extra) {
  try {
    const mod = (await import(path)) as { runBench?: () => Promise<unknown> };
    if (mod.runBench) console.log(JSON.stringify(await mod.runBench()));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
}
