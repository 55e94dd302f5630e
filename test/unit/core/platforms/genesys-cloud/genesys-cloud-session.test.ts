import { describe, expect, it } from 'vitest';
import type { ProfileInput } from '../../../../../preload/contract.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { BACK_TO_IDLE_ID } from '../../../../../main/core/platforms/genesys-cloud/agent-state.ts';
import { GenesysCloudSession, type StreamTimings } from '../../../../../main/core/platforms/genesys-cloud/genesys-cloud-session.ts';
import type { SessionView } from '../../../../../main/core/platforms/platform.ts';
import { FakeAuth, FakeGenesys, gcProfile } from './fake-genesys.ts';
import { driveClock, tickClock } from '../../../../helpers/fake-clock.ts';

const timings: StreamTimings = { pingIntervalMs: 20_000, watchdogMs: 50_000, connectTimeoutMs: 5_000, reconnectDelaysMs: [0, 1_000, 2_000] };

function setup(options: { profile?: Partial<ProfileInput> } = {}) {
  const clock = new FakeClock();
  const genesys = new FakeGenesys(clock);
  const auth = new FakeAuth(clock, genesys);
  const sink = memorySink();
  const profile = gcProfile(options.profile);
  const session = new GenesysCloudSession({ profile, clock, log: createLogger({ sink }) }, { auth, http: genesys.http, socketFactory: genesys.socketFactory, stream: timings });
  const views: SessionView[] = [];
  session.onView((v) => views.push(v));
  return { clock, genesys, auth, session, views, sink };
}

const drive = <T>(clock: FakeClock, promise: Promise<T>, stepMs = 100, maxMs = 10 * 60_000): Promise<T> => driveClock(clock, promise, { stepMs, maxMs });
const tick = (clock: FakeClock, ms: number, stepMs = 100): Promise<void> => tickClock(clock, ms, stepMs);

async function signedIn(options: Parameters<typeof setup>[0] = {}) {
  const s = setup(options);
  await drive(s.clock, s.session.signIn({}));
  return s;
}

describe('GenesysCloudSession: sign-in and the screen', () => {
  it('signs in through the port, opens notifications and shows presence, routing status and states', async () => {
    const { session, genesys, views } = await signedIn();
    expect(views.map((v) => v.phase)).toContain('awaiting-user');
    expect(session.view.phase).toBe('active');
    expect(session.view.userDisplayName).toBe('Agent One');
    expect(session.view.agent).toMatchObject({ kind: 'ready', stateId: 'def-onq', label: 'On Queue', reason: 'Idle' });
    expect(session.view.selectableStates.map((s) => s.label)).toEqual(['On Queue', 'Available', 'Break', 'Offline']);
    expect(session.view.connection?.transport).toBe('websocket');
    const channel = [...genesys.channels.values()][0]!;
    expect(channel.topics).toEqual(['v2.users.u-1.presence', 'v2.users.u-1.routingStatus', 'v2.users.u-1.conversations']);
    expect(genesys.liveSocket?.url.href).toBe(`wss://streaming.mypurecloud.com/channels/${channel.id}`);
  });

  it('labels presence definitions in the agent language', async () => {
    const { session } = await signedIn({ profile: { language: 'fr-FR' } });
    expect(session.view.selectableStates.map((s) => s.label)).toEqual(['En file', 'Disponible', 'Pause', 'Offline']);
    expect(session.view.agent?.label).toBe('En file');
  });

  it('refuses a streaming host that is not streaming.<region> before any socket opens', async () => {
    const { session, genesys, clock } = setup();
    genesys.connectHost = 'streaming.evil.example';
    await expect(drive(clock, session.signIn({}))).rejects.toMatchObject({ code: 'genesys-cloud.notifications.bad-uri' });
    expect(genesys.sockets).toHaveLength(0);
    expect(session.view.phase).toBe('failed');
  });

  it('names a missing scope when the API answers 403', async () => {
    const { session, genesys, clock } = setup();
    genesys.script.push({ path: /presence\/definitions/, status: 403, body: { message: 'Missing required scope: presence', code: 'missing.any.scopes', status: 403 } });
    await expect(drive(clock, session.signIn({}))).rejects.toMatchObject({ code: 'genesys-cloud.scopes.missing', action: 'contact-it' });
    expect(session.view.lastError?.message).toContain('presence');
  });

  it('waits the Retry-After of a 429 before repeating the request', async () => {
    const { session, genesys, clock } = setup();
    genesys.script.push({ path: /users\/me$/, status: 429, headers: { 'Retry-After': '7' } });
    await drive(clock, session.signIn({}));
    const me = genesys.requests.filter((r) => r.path === '/api/v2/users/me');
    expect(me).toHaveLength(2);
    expect(me[1]!.at - me[0]!.at).toBeGreaterThanOrEqual(7_000);
    expect(session.view.phase).toBe('active');
  });

  it('cancelling while the agent is on the login page ends in a typed cancellation', async () => {
    const { session, clock } = setup();
    const pending = session.signIn({});
    pending.catch(() => undefined);
    await clock.advance(10);
    session.cancel();
    await expect(drive(clock, pending)).rejects.toBeInstanceOf(PatchbayError);
    expect(session.view.phase).toBe('failed');
  });
});

describe('GenesysCloudSession: presence, routing status, conversations', () => {
  it('sets presence through the PATCH (On Queue is the OnQueue definition) and follows server changes', async () => {
    const { session, genesys, clock } = await signedIn();
    await drive(clock, session.setAgentState('def-break'));
    const patch = genesys.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.path).toBe('/api/v2/users/u-1/presences/purecloud');
    expect(patch.body).toEqual({ presenceDefinition: { id: 'def-break' } });
    expect(session.view.agent).toMatchObject({ kind: 'not-ready', label: 'Break' });
    // A supervisor puts the agent back on queue: the notification carries it.
    genesys.setPresence('def-onq', 'ON_QUEUE');
    await tick(clock, 100);
    expect(session.view.agent).toMatchObject({ kind: 'ready', label: 'On Queue' });
  });

  it('shows Not Responding with a one-click way back to Idle (a routing-status PUT)', async () => {
    const { session, genesys, clock } = await signedIn();
    genesys.setRouting('NOT_RESPONDING');
    await tick(clock, 100);
    expect(session.view.agent).toMatchObject({ kind: 'not-ready', reason: 'Not Responding', quickAction: { stateId: BACK_TO_IDLE_ID } });
    await drive(clock, session.setAgentState(BACK_TO_IDLE_ID));
    const put = genesys.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/routingstatus'))!;
    expect(put.body).toEqual({ status: 'IDLE' });
    expect(session.view.agent).toMatchObject({ kind: 'ready', reason: 'Idle' });
    expect(session.view.agent?.quickAction).toBeUndefined();
  });

  it('shows a conversation like a call while it lasts, and Interacting as busy', async () => {
    const { session, genesys, clock } = await signedIn();
    genesys.startConversation('conv-1');
    genesys.setRouting('INTERACTING');
    await tick(clock, 100);
    expect(session.view.calls).toEqual([expect.objectContaining({ id: 'conv-1', direction: 'inbound', from: '+15550100', state: 'CONNECTED' })]);
    expect(session.view.agent).toMatchObject({ kind: 'busy', reason: 'Interacting' });
    genesys.endConversation('conv-1');
    await tick(clock, 100);
    expect(session.view.calls).toEqual([]);
  });

  it('refuses a presence id the org does not have, without a request', async () => {
    const { session, genesys, clock } = await signedIn();
    const before = genesys.requests.length;
    await expect(drive(clock, session.setAgentState('def-unknown'))).rejects.toMatchObject({ code: 'genesys-cloud.state.unknown', action: 'none' });
    expect(genesys.requests.length).toBe(before);
  });
});

describe('GenesysCloudSession: notification stream', () => {
  it('keeps the socket alive with ping/pong', async () => {
    const { genesys, clock, session } = await signedIn();
    await tick(clock, 5 * 60_000, 1_000);
    const socket = genesys.liveSocket!;
    expect(socket.sent.filter((t) => t === '{"message":"ping"}').length).toBeGreaterThanOrEqual(10);
    expect(genesys.sockets).toHaveLength(1);
    expect(session.view.phase).toBe('active');
  });

  it('opens a new socket on socket_closing and misses nothing: events after it arrive, changes in between are re-read', async () => {
    const { session, genesys, clock } = await signedIn();
    const first = genesys.liveSocket!;
    first.frame({ topicName: 'v2.system.socket_closing', eventBody: { message: 'closing in 1 minute' } });
    // A change the server makes while the sockets swap, delivered to neither.
    genesys.presence = { presenceDefinition: { id: 'def-break', systemPresence: 'BREAK' }, modifiedDate: new Date(clock.now()).toISOString() };
    await tick(clock, 1_000);
    const second = genesys.liveSocket!;
    expect(second).not.toBe(first);
    expect(second.channelId).toBe(first.channelId);
    expect(first.open).toBe(false);
    expect(session.view.agent?.label).toBe('Break');
    genesys.startConversation('conv-9');
    await tick(clock, 100);
    expect(session.view.calls?.map((c) => c.id)).toEqual(['conv-9']);
    expect(session.view.phase).toBe('active');
  });

  it('reconnects when the heartbeat stops (watchdog) and re-reads the state', async () => {
    const { session, genesys, clock, views } = await signedIn();
    genesys.answerPings = false;
    const reads = genesys.requests.filter((r) => r.path.endsWith('/routingstatus')).length;
    await tick(clock, 60_000, 1_000);
    expect(views.some((v) => v.phase === 'reconnecting')).toBe(true);
    expect(session.view.phase).toBe('active');
    expect(genesys.requests.filter((r) => r.path.endsWith('/routingstatus')).length).toBeGreaterThan(reads);
  });

  it('renews the channel before its 24 h expiry', async () => {
    const { session, genesys, clock } = await signedIn();
    await tick(clock, 23.5 * 3600_000, 60_000);
    expect(genesys.channels.size).toBe(2);
    expect(genesys.liveSocket?.channelId).toBe('ch-2');
    expect(genesys.channels.get('ch-1')!.topics).toEqual([]);
    expect(genesys.channels.get('ch-2')!.topics).toHaveLength(3);
    expect(session.view.phase).toBe('active');
  });

  it('re-subscribes on no_longer_subscribed', async () => {
    const { genesys, clock } = await signedIn();
    const puts = () => genesys.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/subscriptions')).length;
    expect(puts()).toBe(1);
    genesys.liveSocket!.frame({ topicName: 'v2.system.no_longer_subscribed.ch-1', eventBody: {} });
    await tick(clock, 500);
    expect(puts()).toBe(2);
  });

  it('a 404 result opens a new channel once with a clear message; a second one soon after stops and says why', async () => {
    const { session, genesys, clock } = await signedIn();
    genesys.liveSocket!.frame({ result: '404' });
    await tick(clock, 2_000);
    expect(genesys.channels.size).toBe(2);
    expect(session.view.phase).toBe('active');
    genesys.liveSocket!.frame({ result: '404' });
    await tick(clock, 2_000);
    expect(session.view.phase).toBe('failed');
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.notifications.evicted', action: 'sign-in-again' });
    expect(genesys.channels.size).toBe(2);
  });

  it('token_revoked: the port renews and a new channel starts with the new token', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    genesys.revoked.add(auth.currentToken!);
    genesys.liveSocket!.frame({ topicName: 'v2.system.token_revoked.u-1', eventBody: {} });
    await tick(clock, 2_000);
    expect(auth.invalidations).toContain('token_revoked');
    expect(genesys.channels.size).toBe(2);
    expect(session.view.phase).toBe('active');
  });
});

describe('GenesysCloudSession: tokens (seed 004)', () => {
  it('GC-05: the token is renewed right before the notification channel starts', async () => {
    const { auth, genesys, clock, session } = setup();
    auth.lifetimeMs = 90_000; // the token would lapse during start-up without a renewal
    const pending = session.signIn({});
    // The agent is on the login page; then user and definitions reads use up the old token's margin.
    genesys.script.push({ path: /users\/me$/, status: 429, headers: { 'Retry-After': '45' } });
    await drive(clock, pending);
    const create = genesys.requests.find((r) => r.path === '/api/v2/notifications/channels')!;
    expect(create.tokenValid).toBe(true);
    const used = auth.calls.find((c) => c.at === create.at && c.token === create.authorization?.replace('Bearer ', ''))!;
    expect(used.fresh).toBe(true);
    // The token the channel started with outlives the start-up by the port's margin.
    expect(genesys.tokens.get(used.token)! - create.at).toBeGreaterThanOrEqual(auth.freshMarginMs);
    expect(auth.issued.length).toBe(2);
  });

  it('GC-04: a token travels only in the Authorization header — never in a URL, the view or the log', async () => {
    const { auth, genesys, clock, session, views, sink } = await signedIn();
    genesys.liveSocket!.frame({ topicName: 'v2.system.socket_closing', eventBody: {} });
    await tick(clock, 1_000);
    await drive(clock, session.setAgentState('def-avail'));
    genesys.script.push({ path: /routingstatus$/, status: 401 });
    await drive(clock, session.setAgentState(BACK_TO_IDLE_ID));
    expect(auth.issued.length).toBeGreaterThanOrEqual(2);
    for (const r of genesys.requests) expect(r.authorization).toMatch(/^Bearer gc-access-token-/);
    const places = [
      ...genesys.requests.map((r) => r.url),
      ...genesys.sockets.map((s) => s.url.href),
      ...views.map((v) => JSON.stringify(v)),
      ...sink.entries.map((e) => JSON.stringify(e)),
    ];
    for (const token of auth.issued) for (const place of places) expect(place).not.toContain(token);
  });

  it('GC-09: a failed renewal that will be retried is announced and the session goes on', async () => {
    const { auth, clock, session } = await signedIn();
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('genesys-cloud.auth.renewal-failed', 'x', { action: 'retry' }), final: false, nextAttemptAt: clock.now() + 2_000 });
    expect(session.view.phase).toBe('active');
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.renewal-retrying', action: 'none' });
    auth.emit({ kind: 'renewed', info: auth.info! });
    expect(session.view.lastError).toBeUndefined();
  });

  it('GC-09: the final renewal failure stops everything, marks the state not current and asks for a fresh sign-in — no loop', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('genesys-cloud.auth.renewal-failed', 'x', { action: 'sign-in-again' }), final: true });
    expect(session.view.phase).toBe('failed');
    expect(session.view.agent).toMatchObject({ label: 'On Queue', stale: true });
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.sign-in-required', action: 'sign-in-again' });
    expect(session.view.lastError?.message).toMatch(/fresh sign-in/);
    expect(auth.disposed).toBe(true);
    const requests = genesys.requests.length;
    const sockets = genesys.sockets.length;
    await tick(clock, 3 * 3600_000, 10_000);
    expect(genesys.requests.length).toBe(requests);
    expect(genesys.sockets.length).toBe(sockets);
    expect(genesys.sockets.every((s) => !s.open)).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('GC-09: a 401 the port cannot renew ends the same way, once', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.failInvalidate = new PatchbayError('genesys-cloud.auth.renewal-failed', 'no', { action: 'sign-in-again' });
    genesys.revoked.add(auth.currentToken!);
    await expect(drive(clock, session.setAgentState('def-break'))).rejects.toBeInstanceOf(PatchbayError);
    expect(auth.invalidations).toEqual(['401']);
    expect(session.view).toMatchObject({ phase: 'failed', agent: { stale: true }, lastError: { code: 'genesys-cloud.auth.sign-in-required' } });
    await tick(clock, 3600_000, 10_000);
    expect(auth.invalidations).toEqual(['401']);
  });

  it('a sign-in announced ahead of time renews in place: the socket and the agent state stay', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.emit({ kind: 'sign-in-needed', deadline: clock.now() + 10 * 60_000 });
    expect(session.view).toMatchObject({ phase: 'active', lastError: { code: 'genesys-cloud.auth.sign-in-soon', action: 'sign-in-again' } });
    const socket = genesys.liveSocket;
    await drive(clock, session.signIn({}));
    expect(auth.issued).toHaveLength(2);
    expect(session.view.lastError).toBeUndefined();
    expect(genesys.liveSocket).toBe(socket);
    expect(session.view.agent?.label).toBe('On Queue');
  });

  it('GC-09: a token that lapses while the agent signs in from the announcement is fully restored by that one sign-in', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.emit({ kind: 'sign-in-needed', deadline: clock.now() + 60_000 });
    const sockets = genesys.sockets.length;
    const pending = session.signIn({});
    // The token lapses before the agent finishes: renewal gives up, the stream stops, state goes stale.
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('auth.token-expired', 'expired', { action: 'sign-in-again' }), final: true });
    expect(session.view).toMatchObject({ phase: 'failed', agent: { stale: true } });
    await drive(clock, pending);
    expect(auth.issued).toHaveLength(2);
    expect(session.view.phase).toBe('active');
    expect(session.view.lastError).toBeUndefined();
    expect(session.view.agent?.stale).toBeFalsy();
    expect(genesys.sockets.length).toBe(sockets + 1);
    expect(genesys.liveSocket?.open).toBe(true);
  });

  it('GC-09: a token that lapses while the visible renewal sign-in is open keeps that sign-in alive; its completion restores everything', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    const sockets = genesys.sockets.length;
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('auth.token-expired', 'expired', { action: 'sign-in-again' }), final: false, signInPending: true });
    // Not lost: stale, stream stopped, auth (and so the agent's sign-in in progress) kept.
    expect(session.view.phase).not.toBe('failed');
    expect(session.view).toMatchObject({ agent: { stale: true }, lastError: { action: 'sign-in-again' } });
    expect(auth.disposed).toBeFalsy();
    expect(genesys.liveSocket?.open ?? false).toBe(false);
    auth.emit({ kind: 'renewed', info: { scopes: [], hasRefreshToken: false } });
    await tick(clock, 5_000, 500);
    expect(session.view.phase).toBe('active');
    expect(session.view.lastError).toBeUndefined();
    expect(session.view.agent?.stale).toBeFalsy();
    expect(genesys.sockets.length).toBe(sockets + 1);
    expect(genesys.liveSocket?.open).toBe(true);
  });

  it('resumes silently through the port, or ends signed out when the port has nothing saved', async () => {
    const { session, clock, auth } = setup();
    expect(await drive(clock, session.resume())).toBe(true);
    expect(session.view.phase).toBe('active');
    const other = setup();
    other.auth.resume = async () => false;
    expect(await drive(other.clock, other.session.resume())).toBe(false);
    expect(other.session.view.phase).toBe('signed-out');
    expect(auth.issued).toHaveLength(1);
  });

  it('sign-out revokes through the port and closes the socket', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    await drive(clock, session.signOut());
    expect(auth.signedOut).toBe(true);
    expect(genesys.sockets.every((s) => !s.open)).toBe(true);
    expect(session.view.phase).toBe('signed-out');
  });
});
