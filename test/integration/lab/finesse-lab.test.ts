// The Finesse lab's REST behaviour over real sockets on 127.0.0.1 (UCCE, HYBRID, NON_SSO agent jdoe).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDefaultFinesseLabs } from '../../../lab/finesse/default-labs.ts';
import { startFinesseLab } from '../../../lab/finesse/lab.ts';
import type { FinesseLab } from '../../../lab/finesse/lab.ts';
import { ScriptedBrowser, basic, call, header, parseXml, waitFor, xmlHeaders } from './finesse-helpers.ts';

const JDOE = basic('jdoe', 'jdoe-lab-pw');
let lab: FinesseLab;

const api = (path: string, l = lab) => `${l.primary.url}/finesse/api${path}`;
const getUser = async (l = lab) => parseXml((await call(api('/User/98412', l), 'GET', { headers: { authorization: JDOE } })).text)['User'];
const put = (body: string, extra: Record<string, string> = {}) => call(api('/User/98412'), 'PUT', { headers: xmlHeaders(JDOE, extra), body });
const apiError = (text: string) => parseXml(text)['ApiErrors']['ApiError'];

beforeAll(async () => {
  lab = await startFinesseLab({ ctiDelayMs: 1, lockoutMs: 300 });
});
afterAll(async () => {
  await lab.close();
});
beforeEach(() => {
  lab.setUserState('98412', 'LOGOUT');
});

describe('SystemInfo and UserAuthMode', () => {
  it('serves SystemInfo without credentials with the documented fields [FIN-05]', async () => {
    const res = await call(api('/SystemInfo'));
    expect(res.status).toBe(200);
    expect(header(res, 'content-type')).toMatch(/^application\/xml/);
    const info = parseXml(res.text)['SystemInfo'];
    expect(info).toMatchObject({
      deploymentType: 'UCCE',
      status: 'IN_SERVICE',
      systemAuthMode: 'HYBRID',
      xmppDomain: lab.xmppDomain,
      xmppPubSubDomain: lab.xmppPubSubDomain,
      uri: '/finesse/api/SystemInfo',
      primaryNode: { host: '127.0.0.1', httpsPort: String(lab.primary.port) },
      secondaryNode: { host: '127.0.0.1', httpsPort: String(lab.secondary.port) },
    });
    expect(Math.abs(Date.parse(info.currentTimestamp) - Date.now())).toBeLessThan(60_000);
  });

  it('moves currentTimestamp and the Date header with the clock-skew control', async () => {
    lab.setClockSkew(3600);
    try {
      const res = await call(api('/SystemInfo'));
      const skewed = Date.parse(parseXml(res.text)['SystemInfo'].currentTimestamp) - Date.now();
      expect(skewed).toBeGreaterThan(3500_000);
      expect(Date.parse(header(res, 'date') ?? '') - Date.now()).toBeGreaterThan(3500_000);
    } finally {
      lab.setClockSkew(0);
    }
  });

  it("answers each user's own mode in HYBRID, without credentials [FIN-06]", async () => {
    const sso = await call(api('/UserAuthMode/sjefferson'));
    expect(sso.status).toBe(200);
    expect(parseXml(sso.text)).toEqual({ UserAuthMode: { authMode: 'SSO' } });
    expect(parseXml((await call(api('/UserAuthMode/jdoe'))).text)['UserAuthMode']['authMode']).toBe('NON_SSO');
    expect(parseXml((await call(api('/UserAuthMode/98412'))).text)['UserAuthMode']['authMode']).toBe('NON_SSO');
    expect((await call(api('/UserAuthMode/nobody'))).status).toBe(404);
  });

  it('answers 403 UserAuthModeService is disabled when the service is off', async () => {
    const off = await startFinesseLab({ userAuthModeService: false });
    try {
      const res = await call(api('/UserAuthMode/jdoe', off));
      expect(res.status).toBe(403);
      expect(apiError(res.text)).toMatchObject({ ErrorType: 'Forbidden', ErrorMessage: 'UserAuthModeService is disabled' });
    } finally {
      await off.close();
    }
  });
});

describe('authentication', () => {
  it('answers 401 ApiErrors with a challenge when Authorization is missing (lab)', async () => {
    const res = await call(api('/User/98412'));
    expect(res.status).toBe(401);
    expect(header(res, 'www-authenticate')).toBe('Basic realm="Cisco Finesse"');
    expect(apiError(res.text)).toMatchObject({ ErrorType: 'Authorization Failure', ErrorMessage: 'UNAUTHORIZED' });
  });

  it('locks the account after five bad passwords in a row, then lets it in again', async () => {
    for (let i = 0; i < 5; i += 1) expect((await call(api('/User/98412'), 'GET', { headers: { authorization: basic('jdoe', 'wrong') } })).status).toBe(401);
    expect((await call(api('/User/98412'), 'GET', { headers: { authorization: JDOE } })).status).toBe(401);
    expect(lab.requests.at(-1)?.authResult).toBe('locked');
    await waitFor(async () => (await call(api('/User/98412'), 'GET', { headers: { authorization: JDOE } })).status === 200, 'unlock');
  });

  it('accepts the loginId as the Basic user name too', async () => {
    expect((await call(api('/User/98412'), 'GET', { headers: { authorization: basic('98412', 'jdoe-lab-pw') } })).status).toBe(200);
  });

  it("answers 401 Invalid Authorization User Specified for another user's object", async () => {
    const res = await call(api('/User/98413'), 'GET', { headers: { authorization: JDOE } });
    expect(res.status).toBe(401);
    expect(apiError(res.text).ErrorType).toBe('Invalid Authorization User Specified');
  });

  it('never records a password or an Authorization value in the request log', async () => {
    await call(api('/User/98412'), 'GET', { headers: { authorization: JDOE } });
    const log = JSON.stringify(lab.requests);
    expect(log).not.toContain('jdoe-lab-pw');
    expect(log).not.toContain(JDOE.slice(6));
    expect(lab.requests.at(-1)).toMatchObject({ node: 'primary', method: 'GET', path: '/finesse/api/User/98412', auth: 'basic', authResult: 'ok', status: 200 });
  });
});

describe('User', () => {
  it('describes a signed-out agent with reasonCodeId -1 and no extension', async () => {
    const res = await call(api('/User/98412'), 'GET', { headers: { authorization: JDOE } });
    expect(res.status).toBe(200);
    const user = parseXml(res.text)['User'];
    expect(user).toMatchObject({ uri: '/finesse/api/User/98412', loginId: '98412', loginName: 'jdoe', state: 'LOGOUT', reasonCodeId: '-1', extension: '', teamId: '5005', dialogs: '/finesse/api/User/98412/Dialogs' });
    expect(user.roles.role).toBe('Agent');
  });

  it('finds the UCCE user by loginName for GET only; later calls must use the loginId [FIN-10]', async () => {
    const res = await call(api('/User/jdoe'), 'GET', { headers: { authorization: JDOE } });
    expect(res.status).toBe(200);
    expect(parseXml(res.text)['User']['loginId']).toBe('98412');
    const byName = await call(api('/User/jdoe'), 'PUT', { headers: xmlHeaders(JDOE), body: '<User><state>READY</state></User>' });
    expect(byName.status).toBe(404);
  });

  it('accepts LOGIN with 202 and an empty body; the state follows from the CTI outcome', async () => {
    const res = await put('<User><state>LOGIN</state><extension>1001002</extension></User>');
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    const user = await waitFor(async () => {
      const u = await getUser();
      return u.state === 'NOT_READY' ? u : undefined;
    }, 'NOT_READY after LOGIN');
    expect(user).toMatchObject({ extension: '1001002', reasonCodeId: '-1' });
  });

  it('refuses LOGIN without an extension', async () => {
    const res = await put('<User><state>LOGIN</state></User>');
    expect(res.status).toBe(400);
    expect(apiError(res.text)).toMatchObject({ ErrorType: 'Parameter Missing', ErrorData: 'extension' });
  });

  it('requires a reason code for NOT_READY when codes exist, by database id [DG: require_reasoncode]', async () => {
    lab.setUserState('98412', 'READY');
    const none = await put('<User><state>NOT_READY</state></User>');
    expect(none.status).toBe(400);
    expect(apiError(none.text)).toEqual({ ErrorType: 'Parameter Missing', ErrorData: 'finesse.api.reasoncode.require_reasoncode', ErrorMessage: 'The state change requires a valid reason code.' });
    const byCode = await put('<User><state>NOT_READY</state><reasonCodeId>13</reasonCodeId></User>');
    expect(byCode.status).toBe(400);
    expect(apiError(byCode.text).ErrorData).toBe('finesse.api.reasoncode.not_valid');
    const logoutCode = await put('<User><state>NOT_READY</state><reasonCodeId>11</reasonCodeId></User>');
    expect(logoutCode.status).toBe(400);
    const ok = await put('<User><state>NOT_READY</state><reasonCodeId>2</reasonCodeId></User>');
    expect(ok.status).toBe(202);
    const user = await waitFor(async () => {
      const u = await getUser();
      return u.state === 'NOT_READY' ? u : undefined;
    }, 'NOT_READY');
    expect(user.reasonCodeId).toBe('2');
    expect(user.ReasonCode).toMatchObject({ category: 'NOT_READY', code: '13', label: 'Break', uri: '/finesse/api/ReasonCode/2' });
  });

  it('refuses a reason code with READY, and an unknown state', async () => {
    lab.setUserState('98412', 'NOT_READY');
    const withReason = await put('<User><state>READY</state><reasonCodeId>1</reasonCodeId></User>');
    expect(withReason.status).toBe(400);
    expect(apiError(withReason.text).ErrorData).toBe('finesse.api.reasoncode.not_allowed');
    const bogus = await put('<User><state>TALKING</state></User>');
    expect(bogus.status).toBe(400);
    expect(apiError(bogus.text)).toMatchObject({ ErrorType: 'Invalid Input', ErrorData: 'state' });
    const missing = await put('<User><extension>1</extension></User>');
    expect(apiError(missing.text)).toMatchObject({ ErrorType: 'Parameter Missing', ErrorData: 'state' });
    expect((await put('<User><state>READY</state></User>')).status).toBe(202);
    await waitFor(async () => (await getUser()).state === 'READY', 'READY');
  });

  it('requires a LOGOUT reason when logout codes exist and signs out with it', async () => {
    lab.setUserState('98412', 'NOT_READY');
    expect(apiError((await put('<User><state>LOGOUT</state></User>')).text).ErrorData).toBe('finesse.api.reasoncode.require_reasoncode');
    expect((await put('<User><state>LOGOUT</state><reasonCodeId>11</reasonCodeId></User>')).status).toBe(202);
    const user = await waitFor(async () => {
      const u = await getUser();
      return u.state === 'LOGOUT' ? u : undefined;
    }, 'LOGOUT');
    expect(user).toMatchObject({ reasonCodeId: '11', extension: '' });
  });

  it('wants Content-Type application/xml on PUT', async () => {
    const res = await call(api('/User/98412'), 'PUT', { headers: { authorization: JDOE, 'content-type': 'text/plain' }, body: '<User><state>READY</state></User>' });
    expect(res.status).toBe(415);
    expect(apiError(res.text).ErrorType).toBe('Unsupported Media Type');
  });

  it('lists the reason codes that apply to the agent by category', async () => {
    const res = await call(api('/User/98412/ReasonCodes?category=NOT_READY'), 'GET', { headers: { authorization: JDOE } });
    expect(res.status).toBe(200);
    const list = parseXml(res.text)['ReasonCodes'];
    expect(list['@_category']).toBe('NOT_READY');
    expect(list.ReasonCode.map((r: { label: string }) => r.label)).toEqual(['Lunch', 'Break', 'Meeting', 'Training']);
    expect(list.ReasonCode[0]).toEqual({ uri: '/finesse/api/ReasonCode/1', category: 'NOT_READY', code: '12', label: 'Lunch', forAll: 'true' });
    const logout = parseXml((await call(api('/User/98412/ReasonCodes?category=LOGOUT'), 'GET', { headers: { authorization: JDOE } })).text)['ReasonCodes'];
    expect(logout.ReasonCode.map((r: { label: string }) => r.label)).toEqual(['End of shift', 'Personal']);
    expect((await call(api('/User/98412/ReasonCodes'), 'GET', { headers: { authorization: JDOE } })).status).toBe(400);
  });

  it('hides a team-only code from an agent of another team', async () => {
    const tokens = lab.issueTokens('kfinch');
    const res = await call(api('/User/98413/ReasonCodes?category=NOT_READY'), 'GET', { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(parseXml(res.text)['ReasonCodes'].ReasonCode.map((r: { label: string }) => r.label)).toEqual(['Lunch', 'Break', 'Meeting']);
  });
});

describe('hostile bodies', () => {
  it('refuses XXE: a DOCTYPE with an external entity gets 400 and nothing is read', async () => {
    const res = await put('<?xml version="1.0"?><!DOCTYPE User [<!ENTITY x SYSTEM "file:///etc/passwd">]><User><state>&x;</state></User>');
    expect(res.status).toBe(400);
    expect(apiError(res.text).ErrorMessage).toBe('DOCTYPE and entity declarations are not allowed');
    expect(res.text).not.toContain('root:');
  });

  it('refuses billion laughs with 400', async () => {
    const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><User><state>&lol9;</state></User>`;
    const res = await put(lol);
    expect(res.status).toBe(400);
  });

  it('refuses undeclared entity references, malformed XML, an empty body and a wrong root', async () => {
    expect((await put('<User><state>&foo;</state></User>')).status).toBe(400);
    expect((await put('<User><state>READY</User>')).status).toBe(400);
    expect((await put('')).status).toBe(400);
    const wrongRoot = await put('<Dialog><state>READY</state></Dialog>');
    expect(wrongRoot.status).toBe(400);
    expect(apiError(wrongRoot.text).ErrorMessage).toBe('Expected a <User> element');
  });

  it('answers 413 for an oversized body', async () => {
    const res = await put(`<User><state>READY</state><x>${'a'.repeat(70_000)}</x></User>`);
    expect(res.status).toBe(413);
  });
});

describe('nodes and faults', () => {
  it('answers 503 SERVER_OUT_OF_SERVICE while a node is out of service; SystemInfo still answers', async () => {
    lab.setServiceStatus('primary', 'OUT_OF_SERVICE');
    try {
      const info = parseXml((await call(api('/SystemInfo'))).text)['SystemInfo'];
      expect(info.status).toBe('OUT_OF_SERVICE');
      const res = await call(api('/User/98412'), 'GET', { headers: { authorization: JDOE } });
      expect(res.status).toBe(503);
      expect(apiError(res.text)).toMatchObject({ ErrorType: 'Service Unavailable', ErrorMessage: 'SERVER_OUT_OF_SERVICE' });
      expect((await call(`${lab.secondary.url}/finesse/api/User/98412`, 'GET', { headers: { authorization: JDOE } })).status).toBe(200);
    } finally {
      lab.setServiceStatus('primary', 'IN_SERVICE');
    }
    expect((await call(api('/User/98412'), 'GET', { headers: { authorization: JDOE } })).status).toBe(200);
  });

  it('takes a node down (connections refused) and up again on the same port; both share the agent state', async () => {
    lab.setUserState('98412', 'READY');
    const port = lab.primary.port;
    await lab.setNodeUp('primary', false);
    try {
      expect(lab.primary.up).toBe(false);
      await expect(call(api('/SystemInfo'))).rejects.toThrow();
      const user = parseXml((await call(`${lab.secondary.url}/finesse/api/User/98412`, 'GET', { headers: { authorization: JDOE } })).text)['User'];
      expect(user.state).toBe('READY');
    } finally {
      await lab.setNodeUp('primary', true);
    }
    expect(lab.primary.port).toBe(port);
    expect((await call(api('/SystemInfo'))).status).toBe(200);
  });

  it('offers the supervisor-style state change and the faults as HTTP lab controls', async () => {
    const res = await call(`${lab.secondary.url}/lab/finesse/users/98412/state`, 'POST', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state: 'NOT_READY', reasonCodeId: '1' }) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ loginId: '98412', state: 'NOT_READY', reasonCodeId: '1', extension: '1001002' });
    expect((await getUser()).state).toBe('NOT_READY');
    const bad = await call(`${lab.secondary.url}/lab/finesse/users/98412/state`, 'POST', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state: 'SLEEPING' }) });
    expect(bad.status).toBe(400);
    const oos = await call(`${lab.secondary.url}/lab/finesse/nodes/primary/status`, 'POST', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'OUT_OF_SERVICE' }) });
    expect(oos.status).toBe(200);
    expect(lab.primary.serviceStatus().status).toBe('OUT_OF_SERVICE');
    await call(`${lab.secondary.url}/lab/finesse/nodes/primary/status`, 'POST', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'IN_SERVICE' }) });
    const down = await call(`${lab.primary.url}/lab/finesse/nodes/primary/down`, 'POST');
    expect(down.status).toBe(200);
    await waitFor(() => !lab.primary.up, 'primary down');
    await call(`${lab.secondary.url}/lab/finesse/nodes/primary/up`, 'POST');
    await waitFor(() => lab.primary.up, 'primary up');
  });

  it('lists dialogs and answers one (ANSWER → TALKING) with 202', async () => {
    lab.setUserState('98412', 'READY');
    const dialogId = lab.startDialog('98412', '5550100');
    expect((await getUser()).state).toBe('RESERVED');
    const list = parseXml((await call(api('/User/98412/Dialogs'), 'GET', { headers: { authorization: JDOE } })).text)['Dialogs'];
    expect(list.Dialog).toMatchObject({ id: dialogId, fromAddress: '5550100', state: 'ALERTING', uri: `/finesse/api/Dialog/${dialogId}` });
    const answer = await call(api(`/Dialog/${dialogId}`), 'PUT', { headers: xmlHeaders(JDOE), body: '<Dialog><targetMediaAddress>1001002</targetMediaAddress><requestedAction>ANSWER</requestedAction></Dialog>' });
    expect(answer.status).toBe(202);
    await waitFor(async () => (await getUser()).state === 'TALKING', 'TALKING');
    lab.endDialog(dialogId);
    expect((await getUser()).state).toBe('READY');
  });
});

describe('the default Finesse labs of startLab', () => {
  it('writes profiles whose users sign in: Basic with the fixture password, SSO through the lab IdP', async () => {
    const labs = await startDefaultFinesseLabs();
    try {
      expect(labs.profiles.map((p) => [p.id, p.platform, p.authMode, p.userName])).toEqual([
        ['lab-finesse-ucce-sso', 'finesse', 'sso', 'sjefferson'],
        ['lab-finesse-ucce-password', 'finesse', 'password', 'jdoe'],
        ['lab-finesse-uccx-sso', 'finesse', 'sso', 'agent3'],
      ]);
      const password = labs.profiles[1];
      expect(password?.servers).toEqual([labs.ucce.primary.url, labs.ucce.secondary.url]);
      expect(labs.profiles[0]).not.toHaveProperty('fixturePassword');
      const basicRes = await call(`${password?.servers[0]}/finesse/api/User/${password?.userName}`, 'GET', { headers: { authorization: basic(password?.userName ?? '', password?.fixturePassword ?? '') } });
      expect(basicRes.status).toBe(200);
      for (const [profile, lab] of [
        [labs.profiles[0], labs.ucce],
        [labs.profiles[2], labs.uccx],
      ] as const) {
        const browser = new ScriptedBrowser();
        const res = await browser.run(`${profile?.servers[0]}/desktop/sso/token?cc_username=${profile?.userName}&return_refresh_token=true`, { username: profile?.userName ?? '', password: `${profile?.userName}-idp-pw` });
        expect(res.status).toBe(200);
        const json = JSON.parse(res.text) as { token: string; user_principal: string };
        expect(json.user_principal).toBe(`${profile?.userName}@finesse.lab.invalid`);
        const me = await call(`${lab.primary.url}/finesse/api/User/${profile?.userName}`, 'GET', { headers: { authorization: `Bearer ${json.token}` } });
        expect(me.status).toBe(200);
      }
    } finally {
      await labs.close();
    }
  });
});
