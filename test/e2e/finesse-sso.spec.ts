// The Cisco Finesse single sign-on journey in the browser shell (Debian Chromium), issue 4: an SSO
// agent of the lab's UCCE cluster (HYBRID: per-user mode) types only their user ID and extension in
// Patchbay (FIN-09); the sign-in window opens on the lab IdP's page, where the test — acting as the
// agent over the LoginWindow's CDP port — types the IdP password; the session becomes active. Then
// Ready → Not Ready (Lunch) → Ready, a token refresh with no prompt (the embedded lab's access tokens
// live 12 s here: PATCHBAY_LAB_FINESSE_TOKEN_SECONDS), and a failover to the secondary node with the
// agent's state kept. Screenshots are kept under test-results/screenshots/.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { connectAgent, idpPage, originIn, SHOTS, startApp, type RunningApp, signOutFromCard } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labControl, labRequests, recordSessionStates, secondaryOrigin, type SeenState } from './helpers/finesse.ts';
import { idpPassword } from './helpers/passwords.ts';

const PROFILE = 'lab-finesse-ucce-sso';
const TOKEN_SECONDS = 12;
let app: RunningApp | undefined;

test.beforeAll(async () => {
  app = await startApp({ cdp: true, env: { PATCHBAY_LAB_FINESSE_TOKEN_SECONDS: String(TOKEN_SECONDS) } });
});

test.afterAll(async () => {
  await app?.stop();
});

const mine = (seen: SeenState[]) => seen.filter((s) => s.profileId === PROFILE);

test('a Finesse SSO agent signs in on the IdP page, changes state, refreshes silently and survives a failover [FIN-01, FIN-09, FIN-10, FIN-11, FIN-12, FIN-13]', async ({ page }) => {
  test.setTimeout(120_000);
  const seen = recordSessionStates(page);
  await page.goto(app!.launchUrl);
  await page.getByTestId(`profile-item-${PROFILE}`).click();

  // FIN-09: user ID (the profile's, sjefferson, unless the form asks) and extension only; the
  // password is typed on the IdP's page.
  await expect(page.getByTestId('signin-extension')).toBeVisible();
  await expect(page.getByTestId('signin-password')).toHaveCount(0);
  const userName = page.getByTestId('signin-sso-username');
  if ((await userName.count()) > 0) await userName.fill('sjefferson');
  await page.getByTestId('signin-extension').fill('1001001');
  await expectNoAxeViolations(page, 'finesse-sso-form');
  await page.screenshot({ path: join(SHOTS, 'finesse-sso-form.png'), fullPage: true });
  await page.getByTestId('signin-idp-finesse-sso').click();

  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i, { timeout: 15_000 });
  const agent = await connectAgent(app!.cdpPort);
  try {
    const idp = await idpPage(agent);
    await idp.screenshot({ path: join(SHOTS, 'finesse-sso-idp-page.png') });
    await idp.locator('#username').fill('sjefferson');
    await idp.locator('#password').fill(idpPassword('sjefferson'));
    await idp.locator('#login-submit').click();
  } finally {
    await agent.close();
  }

  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  const primary = originIn(await page.getByTestId('session-server').textContent());
  expect(primary).toBeTruthy();
  const signInRequests = await labRequests(primary!);
  // FIN-11: REST with the IdS token (Bearer); FIN-10: every later call uses the loginId 98411.
  expect(signInRequests.some((r) => r.auth === 'bearer' && r.path.startsWith('/finesse/api/User/98411') && r.status < 300)).toBe(true);

  // Ready → Not Ready (Lunch) → Ready, each confirmed by the XMPP notification.
  await page.getByTestId('status-option-READY').click();
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);
  await page.getByTestId('status-option-NOT_READY').click();
  await page.getByTestId('reason-select').selectOption({ label: 'Lunch' });
  await page.getByTestId('status-apply').click();
  // The confirmed Not Ready (Lunch): the select's own "Lunch" option must not satisfy this.
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Not Ready\s*$/);
  await expect(page.getByTestId('agent-reason')).toHaveText('Lunch');
  await page.getByTestId('status-option-READY').click();
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);
  await expectNoAxeViolations(page, 'finesse-sso-signed-in');
  await page.screenshot({ path: join(SHOTS, 'finesse-sso-signed-in.png'), fullPage: true });

  // FIN-12/13: the token is refreshed at 75 % of its 12 s life, silently (no window, no prompt).
  const first = mine(seen).find((s) => s.token?.expiresAt)?.token;
  expect(first?.expiresAt).toBeTruthy();
  await expect
    .poll(() => mine(seen).some((s) => s.token?.expiresAt && Date.parse(s.token.expiresAt) > Date.parse(first!.expiresAt!)), { timeout: TOKEN_SECONDS * 1000 + 5_000 })
    .toBe(true);
  const later = mine(seen).filter((s) => s.token?.expiresAt).at(-1)!.token!;
  expect(Date.parse(later.refreshAt!)).toBeGreaterThan(Date.parse(first!.refreshAt!));
  await expect(page.getByTestId('session-token')).toContainText('expires');
  // The screen itself shows the renewed token's times.
  await expect
    .poll(async () => Date.parse((await page.getByTestId('session-token').getAttribute('data-expires-at')) ?? '') > Date.parse(first!.expiresAt!))
    .toBe(true);
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i);
  await expect(page.getByTestId('session-error')).toHaveCount(0);
  const afterRefresh = await labRequests(primary!);
  const refreshes = afterRefresh.slice(signInRequests.length).filter((r) => r.path === '/desktop/sso/token' && r.status === 200);
  expect(refreshes.length).toBeGreaterThan(0);
  // No window: nothing went back through the IdS authorize step (the IdP page) after sign-in.
  expect(afterRefresh.slice(signInRequests.length).some((r) => r.path.startsWith('/ids/'))).toBe(false);

  // Failover: the primary node goes down; REST and XMPP move to the secondary, the state stays.
  const secondary = await secondaryOrigin(primary!);
  await labControl(secondary, '/lab/finesse/nodes/primary/down');
  try {
    await expect(page.getByTestId('session-server')).toContainText(secondary, { timeout: 20_000 });
    await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
    await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);
    await expectNoAxeViolations(page, 'finesse-sso-failover');
    await page.screenshot({ path: join(SHOTS, 'finesse-sso-failover.png'), fullPage: true });
    // The secondary serves this agent now, with the token.
    const onSecondary = await labRequests(secondary);
    expect(onSecondary.some((r) => r.node === 'secondary' && r.auth === 'bearer' && r.status < 300)).toBe(true);
  } finally {
    await labControl(secondary, '/lab/finesse/nodes/primary/up');
  }

  // Signing out logs the agent out of the ACD too (UCCE: Not Ready first, with reason codes).
  await signOutFromCard(page);
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 });
  const after = (await (await fetch(`${secondary}/lab/finesse/users/98411`)).json()) as { state?: string };
  expect(after.state).toBe('LOGOUT');
});
