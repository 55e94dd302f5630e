// The client's SSO flow (runIcwsSso) in the Chromium LoginWindow against the lab ICWS and the lab's
// own SAML IdP, with a test acting as the agent on the IdP page through the window's CDP port
// (seed 000 "Using Single Sign-on"; RULES.md ICWS-10..14).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { runIcwsSso, ssoConnectionBody, type IcwsSsoOptions } from '../../../main/core/platforms/icws/sso.ts';
import { ICWS_ACCEPT, ICWS_CONTENT_TYPE } from '../../../main/core/platforms/icws/wire.ts';
import { Agent, IDP_ID, startSsoLab, type SsoLab } from '../saml/sso-lab.ts';
import { rejection } from '../../helpers/errors.ts';

const sink = memorySink();
const log = createLogger({ sink, level: 'debug' });
let window: ChromiumLoginWindow;
let agent: Agent;
let lab: SsoLab;

beforeAll(async () => {
  window = createChromiumLoginWindow({ log, headless: true, remoteDebuggingPort: 0 });
  agent = new Agent(() => window.cdpEndpoint);
  lab = await startSsoLab('lab');
});
afterAll(async () => {
  await agent.disconnect();
  await window.close();
  await lab.close();
});
afterEach(async () => {
  await agent.forget();
  lab.icws.clearRequests();
  lab.labIdp!.clearRequests();
  lab.labIdp!.setDown(false);
  lab.icws.sso.setIdentityProviderAvailable(IDP_ID, true);
  lab.icws.sso.setStsTokenHeader(true);
});

function options(http: HttpSession, extra: Partial<IcwsSsoOptions> = {}): IcwsSsoOptions {
  return { http, loginWindow: window, base: lab.icws.url, identityProviderId: IDP_ID, profileId: 'it-sso', language: 'en-US', timeoutMs: 15_000, visible: 'always', log, ...extra };
}

async function connectWith(http: HttpSession, token: string) {
  return http.request({
    method: 'POST',
    url: `${lab.icws.url}/icws/connection`,
    headers: { 'Accept-Language': 'en-US', 'Content-Type': ICWS_CONTENT_TYPE, Accept: ICWS_ACCEPT },
    body: ssoConnectionBody('Patchbay tests', token),
    followRedirects: false,
  });
}

/** Document round trips of one sign-in: ICWS SSO + connection requests and IdP pages/posts. */
function roundTrips(): { icws: string[]; idp: string[]; total: number } {
  const icws = lab.icws.requests.filter((r) => r.path.startsWith('/icws/connection')).map((r) => `${r.method} ${r.path.replace('/icws/connection', '')}`);
  const idp = lab.labIdp!.requests.filter((r) => r.path.startsWith('/saml/')).map((r) => `${r.method} ${r.path}`);
  return { icws, idp, total: icws.length + idp.length };
}

/** A flow the agent acts on meanwhile: marked handled so a failing agent step reports itself, not
 *  an unhandled rejection. */
function begin<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

describe('ICWS single sign-on in the Chromium login window, lab IdP', () => {
  const http = new HttpSession({ profileId: 'it-sso', log });

  it('signs in on the IdP page and connects with the ININ-STS-Token [ICWS-10, ICWS-11, ICWS-14]', async () => {
    const flow = begin(runIcwsSso(options(http)));
    await agent.signIn(lab.idpUrl, lab.form, 'agent1', 'agent1-lab-pw');
    const token = await flow;
    expect(token.length).toBeGreaterThan(20);

    // [ICWS-10] the start request named the capabilities (in order) and the application origin.
    const start = lab.icws.requests.find((r) => r.path === `/icws/connection/single-sign-on/identity-providers/${IDP_ID}`);
    const query = new URLSearchParams(start?.query ?? '');
    expect(query.get('singleSignOnCapabilities')).toBe('saml2Post,saml2Redirect');
    expect(query.get('webBrowserApplicationOrigin')).toBe('http://127.0.0.1');
    expect(query.get('redirectUri')).toBeNull();

    // [ICWS-14] the token signs in once.
    const res = await connectWith(http, token);
    expect(res.status).toBe(201);
    expect((res.json() as { userID: string }).userID).toBe('agent1');
    const again = await connectWith(http, token);
    expect(again.status).toBe(400);
    expect((again.json() as { errorId: string }).errorId).toBe('error.request.connection.singleSignOn.failure');

    // Round trips of a fresh sign-in (documents only): start → IdP SSO → login form post → return → connection.
    const trips = roundTrips();
    expect(trips.idp).toEqual(['POST /saml/sso', 'POST /saml/login']);
    expect(trips.icws).toEqual([`GET /single-sign-on/identity-providers/${IDP_ID}`, 'POST /single-sign-on/return', 'POST ', 'POST ']);
    console.log(`round trips, fresh SSO sign-in (lab IdP, saml2Post): ${trips.total - 1} (${[...trips.icws.slice(0, 1), ...trips.idp, ...trips.icws.slice(1, 3)].join(' → ')})`);
    // The token never reaches a log line.
    expect(JSON.stringify(sink.entries)).not.toContain(token);
  });

  it('signs in again without the password while the IdP session lasts (cookies kept in the jar)', async () => {
    const checks = lab.labIdp!.stats.passwordChecks;
    const token = await runIcwsSso(options(http, { visible: 'when-needed' }));
    expect(lab.labIdp!.stats.passwordChecks).toBe(checks);
    expect((await connectWith(http, token)).status).toBe(201);
    const trips = roundTrips();
    expect(trips.idp).toEqual(['POST /saml/sso']);
    expect(trips.total).toBe(4); // start → IdP SSO (auto-post) → return → connection
    console.log(`round trips, SSO sign-in with an IdP session (lab IdP): ${trips.total}`);
  });

  it('falls back to the redirect option when the return page lacks the ININ-STS-Token header [ICWS-13]', async () => {
    lab.icws.sso.setStsTokenHeader(false);
    const token = await runIcwsSso(options(http, { visible: 'when-needed' }));
    const starts = lab.icws.requests.filter((r) => r.path.endsWith(`/identity-providers/${IDP_ID}`)).map((r) => new URLSearchParams(r.query));
    expect(starts.map((q) => (q.has('redirectUri') ? 'redirect' : 'popup'))).toEqual(['popup', 'redirect']);
    const response = lab.icws.requests.find((r) => r.path === '/icws/connection/single-sign-on/response');
    expect(response?.status).toBe(200);
    expect(response?.hadCookie).toBe(true);
    expect((await connectWith(http, token)).status).toBe(201);
  });

  it('uses the redirect option alone when asked: redirectUri, then GET …/response with the cookie [ICWS-13]', async () => {
    const fresh = new HttpSession({ profileId: 'it-sso-redirect', log });
    const flow = begin(runIcwsSso(options(fresh, { option: 'redirect' })));
    await agent.signIn(lab.idpUrl, lab.form, 'agent2', 'agent2-lab-pw');
    const token = await flow;
    const start = lab.icws.requests.find((r) => r.path.endsWith(`/identity-providers/${IDP_ID}`));
    expect(new URLSearchParams(start?.query).get('redirectUri')).toBe('http://127.0.0.1/patchbay/icws-sso-complete');
    const ret = lab.icws.requests.find((r) => r.path === '/icws/connection/single-sign-on/return');
    expect(ret?.status).toBe(302);
    const res = await connectWith(fresh, token);
    expect((res.json() as { userID: string }).userID).toBe('agent2');
    // The one-shot cookie was cleared by the server's answer.
    expect(await fresh.cookieHeader(`${lab.icws.url}/icws/connection/single-sign-on/response`)).not.toContain('icws_sso_response=');
  });

  it('keeps the agent on the IdP form after a wrong password, then signs in', async () => {
    const fresh = new HttpSession({ profileId: 'it-sso-wrong', log });
    const flow = begin(runIcwsSso(options(fresh)));
    const page = await agent.signIn(lab.idpUrl, lab.form, 'agent1', 'not-the-password');
    await page.locator('#login-error').waitFor();
    expect(await page.locator('#login-error').textContent()).toBe('Incorrect user name or password.');
    await page.locator('#password').fill('agent1-lab-pw');
    await page.locator('#login-submit').click();
    expect((await connectWith(fresh, await flow)).status).toBe(201);
  });

  it('ends with login.cancelled when the agent closes the window, and nothing is signed in', async () => {
    const fresh = new HttpSession({ profileId: 'it-sso-cancel', log });
    const sessions = lab.icws.sessions().length;
    const flow = begin(runIcwsSso(options(fresh)));
    const page = await agent.page(lab.idpUrl);
    await page.close();
    const error = await rejection(flow);
    expect(error.code).toBe('login.cancelled');
    expect(lab.icws.sessions()).toHaveLength(sessions);
  });

  it('ends with login.cancelled when the caller aborts', async () => {
    const controller = new AbortController();
    const flow = begin(runIcwsSso(options(new HttpSession({ profileId: 'it-sso-abort', log }), { signal: controller.signal })));
    await agent.page(lab.idpUrl);
    controller.abort();
    expect((await rejection(flow)).code).toBe('login.cancelled');
  });

  it('ends with login.timeout when nobody signs in in time', async () => {
    const error = await rejection(runIcwsSso(options(new HttpSession({ profileId: 'it-sso-timeout', log }), { timeoutMs: 1_500 })));
    expect(error.code).toBe('login.timeout');
    expect(error.message).toMatch(/did not finish within 2 s/);
  });

  it("shows the IdP's own error page words when the IdP is down", async () => {
    lab.labIdp!.setDown(true);
    const error = await rejection(runIcwsSso(options(new HttpSession({ profileId: 'it-sso-down', log }))));
    expect(error.code).toBe('login.failed');
    expect(error.message).toContain('answered 503');
    expect(error.message).toContain('Service unavailable');
  });

  it("shows the server's message when it reports the identity provider unavailable", async () => {
    lab.icws.sso.setIdentityProviderAvailable(IDP_ID, false);
    const error = await rejection(runIcwsSso(options(new HttpSession({ profileId: 'it-sso-unavail', log }))));
    expect(error.code).toBe('icws.sso.unavailable');
    expect(error.message).toBe('The identity provider is not available.');
    expect(error.details.errorId).toBe('error.sso.request.identityProviderUnavailable');
  });

  it("shows the server's message for an identity provider it does not know", async () => {
    const error = await rejection(runIcwsSso(options(new HttpSession({ profileId: 'it-sso-unknown', log }), { identityProviderId: 'no-such-idp' })));
    expect(error.code).toBe('icws.sso.failed');
    expect(error.message).toBe("The identity provider 'no-such-idp' is not configured.");
  });
});
