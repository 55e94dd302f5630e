// Issue 13 items 10 and 12 in the browser shell (real core and lab): the console by keyboard alone
// (skip link, state group with arrow keys, focus kept after sign-in and after a state change, the
// Settings dialog's focus) and the look in the OS's light and dark schemes, with axe (colour
// contrast included) finding nothing in either. Screenshots of both go to test-results/.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
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

const focusedTestId = (page: Page) => page.evaluate(() => (document.activeElement === document.body ? '<body>' : (document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? 'none')));

for (const scheme of ['light', 'dark'] as const) {
  test(`${scheme} scheme follows the OS; axe color-contrast finds nothing signed out, signed in and in Settings (issue 13 item 12)`, async ({ page }) => {
    if (!app) throw new Error('app did not start');
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(app.launchUrl);
    // The scheme really changed the page (not one palette checked twice).
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor || getComputedStyle(document.documentElement).backgroundColor);
    const dark = await page.evaluate(() => {
      const [r = 255, g = 255, b = 255] = (getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g) ?? []).map(Number);
      return (r + g + b) / 3 < 128;
    });
    expect(dark, `page background ${bg} in ${scheme}`).toBe(scheme === 'dark');
    await page.getByTestId('profile-item-lab-icws-agent1').click();
    await expectNoAxeViolations(page, `${scheme}: signed out`);
    await page.screenshot({ path: join(shots, `console-${scheme}-signed-out.png`) });
    await page.getByTestId('signin-password').fill(labPassword('agent1'));
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
    await page.getByTestId('status-option-Available').click();
    await expect(page.getByTestId('status-bar-state')).toContainText('Available');
    await expectNoAxeViolations(page, `${scheme}: signed in, Available`);
    await page.screenshot({ path: join(shots, `console-${scheme}-signed-in.png`) });
    await page.getByTestId('settings-open').click();
    await expect(page.getByTestId('setting-logLevel')).toBeVisible();
    await expectNoAxeViolations(page, `${scheme}: Settings open`);
    await page.screenshot({ path: join(shots, `console-${scheme}-settings.png`) });
    await page.keyboard.press('Escape');
    await page.getByTestId('signout').click();
    await expect(page.getByTestId('status-bar-health')).toContainText(/signed out/i);
  });
}

test('keyboard only: skip link, sign-in keeps focus, arrows in the state group, Settings dialog focus (issue 13 item 10)', async ({ page }) => {
  if (!app) throw new Error('app did not start');
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(app.launchUrl);
  await expect(page.getByTestId('bridge-status')).toHaveAttribute('data-state', 'open');
  // The first Tab stop is the skip link; Enter moves focus to the pinned status bar.
  await page.keyboard.press('Tab');
  expect(await focusedTestId(page)).toBe('skip-to-status');
  await page.keyboard.press('Enter');
  expect(await focusedTestId(page)).toBe('status-bar');

  await page.getByTestId('profile-item-lab-icws-agent1').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('signin-password').focus();
  await page.keyboard.type(labPassword('agent1'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
  // After sign-in the focus is on the state group, not lost to <body>.
  await expect.poll(() => focusedTestId(page)).toMatch(/^status-option-/);
  await expectNoAxeViolations(page, 'keyboard: signed in');

  // One Tab stop for the group; arrows move, Enter sets; focus stays on the pressed button.
  const ids = await page.locator('[data-testid="status-options"] > button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-testid')));
  expect(await page.locator('[data-testid="status-options"] > button[tabindex="0"]').count()).toBe(1);
  const available = ids.indexOf('status-option-Available');
  await page.getByTestId(ids[0]!).focus();
  for (let i = 0; i < available; i++) await page.keyboard.press('ArrowRight');
  expect(await focusedTestId(page)).toBe('status-option-Available');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status-bar-state')).toContainText('Available');
  await expect(page.getByTestId('status-option-Available')).toHaveAttribute('aria-pressed', 'true');
  expect(await focusedTestId(page)).toBe('status-option-Available');
  await page.keyboard.press('End');
  expect(await focusedTestId(page)).toBe(ids[ids.length - 1]);
  await page.keyboard.press('Home');
  expect(await focusedTestId(page)).toBe(ids[0]);

  // Settings: focus moves in, Tab stays inside, Escape closes and focus returns to the button.
  await page.getByTestId('settings-open').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('settings-panel')).toBeVisible();
  await expect(page.getByTestId('setting-logLevel')).toBeVisible();
  const inside = () => page.evaluate(() => document.querySelector('[data-testid="settings-panel"]')?.contains(document.activeElement) ?? false);
  expect(await inside()).toBe(true);
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press('Tab');
    expect(await inside(), `focus inside Settings after ${i + 1} Tab`).toBe(true);
  }
  await page.keyboard.press('Shift+Tab');
  expect(await inside()).toBe(true);
  await expectNoAxeViolations(page, 'keyboard: Settings open');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-panel')).toHaveCount(0);
  expect(await focusedTestId(page)).toBe('settings-open');

  await page.getByTestId('signout').click();
  await expect(page.getByTestId('status-bar-health')).toContainText(/signed out/i);
});

test('Ready / Not Ready keyboard shortcuts in the browser window, changed in Settings (issue 13 item 10)', async ({ page }) => {
  if (!app) throw new Error('app did not start');
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(app.launchUrl);
  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await page.getByTestId('signin-password').fill(labPassword('agent1'));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
  // The sign-in has settled (its state shown and marked current in the picker) before the first key,
  // as for an agent: CI once lost a press made in the same instant as the sign-in's last update.
  await expect(page.getByTestId('status-bar-state')).not.toHaveClass(/kind-unknown/);
  await expect(page.locator('[data-testid="status-options"] > button[aria-pressed="true"]')).toHaveCount(1);
  // Defaults: CommandOrControl+Alt+R / +N (Ctrl here). Not Ready first: an earlier test may have
  // left the agent Ready, and then Ready's shortcut would change nothing.
  await page.keyboard.press('Control+Alt+KeyN');
  await expect(page.getByTestId('status-bar-state')).toHaveClass(/kind-not-ready/);
  await page.keyboard.press('Control+Alt+KeyR');
  await expect(page.getByTestId('status-bar-state')).toHaveClass(/kind-ready/);
  await page.keyboard.press('Control+Alt+KeyN');
  await expect(page.getByTestId('status-bar-state')).toHaveClass(/kind-not-ready/);

  await page.getByTestId('settings-open').click();
  await expect(page.getByTestId('setting-shortcut-ready')).toHaveValue('CommandOrControl+Alt+R');
  await page.getByTestId('setting-shortcut-ready').fill('R');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('setting-error-shortcutReady')).toBeVisible(); // a bare key is refused
  await expectNoAxeViolations(page, 'Settings: a refused shortcut');
  await page.getByTestId('setting-shortcut-ready').fill('Alt+Shift+F9');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-panel')).toHaveCount(0);
  await page.keyboard.press('Control+Alt+KeyR'); // the old keys do nothing now
  await expect(page.getByTestId('status-bar-state')).toHaveClass(/kind-not-ready/);
  await page.keyboard.press('Alt+Shift+F9');
  await expect(page.getByTestId('status-bar-state')).toHaveClass(/kind-ready/);

  await page.getByTestId('signout').click();
  await expect(page.getByTestId('status-bar-health')).toContainText(/signed out/i);
});
