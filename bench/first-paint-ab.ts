// First paint A/B (issue 15 item 5): two (or more) renderer builds side by side in one run, so a change
// is judged by a ratio on the same machine at the same load rather than by two runs at different loads.
// Each build is served as the browser shell serves it (same CSP, no-store, no compression; no bridge:
// the app mounts and paints without it) and opened in a fresh Chromium context, the builds interleaved
// run by run. Per build: the paint phases (html in → scripts/CSS in → app mounted → first-contentful-
// paint) and, with FIRST_PAINT_PROFILE=1, where the main thread's time before the mount goes (V8 CPU
// profile self time by script and function). Not part of `npm run bench` (it needs two builds):
//   npx vite build --outDir /tmp/before … ; node bench/first-paint-ab.ts /tmp/before dist/renderer
// Env: RUNS (default 9). Prints figures; asserts nothing about time.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { load1m, median, pct, selfTime, type CpuProfile } from './helpers.ts';
import { paintPhases, stampMount, type PaintPhases } from './renderer.ts';

// The browser shell's own headers (main/browser-shell/server.ts), copied: the bench must not differ.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const rootDir = resolve(dir);
  const server = createServer((req, res) => {
    const path = resolve(rootDir, `.${req.url === '/' ? '/index.html' : (req.url ?? '/').split('?')[0]}`);
    if (!path.startsWith(rootDir + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404, { 'Content-Security-Policy': CSP }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream', 'Content-Length': statSync(path).size, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function once(page: Page, url: string, profile: Map<string, number> | undefined): Promise<PaintPhases> {
  const cdp = profile ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  await page.goto(`${url}#secret=bench`);
  const phases = await paintPhases(page);
  if (cdp && profile) {
    const { profile: p } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    for (const [k, ms] of selfTime(p)) profile.set(k, (profile.get(k) ?? 0) + ms);
  }
  return phases;
}

export async function runAb(dirs: string[], runs = Number(process.env.RUNS ?? 9)) {
  const served = await Promise.all(dirs.map(serve));
  const withProfile = process.env.FIRST_PAINT_PROFILE === '1';
  const results = dirs.map(() => ({ phases: [] as PaintPhases[], profile: withProfile ? new Map<string, number>() : undefined }));
  const loadBefore = load1m();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
  try {
    for (let run = 0; run < runs; run++) {
      // Interleaved, and the order turned each run: neither build always goes first.
      const order = dirs.map((_, i) => i);
      if (run % 2 === 1) order.reverse();
      for (const i of order) {
        const context = await browser.newContext();
        await context.addInitScript(stampMount);
        const page = await context.newPage();
        results[i]!.phases.push(await once(page, served[i]!.url, results[i]!.profile));
        await context.close();
      }
    }
  } finally {
    await browser.close();
    for (const s of served) s.server.close();
  }
  const builds = dirs.map((dir, i) => {
    const phases = results[i]!.phases;
    const pick = (k: keyof PaintPhases) => median(phases.map((p) => p[k]));
    const top = results[i]!.profile ? [...results[i]!.profile!.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, ms]) => `${Math.round((ms / runs) * 10) / 10} ms ${k}`) : undefined;
    return { dir, runs, htmlMs: pick('htmlMs'), assetsMs: pick('assetsMs'), mountedMs: pick('mountedMs'), fcpMedianMs: pick('fcpMs'), fcpP90Ms: pct(phases.map((p) => p.fcpMs), 90), eachRun: phases.map((p) => `${p.htmlMs}/${p.assetsMs}/${p.mountedMs}/${p.fcpMs}`), ...(top ? { selfTimePerRunTop: top } : {}) };
  });
  const base = builds[0]!;
  return {
    bench: 'first-paint-ab',
    loadAverage1m: { before: loadBefore, after: load1m() },
    builds,
    /** Each build's median first paint and mount ÷ the first build's (same run, same load). */
    ratios: builds.map((b) => ({ dir: b.dir, fcp: Math.round((b.fcpMedianMs / base.fcpMedianMs) * 100) / 100, mounted: Math.round((b.mountedMs / base.mountedMs) * 100) / 100 })),
  };
}

if (import.meta.main) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) throw new Error('usage: node bench/first-paint-ab.ts <build dir> [<build dir> …]');
  console.log(JSON.stringify(await runAb(dirs), null, 1));
}
