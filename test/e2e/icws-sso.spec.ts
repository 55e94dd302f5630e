// The single sign-on journey in the browser shell (Debian Chromium): `patchbay start` on the built-in
// lab, pick the lab ICWS SSO profile, press the identity provider's button, and — acting as the agent
// in the LoginWindow, reached through its CDP port (PATCHBAY_LOGIN_WINDOW_CDP_PORT, see
// main/browser-shell/login-window.ts) — type the lab IdP's user name and password. The session becomes
// active [ICWS-08, ICWS-10, ICWS-11, ICWS-14]. Then the agent closes the sign-in window: the card
// says so. Screenshots are kept under test-results/.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { connectAgent as attach, idpPage, SHOTS as shots, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

let app: RunningApp;
let launchUrl = '';
const connectAgent = () => attach(app.cdpPort);

test.beforeAll(async () => {
  app = await startApp({ cdp: true });
  launchUrl = app.launchUrl;
});

test.afterAll(async () => {
  await app?.stop();
});

test('an agent signs in to the lab ICWS through the lab IdP in the sign-in window [ICWS-08, ICWS-10, ICWS-11, ICWS-14]', async ({ page }) => {
  await page.goto(launchUrl);
  await page.getByTestId('profile-item-lab-icws-agent1-sso').click();
  // [ICWS-08] the server's identity provider is offered as a button; no password field here.
  const idpButton = page.getByTestId('signin-idp-lab-saml-idp');
  await expect(idpButton).toBeVisible();
  await expect(page.getByTestId('signin-password')).toHaveCount(0);
  await idpButton.click();

  // The sign-in window is open and waits for the agent.
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i);
  await expect(page.getByTestId('session-phase')).toHaveAttribute('data-display', 'signing-in');
  await expectNoAxeViolations(page, 'icws-sso-awaiting-user');
  await page.screenshot({ path: join(shots, 'icws-sso-awaiting-user.png'), fullPage: true });
  const agent = await connectAgent();
  try {
    const idp = await idpPage(agent);
    await idp.screenshot({ path: join(shots, 'icws-sso-idp-page.png') });
    await idp.locator('#username').fill('agent1');
    await idp.locator('#password').fill(labPassword('agent1'));
    await idp.locator('#login-submit').click();
  } finally {
    await agent.close();
  }

  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await expect(page.getByTestId('agent-status')).toBeVisible();
  await expectNoAxeViolations(page, 'icws-sso-signed-in');
  await page.screenshot({ path: join(shots, 'icws-sso-signed-in.png'), fullPage: true });
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i);
});

test('closing the sign-in window ends the sign-in with a message, nothing half signed in', async ({ page }) => {
  await page.goto(launchUrl);
  await page.getByTestId('profile-item-lab-icws-agent1-sso').click();
  await page.getByTestId('signin-idp-lab-saml-idp').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i);
  const agent = await connectAgent();
  try {
    await (await idpPage(agent)).close();
  } finally {
    await agent.close();
  }
  await expect(page.getByTestId('session-error')).toContainText('The sign-in window was closed before the sign-in finished.');
  await expect(page.getByTestId('session-phase')).not.toHaveText(/signed in/i);
  await expectNoAxeViolations(page, 'icws-sso-cancelled');
  await page.screenshot({ path: join(shots, 'icws-sso-cancelled.png'), fullPage: true });
});
