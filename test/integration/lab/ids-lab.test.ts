// The Cisco IdS lab and Finesse's /desktop/sso/token over real sockets, with the tests' own SAML IdP.
import { verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinesseLab } from '../../../lab/finesse/lab.ts';
import type { FinesseLab } from '../../../lab/finesse/lab.ts';
import { ScriptedBrowser, call, header, parseForm, parseXml, startTestIdp } from './finesse-helpers.ts';
import type { TestIdp } from './finesse-helpers.ts';

const SAM = { username: 'sjefferson', password: 'sjefferson-idp-pw' };
const KIT = { username: 'kfinch', password: 'kfinch-idp-pw' };

let idp: TestIdp;
let lab: FinesseLab;

function tokenUrl(l: FinesseLab, query: string): string {
  return `${l.primary.url}/desktop/sso/token?${query}`;
}

async function signIn(l: FinesseLab, query = 'cc_username=sjefferson&return_refresh_token=true', credentials = SAM, browser = new ScriptedBrowser()) {
  const res = await browser.run(tokenUrl(l, query), credentials);
  return { res, browser, json: header(res, 'content-type')?.startsWith('application/json') ? (JSON.parse(res.text) as Record<string, unknown>) : undefined };
}

function decode(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  idp = await startTestIdp({
    accounts: [
      { uid: 'sjefferson', userPrincipal: 'sjefferson@finesse.lab.invalid', password: SAM.password },
      { uid: 'kfinch', userPrincipal: 'kfinch@finesse.lab.invalid', password: KIT.password },
      { uid: 'stranger', userPrincipal: 'stranger@finesse.lab.invalid', password: 'x' },
    ],
  });
  lab = await startFinesseLab({ ctiDelayMs: 1 });
  lab.setIdp({ entryPoint: idp.entryPoint, cert: idp.cert });
});

afterAll(async () => {
  await lab.close();
  await idp.close();
});

describe('SSO token fetch', () => {
  it('leads through IdS and the IdP to the token JSON, refresh token included when asked [FIN-07, FIN-08]', async () => {
    const { res, json, browser } = await signIn(lab);
    expect(res.status).toBe(200);
    expect(json).toBeDefined();
    expect(Object.keys(json ?? {})).toEqual(['token', 'refresh_token', 'expires_in', 'user_id', 'realm', 'user_principal']);
    expect(json).toMatchObject({ expires_in: 300, user_id: 'sjefferson', realm: 'finesse.lab.invalid', user_principal: 'sjefferson@finesse.lab.invalid' });
    expect(json).not.toHaveProperty('token_type');
    expect(json).not.toHaveProperty('access_token');
    // token URL → IdS authorize → (POST-binding page) → IdP → login → ACS → relay → token URL.
    const hosts = browser.steps.map((s) => new URL(s.url).pathname);
    expect(hosts).toEqual(['/desktop/sso/token', '/ids/v1/oauth/authorize', '/sso', '/login', '/ids/saml/response', '/ids/relay', '/desktop/sso/token']);
    expect(browser.steps[4]?.url).toContain('metaAlias=/sp');
  });

  it('issues RS256 JWTs with the documented claims, verifiable with the IdS public key', async () => {
    const { json } = await signIn(lab);
    const token = String(json?.['token']);
    const [h, p, s] = token.split('.');
    expect(decode(h)).toEqual({ cty: 'JWT', alg: 'RS256' });
    const payload = decode(p);
    expect(payload['iss']).toBe(lab.ids.fqdn);
    expect(typeof payload['exp']).toBe('number');
    expect(typeof payload['iat']).toBe('number');
    expect(typeof payload['jti']).toBe('string');
    const sub = JSON.parse(String(payload['sub'])) as Record<string, unknown>;
    expect(sub).toMatchObject({ scope: ['ccc_onprem_apps'], user_id: 'sjefferson', realm: 'finesse.lab.invalid', upn: 'sjefferson@finesse.lab.invalid', usage: 'access' });
    expect(typeof sub['rt']).toBe('string');
    expect(typeof sub['expiry']).toBe('number');
    const refreshSub = JSON.parse(String(decode(String(json?.['refresh_token']).split('.')[1])['sub'])) as Record<string, unknown>;
    expect(refreshSub['usage']).toBe('refresh');
    const key = await call(`${lab.ids.url}/ids/v1/keys/token/public`);
    expect(verify('sha256', Buffer.from(`${h}.${p}`), key.text, Buffer.from(s ?? '', 'base64url'))).toBe(true);
  });

  it('omits refresh_token when return_refresh_token is not true [FIN-08]', async () => {
    const { json } = await signIn(lab, 'cc_username=sjefferson');
    expect(json?.['token']).toBeDefined();
    expect(json).not.toHaveProperty('refresh_token');
  });

  it('skips the IdP when the IdS session cookie is still valid', async () => {
    const browser = new ScriptedBrowser();
    await signIn(lab, undefined, SAM, browser);
    const idpHits = idp.hits.length;
    const first = browser.steps.length;
    const again = await browser.run(tokenUrl(lab, 'cc_username=sjefferson&return_refresh_token=true'));
    expect(again.status).toBe(200);
    expect(idp.hits.length).toBe(idpHits);
    expect(browser.steps.slice(first).map((s) => new URL(s.url).pathname)).toEqual(['/desktop/sso/token', '/ids/v1/oauth/authorize', '/desktop/sso/token']);
  });

  it('accepts the loginId (peripheral id) as cc_username too [FIN-07]', async () => {
    const { json } = await signIn(lab, 'cc_username=98411&return_refresh_token=true');
    expect(json?.['user_id']).toBe('sjefferson');
  });

  it('refuses a fetch that does not name the user [FIN-07]', async () => {
    const res = await call(tokenUrl(lab, 'return_refresh_token=true'));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ errorType: 'Bad Request' });
  });

  it('refuses cc_username of a NON_SSO user in HYBRID mode and of an unknown user', async () => {
    expect((await call(tokenUrl(lab, 'cc_username=jdoe'))).status).toBe(400);
    expect((await call(tokenUrl(lab, 'cc_username=nobody'))).status).toBe(401);
  });

  it('answers 401 when the IdP signs in another user than cc_username', async () => {
    const { res } = await signIn(lab, 'cc_username=kfinch&return_refresh_token=true', SAM);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toMatchObject({ errorMessage: 'The signed-in user does not match cc_username' });
  });

  it('answers 401 at the return leg when the state cookie was not kept (lab)', async () => {
    const browser = new ScriptedBrowser();
    const first = await browser.fetch(tokenUrl(lab, 'cc_username=sjefferson'));
    expect(first.status).toBe(302);
    expect(header(first, 'set-cookie')).toMatch(/^cc_sso_state_\d+=[0-9a-f]+; Path=\/desktop\/sso; HttpOnly; SameSite=Lax$/);
    await browser.jar.removeAllCookies();
    const res = await browser.run(header(first, 'location') ?? '', SAM);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)['errorMessage']).toContain('state cookie');
  });

  it('refuses the SAML response at the ACS when the IdS session cookie was not kept (lab)', async () => {
    const browser = new ScriptedBrowser();
    const start = await browser.fetch(tokenUrl(lab, 'cc_username=sjefferson'));
    const authorizeUrl = header(start, 'location') ?? '';
    const authnPage = await browser.fetch(authorizeUrl);
    expect(header(authnPage, 'set-cookie')).toMatch(/^ids_session_\d+=[0-9a-f]+; Path=\/ids; HttpOnly$/);
    const toIdp = parseForm(authnPage.text, authorizeUrl);
    const login = await browser.fetch(toIdp?.action ?? '', { method: 'POST', form: toIdp?.fields ?? {} });
    const loginForm = parseForm(login.text, toIdp?.action ?? '');
    const toAcs = await browser.fetch(loginForm?.action ?? '', { method: 'POST', form: { ...loginForm?.fields, username: SAM.username, password: SAM.password } });
    const acsForm = parseForm(toAcs.text, idp.url);
    expect(acsForm?.action).toBe(lab.ids.acsUrl);
    await browser.jar.removeAllCookies();
    const acs = await browser.fetch(acsForm?.action ?? '', { method: 'POST', form: acsForm?.fields ?? {} });
    expect(acs.status).toBe(400);
    expect(acs.text).toContain('session cookie');
  });

  it('rejects an assertion without user_principal, as Cisco IdS requires it', async () => {
    idp.options.omitUserPrincipal = true;
    try {
      const { res } = await signIn(lab);
      expect(res.status).toBe(400);
      expect(res.text).toContain('uid and user_principal');
    } finally {
      idp.options.omitUserPrincipal = false;
    }
  });

  it('rejects a Response whose signature covers only the assertion, and a tampered one', async () => {
    idp.options.signing = 'assertion';
    try {
      expect((await signIn(lab)).res.status).toBe(400);
    } finally {
      idp.options.signing = 'response';
    }
    idp.options.tamper = true;
    try {
      const { res } = await signIn(lab);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('someone-else');
    } finally {
      idp.options.tamper = false;
    }
  });

  it('sends the AuthnRequest by redirect when the IdP is configured so', async () => {
    lab.setIdp({ entryPoint: idp.entryPoint, cert: idp.cert, authnRequestBinding: 'redirect' });
    try {
      const { res, browser } = await signIn(lab);
      expect(res.status).toBe(200);
      expect(browser.steps[1]?.status).toBe(302);
      expect(browser.steps[2]?.url).toContain('SAMLRequest=');
    } finally {
      lab.setIdp({ entryPoint: idp.entryPoint, cert: idp.cert });
    }
  });

  it('points the AuthnRequest at a dead address while the IdP is down', async () => {
    lab.setIdpDown(true);
    try {
      const browser = new ScriptedBrowser();
      await expect(browser.run(tokenUrl(lab, 'cc_username=sjefferson'), SAM)).rejects.toThrow();
      expect(idp.hits.length).toBeGreaterThan(0);
    } finally {
      lab.setIdpDown(false);
    }
  });
});

describe('the token on REST', () => {
  it('authorises REST calls with Bearer, loginName lookup then loginId (lab)', async () => {
    const { json } = await signIn(lab);
    const bearer = { authorization: `Bearer ${String(json?.['token'])}` };
    const byName = await call(`${lab.primary.url}/finesse/api/User/${String(json?.['user_id'])}`, 'GET', { headers: bearer });
    expect(byName.status).toBe(200);
    const loginId = parseXml(byName.text)['User']['loginId'];
    expect(loginId).toBe('98411');
    const byId = await call(`${lab.primary.url}/finesse/api/User/${loginId}`, 'GET', { headers: bearer });
    expect(byId.status).toBe(200);
    const put = await call(`${lab.primary.url}/finesse/api/User/sjefferson`, 'PUT', { headers: { ...bearer, 'content-type': 'application/xml' }, body: '<User><state>LOGIN</state><extension>1001001</extension></User>' });
    expect(put.status).toBe(404);
  });

  it('refuses Basic for an SSO user and Bearer for a NON_SSO user', async () => {
    const basicRes = await call(`${lab.primary.url}/finesse/api/User/98411`, 'GET', { headers: { authorization: `Basic ${Buffer.from('sjefferson:sjefferson-lab-pw').toString('base64')}` } });
    expect(basicRes.status).toBe(401);
    const jdoe = lab.ids.issueTokensFor({ uid: 'jdoe', userPrincipal: 'jdoe@finesse.lab.invalid' });
    const bearerRes = await call(`${lab.primary.url}/finesse/api/User/98412`, 'GET', { headers: { authorization: `Bearer ${jdoe.accessToken}` } });
    expect(bearerRes.status).toBe(401);
  });

  it('answers 401 for an expired or revoked token and logs the verdict', async () => {
    const tokens = lab.issueTokens('kfinch');
    const get = () => call(`${lab.primary.url}/finesse/api/User/98413`, 'GET', { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect((await get()).status).toBe(200);
    lab.clearRequests();
    lab.expireTokens({ userId: 'kfinch', which: 'access' });
    const expired = await get();
    expect(expired.status).toBe(401);
    expect(parseXml(expired.text)['ApiErrors']['ApiError']['ErrorType']).toBe('Authorization Failure');
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'bearer', authResult: 'token-expired', status: 401 });
    const fresh = lab.issueTokens('kfinch');
    lab.revokeTokens({ userId: 'kfinch' });
    const revoked = await call(`${lab.primary.url}/finesse/api/User/98413`, 'GET', { headers: { authorization: `Bearer ${fresh.accessToken}` } });
    expect(revoked.status).toBe(401);
    expect(lab.requests.at(-1)?.authResult).toBe('token-revoked');
    expect(JSON.stringify(lab.requests)).not.toContain(fresh.accessToken);
  });
});

describe('refresh', () => {
  it('refreshes with POST token + refresh-token: new token, no new refresh_token [FIN-13]', async () => {
    const { json } = await signIn(lab);
    const body = new URLSearchParams({ token: String(json?.['token']), 'refresh-token': String(json?.['refresh_token']) }).toString();
    const res = await call(`${lab.primary.url}/desktop/sso/token`, 'POST', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(200);
    const refreshed = JSON.parse(res.text) as Record<string, unknown>;
    expect(refreshed).toMatchObject({ expires_in: 300, user_id: 'sjefferson', realm: 'finesse.lab.invalid', user_principal: 'sjefferson@finesse.lab.invalid' });
    expect(refreshed['token']).not.toBe(json?.['token']);
    expect(refreshed).not.toHaveProperty('refresh_token');
    const rest = await call(`${lab.primary.url}/finesse/api/User/98411`, 'GET', { headers: { authorization: `Bearer ${String(refreshed['token'])}` } });
    expect(rest.status).toBe(200);
  });

  it('refreshes with GET cc_username + refresh-token [FIN-13]', async () => {
    const { json } = await signIn(lab);
    const res = await call(tokenUrl(lab, `cc_username=sjefferson&refresh-token=${encodeURIComponent(String(json?.['refresh_token']))}`));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toHaveProperty('token');
    expect(lab.requests.at(-1)?.query).toBe('cc_username=sjefferson&refresh-token=…');
    expect(JSON.stringify(lab.requests)).not.toContain(String(json?.['refresh_token']).slice(0, 40));
    const other = await call(tokenUrl(lab, `cc_username=kfinch&refresh-token=${encodeURIComponent(String(json?.['refresh_token']))}`));
    expect(other.status).toBe(401);
  });

  it('refuses a refresh once the access token has expired, as the UCCX SSO guide says [FIN-12]', async () => {
    const tokens = lab.issueTokens('sjefferson');
    lab.expireTokens({ userId: 'sjefferson', which: 'access' });
    const res = await call(tokenUrl(lab, `cc_username=sjefferson&refresh-token=${encodeURIComponent(tokens.refreshToken)}`));
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)['errorMessage']).toContain('access token has expired');
  });

  it('refuses a refresh once the refresh token has expired: a new sign-in is needed [FIN-14]', async () => {
    const tokens = lab.issueTokens('sjefferson');
    lab.expireTokens({ userId: 'sjefferson', which: 'refresh' });
    const body = new URLSearchParams({ token: tokens.accessToken, 'refresh-token': tokens.refreshToken }).toString();
    const res = await call(`${lab.primary.url}/desktop/sso/token`, 'POST', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)['errorMessage']).toContain('sign in again');
  });

  it('refuses an access token of another grant in the POST form', async () => {
    const a = lab.issueTokens('sjefferson');
    const b = lab.issueTokens('sjefferson');
    const body = new URLSearchParams({ token: a.accessToken, 'refresh-token': b.refreshToken }).toString();
    const res = await call(`${lab.primary.url}/desktop/sso/token`, 'POST', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(401);
  });
});

describe('lab variants', () => {
  it('reads cc_username only from a cookie in the older-release mode [FIN-15]', async () => {
    const old = await startFinesseLab({ ccUsernameSource: 'cookie', idp: { entryPoint: idp.entryPoint, cert: idp.cert } });
    try {
      expect((await call(tokenUrl(old, 'cc_username=sjefferson'))).status).toBe(400);
      const browser = new ScriptedBrowser();
      await browser.jar.setCookie('cc_username=sjefferson; Path=/', old.primary.url);
      const res = await browser.run(`${old.primary.url}/desktop/sso/token?return_refresh_token=true`, SAM);
      expect(res.status).toBe(200);
      const json = JSON.parse(res.text) as Record<string, unknown>;
      expect(json['user_id']).toBe('sjefferson');
      const refresh = await call(`${old.primary.url}/desktop/sso/token?refresh-token=${encodeURIComponent(String(json['refresh_token']))}`, 'GET', { headers: { cookie: 'cc_username=sjefferson' } });
      expect(refresh.status).toBe(200);
    } finally {
      await old.close();
    }
  });

  it('bounces a refresh through IdS authorize, silently while the IdS session lives [FIN-13]', async () => {
    const bouncing = await startFinesseLab({ refreshBounce: 'always', idp: { entryPoint: idp.entryPoint, cert: idp.cert } });
    try {
      const browser = new ScriptedBrowser();
      const first = await browser.run(tokenUrl(bouncing, 'cc_username=sjefferson&return_refresh_token=true'), SAM);
      const json = JSON.parse(first.text) as Record<string, unknown>;
      const hits = idp.hits.length;
      const start = browser.steps.length;
      const res = await browser.run(tokenUrl(bouncing, `cc_username=sjefferson&refresh-token=${encodeURIComponent(String(json['refresh_token']))}`));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).not.toHaveProperty('refresh_token');
      expect(browser.steps.slice(start).map((s) => new URL(s.url).pathname)).toEqual(['/desktop/sso/token', '/ids/v1/oauth/authorize', '/desktop/sso/token']);
      expect(idp.hits.length).toBe(hits);
    } finally {
      await bouncing.close();
    }
  });

  it('scales token lifetimes and shows them in expires_in', async () => {
    const short = await startFinesseLab({ accessTokenLifetimeSeconds: 2, refreshTokenLifetimeSeconds: 6 });
    try {
      const tokens = short.issueTokens('sjefferson');
      expect(tokens.expiresIn).toBe(2);
      const payload = decode(tokens.accessToken.split('.')[1]);
      expect(Number(payload['exp']) - Number(payload['iat'])).toBeGreaterThanOrEqual(2);
      expect(Number(payload['exp']) - Number(payload['iat'])).toBeLessThanOrEqual(3);
    } finally {
      await short.close();
    }
  });

  it('refuses SSO on a NON_SSO system', async () => {
    const plain = await startFinesseLab({ systemAuthMode: 'NON_SSO' });
    try {
      expect((await call(`${plain.primary.url}/desktop/sso/token?cc_username=jdoe`)).status).toBe(400);
    } finally {
      await plain.close();
    }
  });
});
