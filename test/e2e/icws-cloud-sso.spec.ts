// PureConnect Cloud + single sign-on in the browser shell (issue 9 item 1, RULES.md ICWS-24): the
// agent's profile names only the cloud's custom ICWS URL; Patchbay reads config/servers.json and sends
// every ICWS call — the sign-in options, the SSO start in the sign-in window, the connection — through
// its service URL template. The agent types the password on the lab IdP's page only, and the session
// card reaches the agent's status. The lab ICWS sits behind the lab cloud front door (lab/icws/cloud.ts),
// its SAML service provider addressed through it, as in the cloud.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startCloudFront, type CloudFront } from '../../lab/icws/cloud.ts';
import { IDP_ID, startSsoLab, type SsoLab } from '../integration/saml/sso-lab.ts';
import { connectAgent, idpPage, newDataDir, SHOTS, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

/** The cloud's name for the IC server (seed 000's example); reached only through the front door. */
const HOST = 'ind001gic001.cscp.inin.local';
let cloud: CloudFront;
let lab: SsoLab;
let app: RunningApp;

test.beforeAll(async () => {
  const backends: Record<string, string> = {};
  cloud = await startCloudFront({ backends, servers: [{ host: HOST, altHostHints: [], order: 0 }] });
  lab = await startSsoLab('lab', { ssoPublicBaseUrl: `${cloud.url}/api/${HOST}` });
  backends[HOST] = lab.icws.url;
  const dataDir = await newDataDir('e2e-icws-cloud-sso');
  // A real profile (with one present, `patchbay start` does not start the embedded lab): the custom
  // ICWS URL only, cloud mode, single sign-on.
  const profile = { id: 'site-cloud-sso', name: 'PureConnect Cloud (SSO)', platform: 'icws', servers: [cloud.url], authMode: 'sso', userName: 'agent1', language: 'en-US', options: { connectionMode: 'cloud' } };
  await writeFile(join(dataDir, 'profiles.json'), JSON.stringify({ version: 1, profiles: [profile] }));
  app = await startApp({ dataDir, cdp: true, args: ['--no-lab'] });
});

test.afterAll(async () => {
  await app?.stop();
  await lab?.close();
  await cloud?.close();
});

test('an agent signs in to PureConnect Cloud by single sign-on through the servers.json service URL template [ICWS-24]', async ({ page }) => {
  test.setTimeout(120_000); // a Chromium app, a sign-in window and a lab on 2 shared cores
  await page.goto(app.launchUrl);
  await page.getByTestId('profile-item-site-cloud-sso').click();
  // [ICWS-24, ICWS-08] the identity provider is found: server-info went through the template.
  const idpButton = page.getByTestId(`signin-idp-${IDP_ID}`);
  await expect(idpButton).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('signin-password')).toHaveCount(0);
  await idpButton.click();

  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i);
  await expectNoAxeViolations(page, 'icws-cloud-sso-awaiting-user');
  const agent = await connectAgent(app.cdpPort);
  try {
    const idp = await idpPage(agent);
    await idp.locator('#username').fill('agent1');
    await idp.locator('#password').fill(labPassword('agent1'));
    await idp.locator('#login-submit').click();
  } finally {
    await agent.close().catch(() => undefined);
  }

  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 30_000 });
  await expect(page.getByTestId('agent-status')).not.toBeEmpty();
  expect(lab.icws.sessions().filter((s) => s.connectionState === 1).map((s) => s.userId)).toEqual(['agent1']);
  // The custom URL served servers.json; everything ICWS went through `…/api/{host}/` of the template.
  expect(cloud.serversJsonFetches).toBeGreaterThanOrEqual(1);
  const proxied = cloud.proxied.map((p) => `${p.method} ${p.path}`);
  expect(proxied.some((p) => p.startsWith('GET /icws/connection/server-info'))).toBe(true);
  expect(proxied.some((p) => p.startsWith('GET /icws/connection/single-sign-on/identity-providers/'))).toBe(true);
  expect(proxied).toContain('POST /icws/connection');

  await expectNoAxeViolations(page, 'icws-cloud-sso-signed-in');
  await page.screenshot({ path: join(SHOTS, 'icws-cloud-sso-signed-in.png'), fullPage: true });
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i);
});
