// The lab ICWS as a SAML service provider of SimpleSAMLphp, the real third-party IdP (Debian
// package, shared/rigs/simplesamlphp.md), driven by the client's flow in the Chromium LoginWindow
// with a test acting as the agent on SimpleSAMLphp's own login form. Few logins: each costs ~1.5 s.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { runIcwsSso, ssoConnectionBody, type IcwsSsoOptions } from '../../../main/core/platforms/icws/sso.ts';
import { ICWS_ACCEPT, ICWS_CONTENT_TYPE } from '../../../main/core/platforms/icws/wire.ts';
import { simpleSamlPhpAvailable } from '../../rigs/simplesamlphp/ssp.ts';
import { Agent, IDP_ID, startSsoLab, type SsoLab } from './sso-lab.ts';

const available = simpleSamlPhpAvailable();
if (!available) console.warn('SimpleSAMLphp is not installed: the SimpleSAMLphp SSO tests are skipped (.ci/run installs it).');

describe.skipIf(!available)('ICWS single sign-on against SimpleSAMLphp', () => {
  const log = createLogger({ sink: memorySink(), level: 'info' });
  let window: ChromiumLoginWindow;
  let agent: Agent;
  let lab: SsoLab;
  const http = new HttpSession({ profileId: 'it-ssp', log });

  beforeAll(async () => {
    lab = await startSsoLab('ssp');
    window = createChromiumLoginWindow({ log, headless: true, remoteDebuggingPort: 0 });
    agent = new Agent(() => window.cdpEndpoint);
  });
  afterAll(async () => {
    await agent?.disconnect();
    await window?.close();
    await lab?.close();
  });

  afterEach(async () => {
    await agent.forget();
  });

  const options = (extra: Partial<IcwsSsoOptions> = {}): IcwsSsoOptions => ({
    http,
    loginWindow: window,
    base: lab.icws.url,
    identityProviderId: IDP_ID,
    profileId: 'it-ssp',
    language: 'en-US',
    timeoutMs: 20_000,
    visible: 'always',
    log,
    ...extra,
  });

  const connect = (token: string) =>
    http.request({
      method: 'POST',
      url: `${lab.icws.url}/icws/connection`,
      headers: { 'Accept-Language': 'en-US', 'Content-Type': ICWS_CONTENT_TYPE, Accept: ICWS_ACCEPT },
      body: ssoConnectionBody('Patchbay tests', token),
      followRedirects: false,
    });

  /** Document round trips seen by PHP's server log (pages, not assets): `[302]: POST /saml2/idp/SSOService.php`. */
  const phpLines = () => (lab.ssp!.stderr().match(/\[\d{3}\]: (?:GET|POST) \/[^\s?]*\.php[^\s?]*/g) ?? []).map((l) => l.replace(/^\[(\d{3})\]: /, '$1 '));
  const phpDocuments = () => phpLines().length;

  it('signs in on SimpleSAMLphp\'s form and connects with the ININ-STS-Token [ICWS-10, ICWS-11, ICWS-14]', async () => {
    lab.icws.clearRequests();
    const phpBefore = phpDocuments();
    const flow = runIcwsSso(options());
    flow.catch(() => undefined);
    await agent.signIn(lab.idpUrl, lab.form, 'agent1', 'agent1-lab-pw');
    const token = await flow;
    const res = await connect(token);
    expect(res.status).toBe(201);
    expect((res.json() as { userID: string }).userID).toBe('agent1');
    expect(lab.icws.sso.failures).toEqual([]);
    const icws = lab.icws.requests.filter((r) => r.path.startsWith('/icws/connection')).length;
    console.log(`round trips, fresh SSO sign-in (SimpleSAMLphp): ${icws + phpDocuments() - phpBefore} (ICWS ${icws}; IdP: ${phpLines().slice(phpBefore).join(' → ')})`);
    expect(icws).toBe(3); // start, return, connection
  });

  it('signs in again without the password while the SimpleSAMLphp session lasts', async () => {
    lab.icws.clearRequests();
    const phpBefore = phpDocuments();
    const token = await runIcwsSso(options({ visible: 'when-needed' }));
    expect((await connect(token)).status).toBe(201);
    const icws = lab.icws.requests.filter((r) => r.path.startsWith('/icws/connection')).length;
    const idp = phpDocuments() - phpBefore;
    console.log(`round trips, SSO sign-in with an IdP session (SimpleSAMLphp): ${icws + idp} (ICWS ${icws}, IdP ${idp})`);
    expect(icws).toBe(3); // start, return, connection
  });

  it('completes the redirect option: redirectUri, then the token from GET …/response [ICWS-13]', async () => {
    lab.icws.clearRequests();
    const token = await runIcwsSso(options({ option: 'redirect', visible: 'when-needed' }));
    const response = lab.icws.requests.find((r) => r.path === '/icws/connection/single-sign-on/response');
    expect(response?.status).toBe(200);
    expect((await connect(token)).status).toBe(201);
  });
});
