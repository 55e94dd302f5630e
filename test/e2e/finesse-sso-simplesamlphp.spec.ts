// Cisco Finesse SSO in the browser shell with SimpleSAMLphp as the IdP behind the lab IdS: the agent
// types user id and extension in Patchbay, the password on SimpleSAMLphp's page only (FIN-09), the
// token JSON is read from the network (FIN-01..04, 07, 08), and REST goes out with the Bearer token.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { startFinesseLab, type FinesseLab } from '../../lab/finesse/lab.ts';
import { simpleSamlPhpAvailable, startSimpleSamlPhp, type SimpleSamlPhp } from '../rigs/simplesamlphp/ssp.ts';
import { connectAgent, newDataDir, pageWith, SHOTS, startApp, type RunningApp, signOutFromCard } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { idpPassword } from './helpers/passwords.ts';

test.skip(!simpleSamlPhpAvailable(), 'SimpleSAMLphp is not installed (.ci/run installs it): this journey proves nothing here');

let ssp: SimpleSamlPhp;
let lab: FinesseLab;
let app: RunningApp;

test.beforeAll(async () => {
  ssp = await startSimpleSamlPhp({ users: [{ userName: 'sjefferson', password: idpPassword('sjefferson'), uid: 'sjefferson' }] });
  lab = await startFinesseLab({ deploymentType: 'UCCE', systemAuthMode: 'SSO' });
  await ssp.addServiceProvider({ entityId: lab.ids.fqdn, acsUrl: lab.ids.acsUrl });
  lab.setIdp({ entryPoint: ssp.ssoUrl, cert: ssp.certificate, idpIssuer: ssp.entityId });
  const dataDir = await newDataDir('e2e-finesse-ssp');
  const profile = { id: 'site-finesse', name: 'Site Finesse (SimpleSAMLphp)', platform: 'finesse', servers: lab.servers, authMode: 'sso', userName: 'sjefferson', language: 'en-US' };
  await writeFile(join(dataDir, 'profiles.json'), JSON.stringify({ version: 1, profiles: [profile] }));
  app = await startApp({ dataDir, cdp: true, args: ['--no-lab'] });
});

test.afterAll(async () => {
  await app?.stop();
  await lab?.close();
  await ssp?.stop();
});

/** SimpleSAMLphp's login page in the sign-in window. */
const sspPage = (agent: Browser) => pageWith(agent, '#submit_button');

test("a Finesse agent signs in on SimpleSAMLphp's page, goes Not Ready and Ready [FIN-04, FIN-07, FIN-09, FIN-11]", async ({ page }) => {
  await page.goto(app.launchUrl);
  await page.getByTestId('profile-item-site-finesse').click();
  await expect(page.getByTestId('signin-password')).toHaveCount(0);
  await page.getByTestId('signin-extension').fill('1001001');
  await page.getByTestId('signin-idp-finesse-sso').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i, { timeout: 15_000 });

  const agent = await connectAgent(app.cdpPort);
  try {
    const idp = await sspPage(agent);
    await idp.locator('#username').fill('sjefferson');
    await idp.locator('#password').fill(idpPassword('sjefferson'));
    await idp.locator('#submit_button').click();
  } finally {
    await agent.close().catch(() => undefined);
  }
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 30_000 });
  await page.getByTestId('status-option-NOT_READY').click();
  await page.getByTestId('reason-select').selectOption({ index: 1 });
  const reason = (await page.getByTestId('reason-select').locator('option').nth(1).textContent())?.trim() ?? '';
  await page.getByTestId('status-apply').click();
  // Confirmed before Ready is asked for (after sign-in the agent is already Not Ready).
  await expect(page.getByTestId('agent-reason')).toHaveText(reason);
  await expect(page.getByTestId('agent-status')).toContainText('Not Ready');
  await page.getByTestId('status-option-READY').click();
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);
  // Every REST call after sign-in carried the Bearer token (FIN-11).
  const rest = lab.requests.filter((r) => r.path.startsWith('/finesse/api/User'));
  expect(rest.length).toBeGreaterThan(2);
  expect(rest.every((r) => r.auth === 'bearer' && r.authResult === 'ok')).toBe(true);
  await expectNoAxeViolations(page, 'finesse-sso-simplesamlphp');
  await page.screenshot({ path: join(SHOTS, 'finesse-sso-simplesamlphp.png'), fullPage: true });
  await signOutFromCard(page);
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 });
});
