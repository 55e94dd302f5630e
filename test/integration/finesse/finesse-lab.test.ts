// The Finesse adapter against the lab's Finesse pair + IdS over real sockets (lab/README.md):
// NON_SSO and SSO sign-in, Bearer on REST, the 202-then-notification rule, async CTI errors,
// silent refresh on short token lifetimes, XMPP reconnect after a drop and A/B failover.
// The SSO browser journey itself is an e2e test; here the LoginWindow is a stand-in that returns
// the lab IdS's token JSON (the lab's own backdoor), so everything after the IdP page is real.
import { afterEach, describe, expect, it } from 'vitest';
import { startFinesseLab, type FinesseLab, type FinesseLabOptions } from '../../../lab/index.ts';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../main/core/auth/login-window.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { FinesseSession } from '../../../main/core/platforms/finesse/finesse-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { displayState } from '../../../preload/display-state.ts';
import { waitFor } from '../../helpers/wait.ts';

const labs: FinesseLab[] = [];
const sessions: FinesseSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const lab of labs.splice(0)) await lab.close();
});

async function lab(options: FinesseLabOptions = {}): Promise<FinesseLab> {
  const l = await startFinesseLab({ forcedLogoutMs: 5_000, ctiDelayMs: 20, ...options });
  labs.push(l);
  return l;
}

/** Stands in for the agent on the IdP page: returns what the IdS's token URL would answer. */
class LabTokenWindow implements LoginWindow {
  readonly runs: LoginWindowRequest[] = [];
  private readonly finesse: FinesseLab;
  private readonly userId: string;
  constructor(finesse: FinesseLab, userId: string) {
    this.finesse = finesse;
    this.userId = userId;
  }
  async run(request: LoginWindowRequest): Promise<LoginWindowResult> {
    this.runs.push(request);
    const t = this.finesse.issueTokens(this.userId);
    const body = JSON.stringify({ token: t.accessToken, refresh_token: t.refreshToken, expires_in: t.expiresIn, user_id: t.userId, realm: t.realm, user_principal: t.userPrincipal });
    return { completion: request.until[0]!, url: request.url, status: 200, headers: { 'content-type': 'application/json' }, body };
  }
}

function session(finesse: FinesseLab, userName: string, authMode: 'password' | 'sso', loginWindow?: LoginWindow, servers: string[] = finesse.servers) {
  const profile = ProfileSchema.parse({ id: 'lab-fin', name: 'Lab Finesse', platform: 'finesse', servers, authMode, userName });
  const s = new FinesseSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }), ...(loginWindow ? { loginWindow } : {}) }, { finesse: { pingIntervalMs: 2_000, stateConfirmTimeoutMs: 5_000 } });
  sessions.push(s);
  return s;
}

const user = (finesse: FinesseLab, loginName: string) => finesse.users.find((u) => u.loginName === loginName)!;

describe('Finesse adapter against the lab', () => {
  it('signs a NON_SSO agent in with Basic auth, loginId lookup and LOGIN with the extension [FIN-05, FIN-10]', async () => {
    const finesse = await lab({ deploymentType: 'UCCE', systemAuthMode: 'HYBRID' });
    const jdoe = user(finesse, 'jdoe');
    const s = session(finesse, 'jdoe', 'password');
    expect(await s.signInOptions({ userName: 'jdoe' })).toMatchObject({ credentialsForm: true });
    await s.signIn({ credentials: { userName: 'jdoe', password: jdoe.password }, extension: jdoe.extensions[0]! });
    expect(s.view).toMatchObject({ phase: 'active', agent: { kind: 'not-ready' }, connection: { transport: 'xmpp' } });
    expect(finesse.userState(jdoe.loginId)).toMatchObject({ state: 'NOT_READY' });
    const paths = finesse.requests.map((r) => (r as unknown as { path: string }).path);
    expect(paths[0]).toMatch(/SystemInfo/);
    expect(paths.filter((p) => /\/finesse\/api\/User\//.test(p)).slice(1).every((p) => p.includes(`/User/${jdoe.loginId}`))).toBe(true);
  });

  it('changes state only when the notification confirms it, with reasons (Basic auth)', async () => {
    const finesse = await lab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
    const agent4 = user(finesse, 'agent4');
    const s = session(finesse, 'agent4', 'password');
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    await s.setAgentState('READY');
    expect(s.view.agent?.kind).toBe('ready');
    expect(finesse.userState(agent4.loginId).state).toBe('READY');
    const notReady = s.view.selectableStates.find((x) => x.id === 'NOT_READY')!;
    if (notReady.reasonRequired) await expect(s.setAgentState('NOT_READY')).rejects.toMatchObject({ code: 'finesse.state.reason-required' });
    const reason = notReady.reasons[0];
    await s.setAgentState('NOT_READY', reason?.id);
    expect(s.view.agent).toMatchObject({ kind: 'not-ready', ...(reason ? { reason: reason.label } : {}) });
    // A supervisor's change arrives over XMPP.
    finesse.setUserState(agent4.loginId, 'READY');
    await waitFor(() => s.view.agent?.kind === 'ready', 'the pushed state');
  });

  it('fails the sign-in with the asynchronous CTI error for an extension the agent may not use, named as the extension (issue 13 item 4)', async () => {
    const finesse = await lab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
    const agent4 = user(finesse, 'agent4');
    const s = session(finesse, 'agent4', 'password');
    await expect(s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: '99999' })).rejects.toMatchObject({ code: 'finesse.sign-in.invalid-device', message: expect.stringContaining('CF_INVALID_LOGON_DEVICE_SPECIFIED') });
    expect(s.view.phase).toBe('failed');
  });

  it('signs an SSO agent in, Bearer on REST, token as XMPP password, and refreshes silently before expiry [FIN-08, FIN-11, FIN-12, FIN-13]', async () => {
    const finesse = await lab({ deploymentType: 'UCCE', systemAuthMode: 'SSO', accessTokenLifetimeSeconds: 6, refreshTokenLifetimeSeconds: 3600 });
    const sam = user(finesse, 'sjefferson');
    const window = new LabTokenWindow(finesse, sam.loginId);
    const s = session(finesse, 'sjefferson', 'sso', window);
    expect(await s.signInOptions()).toMatchObject({ credentialsForm: false });
    await s.signIn({ sso: { userName: 'sjefferson' }, extension: sam.extensions[0]! });
    expect(s.view.phase).toBe('active');
    expect(new URL(window.runs[0]!.url).searchParams.get('cc_username')).toBe('sjefferson');
    // 6 s tokens, refreshed at 75 %: after 10 s the agent can still change state.
    await new Promise((r) => setTimeout(r, 10_000));
    await s.setAgentState('READY');
    expect(finesse.userState(sam.loginId).state).toBe('READY');
    expect(s.diagnostics.tokenStats?.refreshes).toBeGreaterThanOrEqual(2);
    expect(window.runs).toHaveLength(1);
  }, 20_000);

  it('renews a refused access token once and retries the request: the agent notices nothing [issue 13 item 2]', async () => {
    const finesse = await lab({ deploymentType: 'UCCE', systemAuthMode: 'SSO', accessTokenLifetimeSeconds: 3600, refreshTokenLifetimeSeconds: 7200 });
    const sam = user(finesse, 'sjefferson');
    const s = session(finesse, 'sjefferson', 'sso', new LabTokenWindow(finesse, sam.loginId));
    await s.signIn({ sso: { userName: 'sjefferson' }, extension: sam.extensions[0]! });
    const refreshes = s.diagnostics.tokenStats?.refreshes ?? 0;
    // The server forgets the access token the client still holds (an IdS restart, an admin action).
    expect(finesse.expireTokens({ which: 'access' })).toBeGreaterThan(0);
    await s.setAgentState('READY');
    expect(finesse.userState(sam.loginId).state).toBe('READY');
    expect(s.diagnostics.tokenStats?.refreshes).toBe(refreshes + 1);
    expect(s.view.phase).toBe('active');
    expect(s.view.lastError).toBeUndefined();
  }, 20_000);

  it('a revoked sign-in: the one renewal fails and the card says "sign in again" at once, not green [issue 13 item 2]', async () => {
    const finesse = await lab({ deploymentType: 'UCCE', systemAuthMode: 'SSO', accessTokenLifetimeSeconds: 3600, refreshTokenLifetimeSeconds: 7200 });
    const sam = user(finesse, 'sjefferson');
    const window = new LabTokenWindow(finesse, sam.loginId);
    const s = session(finesse, 'sjefferson', 'sso', window);
    await s.signIn({ sso: { userName: 'sjefferson' }, extension: sam.extensions[0]! });
    // Nobody completes a sign-in window from here on (the agent is away from the desk).
    window.run = async () => Promise.reject(new PatchbayError('login.cancelled', 'The sign-in window was closed.', { action: 'sign-in-again' }));
    // The grant is revoked (no refresh) and the access token no longer accepted.
    expect(finesse.revokeTokens()).toBeGreaterThan(0);
    expect(finesse.expireTokens({ which: 'access' })).toBeGreaterThan(0);
    const error = await s.setAgentState('READY').then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );
    expect(error?.code).toBe('finesse.unauthorized');
    expect(s.view.lastError).toMatchObject({ code: 'finesse.unauthorized', action: 'sign-in-again' });
    expect(displayState(s.view, Date.now()).kind).toBe('needs-sign-in');
  }, 20_000);

  it('restores the notification channel after a drop, well inside the 60 s forced-logout window', async () => {
    const finesse = await lab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
    const agent4 = user(finesse, 'agent4');
    const s = session(finesse, 'agent4', 'password');
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    await s.setAgentState('READY');
    const t0 = performance.now();
    expect(finesse.dropXmpp()).toBeGreaterThan(0);
    await waitFor(() => s.diagnostics.reconnectTimes.length === 1 && s.view.phase === 'active', 'the reconnect');
    console.log(`[figure] Finesse lab XMPP reconnect after a drop: ${(performance.now() - t0).toFixed(0)} ms wall`);
    expect(finesse.forcedLogoutPending(agent4.loginId)).toBe(false);
    expect(finesse.userState(agent4.loginId).state).toBe('READY');
  });

  it('fails over to the secondary (REST and XMPP together) when the primary goes down, state kept', async () => {
    const finesse = await lab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
    const agent4 = user(finesse, 'agent4');
    const s = session(finesse, 'agent4', 'password');
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    await s.setAgentState('READY');
    await finesse.setNodeUp('primary', false);
    await waitFor(() => s.view.phase === 'active' && s.view.server === finesse.secondary.url.replace(/\/$/, ''), 'the failover', 15_000);
    expect(s.view.agent?.kind).toBe('ready');
    await s.setAgentState('NOT_READY', s.view.selectableStates.find((x) => x.id === 'NOT_READY')!.reasons[0]?.id);
    expect(finesse.userState(agent4.loginId).state).toBe('NOT_READY');
  }, 20_000);

  it('shows a call the agent is offered and removes it when it ends [§5 dialog updates]', async () => {
    const finesse = await lab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
    const agent4 = user(finesse, 'agent4');
    const s = session(finesse, 'agent4', 'password');
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    await s.setAgentState('READY');
    expect(s.view.calls).toEqual([]);
    const dialogId = finesse.startDialog(agent4.loginId, '5550101');
    await waitFor(() => s.view.calls?.length === 1, 'the call in the view');
    expect(s.view.calls![0]).toMatchObject({ id: dialogId, direction: 'inbound', from: '5550101', to: agent4.extensions[0]!, state: 'ALERTING' });
    expect(Date.parse(s.view.calls![0]!.since!)).not.toBeNaN();
    finesse.endDialog(dialogId);
    await waitFor(() => s.view.calls?.length === 0, 'the call gone from the view');
  });

  it('reads the calls already in progress at sign-in from the user\'s Dialogs [§4]', async () => {
    const finesse = await lab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
    const agent4 = user(finesse, 'agent4');
    finesse.setUserState(agent4.loginId, 'READY');
    const dialogId = finesse.startDialog(agent4.loginId, '5550202');
    const s = session(finesse, 'agent4', 'password');
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    expect(s.view.calls).toEqual([expect.objectContaining({ id: dialogId, from: '5550202', state: 'ALERTING' })]);
  });

  it('does not follow the SystemInfo secondary of an http profile: the password stays with the configured node [§5 failover, issue 8 item 2]', async () => {
    const finesse = await lab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
    const agent4 = user(finesse, 'agent4');
    const s = session(finesse, 'agent4', 'password', undefined, [finesse.primary.url]);
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    await s.setAgentState('READY');
    expect(s.view.server).toBe(new URL(finesse.primary.url).origin);
    await finesse.setNodeUp('primary', false);
    await waitFor(() => s.view.phase === 'reconnecting', 'the reconnect', 15_000);
    await new Promise((r) => setTimeout(r, 3_000));
    // Learned nodes need https (the positive case is test/unit/core/platforms/finesse/learned-nodes.test.ts).
    expect(finesse.requests.filter((r) => r.node === 'secondary' && r.auth !== 'none')).toEqual([]);
    expect(s.view.server).toBe(new URL(finesse.primary.url).origin);
    expect(s.view.serverNote).toBeUndefined();
  }, 20_000);
});
