// The IcwsSession orchestrator (main/core/platforms/icws/icws-session.ts) under a fake clock, against
// the scripted ICWS of fake-icws.ts (issue 9, helper MUT-ORCH: the orchestrator's mutants; the same
// flows over real sockets are the lab tests in test/integration/icws/). The SSO journey itself
// (sso.ts, its own unit tests) is replaced by a stub here: only what the session does with its token.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoginWindow } from '../../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { HEARTBEAT_INTERVAL_MS, IcwsSession, SILENT_SSO_TIMEOUT_MS } from '../../../../../main/core/platforms/icws/icws-session.ts';
import { MAX_INTERVAL_MS } from '../../../../../main/core/platforms/icws/reconnect.ts';
import type { reconnectSsoToken, runIcwsSso } from '../../../../../main/core/platforms/icws/sso.ts';
import type { SessionView } from '../../../../../main/core/platforms/platform.ts';
import { ProfileSchema, type ProfileInput } from '../../../../../preload/contract.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { driveClock } from '../../../../helpers/fake-clock.ts';
import { FakeIcws } from './fake-icws.ts';
import { response } from './stub-response.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';

// The SSO steps are injected (no vi.mock: unit files share a worker's modules, so a module mock
// would depend on which file imported icws-session.ts first).
const runSso = vi.fn<typeof runIcwsSso>();
const reconnectSso = vi.fn<typeof reconnectSsoToken>();

const A = 'https://a.example:8019';
const PW = { credentials: { userName: 'agent1', password: 'pw-1' } };
const loginWindow = {} as LoginWindow;

function setup(options: { profile?: Partial<ProfileInput>; options?: Record<string, unknown>; loginWindow?: LoginWindow; silentSsoTimeoutMs?: number; viaFactory?: boolean } = {}) {
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
const drive = <T>(clock: FakeClock, work: Promise<T>, step = 100, limit = 10_000): Promise<T> => driveClock(clock, work, { stepMs: step, maxMs: limit });

const bodyOf = (req: { body?: unknown }) => JSON.parse(String(req.body)) as Record<string, unknown>;
const userStatusGets = (icws: FakeIcws) => icws.calls('GET', '/status/user-statuses/');
const downMessage = (reason: string | undefined, shouldReconnect: boolean | undefined) => ({
  __type: 'urn:inin.com:connection:connectionStateChangeMessage',
  previousConnectionState: 1,
  newConnectionState: 2,
  ...(reason === undefined ? {} : { reason }),
  ...(shouldReconnect === undefined ? {} : { shouldReconnect }),
});

beforeEach(() => {
  runSso.mockReset();
  reconnectSso.mockReset();
});

describe('IcwsSession sign-in with user name and password', () => {
  it('connects to the first server, takes the user status from the first message and goes active [ICWS-03]', async () => {
    const { clock, icws, session, views } = setup({ profile: { servers: [A, 'https://b.example:8019'] } });
    icws.created.set('a.example', { userDisplayName: 'Ada Agent' });
    icws.userStatus = 'At Lunch';
    await drive(clock, session.signIn(PW));
    expect(views[0]).toMatchObject({ phase: 'signing-in', server: A });
    expect(session.view).toMatchObject({ phase: 'active', server: A, userDisplayName: 'Ada Agent', connection: { transport: 'polling' } });
    expect(session.view.selectableStates.map((s) => s.id)).toEqual(['Available', 'Away from desk', 'At Lunch']);
    expect(session.view.agent?.stateId).toBe('At Lunch');
    expect(bodyOf(icws.calls('POST', '/icws/connection')[0]!)).toMatchObject({ userID: 'agent1', password: 'pw-1', applicationName: 'Patchbay' });
    const subscription = icws.calls('PUT', '/messaging/subscriptions/status/user-statuses');
    expect(subscription.map(bodyOf)).toEqual([{ userIds: ['agent1'] }]);
    // issue 15 item 1: the first message stands in for the GET.
    expect(userStatusGets(icws)).toEqual([]);
  });

  it('sends the user name typed on the form, else the profile one; a missing one stops before any request', async () => {
    const typed = setup();
    await drive(typed.clock, typed.session.signIn({ credentials: { userName: 'bob', password: 'x' } }));
    expect(bodyOf(typed.icws.requests[0]!)).toMatchObject({ userID: 'bob', password: 'x' });

    const none = setup({ profile: { userName: undefined } });
    const error = await rejection(none.session.signIn({ credentials: { userName: '', password: 'x' } }));
    expect(error).toMatchObject({ code: 'icws.sign-in.credentials-required', action: 'sign-in-again' });
    expect(none.session.view).toMatchObject({ phase: 'failed', lastError: { code: 'icws.sign-in.credentials-required' } });
    expect(none.icws.requests).toEqual([]);

    const noPassword = setup();
    expect(await rejection(noPassword.session.signIn({}))).toMatchObject({ code: 'icws.sign-in.credentials-required' });
    expect(noPassword.icws.requests).toEqual([]);
  });

  it('reads the status with a GET when no first message comes: after 3 s on the event stream', async () => {
    const { clock, icws, session } = setup();
    icws.firstMessage = false;
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    const signIn = session.signIn(PW);
    await clock.advance(2_999);
    expect(userStatusGets(icws)).toEqual([]);
    expect(session.view.phase).toBe('signing-in');
    expect(session.view.connection?.transport).toBe('sse');
    await clock.advance(1);
    await signIn;
    expect(userStatusGets(icws)).toHaveLength(1);
    expect(session.view).toMatchObject({ phase: 'active', agent: { stateId: 'Available' } });
  });

  it('reads the status with a GET when no first message comes: after the poll interval + 3 s when polling', async () => {
    const { clock, icws, session } = setup({ options: { pollIntervalMs: 1_000 } });
    icws.firstMessage = false;
    const signIn = session.signIn(PW);
    await clock.advance(3_999);
    expect(userStatusGets(icws)).toEqual([]);
    await clock.advance(1);
    await signIn;
    expect(userStatusGets(icws)).toHaveLength(1);
    expect(session.view.phase).toBe('active');
  });

  it('a status message arriving before the status list is shown once the list is there', async () => {
    const { clock, icws, session } = setup({ options: { pollIntervalMs: 1_000 } });
    icws.userStatus = 'Away from desk';
    // The status list answers only after the first message was read.
    let listReads = 0;
    icws.override.set('GET /status/status-messages', () => {
      listReads += 1;
      return response(200, { statusMessageList: [{ statusId: 'Away from desk', messageText: 'Away', isSelectableStatus: true }] });
    });
    await drive(clock, session.signIn(PW));
    expect(listReads).toBe(1);
    expect(session.view.agent).toMatchObject({ stateId: 'Away from desk', label: 'Away' });
  });

  it('a refused connection ends in the failed view with the typed error, and nothing keeps polling', async () => {
    const { clock, icws, session } = setup();
    icws.connect.set('a.example', [response(400, { errorId: 'error.request.connection.authenticationFailure', message: 'The user name or password is wrong.' })]);
    const error = await rejection(drive(clock, session.signIn(PW)));
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error.message).toBe('The user name or password is wrong.');
    expect(session.view).toMatchObject({ phase: 'failed', connection: { transport: 'none' }, lastError: { code: error.code, message: error.message } });
    const count = icws.requests.length;
    await clock.advance(60_000);
    expect(icws.requests.length).toBe(count);
  });

  it('a failure after the 201 stops the messaging loop it started', async () => {
    const { clock, icws, session } = setup();
    icws.override.set('GET /status/status-messages', () => response(500));
    await rejection(drive(clock, session.signIn(PW)));
    expect(session.view.phase).toBe('failed');
    const polls = icws.calls('GET', '/messaging/messages').length;
    await clock.advance(30_000);
    expect(icws.calls('GET', '/messaging/messages').length).toBe(polls);
  });

  it('cancel during the connection request ends as session.cancelled', async () => {
    const { clock, icws, session } = setup();
    icws.connect.set('a.example', [
      () => {
        session.cancel();
        throw new Error('aborted');
      },
    ]);
    const error = await rejection(drive(clock, session.signIn(PW)));
    expect(error).toMatchObject({ code: 'session.cancelled', action: 'none' });
    expect(session.view.lastError?.code).toBe('session.cancelled');
  });

  it('puts the profile station after the connection; a refusal shows the server text and gives the session back [ICWS-26]', async () => {
    const ok = setup({ options: { station: 'ws-7' } });
    await drive(ok.clock, ok.session.signIn(PW));
    expect(ok.icws.calls('PUT', '/connection/station').map(bodyOf)).toEqual([
      { __type: 'urn:inin.com:connection:workstationSettings', workstation: 'ws-7', supportedMediaTypes: [1], readyForInteractions: true },
    ]);
    expect(ok.session.view.phase).toBe('active');

    const refused = setup({ options: { station: 'ws-7' } });
    refused.icws.override.set('PUT /connection/station', () => response(400, { errorId: 'error.station.inUse', message: 'Station ws-7 is in use by agent2.' }));
    const error = await rejection(drive(refused.clock, refused.session.signIn(PW)));
    expect(error.message).toBe('Station ws-7 is in use by agent2.');
    expect(refused.session.view).toMatchObject({ phase: 'failed', lastError: { message: 'Station ws-7 is in use by agent2.' } });
    const deleted = refused.icws.calls('DELETE', '/connection');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.url).toBe(`${A}/icws/101/connection`);

    const none = setup();
    await drive(none.clock, none.session.signIn(PW));
    expect(none.icws.calls('PUT', '/connection/station')).toEqual([]);
  });
});

describe('IcwsSession connection loss and reconnect', () => {
  async function active(opts: Parameters<typeof setup>[0] = {}) {
    const t = setup(opts);
    t.icws.created.set('a.example', { alternateHostList: ['b.example'] });
    await drive(t.clock, t.session.signIn(PW));
    return { ...t, first: t.icws.live()! };
  }

  it('a loss message while the sign-in is still setting up its connection leaves the card reconnecting, not active [ICWS-18]', async () => {
    const { clock, icws, session, views } = setup();
    icws.created.set('a.example', { alternateHostList: ['b.example'] });
    // The status list answers slowly; meanwhile the next poll brings the server's loss message.
    icws.override.set('GET /status/status-messages', async () => {
      icws.live()!.queue.push(downMessage('The server is switching over.', true));
      await clock.sleep(2_500);
      return response(200, { statusMessageList: [{ statusId: 'Available', messageText: 'Available', isSelectableStatus: true }] });
    });
    await drive(clock, session.signIn(PW));
    expect(views.map((v) => v.phase)).toContain('reconnecting');
    expect(session.view.phase).toBe('reconnecting');
    expect(session.view.lastError?.message).toBe('The server is switching over.');
    // The reconnect, not the sign-in's end, makes the card active again: on the alternate host.
    icws.override.delete('GET /status/status-messages');
    await clock.advance(MAX_INTERVAL_MS + 2_000);
    expect(session.view.phase).toBe('active');
    expect(session.view.server).toBe('https://b.example:8019');
  });

  it('a 401 on a call reads GET connection and shows its reason [ICWS-17]', async () => {
    const { icws, session, first } = await active();
    icws.end(first, { reason: 'An administrator logged you off.' });
    expect(await rejection(session.setAgentState('At Lunch'))).toMatchObject({ code: 'icws.session.lost', action: 'sign-in-again' });
    await vi.waitFor(() => expect(session.view.phase).toBe('failed'));
    expect(session.view.lastError).toEqual({ code: 'icws.connection.lost', message: 'An administrator logged you off.', action: 'sign-in-again' });
    expect(icws.calls('GET', `/icws/${first.id}/connection`)).toHaveLength(1);
  });

  it('GET connection saying shouldReconnect false ends the session for good [ICWS-17, ICWS-19]', async () => {
    const { clock, icws, session, first } = await active();
    icws.end(first, { reason: 'Licence withdrawn.', shouldReconnect: false });
    await rejection(session.setAgentState('At Lunch'));
    await vi.waitFor(() => expect(session.view.phase).toBe('failed'));
    expect(session.view.lastError).toMatchObject({ message: 'Licence withdrawn.', action: 'contact-it' });
    const posts = icws.calls('POST', '/icws/connection').length;
    await clock.advance(10 * 60_000);
    expect(icws.calls('POST', '/icws/connection').length).toBe(posts);
  });

  it('the connectionStateChangeMessage drives the loss: reconnecting with its reason, then the alternate host of the last connection [ICWS-18, ICWS-19, ICWS-05]', async () => {
    const { clock, icws, session, views, first } = await active();
    first.queue.push(downMessage('The server is switching over.', true));
    await clock.advance(1_000);
    expect(session.view).toMatchObject({ phase: 'reconnecting', lastError: { code: 'icws.connection.lost', message: 'The server is switching over.', action: 'none' } });
    const scheduled = views.findLast((v) => v.connection?.nextHost !== undefined)!;
    expect(scheduled.connection).toMatchObject({ nextHost: 'b.example:8019', reconnectAttempt: 0 });
    expect(scheduled.lastError?.message).toBe('The server is switching over.');
    // No GET connection: the message said it all.
    expect(icws.calls('GET', `/icws/${first.id}/connection`)).toEqual([]);
    await clock.advance(MAX_INTERVAL_MS);
    const posts = icws.calls('POST', '/icws/connection');
    expect(posts.map((r) => new URL(r.url).host)).toEqual(['a.example:8019', 'b.example:8019']);
    expect(bodyOf(posts[1]!)).toMatchObject({ userID: 'agent1', password: 'pw-1' });
    await clock.advance(1_000);
    expect(session.view.phase).toBe('active');
    expect(session.view.server).toBe('https://b.example:8019');
    // The new session is established like a sign-in: statuses, subscription, messaging on it.
    const second = icws.live()!;
    expect(second.base).toBe('https://b.example:8019');
    expect(icws.calls('PUT', `/icws/${second.id}/messaging/subscriptions/status/user-statuses`)).toHaveLength(1);
    await clock.advance(2_000);
    expect(icws.calls('GET', `/icws/${second.id}/messaging/messages`).length).toBeGreaterThan(0);
  });

  it('shouldReconnect false in the message fails at once; without shouldReconnect it does not reconnect either [ICWS-18, ICWS-19]', async () => {
    for (const [shouldReconnect, action] of [
      [false, 'contact-it'],
      [undefined, 'sign-in-again'],
    ] as const) {
      const { clock, icws, session, first } = await active();
      first.queue.push(downMessage('Gone.', shouldReconnect));
      await clock.advance(1_000);
      expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'icws.connection.lost', message: 'Gone.', action } });
      await clock.advance(5 * 60_000);
      expect(icws.calls('POST', '/icws/connection')).toHaveLength(1);
    }
  });

  it('a 400 during the reconnect stops it and shows the server message, with no further attempt [ICWS-21]', async () => {
    const { clock, icws, session, first } = await active();
    icws.connect.set('b.example', [response(400, { errorId: 'error.request.connection.authenticationFailure', message: 'Your password has expired.' })]);
    first.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000 + MAX_INTERVAL_MS);
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'icws.reconnect.rejected', message: 'Your password has expired.', action: 'sign-in-again' } });
    await clock.advance(60 * 60_000);
    expect(icws.calls('POST', '/icws/connection')).toHaveLength(2);
  });

  it('a reconnect whose new session refuses the station ends failed with that refusal [ICWS-26]', async () => {
    const { clock, icws, session, first } = await active({ options: { station: 'ws-7' } });
    icws.override.set('PUT /connection/station', () => response(400, { message: 'Station ws-7 is gone.' }));
    first.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000 + MAX_INTERVAL_MS + 1_000);
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { message: 'Station ws-7 is gone.' } });
  });

  it('a second loss message while reconnecting starts no second reconnect', async () => {
    const { clock, icws, session, first } = await active();
    first.queue.push(downMessage('One.', true), downMessage('Two.', true));
    await clock.advance(1_000);
    expect(session.view.lastError?.message).toBe('One.');
    await clock.advance(MAX_INTERVAL_MS);
    expect(icws.calls('POST', '/icws/connection')).toHaveLength(2);
  });

  it('sign-out while reconnecting stops the reconnect', async () => {
    const { clock, icws, session, first } = await active();
    first.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000);
    expect(session.view.phase).toBe('reconnecting');
    await session.signOut();
    await clock.advance(10 * 60_000);
    expect(icws.calls('POST', '/icws/connection')).toHaveLength(1);
    expect(session.view.phase).toBe('signed-out');
  });

  it('a 401 on the event stream reads the reason like a 401 on a call [ICWS-17]', async () => {
    const t = setup();
    t.icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(t.clock, t.session.signIn(PW));
    const first = t.icws.live()!;
    t.icws.end(first, { reason: 'Session timed out.' });
    t.icws.streams.at(-1)!.end();
    await t.clock.advance(2_000);
    expect(t.session.view).toMatchObject({ phase: 'failed', lastError: { message: 'Session timed out.' } });
  });
});

describe('IcwsSession messaging', () => {
  it('a message updates the last event time; bad JSON and other users change nothing', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    const s = icws.live()!;
    await clock.advance(5_000);
    s.queue.push(icws.statusMessage('At Lunch', 'agent2'));
    await clock.advance(1_000);
    expect(session.view.agent?.stateId).toBe('Available');
    expect(session.view.connection?.lastEventAt).toBe(new Date(clock.now()).toISOString());
    const before = session.view;
    icws.override.set('GET /messaging/messages', () => response(200, 'not json'));
    await clock.advance(1_000);
    expect(session.view).toBe(before);
    icws.override.delete('GET /messaging/messages');
    s.queue.push(icws.statusMessage('At Lunch'));
    await clock.advance(1_000);
    expect(session.view.agent?.stateId).toBe('At Lunch');
  });

  it('an empty poll answer is no event', async () => {
    const { clock, session } = setup();
    await drive(clock, session.signIn(PW));
    const at = session.view.connection?.lastEventAt;
    await clock.advance(5_000);
    expect(session.view.connection?.lastEventAt).toBe(at);
  });

  it('heartbeat: asked for on the stream, POSTed only after 90 s without another authenticated request [ICWS-16]', async () => {
    const { clock, icws, session } = setup({ options: { heartbeat: true } });
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(clock, session.signIn(PW));
    expect(String(icws.streams[0]!.req.url)).toBe(`${A}/icws/101/messaging/messages?heartbeat=true`);
    const start = clock.now();
    const beats = () => icws.calls('POST', '/messaging/heartbeat').length;
    // Pings keep the stream from stalling (a reopen would re-read the status: a request).
    const advance = async (ms: number) => {
      for (let left = ms; left > 0; left -= 30_000) {
        icws.streams.at(-1)!.ping();
        await clock.advance(Math.min(left, 30_000));
      }
    };
    // The connection request counts: no heartbeat right after the sign-in.
    expect(beats()).toBe(0);
    await advance(60_000);
    await session.setAgentState('At Lunch');
    const lastCall = clock.now();
    await advance(HEARTBEAT_INTERVAL_MS - 1);
    expect(beats()).toBe(0);
    await advance(1);
    expect(icws.streams).toHaveLength(1);
    expect(beats()).toBe(1);
    expect(clock.now() - lastCall).toBe(HEARTBEAT_INTERVAL_MS);
    expect(clock.now() - start).toBeGreaterThan(HEARTBEAT_INTERVAL_MS);
  });

  it('the first heartbeat of a session is due 90 s after its connection, also after a reconnect [ICWS-16]', async () => {
    const { clock, icws, session } = setup({ options: { heartbeat: true } });
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }], alternateHostList: ['b.example'] });
    icws.created.set('b.example', { features: [{ featureId: 'messaging', version: 2 }] });
    const signedInAt = clock.now();
    await drive(clock, session.signIn(PW), 10);
    const beatTimes: number[] = [];
    icws.override.set('POST /messaging/heartbeat', () => {
      beatTimes.push(clock.now());
      return response(204);
    });
    await clock.advance(200_000);
    expect(beatTimes[0]! - signedInAt).toBeGreaterThanOrEqual(HEARTBEAT_INTERVAL_MS);
    expect(beatTimes[0]! - signedInAt).toBeLessThan(HEARTBEAT_INTERVAL_MS + 1_000);
    // A reconnect long after the last request: the new session's first heartbeat is again 90 s on.
    beatTimes.length = 0;
    icws.streams.at(-1)!.push([{ __type: 'urn:inin.com:connection:connectionStateChangeMessage', newConnectionState: 2, reason: 'Switching over.', shouldReconnect: true }]);
    for (let i = 0; i < 40 && icws.live()!.base !== 'https://b.example:8019'; i++) await clock.advance(1_000);
    const reconnectedAt = clock.now();
    expect(session.view.phase).toBe('active');
    await clock.advance(HEARTBEAT_INTERVAL_MS - 2_000);
    expect(beatTimes).toEqual([]);
    await clock.advance(3_000);
    expect(beatTimes).toHaveLength(1);
    expect(beatTimes[0]! - reconnectedAt).toBeGreaterThan(HEARTBEAT_INTERVAL_MS - 2_000);
  });

  it('no heartbeat parameter or POST without the option', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(clock, session.signIn(PW));
    expect(String(icws.streams[0]!.req.url)).toBe(`${A}/icws/101/messaging/messages`);
    await clock.advance(5 * 60_000);
    expect(icws.calls('POST', '/messaging/heartbeat')).toEqual([]);
  });

  it('a reopened event stream reads the user status again (events may have been missed) [ICWS-15]', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(clock, session.signIn(PW));
    expect(userStatusGets(icws)).toEqual([]);
    icws.userStatus = 'Away from desk';
    icws.streams.at(-1)!.end();
    await clock.advance(1_500);
    expect(icws.streams).toHaveLength(2);
    expect(userStatusGets(icws)).toHaveLength(1);
    expect(session.view.agent?.stateId).toBe('Away from desk');
  });

  it('a failed re-read after a reopen leaves the session active', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(clock, session.signIn(PW));
    icws.override.set('GET /status/user-statuses/agent1', () => response(500));
    icws.streams.at(-1)!.end();
    await clock.advance(1_500);
    expect(session.view.phase).toBe('active');
    expect(session.view.lastError).toBeUndefined();
  });
});

describe('IcwsSession agent state', () => {
  it('PUTs the status to the encoded user, reads it back, and accepts 200, 202 and 204', async () => {
    for (const status of [200, 202, 204]) {
      const { clock, icws, session } = setup();
      icws.created.set('a.example', { userID: 'ag/ent' });
      await drive(clock, session.signIn(PW));
      icws.override.set('PUT /status/user-statuses/ag%2Fent', (req) => {
        icws.userStatus = bodyOf(req).statusId as string;
        return response(status);
      });
      await session.setAgentState('Away from desk');
      expect(icws.calls('PUT', '/status/user-statuses/ag%2Fent').map(bodyOf)).toEqual([{ statusId: 'Away from desk' }]);
      expect(icws.calls('GET', '/status/user-statuses/ag%2Fent')).toHaveLength(1);
      expect(session.view.agent?.stateId).toBe('Away from desk');
    }
  });

  it('a refused change shows the server text on the card and keeps the session', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    icws.override.set('PUT /status/user-statuses/agent1', () => response(400, { message: 'You cannot choose that status now.' }));
    const error = await rejection(session.setAgentState('At Lunch'));
    expect(error).toMatchObject({ code: 'icws.set-status.rejected', message: 'You cannot choose that status now.' });
    expect(session.view).toMatchObject({ phase: 'active', lastError: { code: 'icws.set-status.rejected', message: 'You cannot choose that status now.' } });
    expect(userStatusGets(icws)).toEqual([]);
    icws.override.set('PUT /status/user-statuses/agent1', () => response(201));
    await rejection(session.setAgentState('At Lunch'));
  });

  it('before sign-in: session.not-active, the view untouched', async () => {
    const { session, views } = setup();
    expect(await rejection(session.setAgentState('At Lunch'))).toMatchObject({ code: 'session.not-active', action: 'sign-in-again' });
    expect(await rejection(session.listStates())).toMatchObject({ code: 'session.not-active' });
    expect(views).toEqual([]);
  });

  it('a failure while not active is thrown, not shown on the card', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    const first = icws.live()!;
    first.queue.push(downMessage('Gone.', false));
    await clock.advance(1_000);
    icws.end(first, {});
    expect(session.view.phase).toBe('failed');
    const shown = session.view.lastError;
    await rejection(session.setAgentState('At Lunch'));
    expect(session.view.lastError).toBe(shown);
  });

  it('listStates reads the list again', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    icws.statusIds = ['Available', 'Training'];
    expect((await session.listStates()).map((s) => s.id)).toEqual(['Available', 'Training']);
    expect(icws.calls('GET', '/status/status-messages').filter((r) => String(r.url).endsWith('/status/status-messages'))).toHaveLength(2);
  });
});

describe('IcwsSession sign-out', () => {
  it('deletes the session with its CSRF token, clears the cookies, stops messaging, shows signed-out', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    await session.signOut();
    const deleted = icws.calls('DELETE', '/connection');
    expect(deleted.map((r) => r.url)).toEqual([`${A}/icws/101/connection`]);
    expect(deleted[0]!.headers).toMatchObject({ 'ININ-ICWS-CSRF-Token': 'csrf-101' });
    expect(icws.cleared).toBe(1);
    expect(session.view).toEqual({ phase: 'signed-out', selectableStates: [] });
    const count = icws.requests.length;
    await clock.advance(60_000);
    expect(icws.requests.length).toBe(count);
    expect(await rejection(session.setAgentState('At Lunch'))).toMatchObject({ code: 'session.not-active' });
  });

  it('without a session: no DELETE, still signed out and cookies cleared', async () => {
    const { icws, session } = setup();
    await session.signOut();
    expect(icws.calls('DELETE', '/connection')).toEqual([]);
    expect(icws.cleared).toBe(1);
    expect(session.view.phase).toBe('signed-out');
  });

  it('after sign-out a loss reconnects no more: the kept password is gone', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { alternateHostList: ['b.example'] });
    await drive(clock, session.signIn(PW));
    await session.signOut();
    // A late sign-in would need the password again; dispose leaves nothing either.
    session.dispose();
    await clock.advance(10 * 60_000);
    expect(icws.calls('POST', '/icws/connection')).toHaveLength(1);
  });
});

describe('IcwsSession single sign-on [ICWS-10..14]', () => {
  const ssoProfile = { authMode: 'sso', userName: 'agent1' } as const;

  it('without a sign-in window: login.unavailable before any request', async () => {
    const { icws, session } = setup({ profile: ssoProfile });
    expect(await rejection(session.signIn({}))).toMatchObject({ code: 'login.unavailable', action: 'contact-it' });
    expect(session.view.phase).toBe('failed');
    expect(icws.requests).toEqual([]);
  });

  it('takes the first identity provider of server-info, posts the token, keeps the IdP for reconnects [ICWS-11, ICWS-13]', async () => {
    const { clock, icws, session, views } = setup({ profile: ssoProfile, loginWindow });
    runSso.mockImplementation(async (o) => {
      o.onPhase?.('awaiting-user');
      o.onPhase?.('signing-in');
      return 'token-1';
    });
    await drive(clock, session.signIn({}));
    expect(runSso).toHaveBeenCalledTimes(1);
    expect(runSso.mock.calls[0]![0]).toMatchObject({ base: A, identityProviderId: 'idp-1', profileId: 'icws', loginWindow, http: icws.http });
    expect(views.map((v) => v.phase)).toContain('awaiting-user');
    expect(views.findLast((v) => v.phase === 'signing-in')?.server).toBe(A);
    expect(bodyOf(icws.calls('POST', '/icws/connection')[0]!)).toEqual({
      __type: 'urn:inin.com:connection:singleSignOnTokenConnectionRequestSettings',
      applicationName: 'Patchbay',
      singleSignOnToken: 'token-1',
    });
    expect(session.view.phase).toBe('active');
  });

  it('a chosen identity provider is used as given, also on a password profile', async () => {
    const { clock, icws, session } = setup({ loginWindow });
    runSso.mockResolvedValue('token-2');
    await drive(clock, session.signIn({ sso: { identityProviderId: 'idp-9' } }));
    expect(runSso.mock.calls[0]![0].identityProviderId).toBe('idp-9');
    expect(icws.calls('GET', '/icws/connection/server-info')).toEqual([]);
  });

  it('a server without identity providers: icws.sso.no-identity-provider', async () => {
    const { clock, icws, session } = setup({ profile: ssoProfile, loginWindow });
    icws.serverInfo = { authentication: { allowIcAuth: true, identityProviders: [] } };
    expect(await rejection(drive(clock, session.signIn({})))).toMatchObject({ code: 'icws.sso.no-identity-provider' });
    expect(runSso).not.toHaveBeenCalled();
  });

  async function ssoActive(silentSsoTimeoutMs?: number) {
    const t = setup({ profile: ssoProfile, loginWindow, ...(silentSsoTimeoutMs ? { silentSsoTimeoutMs } : {}) });
    t.icws.created.set('a.example', { alternateHostList: ['b.example', 'c.example'] });
    runSso.mockResolvedValue('token-1');
    await drive(t.clock, t.session.signIn({}));
    return { ...t, first: t.icws.live()! };
  }

  it('reconnects with a new single-use token from the same IdP at the next host [ICWS-14]', async () => {
    const { clock, icws, session, views, first } = await ssoActive();
    reconnectSso.mockImplementation(async (_o, _ms, onAwaitingUser) => {
      onAwaitingUser();
      return 'token-2';
    });
    first.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000 + MAX_INTERVAL_MS + 1_000);
    expect(reconnectSso).toHaveBeenCalledTimes(1);
    const [options, silentMs] = reconnectSso.mock.calls[0]!;
    expect(options).toMatchObject({ base: 'https://b.example:8019', identityProviderId: 'idp-1', loginWindow, profileId: 'icws' });
    expect(silentMs).toBe(SILENT_SSO_TIMEOUT_MS);
    expect(bodyOf(icws.calls('POST', '/icws/connection')[1]!)).toMatchObject({ singleSignOnToken: 'token-2' });
    expect(views.map((v) => v.phase)).toContain('awaiting-user');
    expect(session.view.phase).toBe('active');
  });

  it('the silent wait of an SSO reconnect is the one configured', async () => {
    const { clock, first } = await ssoActive(4_000);
    reconnectSso.mockResolvedValue('token-2');
    first.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000 + MAX_INTERVAL_MS + 1_000);
    expect(reconnectSso.mock.calls[0]![1]).toBe(4_000);
  });

  it('an SSO reconnect the agent cancels stops like a 400; an IdP timeout tries the next host [ICWS-14, ICWS-21]', async () => {
    const timeout = await ssoActive();
    reconnectSso.mockRejectedValueOnce(new PatchbayError('login.timeout', 'The sign-in page did not answer.', { action: 'retry' })).mockResolvedValue('token-3');
    timeout.first.queue.push(downMessage('Switching over.', true));
    await timeout.clock.advance(1_000 + 2 * MAX_INTERVAL_MS + 1_000);
    expect(reconnectSso.mock.calls.map((c) => c[0].base)).toEqual(['https://b.example:8019', 'https://c.example:8019']);
    expect(timeout.session.view.phase).toBe('active');

    reconnectSso.mockReset();
    const cancelled = await ssoActive();
    reconnectSso.mockRejectedValue(new PatchbayError('login.cancelled', 'You closed the sign-in window.', { action: 'sign-in-again' }));
    cancelled.first.queue.push(downMessage('Switching over.', true));
    await cancelled.clock.advance(1_000 + 2 * MAX_INTERVAL_MS);
    expect(reconnectSso).toHaveBeenCalledTimes(1);
    expect(cancelled.session.view).toMatchObject({ phase: 'failed', lastError: { code: 'icws.reconnect.rejected', message: 'You closed the sign-in window.' } });
  });

  it('a password session reconnects with the kept password, never through the IdP', async () => {
    const t = setup({ loginWindow });
    t.icws.created.set('a.example', { alternateHostList: ['b.example'] });
    await drive(t.clock, t.session.signIn(PW));
    t.icws.live()!.queue.push(downMessage('Switching over.', true));
    await t.clock.advance(1_000 + MAX_INTERVAL_MS + 1_000);
    expect(reconnectSso).not.toHaveBeenCalled();
    expect(t.session.view.phase).toBe('active');
  });
});

describe('IcwsSession PureConnect Cloud [ICWS-24, ICWS-25]', () => {
  const CLOUD = 'https://cloud.example';
  const serversJson = (template: string, hosts: string[]) => ({ serviceURLTemplate: template, servers: hosts.map((host, order) => ({ host, order })) });

  it('sign-in options and the connection go through the servers.json template, not the custom URL [ICWS-24]', async () => {
    const { clock, icws, session } = setup({ profile: { servers: [CLOUD] }, options: { connectionMode: 'cloud' } });
    icws.serversJson = serversJson(`${CLOUD}/api/{host}`, ['ic1', 'ic2']);
    await session.signInOptions();
    expect(icws.calls('GET', '/icws/connection/server-info').map((r) => String(r.url))).toEqual([
      `${CLOUD}/api/ic1/icws/connection/server-info?singleSignOnCapabilities=saml2Post,saml2Redirect`,
    ]);
    await drive(clock, session.signIn(PW));
    expect(icws.calls('POST', '/icws/connection').map((r) => String(r.url))).toEqual([`${CLOUD}/api/ic1/icws/connection?include=version,features`]);
    expect(icws.requests.filter((r) => String(r.url) === `${CLOUD}/config/servers.json`)).toHaveLength(2);
    expect(session.view).toMatchObject({ phase: 'active', server: `${CLOUD}/api/ic1` });
  });

  it('direct mode never asks for servers.json and signs in on the profile server', async () => {
    const { clock, icws, session } = setup({ profile: { servers: [`${A}/`] } });
    await session.signInOptions();
    expect(String(icws.requests[0]!.url)).toBe(`${A}/icws/connection/server-info?singleSignOnCapabilities=saml2Post,saml2Redirect`);
    await drive(clock, session.signIn(PW));
    expect(icws.requests.filter((r) => String(r.url).includes('servers.json'))).toEqual([]);
  });

  it('an alternate host of a cloud connection goes through the template; a reconnect reads servers.json anew and follows a changed template [ICWS-25]', async () => {
    const { clock, icws, session } = setup({ profile: { servers: [CLOUD] }, options: { connectionMode: 'cloud' } });
    icws.serversJson = serversJson(`${CLOUD}/api/{host}`, ['ic1']);
    icws.created.set('ic1', { alternateHostList: ['ic2'] });
    await drive(clock, session.signIn(PW));
    icws.serversJson = serversJson(`${CLOUD}/v2/{host}`, ['ic1']);
    icws.live()!.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000);
    expect(session.view.connection?.nextHost).toBe('cloud.example');
    await clock.advance(MAX_INTERVAL_MS + 3_000);
    expect(icws.calls('POST', '/icws/connection').map((r) => String(r.url))).toEqual([
      `${CLOUD}/api/ic1/icws/connection?include=version,features`,
      `${CLOUD}/v2/ic2/icws/connection?include=version,features`,
    ]);
    expect(session.view).toMatchObject({ phase: 'active', server: `${CLOUD}/v2/ic2` });
  });
});

describe('IcwsSession: what the agent is told, and edges (issue 9 survivors)', () => {
  it('the refusals before any request say what to do', async () => {
    const none = setup();
    expect(await rejection(none.session.signIn({}))).toMatchObject({ message: 'Enter your user name and password to sign in.' });
    const noWindow = setup({ profile: { authMode: 'sso' } });
    expect(await rejection(noWindow.session.signIn({}))).toMatchObject({ message: 'Single sign-on needs a sign-in window, which this way of running Patchbay does not have.' });
    const noIdp = setup({ profile: { authMode: 'sso' }, loginWindow });
    noIdp.icws.serverInfo = {};
    expect(await rejection(drive(noIdp.clock, noIdp.session.signIn({})))).toMatchObject({
      message: 'The server offers no identity provider for single sign-on.',
      action: 'contact-it',
    });
    expect(await rejection(none.session.setAgentState('At Lunch'))).toMatchObject({ message: 'Sign in first.' });
  });

  it('a cancelled sign-in says so', async () => {
    const { clock, icws, session } = setup();
    icws.connect.set('a.example', [
      () => {
        session.cancel();
        throw new Error('aborted');
      },
    ]);
    expect(await rejection(drive(clock, session.signIn(PW)))).toMatchObject({ message: 'Sign-in was cancelled.' });
  });

  it('a 401 on a call is the typed loss with its status; a refusal without a server text gets the plain sentence', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    icws.override.set('PUT /status/user-statuses/agent1', () => response(409));
    expect(await rejection(session.setAgentState('At Lunch'))).toMatchObject({ code: 'icws.set-status.rejected', message: 'The server refused the status change.' });
    icws.override.delete('PUT /status/user-statuses/agent1');
    icws.end(icws.live()!, { reason: 'Gone.' });
    const lost = await rejection(session.setAgentState('At Lunch'));
    expect(lost).toMatchObject({ code: 'icws.session.lost', message: 'The connection to the server was lost.', action: 'sign-in-again', details: { status: 401 } });
  });

  it('the SSO journey moves the card between awaiting-user and signing-in as the IdP asks', async () => {
    const { clock, session } = setup({ profile: { authMode: 'sso' }, loginWindow });
    const phases: string[] = [];
    runSso.mockImplementation(async (o) => {
      o.onPhase?.('awaiting-user');
      phases.push(session.view.phase);
      o.onPhase?.('signing-in');
      phases.push(session.view.phase);
      return 'token-1';
    });
    await drive(clock, session.signIn({}));
    expect(phases).toEqual(['awaiting-user', 'signing-in']);
  });

  it('an SSO connection without userID, on a profile without a user name, names no user (nothing invented)', async () => {
    const { clock, icws, session } = setup({ profile: { authMode: 'sso', userName: undefined }, loginWindow });
    icws.created.set('a.example', { userID: undefined });
    icws.firstMessage = false;
    runSso.mockResolvedValue('token-1');
    await drive(clock, session.signIn({}));
    expect(icws.calls('PUT', '/messaging/subscriptions/status/user-statuses').map(bodyOf)).toEqual([{ userIds: [''] }]);
  });

  it('an SSO reconnect without userID, on a profile without a user name, names no user either', async () => {
    const { clock, icws, session } = setup({ profile: { authMode: 'sso', userName: undefined }, loginWindow });
    icws.created.set('a.example', { userID: undefined, alternateHostList: ['b.example'] });
    icws.created.set('b.example', { userID: undefined });
    icws.firstMessage = false;
    runSso.mockResolvedValue('token-1');
    reconnectSso.mockResolvedValue('token-2');
    await drive(clock, session.signIn({}));
    icws.live()!.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000 + MAX_INTERVAL_MS + 5_000);
    expect(session.view.phase).toBe('active');
    const second = icws.live()!;
    expect(second.base).toBe('https://b.example:8019');
    expect(icws.calls('PUT', `/icws/${second.id}/messaging/subscriptions/status/user-statuses`).map(bodyOf)).toEqual([{ userIds: [''] }]);
  });

  it('after a station refusal the given-back session is not used any more [ICWS-26]', async () => {
    const { clock, icws, session } = setup({ options: { station: 'ws-7' } });
    icws.override.set('PUT /connection/station', () => response(400, { message: 'Station ws-7 is in use.' }));
    await rejection(drive(clock, session.signIn(PW)));
    const count = icws.requests.length;
    expect(await rejection(session.setAgentState('At Lunch'))).toMatchObject({ code: 'session.not-active' });
    expect(icws.requests.length).toBe(count);
  });

  it('two 401s at once read GET connection once; a later loss reads it again [ICWS-17]', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { alternateHostList: ['b.example'] });
    await drive(clock, session.signIn(PW));
    const first = icws.live()!;
    icws.end(first, { reason: 'Switching over.', shouldReconnect: true });
    await Promise.all([rejection(session.setAgentState('At Lunch')), rejection(session.setAgentState('Available'))]);
    await clock.advance(0);
    expect(icws.calls('GET', `/icws/${first.id}/connection`)).toHaveLength(1);
    expect(session.view.phase).toBe('reconnecting');
    await clock.advance(MAX_INTERVAL_MS + 3_000);
    expect(session.view.phase).toBe('active');
    const second = icws.live()!;
    icws.end(second, { reason: 'Again.', shouldReconnect: false });
    await rejection(session.setAgentState('At Lunch'));
    await clock.advance(0);
    expect(icws.calls('GET', `/icws/${second.id}/connection`)).toHaveLength(1);
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { message: 'Again.' } });
  });

  it('a loss message arriving after sign-out leaves the card signed out', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    let answer: (res: HttpResponse) => void = () => undefined;
    icws.override.set('GET /messaging/messages', () => new Promise<HttpResponse>((resolve) => (answer = resolve)));
    await clock.advance(1_000);
    await session.signOut();
    answer(response(200, [downMessage('Gone.', false)]));
    await clock.advance(0);
    expect(session.view.phase).toBe('signed-out');
    expect(session.view.lastError).toBeUndefined();
  });

  it('dispose stops the messaging loop', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    session.dispose();
    const count = icws.requests.length;
    await clock.advance(60_000);
    expect(icws.requests.length).toBe(count);
  });

  it("uses the core's HttpSession factory with the session's log and clock, and traces as platform icws", async () => {
    const { clock, session, factoryCalls, sink } = setup({ viaFactory: true });
    await drive(clock, session.signIn(PW));
    expect(session.view.phase).toBe('active');
    expect(factoryCalls).toHaveLength(1);
    expect(factoryCalls[0]).toMatchObject({ clock });
    expect(typeof (factoryCalls[0] as { log: { info: unknown } }).log.info).toBe('function');
    expect(sink.entries.filter((e) => e.event === 'icws.connected').map((e) => e['platform'])).toEqual(['icws']);
  });
});
