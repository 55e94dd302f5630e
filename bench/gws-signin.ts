// GWS against the lab over real sockets (issue 11 figures): round trips per sign-in for each method
// of seed 002's chain, sign-in time, and the time from a change on the server (a supervisor's) to
// the session's state through CometD (p50 / p99). Prints figures; asserts nothing about time.
// SAML and Salesforce need a browser: Debian Chromium (the browser shell's LoginWindow) with a
// scripted agent on the IdP / Salesforce page; they are skipped with a note when it is missing.
import { existsSync } from 'node:fs';
import { startGwsLab, type GwsLab } from '../lab/gws/index.ts';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../main/browser-shell/login-window.ts';
import { systemClock } from '../main/core/clock.ts';
import { createLogger, memorySink } from '../main/core/log.ts';
import { HttpSession } from '../main/core/net/http-session.ts';
import { GwsSession } from '../main/core/platforms/gws/gws-session.ts';
import { ProfileSchema } from '../preload/contract.ts';
import { chromium, type Browser, type Page } from 'playwright-core';

interface Form {
  user: string;
  password: string;
  submit: string;
}
const LAB_IDP_FORM: Form = { user: '#username', password: '#password', submit: '#login-submit' };

/** The agent on the sign-in page, through the LoginWindow's CDP port (as the e2e tests do). */
class Agent {
  private browser: Browser | undefined;
  private readonly used = new WeakSet<Page>();
  private readonly endpoint: () => string | undefined;
  constructor(endpoint: () => string | undefined) {
    this.endpoint = endpoint;
  }
  async signIn(prefix: string, form: Form, user: string, password: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const url = this.endpoint();
      if (url && !this.browser?.isConnected()) this.browser = await chromium.connectOverCDP(url);
      const page = this.browser
        ?.contexts()
        .flatMap((c) => c.pages())
        .find((p) => !this.used.has(p) && !p.isClosed() && p.url().startsWith(prefix));
      if (page) {
        try {
          await page.locator(form.user).fill(user, { timeout: 5_000 });
          await page.locator(form.password).fill(password, { timeout: 5_000 });
          this.used.add(page);
          await page.locator(form.submit).click({ timeout: 5_000 });
          return;
        } catch (error) {
          this.used.add(page);
          if (Date.now() > deadline) throw error;
        }
      }
      if (Date.now() > deadline) throw new Error(`no sign-in page at ${prefix}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  async forget(): Promise<void> {
    for (const page of this.browser?.contexts().flatMap((c) => c.pages()) ?? []) this.used.add(page);
  }
  async disconnect(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
  }
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

interface MethodFigures {
  /** Requests the core sent until active: REST, OAuth back channel and CometD (HttpSession trace). */
  coreRoundTrips: number;
  /** Of which REST calls to GWS (/api/v2…). */
  restRoundTrips: number;
  /** Of which CometD requests (handshake, subscribe, first connect). */
  cometdRequests: number;
  /** Pages and form posts in the browser at the IdP (SAML only; from the lab IdP's log). */
  idpRequests?: number;
  signInMedianMs: number;
}

function session(gws: GwsLab, profileId: string, loginWindow?: ChromiumLoginWindow) {
  const { fixturePassword: _pw, ...rest } = gws.profiles().find((p) => p.id === profileId)!;
  const profile = ProfileSchema.parse(rest);
  const log = createLogger({ sink: memorySink() });
  const http = new HttpSession({ profileId: profile.id, log, clock: systemClock });
  const s = new GwsSession({ profile, clock: systemClock, log, ...(loginWindow ? { loginWindow } : {}) }, { http });
  return { s, http };
}

function count(http: HttpSession) {
  const trace = http.trace;
  return {
    coreRoundTrips: trace.length,
    restRoundTrips: trace.filter((t) => t.url.includes('/api/v2/') && !t.url.includes('/api/v2/notifications')).length,
    cometdRequests: trace.filter((t) => t.url.includes('/api/v2/notifications')).length,
  };
}

async function basic(gws: GwsLab, profileId: string, userName: string, password: string, runs: number): Promise<MethodFigures> {
  const times: number[] = [];
  let counts = { coreRoundTrips: 0, restRoundTrips: 0, cometdRequests: 0 };
  for (let i = 0; i < runs; i++) {
    const { s, http } = session(gws, profileId);
    const t0 = performance.now();
    await s.signIn({ credentials: { userName, password } });
    times.push(performance.now() - t0);
    counts = count(http);
    await s.signOut();
  }
  return { ...counts, signInMedianMs: pct(times, 50) };
}

async function browserMethod(gws: GwsLab, window: ChromiumLoginWindow, agent: Agent, method: 'saml' | 'salesforce', runs: number): Promise<MethodFigures> {
  const times: number[] = [];
  let counts = { coreRoundTrips: 0, restRoundTrips: 0, cometdRequests: 0 };
  let idpRequests: number | undefined;
  for (let i = 0; i < runs; i++) {
    gws.idp?.clearRequests();
    const { s, http } = session(gws, method === 'saml' ? 'lab-gws-agent1-saml' : 'lab-gws-agent3-salesforce', window);
    const t0 = performance.now();
    const flow = s.signIn({ sso: {} });
    flow.catch(() => undefined);
    if (method === 'saml') await agent.signIn(gws.idp!.url, LAB_IDP_FORM, 'agent1', 'agent1-lab-pw');
    else await agent.signIn(gws.salesforce.loginBase, { user: '#username', password: '#password', submit: '#Login' }, 'agent3@patchbay-lab.example', 'agent3-sf-lab-pw');
    await flow;
    times.push(performance.now() - t0);
    counts = count(http);
    if (method === 'saml') idpRequests = gws.idp?.requests.length;
    await s.signOut();
    await agent.forget();
  }
  return { ...counts, ...(idpRequests === undefined ? {} : { idpRequests }), signInMedianMs: pct(times, 50) };
}

/** Server-side change → the session's agent state, through faye + the cometd client. */
async function eventLatency(gws: GwsLab, events: number): Promise<{ events: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  const { s } = session(gws, 'lab-gws-agent1-basic');
  await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
  const ms: number[] = [];
  const reasons = ['Lunch', 'Break', 'Meeting'];
  for (let i = 0; i < events; i++) {
    const reason = reasons[i % reasons.length]!;
    const t0 = performance.now();
    gws.setAgentState('agent1', 'NotReady', reason);
    await waitUntil(() => s.view.agent?.reason === reason);
    ms.push(performance.now() - t0);
  }
  await s.signOut();
  return { events, p50Ms: pct(ms, 50), p99Ms: pct(ms, 99), maxMs: pct(ms, 100) };
}

export async function runBench(runs = Number(process.env.GWS_BENCH_RUNS ?? 10), events = Number(process.env.GWS_BENCH_EVENTS ?? 300)) {
  const gws = await startGwsLab();
  try {
    const methods: Record<string, unknown> = {
      'gws-basic': await basic(gws, 'lab-gws-agent1-basic', 'agent1', 'agent1-lab-pw', runs),
      'config-server-basic': await basic(gws, 'lab-gws-agent2-cfg', 'agent2', 'agent2-lab-pw', runs),
    };
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (existsSync(chromium)) {
      const window = createChromiumLoginWindow({ headless: true, remoteDebuggingPort: 0 });
      const agent = new Agent(() => window.cdpEndpoint);
      try {
        methods.saml = await browserMethod(gws, window, agent, 'saml', Math.min(runs, 3));
        methods.salesforce = await browserMethod(gws, window, agent, 'salesforce', Math.min(runs, 3));
      } finally {
        await agent.disconnect();
        await window.close();
      }
    } else {
      methods.note = `SAML and Salesforce skipped: no Chromium at ${chromium}`;
    }
    return { bench: 'gws', methods, cometdEventToState: await eventLatency(gws, events) };
  } finally {
    await gws.close();
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await runBench()));
}
