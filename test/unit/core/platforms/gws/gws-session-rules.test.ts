// The GWS adapter's orchestration (seed 002 GWS-01…05, protocols/gws.md §1–3, issue 11) over the
// scripted FakeGws and a hand-driven link: the sign-in form per method, the method's credentials on
// the first me, the refresh's fallbacks, the CometD probe after a refusal, state changes and sign-out —
// branches gws-session.test.ts leaves open (issue 9 mutation testing, helper MUT-GWS2). Fake clock.
import { describe, expect, it } from 'vitest';
import type { LoginWindow, LoginWindowRequest } from '../../../../../main/core/auth/login-window.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpRequest } from '../../../../../main/core/net/types.ts';
import { BASE, FakeGws, response } from './fake-gws.ts';
import { CREDS, rejection, settle, setupGwsSession as setup } from './gws-session-harness.ts';

const paths = (gws: FakeGws, from = 0) => gws.requests.slice(from).map((r) => `${r.method} ${r.path}`);

describe('GWS sign-in form per method (seed 002)', () => {
  it('GWS-03/GWS-02: a basic method asks for user name and password and names the store that checks them', async () => {
    const basic = await setup().session.signInOptions();
    expect(basic).toEqual({
      credentialsForm: true,
      identityProviders: [],
      userNameRequired: true,
      extensionRequired: false,
      note: 'Sign in with your Web Services (GWS) user name and password.',
    });
    const cs = await setup({ gws: { authMethod: 'config-server-basic' } }).session.signInOptions();
    expect(cs).toMatchObject({ credentialsForm: true, userNameRequired: true, note: 'Sign in with your Configuration Server user name and password.' });
  });

  it('GWS-04/GWS-01: SAML and Salesforce offer one identity provider and no password form', async () => {
    const saml = await setup({ profile: { authMode: 'sso' }, gws: { authMethod: 'saml' } }).session.signInOptions();
    expect(saml).toEqual({
      credentialsForm: false,
      identityProviders: [{ id: 'saml', label: 'SAML single sign-on' }],
      userNameRequired: false,
      extensionRequired: false,
      note: 'You will sign in on the identity provider page.',
    });
    const sf = await setup({ gws: { authMethod: 'salesforce' } }).session.signInOptions();
    expect(sf).toMatchObject({ credentialsForm: false, identityProviders: [{ id: 'salesforce', label: 'Salesforce sign-in' }], note: 'You will sign in on the Salesforce page.' });
  });
});

describe('GWS sign-in credentials (seed 002)', () => {
  it('GWS-03: without a password nothing is sent; the user name defaults to the profile\'s', async () => {
    const { session, gws } = setup();
    const error = await rejection(session.signIn({}));
    expect(error.code).toBe('gws.sign-in.credentials-required');
    expect(error.message).toBe('Enter your user name and password to sign in.');
    expect(error.action).toBe('sign-in-again');
    expect(gws.requests).toEqual([]);
    const noName = setup({ profile: { userName: undefined } });
    expect((await rejection(noName.session.signIn({ credentials: { userName: '', password: 'pw' } }))).code).toBe('gws.sign-in.credentials-required');
    const fromProfile = setup();
    await fromProfile.session.signIn({ credentials: { userName: undefined as unknown as string, password: 'pw' } });
    expect(fromProfile.gws.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('agent1:pw').toString('base64')}`);
  });

  it('GWS-04: SAML (and Salesforce) need a sign-in window; without one the sign-in says so', async () => {
    const { session, gws } = setup({ profile: { authMode: 'sso' }, gws: { authMethod: 'saml' } });
    const error = await rejection(session.signIn({ sso: {} }));
    expect(error.code).toBe('login.unavailable');
    expect(error.message).toBe('This sign-in needs a sign-in window, which this way of running Patchbay does not have.');
    expect(error.action).toBe('contact-it');
    expect(gws.requests).toEqual([]);
  });

  it('GWS-04: the SAML window uses the profile SP path and the session shows awaiting-user, then signing-in', async () => {
    const runs: LoginWindowRequest[] = [];
    const during: string[] = [];
    const loginWindow: LoginWindow = {
      run: async (request) => {
        runs.push(request);
        during.push(session.view.phase);
        return { completion: request.until[0]!, url: `${BASE}/ui/wwe/`, status: 200, headers: {} };
      },
    };
    const { session, gws, views } = setup({ profile: { authMode: 'sso' }, gws: { authMethod: 'saml', samlLoginPath: '/sp/saml/login' }, loginWindow });
    gws.signedIn = true;
    await session.signIn({ sso: {} });
    expect(runs[0]!.url).toBe(`${BASE}/sp/saml/login`);
    expect(during).toEqual(['awaiting-user']);
    const phases = views.map((v) => v.phase);
    expect(phases.indexOf('awaiting-user')).toBeGreaterThan(-1);
    expect(phases[phases.indexOf('awaiting-user') + 1]).toBe('signing-in');
  });

  it('GWS-01: Salesforce without settings in the profile is refused before any window', async () => {
    const runs: LoginWindowRequest[] = [];
    const loginWindow: LoginWindow = { run: async (r) => (runs.push(r), { completion: r.until[0]!, url: r.url, status: 200, headers: {} }) };
    const { session } = setup({ gws: { authMethod: 'salesforce' }, loginWindow });
    const error = await rejection(session.signIn({ sso: {} }));
    expect(error.code).toBe('gws.salesforce.not-configured');
    expect(error.message).toBe('This profile has no Salesforce settings. Ask IT to add them.');
    expect(error.action).toBe('contact-it');
    expect(runs).toEqual([]);
  });

  it('GWS-01: after Salesforce, the first me carries the session id and identity URL under the configured names, and no basic header', async () => {
    const SF = 'https://login.salesforce.example';
    const runs: LoginWindowRequest[] = [];
    const loginWindow: LoginWindow = {
      run: async (request) => {
        runs.push(request);
        const state = new URL(request.url).searchParams.get('state');
        return { completion: request.until[0]!, url: `http://127.0.0.1:48621/cb?code=abc&state=${state}`, status: 302, headers: {} };
      },
    };
    const salesforce = { loginBase: SF, clientId: 'ck', redirectUri: 'http://127.0.0.1:48621/cb', sessionIdHeader: 'X-SF-Session', identityUrlHeader: 'X-SF-Identity' };
    const intercept = (req: HttpRequest) => {
      const url = String(req.url);
      if (url === `${SF}/.well-known/openid-configuration`) return response(url, { status: 200, json: { issuer: SF, authorization_endpoint: `${SF}/services/oauth2/authorize`, token_endpoint: `${SF}/services/oauth2/token` } });
      if (url === `${SF}/services/oauth2/token`) return response(url, { status: 200, json: { access_token: 'SID!1', token_type: 'Bearer', id: `${SF}/id/o/u` } });
      return undefined;
    };
    const { session, gws } = setup({ gws: { authMethod: 'salesforce', salesforce, ssoAllowedHosts: ['idp.example.com'] }, loginWindow, intercept });
    gws.signedIn = true;
    await session.signIn({ sso: {} });
    expect(runs[0]!.allowedHosts).toEqual(['gws.example.com', 'idp.example.com', 'login.salesforce.example', 'login.salesforce.example']);
    const me = gws.requests.find((r) => r.path === '/api/v2/me?subresources=*')!;
    expect(me.headers['x-sf-session']).toBe('SID!1');
    expect(me.headers['x-sf-identity']).toBe(`${SF}/id/o/u`);
    expect(me.headers.authorization).toBeUndefined();
    expect(session.view.phase).toBe('active');
  });

  it('the card names the agent by first and last name, else by user name; sign-in requests are counted', async () => {
    const { session, gws } = setup();
    await session.signIn(CREDS);
    expect(session.view.userDisplayName).toBe('Ada Agent');
    expect(session.stats.signInRequests).toBe(gws.requests.length);
    const bare = setup();
    bare.gws.signedIn = true;
    bare.gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0, user: { userName: 'agent1', channels: [{ channel: 'voice', userState: { state: 'Ready' } }], calls: [] } }, headers: { 'x-csrf-token': 'csrf-1' } });
    await bare.session.signIn(CREDS);
    expect(bare.session.view.userDisplayName).toBe('agent1');
  });

  it('cancel during sign-in ends it as cancelled and stops the link', async () => {
    const { session, clock, links } = setup({ autoUp: false });
    const flow = session.signIn(CREDS);
    flow.catch(() => undefined);
    await settle(clock);
    session.cancel();
    const error = await rejection(flow);
    expect(error.code).toBe('session.cancelled');
    expect(links[0]!.stopped).toBe(true);
    expect(session.view.phase).toBe('failed');
  });

  it('GWS-05: a session the server ends while CometD first comes up fails the sign-in itself', async () => {
    const { session, clock, links, gws } = setup({ autoUp: false });
    const flow = session.signIn(CREDS);
    flow.catch(() => undefined);
    await settle(clock);
    gws.signedIn = false;
    links[0]!.down({ channel: '/meta/handshake', httpCode: 401 });
    const error = await rejection(flow);
    expect(error.code).toBe('gws.session.ended');
    expect(error.message).toBe('The server ended your GWS session (Not authenticated). Sign in again.');
  });
});

describe('GWS state read after sign-in and reconnect (protocols/gws.md §2)', () => {
  it('a me without the voice state or calls is completed from /me/channels and /me/calls', async () => {
    const { session, gws } = setup();
    gws.signedIn = true;
    gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0, user: { userName: 'agent1' } }, headers: { 'x-csrf-token': 'csrf-1' } });
    gws.calls = [{ id: 'c1', state: 'Established', callType: 'Inbound', ani: '5551000' }];
    await session.signIn(CREDS);
    expect(paths(gws)).toEqual(['GET /api/v2/me?subresources=*', 'POST /api/v2/me', 'GET /api/v2/me?subresources=*', 'GET /api/v2/me/channels', 'GET /api/v2/me/calls']);
    expect(session.view.agent).toMatchObject({ stateId: 'NotReady' });
    expect(session.view.calls).toEqual([{ id: 'c1', direction: 'inbound', state: 'Established', from: '5551000' }]);
  });

  it('sub-resources beside the user are read too; calls are taken only from a 200 with statusCode 0', async () => {
    const { session, gws } = setup();
    gws.signedIn = true;
    gws.overrides.set('GET /api/v2/me', {
      status: 200,
      json: { statusCode: 0, user: { userName: 'agent1' }, channels: [{ channel: 'voice', userState: { state: 'Ready' } }], settings: { 'agent-states': gws.agentStates } },
      headers: { 'x-csrf-token': 'csrf-1' },
    });
    gws.overrides.set('GET /api/v2/me/calls', { status: 200, json: { statusCode: 4, calls: [{ id: 'x', state: 'Ringing' }] } });
    await session.signIn(CREDS);
    expect(paths(gws)).not.toContain('GET /api/v2/me/channels');
    expect(session.view.agent?.stateId).toBe('Ready');
    expect(session.view.selectableStates[1]!.reasons.map((r) => r.id)).toEqual(['NotReadyLunch', 'NotReadyBreak']);
    expect(session.view.calls).toBeUndefined();
  });

  it('a re-read whose me has no settings keeps the reasons read before', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0, user: { userName: 'agent1', channels: [{ channel: 'voice', userState: { state: 'Ready' } }], calls: [] } } });
    links[0]!.down({ httpCode: 500 });
    links[0]!.up(true);
    await settle(clock);
    expect(session.view.phase).toBe('active');
    expect(session.view.selectableStates[1]!.reasons.map((r) => r.id)).toEqual(['NotReadyLunch', 'NotReadyBreak']);
  });

  it('the time in a state is kept while the state stays, and restarts on a change', async () => {
    const { session, links, clock } = setup();
    await session.signIn(CREDS);
    const since = session.view.agent!.since;
    expect(since).toBe(new Date(clock.now()).toISOString());
    await clock.advance(60_000);
    links[0]!.message('/v2/me/channels', { messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', userState: { state: 'NotReady', displayName: 'Not Ready' } }] });
    expect(session.view.agent!.since).toBe(since);
    links[0]!.message('/v2/me/channels', { messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', userState: { state: 'NotReady', reason: 'Lunch' } }] });
    expect(session.view.agent!.since).toBe(new Date(clock.now()).toISOString());
    expect(session.view.connection?.lastEventAt).toBe(new Date(clock.now()).toISOString());
  });

  it('a re-read after the server forgot the user fails the session (sign in again)', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    gws.overrides.set('GET /api/v2/me', { status: 200, json: { statusCode: 0 } });
    links[0]!.down({ httpCode: 500 });
    links[0]!.up(true);
    await settle(clock);
    expect(session.view.phase).toBe('failed');
    expect(session.view.lastError).toMatchObject({ code: 'gws.session.ended', message: 'The server ended your GWS session (the server no longer names your user). Sign in again.' });
    expect(links[0]!.stopped).toBe(true);
  });
});

describe('GWS CometD drops (protocols/gws.md §3, issue 11)', () => {
  it('an up that is not a re-establishment while active reads nothing; one after a drop re-reads the state', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    const before = gws.requests.length;
    links[0]!.up(false);
    await settle(clock);
    expect(gws.requests.length).toBe(before);
    links[0]!.down({ httpCode: 502 });
    await settle(clock);
    expect(session.view.phase).toBe('reconnecting');
    links[0]!.up(false);
    await settle(clock);
    expect(paths(gws, before)).toEqual(['GET /api/v2/me?subresources=*']);
    expect(session.view.phase).toBe('active');
  });

  it('a drop that is not a refusal asks nothing and counts the attempts; a recovery resets the count', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    const before = gws.requests.length;
    links[0]!.down({ httpCode: 500 });
    await settle(clock);
    links[0]!.down({ error: '402::Unknown client' });
    await settle(clock);
    expect(gws.requests.length).toBe(before);
    expect(session.view.connection).toEqual({ transport: 'none', reconnectAttempt: 2 });
    expect(session.view.lastError).toEqual({ code: 'gws.notifications.lost', message: 'The notification channel to the server was lost; reconnecting…', action: 'none' });
    links[0]!.up(true);
    await settle(clock);
    links[0]!.down({});
    await settle(clock);
    expect(session.view.connection).toEqual({ transport: 'none', reconnectAttempt: 1 });
  });

  it('a refusal (401/403 or a 401::/403:: Bayeux error) probes me: 401, a 403 not about CSRF, or a me without a user end the session', async () => {
    const cases: [Record<string, unknown>, { status: number; json: unknown }][] = [
      [{ httpCode: 401 }, { status: 401, json: {} }],
      [{ httpCode: 403 }, { status: 403, json: { statusCode: 3, statusMessage: 'Forbidden' } }],
      [{ error: '401::Unauthorized' }, { status: 200, json: { statusCode: 0 } }],
      [{ error: '403::Denied' }, { status: 200, json: { statusCode: 0, user: { userName: '' } } }],
    ];
    for (const [failure, me] of cases) {
      const { session, gws, links, clock } = setup();
      await session.signIn(CREDS);
      gws.overrides.set('GET /api/v2/me', me);
      links[0]!.down(failure);
      await settle(clock);
      expect(session.view.phase, JSON.stringify(failure)).toBe('failed');
      expect(session.view.lastError).toEqual({ code: 'gws.session.ended', message: 'The server ended your GWS session (it now treats Patchbay as not signed in). Sign in again.', action: 'sign-in-again' });
      expect(links[0]!.restarted).toBe(0);
    }
  });

  it('a refusal while me still names the user restarts the link and shows reconnecting; a 403 about CSRF too', async () => {
    for (const me of [undefined, { status: 403, json: { statusCode: 3, statusMessage: 'Missing or invalid Csrf token' } }]) {
      const { session, gws, links, clock } = setup();
      await session.signIn(CREDS);
      if (me) gws.overrides.set('GET /api/v2/me', me);
      links[0]!.down({ httpCode: 403 });
      await settle(clock);
      expect(links[0]!.restarted).toBe(1);
      expect(session.view.phase).toBe('reconnecting');
    }
  });

  it('two refusals at once are probed once; a drop while CometD first comes up is not shown as reconnecting', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    const before = gws.requests.length;
    links[0]!.down({ httpCode: 403 });
    links[0]!.down({ httpCode: 403 });
    await settle(clock);
    expect(paths(gws, before)).toEqual(['GET /api/v2/me']);
    const first = setup({ autoUp: false });
    const flow = first.session.signIn(CREDS);
    flow.catch(() => undefined);
    await settle(first.clock);
    first.links[0]!.down({ httpCode: 500 });
    await settle(first.clock);
    expect(first.session.view.phase).toBe('signing-in');
    first.links[0]!.up(false);
    await flow;
    expect(first.session.view.phase).toBe('active');
  });

  it('a probe that fails itself leaves the link reconnecting; a non-refusal never probes', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    const before = gws.requests.length;
    links[0]!.down({ error: '500::boom' });
    await settle(clock);
    expect(gws.requests.length).toBe(before);
    gws.overrides.set('GET /api/v2/me', () => {
      throw new PatchbayError('net.unreachable', 'down');
    });
    links[0]!.down({ httpCode: 401 });
    await settle(clock);
    expect(session.view.phase).toBe('reconnecting');
    expect(links[0]!.restarted).toBe(0);
    expect(links[0]!.stopped).toBe(false);
  });

  it('the refusal message names the HTTP status when there was one', async () => {
    for (const [failure, text] of [
      [{ httpCode: 403 }, 'The server keeps refusing the notification channel (CometD, HTTP 403) although you are signed in.'],
      [{ error: '403::Forbidden' }, 'The server keeps refusing the notification channel (CometD) although you are signed in.'],
    ] as const) {
      const { session, links, clock } = setup();
      await session.signIn(CREDS);
      for (let i = 0; i < 3; i++) {
        links[0]!.down(failure);
        await settle(clock);
      }
      expect(session.view.lastError).toEqual({ code: 'gws.notifications.refused', message: text, action: 'contact-it' });
      expect(links[0]!.restarted).toBe(2);
    }
  });

  it('a recovery resets the refusal count', async () => {
    const { session, links, clock } = setup();
    await session.signIn(CREDS);
    for (let i = 0; i < 2; i++) {
      links[0]!.down({ httpCode: 403 });
      await settle(clock);
    }
    links[0]!.up(true);
    await settle(clock);
    links[0]!.down({ httpCode: 403 });
    await settle(clock);
    expect(session.view.phase).toBe('reconnecting');
    expect(links[0]!.restarted).toBe(3);
  });

  it('after sign-out, messages, drops and ups change nothing', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    await session.signOut();
    const count = gws.requests.length;
    links[0]!.message('/v2/me/channels', { messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', userState: { state: 'Ready' } }] });
    links[0]!.down({ httpCode: 401 });
    links[0]!.up(true);
    await settle(clock);
    expect(session.view).toEqual({ phase: 'signed-out', selectableStates: [] });
    expect(gws.requests.length).toBe(count);
  });
});

describe('GWS state changes and sign-out (protocols/gws.md §2)', () => {
  it('a state change needs an active or reconnecting session; refused ones ask nothing', async () => {
    const { session, gws, links, clock } = setup();
    const error = await rejection(session.setAgentState('Ready'));
    expect(error.code).toBe('gws.state.not-signed-in');
    expect(gws.requests).toEqual([]);
    await session.signIn(CREDS);
    links[0]!.down({ httpCode: 500 });
    await settle(clock);
    await session.setAgentState('Ready');
    expect(session.view.agent?.stateId).toBe('Ready');
  });

  it('a refused change shows on an active card only, and a later success clears it', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    gws.overrides.set('POST /api/v2/me/channels/voice', { status: 400, json: { statusCode: 2, statusMessage: 'Not now' } });
    const error = await rejection(session.setAgentState('Ready'));
    expect(error.message).toBe('Changing your state: Not now');
    expect(session.view.lastError).toMatchObject({ code: 'gws.status.invalid-state' });
    gws.overrides.delete('POST /api/v2/me/channels/voice');
    await session.setAgentState('Ready');
    expect(session.view.lastError).toBeUndefined();
    links[0]!.down({ httpCode: 500 });
    await settle(clock);
    gws.overrides.set('POST /api/v2/me/channels/voice', { status: 400, json: { statusCode: 2, statusMessage: 'Not now' } });
    await rejection(session.setAgentState('Ready'));
    expect(session.view.lastError?.code).toBe('gws.notifications.lost');
  });

  it('signing out of a session that is not signed in sends no EndContactCenterSession but still clears the jar', async () => {
    const { session, gws } = setup();
    await session.signOut();
    expect(gws.requests).toEqual([]);
    expect(gws.cleared).toBe(1);
    expect(session.view.phase).toBe('signed-out');
  });

  it('signing out while reconnecting ends the contact-center session; a server that fails it does not stop the sign-out', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    links[0]!.down({ httpCode: 500 });
    await settle(clock);
    gws.overrides.set('POST /api/v2/me', () => {
      throw new PatchbayError('net.unreachable', 'down');
    });
    await session.signOut();
    expect(gws.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v2/me' });
    expect(gws.cleared).toBe(1);
    expect(session.view.phase).toBe('signed-out');
  });

  it('signing out after the session failed sends nothing to the server; the CSRF pair is forgotten', async () => {
    const { session, gws, links, clock } = setup();
    await session.signIn(CREDS);
    gws.signedIn = false;
    links[0]!.down({ httpCode: 401 });
    await settle(clock);
    const count = gws.requests.length;
    await session.signOut();
    expect(gws.requests.length).toBe(count);
    expect(links[0]!.options.headers()).toEqual({});
  });
});
