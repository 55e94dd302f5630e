// Calls an agent can act on (issue 13 item 9): the Finesse adapter against the lab over real sockets.
// Ring → answer → hold → retrieve → release, each confirmed by the dialog notification over XMPP
// (protocols/finesse.md §4 Dialog PUT → 202, §5 dialog updates); refusals are typed and change nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { startFinesseLab, type FinesseLab } from '../../../lab/index.ts';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../main/core/auth/login-window.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { FinesseSession } from '../../../main/core/platforms/finesse/finesse-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { basic, call, parseXml, xmlHeaders } from '../lab/finesse-helpers.ts';
import { waitFor } from '../../helpers/wait.ts';

const labs: FinesseLab[] = [];
const sessions: FinesseSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const l of labs.splice(0)) await l.close();
});

async function lab(options: Parameters<typeof startFinesseLab>[0] = {}): Promise<FinesseLab> {
  const l = await startFinesseLab({ forcedLogoutMs: 5_000, ctiDelayMs: 20, ...options });
  labs.push(l);
  return l;
}

/** The IdP page stand-in: returns the lab IdS's token JSON (everything after the IdP page is real). */
function tokenWindow(finesse: FinesseLab, userId: string): LoginWindow {
  return {
    async run(request: LoginWindowRequest): Promise<LoginWindowResult> {
      const t = finesse.issueTokens(userId);
      const body = JSON.stringify({ token: t.accessToken, refresh_token: t.refreshToken, expires_in: t.expiresIn, user_id: t.userId, realm: t.realm, user_principal: t.userPrincipal });
      return { completion: request.until[0]!, url: request.url, status: 200, headers: { 'content-type': 'application/json' }, body };
    },
  } as LoginWindow;
}

function session(finesse: FinesseLab, userName: string, authMode: 'password' | 'sso', loginWindow?: LoginWindow) {
  const profile = ProfileSchema.parse({ id: 'lab-fin', name: 'Lab Finesse', platform: 'finesse', servers: finesse.servers, authMode, userName });
  const s = new FinesseSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }), ...(loginWindow ? { loginWindow } : {}) }, { finesse: { pingIntervalMs: 2_000, stateConfirmTimeoutMs: 5_000 } });
  sessions.push(s);
  return s;
}

const user = (finesse: FinesseLab, loginName: string) => finesse.users.find((u) => u.loginName === loginName)!;
const dialogPuts = (finesse: FinesseLab) => finesse.requests.filter((r) => r.method === 'PUT' && r.path.includes('/finesse/api/Dialog/'));

describe('Finesse calls against the lab', () => {
  it('rings, answers, holds, retrieves and releases a call, each confirmed by the notification, Bearer on the Dialog PUT [FIN-11]', async () => {
    const finesse = await lab({ deploymentType: 'UCCE', systemAuthMode: 'SSO', accessTokenLifetimeSeconds: 3600, refreshTokenLifetimeSeconds: 7200 });
    const sam = user(finesse, 'sjefferson');
    const s = session(finesse, 'sjefferson', 'sso', tokenWindow(finesse, sam.loginId));
    await s.signIn({ sso: { userName: 'sjefferson' }, extension: sam.extensions[0]! });
    await s.setAgentState('READY');
    const id = finesse.startDialog(sam.loginId, '5550303');
    await waitFor(() => s.view.calls?.length === 1, 'the ringing call');
    // Only what Finesse lists for the agent's participant is offered.
    expect(s.view.calls![0]).toMatchObject({ id, from: '5550303', state: 'ALERTING', actions: ['answer'] });

    await s.actOnCall(id, 'answer');
    // Resolved only once the notification carried it: the view already shows it.
    expect(s.view.calls![0]).toMatchObject({ state: 'ACTIVE', actions: ['hold', 'release'] });
    expect(finesse.userState(sam.loginId).state).toBe('TALKING');
    await s.actOnCall(id, 'hold');
    expect(s.view.calls![0]).toMatchObject({ state: 'HELD', actions: ['retrieve', 'release'] });
    expect(finesse.userState(sam.loginId).state).toBe('HOLD');
    await s.actOnCall(id, 'retrieve');
    expect(s.view.calls![0]).toMatchObject({ state: 'ACTIVE' });
    await s.actOnCall(id, 'release');
    expect(s.view.calls).toEqual([]);
    expect(finesse.userState(sam.loginId).dialogs).toEqual([]);

    const puts = dialogPuts(finesse);
    expect(puts).toHaveLength(4);
    expect(puts.every((r) => r.auth === 'bearer' && r.status === 202 && r.path === `/finesse/api/Dialog/${id}`)).toBe(true);
  }, 20_000);

  it('refuses an action Finesse does not offer with a typed error; nothing is sent, nothing changes', async () => {
    const finesse = await lab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
    const agent4 = user(finesse, 'agent4');
    const s = session(finesse, 'agent4', 'password');
    await s.signIn({ credentials: { userName: 'agent4', password: agent4.password }, extension: agent4.extensions[0]! });
    await s.setAgentState('READY');
    const id = finesse.startDialog(agent4.loginId, '5550404');
    await waitFor(() => s.view.calls?.length === 1, 'the ringing call');
    await expect(s.actOnCall(id, 'hold')).rejects.toMatchObject({ code: 'call.action-not-allowed' });
    await expect(s.actOnCall('no-such-call', 'answer')).rejects.toMatchObject({ code: 'call.unknown' });
    expect(dialogPuts(finesse)).toHaveLength(0);
    expect(s.view.calls![0]).toMatchObject({ id, state: 'ALERTING' });
    expect(s.view.phase).toBe('active');
  });

  it('lab: 400 for a bad action or another device, 401 for another agent\'s dialog, an async CTI error for an action the state does not allow', async () => {
    const finesse = await lab({ deploymentType: 'UCCE', systemAuthMode: 'NON_SSO' });
    const jdoe = user(finesse, 'jdoe');
    const other = finesse.users.find((u) => u.loginName !== 'jdoe' && u.password)!;
    finesse.setUserState(jdoe.loginId, 'READY');
    const id = finesse.startDialog(jdoe.loginId, '5550505');
    const ext = finesse.userState(jdoe.loginId).extension;
    const url = `${finesse.servers[0]}/finesse/api/Dialog/${id}`;
    const body = (action: string, target = ext) => `<Dialog><targetMediaAddress>${target}</targetMediaAddress><requestedAction>${action}</requestedAction></Dialog>`;
    const put = (auth: string, xml: string) => call(url, 'PUT', { headers: xmlHeaders(auth), body: xml });
    const me = basic(jdoe.loginName, jdoe.password);

    const badAction = await put(me, body('TRANSFER'));
    expect(badAction.status).toBe(400);
    expect(parseXml(badAction.text)['ApiErrors']['ApiError']['ErrorData']).toBe('requestedAction');
    const otherDevice = await put(me, body('ANSWER', '9999'));
    expect(otherDevice.status).toBe(400);
    expect(parseXml(otherDevice.text)['ApiErrors']['ApiError']['ErrorData']).toBe('targetMediaAddress');
    expect((await put(basic(other.loginName, other.password), body('ANSWER'))).status).toBe(401);
    // Nothing of that touched the call.
    expect(finesse.userState(jdoe.loginId)).toMatchObject({ state: 'RESERVED', dialogs: [id] });
    // HOLD while ALERTING: 202, then the CTI refuses (the call stays ringing).
    expect((await put(me, body('HOLD'))).status).toBe(202);
    await new Promise((r) => setTimeout(r, 100));
    expect(finesse.userState(jdoe.loginId)).toMatchObject({ state: 'RESERVED', dialogs: [id] });
    expect((await put(me, body('ANSWER'))).status).toBe(202);
    await waitFor(() => finesse.userState(jdoe.loginId).state === 'TALKING', 'the call answered');
  });
});
