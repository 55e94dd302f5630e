// The Genesys Engage (GWS) agent journey in the browser shell (issue 11): `patchbay start` on the
// built-in lab, the lab GWS SAML profile, the agent on the IdP page in the sign-in window (reached
// through its CDP port) [GWS-04]; Ready, then Not Ready with a reason from the agent-states settings;
// a supervisor's change arriving over CometD; a CometD drop recovered with the state re-read; sign-out.
// Screenshots are kept under test-results/.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { connectAgent, idpPage, originIn, SHOTS, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

let app: RunningApp;

test.beforeAll(async () => {
  app = await startApp({ cdp: true });
});

test.afterAll(async () => {
  await app?.stop();
});

async function labControl(base: string, name: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}/lab/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, `lab control ${name}`).toBeLessThan(300);
}

test('a GWS agent signs in with SAML, changes state, sees a supervisor change and survives a CometD drop [GWS-04]', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(app.launchUrl);
  await page.getByTestId('profile-item-lab-gws-agent1-saml').click();
  // SAML: no password typed in Patchbay, one button for the method.
  await expect(page.getByTestId('signin-password')).toHaveCount(0);
  await page.getByTestId('signin-idp-saml').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i, { timeout: 15_000 });
  const agent = await connectAgent(app.cdpPort);
  try {
    const idp = await idpPage(agent);
    await idp.locator('#username').fill('agent1');
    await idp.locator('#password').fill(labPassword('agent1'));
    await idp.locator('#login-submit').click();
  } finally {
    await agent.close();
  }
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await expect(page.getByTestId('session-transport')).toHaveText('CometD');
  const gws = originIn(await page.getByTestId('session-server').textContent());
  expect(gws).toBeDefined();
  await expectNoAxeViolations(page, 'gws-saml-signed-in');
  await page.screenshot({ path: join(SHOTS, 'gws-saml-signed-in.png'), fullPage: true });

  // Ready, then Not Ready with a reason of the agent-states settings.
  await page.getByTestId('status-option-Ready').click();
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);
  await page.getByTestId('status-option-NotReady').click();
  await page.getByTestId('reason-select').selectOption({ label: 'Lunch' });
  await page.getByTestId('status-apply').click();
  await expect(page.getByTestId('agent')).toContainText('Lunch');
  await expectNoAxeViolations(page, 'gws-not-ready-lunch');
  await page.screenshot({ path: join(SHOTS, 'gws-not-ready-lunch.png'), fullPage: true });

  // A supervisor's change arrives over CometD.
  await labControl(gws!, 'setAgentState', { userName: 'agent1', state: 'NotReady', reason: 'Meeting' });
  await expect(page.getByTestId('agent')).toContainText('Meeting', { timeout: 10_000 });

  // The CometD link drops; a change made meanwhile shows once the link is back (state re-read).
  await labControl(gws!, 'dropCometd', {});
  await labControl(gws!, 'setAgentState', { userName: 'agent1', state: 'AfterCallWork' });
  await expect(page.getByTestId('agent-status')).toContainText('After Call Work', { timeout: 15_000 });
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 15_000 });
  await labControl(gws!, 'setAgentState', { userName: 'agent1', state: 'Ready' });
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/, { timeout: 10_000 });
  await expectNoAxeViolations(page, 'gws-after-cometd-drop');
  await page.screenshot({ path: join(SHOTS, 'gws-after-cometd-drop.png'), fullPage: true });

  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 });
});

test('a GWS session the server invalidates ends with a clear message', async ({ page }) => {
  await page.goto(app.launchUrl);
  await page.getByTestId('profile-item-lab-gws-agent1-basic').click();
  await page.getByTestId('signin-username').fill('agent1');
  await page.getByTestId('signin-password').fill(labPassword('agent1'));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  const gws = originIn(await page.getByTestId('session-server').textContent());
  await labControl(gws!, 'invalidateSession', { userName: 'agent1' });
  await expect(page.getByTestId('session-error')).toContainText('The server ended your GWS session', { timeout: 15_000 });
  await expectNoAxeViolations(page, 'gws-session-ended');
  await page.screenshot({ path: join(SHOTS, 'gws-session-ended.png'), fullPage: true });
});
