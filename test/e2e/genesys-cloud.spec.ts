// The Genesys Cloud journeys in the browser shell (issue 10). First the system browser (a page of the
// shell's Chromium) and the loopback redirect (RFC 8252). Then the agent signs in on the lab's login
// page (the test acts as the agent over the sign-in window's CDP port; the page redirects to the
// registered loopback address, which ends the sign-in), changes presence both ways, sees a
// conversation come and go, goes back to Idle from Not Responding in one click, survives a forced
// socket_closing with nothing missed, and a revoked token with no way to renew ends in one clear
// prompt with the last state marked not current. Screenshots under test-results/screenshots/.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { connectAgent, originIn, pageWith, SHOTS, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';

const PROFILE = 'lab-gc-agent2-window';
const USER = 'gc-agent2';
let app: RunningApp | undefined;

test.beforeAll(async () => {
  app = await startApp({ cdp: true });
});
test.afterAll(async () => {
  await app?.stop();
});

async function control(api: string, name: string, body: unknown = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${api}/lab/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok, `lab control ${name} answered ${res.status}`).toBe(true);
  return (await res.json()) as Record<string, unknown>;
}

async function labUser(api: string): Promise<{ presence?: string; routingStatus?: string; conversations: string[]; channels: number }> {
  const state = (await (await fetch(`${api}/lab/state`)).json()) as { users: { userName: string; presence?: string; routingStatus?: string; conversations: string[]; channels: number }[] };
  return state.users.find((u) => u.userName === USER)!;
}

const option = (page: Page, label: string) => page.locator('[data-testid^="status-option-"]', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });

test('the system browser and the loopback redirect: the agent signs in on the login page and returns to Patchbay [RFC 8252]', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(app!.launchUrl);
  await page.getByTestId('profile-item-lab-gc-agent1').click();
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you/i, { timeout: 15_000 });
  const agent = await connectAgent(app!.cdpPort);
  try {
    const login = await pageWith(agent, 'input[name=password]');
    await login.locator('input[name=username]').fill('gc-agent1');
    await login.locator('input[name=password]').fill('gc-agent1-lab-pw');
    await login.locator('button[type=submit]').click();
    // The one-shot loopback listener answers the browser with a page sending the agent back.
    await expect(login.locator('body')).toContainText(/Patchbay/i, { timeout: 15_000 });
    expect(new URL(login.url()).hostname).toBe('127.0.0.1');
    expect(login.url()).not.toMatch(/access_token|id_token/);
    await login.screenshot({ path: join(SHOTS, 'genesys-cloud-loopback-page.png') });
  } finally {
    await agent.close();
  }
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await expect(page.getByTestId('agent-status')).not.toHaveText('');
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 });
});

test('a Genesys Cloud agent signs in on the login page, works a shift and is told plainly when the sign-in is lost', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(app!.launchUrl);
  await page.getByTestId(`profile-item-${PROFILE}`).click();
  await expect(page.getByTestId('signin-password')).toHaveCount(0); // the password is typed on Genesys's page only
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you/i, { timeout: 15_000 });

  const agent = await connectAgent(app!.cdpPort);
  try {
    const login = await pageWith(agent, 'input[name=password]');
    await login.screenshot({ path: join(SHOTS, 'genesys-cloud-login-page.png') });
    await login.locator('input[name=username]').fill(USER);
    await login.locator('input[name=password]').fill('gc-agent2-lab-pw');
    await login.locator('button[type=submit]').click();
  } finally {
    await agent.close();
  }
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await expect(page.getByTestId('session-transport')).toBeVisible();
  const api = originIn(await page.getByTestId('session-server').textContent())!;
  expect(api).toBeTruthy();
  expect((await labUser(api)).channels).toBe(1);
  await expectNoAxeViolations(page, 'genesys-cloud-signed-in');
  await page.screenshot({ path: join(SHOTS, 'genesys-cloud-signed-in.png'), fullPage: true });

  // Presence: Patchbay → Genesys, then a supervisor → Patchbay.
  await option(page, 'On Queue').click();
  await expect(page.getByTestId('agent-status')).toHaveText('On Queue');
  await expect.poll(async () => (await labUser(api)).presence?.replace(/[^A-Za-z]/g, '').toUpperCase()).toBe('ONQUEUE');
  await control(api, 'setPresence', { userName: USER, systemPresence: 'Break' });
  await expect(page.getByTestId('agent-status')).toHaveText('Break');
  await option(page, 'On Queue').click();
  await expect(page.getByTestId('agent-status')).toHaveText('On Queue');

  // Not Responding → Idle in one click.
  await control(api, 'setRoutingStatus', { userName: USER, status: 'NOT_RESPONDING' });
  await expect(page.getByTestId('agent')).toContainText('Not Responding');
  await expectNoAxeViolations(page, 'genesys-cloud-not-responding');
  await page.screenshot({ path: join(SHOTS, 'genesys-cloud-not-responding.png'), fullPage: true });
  await page.getByTestId('agent-quick-action').click();
  await expect(page.getByTestId('agent')).toContainText('Idle');
  await expect.poll(async () => (await labUser(api)).routingStatus).toBe('IDLE');

  // A conversation shown and gone.
  const { id } = (await control(api, 'startConversation', { userName: USER, ani: 'tel:+15550142' })) as { id: string };
  await expect(page.getByTestId(`call-${id}`)).toContainText('+15550142');
  await expectNoAxeViolations(page, 'genesys-cloud-conversation');
  await page.screenshot({ path: join(SHOTS, 'genesys-cloud-conversation.png'), fullPage: true });
  await control(api, 'endConversation', { id });
  await expect(page.getByTestId('session-calls')).toHaveCount(0);

  // socket_closing: a new socket, and the events after it all arrive.
  expect((await control(api, 'socketClosing', { userName: USER })).sockets).toBe(1);
  for (const presence of ['Meal', 'Training', 'On Queue']) {
    await control(api, 'setPresence', { userName: USER, systemPresence: presence === 'On Queue' ? 'OnQueue' : presence });
    await expect(page.getByTestId('agent-status')).toHaveText(presence);
  }
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);

  // The token is revoked and the login service is down: no renewal is possible.
  await control(api, 'setLoginAvailable', { on: false });
  await control(api, 'revokeTokens', { userName: USER });
  await expect(page.getByTestId('session-error')).toContainText(/fresh sign-in/i, { timeout: 60_000 });
  await expect(page.getByTestId('agent')).toHaveAttribute('data-stale', 'true');
  await expect(page.getByTestId('agent')).toContainText('may not be current');
  await expect(page.getByTestId('signin-submit')).toBeVisible();
  await expectNoAxeViolations(page, 'genesys-cloud-sign-in-lost');
  await page.screenshot({ path: join(SHOTS, 'genesys-cloud-sign-in-lost.png'), fullPage: true });
  await control(api, 'setLoginAvailable', { on: true });
});
