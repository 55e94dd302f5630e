// GenesysCloudSession, the orchestrator, with fakes of its ports (issue 9, MUT-GC3): the requests it builds
// (GC-04 header only, no redirects), the 401 → renew-once path (GC-09, idle vs not), the embedded
// component's token (GC-05), stream status → view, events → view, the guards after the sign-in is lost,
// sign-out / cancel / dispose. The wire itself is test/integration/genesys-cloud/session-lab.test.ts.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpRequest } from '../../../../../main/core/net/types.ts';
import { BACK_TO_IDLE_ID } from '../../../../../main/core/platforms/genesys-cloud/agent-state.ts';
import { createGenesysCloudSession, GenesysCloudSession, type StreamTimings } from '../../../../../main/core/platforms/genesys-cloud/genesys-cloud-session.ts';
import type { SessionView } from '../../../../../main/core/platforms/platform.ts';
import { API, FakeAuth, FakeGenesys, gcProfile } from './fake-genesys.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { driveClock, tickClock } from '../../../../helpers/fake-clock.ts';
import { gate } from '../../../../helpers/wait.ts';

const timings: StreamTimings = { pingIntervalMs: 20_000, watchdogMs: 50_000, connectTimeoutMs: 5_000, reconnectDelaysMs: [0, 1_000, 2_000] };

const profileOf = gcProfile;

/** The port's renewal (after a 401) waits until the returned function is called, then fails: the sign-in is lost. */
function renewalFailsWhenReleased(auth: FakeAuth): () => void {
  const held = gate();
  auth.invalidate = async (reason: string) => {
    auth.invalidations.push(reason);
    await held.until;
    throw new PatchbayError('genesys-cloud.token.revoked', 'no', { action: 'sign-in-again' });
  };
  return held.open;
}

function setup() {
  const clock = new FakeClock();
  const genesys = new FakeGenesys(clock);
  const auth = new FakeAuth(clock, genesys);
  const sink = memorySink();
  const sent: HttpRequest[] = [];
  const http = { request: (req: HttpRequest) => (sent.push(req), genesys.http.request(req)) };
  const session = new GenesysCloudSession({ profile: profileOf(), clock, log: createLogger({ sink }) }, { auth, http, socketFactory: genesys.socketFactory, stream: timings });
  const views: SessionView[] = [];
  session.onView((v) => views.push(v));
  return { clock, genesys, auth, session, views, sink, sent };
}

const drive = <T>(clock: FakeClock, promise: Promise<T>, stepMs = 100, maxMs = 10 * 60_000): Promise<T> => driveClock(clock, promise, { stepMs, maxMs });
const tick = (clock: FakeClock, ms: number, stepMs = 100): Promise<void> => tickClock(clock, ms, stepMs);

async function signedIn() {
  const s = setup();
  await drive(s.clock, s.session.signIn({}));
  return s;
}

describe('GenesysCloudSession: the requests it sends (GC-04)', () => {
  it('GC-04: the bearer token in the Authorization header, JSON accepted, a body typed as JSON, no redirects followed', async () => {
    const { session, clock, sent, auth } = await signedIn();
    const me = sent.find((r) => new URL(String(r.url)).pathname === '/api/v2/users/me')!;
    expect(String(me.url).startsWith(`${API}/api/v2/users/me`)).toBe(true);
    expect(me.method).toBe('GET');
    expect(me.headers).toEqual({ Authorization: `Bearer ${auth.currentToken}`, Accept: 'application/json' });
    expect(me.followRedirects).toBe(false);
    expect(me).not.toHaveProperty('json');
    await drive(clock, session.setAgentState('def-break'));
    const patch = sent.find((r) => r.method === 'PATCH')!;
    expect(patch.headers).toEqual({ Authorization: `Bearer ${auth.currentToken}`, Accept: 'application/json', 'Content-Type': 'application/json' });
    expect(patch.json).toEqual({ presenceDefinition: { id: 'def-break' } });
    expect(patch.followRedirects).toBe(false);
    expect(sent.every((r) => r.followRedirects === false)).toBe(true);
  });

  it('the sign-in reads carry its abort signal; a stream request does not', async () => {
    const { sent } = await signedIn();
    expect(sent.find((r) => new URL(String(r.url)).pathname === '/api/v2/users/me')!.signal).toBeInstanceOf(AbortSignal);
    expect(sent.find((r) => String(r.url).endsWith('/api/v2/notifications/channels'))!.signal).toBeUndefined();
  });
});

describe('GenesysCloudSession: 401 and the port (GC-09)', () => {
  it('GC-09: a 401 renews through the port once and the request is repeated with the new token', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    genesys.script.push({ path: /presences\/purecloud$/, status: 401, body: { message: 'Authentication failed', code: 'authentication.required', status: 401 } });
    await drive(clock, session.setAgentState('def-break'));
    expect(auth.invalidations).toEqual(['401']);
    const patches = genesys.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(2);
    expect(patches[1]!.authorization).toBe(`Bearer ${auth.currentToken}`);
    expect(session.view.agent).toMatchObject({ label: 'Break' });
  });

  it('GC-09: an idle-timeout 401 is renewed as "idle"; when the port cannot renew, the message says the organisation ended the idle sign-in', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    auth.failInvalidate = new PatchbayError('genesys-cloud.token.revoked', 'no', { action: 'sign-in-again' });
    genesys.script.push({ path: /presences\/purecloud$/, status: 401, body: { message: 'Token expired due to idle timeout', code: 'authentication.required', status: 401 } });
    const error = await rejection(drive(clock, session.setAgentState('def-break')));
    expect(error.code).toBe('genesys-cloud.token.revoked');
    expect(auth.invalidations).toEqual(['idle']);
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.sign-in-required' });
    expect(session.view.lastError!.message).toMatch(/period without use/);
  });

  it('GC-09: a renewal that fails after a plain 401 says Patchbay could not renew (not idle)', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    auth.failInvalidate = new PatchbayError('genesys-cloud.token.revoked', 'no', { action: 'sign-in-again' });
    genesys.script.push({ path: /presences\/purecloud$/, status: 401 });
    await rejection(drive(clock, session.setAgentState('def-break')));
    expect(session.view.lastError!.message).not.toMatch(/period without use/);
    expect(session.view.lastError!.message).toMatch(/could not renew/);
  });

  it('GC-09: an idle 401 that was renewed is forgotten: a later final failure is not blamed on idleness', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    genesys.script.push({ path: /presences\/purecloud$/, status: 401, body: { message: 'idle timeout', code: 'x', status: 401 } });
    await drive(clock, session.setAgentState('def-break'));
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('auth.token-expired', 'expired', { action: 'sign-in-again' }), final: true });
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.sign-in-required' });
    expect(session.view.lastError!.message).not.toMatch(/period without use/);
  });

  it('GC-09: a second 401 right after the renewal is the sign-in lost: the state is kept stale, nothing retries', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    genesys.script.push({ path: /presences\/purecloud$/, status: 401 }, { path: /presences\/purecloud$/, status: 401 });
    const error = await rejection(drive(clock, session.setAgentState('def-break')));
    expect(error.code).toBe('genesys-cloud.unauthorized');
    expect(auth.invalidations).toEqual(['401']);
    expect(session.view).toMatchObject({ phase: 'failed', agent: { stale: true }, lastError: { code: 'genesys-cloud.auth.sign-in-required' } });
    expect(auth.disposed).toBe(true);
  });

  it('a 403 on a state change is shown, the session stays active', async () => {
    const { session, clock, genesys } = await signedIn();
    genesys.script.push({ path: /presences\/purecloud$/, status: 403, body: { message: 'not allowed', code: 'forbidden', status: 403 } });
    const error = await rejection(drive(clock, session.setAgentState('def-break')));
    expect(error.code).toBe('genesys-cloud.forbidden');
    expect(session.view).toMatchObject({ phase: 'active', lastError: { code: 'genesys-cloud.forbidden' } });
  });

  it('token_revoked the port cannot renew stops the stream and loses the sign-in once', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    auth.failInvalidate = new PatchbayError('genesys-cloud.token.revoked', 'no', { action: 'sign-in-again' });
    genesys.liveSocket!.frame({ topicName: 'v2.system.token_revoked.u-1', eventBody: {} });
    await tick(clock, 2_000);
    expect(auth.invalidations).toEqual(['token_revoked']);
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'genesys-cloud.auth.sign-in-required' } });
    expect(genesys.channels.size).toBe(1);
    expect(genesys.sockets.every((s) => !s.open)).toBe(true);
  });
});

describe('GenesysCloudSession: the embedded component\'s token (GC-05)', () => {
  it('GC-05: only an active session hands out a token; fresh and renew are passed on', async () => {
    const s = setup();
    expect(await rejection(s.session.embeddedAccessToken({ fresh: true }))).toMatchObject({ code: 'session.not-active', action: 'sign-in-again' });
    await drive(s.clock, s.session.signIn({}));
    const seen: unknown[] = [];
    const original = s.auth.accessToken.bind(s.auth);
    s.auth.accessToken = async (options: { fresh?: boolean; renew?: boolean } = {}) => (seen.push(options), original(options));
    expect(await s.session.embeddedAccessToken({ fresh: true })).toBe(s.auth.currentToken);
    await s.session.embeddedAccessToken({ fresh: false, renew: true });
    await s.session.embeddedAccessToken({ fresh: true, renew: false });
    expect(seen).toEqual([{ fresh: true }, { fresh: false, renew: true }, { fresh: true }]);
  });
});

describe('GenesysCloudSession: events and stream status on screen', () => {
  it('every event marks the time of the last event; a malformed one is logged by topic (user id hidden) and changes nothing', async () => {
    const { session, clock, genesys, sink } = await signedIn();
    await clock.advance(5_000);
    genesys.liveSocket!.frame({ topicName: 'v2.users.u-1.presence', eventBody: { nonsense: true } });
    expect(session.view.connection?.lastEventAt).toBe(new Date(clock.now()).toISOString());
    expect(session.view.agent).toMatchObject({ label: 'On Queue' });
    const unreadable = sink.entries.filter((e) => e.event === 'genesys-cloud.event.unreadable');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!['topic']).toBe('v2.users.{id}.presence');
    genesys.liveSocket!.frame({ topicName: 'v2.users.u-2.presence', eventBody: { presenceDefinition: { id: 'def-break', systemPresence: 'BREAK' } } });
    expect(session.view.agent).toMatchObject({ label: 'On Queue' }); // another user's topic is not ours
    genesys.liveSocket!.frame({ topicName: 'v2.users.u-1.routingStatus', eventBody: { routingStatus: { status: 'NOT_RESPONDING', startTime: new Date(clock.now()).toISOString() } } });
    expect(session.view.agent).toMatchObject({ reason: 'Not Responding' });
  });

  it('a stream warning is shown without leaving active; a reconnect names the attempt and its time; rotation back online clears it', async () => {
    const { session, clock, genesys, views } = await signedIn();
    genesys.liveSocket!.frame({ result: '404' });
    await tick(clock, 2_000);
    expect(session.view.phase).toBe('active');
    expect(views.some((v) => v.lastError?.code === 'genesys-cloud.notifications.channel-replaced' || v.lastError !== undefined)).toBe(true);
    genesys.liveSocket!.drop(1006);
    genesys.refuseSockets = true;
    await tick(clock, 500);
    const reconnecting = views.find((v) => v.phase === 'reconnecting')!;
    expect(reconnecting.connection).toMatchObject({ reconnectAttempt: expect.any(Number), nextAttemptAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    genesys.refuseSockets = false;
    await tick(clock, 10_000, 500);
    expect(session.view.phase).toBe('active');
  });

  it('a stream that ends for good fails the session and stops the port\'s renewals', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    genesys.liveSocket!.frame({ result: '404' });
    await tick(clock, 2_000);
    genesys.liveSocket!.frame({ result: '404' });
    await tick(clock, 2_000);
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'genesys-cloud.notifications.evicted' } });
    expect(auth.disposed).toBe(true);
  });

  it('a stream stopped on purpose (sign-out) neither fails the session nor disposes the port by itself', async () => {
    const { session, clock, auth } = await signedIn();
    await drive(clock, session.signOut());
    expect(session.view.phase).toBe('signed-out');
    expect(auth.disposed).toBe(false);
  });

  it('after the sign-in is lost, stream status and renewal events change nothing', async () => {
    const { session, auth } = await signedIn();
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('auth.token-expired', 'x', { action: 'sign-in-again' }), final: true });
    const lost = session.view;
    auth.emit({ kind: 'sign-in-needed', deadline: 0 });
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('x', 'y', { action: 'retry' }), final: false });
    auth.emit({ kind: 'renewed', info: auth.info! });
    expect(session.view).toBe(lost);
  });
});

describe('GenesysCloudSession: states and guards', () => {
  it('listStates re-reads the definitions when active, and gives the last list otherwise', async () => {
    const s = setup();
    expect(await s.session.listStates()).toEqual([]);
    expect(s.genesys.requests).toHaveLength(0);
    await drive(s.clock, s.session.signIn({}));
    s.genesys.definitions.push({ id: 'def-lunch', systemPresence: 'Meal', languageLabels: { en_US: 'Lunch' } });
    const states = await drive(s.clock, s.session.listStates());
    expect(states.map((x) => x.label)).toContain('Lunch');
    expect(s.session.view.selectableStates.map((x) => x.label)).toContain('Lunch');
  });

  it('setAgentState before sign-in is a typed error; after the sign-in is lost a refusal does not overwrite the sign-in message', async () => {
    const s = setup();
    expect(await rejection(s.session.setAgentState('def-break'))).toMatchObject({ code: 'genesys-cloud.not-active', action: 'sign-in-again' });
    await drive(s.clock, s.session.signIn({}));
    s.auth.failInvalidate = new PatchbayError('genesys-cloud.token.revoked', 'no', { action: 'sign-in-again' });
    s.genesys.script.push({ path: /routingstatus$/, status: 401 });
    await rejection(drive(s.clock, s.session.setAgentState(BACK_TO_IDLE_ID)));
    expect(s.session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.sign-in-required' });
  });

  it('an unknown state while active is shown as the error', async () => {
    const { session, clock } = await signedIn();
    await rejection(drive(clock, session.setAgentState('def-nope')));
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.state.unknown', action: 'none' });
    expect(session.view.phase).toBe('active');
  });

  it('signInOptions follow the profile\'s login method', async () => {
    const { session } = setup();
    expect(await session.signInOptions()).toEqual(expect.objectContaining({}));
    const browser = new GenesysCloudSession(
      { profile: profileOf({ options: { genesysCloud: { region: 'mypurecloud.com', clientId: 'c', redirectUri: 'http://127.0.0.1:48620/callback', loginMethod: 'login-window' } } }), clock: new FakeClock(), log: createLogger({ sink: memorySink() }) },
      { auth: new FakeAuth(new FakeClock(), new FakeGenesys(new FakeClock())), http: { request: async () => Promise.reject(new Error('unused')) } },
    );
    expect(await browser.signInOptions()).not.toEqual(await session.signInOptions());
  });
});

describe('GenesysCloudSession: ending', () => {
  it('a revocation failure at sign-out is logged by code and the session still ends signed out', async () => {
    const { session, clock, auth, sink } = await signedIn();
    auth.signOut = async () => Promise.reject(new PatchbayError('net.unreachable', 'down'));
    await drive(clock, session.signOut());
    expect(session.view.phase).toBe('signed-out');
    expect(sink.entries.some((e) => e.event === 'genesys-cloud.sign-out.revoke-failed' && e['code'] === 'net.unreachable')).toBe(true);
  });

  it('cancel during sign-in is a typed cancellation; cancel when idle does nothing', async () => {
    const s = setup();
    s.session.cancel();
    const pending = s.session.signIn({});
    pending.catch(() => undefined);
    await s.clock.advance(10);
    s.session.cancel();
    expect(await rejection(drive(s.clock, pending))).toMatchObject({ code: 'genesys-cloud.sign-in.cancelled', action: 'none' });
    expect(s.session.view).toMatchObject({ phase: 'failed', lastError: { code: 'genesys-cloud.sign-in.cancelled' } });
  });

  it('dispose stops the stream, the port and listening to its events', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    session.dispose();
    expect(auth.disposed).toBe(true);
    expect(genesys.sockets.every((s) => !s.open)).toBe(true);
    const view = session.view;
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('auth.token-expired', 'x', { action: 'sign-in-again' }), final: true });
    expect(session.view).toBe(view);
    await tick(clock, 60_000, 5_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a sign-in abandoned after the stream started fails and leaves no socket open', async () => {
    const s = setup();
    s.genesys.script.push({ path: /conversations$/, status: 429, headers: { 'Retry-After': '30' } });
    const pending = s.session.signIn({});
    pending.catch(() => undefined);
    for (let i = 0; i < 200 && !s.genesys.liveSocket; i++) await s.clock.advance(100);
    s.session.cancel();
    await rejection(drive(s.clock, pending));
    expect(s.session.view.phase).toBe('failed');
    expect(s.genesys.sockets.every((x) => !x.open)).toBe(true);
  });

  it('the registry factory builds a session on the context\'s network session', async () => {
    const clock = new FakeClock();
    const genesys = new FakeGenesys(clock);
    let made = 0;
    const session = createGenesysCloudSession({
      profile: profileOf(),
      clock,
      log: createLogger({ sink: memorySink() }),
      createHttpSession: () => (made++, genesys.http as never),
    });
    expect(session.view.phase).toBe('signed-out');
    expect(made).toBe(1);
    session.dispose();
  });
});

describe('GenesysCloudSession: edges the first mutation run showed untested', () => {
  it('only 2xx is success: a 300 answer is an error, not data', async () => {
    const { session, clock, genesys } = await signedIn();
    genesys.script.push({ path: /presences\/purecloud$/, status: 300, body: { presenceDefinition: { id: 'def-break', systemPresence: 'BREAK' }, modifiedDate: new Date(clock.now()).toISOString() } });
    await rejection(drive(clock, session.setAgentState('def-break')));
    expect(session.view.agent).toMatchObject({ label: 'On Queue' });
  });

  it('429 is waited out at most twice; the third is the error', async () => {
    const { session, clock, genesys } = await signedIn();
    for (let i = 0; i < 3; i++) genesys.script.push({ path: /presences\/purecloud$/, status: 429, headers: { 'Retry-After': '1' } });
    const error = await rejection(drive(clock, session.setAgentState('def-break')));
    expect(error.code).toBe('genesys-cloud.rate-limited');
    expect(genesys.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3);
  });

  it('the cancellation and the unknown-state errors carry their words', async () => {
    const s = setup();
    const pending = s.session.signIn({});
    pending.catch(() => undefined);
    await s.clock.advance(10);
    s.session.cancel();
    expect((await rejection(drive(s.clock, pending))).message).toBe('Sign-in was cancelled.');
    const { session, clock } = await signedIn();
    expect((await rejection(drive(clock, session.setAgentState('def-nope')))).message).toBe('That status is not available in your organisation.');
  });

  it('the token times reach the view after sign-in (GC-09 card)', async () => {
    const { session, auth } = await signedIn();
    expect(session.view.token?.expiresAt).toBe(new Date(auth.info!.expiresAt!).toISOString());
  });

  it('an active session showing another kind of error signs in from the start (not in place)', async () => {
    const { session, clock, genesys, views } = await signedIn();
    genesys.script.push({ path: /presences\/purecloud$/, status: 403, body: { message: 'not allowed', code: 'forbidden', status: 403 } });
    await rejection(drive(clock, session.setAgentState('def-break')));
    const before = views.length;
    await drive(clock, session.signIn({}));
    expect(views.slice(before).map((v) => v.phase)).toContain('awaiting-user');
    expect(genesys.sockets.length).toBe(2);
  });

  it('GC-09: after the one sign-in restored a lapsed session, the keeper\'s later renewal restores nothing twice', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.emit({ kind: 'sign-in-needed', deadline: clock.now() + 60_000 });
    const pending = session.signIn({});
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('auth.token-expired', 'expired', { action: 'sign-in-again' }), final: false, signInPending: true });
    await drive(clock, pending);
    const sockets = genesys.sockets.length;
    auth.emit({ kind: 'renewed', info: auth.info! });
    await tick(clock, 5_000, 500);
    expect(genesys.sockets.length).toBe(sockets);
    expect(session.view.phase).toBe('active');
  });

  it('after sign-out, a late "sign-in pending" and its renewal bring nothing back', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    await drive(clock, session.signOut());
    const sockets = genesys.sockets.length;
    auth.emit({ kind: 'renewal-failed', error: new PatchbayError('auth.token-expired', 'expired', { action: 'sign-in-again' }), final: false, signInPending: true });
    auth.emit({ kind: 'renewed', info: auth.info! });
    await tick(clock, 5_000, 500);
    expect(session.view.phase).toBe('signed-out');
    expect(genesys.sockets.length).toBe(sockets);
  });

  it('events on topics that are not ours are neither applied nor logged as unreadable', async () => {
    const { session, genesys, sink } = await signedIn();
    genesys.liveSocket!.frame({ topicName: 'v2.users.u-2.presence', eventBody: { presenceDefinition: { id: 'def-break', systemPresence: 'BREAK' } } });
    expect(session.view.agent).toMatchObject({ label: 'On Queue' });
    expect(sink.entries.filter((e) => e.event === 'genesys-cloud.event.unreadable')).toHaveLength(0);
  });
});

// Session 5, second round (MUT-GC4): the survivors MUT-GC3 left killable — the restore / loseAuth guards,
// the signal handed to the port, the in-place sign-in's conditions, the factory's wiring.
describe('GenesysCloudSession: the survivors of the first round (MUT-GC4)', () => {
  const expired = () => new PatchbayError('auth.token-expired', 'expired', { action: 'sign-in-again' });
  const lostLogs = (sink: ReturnType<typeof memorySink>) => sink.entries.filter((e) => e.event === 'genesys-cloud.auth.lost');

  it('the embedded token before sign-in says what to do', async () => {
    const { session } = setup();
    expect((await rejection(session.embeddedAccessToken({ fresh: true }))).message).toBe('Sign in to Genesys Cloud first.');
  });

  it('GC-09: a sign-in while the session failed after a lost sign-in starts from the start (the agent is asked, with a signal)', async () => {
    const { session, auth, clock, views, genesys } = await signedIn();
    auth.emit({ kind: 'renewal-failed', error: expired(), final: true });
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { action: 'sign-in-again' } });
    const seen: unknown[] = [];
    const original = auth.signIn.bind(auth);
    auth.signIn = async (options?: { signal?: AbortSignal }) => (seen.push(options), original());
    const before = views.length;
    await drive(clock, session.signIn({}));
    expect(views.slice(before).map((v) => v.phase)).toContain('awaiting-user');
    expect(seen).toHaveLength(1);
    expect((seen[0] as { signal?: unknown } | undefined)?.signal).toBeInstanceOf(AbortSignal);
    expect(session.view.phase).toBe('active');
    expect(genesys.sockets.length).toBe(2);
  });

  it('a sign-in while active without any error shown starts from the start too', async () => {
    const { session, clock, views } = await signedIn();
    expect(session.view.lastError).toBeUndefined();
    const before = views.length;
    await drive(clock, session.signIn({}));
    expect(views.slice(before).map((v) => v.phase)).toContain('awaiting-user');
    expect(session.view.phase).toBe('active');
  });

  it('GC-04: every request of the sign-in asks the port for its token with the sign-in\'s signal', async () => {
    const s = setup();
    const seen: { signal?: AbortSignal }[] = [];
    const original = s.auth.accessToken.bind(s.auth);
    s.auth.accessToken = async (options: { fresh?: boolean; signal?: AbortSignal } = {}) => (seen.push(options), original(options));
    await drive(s.clock, s.session.signIn({}));
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal); // users/me
    expect(seen.filter((o) => o.signal instanceof AbortSignal).length).toBeGreaterThanOrEqual(5); // me, definitions, presence, routing, conversations
  });

  it('GC-09: an in-place sign-in clears only the sign-in notices, not another error', async () => {
    const { session, auth, clock } = await signedIn();
    // A non-auth error that still asks for a sign-in (as a lost state change might show).
    auth.emit({ kind: 'renewal-failed', error: expired(), final: false }); // genesys-cloud.auth.renewal-retrying
    expect(session.view.lastError?.code).toBe('genesys-cloud.auth.renewal-retrying');
    (session as unknown as { dispatch(a: unknown): void }).dispatch({ type: 'error', error: { code: 'genesys-cloud.other', message: 'other', action: 'sign-in-again' } });
    await drive(clock, session.signIn({}));
    expect(session.view.lastError?.code).toBe('genesys-cloud.other');
  });

  it('GC-09: a renewal clears the renewal notice but leaves a refused state change on screen', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    genesys.script.push({ path: /presences\/purecloud$/, status: 403, body: { message: 'not allowed', code: 'forbidden', status: 403 } });
    await rejection(drive(clock, session.setAgentState('def-break')));
    auth.emit({ kind: 'renewed', info: auth.info! });
    expect(session.view.lastError?.code).toBe('genesys-cloud.forbidden');
    auth.emit({ kind: 'renewal-failed', error: expired(), final: false });
    auth.emit({ kind: 'renewed', info: auth.info! });
    expect(session.view.lastError).toBeUndefined();
  });

  it('GC-09: an idle 401 being renewed is still the reason when that renewal fails, even if another request succeeds meanwhile', async () => {
    const { session, clock, genesys, auth } = await signedIn();
    const release = renewalFailsWhenReleased(auth);
    genesys.script.push({ path: /presences\/purecloud$/, status: 401, body: { message: 'Token expired due to idle timeout', code: 'authentication.required', status: 401 } });
    const change = session.setAgentState('def-break');
    change.catch(() => undefined);
    for (let i = 0; i < 50 && auth.invalidations.length === 0; i++) await clock.advance(10);
    expect(auth.invalidations).toEqual(['idle']);
    await drive(clock, session.listStates()); // succeeds without a renewal
    release();
    await rejection(drive(clock, change));
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.sign-in-required' });
    expect(session.view.lastError!.message).toMatch(/period without use/);
  });

  it('setAgentState checks the phase itself: its own message before sign-in, nothing sent after the sign-in is lost', async () => {
    const s = setup();
    expect((await rejection(s.session.setAgentState('def-break'))).message).toBe('Sign in to Genesys Cloud before changing your status.');
    await drive(s.clock, s.session.signIn({}));
    s.auth.emit({ kind: 'renewal-failed', error: expired(), final: true });
    const sent = s.genesys.requests.length;
    const error = await rejection(drive(s.clock, s.session.setAgentState('def-break')));
    expect(error).toMatchObject({ code: 'genesys-cloud.not-active', message: 'Sign in to Genesys Cloud before changing your status.' });
    expect(s.genesys.requests.length).toBe(sent);
  });

  it('GC-09: the in-place sign-in that the lapse overtook re-establishes at once (not left pending)', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.emit({ kind: 'sign-in-needed', deadline: clock.now() + 60_000 });
    const sockets = genesys.sockets.length;
    const pending = session.signIn({});
    auth.emit({ kind: 'renewal-failed', error: expired(), final: false, signInPending: true });
    expect(session.view.lastError?.code).toBe('genesys-cloud.auth.sign-in-pending');
    await drive(clock, pending);
    expect(session.view.phase).toBe('active');
    expect(session.view.lastError).toBeUndefined();
    expect(genesys.sockets.length).toBe(sockets + 1);
  });

  it('GC-09: the pending sign-in\'s completion restores once; a later renewal restores nothing again', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.emit({ kind: 'renewal-failed', error: expired(), final: false, signInPending: true });
    expect(session.view.lastError?.code).toBe('genesys-cloud.auth.sign-in-pending');
    const sockets = genesys.sockets.length;
    auth.emit({ kind: 'renewed', info: auth.info! });
    await tick(clock, 5_000, 500);
    expect(session.view.phase).toBe('active');
    expect(genesys.sockets.length).toBe(sockets + 1);
    auth.emit({ kind: 'renewed', info: auth.info! });
    await tick(clock, 5_000, 500);
    expect(genesys.sockets.length).toBe(sockets + 1);
  });

  it('GC-09: a lapse reported during the agent\'s own full sign-in: its completion starts no second establishment', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.emit({ kind: 'renewal-failed', error: expired(), final: true }); // lost: the next sign-in is a full one
    const sockets = genesys.sockets.length;
    const pending = session.signIn({});
    await clock.advance(10);
    auth.emit({ kind: 'renewal-failed', error: expired(), final: false, signInPending: true });
    auth.emit({ kind: 'renewed', info: auth.info! }); // the sign-in that is running restores everything itself
    await drive(clock, pending);
    await tick(clock, 5_000, 500);
    expect(session.view.phase).toBe('active');
    expect(genesys.sockets.length).toBe(sockets + 1);
    expect(genesys.sockets.filter((x) => x.open)).toHaveLength(1);
    // …and the session it leaves still follows the port: a final failure now loses the sign-in.
    auth.emit({ kind: 'renewal-failed', error: expired(), final: true });
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'genesys-cloud.auth.sign-in-required' } });
  });

  it('a restore that fails is logged by its code and the session shows the failure', async () => {
    const { auth, genesys, clock, session, sink } = await signedIn();
    auth.emit({ kind: 'renewal-failed', error: expired(), final: false, signInPending: true });
    genesys.script.push({ path: /users\/me$/, status: 403, body: { message: 'not allowed', code: 'forbidden', status: 403 } });
    auth.emit({ kind: 'renewed', info: auth.info! });
    await tick(clock, 5_000, 500);
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'genesys-cloud.forbidden' } });
    expect(sink.entries.filter((e) => e.event === 'genesys-cloud.restore-failed').map((e) => e['code'])).toEqual(['genesys-cloud.forbidden']);
    // GC-09: the pending sign-in's outcome was used once: a later renewal restores nothing by itself.
    const reads = genesys.requests.filter((r) => r.path === '/api/v2/users/me').length;
    auth.emit({ kind: 'renewed', info: auth.info! });
    await tick(clock, 5_000, 500);
    expect(genesys.requests.filter((r) => r.path === '/api/v2/users/me')).toHaveLength(reads);
  });

  it('GC-09: an in-place sign-in overtaken by the lapse that then fails to re-establish leaves no restore pending', async () => {
    const { auth, genesys, clock, session } = await signedIn();
    auth.emit({ kind: 'sign-in-needed', deadline: clock.now() + 60_000 });
    const pending = session.signIn({});
    auth.emit({ kind: 'renewal-failed', error: expired(), final: false, signInPending: true });
    genesys.script.push({ path: /users\/me$/, status: 403, body: { message: 'not allowed', code: 'forbidden', status: 403 } });
    await rejection(drive(clock, pending));
    expect(session.view.phase).toBe('failed');
    const reads = genesys.requests.filter((r) => r.path === '/api/v2/users/me').length;
    auth.emit({ kind: 'renewed', info: auth.info! });
    await tick(clock, 5_000, 500);
    expect(genesys.requests.filter((r) => r.path === '/api/v2/users/me')).toHaveLength(reads);
  });

  it('GC-09: a pending sign-in that fails for good loses the sign-in, and a renewal after that restores nothing', async () => {
    const { auth, genesys, clock, session, sink } = await signedIn();
    auth.emit({ kind: 'renewal-failed', error: expired(), final: false, signInPending: true });
    auth.emit({ kind: 'renewal-failed', error: expired(), final: true });
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'genesys-cloud.auth.sign-in-required' } });
    expect(auth.disposed).toBe(true);
    expect(lostLogs(sink)).toHaveLength(1);
    const sockets = genesys.sockets.length;
    auth.emit({ kind: 'renewed', info: auth.info! });
    await tick(clock, 5_000, 500);
    expect(session.view.phase).toBe('failed');
    expect(genesys.sockets.length).toBe(sockets);
  });

  it('GC-09: after sign-out a final renewal failure loses nothing (no log, the port left alone, still signed out)', async () => {
    const { auth, clock, session, sink } = await signedIn();
    await drive(clock, session.signOut());
    auth.emit({ kind: 'renewal-failed', error: expired(), final: true });
    expect(session.view.phase).toBe('signed-out');
    expect(lostLogs(sink)).toHaveLength(0);
    expect(auth.disposed).toBe(false);
  });

  it('GC-09: two requests refused at once lose the sign-in once', async () => {
    const { session, clock, genesys, auth, sink } = await signedIn();
    const release = renewalFailsWhenReleased(auth);
    genesys.script.push({ path: /presences\/purecloud$/, status: 401 }, { path: /presence\/definitions$/, status: 401 });
    const results = Promise.allSettled([session.setAgentState('def-break'), session.listStates()]);
    for (let i = 0; i < 50 && auth.invalidations.length < 2; i++) await clock.advance(10);
    expect(auth.invalidations).toHaveLength(2);
    release();
    await drive(clock, results);
    expect(lostLogs(sink)).toHaveLength(1);
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.sign-in-required' });
  });

  it('GC-09: an idle refusal of the repeated request says the organisation ended the idle sign-in', async () => {
    const { session, clock, genesys } = await signedIn();
    genesys.script.push(
      { path: /presences\/purecloud$/, status: 401 },
      { path: /presences\/purecloud$/, status: 401, body: { message: 'Token expired due to idle timeout', code: 'authentication.required', status: 401 } },
    );
    await rejection(drive(clock, session.setAgentState('def-break')));
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.sign-in-required' });
    expect(session.view.lastError!.message).toMatch(/period without use/);
  });

  it('the factory without a context network session builds its own (dispatcher, Accept-Language), shared by the auth port and the API', async () => {
    const dispatcher = { tag: 'the core dispatcher' };
    const acceptLanguage = () => 'de-CH';
    const session = createGenesysCloudSession({ profile: profileOf(), clock: new FakeClock(), log: createLogger({ sink: memorySink() }), dispatcher: dispatcher as never, acceptLanguage });
    const inner = session as unknown as { http: Record<string, unknown>; auth: { deps: { http?: unknown } } };
    expect(inner.http.constructor.name).toBe('HttpSession');
    expect(inner.http['dispatcher']).toBe(dispatcher);
    expect(inner.http['acceptLanguage']).toBe(acceptLanguage);
    expect(inner.auth.deps.http).toBe(inner.http);
    session.dispose();
  });

  it('the factory uses the context\'s network session when there is one', async () => {
    const genesys = new FakeGenesys(new FakeClock());
    const session = createGenesysCloudSession({ profile: profileOf(), clock: new FakeClock(), log: createLogger({ sink: memorySink() }), createHttpSession: () => genesys.http as never });
    const inner = session as unknown as { http: unknown; auth: { deps: { http?: unknown } } };
    expect(inner.http).toBe(genesys.http);
    expect(inner.auth.deps.http).toBe(genesys.http);
    session.dispose();
  });
});
