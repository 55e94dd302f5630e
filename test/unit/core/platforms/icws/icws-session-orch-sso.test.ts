// The IcwsSession orchestrator (issue 9, helper MUT-ORCH), part 3: single sign-on, PureConnect Cloud,
// and what the agent is told (issue 9 survivors). Harness: icws-session-harness.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { SILENT_SSO_TIMEOUT_MS } from '../../../../../main/core/platforms/icws/icws-session.ts';
import { MAX_INTERVAL_MS } from '../../../../../main/core/platforms/icws/reconnect.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { tickClock } from '../../../../helpers/fake-clock.ts';
import { A, bodyOf, downMessage, drive, loginWindow, PW, reconnectSso, resetSsoStubs, runSso, setup } from './icws-session-harness.ts';
import { response } from './stub-response.ts';

beforeEach(resetSsoStubs);

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
    // In steps: the attempt comes at a random 15–25 s, then its set-up needs a poll or two.
    await tickClock(clock, MAX_INTERVAL_MS + 5_000, 500);
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
    await tickClock(clock, MAX_INTERVAL_MS + 5_000, 500);
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
