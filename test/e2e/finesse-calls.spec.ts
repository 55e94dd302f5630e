// Issue 13 item 9 in the browser shell: a Finesse call is rung by the lab, then answered, held,
// retrieved and released from the card; each step shows only once Finesse's dialog notification
// confirmed it, and only the actions Finesse offers are buttons. axe runs on the ringing banner.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHOTS as shots, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labRequests } from './helpers/finesse.ts';
import { labPassword } from './helpers/passwords.ts';

let app: RunningApp | undefined;

test.beforeAll(async () => {
  app = await startApp();
});
test.afterAll(async () => {
  await app?.stop();
});

test('a Finesse call rung, answered, held, retrieved and released from the card (issue 13 item 9)', async ({ page }) => {
  if (!app) throw new Error('app did not start');
  await page.goto(app.launchUrl);
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
  expect(server, 'the Finesse server shown').toBeTruthy();
  await page.getByTestId('status-option-READY').click();
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);

  // The lab rings a call to the agent (lab/README.md control POST /lab/finesse/users/{id}/dialogs).
  const rung = await fetch(`${server}/lab/finesse/users/98412/dialogs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fromAddress: '5550199' }) });
  expect(rung.status).toBe(201);
  const { dialogId: id } = (await rung.json()) as { dialogId: string };
  const banner = page.getByTestId(`ring-banner-${id}`);
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText('5550199');
  const row = page.getByTestId(`call-${id}`);
  await expect(row.getByRole('button')).toHaveText(['Answer']);
  await expectNoAxeViolations(page, 'ringing call banner');
  await page.screenshot({ path: join(shots, 'finesse-call-ringing.png'), fullPage: true });

  await row.getByRole('button', { name: 'Answer' }).click();
  await expect(page.getByTestId(`call-state-${id}`)).toHaveText('Connected');
  await expect(banner).toHaveCount(0);
  await expect(row.getByRole('button')).toHaveText(['Hold', 'Release']);
  await expect(page.getByTestId(`call-timer-${id}`)).toHaveText(/^\d{2}:\d{2}$/);
  await page.screenshot({ path: join(shots, 'finesse-call-connected.png'), fullPage: true });

  await row.getByRole('button', { name: 'Hold' }).click();
  await expect(page.getByTestId(`call-state-${id}`)).toHaveText('On hold');
  await expect(row.getByRole('button')).toHaveText(['Retrieve', 'Release']);
  await expectNoAxeViolations(page, 'call on hold');
  await page.screenshot({ path: join(shots, 'finesse-call-held.png'), fullPage: true });

  await row.getByRole('button', { name: 'Retrieve' }).click();
  await expect(page.getByTestId(`call-state-${id}`)).toHaveText('Connected');
  await row.getByRole('button', { name: 'Release' }).click();
  await expect(page.getByTestId(`call-${id}`)).toHaveCount(0);

  // Each action was one Dialog PUT the lab accepted.
  const puts = (await labRequests(server!)).filter((r) => r.method === 'PUT' && r.path === `/finesse/api/Dialog/${id}`);
  expect(puts.map((r) => r.status)).toEqual([202, 202, 202, 202]);
  await page.getByTestId('signout').click();
});
