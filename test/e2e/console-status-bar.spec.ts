// Issue 13 item 1: the pinned status bar keeps the agent's state, timer and connection health in
// view at every window width an agent uses (docked 360/480 px, laptop 1366, full HD 1920), even
// with the page scrolled to the bottom. Screenshots go to test-results/ to be looked at.
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

test('the status bar stays in view with state, mm:ss timer and health at 360, 480, 1366 and 1920 px (issue 13 items 1, 13)', async ({ page }) => {
  if (!app) throw new Error('app did not start');
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(app.launchUrl);
  await expect(page.getByTestId('status-bar')).toBeVisible();
  // Item 13: the header pill names the app's own link, not a contact-center "Connected" while signed out.
  await expect(page.getByTestId('bridge-status')).toHaveText('App ready');
  await expect(page.getByTestId('bridge-status')).toHaveAttribute('title', /Patchbay's own background service/);
  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await expect(page.getByTestId('status-bar-health')).toContainText(/signed out/i);
  await expectNoAxeViolations(page, 'signed out, sign-in form');
  await page.getByTestId('signin-password').fill(labPassword('agent1'));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
  await page.getByTestId('status-option-Available').click();
  await expect(page.getByTestId('status-bar-state')).toContainText('Available');
  await expect(page.getByTestId('status-bar-timer')).toHaveText(/^\d{2}:\d{2}$|^\d+:\d{2}:\d{2}$/);
  await expect(page.getByTestId('status-bar-health')).toContainText(/signed in/i);
  await expectNoAxeViolations(page, 'signed in, Available');

  for (const [width, height] of [
    [360, 740],
    [480, 800],
    [1366, 768],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    // Scroll to the bottom: the bar must still be on screen, at the top.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const box = await page.getByTestId('status-bar').boundingBox();
    expect(box, `status bar at ${width} px`).not.toBeNull();
    expect(box!.y, `status bar top at ${width} px`).toBeLessThanOrEqual(1);
    expect(box!.x + box!.width, `status bar fits ${width} px`).toBeLessThanOrEqual(width + 1);
    await expect(page.getByTestId('status-bar-state')).toBeInViewport();
    await page.screenshot({ path: join(shots, `console-status-bar-${width}.png`) });
  }
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('status-bar-health')).toContainText(/signed out/i);
});

test('the state is changed from the bar itself at 360 and 1920 px, with no scrolling (issue 13 item 1)', async ({ page }) => {
  if (!app) throw new Error('app did not start');
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(app.launchUrl);
  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await page.getByTestId('signin-password').fill(labPassword('agent1'));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
  // A known start: Available, set on the card.
  await page.getByTestId('status-option-Available').click();
  await expect(page.getByTestId('status-bar-state')).toContainText('Available');

  for (const [width, height, from, to] of [
    [360, 740, 'Available', 'Away from desk'],
    [1920, 1080, 'Away from desk', 'Available'],
  ] as const) {
    await page.setViewportSize({ width, height });
    // The agent is wherever the page was scrolled (the bottom of the card here): the bar's control is
    // in view and the change happens there, so the page never has to move.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const scrolled = await page.evaluate(() => window.scrollY);
    const change = page.getByTestId('status-bar-change');
    await expect(change, `bar control at ${width} px`).toBeInViewport();
    await change.click();
    const panel = page.getByTestId('status-bar-panel');
    await expect(panel).toBeVisible();
    await expect(page.getByTestId(`status-bar-option-${from}`), 'the current state is marked').toHaveAttribute('aria-pressed', 'true');
    const option = page.getByTestId(`status-bar-option-${to}`);
    await expect(option, `the state at ${width} px`).toBeInViewport();
    expect(await page.evaluate(() => window.scrollY), `opening the bar's picker scrolled nothing at ${width} px`).toBe(scrolled);
    await expectNoAxeViolations(page, `status bar picker open at ${width} px`);
    await page.screenshot({ path: join(shots, `console-status-bar-picker-${width}.png`) });
    await option.click();
    await expect(page.getByTestId('status-bar-state')).toContainText(to);
    await expect(panel).toHaveCount(0);
    // Focus is back on the bar's button, still in view.
    await expect(change).toBeFocused();
    await expect(change).toBeInViewport();
    // The card agrees (the same state, marked current in its own picker).
    await expect(page.getByTestId(`status-option-${to}`)).toHaveAttribute('aria-pressed', 'true');
  }

  // Keyboard: open, arrows move within the states, Escape closes and returns focus to the button.
  const change = page.getByTestId('status-bar-change');
  await change.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status-bar-option-Available')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('status-bar-option-Available')).not.toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('status-bar-panel')).toHaveCount(0);
  await expect(change).toBeFocused();

  await page.setViewportSize({ width: 1366, height: 768 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('status-bar-health')).toContainText(/signed out/i);
});
