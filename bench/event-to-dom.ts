// Event → screen for every push/poll transport (issue 15 item 2): `patchbay start` (browser shell, the
// built-in lab in its own process) driven by Debian's Chromium through playwright-core. Per transport
// the agent signs in through the UI, then EVENTS (default 1,000) supervisor-style state changes are
// posted to that lab's HTTP control; each travels lab → transport → core SessionState → WebSocket
// bridge → Pinia → the agent status text in the DOM, where a MutationObserver stamps it.
// One clock: the bench stamps performance.timeOrigin + now() right before the control POST, the page
// stamps performance.timeOrigin + now() in the observer — both this machine's wall clock. The figure
// includes the control request on loopback (≈ 1 ms), so it is an upper bound of server send → DOM.
// Transports: ICWS SSE, ICWS short polling (bounded by its interval: the lab profile's 1,000 ms, run
// with PATCHBAY_TIME_SCALE=4 ⇒ 250 ms, the profile schema's minimum), Finesse XMPP over WebSocket,
// GWS CometD, Genesys Cloud notifications WebSocket. Prints figures; asserts nothing about time.
// Env: EVENTS (1,000; quick 200), POLL_EVENTS (EVENTS), DOM_TRANSPORTS (comma list, default all).
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort, load1m, pct, selfTime, sleep, startApp, wallNow, type App, type CpuProfile } from './helpers.ts';

const quick = process.env.BENCH_QUICK === '1';

export interface TransportFigures {
  transport: string;
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** 50 for push transports; null for short polling (bounded by its interval). */
  goalP99Ms: number | null;
  pollIntervalMs?: number;
  /** Control POST sent → the `session.state` frame that changed the text arrived in the page (lab,
   *  transport, core, bridge server, socket): p50 / p99. */
  toBridgeP50Ms: number;
  toBridgeP99Ms: number;
  /** That frame's arrival → the text changed in the DOM (JSON, contract check, Pinia, Vue patch). */
  renderP50Ms: number;
  renderP99Ms: number;
  /** `session.state` frames the page received per timed event, and their median size. */
  framesPerEvent: number;
  frameBytesMedian: number;
  /** 1-minute load average when this transport's run ended. */
  loadAverage1m: number;
  /** DOM_PROFILE=1: the page's main-thread self time per event, top functions. */
  rendererSelfTimeTop?: string[];
}

/** In the page before the app: stamps every bridge frame carrying `session.state` on arrival (a
 *  listener added in the constructor runs before the app's onmessage), so the time splits at the
 *  bridge without touching the app. */
function traceBridgeFrames(): void {
  type W = { __frames: { at: number; bytes: number }[] };
  const w = window as unknown as W & { WebSocket: typeof WebSocket };
  w.__frames = [];
  const Native = w.WebSocket;
  w.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data === 'string' && event.data.includes('"session.state"')) w.__frames.push({ at: performance.timeOrigin + performance.now(), bytes: event.data.length });
      });
    }
  };
}

interface Timed {
  profileTop?: string[];
  ms: number[];
  toBridgeMs: number[];
  renderMs: number[];
  frames: number;
  frameBytes: number[];
}

/** The app with the sign-in window's CDP port fixed, so the bench can act as the agent in it. */
async function startAppWithCdp(dataDir: string, env: Record<string, string> = {}, appRoot?: string): Promise<App & { cdpPort: number }> {
  const cdpPort = await freePort();
  return { ...(await startApp(dataDir, { PATCHBAY_LOGIN_WINDOW_CDP_PORT: String(cdpPort), ...env }, appRoot)), cdpPort };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The agent's side of a sign-in window (the LoginWindow's Chromium, over its CDP port): the page
 *  showing `selector`. */
async function windowPage(cdpPort: number, selector: string): Promise<{ agent: Browser; page: Page }> {
  const agent = await until('the sign-in window', () => chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`));
  const page = await until(`a sign-in page with ${selector}`, async () => {
    for (const p of agent.contexts().flatMap((c) => c.pages()).filter((x) => !x.isClosed())) {
      if ((await p.locator(selector).count().catch(() => 0)) > 0) return p;
    }
    return undefined;
  });
  return { agent, page };
}

const originIn = (text: string | null) => text?.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];

async function signedIn(page: Page): Promise<string> {
  await page.getByTestId('agent-status').waitFor({ timeout: 30_000 });
  const origin = originIn(await page.getByTestId('session-server').textContent());
  if (!origin) throw new Error('no lab server on the session card');
  return origin;
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('signout').click();
  const select = page.getByTestId('signout-reason-select');
  const done = page.getByTestId('session-phase').filter({ hasText: /signed out/i });
  // Finesse asks for a Logout reason (issue 13 item 6): pick the first offered.
  const asked = await Promise.race([
    select.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true),
    done.waitFor({ timeout: 15_000 }).then(() => false),
  ]);
  if (asked) {
    const first = await select.locator('option').nth(1).getAttribute('value');
    if (first) await select.selectOption(first);
    await page.getByTestId('signout-confirm').click();
  }
  await done.waitFor({ timeout: 30_000 });
}

/** Stamps every change of the agent status text (the first card) in the page; a waiter registered by
 *  `nextChange` is answered from the observer itself (no polling competing with the render). */
async function observeStatus(page: Page): Promise<void> {
  await page.evaluate(() => {
    type W = { __changes: { text: string; at: number }[]; __observer?: MutationObserver; __waiter?: (() => void) | undefined };
    const w = window as unknown as W;
    w.__observer?.disconnect();
    w.__changes = [];
    const read = () => document.querySelector('[data-testid="agent-status"]')?.textContent?.trim() ?? '';
    let last = read();
    const status = document.querySelector('[data-testid="agent-status"]')!;
    const target = status.closest('[data-testid="agent"]') ?? status.parentElement!;
    w.__observer = new MutationObserver(() => {
      const text = read();
      if (text === last) return;
      last = text;
      w.__changes.push({ text, at: performance.timeOrigin + performance.now() });
      w.__waiter?.();
    });
    w.__observer.observe(target, { subtree: true, childList: true, characterData: true });
  });
}

/** Sends `events` changes (alternating between two states) and times each to its DOM text change. */
async function timeEvents(page: Page, events: number, change: (i: number) => Promise<void>, randomPhaseMs = 0): Promise<Timed> {
  // Prime: the second state first (untimed), so every timed change really changes the text.
  await change(1);
  await sleep(1_500);
  await observeStatus(page);
  const timed: Timed = { ms: [], toBridgeMs: [], renderMs: [], frames: 0, frameBytes: [] };
  // DOM_PROFILE=1: a V8 CPU profile of the page over the timed events (where the renderer's time goes).
  const cdp = process.env.DOM_PROFILE === '1' ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const framesBefore = await page.evaluate(() => (window as unknown as { __frames: unknown[] }).__frames.length);
  for (let i = 0; i < events; i++) {
    // Polling: a change right after the last answer would always wait a full interval; a random
    // phase samples the whole interval as a real supervisor's change does.
    if (randomPhaseMs > 0) await sleep(Math.random() * randomPhaseMs);
    const seen = await page.evaluate(() => (window as unknown as { __changes: unknown[] }).__changes.length);
    const sentAt = wallNow();
    await change(i);
    const { at, frameAt } = await page.evaluate(
      ([index, after]) =>
        new Promise<{ at: number; frameAt: number }>((resolve, reject) => {
          const w = window as unknown as { __changes: { text: string; at: number }[]; __frames: { at: number }[]; __waiter?: (() => void) | undefined };
          const timer = setTimeout(() => reject(new Error('no status change on screen within 15 s')), 15_000);
          const check = () => {
            const hit = w.__changes.slice(index).find((c) => c.at >= after);
            if (!hit) return;
            clearTimeout(timer);
            w.__waiter = undefined;
            // The frame that changed it: the last one in before the text changed.
            const frame = w.__frames.findLast((f) => f.at <= hit.at);
            resolve({ at: hit.at, frameAt: frame && frame.at >= after ? frame.at : hit.at });
          };
          w.__waiter = check;
          check();
        }),
      [seen, sentAt] as const,
    );
    timed.ms.push(at - sentAt);
    timed.toBridgeMs.push(frameAt - sentAt);
    timed.renderMs.push(at - frameAt);
  }
  const frames = await page.evaluate((from) => (window as unknown as { __frames: { bytes: number }[] }).__frames.slice(from).map((f) => f.bytes), framesBefore);
  timed.frames = frames.length;
  timed.frameBytes = frames;
  if (cdp) {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    const self = selfTime(profile);
    timed.profileTop = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, ms]) => `${Math.round((ms / events) * 1000) / 1000} ms/event ${k}`);
  }
  return timed;
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`lab control ${url} answered ${res.status}`);
  await res.arrayBuffer();
}

const figures = (transport: string, t: Timed, goal: number | null, pollIntervalMs?: number): TransportFigures => ({
  transport,
  events: t.ms.length,
  p50Ms: pct(t.ms, 50),
  p99Ms: pct(t.ms, 99),
  maxMs: pct(t.ms, 100),
  goalP99Ms: goal,
  ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
  toBridgeP50Ms: pct(t.toBridgeMs, 50),
  toBridgeP99Ms: pct(t.toBridgeMs, 99),
  renderP50Ms: pct(t.renderMs, 50),
  renderP99Ms: pct(t.renderMs, 99),
  framesPerEvent: Math.round((t.frames / Math.max(1, t.ms.length)) * 100) / 100,
  frameBytesMedian: t.frameBytes.length > 0 ? pct(t.frameBytes, 50) : 0,
  loadAverage1m: load1m(),
  ...(t.profileTop ? { rendererSelfTimeTop: t.profileTop } : {}),
});

async function passwordSignIn(page: Page, profileId: string, password: string, extension?: string): Promise<string> {
  await page.getByTestId(`profile-item-${profileId}`).click();
  await page.getByTestId('signin-password').fill(password);
  if (extension !== undefined) {
    const field = page.getByTestId('signin-extension');
    await field.waitFor({ timeout: 15_000 });
    await field.fill(extension);
  }
  await page.getByTestId('signin-submit').click();
  return signedIn(page);
}

/** The lab polling profile's 1,000 ms under PATCHBAY_TIME_SCALE=4. */
const POLL_MS = 250;
type Transport = 'icws-sse' | 'icws-poll' | 'finesse-xmpp' | 'gws-cometd' | 'genesys-cloud-ws';
const ALL: Transport[] = ['icws-sse', 'finesse-xmpp', 'gws-cometd', 'genesys-cloud-ws', 'icws-poll'];

async function runTransport(app: App & { cdpPort: number }, page: Page, transport: Transport, events: number): Promise<TransportFigures> {
  await page.goto(app.launchUrl);
  switch (transport) {
    case 'icws-sse':
    case 'icws-poll': {
      const poll = transport === 'icws-poll';
      const user = poll ? 'agent2' : 'agent1';
      const server = await passwordSignIn(page, poll ? 'lab-icws-agent2-polling' : 'lab-icws-agent1', `${user}-lab-pw`);
      const statuses = ['At Lunch', 'In a Meeting'];
      const ms = await timeEvents(page, events, (i) => post(`${server}/lab/users/${user}/status`, { statusId: statuses[i % 2] }), poll ? POLL_MS : 0);
      await signOut(page);
      return figures(transport, ms, poll ? null : 50, poll ? POLL_MS : undefined);
    }
    case 'finesse-xmpp': {
      const server = await passwordSignIn(page, 'lab-finesse-ucce-password', 'jdoe-lab-pw', '1001002');
      const users = (await (await fetch(`${server}/lab/finesse/users`)).json()) as { loginId: string; loginName: string }[];
      const jdoe = users.find((u) => u.loginName === 'jdoe');
      if (!jdoe) throw new Error('no Finesse lab user jdoe');
      const states = ['NOT_READY', 'READY'];
      const setState = (state: string) => post(`${server}/lab/finesse/users/${encodeURIComponent(jdoe.loginId)}/state`, { state });
      const ms = await timeEvents(page, events, (i) => setState(states[i % 2]!));
      // Finesse signs out from Not Ready (a Sign out pressed in Ready did nothing in the shell here).
      await setState('NOT_READY');
      await sleep(1_000);
      await signOut(page);
      return figures(transport, ms, 50);
    }
    case 'gws-cometd': {
      const server = await passwordSignIn(page, 'lab-gws-agent1-basic', 'agent1-lab-pw');
      const states = ['NotReady', 'Ready'];
      const ms = await timeEvents(page, events, (i) => post(`${server}/lab/setAgentState`, { userName: 'agent1', state: states[i % 2] }));
      await signOut(page);
      return figures(transport, ms, 50);
    }
    case 'genesys-cloud-ws': {
      await page.getByTestId('profile-item-lab-gc-agent2-window').click();
      await page.getByTestId('signin-submit').click();
      const { agent, page: login } = await windowPage(app.cdpPort, 'input[name=password]');
      try {
        await login.locator('input[name=username]').fill('gc-agent2');
        await login.locator('input[name=password]').fill('gc-agent2-lab-pw');
        await login.locator('button[type=submit]').click();
      } finally {
        await agent.close();
      }
      const server = await signedIn(page);
      const presences = ['Away', 'Available'];
      const ms = await timeEvents(page, events, (i) => post(`${server}/lab/setPresence`, { userName: 'gc-agent2', systemPresence: presences[i % 2] }));
      await signOut(page);
      return figures(transport, ms, 50);
    }
  }
}

/** Answers the app's page and assets from another renderer build, with the shell's own headers. */
async function serveBuild(context: BrowserContext, origin: string, dir: string): Promise<void> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };
  await context.route((url) => url.origin === origin && url.pathname !== '/bridge', async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = path === '/' ? 'index.html' : path.slice(1);
    const body = await readFile(join(dir, file)).catch(() => undefined);
    if (body === undefined) return route.continue();
    // The shell's headers (CSP with its frame origin) from its answer for index.html.
    const shell = await route.fetch({ url: `${origin}/` });
    await route.fulfill({ status: 200, body, headers: { ...shell.headers(), 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-length': String(body.length) } });
  });
}

export async function runBench() {
  const events = Number(process.env.EVENTS ?? (quick ? 200 : 1000));
  const pollEvents = Number(process.env.POLL_EVENTS ?? events);
  const wanted = (process.env.DOM_TRANSPORTS?.split(',').filter(Boolean) ?? ALL) as Transport[];
  const dataDir = mkdtempSync(join(tmpdir(), 'pb-bench-event-dom-'));
  // A page answered by the bench (A/B) counts as outside the loopback address space for Chromium's
  // local-network checks, which would then block its bridge socket to 127.0.0.1.
  const abArgs = process.env.DOM_AB_BUILDS ? ['--disable-features=LocalNetworkAccessChecks'] : [];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: abArgs });
  const transports: (TransportFigures & { build?: string; tree?: string })[] = [];
  // DOM_AB_TREES=/tmp/a,/tmp/b: the same with `patchbay start` from two checkouts (main-side changes),
  // one after the other (each with its own dist/renderer).
  const trees: (string | undefined)[] = process.env.DOM_AB_TREES?.split(',').filter(Boolean) ?? [undefined];
  const loadBefore = load1m();
  // DOM_AB_BUILDS=/tmp/before,dist/renderer: every transport once per renderer build, one after the
  // other against the same app (the page's files answered from that build), for a ratio in one run.
  const builds: (string | undefined)[] = process.env.DOM_AB_BUILDS?.split(',').filter(Boolean) ?? [undefined];
  try {
    const push = wanted.filter((t) => t !== 'icws-poll');
    const runs: { env: Record<string, string>; list: Transport[] }[] = [
      { env: {}, list: push },
      // The lab's polling profile asks every 1,000 ms; four times faster is the schema's 250 ms minimum.
      { env: { PATCHBAY_TIME_SCALE: '4' }, list: wanted.filter((t) => t === 'icws-poll') },
    ];
    for (const [n, run] of runs.entries()) for (const tree of trees) {
      if (run.list.length === 0) continue;
      const app = await startAppWithCdp(join(dataDir, `run-${n}-${trees.indexOf(tree)}`), run.env, tree);
      try {
        for (const transport of run.list) for (const build of builds) {
          const context = await browser.newContext();
          await context.addInitScript(traceBridgeFrames);
          if (build !== undefined) await serveBuild(context, new URL(app.launchUrl).origin, build);
          const page = await context.newPage();
          try {
            const got = await runTransport(app, page, transport, transport === 'icws-poll' ? pollEvents : events);
            transports.push({ ...got, ...(build === undefined ? {} : { build }), ...(tree === undefined ? {} : { tree }) });
          } catch (error) {
            // What the agent saw when it failed, for whoever reads the error.
            const shot = join(tmpdir(), `pb-bench-event-dom-${transport}.png`);
            await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
            throw new Error(`${transport}: ${error instanceof Error ? error.message : String(error)} (screen: ${shot})`, { cause: error });
          } finally {
            await context.close();
          }
        }
      } finally {
        await app.stop();
      }
    }
  } finally {
    await browser.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    bench: 'event-to-dom',
    scope: 'lab control POST → transport → core → WebSocket bridge → DOM text (MutationObserver), browser shell on Debian Chromium',
    transports,
    /** 1-minute load average before and after: on a shared 2-core machine the tail follows the load. */
    loadAverage1m: { before: loadBefore, after: load1m() },
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(await runBench(), null, 1));
  process.exit(0);
}
