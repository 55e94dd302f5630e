// A Genesys Cloud shift on the fake clock (issue 10 "Tests and figures"): the real session
// (GenesysCloudSession) and the real auth port (createGenesysCloudAuth: PKCE, TokenKeeper renewal,
// silent re-authorization in a hidden window, visible sign-in) against an in-memory Genesys Cloud
// (bench/genesys-cloud-sim.ts): 12 h at 1 h and at 5 min token lifetimes, a login session of 8 h,
// maintenance socket_closing every 2 h, a supervisor changing presence and the agent changing it
// back, periodic reads. Prints figures; asserts nothing about time.
import { createHash } from 'node:crypto';
import { FakeClock, type TimerHandle } from '../main/core/clock.ts';
import { createLogger, nullLogger } from '../main/core/log.ts';
import type { HttpSession } from '../main/core/net/http-session.ts';
import type { PlatformContext } from '../main/core/platforms/platform.ts';
import { createGenesysCloudAuth } from '../main/core/platforms/genesys-cloud/auth.ts';
import { GenesysCloudSession } from '../main/core/platforms/genesys-cloud/genesys-cloud-session.ts';
import { SIM_API, SIM_CLIENT_ID, SIM_LOGIN, SIM_REDIRECT, SimGenesys } from './genesys-cloud-sim.ts';
import { benchGcSignIn } from './genesys-cloud-signin.ts';
import { gcWindowProfile } from './profiles.ts';

/** Real-time rounds without new activity before the fake clock moves on (WebCrypto and body
 *  parsing finish on the event loop; under load one round is not always enough). */
const QUIET_ROUNDS = 2;

/** FakeClock that counts fired timers (a timer firing may start real async work). */
class BenchClock extends FakeClock {
  fired = 0;
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    return super.setTimeout(() => {
      this.fired++;
      fn();
    }, ms);
  }
}

export interface GcShiftOptions {
  tokenLifetimeSec: number;
  shiftMs?: number;
  refreshTokens?: boolean;
  loginSessionMs?: number;
  agentAnswerMs?: number;
  /** The agent presses "Sign in" this long after the card says the sign-in was lost. */
  agentReactMs?: number;
  /** The agent also presses "Sign in" on the announcement card (besides the window the keeper opens). */
  agentClicksAnnouncement?: boolean;
  socketClosingEveryMs?: number;
  /** The supervisor (or another device) changes the agent's presence this often. */
  supervisorEveryMs?: number;
  /** The agent reads the presence list this often (a request that needs a valid token). */
  readEveryMs?: number;
}

export interface GcShiftFigures {
  hours: number;
  tokenLifetimeSec: number;
  refreshTokens: boolean;
  loginSessionHours: number;
  apiRequests: number;
  requestsWithExpiredToken: number;
  requestsRefusedLocally: number;
  renewals: number;
  renewalsSilent: number;
  refreshGrants: number;
  renewalFailures: number;
  visiblePrompts: number;
  /** Sign-ins the agent started from a failed card. */
  agentSignIns: number;
  /** Times the card went to "failed" (Genesys Cloud needs a fresh sign-in). */
  signInLost: number;
  signInAnnouncements: number;
  minAnnouncementLeadSec: number | null;
  socketRotations: number;
  socketsOpened: number;
  channelsCreated: number;
  eventsPublished: number;
  eventsMissedAcrossRotations: number;
  eventsMissedOtherwise: number;
  /** Minute samples where the card's state differed from the server's presence. */
  staleMinutes: number;
  finalPhase: string;
}

/** WebCrypto's digest (PKCE S256) resolves on the thread pool, outside the fake clock's microtask
 *  flushes: while a shift runs it is answered synchronously by node:crypto (same bytes). */
async function withSyncDigest<T>(run: () => Promise<T>): Promise<T> {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.digest.bind(subtle);
  const names: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
  const syncDigest = (algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> => {
    const name = names[typeof algorithm === 'string' ? algorithm : algorithm.name];
    if (name === undefined) return original(algorithm, data);
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    const out = createHash(name).update(bytes).digest();
    return Promise.resolve(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
  };
  Object.defineProperty(subtle, 'digest', { value: syncDigest, configurable: true, writable: true });
  try {
    return await run();
  } finally {
    Object.defineProperty(subtle, 'digest', { value: original, configurable: true, writable: true });
  }
}

export function simulateGcShift(options: GcShiftOptions): Promise<GcShiftFigures> {
  return withSyncDigest(() => shift(options));
}

async function shift(options: GcShiftOptions): Promise<GcShiftFigures> {
  const shiftMs = options.shiftMs ?? 12 * 3600_000;
  const loginSessionMs = options.loginSessionMs ?? 8 * 3600_000;
  const clock = new BenchClock();
  const sim = new SimGenesys(clock, {
    tokenLifetimeSec: options.tokenLifetimeSec,
    refreshTokens: options.refreshTokens ?? false,
    loginSessionMs,
    agentAnswerMs: options.agentAnswerMs ?? 60_000,
    silentRoundMs: 400,
    heartbeatMs: 30_000,
    socketClosingGraceMs: 60_000,
  });
  const profile = gcWindowProfile('bench-gc', 'Bench Genesys Cloud', 'gc-agent1', { api: SIM_API, login: SIM_LOGIN, clientId: SIM_CLIENT_ID, redirectUri: SIM_REDIRECT });
    // GC_BENCH_DEBUG=1 prints the session's log (redacted as always) on stderr.
  const log = process.env.GC_BENCH_DEBUG ? createLogger({ clock, level: 'debug' }) : nullLogger;
  const context: PlatformContext = { profile, clock, log, loginWindow: sim.loginWindow };
  const http = sim.http as unknown as HttpSession; // the request() the port and the session use
  const auth = createGenesysCloudAuth(context, { http, loginWindow: sim.loginWindow });
  let renewals = 0;
  let renewalFailures = 0;
  const leads: number[] = [];
  const session = new GenesysCloudSession(context, { auth, http: sim.http, socketFactory: sim.socketFactory });
  // The agent: when the card says the sign-in is lost, they press "Sign in" a little later.
  let agentSignIns = 0;
  let signInLost = 0;
  let asked = false;
  const agentSignsIn = (): void => {
    if (asked) return;
    asked = true;
    clock.setTimeout(() => {
      agentSignIns++;
      const done = (): void => {
        asked = false;
        // Still not signed in (the card still asks)? The agent tries again.
        if (session.view.phase === 'failed') agentSignsIn();
      };
      session.signIn({}).then(done, (error: unknown) => {
        if (process.env.GC_BENCH_DEBUG) console.error('agent sign-in failed', error);
        done();
      });
    }, options.agentReactMs ?? 20_000);
  };
  auth.onEvent((event) => {
    if (event.kind === 'renewed') renewals++;
    if (event.kind === 'renewal-failed') renewalFailures++;
    // The announced sign-in opens its own window (the sim's agent types into it): no click needed.
    if (event.kind === 'sign-in-needed') {
      leads.push(Math.round((event.deadline - clock.now()) / 1000));
      if (options.agentClicksAnnouncement === true) agentSignsIn();
    }
  });
  let lastPhase = session.view.phase;
  session.onView((view) => {
    if (view.phase === 'failed' && lastPhase !== 'failed') signInLost++;
    lastPhase = view.phase;
    if (view.phase === 'failed') agentSignsIn();
  });

  // Real async work (WebCrypto for PKCE, Response bodies) settles on the event loop, not in
  // microtasks: after a simulated second in which anything ran, real time is given until nothing
  // new happens, so fake time never runs ahead of work in flight.
  const activity = (): number => clock.fired + sim.activity;
  const step = async (ms: number): Promise<void> => {
    const before = activity();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await clock.advance(ms);
    if (activity() === before) return;
    for (let i = 0, quiet = 0; i < 200 && quiet < QUIET_ROUNDS; i++) {
      const seen = activity();
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      quiet = activity() === seen ? quiet + 1 : 0;
    }
  };
  const signedIn = session.signIn({});
  for (let i = 0; i < 600 && session.view.phase !== 'active' && session.view.phase !== 'failed'; i++) await step(1_000);
  await signedIn;
  const silentBefore = sim.counts.silentRounds;

  let refusedLocally = 0;
  let staleMinutes = 0;
  const every = (ms: number, fn: () => void): void => {
    const tick = (): void => {
      fn();
      clock.setTimeout(tick, ms);
    };
    clock.setTimeout(tick, ms);
  };
  every(options.socketClosingEveryMs ?? 2 * 3600_000, () => sim.socketClosing());
  const [available, onQueue, breakId, meal] = sim.definitionIds();
  let flip = 0;
  every(options.supervisorEveryMs ?? 7 * 60_000, () => {
    flip++;
    // A supervisor sends the agent on break / to a meal; the agent goes back on queue from Patchbay a minute later.
    sim.setPresence(flip % 2 === 0 ? (breakId ?? '') : (meal ?? ''));
    clock.setTimeout(() => {
      session.setAgentState(onQueue ?? available ?? '').catch(() => refusedLocally++);
    }, 60_000);
  });
  every(options.readEveryMs ?? 5 * 60_000, () => {
    session.listStates().catch(() => refusedLocally++);
  });
  let lastChange = clock.now();
  let lastLabel = sim.expectedLabel();
  every(60_000, () => {
    if (sim.expectedLabel() !== lastLabel) {
      lastLabel = sim.expectedLabel();
      lastChange = clock.now();
    }
    // A change in the last 5 s may still be on its way; anything older must be on the card.
    if (clock.now() - lastChange > 5_000 && session.view.agent?.label !== sim.expectedLabel()) {
      staleMinutes++;
      if (process.env.GC_BENCH_DEBUG) console.error('stale', new Date(clock.now()).toISOString(), JSON.stringify(session.view.agent), sim.expectedLabel());
    }
  });

  const end = clock.now() + shiftMs;
  while (clock.now() < end) await step(1_000);
  const finalPhase = session.view.phase;
  session.dispose();
  auth.dispose();
  return {
    hours: shiftMs / 3600_000,
    tokenLifetimeSec: options.tokenLifetimeSec,
    refreshTokens: options.refreshTokens ?? false,
    loginSessionHours: loginSessionMs / 3600_000,
    apiRequests: sim.counts.apiRequests,
    requestsWithExpiredToken: sim.counts.expiredTokenRequests,
    requestsRefusedLocally: refusedLocally,
    renewals,
    renewalsSilent: sim.counts.silentRounds - silentBefore,
    refreshGrants: sim.counts.refreshGrants,
    renewalFailures,
    visiblePrompts: sim.counts.visiblePrompts - 1, // the first sign-in of the shift is not a prompt
    agentSignIns,
    signInLost,
    signInAnnouncements: leads.length,
    minAnnouncementLeadSec: leads.length > 0 ? Math.min(...leads) : null,
    socketRotations: sim.counts.socketRotations,
    socketsOpened: sim.counts.socketsOpened,
    channelsCreated: sim.counts.channelsCreated,
    eventsPublished: sim.counts.eventsPublished,
    eventsMissedAcrossRotations: sim.counts.eventsMissedAcrossRotations,
    eventsMissedOtherwise: sim.counts.eventsMissedOtherwise,
    staleMinutes,
    finalPhase,
  };
}

export async function runBench() {
  return {
    bench: 'genesys-cloud-shift',
    // Real sockets against the lab: round trips of one sign-in, fresh and on the login cookie.
    signInRoundTrips: await benchGcSignIn(),
    token1h: await simulateGcShift({ tokenLifetimeSec: 3600 }),
    token5min: await simulateGcShift({ tokenLifetimeSec: 300 }),
    token5minWithRefreshTokens: await simulateGcShift({ tokenLifetimeSec: 300, refreshTokens: true }),
    // The agent presses "Sign in" on the announcement while the token lapses (see staleMinutes).
    token5minAgentClicksAnnouncement: await simulateGcShift({ tokenLifetimeSec: 300, agentClicksAnnouncement: true }),
  };
}

if (import.meta.main) console.log(JSON.stringify(await runBench(), null, 2));
