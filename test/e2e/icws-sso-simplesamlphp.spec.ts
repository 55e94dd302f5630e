// ICWS single sign-on in the browser shell against SimpleSAMLphp, the real third-party IdP (Debian
// package): the agent's own profile (not the embedded lab's) names an ICWS server whose identity
// provider is SimpleSAMLphp; the agent picks it, types the password on SimpleSAMLphp's page only,
// and the session becomes active with the ININ-STS-Token [ICWS-10, ICWS-11, ICWS-14].
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { simpleSamlPhpAvailable } from '../rigs/simplesamlphp/ssp.ts';
import { IDP_ID, startSsoLab, type SsoLab } from '../integration/saml/sso-lab.ts';
import { connectAgent, newDataDir, pageWith, SHOTS, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

test.skip(!simpleSamlPhpAvailable(), 'SimpleSAMLphp is not installed (.ci/run installs it): this journey proves nothing here');

let lab: SsoLab;
let app: RunningApp;

test.beforeAll(async () => {
  lab = await startSsoLab('ssp');
  const dataDir = await newDataDir('e2e-ssp');
  // A real profile in the data directory (the foundation's profiles.json, imported at start):
  // with one present, `patchbay start` does not start the embedded lab.
  const profile = { id: 'site-ssp', name: 'Site (SimpleSAMLphp)', platform: 'icws', servers: [lab.icws.url], authMode: 'sso', language: 'en-US' };
  await writeFile(join(dataDir, 'profiles.json'), JSON.stringify({ version: 1, profiles: [profile] }));
  app = await startApp({ dataDir, cdp: true, args: ['--no-lab'] });
});

test.afterAll(async () => {
  await app?.stop();
  await lab?.close();
});

/** SimpleSAMLphp's login page in the sign-in window. */
const sspPage = (agent: Browser) => pageWith(agent, '#submit_button');

test("an agent signs in to ICWS on SimpleSAMLphp's page and nowhere else [ICWS-08, ICWS-10, ICWS-11, ICWS-14]", async ({ page }) => {
  await page.goto(app.launchUrl);
  await page.getByTestId('profile-item-site-ssp').click();
  // No password field in Patchbay; the server's identity provider is offered [ICWS-08].
  await expect(page.getByTestId(`signin-idp-${IDP_ID}`)).toBeVisible();
  await expect(page.getByTestId('signin-password')).toHaveCount(0);
  await page.getByTestId(`signin-idp-${IDP_ID}`).click();
  await expect(page.getByTestId('session-phase')).toHaveText(/sign-in window/i);

  const agent = await connectAgent(app.cdpPort);
  try {
    const idp = await sspPage(agent);
    await idp.locator('#username').fill('agent1');
    await idp.locator('#password').fill(labPassword('agent1'));
    await idp.locator('#submit_button').click();
  } finally {
    await agent.close().catch(() => undefined);
  }
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await expect(page.getByTestId('agent-status')).not.toBeEmpty();
  expect(lab.icws.sessions().filter((s) => s.connectionState === 1).map((s) => s.userId)).toEqual(['agent1']);
  await expectNoAxeViolations(page, 'icws-sso-simplesamlphp');
  await page.screenshot({ path: join(SHOTS, 'icws-sso-simplesamlphp.png'), fullPage: true });
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i);
});
