// Issue 13 item 11: the agent switches Patchbay to German in Settings (browser shell, real core and
// lab) and sees German words on the sign-in form and the status bar; the choice survives a reload
// (saved in the settings file); then back to "same as the computer" (English here).
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHOTS as shots, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

let app: RunningApp | undefined;

test.beforeAll(async () => {
  app = await startApp();
});

test.afterAll(async () => {
  await app?.stop();
});

async function chooseLanguage(page: import('@playwright/test').Page, value: '' | 'de' | 'en'): Promise<void> {
  await page.getByTestId('settings-open').click();
  await page.getByTestId('setting-language').selectOption(value);
  await expectNoAxeViolations(page, `settings, choosing language '${value}'`);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await page.getByTestId('settings-close').click();
}

test('Settings → Deutsch: German on the sign-in form and status bar, kept after a reload, and back (issue 13 item 11)', async ({ page }) => {
  if (!app) throw new Error('app did not start');
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(app.launchUrl);
  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await expect(page.getByTestId('signin-submit')).toHaveText('Sign in');
  await expect(page.getByTestId('status-bar-health')).toContainText('Signed out');

  await chooseLanguage(page, 'de');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByTestId('signin-submit')).toHaveText('Anmelden');
  await expect(page.getByText('Benutzername', { exact: true })).toBeVisible();
  await expect(page.getByTestId('status-bar-health')).toContainText('Abgemeldet');
  await expect(page.getByTestId('settings-open')).toHaveText('Einstellungen');
  await expectNoAxeViolations(page, 'signed out, in German');

  // Saved in the settings file: a reload (or the next start) comes back in German.
  await page.reload();
  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await expect(page.getByTestId('signin-submit')).toHaveText('Anmelden');
  await page.getByTestId('signin-password').fill(labPassword('agent1'));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('status-bar-health')).toContainText('Angemeldet');
  await page.screenshot({ path: join(shots, 'console-language-de.png') });
  await expectNoAxeViolations(page, 'signed in, in German');

  await chooseLanguage(page, '');
  await expect(page.getByTestId('status-bar-health')).toContainText('Signed in');
  await expect(page.getByTestId('settings-open')).toHaveText('Settings');
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('signin-submit')).toHaveText('Sign in');
});
