import { describe, expect, it } from 'vitest';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../../../main/core/auth/login-window.ts';
import { MAX_REFUSED_LINK_FAILURES, NOTIFICATIONS_START_TIMEOUT_MS } from '../../../../../main/core/platforms/gws/gws-session.ts';
import { BASE } from './fake-gws.ts';
import { CREDS, rejection, settle, setupGwsSession as setup } from './gws-session-harness.ts';

describe('GwsSession sign-in', () => {
  it('GWS-03: sends one basic header on the first GET, then uses the session cookie, the CSRF pair and the place', async () => {
    const { session, gws, links } = setup();
    await session.signIn(CREDS);
    expect(session.view.phase).toBe('active');
    const [first, start, ...rest] = gws.requests;
    expect(first).toMatchObject({ method: 'GET', path: '/api/v2/me?subresources=*' });
    expect(first!.headers.authorization).toBe(`Basic ${Buffer.from('agent1:pw').toString('base64')}`);
    expect(start).toMatchObject({ method: 'POST', path: '/api/v2/me', body: { operationName: 'StartContactCenterSession', channels: ['voice'], place: 'SIP_Place_1001' } });
    expect(start!.headers['x-csrf-token']).toBe('csrf-1');
    // The password is used once: no later request carries it.
    expect(rest.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(links).toHaveLength(1);
    expect(links[0]!.options.headers()).toEqual({ 'X-CSRF-TOKEN': 'csrf-1' });
  });

  it('GWS-05: a me without a user after basic is the anonymous fall-through: fails naming the method, starts nothing', async () => {
    const { session, gws, links, views } = setup();
    gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0 }, headers: { 'x-csrf-token': 'c' } });
    const error = await rejection(session.signIn(CREDS));
    expect(error.code).toBe('gws.auth.anonymous');
    expect(error.message).toContain('Web Services (GWS) user name and password');
    expect(error.message).toContain('without a user');
    expect(gws.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(links).toHaveLength(0);
    expect(views.some((v) => v.phase === 'active')).toBe(false);
    expect(session.view.phase).toBe('failed');
  });

  it('GWS-05: statusCode 20 and 401/403 are the anonymous fall-through too', async () => {
    for (const reply of [
      { status: 200, json: { statusCode: 20, statusMessage: 'Not authenticated' } },
      { status: 401, json: {} },
      { status: 403, json: { statusCode: 3, statusMessage: 'Forbidden' } },
    ]) {
      const { session, gws } = setup({ gws: { authMethod: 'config-server-basic' } });
      gws.overrides.set('GET /api/v2/me', reply);
      const error = await rejection(session.signIn(CREDS));
      expect(error.code).toBe('gws.auth.anonymous');
      expect(error.message).toContain('Configuration Server');
    }
  });

  it('asks for the place when the profile has none and refuses to start without one', async () => {
    const { session, gws } = setup({ gws: { place: undefined } });
    expect((await session.signInOptions()).extensionRequired).toBe(true);
    const error = await rejection(session.signIn(CREDS));
    expect(error.code).toBe('gws.sign-in.place-required');
    expect(gws.requests).toEqual([]);
    await session.signIn({ ...CREDS, extension: 'Place_9' });
    expect(gws.requests.find((r) => r.method === 'POST')?.body).toMatchObject({ place: 'Place_9' });
  });

  it('shows a partial StartContactCenterSession (statusCode 7) naming the failed channel, and carries on', async () => {
    const { session, gws } = setup();
    gws.overrides.set('POST /api/v2/me', {
      status: 200,
      json: { statusCode: 7, statusMessage: 'Partial success', channels: [{ channel: 'voice', statusCode: 6, statusMessage: 'No DN on place' }, { channel: 'chat', statusCode: 0 }] },
    });
    await session.signIn(CREDS);
    expect(session.view.phase).toBe('active');
    expect(session.view.lastError).toMatchObject({ code: 'gws.session.partial' });
    expect(session.view.lastError?.message).toContain('voice (No DN on place)');
  });

  it('maps any other statusCode to a typed error with the server message', async () => {
    const { session, gws } = setup();
    gws.overrides.set('POST /api/v2/me', { status: 400, json: { statusCode: 2, statusMessage: 'Agent is already logged in elsewhere' } });
    const error = await rejection(session.signIn(CREDS));
    expect(error.code).toBe('gws.status.invalid-state');
    expect(error.message).toContain('Agent is already logged in elsewhere');
  });

  it('fails when CometD does not come up in time (fake clock), and stops the link', async () => {
    const { session, clock, links } = setup({ autoUp: false });
    const flow = session.signIn(CREDS);
    flow.catch(() => undefined);
    await settle(clock);
    await clock.advance(NOTIFICATIONS_START_TIMEOUT_MS);
    const error = await rejection(flow);
    expect(error.code).toBe('gws.notifications.unavailable');
    expect(links[0]!.stopped).toBe(true);
  });

  it('GWS-04: SAML runs the LoginWindow on the SP login path until Workspace, then reads me with no credentials', async () => {
    const runs: LoginWindowRequest[] = [];
    const loginWindow: LoginWindow = {
      run: async (request): Promise<LoginWindowResult> => {
        runs.push(request);
        return { completion: request.until[0]!, url: `${BASE}/ui/wwe/index.html`, status: 200, headers: {} };
      },
    };
    const { session, gws, views } = setup({ profile: { authMode: 'sso' }, gws: { authMethod: 'saml', ssoAllowedHosts: ['idp.example.com'] }, loginWindow });
    gws.signedIn = true; // the SP's JSESSIONID
    await session.signIn({ sso: {} });
    expect(runs[0]).toMatchObject({ url: `${BASE}/saml/login`, until: [{ urlPrefix: `${BASE}/ui/wwe` }], jar: gws.http.jar });
    expect(runs[0]!.allowedHosts).toEqual(['gws.example.com', 'idp.example.com']);
    expect(gws.requests[0]!.headers.authorization).toBeUndefined();
    expect(views.some((v) => v.phase === 'awaiting-user')).toBe(true);
    expect(session.view.phase).toBe('active');
  });
});

describe('GwsSession agent state', () => {
  it('lists Ready, NotReady with the reasons of the agent-states settings, and AfterCallWork', async () => {
    const { session } = setup();
    await session.signIn(CREDS);
    const states = await session.listStates();
    expect(states.map((s) => s.id)).toEqual(['Ready', 'NotReady', 'AfterCallWork']);
    expect(states[1]!.reasons).toEqual([
      { id: 'NotReadyLunch', label: 'Lunch' },
      { id: 'NotReadyBreak', label: 'Break' },
    ]);
  });

  it('sets NotReady with a reason through its custom operation and shows what the server then says', async () => {
    const { session, gws } = setup();
    await session.signIn(CREDS);
    await session.setAgentState('NotReady', 'NotReadyLunch');
    expect(gws.requests.find((r) => r.path === '/api/v2/me/channels/voice')?.body).toEqual({ operationName: 'NotReadyLunch' });
    expect(session.view.agent).toMatchObject({ kind: 'not-ready', reason: 'Lunch', label: 'Lunch' });
    await session.setAgentState('Ready');
    expect(session.view.agent?.kind).toBe('ready');
  });

  it('re-reads the CSRF pair once on "Missing or invalid Csrf token", then fails typed', async () => {
    const { session, gws } = setup();
    await session.signIn(CREDS);
    gws.csrfToken = 'csrf-2';
    await session.setAgentState('Ready');
    const voice = gws.requests.filter((r) => r.path === '/api/v2/me/channels/voice');
    expect(voice.map((r) => r.headers['x-csrf-token'])).toEqual(['csrf-1', 'csrf-2']);

    gws.overrides.set('POST /api/v2/me/channels/voice', { status: 403, json: { statusCode: 3, statusMessage: 'Missing or invalid Csrf token' } });
    const before = gws.requests.length;
    const error = await rejection(session.setAgentState('AfterCallWork'));
    expect(error.code).toBe('gws.csrf.rejected');
    expect(gws.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v2/me/channels/voice', 'GET /api/v2/me', 'POST /api/v2/me/channels/voice']);
    expect(session.view.lastError?.code).toBe('gws.csrf.rejected');
  });

  it('refuses an unknown reason before asking the server', async () => {
    const { session, gws } = setup();
    await session.signIn(CREDS);
    const before = gws.requests.length;
    expect((await rejection(session.setAgentState('NotReady', 'Nap'))).code).toBe('gws.state.unknown-reason');
    expect(gws.requests.length).toBe(before);
  });
});

describe('GwsSession notifications', () => {
  it('applies a supervisor change and calls from CometD messages', async () => {
    const { session, links } = setup();
    await session.signIn(CREDS);
    links[0]!.message('/v2/me/channels', { messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', userState: { state: 'NotReady', reason: 'Break', displayName: 'Break' } }] });
    expect(session.view.agent).toMatchObject({ kind: 'not-ready', reason: 'Break' });
    links[0]!.message('/v2/me/calls', { messageType: 'CallStateChangeMessage', notificationType: 'NewCall', call: { id: 'c1', state: 'Ringing', callType: 'Inbound', ani: '5551000' } });
    expect(session.view.calls).toEqual([{ id: 'c1', direction: 'inbound', state: 'Ringing', from: '5551000' }]);
    links[0]!.message('/v2/me/calls', { messageType: 'CallStateChangeMessage', notificationType: 'StatusChange', call: { id: 'c1', state: 'Released' } });
    expect(session.view.calls).toEqual([]);
    expect(session.view.connection?.lastEventAt).toBeDefined();
  });

  it('shows reconnecting on a drop and re-reads me?subresources=* when CometD is re-established', async () => {
    const { session, links, gws, clock } = setup();
    await session.signIn(CREDS);
    links[0]!.down({ error: '401:abc:Unknown client' });
    await settle(clock);
    expect(session.view.phase).toBe('reconnecting');
    gws.state = { state: 'AfterCallWork' };
    const before = gws.requests.length;
    links[0]!.up(true);
    await settle(clock);
    expect(gws.requests.slice(before).map((r) => r.path)).toEqual(['/api/v2/me?subresources=*']);
    expect(session.view.phase).toBe('active');
    expect(session.view.agent?.stateId).toBe('AfterCallWork');
  });

  it('a session the server invalidated ends with a clear message and the link stopped (no loop)', async () => {
    const { session, links, gws, clock } = setup();
    await session.signIn(CREDS);
    gws.signedIn = false;
    links[0]!.down({ channel: '/meta/handshake', error: '403::Not authenticated' });
    await settle(clock);
    expect(session.view.phase).toBe('failed');
    expect(session.view.lastError).toMatchObject({ code: 'gws.session.ended', action: 'sign-in-again' });
    expect(links[0]!.stopped).toBe(true);
    expect(links[0]!.restarted).toBe(0);
  });

  it('signing in again after the server ended the session starts one new link', async () => {
    const { session, links, gws, clock } = setup();
    await session.signIn(CREDS);
    gws.signedIn = false;
    links[0]!.down({ error: '403::Not authenticated' });
    await settle(clock);
    expect(session.view.lastError?.code).toBe('gws.session.ended');
    await session.signIn(CREDS);
    expect(session.view.phase).toBe('active');
    expect(links).toHaveLength(2);
    expect(links[0]!.stopped).toBe(true);
    expect(links[1]!.stopped).toBe(false);
  });

  it('a CometD refusal while still signed in re-reads the CSRF pair and restarts, at most a few times', async () => {
    const { session, links, gws, clock } = setup();
    await session.signIn(CREDS);
    gws.csrfToken = 'csrf-9';
    for (let i = 1; i < MAX_REFUSED_LINK_FAILURES; i++) {
      links[0]!.down({ channel: '/meta/handshake', error: '403::Missing or invalid Csrf token' });
      await settle(clock);
      expect(links[0]!.restarted).toBe(i);
    }
    expect(links[0]!.options.headers()).toEqual({ 'X-CSRF-TOKEN': 'csrf-9' });
    links[0]!.down({ channel: '/meta/handshake', httpCode: 403 });
    await settle(clock);
    expect(session.view.phase).toBe('failed');
    expect(session.view.lastError?.code).toBe('gws.notifications.refused');
  });

  it('signs out with EndContactCenterSession, stops the link politely and clears the jar', async () => {
    const { session, links, gws } = setup();
    await session.signIn(CREDS);
    await session.signOut();
    expect(gws.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v2/me', body: { operationName: 'EndContactCenterSession' } });
    expect(links[0]!.stopped).toBe(true);
    expect(gws.cleared).toBe(1);
    expect(session.view.phase).toBe('signed-out');
  });
});
