// Sign-in over a WAN (issue 15 items 1 and 3): the lab runs in a child process (bench/wan-lab.ts)
// behind lab/wan-proxy.ts with a one-way delay; this process signs in with the real sessions and
// measures time to `active`, the requests sent, the critical path in round trips, and its own CPU
// (process.cpuUsage, so the lab's work is not counted). Prints figures; asserts nothing about time.
// Critical path = time to active ÷ RTT, rounded: lab and client work is ≪ RTT, so every round trip
// that had to wait for an earlier answer (a TCP handshake included) adds one RTT. roundTripsFromLog
// counts the same from the proxies' request log, so a busy machine (or Chromium's own start-up of a
// sign-in window) does not move it.
// SSO (ICWS, Finesse, Genesys Cloud, GWS SAML and Salesforce): the real Chromium LoginWindow, every server of the flow behind
// its own proxy (bench/wan-lab.ts), an agent typing at once (bench/sso-agent.ts) whose time is taken
// out. Their CPU figure also holds playwright's client side (the LoginWindow adapter and the agent).
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
import { finesseSignOut } from './finesse-sign-out.ts';
import { createChromiumLoginWindow } from '../main/browser-shell/login-window.ts';
import type { Logger } from '../main/core/log.ts';
import { actAsAgent, GC_LOGIN_FORM, LAB_IDP_FORM, SALESFORCE_FORM, withoutAgent, type SsoForm } from './sso-agent.ts';
import { HttpSession } from '../main/core/net/http-session.ts';
import { createGenesysCloudAuth } from '../main/core/platforms/genesys-cloud/auth.ts';
import { GenesysCloudSession } from '../main/core/platforms/genesys-cloud/genesys-cloud-session.ts';
import { gcWindowProfile } from './profiles.ts';
import { load1m, wallNow } from './helpers.ts';

interface Chunk { at: number; connection: number | string; requestLine: string; bytes: number }
interface MethodFigures {
  runs: number;
  timeToActiveMedianMs: number;
  criticalPathRtt: number;
  /** The same path counted from the request log (waves of requests + TCP handshakes): equal to
   *  criticalPathRtt on an idle machine, unmoved by a busy one (SSO: Chromium's own work counts in
   *  the time, not here). */
  roundTripsFromLog: number;
  /** null: no goal (SSO — the IdP's pages set the path). */
  goalCriticalPathRtt: number | null;
  requests: number;
  webSocketFrames: number;
  tcpConnections: number;
  /** Median over the warm runs (2nd on); the first is reported apart (cpuMsFirstSignIn). */
  cpuMsPerSignInMedian: number;
  /** The process's first sign-in of this kind: module loading, JIT and (first method only) the TLS trust store. */
  cpuMsFirstSignIn: number;
  /** The kernel's share of cpuMsPerSignInMedian (process.cpuUsage().system, warm median): socket
   *  writes on loopback also run the receiving side's TCP work in this process's system time. */
  cpuSystemMsMedian: number;
  goalCpuMs: number;
  /** Each request with the round trip (0-based, counted from the start) in which it left. */
  requestsByRoundTrip: string[];
  /** SSO: the agent's time on the sign-in form (taken out of timeToActive and the round trips). */
  agentMsMedian?: number;
}

/** One sign-in: the sign-out to run after it, and for SSO the agent's spans on the form. */
interface SignInRun {
  signOut: () => Promise<void>;
  pauses?: { from: number; to: number }[];
}

/** WAN_METHODS=icws-icauth,gws-saml,…: only these methods (default all). */
const methodWanted = (name: string) => !process.env.WAN_METHODS || process.env.WAN_METHODS.split(',').includes(name);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const now = wallNow;

export async function startLabProcess(oneWayDelayMs: number, jitterMs: number) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./wan-lab.ts', import.meta.url)), String(oneWayDelayMs), String(jitterMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const queue: ((line: string) => void)[] = [];
  lines.on('line', (line) => queue.shift()?.(line));
  const next = () => new Promise<string>((resolve) => queue.push(resolve));
  const urls = JSON.parse(await next()) as { icws: string; finesse: string; finesseSecondary: string; gws: string; gwsIdp: string; gwsSalesforce: { loginBase: string; clientId: string; redirectUri: string }; icwsSso: string; finesseSso: string; gc: { api: string; login: string; clientId: string; redirectUri: string } };
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

async function measure(lab: Awaited<ReturnType<typeof startLabProcess>>, name: string, rttMs: number, runs: number, goalRtt: number | null, once: () => Promise<(() => Promise<void>) | SignInRun>): Promise<MethodFigures> {
  const times: number[] = [];
  const agent: number[] = [];
  const cpu: number[] = [];
  const cpuSystem: number[] = [];
  let last = { connections: 0, chunks: [] as Chunk[] };
  let t0 = 0;
  let pauses: { from: number; to: number }[] = [];
  // Connections that carried anything before this run (a keep-alive pool reuses them): no handshake.
  const known = new Set<number | string>();
  let knownBefore = new Set<number | string>();
  for (let i = 0; i < runs; i++) {
    for (const ch of (await lab.chunks(name)).chunks) known.add(ch.connection); // clear
    knownBefore = new Set(known);
    t0 = now();
    const c0 = process.cpuUsage();
    const done = await once();
    const c = process.cpuUsage(c0);
    const t1 = now();
    const run = typeof done === 'function' ? { signOut: done } : done;
    pauses = run.pauses ?? [];
    // The agent's typing is not the protocol's: taken out of the time (and out of request times below).
    times.push(withoutAgent(t1, pauses) - t0);
    agent.push(t1 - t0 - times.at(-1)!);
    cpu.push((c.user + c.system) / 1000);
    cpuSystem.push(c.system / 1000);
    last = await lab.chunks(name);
    for (const ch of last.chunks) known.add(ch.connection);
    last.chunks = last.chunks.filter((ch) => ch.at <= t1);
    await run.signOut();
  }
  const requests = last.chunks.filter((c) => c.requestLine !== '');
  // Chunks on a connection that opened with a WebSocket GET — /ws (Finesse XMPP), …/cometd (CometD
  // over WebSocket), /channels/<id> (Genesys Cloud notifications) — are WebSocket frames.
  const wsConnections = new Set(requests.filter((r) => /^GET (\/ws|\S*\/cometd\S*|\/channels\/\S+)$/.test(r.requestLine)).map((r) => r.connection));
  const frames = last.chunks.filter((c) => c.requestLine === '' && wsConnections.has(c.connection));
  const t = median(times);
  const hasAgent = agent.some((a) => a > 0);
  // Round trips counted from the request log, not the clock (so a busy machine does not inflate them):
  // a request that left more than half an RTT after the one before it waited for an answer — a new
  // wave, one RTT; a wave that opened a connection paid its TCP handshake, one more.
  const sent = [...requests, ...frames].sort((a, b) => a.at - b.at);
  const seenConnections = new Set<number | string>(knownBefore);
  let waves = 0;
  let previous = -Infinity;
  let handshakeInWave = false;
  for (const r of sent) {
    const at = withoutAgent(r.at, pauses);
    if (at - previous > rttMs / 2) {
      waves++;
      handshakeInWave = false;
    }
    previous = at;
    if (!seenConnections.has(r.connection)) {
      seenConnections.add(r.connection);
      if (!handshakeInWave) waves++;
      handshakeInWave = true;
    }
  }
  return {
    runs,
    timeToActiveMedianMs: Math.round(t),
    criticalPathRtt: Math.round(t / rttMs),
    roundTripsFromLog: waves,
    goalCriticalPathRtt: goalRtt,
    requests: requests.length,
    tcpConnections: new Set(last.chunks.map((c) => c.connection)).size,
    // issue 15 item 3: by an agent's sign-in the app has loaded its modules and built its TLS trust
    // store; the bench's cold first run (hundreds of ms of that) would otherwise swing the median of 5.
    cpuMsPerSignInMedian: Math.round(median(cpu.length > 1 ? cpu.slice(1) : cpu) * 10) / 10,
    cpuMsFirstSignIn: Math.round(cpu[0]! * 10) / 10,
    cpuSystemMsMedian: Math.round(median(cpuSystem.length > 1 ? cpuSystem.slice(1) : cpuSystem) * 10) / 10,
    goalCpuMs: 30,
    webSocketFrames: frames.length,
    requestsByRoundTrip: [...requests, ...frames]
      .sort((a, b) => a.at - b.at)
      .map((r) => `${Math.floor((withoutAgent(r.at, pauses) - t0) / rttMs)}: ${r.requestLine === '' ? `ws frame ${r.bytes} B` : r.requestLine.replace(/\?.*/, '')}`),
    ...(hasAgent ? { agentMsMedian: Math.round(median(agent)) } : {}),
  };
}

/** Single sign-on over the WAN (issue 15 item 1): the real LoginWindow (Chromium via playwright-core)
 *  and an agent typing at once on the IdP's form (bench/sso-agent.ts). */
export async function ssoMethods(lab: Awaited<ReturnType<typeof startLabProcess>>, rttMs: number, runs: number, log: () => Logger): Promise<Record<string, MethodFigures>> {
  // WAN_SSO=icws-sso,finesse-sso,genesys-cloud,gws-saml,gws-salesforce: only these (default all).
  const wanted = (name: string) => (!process.env.WAN_SSO || process.env.WAN_SSO.split(',').includes(name)) && methodWanted(name);
  const out: Record<string, MethodFigures> = {};
  // A CDP port makes the headless window "attachable": it waits for the agent instead of giving up.
  const loginWindow = createChromiumLoginWindow({ headless: true, remoteDebuggingPort: 0 });
  try {
    const browser = await loginWindow.browser();
    const signIn = async (session: { signIn(input: object): Promise<void>; signOut(): Promise<void> }, form: SsoForm, user: string, password: string, input: object = {}): Promise<SignInRun> => {
      const agent = actAsAgent(browser, form, user, password);
      try {
        await session.signIn(input);
      } finally {
        agent.stop();
      }
      return { signOut: () => session.signOut(), pauses: agent.pauses };
    };
    const icwsSsoProfile = ProfileSchema.parse({ id: 'bench-wan-icws-sso', name: 'Bench', platform: 'icws', servers: [lab.urls.icwsSso], authMode: 'sso', userName: 'agent1' });
    // ICWS-10/11: server-info, the SSO start, the IdP's form, the ACS with its ININ-STS-Token, then connect.
    if (wanted('icws-sso')) {
      out['icws-sso'] = await measure(lab, 'icws-sso,icws-idp', rttMs, runs, null, () =>
        signIn(new IcwsSession({ profile: icwsSsoProfile, clock: systemClock, log: log(), loginWindow }), LAB_IDP_FORM, 'agent1', 'agent1-lab-pw'),
      );
    }
    // Finesse SSO (seed 001, FIN-04): the token URL on the node → IdS → IdP form → IdS → token JSON,
    // then the same REST + XMPP sign-in as basic.
    const agent3 = defaultFinesseUsers('UCCX').find((u) => u.loginName === 'agent3')!;
    const finSsoProfile = ProfileSchema.parse({ id: 'bench-wan-fin-sso', name: 'Bench', platform: 'finesse', servers: [lab.urls.finesseSso], authMode: 'sso', userName: 'agent3' });
    if (wanted('finesse-sso')) out['finesse-sso'] = await measure(lab, 'fin-sso,fin-ids,fin-idp', rttMs, runs, null, () => {
      const s = new FinesseSession({ profile: finSsoProfile, clock: systemClock, log: log(), loginWindow }, {});
      // Sign out as the agent would: the lab asks for a Logout reason, the first offered is picked.
      const signOut = async () => {
        const reason = (await s.listStates()).find((state) => state.signsOut)?.reasons[0]?.id;
        await s.signOut(reason ? { reasonCodeId: reason } : {});
      };
      return signIn({ signIn: (input) => s.signIn(input), signOut }, LAB_IDP_FORM, agent3.idpUid, agent3.idpPassword, { sso: { userName: 'agent3' }, extension: agent3.extensions[0]! });
    });
    // GC-02: authorize (the lab's login page), the code exchange with the PKCE verifier, then the API
    // and the notifications channel.
    const gc = lab.urls.gc;
    const gcProfile = gcWindowProfile('bench-wan-gc', 'Bench', 'gc-agent2', gc, { lab: true });
    if (wanted('genesys-cloud')) out['genesys-cloud'] = await measure(lab, 'gc-login,gc-api', rttMs, runs, null, () => {
      const context = { profile: gcProfile, clock: systemClock, log: log(), loginWindow };
      const http = new HttpSession({ profileId: gcProfile.id, log: context.log, clock: systemClock });
      const auth = createGenesysCloudAuth(context, { http, loginWindow });
      const session = new GenesysCloudSession(context, { auth, http });
      return signIn(
        {
          signIn: (input) => session.signIn(input),
          signOut: async () => {
            await session.signOut();
            auth.dispose();
          },
        },
        GC_LOGIN_FORM,
        'gc-agent2',
        'gc-agent2-lab-pw',
      );
    });
    // GWS SAML (GWS-04): the SP's login path on GWS → the IdP's form → the ACS on GWS (a fresh
    // JSESSIONID), then the same REST + CometD start as basic.
    if (wanted('gws-saml')) {
      const gwsSamlProfile = ProfileSchema.parse({
        id: 'bench-wan-gws-saml',
        name: 'Bench',
        platform: 'gws',
        servers: [lab.urls.gws],
        authMode: 'sso',
        userName: 'agent1',
        lab: true,
        options: { gws: { authMethod: 'saml', place: 'SIP_Place_1001', samlLoginPath: '/saml/login', ssoAllowedHosts: [new URL(lab.urls.gwsIdp).host] } },
      });
      out['gws-saml'] = await measure(lab, 'gws,gws-idp', rttMs, runs, null, () =>
        signIn(new GwsSession({ profile: gwsSamlProfile, clock: systemClock, log: log(), loginWindow }), LAB_IDP_FORM, 'agent1', 'agent1-lab-pw', { sso: {} }),
      );
    }
    // GWS Salesforce (GWS-01): discovery, authorize on the stand-in's login page, the code exchange
    // with the PKCE verifier, then GET /me with the session id and identity URL headers and the same
    // REST + CometD start as basic. The stand-in sits behind its own proxy (salesforcePublicBaseUrl).
    if (wanted('gws-salesforce')) {
      const sf = lab.urls.gwsSalesforce;
      const gwsSfProfile = ProfileSchema.parse({
        id: 'bench-wan-gws-sf',
        name: 'Bench',
        platform: 'gws',
        servers: [lab.urls.gws],
        authMode: 'sso',
        userName: 'agent3',
        lab: true,
        options: { gws: { authMethod: 'salesforce', place: 'SIP_Place_1003', salesforce: { ...sf, sessionIdHeader: 'ssid', identityUrlHeader: 'surl' }, ssoAllowedHosts: [new URL(sf.loginBase).host] } },
      });
      out['gws-salesforce'] = await measure(lab, 'gws,gws-sf', rttMs, runs, null, () =>
        signIn(new GwsSession({ profile: gwsSfProfile, clock: systemClock, log: log(), loginWindow }), SALESFORCE_FORM, 'agent3@patchbay-lab.example', 'agent3-sf-lab-pw', { sso: {} }),
      );
    }
    return out;
  } finally {
    await loginWindow.close();
  }
}

export async function runBench(oneWayDelayMs = Number(process.env.WAN_DELAY_MS ?? 50), jitterMs = Number(process.env.WAN_JITTER_MS ?? 0), runs = Number(process.env.WAN_RUNS ?? 5)) {
  const rttMs = 2 * oneWayDelayMs;
  const lab = await startLabProcess(oneWayDelayMs, jitterMs);
  const log = () => createLogger({ sink: memorySink() });
  const loadBefore = load1m();
  try {
    const basic: Record<string, MethodFigures> = {};
    const icwsProfile = ProfileSchema.parse({ id: 'bench-wan', name: 'Bench', platform: 'icws', servers: [lab.urls.icws], authMode: 'password', userName: 'agent1' });
    if (methodWanted('icws-icauth')) basic['icws-icauth'] = await measure(lab, 'icws', rttMs, runs, 3, async () => {
      const s = new IcwsSession({ profile: icwsProfile, clock: systemClock, log: log() });
      await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
      return () => s.signOut();
    });
    const agent4 = defaultFinesseUsers('UCCX').find((u) => u.loginName === 'agent4')!;
    const finProfile = ProfileSchema.parse({ id: 'bench-wan-fin', name: 'Bench', platform: 'finesse', servers: [lab.urls.finesse], authMode: 'password', userName: 'agent4' });
    if (methodWanted('finesse-basic')) basic['finesse-basic'] = await measure(lab, 'finesse', rttMs, runs, 3, async () => {
      const s = new FinesseSession({ profile: finProfile, clock: systemClock, log: log() }, {});
      await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
      return () => finesseSignOut(s);
    });
    // GWS basic (seed 002 GWS-03) and Configuration Server basic (GWS-02): REST, then CometD.
    const gwsMethod = (id: string, userName: string, password: string, authMethod: 'gws-basic' | 'config-server-basic', place: string) =>
      measure(lab, 'gws', rttMs, runs, 3, async () => {
        const profile = ProfileSchema.parse({ id, name: 'Bench', platform: 'gws', servers: [lab.urls.gws], authMode: 'password', userName, lab: true, options: { gws: { authMethod, place } } });
        const s = new GwsSession({ profile, clock: systemClock, log: log() });
        await s.signIn({ credentials: { userName, password } });
        return () => s.signOut();
      });
    if (methodWanted('gws-basic')) basic['gws-basic'] = await gwsMethod('bench-wan-gws', 'agent1', 'agent1-lab-pw', 'gws-basic', 'SIP_Place_1001');
    if (methodWanted('gws-config-server-basic')) basic['gws-config-server-basic'] = await gwsMethod('bench-wan-gws-cfg', 'agent2', 'agent2-lab-pw', 'config-server-basic', 'SIP_Place_1002');
    const sso = await ssoMethods(lab, rttMs, runs, log);
    return {
      bench: 'wan-signin',
      oneWayDelayMs,
      jitterMs,
      rttMs,
      loadAverage1m: { before: loadBefore, after: load1m() },
      methods: { ...basic, ...sso },
      note: 'SSO methods run in the real sign-in window (Debian Chromium, headless) with every server of the flow behind its own delay proxy; the agent types at once and that time (agentMsMedian) is taken out. GWS SAML and GWS Salesforce run the same way (the lab IdP, or the Salesforce stand-in with its public URL, behind its own proxy; GWS calls the identity URL off the WAN).',
    };
  } finally {
    await lab.close();
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await runBench(), null, 1));
}
