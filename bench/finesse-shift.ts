// A simulated Finesse SSO shift on the fake clock (issue 4 "Tests and figures"): 12 h with a 300 s
// access token and a 7,200 s refresh token, an IdS that refuses expired tokens and refreshes only
// while both tokens are valid [CCXDG], an IdP session that lets a hidden window renew the pair
// silently while it lasts, and an agent who answers a visible sign-in prompt after a while.
// Prints figures; asserts nothing about time. test/unit/core/auth/token-keeper.test.ts runs the
// same simulation and asserts the rules (FIN-12, FIN-13, FIN-14).
import { FakeClock } from '../main/core/clock.ts';
import { PatchbayError } from '../main/core/errors.ts';
import { TokenKeeper, type RefreshStrategy, type TokenGrant } from '../main/core/auth/token-keeper.ts';

export interface ShiftOptions {
  shiftMs?: number;
  accessSec?: number;
  refreshSec?: number;
  /** How long the IdP session lasts after the agent types their password (ADFS default 8 h). */
  idpSessionMs?: number;
  /** Server clock minus local clock. */
  skewMs?: number;
  /** The agent answers a visible prompt this long after it opens. */
  agentAnswerMs?: number;
  /** Every n-th silent refresh fails once with a 503 (exercises backoff); 0 = never. */
  transientEvery?: number;
  /** One REST request every this often. */
  requestEveryMs?: number;
}

export interface ShiftFigures {
  hours: number;
  accessSec: number;
  refreshSec: number;
  idpSessionHours: number;
  skewSec: number;
  requests: number;
  requestsWithExpiredToken: number;
  requestsRefusedLocally: number;
  silentRefreshes: number;
  hiddenRenewals: number;
  visiblePrompts: number;
  transientFailures: number;
  warnings: number;
  minWarningLeadSec: number | null;
  maxWarningLeadSec: number | null;
  idsCalls: number;
}

export async function simulateShift(options: ShiftOptions = {}): Promise<ShiftFigures> {
  const shiftMs = options.shiftMs ?? 12 * 3600_000;
  const accessMs = (options.accessSec ?? 300) * 1000;
  const refreshMs = (options.refreshSec ?? 7200) * 1000;
  const idpSessionMs = options.idpSessionMs ?? 8 * 3600_000;
  const skewMs = options.skewMs ?? 0;
  const agentAnswerMs = options.agentAnswerMs ?? 90_000;
  const transientEvery = options.transientEvery ?? 10;
  const requestEveryMs = options.requestEveryMs ?? 20_000;

  const clock = new FakeClock();
  const serverNow = () => clock.now() + skewMs;
  const access = new Map<string, number>(); // token → server expiry
  const refresh = new Map<string, number>();
  let idpSessionUntil = serverNow() + idpSessionMs;
  let seq = 0;
  let idsCalls = 0;
  let silentCalls = 0;
  let transientFailures = 0;
  let visiblePrompts = 0;

  const jwtLike = (kind: string, exp: number) => `${kind}.${Buffer.from(JSON.stringify({ exp: Math.floor(exp / 1000) })).toString('base64url')}.${seq++}`;
  const issue = (withRefresh: boolean): TokenGrant => {
    const now = serverNow();
    const token = jwtLike('a', now + accessMs);
    access.set(token, now + accessMs);
    const grant: TokenGrant = { accessToken: token, expiresInSec: accessMs / 1000, serverDateMs: Math.floor(now / 1000) * 1000 };
    if (withRefresh) {
      const r = jwtLike('r', now + refreshMs);
      refresh.set(r, now + refreshMs);
      grant.refreshToken = r;
      grant.refreshExpiresAtServerMs = Math.floor((now + refreshMs) / 1000) * 1000;
    }
    return grant;
  };
  const refused = () => new PatchbayError('finesse.sso.refresh-refused', 'refused', { action: 'sign-in-again' });

  const silent = (name: string): RefreshStrategy => ({
    name,
    modes: ['refresh'],
    async run({ accessToken, refreshToken, signal }) {
      await clock.sleep(80, signal);
      idsCalls++;
      silentCalls++;
      if (transientEvery > 0 && silentCalls % transientEvery === 0) {
        transientFailures++;
        throw new PatchbayError('finesse.sso.refresh-unavailable', '503', { action: 'retry' });
      }
      // [CCXDG] both the access token and the refresh token must still be valid.
      const a = access.get(accessToken);
      const r = refreshToken ? refresh.get(refreshToken) : undefined;
      if (a === undefined || r === undefined || serverNow() >= a || serverNow() >= r) throw refused();
      return issue(false);
    },
  });
  const hidden: RefreshStrategy = {
    name: 'hidden-window',
    modes: ['renew'],
    async run({ signal }) {
      if (serverNow() < idpSessionUntil) {
        await clock.sleep(1_500, signal); // redirects through IdS and IdP with their cookies
        idsCalls++;
        return issue(true);
      }
      await clock.sleep(30_000, signal); // the IdP wants a password: the hidden window times out
      throw new PatchbayError('login.timeout', 'timeout', { action: 'none' });
    },
  };
  const visible: RefreshStrategy = {
    name: 'visible-window',
    modes: ['renew'],
    interactive: true,
    async run({ signal }) {
      visiblePrompts++;
      await clock.sleep(agentAnswerMs, signal);
      idpSessionUntil = serverNow() + idpSessionMs;
      idsCalls++;
      return issue(true);
    },
  };

  const keeper = new TokenKeeper({ clock, strategies: [silent('silent-post'), silent('silent-get'), hidden, visible] });
  keeper.start(issue(true));

  let requests = 0;
  let expiredUses = 0;
  let refusedLocally = 0;
  const end = clock.now() + shiftMs;
  let nextRequest = clock.now();
  while (clock.now() < end) {
    if (clock.now() >= nextRequest) {
      nextRequest += requestEveryMs;
      try {
        const token = await keeper.accessToken();
        requests++;
        const exp = access.get(token);
        if (exp === undefined || serverNow() >= exp) expiredUses++; // what the Finesse server would refuse
      } catch {
        refusedLocally++; // not sent: no valid token
      }
    }
    await clock.advance(1_000);
  }
  keeper.stop();
  const leads = keeper.stats.warningLeads.map((ms) => Math.round(ms / 1000));
  return {
    hours: shiftMs / 3600_000,
    accessSec: accessMs / 1000,
    refreshSec: refreshMs / 1000,
    idpSessionHours: idpSessionMs / 3600_000,
    skewSec: skewMs / 1000,
    requests,
    requestsWithExpiredToken: expiredUses,
    requestsRefusedLocally: refusedLocally,
    silentRefreshes: keeper.stats.refreshes,
    hiddenRenewals: keeper.stats.byStrategy['hidden-window'] ?? 0,
    visiblePrompts,
    transientFailures,
    warnings: leads.length,
    minWarningLeadSec: leads.length ? Math.min(...leads) : null,
    maxWarningLeadSec: leads.length ? Math.max(...leads) : null,
    idsCalls,
  };
}

interface ProsodyRigModule {
  prosodyAvailable(): boolean;
  startProsody(options: { users: { user: string; password: string }[] }): Promise<{ domain: string; httpPort: number; wsUrl: string; stop(): Promise<void> }>;
  startTcpProxy(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }>;
}

/** XMPP reconnect after a network blip against Debian Prosody (TCP cut between client and server):
 *  wall-clock ms from the cut to the channel being online again with Finesse's presence. */
export async function benchXmppReconnect(runs = 10): Promise<{ runs: number; medianMs: number; maxMs: number } | { skipped: string }> {
  // The rig lives with the tests (not in the main project): imported by a computed path on purpose.
  const rigPath = '../test/rigs/prosody/prosody.ts';
  const { prosodyAvailable, startProsody, startTcpProxy } = (await import(rigPath)) as ProsodyRigModule;
  if (!prosodyAvailable()) return { skipped: 'prosody is not installed' };
  const { systemClock } = await import('../main/core/clock.ts');
  const { nullLogger } = await import('../main/core/log.ts');
  const { NotificationChannel } = await import('../main/core/platforms/finesse/notifications.ts');
  const { client, xml } = await import('@xmpp/client');
  const rig = await startProsody({ users: [{ user: 'agent1', password: 'pw' }, { user: 'finesse', password: 'fpw' }] });
  const proxy = await startTcpProxy(rig.httpPort);
  const bot = client({ service: rig.wsUrl, domain: rig.domain, resource: 'Finesse', username: 'finesse', password: 'fpw' });
  bot.reconnect.stop();
  await bot.start();
  await bot.send(xml('presence'));
  const channel = new NotificationChannel({
    clock: systemClock,
    log: nullLogger,
    endpoint: async () => ({ service: `ws://127.0.0.1:${proxy.port}/xmpp-websocket`, domain: rig.domain, username: 'agent1', password: 'pw', resource: 'patchbay-bench' }),
    onUpdate: () => undefined,
  });
  const times: number[] = [];
  try {
    await channel.start();
    for (let i = 0; i < runs; i++) {
      const before = channel.reconnectTimes.length;
      const t0 = performance.now();
      proxy.cut();
      while (!(channel.reconnectTimes.length > before && channel.online)) await new Promise((r) => setTimeout(r, 2));
      times.push(performance.now() - t0);
    }
  } finally {
    await channel.stop();
    await bot.stop().catch(() => undefined);
    await proxy.close();
    await rig.stop();
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { runs, medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!), maxMs: Math.round(sorted[sorted.length - 1]!) };
}

export async function runBench() {
  return {
    bench: 'finesse-shift',
    xmppReconnectAfterBlip: await benchXmppReconnect(),
    idpSession8h: await simulateShift(),
    idpSession1h: await simulateShift({ idpSessionMs: 3600_000 }),
    serverClock10minAhead: await simulateShift({ skewMs: 10 * 60_000 }),
    serverClock10minBehind: await simulateShift({ skewMs: -10 * 60_000 }),
  };
}

if (import.meta.main) console.log(JSON.stringify(await runBench(), null, 2));
