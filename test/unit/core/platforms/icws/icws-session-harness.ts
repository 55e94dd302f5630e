// The IcwsSession orchestrator (main/core/platforms/icws/icws-session.ts) under a fake clock, against
// the scripted ICWS of fake-icws.ts (issue 9, helper MUT-ORCH). Shared by icws-session-orch.test.ts
// (sign-in, loss and reconnect), icws-session-orch-messaging.test.ts (messaging, agent state,
// sign-out) and icws-session-orch-sso.test.ts (single sign-on, PureConnect Cloud, edges). The SSO
// journey itself (sso.ts, its own unit tests) is injected as stubs: only what the session does with its token.
import { vi } from 'vitest';
import type { LoginWindow } from '../../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { IcwsSession } from '../../../../../main/core/platforms/icws/icws-session.ts';
import type { reconnectSsoToken, runIcwsSso } from '../../../../../main/core/platforms/icws/sso.ts';
import type { SessionView } from '../../../../../main/core/platforms/platform.ts';
import { ProfileSchema, type ProfileInput } from '../../../../../preload/contract.ts';
import { driveClock } from '../../../../helpers/fake-clock.ts';
import { FakeIcws } from './fake-icws.ts';

// The SSO steps are injected (no vi.mock: unit files share a worker's modules, so a module mock
// would depend on which file imported icws-session.ts first).
export const runSso = vi.fn<typeof runIcwsSso>();
export const reconnectSso = vi.fn<typeof reconnectSsoToken>();

export const A = 'https://a.example:8019';
export const PW = { credentials: { userName: 'agent1', password: 'pw-1' } };
export const loginWindow = {} as LoginWindow;

export function setup(options: { profile?: Partial<ProfileInput>; options?: Record<string, unknown>; loginWindow?: LoginWindow; silentSsoTimeoutMs?: number; viaFactory?: boolean } = {}) {
  const clock = new FakeClock();
  const icws = new FakeIcws();
  const sink = memorySink();
  const profile = ProfileSchema.parse({
    id: 'icws',
    name: 'ICWS',
    platform: 'icws',
    servers: [A],
    authMode: 'password',
    userName: 'agent1',
    ...options.profile,
    options: { pollIntervalMs: 1_000, ...options.options },
  });
  const factoryCalls: unknown[] = [];
  const createHttpSession = (o: unknown) => {
    factoryCalls.push(o);
    return icws.http;
  };
  const session = new IcwsSession(
    {
      profile,
      clock,
      log: createLogger({ sink, level: 'debug' }),
      ...(options.loginWindow ? { loginWindow: options.loginWindow } : {}),
      ...(options.viaFactory ? { createHttpSession } : {}),
    },
    { ...(options.viaFactory ? {} : { http: icws.http }), ...(options.silentSsoTimeoutMs ? { silentSsoTimeoutMs: options.silentSsoTimeoutMs } : {}), sso: { run: runSso, reconnect: reconnectSso } },
  );
  const views: SessionView[] = [];
  session.onView((v) => views.push(v));
  return { clock, icws, session, views, sink, factoryCalls };
}

/** Runs `work` while the fake clock moves on in steps of `step` ms (at most `limit` ms). */
export const drive = <T>(clock: FakeClock, work: Promise<T>, step = 100, limit = 10_000): Promise<T> => driveClock(clock, work, { stepMs: step, maxMs: limit });

export const bodyOf = (req: { body?: unknown }) => JSON.parse(String(req.body)) as Record<string, unknown>;
export const userStatusGets = (icws: FakeIcws) => icws.calls('GET', '/status/user-statuses/');
export const downMessage = (reason: string | undefined, shouldReconnect: boolean | undefined) => ({
  __type: 'urn:inin.com:connection:connectionStateChangeMessage',
  previousConnectionState: 1,
  newConnectionState: 2,
  ...(reason === undefined ? {} : { reason }),
  ...(shouldReconnect === undefined ? {} : { shouldReconnect }),
});


/** Each file's beforeEach: the SSO stubs start with no behaviour and no calls. */
export function resetSsoStubs(): void {
  runSso.mockReset();
  reconnectSso.mockReset();
}
