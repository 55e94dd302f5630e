// The GwsSession orchestrator's remaining branches (issue 9, helper MUT-ORCH: the survivors of the
// session-5 run over gws-session.ts outside MUT-GWS2's ranges): messages the agent sees, sign-in
// bookkeeping, the refresh's signal and fallbacks, link options and polite stops. Fake clock, the
// scripted FakeGws and hand-driven links of gws-session-harness.ts.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { createLogger, memorySink, nullLogger } from '../../../../../main/core/log.ts';
import { HttpSession } from '../../../../../main/core/net/http-session.ts';
import { GwsSession } from '../../../../../main/core/platforms/gws/gws-session.ts';
import type { NotificationsOptions } from '../../../../../main/core/platforms/gws/notifications.ts';
import { SIGNED_OUT_VIEW } from '../../../../../main/core/platforms/platform.ts';
import type { HttpRequest } from '../../../../../main/core/net/types.ts';
import { ProfileSchema } from '../../../../../preload/contract.ts';
import { BASE, FakeGws, FakeLink, response } from './fake-gws.ts';
import { CREDS, rejection, settle, setupGwsSession as setup } from './gws-session-harness.ts';

const CSRF = { 'x-csrf-token': 'csrf-1' };

describe('GwsSession: what the agent is told', () => {
  it('a missing place, a cancelled sign-in, a state change before sign-in', async () => {
    const noPlace = setup({ gws: { place: undefined } });
    expect(await rejection(noPlace.session.signIn(CREDS))).toMatchObject({ message: 'Enter your place (the phone you work at) to sign in.', action: 'sign-in-again' });
    const { session, clock } = setup({ autoUp: false });
    const flow = session.signIn(CREDS);
    flow.catch(() => undefined);
    await settle(clock);
    session.cancel();
    expect(await rejection(flow)).toMatchObject({ code: 'session.cancelled', message: 'Sign-in was cancelled.' });
    expect(await rejection(setup().session.setAgentState('Ready'))).toMatchObject({ message: 'Sign in before changing your state.' });
  });

  it('CometD not up in time says so and suggests a retry', async () => {
    const { session, clock } = setup({ autoUp: false });
    const flow = session.signIn(CREDS);
    flow.catch(() => undefined);
    await clock.advance(20_000);
    expect(await rejection(flow)).toMatchObject({ code: 'gws.notifications.unavailable', message: 'The server did not open its notification channel (CometD) in time.', action: 'retry' });
  });

  it('a refused step names what was being done', async () => {
    const start = setup();
    start.gws.overrides.set('POST /api/v2/me', { status: 200, json: { statusCode: 4, statusMessage: 'The place is busy.' } });
    expect((await rejection(start.session.signIn(CREDS))).message).toContain('Starting your contact-center session');

    let reads = 0;
    const state = setup({ intercept: (req) => (String(req.url).includes('/api/v2/me?subresources=*') && ++reads === 2 ? response(String(req.url), { status: 500, json: { statusCode: 1, statusMessage: 'boom' } }) : undefined) });
    expect((await rejection(state.session.signIn(CREDS))).message).toContain('Reading your state');

    const channels = setup();
    channels.gws.signedIn = true;
    channels.gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0, user: { userName: 'agent1' } }, headers: CSRF });
    channels.gws.overrides.set('GET /api/v2/me/channels', { status: 500, json: { statusCode: 1, statusMessage: 'boom' } });
    expect((await rejection(channels.session.signIn(CREDS))).message).toContain('Reading your channels');

    const change = setup();
    await change.session.signIn(CREDS);
    change.gws.overrides.set('POST /api/v2/me/channels/voice', { status: 200, json: { statusCode: 4, statusMessage: 'Not now.' } });
    expect((await rejection(change.session.setAgentState('Ready'))).message).toContain('Changing your state');
  });
});

describe('GwsSession sign-in bookkeeping', () => {
  it('counts the requests of each sign-in, and each state read', async () => {
    const { session, gws } = setup();
    await session.signIn(CREDS);
    expect(session.stats.refreshes).toBe(1);
    await session.signOut();
    const before = gws.requests.length;
    await session.signIn(CREDS);
    expect(session.stats.signInRequests).toBe(gws.requests.length - before);
    expect(session.stats.refreshes).toBe(2);
  });

  it('a second sign-in replaces the first; cancel then stops the second', async () => {
    const { session, clock } = setup({ autoUp: false });
    const first = session.signIn(CREDS);
    first.catch(() => undefined);
    await settle(clock);
    const second = session.signIn(CREDS);
    second.catch(() => undefined);
    expect((await rejection(first)).code).toBe('session.cancelled');
    await settle(clock);
    session.cancel();
    expect((await rejection(second)).code).toBe('session.cancelled');
  });

  it('the state read of a sign-in carries the sign-in signal (cancel reaches it)', async () => {
    const seen: { path: string; signal: AbortSignal | undefined }[] = [];
    const { session } = setup({
      intercept: (req: HttpRequest) => {
        seen.push({ path: new URL(String(req.url)).pathname, signal: req.signal });
        return undefined;
      },
    });
    await session.signIn(CREDS);
    const reads = seen.filter((r) => r.path.startsWith('/api/v2/me'));
    expect(reads.every((r) => r.signal instanceof AbortSignal)).toBe(true);

    const sparse: { path: string; signal: AbortSignal | undefined }[] = [];
    const bare = setup({
      intercept: (req: HttpRequest) => {
        sparse.push({ path: new URL(String(req.url)).pathname, signal: req.signal });
        return undefined;
      },
    });
    bare.gws.signedIn = true;
    bare.gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0, user: { userName: 'agent1' } }, headers: CSRF });
    await bare.session.signIn(CREDS);
    expect(sparse.filter((r) => r.path === '/api/v2/me/channels' || r.path === '/api/v2/me/calls').map((r) => r.signal instanceof AbortSignal)).toEqual([true, true]);
  });
});

describe('GwsSession state read', () => {
  it('a re-read takes the new reasons when the server changed them', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    expect(session.view.selectableStates.flatMap((s) => s.reasons ?? []).map((r) => r.label)).toEqual(['Lunch', 'Break']);
    gws.agentStates = { Ready: gws.agentStates['Ready'], NotReadyTraining: { operationName: 'NotReadyTraining', state: 'NotReady', displayName: 'Training', reason: 'Training' } };
    links[0]!.down({ httpCode: 500 });
    links[0]!.up(true);
    await settle(clock);
    expect(session.view.selectableStates.flatMap((s) => s.reasons ?? []).map((r) => r.label)).toEqual(['Training']);
  });

  it('the voice state may come from the user devices; calls from a 200 without a list are none', async () => {
    const { session, gws } = setup();
    gws.signedIn = true;
    gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0, user: { userName: 'agent1', devices: [{ userState: { state: 'Ready' } }] } }, headers: CSRF });
    gws.overrides.set('GET /api/v2/me/calls', { status: 200, json: { statusCode: 0 } });
    await session.signIn(CREDS);
    expect(gws.requests.map((r) => r.path)).not.toContain('/api/v2/me/channels');
    expect(session.view.agent?.stateId).toBe('Ready');
    expect(session.view.calls).toEqual([]);
  });

  it('calls are not taken from an answer that is not a 200, even with statusCode 0', async () => {
    const { session, gws } = setup();
    gws.signedIn = true;
    gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0, user: { userName: 'agent1', channels: [{ channel: 'voice', userState: { state: 'Ready' } }] } }, headers: CSRF });
    gws.overrides.set('GET /api/v2/me/calls', { status: 500, json: { statusCode: 0, calls: [{ id: 'c1', state: 'Ringing', callType: 'Inbound' }] } });
    await session.signIn(CREDS);
    expect(session.view.calls).toBeUndefined();
  });

  it('the time in a state restarts when the state changes, even with no reason either side', async () => {
    const { session, links, clock } = setup();
    await session.signIn(CREDS);
    links[0]!.message('/v2/me/channels', { messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', userState: { state: 'Ready' } }] });
    const since = session.view.agent?.since;
    await clock.advance(5_000);
    links[0]!.message('/v2/me/channels', { messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', userState: { state: 'AfterCallWork' } }] });
    expect(session.view.agent?.stateId).toBe('AfterCallWork');
    expect(session.view.agent?.since).not.toBe(since);
  });

  it('a successful change on a card without an error shows one new view, no clear-error', async () => {
    const { session, views } = setup();
    await session.signIn(CREDS);
    const before = views.length;
    await session.setAgentState('Ready');
    expect(views.length - before).toBe(1);
  });
});

describe('GwsSession link', () => {
  it('passes the profile CometD timings to the link; a CSRF pair on a CometD answer is used from then on', async () => {
    const gws = new FakeGws();
    const links: FakeLink[] = [];
    const profile = ProfileSchema.parse({ id: 'gws', name: 'GWS', platform: 'gws', servers: [BASE], authMode: 'password', userName: 'agent1', options: { gws: { authMethod: 'gws-basic', place: 'SIP_Place_1001' } } });
    const session = new GwsSession(
      { profile, clock: new FakeClock(), log: nullLogger },
      {
        http: gws.http,
        cometd: { maxNetworkDelayMs: 1_234, backoffIncrementMs: 5, maxBackoffMs: 50 },
        linkFactory: (o: NotificationsOptions) => {
          const link = new FakeLink(o);
          links.push(link);
          return link;
        },
      },
    );
    await session.signIn(CREDS);
    expect(links[0]!.options).toMatchObject({ maxNetworkDelayMs: 1_234, backoffIncrementMs: 5, maxBackoffMs: 50 });
    links[0]!.options.onResponseHeaders?.({ 'x-csrf-header': 'X-CSRF-TOKEN', 'x-csrf-token': 'csrf-9' });
    expect(links[0]!.options.headers()).toEqual({ 'X-CSRF-TOKEN': 'csrf-9' });
    links[0]!.options.onResponseHeaders?.({ 'content-type': 'application/json' });
    expect(links[0]!.options.headers()).toEqual({ 'X-CSRF-TOKEN': 'csrf-9' });
  });

  it('sign-out stops the link politely (a /meta/disconnect); cancel, dispose and failures do not', async () => {
    const stops = (link: FakeLink): (boolean | undefined)[] => {
      const calls: (boolean | undefined)[] = [];
      link.stop = (polite?: boolean) => void calls.push(polite);
      return calls;
    };
    const out = setup();
    await out.session.signIn(CREDS);
    const outStops = stops(out.links[0]!);
    await out.session.signOut();
    expect(outStops).toEqual([true]);

    const cancelled = setup();
    await cancelled.session.signIn(CREDS);
    const cancelStops = stops(cancelled.links[0]!);
    cancelled.session.cancel();
    expect(cancelStops).toEqual([false]);

    const disposed = setup();
    await disposed.session.signIn(CREDS);
    const disposeStops = stops(disposed.links[0]!);
    disposed.session.dispose();
    expect(disposeStops).toEqual([false]);
  });

  it('sign-out while signing in sends no EndContactCenterSession', async () => {
    const { session, gws, clock } = setup({ autoUp: false });
    const flow = session.signIn(CREDS);
    flow.catch(() => undefined);
    await settle(clock);
    expect(session.view.phase).toBe('signing-in');
    await session.signOut();
    expect(gws.requests.filter((r) => r.method === 'POST' && (r.body as { operationName?: string } | undefined)?.operationName === 'EndContactCenterSession')).toEqual([]);
  });

  it('dispose during sign-in cancels it', async () => {
    const { session, clock } = setup({ autoUp: false });
    const flow = session.signIn(CREDS);
    flow.catch(() => undefined);
    await settle(clock);
    session.dispose();
    expect((await rejection(flow)).code).toBe('session.cancelled');
  });

  it('a blank first name is no name: the card shows the user name', async () => {
    const { session, gws } = setup();
    gws.signedIn = true;
    gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0, user: { userName: 'agent1', firstName: '  ', channels: [{ channel: 'voice', userState: { state: 'Ready' } }], calls: [] } }, headers: CSRF });
    await session.signIn(CREDS);
    expect(session.view.userDisplayName).toBe('agent1');
  });
});

// Session 5, helper MUT-GWS3: the constructor (gws-session.ts lines 1–96, the survivors of its first
// Stryker run) — where the transport comes from and what the session's trace lines carry.
describe('GwsSession construction', () => {
  const profile = () => ProfileSchema.parse({ id: 'gws', name: 'GWS', platform: 'gws', servers: [BASE], authMode: 'password', userName: 'agent1', options: { gws: { authMethod: 'gws-basic', place: 'SIP_Place_1001' } } });

  it("uses the core's HttpSession factory with the session's log and clock, and traces as platform gws", async () => {
    const gws = new FakeGws();
    const clock = new FakeClock();
    const sink = memorySink();
    const factoryCalls: { log?: { info: unknown }; clock?: unknown }[] = [];
    const links: FakeLink[] = [];
    const session = new GwsSession(
      {
        profile: profile(),
        clock,
        log: createLogger({ sink, level: 'debug' }),
        createHttpSession: (o) => {
          factoryCalls.push(o ?? {});
          return gws.http;
        },
      },
      {
        linkFactory: (o) => {
          const link = new FakeLink(o);
          links.push(link);
          return link;
        },
      },
    );
    await session.signIn(CREDS);
    expect(session.view.phase).toBe('active');
    // DESIGN.md "Adapters get their transport from the core": one HttpSession, from the factory, on the session's clock and log.
    expect(factoryCalls).toHaveLength(1);
    expect(factoryCalls[0]!.clock).toBe(clock);
    expect(typeof factoryCalls[0]!.log?.info).toBe('function');
    expect(gws.requests.length).toBeGreaterThan(0);
    links[0]!.message('/v2/me/channels', { messageType: 'ChannelStateChangeMessage' });
    const notes = sink.entries.filter((e) => e.event === 'gws.notification');
    expect(notes).toHaveLength(1);
    expect(notes.map((e) => e['platform'])).toEqual(['gws']);
  });

  it('without a factory or an injected transport it makes its own HttpSession for the profile', () => {
    const session = new GwsSession({ profile: profile(), clock: new FakeClock(), log: nullLogger });
    const http = session['http'];
    expect(http).toBeInstanceOf(HttpSession);
    expect(http.profileId).toBe('gws');
    expect(session.view).toBe(SIGNED_OUT_VIEW);
  });
});

describe('GwsSession reconnect re-read (MUT-GWS3)', () => {
  it('a session disposed while a re-established link re-reads the state does not come back active', async () => {
    let dispose: (() => void) | undefined;
    const { session, links, clock, sink } = setup({
      intercept: (req) => {
        if (dispose && String(req.url).includes('/api/v2/me?subresources=*')) {
          dispose();
          dispose = undefined;
        }
        return undefined;
      },
    });
    await session.signIn(CREDS);
    links[0]!.down();
    await settle(clock);
    expect(session.view.phase).toBe('reconnecting');
    dispose = () => session.dispose();
    links[0]!.up(true);
    await settle(clock);
    await settle(clock);
    expect(dispose).toBeUndefined();
    expect(session.view.phase).toBe('reconnecting');
    expect(sink.entries.filter((e) => e.event === 'gws.notifications.recovered')).toEqual([]);
  });

  it('GWS-05: a probe answered with statusCode 20 (not authenticated) ends the session whatever the HTTP status, with the server text', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    // protocols/gws.md §1: errors carry only statusCode + statusMessage; the HTTP status is not fixed.
    gws.overrides.set('GET /api/v2/me', { status: 400, json: { statusCode: 20, statusMessage: 'Your session has expired.' } });
    links[0]!.down({ httpCode: 401 });
    await settle(clock);
    expect(session.view.phase).toBe('failed');
    expect(session.view.lastError).toEqual({ code: 'gws.session.ended', message: 'The server ended your GWS session (Your session has expired.). Sign in again.', action: 'sign-in-again' });
    expect(links[0]!.restarted).toBe(0);
  });
});
