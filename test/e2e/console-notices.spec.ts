// Issue 13 item 5: notices never cover controls, and errors stay until the agent dismisses them
// (WCAG 2.2.1). The app starts with the keychain unreachable (no D-Bus session: the keychain
// warning) and with its diagnostics folder blocked by a file (Export diagnostics fails: an error
// notice). Signed in to the lab ICWS, at 360 and 1366 px no notice's box overlaps the status bar,
// its "Change status" control or a state button, and at each control's centre the control itself
// is what the agent would click. The page's clock is Playwright's fake one: moved on a minute, the
// warning has gone by itself and the error is still there until dismissed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { newDataDir, SHOTS, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

let app: RunningApp | undefined;

test.beforeAll(async () => {
  const dataDir = await newDataDir('e2e-notices');
  // A file where the diagnostics folder goes: the export fails, which the renderer shows as an error notice.
  writeFileSync(join(dataDir, 'diagnostics'), 'not a folder\n');
  // No session bus: the keychain cannot be reached, so the app warns once and keeps sign-ins in memory.
  app = await startApp({ dataDir, env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/patchbay-e2e-no-bus' } });
});

test.afterAll(async () => {
  await app?.stop();
});

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxes(locator: Locator): Promise<{ name: string; box: Box }[]> {
  const out: { name: string; box: Box }[] = [];
  for (const item of await locator.all()) {
    const box = await item.boundingBox();
    if (box) out.push({ name: (await item.getAttribute('data-testid')) ?? '?', box });
  }
  return out;
}

/** The controls notices must never cover: the status bar, its picker button, the card's state buttons. */
function controls(page: Page): Locator {
  return page.locator('[data-testid="status-bar"], [data-testid="status-bar-change"], [data-testid^="status-option-"]');
}

/** byBox: compare boxes too (at the top of the page; scrolled, a notice in the page flow passes
 *  under the pinned bar, which then covers it — the hit test below is what counts there). */
async function expectNothingCovered(page: Page, width: number, byBox: boolean): Promise<void> {
  if (byBox) {
    const notices = await boxes(page.getByTestId('notice'));
    expect(notices.length, `notices shown at ${width} px`).toBeGreaterThanOrEqual(2);
    const targets = await boxes(controls(page));
    expect(targets.length).toBeGreaterThan(2);
    for (const notice of notices) {
      for (const target of targets) expect(overlaps(notice.box, target.box), `a notice over ${target.name} at ${width} px`).toBe(false);
    }
  }
  // And what the agent would click at each visible control's centre is the control itself.
  const covered = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="status-bar-change"], [data-testid^="status-option-"]')) {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      if (y < 0 || y > window.innerHeight || x < 0 || x > window.innerWidth) continue;
      const hit = document.elementFromPoint(x, y);
      if (!hit || !el.contains(hit)) out.push(`${el.dataset['testid'] ?? '?'} under ${hit?.closest('[data-testid]')?.getAttribute('data-testid') ?? hit?.tagName ?? 'nothing'}`);
    }
    return out;
  });
  expect(covered, `controls covered at ${width} px`).toEqual([]);
}

/** axe schedules its work with timers: while it runs, the paused page clock steps 1 ms at a time
 *  (far from any notice's lifetime), then stands still again. */
async function withTimersStepping<T>(page: Page, work: Promise<T>): Promise<T> {
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  while (!done) {
    await page.clock.runFor(1);
    await Promise.race([finished.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10))]);
  }
  return finished;
}

test('notices never cover the status bar or the state buttons at 360 and 1366 px; an error stays until dismissed (issue 13 item 5)', async ({ page }) => {
  test.setTimeout(150_000);
  if (!app) throw new Error('app did not start');
  await page.clock.install();
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(app.launchUrl);
  // The page's timers stand still from here: a notice's own lifetime cannot end it mid-test.
  await page.clock.pauseAt(Date.now() + 1_000);
  const keychain = page.getByTestId('notice').filter({ hasText: /keychain is not available/i });
  await expect(keychain).toBeVisible({ timeout: 20_000 });

  await page.getByTestId('profile-item-lab-icws-agent1').click();
  await page.getByTestId('signin-password').fill(labPassword('agent1'));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
  await expect(page.getByTestId('status-option-Available')).toBeVisible();

  await page.getByTestId('diagnostics-export').click();
  const error = page.locator('[data-testid="notice"].toast-error');
  await expect(error).toBeVisible();

  for (const [width, height] of [
    [360, 740],
    [1366, 768],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.evaluate(() => window.scrollTo(0, 0));
    // Nothing widens the page past the window (a docked 360 px window scrolls only down).
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `page width at ${width} px`).toBeLessThanOrEqual(width);
    await expectNothingCovered(page, width, true);
    await withTimersStepping(page, expectNoAxeViolations(page, `notices at ${width} px`));
    await expect(keychain, 'the warning is still shown while the clock stands').toBeVisible();
    await page.screenshot({ path: join(SHOTS, `console-notices-${width}.png`), fullPage: true });
    // Scrolled to the bottom: the pinned bar stays on top of everything, nothing over it.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expectNothingCovered(page, width, false);
  }

  // A minute on: the warning went by itself, the error stays until the agent dismisses it (WCAG 2.2.1).
  await page.clock.fastForward(60_000);
  await expect(keychain).toHaveCount(0);
  await expect(error).toBeVisible();
  // Time flows again (Playwright's click waits for animation frames, which a paused clock holds).
  await page.clock.resume();
  await error.getByRole('button', { name: 'Dismiss notice' }).click();
  await expect(error).toHaveCount(0);

  await page.setViewportSize({ width: 1366, height: 768 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('status-bar-health')).toContainText(/signed out/i);
});
