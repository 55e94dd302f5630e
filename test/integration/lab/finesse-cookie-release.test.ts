// The lab Finesse's older-release, cookie-only SSO mode (seed 003 TAC note: "in older releases we
// used to store the cc_username and tokens in session cookies"), driven with a scripted browser
// over real sockets: empty token fields in the JSON, the tokens and cc_username as session cookies,
// a refresh that may name its tokens by cookie, and the fault control that switches the mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinesseLab } from '../../../lab/finesse/lab.ts';
import type { FinesseLab } from '../../../lab/finesse/lab.ts';
import { ScriptedBrowser, call, header, startTestIdp } from './finesse-helpers.ts';
import type { RawResponse, TestIdp } from './finesse-helpers.ts';

const SAM = { username: 'sjefferson', password: 'sjefferson-idp-pw' };
let idp: TestIdp;
let lab: FinesseLab;

beforeAll(async () => {
  idp = await startTestIdp({ accounts: [{ uid: 'sjefferson', userPrincipal: 'sjefferson@finesse.lab.invalid', password: SAM.password }] });
  lab = await startFinesseLab({ ctiDelayMs: 1, tokensIn: 'cookie', ccUsernameSource: 'cookie', idp: { entryPoint: idp.entryPoint, cert: idp.cert } });
});
afterAll(async () => {
  await lab?.close();
  await idp?.close();
});

function setCookies(res: RawResponse): string[] {
  const value = res.headers['set-cookie'];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

async function cookie(browser: ScriptedBrowser, name: string): Promise<string | undefined> {
  return (await browser.jar.getCookies(lab.primary.url)).find((c) => c.key === name)?.value;
}

async function signIn(): Promise<{ browser: ScriptedBrowser; res: RawResponse }> {
  const browser = new ScriptedBrowser();
  await browser.jar.setCookie('cc_username=sjefferson; Path=/', lab.primary.url);
  const res = await browser.run(`${lab.primary.url}/desktop/sso/token?return_refresh_token=true`, SAM);
  return { browser, res };
}

describe('lab Finesse, older-release cookie-only SSO', () => {
  it('answers the fetch with empty token fields and the tokens and cc_username as session cookies [FIN-15]', async () => {
    const { browser, res } = await signIn();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ token: '', refresh_token: '', expires_in: 300, user_id: 'sjefferson', realm: 'finesse.lab.invalid', user_principal: 'sjefferson@finesse.lab.invalid' });
    const sent = setCookies(res);
    for (const name of ['token', 'refresh_token', 'cc_username']) {
      const line = sent.find((c) => c.startsWith(`${name}=`));
      expect(line, name).toMatch(/; Path=\/; HttpOnly$/); // a session cookie: no Expires, no Max-Age
    }
    expect((await cookie(browser, 'token'))?.split('.')).toHaveLength(3);
    expect((await cookie(browser, 'refresh_token'))?.split('.')).toHaveLength(3);
    // The token works on REST (FIN-11).
    const users = await call(`${lab.primary.url}/finesse/api/User/sjefferson`, 'GET', { headers: { authorization: `Bearer ${await cookie(browser, 'token')}` } });
    expect(users.status).toBe(200);
  });

  it('refreshes from the cookies alone (GET with an empty refresh-token, POST without a form token) and sends the new token as a cookie [FIN-15, FIN-13]', async () => {
    const { browser } = await signIn();
    const first = await cookie(browser, 'token');
    const get = await browser.fetch(`${lab.primary.url}/desktop/sso/token?refresh-token=`);
    expect(get.status).toBe(200);
    expect(JSON.parse(get.text)).toMatchObject({ token: '', expires_in: 300 });
    expect(JSON.parse(get.text)).not.toHaveProperty('refresh_token');
    const second = await cookie(browser, 'token');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const refreshRecord = lab.requests.filter((r) => r.path === '/desktop/sso/token').at(-1);
    expect(refreshRecord?.cookies).toEqual(expect.arrayContaining(['cc_username', 'token', 'refresh_token']));
    const cookies = await browser.jar.getCookieString(lab.primary.url);
    const post = await call(`${lab.primary.url}/desktop/sso/token`, 'POST', { headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies }, body: '' });
    expect(post.status).toBe(200);
    expect(setCookies(post).some((c) => c.startsWith('token=') && !c.startsWith(`token=${second};`))).toBe(true);
  });

  it('still refuses a refresh without a refresh token anywhere, and a cc_username in the query only', async () => {
    const noCookie = await call(`${lab.primary.url}/desktop/sso/token`, 'POST', { headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'cc_username=sjefferson' }, body: '' });
    expect(noCookie.status).toBe(400);
    expect((await call(`${lab.primary.url}/desktop/sso/token?cc_username=sjefferson`)).status).toBe(400);
  });

  it('switches between body and cookie tokens with the fault control, on both nodes', async () => {
    const control = (body: unknown) => call(`${lab.primary.url}/lab/finesse/sso/release`, 'POST', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await control({ tokensIn: 'sideways' })).status).toBe(400);
    expect((await control({ tokensIn: 'body', ccUsernameSource: 'query-or-cookie' })).status).toBe(200);
    try {
      const browser = new ScriptedBrowser();
      const res = await browser.run(`${lab.secondary.url}/desktop/sso/token?cc_username=sjefferson&return_refresh_token=true`, SAM);
      const json = JSON.parse(res.text) as Record<string, unknown>;
      expect(String(json['token']).split('.')).toHaveLength(3);
      expect(setCookies(res).filter((c) => /^(token|refresh_token|cc_username)=/.test(c))).toEqual([]);
      expect(header(res, 'content-type')).toMatch(/json/);
    } finally {
      expect((await control({ tokensIn: 'cookie', ccUsernameSource: 'cookie' })).status).toBe(200);
    }
  });
});
