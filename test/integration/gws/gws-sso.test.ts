// The GWS adapter's browser-based methods in the Chromium LoginWindow against the lab GWS, with the
// test acting as the agent on the IdP / Salesforce page through the window's CDP port: SAML with the
// lab's samlify IdP and with SimpleSAMLphp (GWS-04), Salesforce OAuth code + PKCE and the two headers
// (GWS-01), and the anonymous fall-through when the browser round ends without a GWS session (GWS-05).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGwsLab, type GwsLab } from '../../../lab/gws/index.ts';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../main/core/auth/login-window.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { GwsSession } from '../../../main/core/platforms/gws/gws-session.ts';
import { ProfileSchema, type ProfileInput } from '../../../preload/contract.ts';
import { simpleSamlPhpAvailable, startSimpleSamlPhp, type SimpleSamlPhp } from '../../rigs/simplesamlphp/ssp.ts';
import { Agent, LAB_IDP_FORM, SSP_FORM } from '../saml/sso-lab.ts';
import { rejection } from '../../helpers/errors.ts';

const sink = memorySink();
const log = createLogger({ sink, level: 'debug' });
let window: ChromiumLoginWindow;
let agent: Agent;
let gws: GwsLab;
const sessions: GwsSession[] = [];

beforeAll(async () => {
  window = createChromiumLoginWindow({ log, headless: true, remoteDebuggingPort: 0 });
  agent = new Agent(() => window.cdpEndpoint);
  gws = await startGwsLab({ cometdTimeoutSeconds: 2 });
});
afterAll(async () => {
  await agent.disconnect();
  await window.close();
  await gws.close();
});
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  await agent.forget();
  gws.clearRequests();
  gws.setIdpDown(false);
});

function session(lab: GwsLab, profileId: string, loginWindow: LoginWindow = window, overrides: Partial<ProfileInput> = {}) {
  const { fixturePassword: _pw, ...rest } = lab.profiles().find((p) => p.id === profileId)!;
  const profile = ProfileSchema.parse({ ...rest, id: `${profileId}-${sessions.length}`, ...overrides });
  const s = new GwsSession({ profile, clock: systemClock, log, loginWindow }, { cometd: { backoffIncrementMs: 100, maxBackoffMs: 500 } });
  sessions.push(s);
  return s;
}

function begin<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

describe('GWS single sign-on in the Chromium login window', () => {
  it('GWS-04: SAML through the lab IdP ends with JSESSIONID in the jar and an active session', async () => {
    const s = session(gws, 'lab-gws-agent1-saml');
    const flow = begin(s.signIn({ sso: {} }));
    await agent.signIn(gws.idp!.url, LAB_IDP_FORM, 'agent1', 'agent1-lab-pw');
    await flow;
    expect(s.view.phase).toBe('active');
    expect(s.view.userDisplayName).toBe('Ada Agent');
    const me = gws.requests.find((r) => r.path === '/api/v2/me' && r.method === 'GET');
    expect(me?.auth).toBe('session');
    expect(gws.sessions()).toContainEqual({ userName: 'agent1', method: 'saml' });
  });

  it('GWS-01: Salesforce code + PKCE, then the ssid / surl headers validated by GWS through the identity URL', async () => {
    const s = session(gws, 'lab-gws-agent3-salesforce');
    const flow = begin(s.signIn({ sso: {} }));
    await agent.signIn(gws.salesforce.loginBase, { user: '#username', password: '#password', submit: '#Login' }, 'agent3@patchbay-lab.example', 'agent3-sf-lab-pw');
    await flow;
    expect(s.view.phase).toBe('active');
    expect(s.view.userDisplayName).toBe('Cy Agent');
    expect(gws.requests.find((r) => r.path === '/api/v2/me' && r.method === 'GET')?.auth).toBe('salesforce');
  });

  it('GWS-05: a browser round that ends on Workspace without a GWS session is reported as anonymous, naming SAML', async () => {
    // A stand-in window that "completes" the round without any IdP (the session cookie never set).
    const hollow: LoginWindow = {
      run: async (request: LoginWindowRequest): Promise<LoginWindowResult> => ({ completion: request.until[0]!, url: `${gws.baseUrl}/ui/wwe/index.html`, status: 200, headers: {} }),
    };
    const s = session(gws, 'lab-gws-agent1-saml', hollow);
    const error = await rejection(s.signIn({ sso: {} }));
    expect(error.code).toBe('gws.auth.anonymous');
    expect(error.message).toContain('SAML');
    expect(s.view.phase).toBe('failed');
    expect(gws.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('SAML with the IdP down fails with the page error, not a signed-in session', async () => {
    gws.setIdpDown(true);
    const s = session(gws, 'lab-gws-agent1-saml');
    const error = await rejection(s.signIn({ sso: {} }));
    expect(['login.failed', 'gws.auth.anonymous', 'gws.saml.failed']).toContain(error.code);
    expect(s.view.phase).toBe('failed');
  });
});

describe.skipIf(!simpleSamlPhpAvailable())('GWS SAML against SimpleSAMLphp', () => {
  let ssp: SimpleSamlPhp;
  let lab: GwsLab;
  beforeAll(async () => {
    ssp = await startSimpleSamlPhp();
    lab = await startGwsLab({ cometdTimeoutSeconds: 2, samlIdp: { entityId: ssp.entityId, ssoUrl: ssp.ssoUrl, certificatePem: ssp.certificate } });
    await ssp.addServiceProvider({ entityId: lab.saml.entityId, acsUrl: lab.saml.acsUrl });
  });
  afterAll(async () => {
    await lab?.close();
    await ssp?.stop();
  });

  it('GWS-04: signs in through SimpleSAMLphp (its JavaScript auto-post) and goes active', async () => {
    const s = session(lab, 'lab-gws-agent1-saml', window, { options: { gws: { authMethod: 'saml', place: 'SIP_Place_1001', ssoAllowedHosts: [new URL(ssp.url).host] } } });
    const flow = begin(s.signIn({ sso: {} }));
    await agent.signIn(ssp.url, SSP_FORM, 'agent1', 'agent1-lab-pw');
    await flow;
    expect(s.view.phase).toBe('active');
    expect(lab.sessions()).toContainEqual({ userName: 'agent1', method: 'saml' });
  });
});
