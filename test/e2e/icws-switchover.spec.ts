// Switchover while signed in (issue 3): `patchbay start` on the built-in lab with time running 20x
// faster (PATCHBAY_TIME_SCALE), sign in on the lab switchover pair's primary, go "Away from desk",
// switch the primary over: the session card says "Reconnecting — next attempt in N s", then the
// agent is signed in on the backup (127.0.0.2) with the status intact, and a supervisor change on
// the backup still arrives [ICWS-05, ICWS-06, ICWS-17..21].
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHOTS as shots, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

let app: RunningApp;
let launchUrl = '';

test.beforeAll(async () => {
  app = await startApp({ env: { PATCHBAY_TIME_SCALE: '20' } });
  launchUrl = app.launchUrl;
});

test.afterAll(async () => {
  await app?.stop();
});

test('a switchover moves the agent to the backup with the status intact [ICWS-05, ICWS-06, ICWS-19, ICWS-21]', async ({ page }) => {
  await page.goto(launchUrl);
  await page.getByTestId('profile-item-lab-icws-pair-agent1').click();
  await expect(page.getByTestId('signin-username')).toHaveValue('agent1');
  await page.getByTestId('signin-password').fill(labPassword('agent1'));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
  const primary = (await page.getByTestId('session-server').textContent())?.match(/http:\/\/127\.0\.0\.1:(\d+)/);
  expect(primary).toBeTruthy();
  const port = primary![1]!;

  await page.locator('[data-testid="status-option-Away from desk"]').click();
  await expect(page.getByTestId('agent-status')).toHaveText('Away from desk');

  const switched = await fetch(`${primary![0]}/lab/switchover`, { method: 'POST' });
  expect(switched.status).toBe(204);
  await expect(page.getByTestId('session-phase')).toContainText(/Reconnecting.*next attempt in \d+ s/);
  await expectNoAxeViolations(page, 'icws-switchover-reconnecting');
  await page.screenshot({ path: join(shots, 'icws-switchover-reconnecting.png'), fullPage: true });

  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await expect(page.getByTestId('session-server')).toContainText(`127.0.0.2:${port}`);
  // The pair keeps the status in the IC server: still "Away from desk" on the backup.
  await expect(page.getByTestId('agent-status')).toHaveText('Away from desk');

  // A supervisor changes the status on the backup; it is pushed over the new session's stream.
  const backup = `http://127.0.0.2:${port}`;
  const res = await fetch(`${backup}/lab/users/agent1/status`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ statusId: 'At Lunch' }) });
  expect(res.ok).toBe(true);
  await expect(page.getByTestId('agent-status')).toHaveText('At Lunch');
  await expectNoAxeViolations(page, 'icws-switchover-backup');
  await page.screenshot({ path: join(shots, 'icws-switchover-backup.png'), fullPage: true });

  await fetch(`${primary![0]}/lab/switchback`, { method: 'POST' });
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i);
});
