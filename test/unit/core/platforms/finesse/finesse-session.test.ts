import { describe, expect, it } from 'vitest';
import { ProfileSchema, type ProfileInput } from '../../../../../preload/contract.ts';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { FinesseSession } from '../../../../../main/core/platforms/finesse/finesse-session.ts';
import type { FinesseOptionsInput } from '../../../../../main/core/platforms/finesse/options.ts';
import { xml } from '../../../../../main/core/platforms/finesse/xmpp-link.ts';
import type { SessionView } from '../../../../../main/core/platforms/platform.ts';
import { MemorySecretStore, profileSecrets, type ProfileSecrets } from '../../../../../main/core/secrets/secret-store.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { FakeFinesse } from './fake-finesse.ts';
import { driveClock, tickClock } from '../../../../helpers/fake-clock.ts';

const A = 'https://fin-a.example.com:8445';
const B = 'https://fin-b.example.com:8445';

class FakeLoginWindow implements LoginWindow {
  readonly runs: LoginWindowRequest[] = [];
  /** How long the agent takes on the IdP page (fake time). */
  answerMs = 20_000;
  fail: PatchbayError | undefined;
  private readonly clock: FakeClock;
  private readonly finesse: FakeFinesse;
  constructor(clock: FakeClock, finesse: FakeFinesse) {
    this.clock = clock;
    this.finesse = finesse;
  }
  async run(request: LoginWindowRequest): Promise<LoginWindowResult> {
    this.runs.push(request);
    await this.clock.sleep(request.visible === 'never' ? 1_000 : this.answerMs, request.signal);
    if (this.fail) throw this.fail;
    return { completion: request.until[0]!, url: request.url, status: 200, headers: { 'content-type': 'application/json' }, body: this.finesse.tokenJson() };
  }
}

function setup(options: { profile?: Partial<ProfileInput>; finesse?: FinesseOptionsInput; nodes?: string[]; loginWindow?: boolean; secrets?: ProfileSecrets } = {}) {
  const clock = new FakeClock();
  const nodes = options.nodes ?? [A, B];
  const finesse = new FakeFinesse(clock, nodes);
  finesse.users.push({ loginId: '98411', loginName: 'sjefferson', password: 'pw', authMode: 'NON_SSO', state: 'LOGOUT' });
  const loginWindow = new FakeLoginWindow(clock, finesse);
  const profile = ProfileSchema.parse({ id: 'fin', name: 'Finesse', platform: 'finesse', servers: nodes, authMode: 'password', ...options.profile });
  const session = new FinesseSession(
    { profile, clock, log: createLogger({ sink: memorySink() }), ...(options.loginWindow === false ? {} : { loginWindow }), ...(options.secrets ? { secrets: options.secrets } : {}) },
    { http: finesse.http, linkFactory: finesse.linkFactory, finesse: options.finesse ?? {}, resource: 'patchbay-unit' },
  );
  const views: SessionView[] = [];
  session.onView((v) => views.push(v));
  return { clock, finesse, session, loginWindow, views, user: finesse.users[0]! };
}

/** Drive the fake clock until the promise settles. */
const drive = <T>(clock: FakeClock, promise: Promise<T>, stepMs = 50, maxMs = 30 * 60_000): Promise<T> => driveClock(clock, promise, { stepMs, maxMs });

/** Move fake time in small steps so multi-hop promise chains keep up. */
const tick = (clock: FakeClock, ms: number, stepMs = 50): Promise<void> => tickClock(clock, ms, stepMs);

const nonSso = { credentials: { userName: 'sjefferson', password: 'pw' }, extension: '1001001' };

describe('FinesseSession: discovery and sign-in', () => {
  it('reads SystemInfo first and offers the password form on a NON_SSO system [FIN-05]', async () => {
    const { session, finesse } = setup();
    expect(await session.signInOptions()).toMatchObject({ credentialsForm: true, identityProviders: [], userNameRequired: true, extensionRequired: true });
    expect(finesse.requests[0]).toMatchObject({ method: 'GET', path: '/finesse/api/SystemInfo', node: A });
    expect(finesse.requests[0]!.authorization).toBeUndefined();
  });

  it("asks a HYBRID system for the user's mode: SSO users get no password field [FIN-06, FIN-09]", async () => {
    const { session, finesse, user } = setup();
    finesse.systemAuthMode = 'HYBRID';
    user.authMode = 'SSO';
    const sso = await session.signInOptions({ userName: 'sjefferson' });
    expect(sso).toMatchObject({ credentialsForm: false, identityProviders: [{ id: 'finesse-sso' }], extensionRequired: true });
    expect(finesse.requests.map((r) => r.path)).toEqual(['/finesse/api/SystemInfo', '/finesse/api/UserAuthMode/sjefferson']);
    user.authMode = 'NON_SSO';
    expect((await session.signInOptions({ userName: 'sjefferson' })).credentialsForm).toBe(true);
    // Without a user name the form asks for it first and offers no password field yet.
    expect(await session.signInOptions()).toMatchObject({ credentialsForm: false, userNameRequired: true });
  });

  it('signs in with Basic auth, looks up the loginId and uses it for every later call, then LOGIN with the extension [FIN-10]', async () => {
    const { session, finesse, clock } = setup();
    await drive(clock, session.signIn(nonSso));
    expect(session.view).toMatchObject({ phase: 'active', server: A, userDisplayName: 'Sam Jefferson', agent: { kind: 'not-ready', stateId: 'NOT_READY' }, connection: { transport: 'xmpp' } });
    const rest = finesse.requests.filter((r) => r.path.startsWith('/finesse/api/User'));
    expect(rest[0]!.path).toBe('/finesse/api/User/sjefferson');
    expect(rest.slice(1).every((r) => r.path.startsWith('/finesse/api/User/98411'))).toBe(true);
    expect(rest.every((r) => r.authorization === `Basic ${Buffer.from('sjefferson:pw').toString('base64')}`)).toBe(true);
    const login = finesse.requests.find((r) => r.method === 'PUT')!;
    expect(login.body).toBe('<User><state>LOGIN</state><extension>1001001</extension></User>');
    expect(finesse.links[0]!.endpoint).toMatchObject({ username: '98411', password: 'pw', domain: 'fin.example.com', resource: 'patchbay-unit', service: 'wss://fin-a.example.com:8445/ws' });
    expect(session.view.selectableStates.find((s) => s.id === 'NOT_READY')).toMatchObject({ reasonRequired: true, reasons: [{ id: '11', label: 'Lunch' }, { id: '12', label: 'Meeting' }] });
  });

  it('signs in as a mobile agent when the profile says so', async () => {
    const { session, finesse, clock } = setup({ finesse: { mobileAgent: { mode: 'CALL_BY_CALL', dialNumber: '5551234' } } });
    await drive(clock, session.signIn(nonSso));
    expect(finesse.requests.find((r) => r.method === 'PUT')!.body).toContain('<mobileAgent><mode>CALL_BY_CALL</mode><dialNumber>5551234</dialNumber></mobileAgent>');
  });

  it('reports a wrong password as a sign-in error and stops', async () => {
    const { session, clock } = setup();
    await expect(drive(clock, session.signIn({ ...nonSso, credentials: { userName: 'sjefferson', password: 'nope' } }))).rejects.toMatchObject({ code: 'finesse.sign-in.rejected', action: 'sign-in-again' });
    expect(session.view.phase).toBe('failed');
  });

  it('asks for the extension when the agent is logged out and none was given', async () => {
    const { session, clock } = setup();
    await expect(drive(clock, session.signIn({ credentials: nonSso.credentials }))).rejects.toMatchObject({ code: 'finesse.sign-in.extension-required' });
  });

  it('adopts an agent already logged in (no LOGIN sent)', async () => {
    const { session, finesse, clock, user } = setup();
    Object.assign(user, { state: 'READY', extension: '1001001' });
    await drive(clock, session.signIn({ credentials: nonSso.credentials }));
    expect(session.view.agent).toMatchObject({ kind: 'ready' });
    expect(finesse.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('signs in on the secondary when the primary is OUT_OF_SERVICE', async () => {
    const { session, finesse, clock } = setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    await drive(clock, session.signIn(nonSso));
    expect(session.view.server).toBe(B);
    expect(finesse.links[0]!.node).toBe(B);
  });

  it('reports out of service when no node is IN_SERVICE', async () => {
    const { session, finesse, clock } = setup();
    for (const n of finesse.nodes.values()) n.status = 'OUT_OF_SERVICE';
    await expect(drive(clock, session.signIn(nonSso))).rejects.toMatchObject({ code: 'finesse.out-of-service', action: 'retry' });
  });
});

describe('FinesseSession: single sign-on', () => {
  function ssoSetup(extra: Parameters<typeof setup>[0] = {}) {
    const s = setup({ profile: { authMode: 'sso', userName: 'sjefferson' }, ...extra });
    s.finesse.systemAuthMode = 'SSO';
    s.user.authMode = 'SSO';
    return s;
  }

  it('runs the LoginWindow on the token URL and completes on the JSON from the network [FIN-07, FIN-08] (a stand-in window: FIN-01/02/04 are proven by the Chromium LoginWindow and HttpSession tests)', async () => {
    const { session, loginWindow, views, clock, finesse } = ssoSetup();
    await drive(clock, session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    const run = loginWindow.runs[0]!;
    const url = new URL(run.url);
    expect(url.origin + url.pathname).toBe(`${A}/desktop/sso/token`);
    expect(url.searchParams.get('cc_username')).toBe('sjefferson');
    expect(url.searchParams.get('return_refresh_token')).toBe('true');
    expect(run.until).toEqual([{ jsonResponseAt: `${A}/desktop/sso/token` }]);
    expect(run.visible).toBe('when-needed');
    // The window shares the profile's cookie jar with HttpSession (FIN-02, FIN-03 are the jar's).
    expect(run.jar).toBe(finesse.http.jar);
    expect(views.map((v) => v.phase)).toContain('awaiting-user');
    expect(session.view.phase).toBe('active');
    expect(session.view.token?.expiresAt).toBeDefined();
  });

  it('sends Bearer <token> on every REST call and uses the token as the XMPP password [FIN-11]', async () => {
    const { session, finesse, clock } = ssoSetup();
    await drive(clock, session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    const rest = finesse.requests.filter((r) => r.path.startsWith('/finesse/api/User'));
    expect(rest.length).toBeGreaterThan(2);
    expect(rest.every((r) => r.authorization?.startsWith('Bearer tok-') && r.tokenValid)).toBe(true);
    expect(finesse.links[0]!.endpoint.password).toMatch(/^tok-/);
  });

  it('never sends a password typed in Patchbay for an SSO user [FIN-09]', async () => {
    const { session, finesse, clock } = ssoSetup();
    await drive(clock, session.signIn({ credentials: { userName: 'sjefferson', password: 'typed-by-mistake' }, extension: '1001001' }));
    expect(finesse.requests.some((r) => r.authorization?.startsWith('Basic'))).toBe(false);
    expect(finesse.links[0]!.endpoint.password).not.toBe('typed-by-mistake');
  });

  it('puts cc_username in a cookie in the older-release mode [FIN-15]', async () => {
    const { session, finesse, loginWindow, clock } = ssoSetup({ finesse: { ssoUserIn: 'cookie' } });
    await drive(clock, session.signIn({ sso: { userName: 'j smith' }, extension: '1001001' }));
    expect(new URL(loginWindow.runs[0]!.url).searchParams.has('cc_username')).toBe(false);
    expect(finesse.cookiesSet).toContainEqual({ header: 'cc_username=j%20smith; Path=/', url: A });
  });

  it('refreshes silently at 75 % over HTTP and never sends an expired token during an hour [FIN-12, FIN-13]', async () => {
    const { session, finesse, clock } = ssoSetup();
    await drive(clock, session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    const signedInAt = clock.now();
    const firstRefreshAt = Date.parse(session.view.token!.refreshAt!);
    expect(firstRefreshAt - signedInAt).toBeLessThanOrEqual(225_000);
    for (let i = 0; i < 60; i++) {
      await clock.advance(60_000);
      await drive(clock, session.listStates(), 50, 1_000);
    }
    const refreshes = finesse.requests.filter((r) => r.path === '/desktop/sso/token');
    expect(refreshes.length).toBeGreaterThanOrEqual(15);
    expect(refreshes.every((r) => r.method === 'POST')).toBe(true);
    const form = new URLSearchParams(refreshes[0]!.body);
    expect(form.get('token')).toMatch(/^tok-/);
    expect(form.get('refresh-token')).toMatch(/^ref-/);
    expect(finesse.requests.filter((r) => r.tokenValid === false)).toEqual([]);
    expect(session.view.phase).toBe('active');
  });

  it('uses the GET form (cc_username + refresh-token) when the POST form is refused [FIN-13]', async () => {
    const { session, finesse, clock } = ssoSetup();
    finesse.refuseRefreshMethod = 'POST';
    await drive(clock, session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    await tick(clock, 230_000);
    const get = finesse.requests.find((r) => r.method === 'GET' && r.path.startsWith('/desktop/sso/token'))!;
    const url = new URL(get.path, A);
    expect(url.searchParams.get('cc_username')).toBe('sjefferson');
    expect(url.searchParams.get('refresh-token')).toMatch(/^ref-/);
    expect(session.diagnostics.tokenStats).toMatchObject({ byStrategy: { 'finesse-refresh-get': 1 } });
  });

  it('falls back to a hidden window when both HTTP forms are refused, without asking the agent [FIN-13]', async () => {
    const { session, finesse, loginWindow, clock } = ssoSetup();
    await drive(clock, session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    finesse.refreshTokens.clear(); // revoked
    await tick(clock, 240_000);
    expect(loginWindow.runs.map((r) => r.visible)).toEqual(['when-needed', 'never']);
    expect(session.view.lastError).toBeUndefined();
    expect(session.view.phase).toBe('active');
  });

  it('keeps the refresh token in the keychain only, resumes silently with it, and forgets it on sign-out [CARD-02, FIN-13]', async () => {
    const store = new MemorySecretStore();
    const secrets = profileSecrets(store, 'fin');
    const first = ssoSetup({ secrets });
    await drive(first.clock, first.session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    const saved = JSON.parse((await secrets.get('refresh-token'))!) as { refreshToken: string; userName: string; extension: string };
    expect(saved).toMatchObject({ refreshToken: expect.stringMatching(/^ref-/), userName: 'sjefferson', extension: '1001001' });
    first.session.dispose();

    // Next launch: same server state, a new session, no window shown.
    const second = ssoSetup({ secrets });
    second.finesse.refreshTokens.set(saved.refreshToken, second.clock.now() + 7_200_000);
    Object.assign(second.user, { state: 'NOT_READY', extension: '1001001' });
    expect(await drive(second.clock, second.session.resume())).toBe(true);
    expect(second.loginWindow.runs).toEqual([]);
    expect(second.session.view).toMatchObject({ phase: 'active', agent: { kind: 'not-ready' } });
    const refresh = second.finesse.requests.find((r) => r.path.startsWith('/desktop/sso/token'))!;
    expect(refresh.method).toBe('GET');
    await drive(second.clock, second.session.signOut());
    expect(await secrets.get('refresh-token')).toBeUndefined();
  });

  it('does not resume without a saved token, nor with one the server refuses and no IdP session', async () => {
    const secrets = profileSecrets(new MemorySecretStore(), 'fin');
    const none = ssoSetup({ secrets });
    expect(await drive(none.clock, none.session.resume())).toBe(false);
    await secrets.set('refresh-token', JSON.stringify({ v: 1, refreshToken: 'ref-unknown', userName: 'sjefferson' }));
    const refused = ssoSetup({ secrets });
    refused.loginWindow.fail = new PatchbayError('login.timeout', 'timeout', { action: 'none' });
    expect(await drive(refused.clock, refused.session.resume())).toBe(false);
    expect(refused.loginWindow.runs.map((r) => r.visible)).toEqual(['never']);
    expect(refused.session.view.phase).toBe('signed-out');
  });

  it('needs a LoginWindow for SSO and says so', async () => {
    const { session, clock } = ssoSetup({ loginWindow: false });
    await expect(drive(clock, session.signIn({ sso: { userName: 'sjefferson' }, extension: '1' }))).rejects.toMatchObject({ code: 'login.unavailable' });
  });
});

describe('FinesseSession: agent state', () => {
  async function active() {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    return s;
  }

  it('counts a change done only when the notification confirms it, not on the 202', async () => {
    const { session, clock, finesse } = await active();
    let done = false;
    const change = session.setAgentState('READY').then(() => (done = true));
    await clock.advance(10);
    expect(finesse.requests.at(-1)).toMatchObject({ method: 'PUT', body: '<User><state>READY</state></User>' });
    expect(done).toBe(false);
    expect(session.view.agent?.kind).toBe('not-ready');
    await drive(clock, change);
    expect(session.view.agent).toMatchObject({ kind: 'ready', stateId: 'READY', label: 'Ready' });
  });

  it('requires a reason for Not Ready when the server has codes, and shows its label', async () => {
    const { session, clock, finesse } = await active();
    const before = finesse.requests.length;
    await expect(session.setAgentState('NOT_READY')).rejects.toMatchObject({ code: 'finesse.state.reason-required' });
    expect(finesse.requests.length).toBe(before);
    await drive(clock, session.setAgentState('NOT_READY', '12'));
    expect(finesse.requests.at(-1)!.body).toBe('<User><state>NOT_READY</state><reasonCodeId>12</reasonCodeId></User>');
    expect(session.view.agent).toMatchObject({ kind: 'not-ready', reason: 'Meeting' });
  });

  it('surfaces the asynchronous CTI error carried by the notification', async () => {
    const { session, clock, finesse } = await active();
    finesse.asyncErrorNext = 'CF_INVALID_OBJECT_STATE';
    await expect(drive(clock, session.setAgentState('READY'))).rejects.toMatchObject({ code: 'finesse.state.rejected', message: expect.stringContaining('CF_INVALID_OBJECT_STATE') });
    expect(session.view.lastError?.code).toBe('finesse.state.rejected');
    expect(session.view.agent?.kind).toBe('not-ready');
  });

  it('checks with a GET when no notification comes, and accepts the change the server made', async () => {
    const { session, clock, finesse } = await active();
    finesse.silentChanges = true;
    await drive(clock, session.setAgentState('READY'));
    expect(finesse.requests.at(-1)).toMatchObject({ method: 'GET', path: '/finesse/api/User/98411' });
    expect(session.view.agent?.kind).toBe('ready');
  });

  it('says the change was not carried out when neither the notification nor a GET shows it', async () => {
    const { session, clock, finesse } = await active();
    finesse.ignoreChanges = true;
    await expect(drive(clock, session.setAgentState('READY'))).rejects.toMatchObject({ code: 'finesse.state.unconfirmed' });
    expect(session.view.agent?.kind).toBe('not-ready');
  });

  it('refuses LOGOUT from READY on UCCE (Not Ready first)', async () => {
    const { session, clock } = await active();
    await drive(clock, session.setAgentState('READY'));
    await expect(session.setAgentState('LOGOUT', '21')).rejects.toMatchObject({ code: 'finesse.state.not-ready-first' });
  });

  it('logs out with the reason code and ends the session', async () => {
    const { session, clock, finesse } = await active();
    await drive(clock, session.setAgentState('LOGOUT', '21'));
    expect(finesse.requests.find((r) => r.body?.includes('LOGOUT'))!.body).toBe('<User><state>LOGOUT</state><reasonCodeId>21</reasonCodeId></User>');
    expect(session.view.phase).toBe('signed-out');
    expect(finesse.links).toHaveLength(0);
  });

  it('signs out with the Logout reason the agent picked, not the first one (issue 13 item 6)', async () => {
    const s = setup();
    s.finesse.logoutCodes = [{ id: '21', label: 'End of shift' }, { id: '22', label: 'Meeting' }];
    await drive(s.clock, s.session.signIn(nonSso));
    await drive(s.clock, s.session.signOut({ reasonCodeId: '22' }));
    const sent = s.finesse.requests.filter((r) => r.body?.includes('LOGOUT')).map((r) => r.body);
    expect(sent).toEqual(['<User><state>LOGOUT</state><reasonCodeId>22</reasonCodeId></User>']);
    expect(s.session.view.phase).toBe('signed-out');
  });

  it('refuses a sign-out reason that is not offered before sending anything (issue 13 item 6)', async () => {
    const { session, clock, finesse } = await active();
    await expect(drive(clock, session.signOut({ reasonCodeId: '99' }))).rejects.toMatchObject({ code: 'finesse.sign-out.unknown-reason' });
    expect(finesse.requests.filter((r) => r.body?.includes('LOGOUT'))).toHaveLength(0);
  });

  it('signs out with LOGOUT and closes the notification channel', async () => {
    const { session, clock, finesse, user } = await active();
    await drive(clock, session.signOut());
    expect(user.state).toBe('LOGOUT');
    expect(session.view.phase).toBe('signed-out');
    expect(finesse.links).toHaveLength(0);
  });
});

describe('FinesseSession: reconnect and failover', () => {
  async function readyAgent() {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    await drive(s.clock, s.session.setAgentState('NOT_READY', '11'));
    return s;
  }

  it('reconnects the notification channel at once after a blip, state untouched', async () => {
    const { session, clock, finesse } = await readyAgent();
    finesse.dropLinks();
    await tick(clock, 100);
    expect(finesse.links).toHaveLength(1);
    expect(session.view).toMatchObject({ phase: 'active', server: A, agent: { kind: 'not-ready', reason: 'Lunch' } });
    expect(session.diagnostics.reconnectTimes[0]).toBeLessThan(10_000);
  });

  it('switches REST and XMPP to the other node together when a node is unreachable, keeping the state', async () => {
    const { session, clock, finesse, views } = await readyAgent();
    finesse.nodes.get(A)!.up = false;
    finesse.dropLinks(A);
    await tick(clock, 10_000);
    expect(views.some((v) => v.phase === 'reconnecting' && v.connection?.nextHost === 'fin-b.example.com:8445')).toBe(true);
    expect(session.view).toMatchObject({ phase: 'active', server: B, agent: { kind: 'not-ready', reason: 'Lunch' } });
    expect(finesse.links[0]!.node).toBe(B);
    // The user is re-read on the new node.
    expect(finesse.requests.at(-1)).toMatchObject({ node: B, method: 'GET', path: '/finesse/api/User/98411' });
    await drive(clock, session.setAgentState('READY'));
    expect(finesse.requests.filter((r) => r.method === 'PUT').at(-1)!.node).toBe(B);
  });

  it('signs the agent back in to their state when the outage logged them out', async () => {
    const { session, clock, finesse, user } = await readyAgent();
    finesse.nodes.get(A)!.up = false;
    finesse.dropLinks(A);
    Object.assign(user, { state: 'LOGOUT', extension: undefined, reasonCodeId: undefined });
    await tick(clock, 10_000);
    const puts = finesse.requests.filter((r) => r.method === 'PUT' && r.node === B).map((r) => r.body);
    expect(puts).toEqual(['<User><state>LOGIN</state><extension>1001001</extension></User>', '<User><state>NOT_READY</state><reasonCodeId>11</reasonCodeId></User>']);
    expect(session.view.agent).toMatchObject({ kind: 'not-ready', reason: 'Lunch' });
  });

  it('waits for IN_SERVICE while the node is OUT_OF_SERVICE, then reconnects to it', async () => {
    const { session, clock, finesse } = await readyAgent();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    finesse.dropLinks(A);
    await tick(clock, 20_000);
    expect(session.view.phase).toBe('reconnecting');
    finesse.nodes.get(A)!.status = 'IN_SERVICE';
    await tick(clock, 5_000);
    expect(session.view).toMatchObject({ phase: 'active', server: A, agent: { kind: 'not-ready' } });
  });
});

// Session 5, MUT-FINORCH (issue 9, docs/mutation.md): the orchestrator's own wiring, each case written
// against a surviving mutant of finesse-session.ts and seen red with that mutant planted by hand.
describe('FinesseSession: orchestration (issue 9 mutation survivors)', () => {
  const systemNotice = (status: string) =>
    xml(
      'message',
      { from: 'pubsub.fin.example.com' },
      xml('event', { xmlns: 'http://jabber.org/protocol/pubsub#event' }, xml('items', { node: '/finesse/api/SystemInfo' }, xml('item', {}, xml('notification', { xmlns: 'urn:xmpp:push:0' }, `<Update><data><SystemInfo><status>${status}</status></SystemInfo></data><event>PUT</event><source>/finesse/api/SystemInfo</source></Update>`)))),
    );

  /** The agent signed in and logged out by the outage on node A; back on B. */
  async function outageLogsOut(s: ReturnType<typeof setup>) {
    s.finesse.nodes.get(A)!.up = false;
    s.finesse.dropLinks(A);
    Object.assign(s.user, { state: 'LOGOUT', extension: undefined, reasonCodeId: undefined });
    await tick(s.clock, 10_000);
    return s.finesse.requests.filter((r) => r.method === 'PUT' && r.node === B).map((r) => r.body);
  }

  it('signs an agent back in after an outage logged them out, also with no state change since the sign-in [issue 9 item 10]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    expect(await outageLogsOut(s)).toEqual(['<User><state>LOGIN</state><extension>1001001</extension></User>']);
    expect(s.session.view).toMatchObject({ phase: 'active', agent: { kind: 'not-ready' } });
  });

  it('a refused state change does not leave the session "logging out": the outage restore still signs back in [issue 9 item 10]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    await expect(s.session.setAgentState('NOT_READY')).rejects.toMatchObject({ code: 'finesse.state.reason-required' });
    expect(await outageLogsOut(s)).toEqual(['<User><state>LOGIN</state><extension>1001001</extension></User>']);
  });

  it('after a sign-out and a new sign-in on the same session, an outage logout is restored again [issue 9 item 10]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    await drive(s.clock, s.session.signOut());
    await drive(s.clock, s.session.signIn(nonSso));
    expect(await outageLogsOut(s)).toEqual(['<User><state>LOGIN</state><extension>1001001</extension></User>']);
  });

  it('a Ready agent logged out by an outage comes back Not Ready and is told so [issue 9 item 10]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    await drive(s.clock, s.session.setAgentState('READY'));
    expect(await outageLogsOut(s)).toEqual(['<User><state>LOGIN</state><extension>1001001</extension></User>']);
    expect(s.session.view.agent?.kind).toBe('not-ready');
    expect(s.session.view.lastError).toMatchObject({ code: 'finesse.state.not-ready-after-outage' });
  });

  it('a LOGOUT under way when the channel drops is not undone by the outage restore [issue 9 item 10]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    const logout = s.session.setAgentState('LOGOUT', '21');
    logout.catch(() => undefined);
    await s.clock.advance(10); // the PUT is out; Finesse applies it in 50 ms, while the channel is down
    // Node A goes: the channel comes back on B after Finesse has applied the LOGOUT.
    s.finesse.nodes.get(A)!.up = false;
    s.finesse.dropLinks();
    await tick(s.clock, 10_000);
    await drive(s.clock, logout.catch(() => undefined));
    expect(s.finesse.requests.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual([
      '<User><state>LOGIN</state><extension>1001001</extension></User>',
      '<User><state>LOGOUT</state><reasonCodeId>21</reasonCodeId></User>',
    ]);
  });

  it('a sign-out under way when the channel drops is not undone by the outage restore [issue 9 item 11]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    const out = s.session.signOut();
    out.catch(() => undefined);
    await s.clock.advance(10);
    s.finesse.nodes.get(A)!.up = false;
    s.finesse.dropLinks();
    await tick(s.clock, 10_000);
    await drive(s.clock, out.catch(() => undefined));
    expect(s.finesse.requests.filter((r) => r.method === 'PUT' && r.body?.includes('LOGIN'))).toHaveLength(1);
  });

  it('uses a resource patchbay-<8 hex> by default, never "desktop" [§5]', async () => {
    const clock = new FakeClock();
    const finesse = new FakeFinesse(clock, [A]);
    finesse.users.push({ loginId: '98411', loginName: 'sjefferson', password: 'pw', authMode: 'NON_SSO', state: 'LOGOUT' });
    const profile = ProfileSchema.parse({ id: 'fin', name: 'Finesse', platform: 'finesse', servers: [A], authMode: 'password' });
    const session = new FinesseSession({ profile, clock, log: createLogger({ sink: memorySink() }) }, { http: finesse.http, linkFactory: finesse.linkFactory });
    await drive(clock, session.signIn(nonSso));
    expect(finesse.links[0]!.endpoint.resource).toMatch(/^patchbay-[0-9a-f]{8}$/);
  });

  it('allows ws:// notifications only for a lab profile [issue 8 item 4]', async () => {
    const plain = setup();
    await drive(plain.clock, plain.session.signIn(nonSso));
    expect(plain.finesse.links[0]!.endpoint.allowCleartext).toBe(false);
    const lab = setup({ profile: { lab: true } });
    await drive(lab.clock, lab.session.signIn(nonSso));
    expect(lab.finesse.links[0]!.endpoint.allowCleartext).toBe(true);
  });

  it('waits for Finesse presence unless the profile turns it off [§5 ET]', async () => {
    const off = setup({ finesse: { waitForFinessePresence: false } });
    off.finesse.announces = false;
    await drive(off.clock, off.session.signIn(nonSso));
    expect(off.session.view.phase).toBe('active');
    const on = setup();
    on.finesse.announces = false;
    await expect(drive(on.clock, on.session.signIn(nonSso))).rejects.toMatchObject({ code: 'finesse.xmpp.no-server-presence' });
  });

  it('names the agent by first and last name, leaving out a missing one', async () => {
    const s = setup();
    const userXml = s.finesse.userXml.bind(s.finesse);
    s.finesse.userXml = (u, root) => userXml(u, root).replace('<lastName>Jefferson</lastName>', '');
    await drive(s.clock, s.session.signIn(nonSso));
    expect(s.session.view.userDisplayName).toBe('Sam');
  });

  it('signing in again on a live SSO session renews the tokens only: no new connect, state kept [FIN-14]', async () => {
    const s = setup({ profile: { authMode: 'sso', userName: 'sjefferson' } });
    s.finesse.systemAuthMode = 'SSO';
    s.user.authMode = 'SSO';
    await drive(s.clock, s.session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    const views = s.views.length;
    const requests = s.finesse.requests.length;
    await drive(s.clock, s.session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    expect(s.loginWindow.runs).toHaveLength(2);
    expect(s.views.slice(views).map((v) => v.phase)).not.toContain('connecting');
    expect(s.finesse.requests.slice(requests).filter((r) => r.path.startsWith('/finesse/api/'))).toEqual([]);
    expect(s.session.view.phase).toBe('active');
    // A renewal that does not complete says so.
    s.loginWindow.fail = new PatchbayError('login.closed', 'closed', { action: 'none' });
    const error = await rejection(drive(s.clock, s.session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' })));
    expect(error).toMatchObject({ code: 'finesse.sso.not-renewed', action: 'sign-in-again', message: 'Signing in again did not complete.' });
  });

  it('signing in again after the channel failed for good (SSO) signs in anew, not just a token renewal [FIN-14]', async () => {
    const s = setup({ profile: { authMode: 'sso', userName: 'sjefferson' } });
    s.finesse.systemAuthMode = 'SSO';
    s.user.authMode = 'SSO';
    await drive(s.clock, s.session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    s.finesse.tokens.clear(); // the XMPP server refuses the token: the reconnect ends, "sign in again"
    s.finesse.dropLinks();
    await tick(s.clock, 2_000);
    expect(s.session.view.phase).toBe('failed');
    await drive(s.clock, s.session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    expect(s.session.view.phase).toBe('active');
    expect(s.finesse.links).toHaveLength(1);
  });

  it('signing in again on a live password session signs in anew (there is nothing to renew)', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    await drive(s.clock, s.session.signIn(nonSso));
    expect(s.session.view.phase).toBe('active');
    expect(s.finesse.requests.filter((r) => r.path === '/finesse/api/SystemInfo')).toHaveLength(2);
  });

  it('keeps a renewed refresh token in the keychain while active, and saves nothing for a sign-in that failed [CARD-02, FIN-14]', async () => {
    const secrets = profileSecrets(new MemorySecretStore(), 'fin');
    const s = setup({ profile: { authMode: 'sso', userName: 'sjefferson' }, secrets });
    s.finesse.systemAuthMode = 'SSO';
    s.user.authMode = 'SSO';
    // No extension for a logged-out agent: the sign-in fails after the token arrived.
    await expect(drive(s.clock, s.session.signIn({ sso: { userName: 'sjefferson' } }))).rejects.toMatchObject({ code: 'finesse.sign-in.extension-required' });
    expect(await secrets.get('refresh-token')).toBeUndefined();
    await drive(s.clock, s.session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' }));
    const first = JSON.parse((await secrets.get('refresh-token'))!) as { refreshToken: string };
    expect(await drive(s.clock, s.session.reauthenticate())).toBe(true);
    const second = JSON.parse((await secrets.get('refresh-token'))!) as { refreshToken: string };
    expect(second.refreshToken).toMatch(/^ref-/);
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it('does not resume on a NON_SSO system: no token request, no window [FIN-05]', async () => {
    const secrets = profileSecrets(new MemorySecretStore(), 'fin');
    await secrets.set('refresh-token', JSON.stringify({ v: 1, refreshToken: 'ref-1', userName: 'sjefferson' }));
    const s = setup({ secrets });
    s.finesse.refreshTokens.set('ref-1', s.clock.now() + 7_200_000);
    expect(await drive(s.clock, s.session.resume())).toBe(false);
    expect(s.finesse.requests.map((r) => r.path)).toEqual(['/finesse/api/SystemInfo']);
    expect(s.loginWindow.runs).toEqual([]);
    expect(s.session.view.phase).toBe('signed-out');
  });

  it('a REST call that finds the node gone moves REST and XMPP to the other node at once [§5 failover]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    s.finesse.nodes.get(A)!.up = false; // the XMPP link has not noticed yet
    await expect(drive(s.clock, s.session.setAgentState('READY'))).rejects.toMatchObject({ code: 'net.unreachable' });
    await tick(s.clock, 10_000);
    expect(s.session.view).toMatchObject({ phase: 'active', server: B });
    expect(s.finesse.links.map((l) => l.node)).toEqual([B]);
  });

  it('a sign-in Finesse no longer accepts shows at once on the card, from any REST call [issue 13 item 2]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    s.user.password = 'changed-elsewhere';
    const views = s.views.length;
    await expect(drive(s.clock, s.session.listStates().then(() => s.session.actOnCall('no-call', 'answer')))).rejects.toBeDefined();
    s.finesse.dropLinks(); // the re-read after the reconnect meets the 401
    await tick(s.clock, 2_000);
    expect(s.views.slice(views).some((v) => v.phase === 'active' && v.lastError?.code !== undefined)).toBe(true);
  });

  it('a state change refused while signed out touches no view', async () => {
    const s = setup();
    await expect(s.session.setAgentState('READY')).rejects.toBeInstanceOf(PatchbayError);
    expect(s.views).toEqual([]);
    expect(s.session.view.lastError).toBeUndefined();
  });

  it('a sign-out with nothing signed in sends nothing and ends signed out', async () => {
    const s = setup();
    await drive(s.clock, s.session.signOut());
    expect(s.finesse.requests).toEqual([]);
    expect(s.session.view.phase).toBe('signed-out');
  });

  it('a sign-out while the channel reconnects sends no LOGOUT and ends signed out [issue 9 item 11]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    for (const n of s.finesse.nodes.values()) n.up = false;
    s.finesse.dropLinks();
    await tick(s.clock, 1_000);
    expect(s.session.view.phase).toBe('reconnecting');
    await drive(s.clock, s.session.signOut());
    expect(s.finesse.requests.filter((r) => r.body?.includes('LOGOUT'))).toEqual([]);
    expect(s.session.view.phase).toBe('signed-out');
  });

  it('a sign-out of an agent Finesse already logged out sends no LOGOUT', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    s.user.state = 'LOGOUT';
    s.finesse.notify(s.user, `<Update><data>${s.finesse.userXml(s.user, 'user')}</data><event>PUT</event><source>/finesse/api/User/98411</source></Update>`);
    await tick(s.clock, 100);
    await drive(s.clock, s.session.signOut());
    expect(s.finesse.requests.filter((r) => r.body?.includes('LOGOUT'))).toEqual([]);
    expect(s.session.view.phase).toBe('signed-out');
  });

  it('a LOGOUT Finesse refuses makes the sign-out fail with the reason, not "signed out" [issue 9 item 11]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    s.finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE'; // the LOGOUT PUT is answered 503
    const error = await rejection(drive(s.clock, s.session.signOut()));
    expect(error).toMatchObject({ code: 'finesse.sign-out.refused', details: { status: 503 } });
    expect(s.session.view.phase).toBe('failed');
    expect(s.session.view.lastError?.code).toBe(error.code);
  });

  it('cancelling a sign-in says "cancelled" and leaves nothing signed in', async () => {
    const s = setup({ profile: { authMode: 'sso', userName: 'sjefferson' } });
    s.finesse.systemAuthMode = 'SSO';
    s.user.authMode = 'SSO';
    const signIn = s.session.signIn({ sso: { userName: 'sjefferson' }, extension: '1001001' });
    signIn.catch(() => undefined);
    await tick(s.clock, 1_000);
    s.session.cancel();
    const error = await rejection(drive(s.clock, signIn));
    expect(error).toMatchObject({ code: 'session.cancelled', action: 'none', message: 'Sign-in was cancelled.' });
    expect(s.session.view.phase).toBe('failed');
  });

  it('a state change waiting for its notification fails with "session ended" when the session is disposed', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    s.finesse.ignoreChanges = true;
    const change = s.session.setAgentState('READY');
    change.catch(() => undefined);
    await s.clock.advance(10);
    s.session.dispose();
    const error = await rejection(drive(s.clock, change));
    expect(error).toMatchObject({ code: 'session.ended', action: 'none', message: 'The session ended.' });
    await tick(s.clock, 100);
    expect(s.finesse.links).toEqual([]);
  });

  it('retry now without a channel does nothing; diagnostics of a fresh session are empty', () => {
    const s = setup();
    expect(s.session.retryNow()).toBe(false);
    expect(s.session.diagnostics).toMatchObject({ node: A, userId: undefined, reconnectTimes: [] });
  });

  it('an OUT_OF_SERVICE notice over XMPP moves REST and XMPP to the IN_SERVICE peer and tells the agent [issue 9 item 9]', async () => {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    s.finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    s.finesse.links[0]!.deliver(systemNotice('OUT_OF_SERVICE'));
    await tick(s.clock, 10_000);
    expect(s.session.view).toMatchObject({ phase: 'active', server: B });
    expect(s.finesse.links.map((l) => l.node)).toEqual([B]);
    expect(s.views.some((v) => v.lastError?.code.startsWith('finesse.node.'))).toBe(true);
  });

  // Session 5, MUT-FIN4: finesse-session.ts 342 `if (step.reconnected) this.health.reconnected(…)`.
  /** Signed in on A; A says OUT_OF_SERVICE over XMPP while B does not answer: degraded on A. */
  async function degradedOnA() {
    const s = setup();
    await drive(s.clock, s.session.signIn(nonSso));
    s.finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    s.finesse.nodes.get(B)!.up = false;
    s.finesse.links[0]!.deliver(systemNotice('OUT_OF_SERVICE'));
    await tick(s.clock, 100);
    expect(s.session.view).toMatchObject({ phase: 'active', server: A, agent: { stale: true }, lastError: { code: 'finesse.node.no-node-in-service' } });
    return s;
  }

  it('XMPP back on another node ends the out-of-service watch at once: the degraded notice goes with the reconnect [issue 9 item 9]', async () => {
    const s = await degradedOnA();
    // A goes away entirely, B is back in service: the channel's failover takes XMPP (and REST) to B.
    s.finesse.nodes.get(A)!.up = false;
    s.finesse.nodes.get(B)!.up = true;
    s.finesse.dropLinks(A);
    let step = 0;
    while (s.session.view.phase !== 'active' || s.session.view.server !== B) {
      await s.clock.advance(10);
      expect(++step).toBeLessThan(100); // the watch's own next look (2 s) must not be what ends it
    }
    // The same moment the channel is back on B: not stale, no "no node in service" left behind.
    expect(s.session.view.lastError).toBeUndefined();
    expect(s.session.view.agent?.stale).toBeUndefined();
  });

  it('while XMPP is still reconnecting after moving to a node that fails too, the degraded notice stays [issue 9 item 9]', async () => {
    const s = await degradedOnA();
    s.finesse.nodes.get(A)!.up = false;
    s.finesse.nodes.get(B)!.up = true;
    // B is chosen (SystemInfo IN_SERVICE) but is gone again before its XMPP opens.
    let tookB = false;
    s.session.onView((v) => {
      if (!tookB && v.phase === 'reconnecting' && v.connection?.nextHost === 'fin-b.example.com:8445') {
        tookB = true;
        s.finesse.nodes.get(B)!.up = false;
      }
    });
    s.finesse.dropLinks(A);
    await tick(s.clock, 1_500, 10);
    expect(tookB).toBe(true);
    expect(s.session.diagnostics.node).toBe(B);
    expect(s.session.view).toMatchObject({ phase: 'reconnecting', agent: { stale: true }, lastError: { code: 'finesse.node.no-node-in-service' } });
    // B back: the channel opens there and the notice goes.
    s.finesse.nodes.get(B)!.up = true;
    await tick(s.clock, 5_000);
    expect(s.session.view).toMatchObject({ phase: 'active', server: B });
    expect(s.session.view.lastError).toBeUndefined();
  });
});
