// Issue 13 item 6 in the browser shell, on the lab's Finesse (UCCE, Logout reason codes 11 End of
// shift / 12 Personal, Not Ready codes): both sign-out controls — the card's Sign out and the state
// picker's Logout — ask for the Logout reason in the same prompt, with nothing chosen; Cancel sends
// nothing to Finesse; signing out from Ready asks the agent's Not Ready reason too (UCCE signs out only
// from Not Ready) and Finesse gets exactly the reasons the agent picked.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { originIn, SHOTS, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labRequests } from './helpers/finesse.ts';
import { labPassword } from './helpers/passwords.ts';

const JDOE = '98412';
let app: RunningApp | undefined;

test.beforeAll(async () => {
  app = await startApp();
});
test.afterAll(async () => {
  await app?.stop();
});

async function labUser(server: string): Promise<{ state: string; reasonCodeId: string }> {
  return (await (await fetch(`${server}/lab/finesse/users/${JDOE}`)).json()) as { state: string; reasonCodeId: string };
}

/** The state changes Finesse received for the agent (PUT /User/{id}); the lab never records bodies. */
async function statePuts(server: string): Promise<number> {
  return (await labRequests(server)).filter((r) => r.method === 'PUT' && r.path === `/finesse/api/User/${JDOE}`).length;
}

async function expectAskedWithNothingChosen(page: Page): Promise<void> {
  const select = page.getByTestId('signout-reason-select');
  await expect(select).toBeVisible();
  await expect(select).toHaveValue('');
  await expect(select).toBeFocused();
  await expect(page.getByTestId('signout-reason')).toHaveCount(1);
}

test('both sign-out controls ask for the Logout reason, Cancel sends nothing, Finesse gets only the reasons picked (issue 13 item 6)', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(app!.launchUrl);
  await page.getByTestId('profile-item-lab-finesse-ucce-password').click();
  await expect(page.getByTestId('signin-username')).toHaveValue('jdoe');
  // First on a phone Finesse does not know: the display state "failed" (docs/console.md).
  await page.getByTestId('signin-password').fill(labPassword('jdoe'));
  await expect(page.getByTestId('signin-extension')).toBeVisible();
  await page.getByTestId('signin-extension').fill('9999999');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveAttribute('data-display', 'failed', { timeout: 20_000 });
  await expect(page.getByTestId('signout')).toHaveCount(0);
  await expectNoAxeViolations(page, 'display state failed');
  await page.screenshot({ path: join(SHOTS, 'console-display-failed.png'), fullPage: true });
  await page.getByTestId('signin-password').fill(labPassword('jdoe'));
  await page.getByTestId('signin-extension').fill('1001002');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  const server = originIn(await page.getByTestId('session-server').textContent())!;
  expect(server).toBeTruthy();
  await page.getByTestId('status-option-READY').click();
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);
  const before = await statePuts(server);

  // The card's Sign out: asked, nothing chosen; Cancel sends nothing.
  await page.getByTestId('signout').click();
  await expectAskedWithNothingChosen(page);
  await expectNoAxeViolations(page, 'sign-out reason prompt');
  await page.screenshot({ path: join(SHOTS, 'console-sign-out-reason.png'), fullPage: true });
  await page.getByTestId('signout-reason-cancel').click();
  await expect(page.getByTestId('signout-reason')).toHaveCount(0);

  // The state picker's Logout: the same prompt, nothing chosen; Cancel sends nothing.
  await page.getByTestId('status-option-LOGOUT').click();
  await expectAskedWithNothingChosen(page);
  await page.getByTestId('signout-reason-cancel').click();
  expect(await statePuts(server)).toBe(before);
  expect((await labUser(server)).state).toBe('READY');

  // A required reason not chosen sends nothing either.
  await page.getByTestId('status-option-LOGOUT').click();
  await page.getByTestId('signout-confirm').click();
  await expect(page.getByTestId('signout-reason').locator('.field-error')).toHaveText(/choose a reason/i);
  expect(await statePuts(server)).toBe(before);

  // The agent picks Personal (12); from Ready, UCCE needs Not Ready first: its reason is asked too.
  await page.getByTestId('signout-reason-select').selectOption({ label: 'Personal' });
  await page.getByTestId('signout-confirm').click();
  const notReady = page.getByTestId('signout-not-ready-select');
  await expect(notReady).toBeVisible();
  await expect(notReady).toHaveValue('');
  await expect(page.getByTestId('signout-reason-select')).toHaveValue('12');
  expect(await statePuts(server)).toBe(before); // refused before anything was sent
  expect((await labUser(server)).state).toBe('READY');
  await expectNoAxeViolations(page, 'sign-out not-ready-first prompt');
  await page.screenshot({ path: join(SHOTS, 'console-sign-out-not-ready-first.png'), fullPage: true });
  await notReady.selectOption({ label: 'Break' });
  await page.getByTestId('signout-confirm').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 });
  // Finesse: Not Ready (Break, 2) then Logout (Personal, 12) — the two reasons the agent picked.
  expect(await statePuts(server)).toBe(before + 2);
  expect(await labUser(server)).toMatchObject({ state: 'LOGOUT', reasonCodeId: '12' });
  await page.screenshot({ path: join(SHOTS, 'console-signed-out.png'), fullPage: true });
});
