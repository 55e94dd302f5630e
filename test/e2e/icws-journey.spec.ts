// A newcomer's journey in the browser shell (Debian Chromium): `patchbay start` on the built-in lab,
// pick the lab ICWS profile, sign in, Available → Away (a reason-bearing status), see a supervisor's
// change arrive over server-sent events, sign out. Screenshots are kept under test-results/.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHOTS as shots, startApp, type RunningApp, signOutFromCard } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

let app: RunningApp | undefined;
let launchUrl = '';

test.beforeAll(async () => {
  // An empty data directory (under test-results/data/) = no real profiles: the app starts the lab.
  app = await startApp();
  launchUrl = app.launchUrl;
});

test.afterAll(async () => {
  await app?.stop();
});

test('an agent signs in to the lab ICWS, changes status, sees a supervisor change, signs out [ICWS-04, ICWS-15]', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  await page.goto(launchUrl);
  // The secret leaves the visible URL once read.
  await expect(page).not.toHaveURL(/secret=/);
  await expect(page.getByTestId('bridge-status')).toBeVisible();

  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await expect(page.getByTestId('signin-username')).toHaveValue('agent1');
  await page.getByTestId('signin-password').fill(labPassword('agent1'));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
  const server = (await page.getByTestId('session-server').textContent())?.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
  expect(server).toBeTruthy();

  await page.getByTestId('status-option-Available').click();
  await expect(page.getByTestId('agent-status')).toHaveText('Available');
  await page.locator('[data-testid="status-option-Away from desk"]').click();
  await expect(page.getByTestId('agent-status')).toHaveText('Away from desk');
  await expect(page.getByTestId('agent-status-since')).toBeVisible();

  // A supervisor changes the agent's status on the server; the change is pushed to the screen.
  const res = await fetch(`${server}/lab/users/agent1/status`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ statusId: 'At Lunch' }) });
  expect(res.ok).toBe(true);
  await expect(page.getByTestId('agent-status')).toHaveText('At Lunch');
  await expectNoAxeViolations(page, 'icws-signed-in');
  await page.screenshot({ path: join(shots, 'icws-signed-in.png'), fullPage: true });

  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i);
  await expectNoAxeViolations(page, 'icws-signed-out');
  await page.screenshot({ path: join(shots, 'icws-signed-out.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('a wrong password shows the server message and keeps the form', async ({ page }) => {
  await page.goto(launchUrl);
  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await page.getByTestId('signin-password').fill('not-the-password');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-error')).toContainText('The authentication process failed.');
  await expect(page.getByTestId('signin-submit')).toBeEnabled();
  await expect(page.getByTestId('signin-password')).toHaveValue('');
});

test('a Finesse agent signs in with extension, goes Not Ready (Lunch) then Ready, sees a supervisor change (Basic auth)', async ({ page }) => {
  await page.goto(launchUrl);
  await page.getByTestId('profile-item-lab-finesse-ucce-password').click();
  await expect(page.getByTestId('signin-username')).toHaveValue('jdoe');
  await page.getByTestId('signin-password').fill(labPassword('jdoe'));
  const extension = page.getByTestId('signin-extension');
  // The field appears once the sign-in options have loaded (UCCE: LOGIN needs the extension).
  await expect(extension).toBeVisible();
  await extension.fill('1001002');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 15_000 });
  const server = (await page.getByTestId('session-server').textContent())?.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];

  await page.getByTestId('status-option-NOT_READY').click();
  await page.getByTestId('reason-select').selectOption({ label: 'Lunch' });
  await page.getByTestId('status-apply').click();
  // Wait for the confirmed Not Ready (Lunch): the select's own "Lunch" option must not satisfy this.
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Not Ready\s*$/);
  await expect(page.getByTestId('agent-reason')).toHaveText('Lunch');
  await page.getByTestId('status-option-READY').click();
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);

  // A supervisor makes the agent Not Ready from the server side; the XMPP notification updates the screen.
  const res = await fetch(`${server}/lab/finesse/users/98412/state`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ state: 'NOT_READY', reasonCodeId: '2' }) });
  expect(res.ok).toBe(true);
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Not Ready\s*$/);
  await expectNoAxeViolations(page, 'finesse-signed-in');
  await page.screenshot({ path: join(shots, 'finesse-signed-in.png'), fullPage: true });
  await signOutFromCard(page);
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 });
});
