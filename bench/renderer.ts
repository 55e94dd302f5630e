// What the agent sees (issue 15 items 2 and 5, renderer legs): `patchbay start` (browser shell, built-in
// lab in its own process) driven by Debian's Chromium through playwright-core.
//  - Cold start: process start → server up (launch URL printed) → Chromium's first-contentful-paint of the
//    renderer (the Paint Timing entry Chromium reports over the DevTools protocol) and the sign-in list
//    shown, over RUNS fresh browser contexts (nothing cached).
//  - Event → screen: a supervisor's status change posted to the lab's ICWS server → SSE → core SessionState
//    → WebSocket bridge → Pinia → the status text in the DOM (a MutationObserver stamps the time in the
//    page; both clocks are this machine's wall clock: performance.timeOrigin + performance.now()).
// Prints figures; asserts nothing about time. EVENTS (default 1,000), RUNS (default 5).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { load1m, median, pct, startApp, wallNow } from './helpers.ts';

const quick = process.env.BENCH_QUICK === '1';

/** In the page before the app: stamps the app's mount (the first element put into #app). */
export function stampMount(): void {
  const w = window as unknown as { __mountedAt?: number };
  new MutationObserver((_records, observer) => {
    if (document.getElementById('app')?.firstElementChild) {
      w.__mountedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

/** Where the first paint's time goes, ms after navigation start (page clock). */
export interface PaintPhases {
  /** index.html received. */
  htmlMs: number;
  /** The last script or stylesheet of the first paint received (entry, modulepreloads, CSS). */
  assetsMs: number;
  /** The app put its first element into #app (modules evaluated, stores created, App rendered). */
  mountedMs: number;
  fcpMs: number;
}

/** The paint phases of the page just navigated (waits for its first-contentful-paint). */
export function paintPhases(page: Page): Promise<PaintPhases> {
  return page.evaluate(
    () =>
      new Promise<PaintPhases>((resolve) => {
        const done = (fcp: number) => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          const assets = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => /\.(js|css)$/.test(r.name) && r.startTime < fcp);
          const round = (v: number) => Math.round(v * 10) / 10;
          resolve({
            htmlMs: round(nav.responseEnd),
            assetsMs: round(Math.max(nav.responseEnd, ...assets.map((r) => r.responseEnd))),
            mountedMs: round((window as unknown as { __mountedAt?: number }).__mountedAt ?? Number.NaN),
            fcpMs: round(fcp),
          });
        };
        const found = performance.getEntriesByName('first-contentful-paint')[0];
        if (found) return done(found.startTime);
        new PerformanceObserver((list) => done(list.getEntries()[0]!.startTime)).observe({ type: 'paint', buffered: true });
      }),
  );
}

async function firstPaint(page: Page, launchUrl: string) {
  const before = wallNow();
  await page.goto(launchUrl);
  const phases = await paintPhases(page);
  await page.getByTestId('profile-item-lab-icws-agent1').waitFor();
  return { phases, profilesShownMs: wallNow() - before };
}

async function eventToScreen(page: Page, events: number) {
  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await page.getByTestId('signin-password').fill('agent1-lab-pw');
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('session-server').waitFor();
  const server = (await page.getByTestId('session-server').textContent())?.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
  if (!server) throw new Error('no ICWS lab server on the session card');
  await page.getByTestId('agent-status').waitFor();
  // Stamp every text change of the status word in the page, at the mutation.
  await page.evaluate(() => {
    const w = window as unknown as { __changes: { text: string; at: number }[] };
    w.__changes = [];
    const target = document.querySelector('[data-testid="agent-status"]')!.parentElement!;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="agent-status"]')?.textContent?.trim() ?? '';
      w.__changes.push({ text, at: performance.timeOrigin + performance.now() });
    }).observe(target, { subtree: true, childList: true, characterData: true });
  });
  const statuses = ['At Lunch', 'Available'];
  const latencies: number[] = [];
  for (let i = 0; i < events; i++) {
    const statusId = statuses[i % 2]!;
    const sentAt = wallNow();
    const res = await fetch(`${server}/lab/users/agent1/status`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ statusId }) });
    if (!res.ok) throw new Error(`lab status change refused: ${res.status}`);
    await page.waitForFunction(
      ([want, after]) => (window as unknown as { __changes: { text: string; at: number }[] }).__changes.some((c) => c.text === want && c.at >= after),
      [statusId, sentAt] as const,
      { polling: 5 },
    );
    const at = await page.evaluate(
      ([want, after]) => (window as unknown as { __changes: { text: string; at: number }[] }).__changes.find((c) => c.text === want && c.at >= after)!.at,
      [statusId, sentAt] as const,
    );
    latencies.push(at - sentAt);
  }
  await page.getByTestId('signout').click();
  return { transport: 'icws-sse', events: latencies.length, p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), maxMs: pct(latencies, 100), goalP99Ms: 50 };
}

export async function runBench() {
  const runs = Number(process.env.RUNS ?? (quick ? 2 : 5));
  const events = Number(process.env.EVENTS ?? (quick ? 200 : 1000));
  const dataDir = mkdtempSync(join(tmpdir(), 'pb-bench-renderer-'));
  const loadBefore = load1m();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
  const serverUp: number[] = [];
  const fcp: number[] = [];
  const phases: PaintPhases[] = [];
  const shown: number[] = [];
  let latency: Awaited<ReturnType<typeof eventToScreen>> | undefined;
  try {
    for (let run = 0; run < runs; run++) {
      const app = await startApp(join(dataDir, `run-${run}`));
      try {
        serverUp.push(app.serverUpMs);
        const context = await browser.newContext();
        await context.addInitScript(stampMount);
        const page = await context.newPage();
        const paint = await firstPaint(page, app.launchUrl);
        fcp.push(paint.phases.fcpMs);
        phases.push(paint.phases);
        shown.push(paint.profilesShownMs);
        if (run === 0) latency = await eventToScreen(page, events);
        await context.close();
      } finally {
        await app.stop();
      }
    }
  } finally {
    await browser.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    bench: 'renderer',
    runs,
    /** 1-minute load average before/after: on 2 cores a run at load 20 times the scheduler, not the app. */
    loadAverage1m: { before: loadBefore, after: load1m() },
    /** `node main/cli/patchbay.ts start` spawned → its launch address printed (lab child started, server listening). */
    serverUpMedianMs: median(serverUp),
    /** Chromium's first-contentful-paint after navigation to the launch address, fresh context. */
    firstContentfulPaintMedianMs: median(fcp),
    firstContentfulPaintMaxMs: pct(fcp, 100),
    goalFirstPaintMs: 300,
    /** Medians per phase, ms after navigation start: html in → scripts/CSS in → app mounted → first paint. */
    firstPaintPhasesMedianMs: {
      htmlMs: median(phases.map((p) => p.htmlMs)),
      assetsMs: median(phases.map((p) => p.assetsMs)),
      mountedMs: median(phases.map((p) => p.mountedMs)),
      fcpMs: median(phases.map((p) => p.fcpMs)),
    },
    /** Navigation → the profile list rendered (bridge connected, profiles listed). */
    profilesShownMedianMs: median(shown),
    eventToScreen: latency,
  };
}

if (import.meta.main) console.log(JSON.stringify(await runBench(), null, 1));
