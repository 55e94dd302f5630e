// PureConnect Cloud + single sign-on: the sign-in options, the SSO start and the connection all go
// through the servers.json service URL template, never the custom URL itself (issue 9 item 1,
// RULES.md ICWS-24). Chromium LoginWindow + lab IdP, the lab ICWS behind the lab cloud front door.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import { ScaledClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { IcwsSession } from '../../../main/core/platforms/icws/icws-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { startCloudFront, type CloudFront } from '../../../lab/icws/cloud.ts';
import { Agent, IDP_ID, startSsoLab, type SsoLab } from '../saml/sso-lab.ts';

// Chromium's sign-in page on a loaded 2-core machine can take well over the 20 s default to appear.
vi.setConfig({ testTimeout: 60_000 });

const log = createLogger({ sink: memorySink(), level: 'debug' });
const HOST = 'ind001gic001.cscp.inin.local';
let window: ChromiumLoginWindow;
let agent: Agent;
let lab: SsoLab;
let cloud: CloudFront;

beforeAll(async () => {
  window = createChromiumLoginWindow({ log, headless: true, remoteDebuggingPort: 0 });
  agent = new Agent(() => window.cdpEndpoint);
  // The front door first: the IC server's SAML SP is addressed through it, as in the cloud.
  const backends: Record<string, string> = {};
  cloud = await startCloudFront({ backends, servers: [{ host: HOST, altHostHints: [], order: 0 }] });
  lab = await startSsoLab('lab', { ssoPublicBaseUrl: `${cloud.url}/api/${HOST}` });
  backends[HOST] = lab.icws.url;
});
afterAll(async () => {
  await agent.disconnect();
  await window.close();
  await cloud.close();
  await lab.close();
});

describe('PureConnect Cloud with single sign-on', () => {
  it('finds the identity provider and signs in through the service URL template [ICWS-24]', async () => {
    const profile = ProfileSchema.parse({ id: 'it-cloud-sso', name: 'Cloud SSO', platform: 'icws', servers: [cloud.url], authMode: 'sso', userName: 'agent1', options: { connectionMode: 'cloud' } });
    const s = new IcwsSession({ profile, clock: new ScaledClock(200), log, loginWindow: window }, { http: new HttpSession({ profileId: profile.id, log }) });
    try {
      const options = await s.signInOptions();
      expect(options.identityProviders.map((p) => p.id)).toContain(IDP_ID);
      const signIn = s.signIn({});
      signIn.catch(() => undefined);
      await agent.signIn(lab.idpUrl, lab.form, 'agent1', 'agent1-lab-pw');
      await signIn;
      expect(s.view.phase).toBe('active');
      expect(s.view.server).toBe(`${cloud.url}/api/${HOST}`);
      // server-info, the SSO start and the connection all reached the IC server through the proxy.
      const paths = cloud.proxied.map((p) => `${p.method} ${p.path}`);
      expect(paths.some((p) => p.startsWith('GET /icws/connection/server-info'))).toBe(true);
      expect(paths.some((p) => p.startsWith('GET /icws/connection/single-sign-on/identity-providers/'))).toBe(true);
      expect(paths).toContain('POST /icws/connection');
    } finally {
      s.dispose();
    }
  });
});
