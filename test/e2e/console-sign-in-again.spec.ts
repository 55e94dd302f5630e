// Issue 13 item 7 in the browser shell, on the lab's Finesse SSO (UCCE, IdS + the lab SAML IdP): the
// agent types the IdP password once; when the sign-in lapses (tokens revoked while the IdP is down,
// and the IdS session dropped, so no silent way back), "Sign in again" happens in place — the card keeps the extension and never
// shows Sign in and Sign out together — and with the IdP back the second sign-in completes without
// the IdP asking for the password (the IdP session of the shift; with the IdS session dropped the IdP
// really is asked). After Sign out that session is gone: the next sign-in shows the IdP form.
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { connectAgent, idpPage, originIn, SHOTS, signOutFromCard, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labControl, labRequests } from './helpers/finesse.ts';
import { idpPassword } from './helpers/passwords.ts';

const PROFILE = 'lab-finesse-ucce-sso';
const USER_ID = '98411';
let app: RunningApp | undefined;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  app = await startApp({ cdp: true });
});
test.afterAll(async () => {
  await app?.stop();
});

/** Never "Sign in" and "Sign out" at once (issue 13 item 7). */
async function expectNotBoth(page: Page): Promise<void> {
  const signIn = (await page.getByTestId('signin-idp-finesse-sso').count()) + (await page.getByTestId('session-error-signin').count()) + (await page.getByTestId('session-error-retry').count());
  const signOut = (await page.getByTestId('signout').count()) + (await page.getByTestId('signout-reason').count());
  expect(signIn > 0 && signOut > 0, `sign in ${signIn}, sign out ${signOut}`).toBe(false);
}

/** Pages of the sign-in window showing the IdP's password form. */
async function idpForms(agent: Browser): Promise<number> {
  let n = 0;
  for (const p of agent.contexts().flatMap((c) => c.pages())) {
    if (!p.isClosed() && /\/saml\/sso(\?|$)/.test(p.url()) && (await p.locator('#login-form').count().catch(() => 0)) > 0) n += 1;
  }
  return n;
}

async function typeOnIdp(agent: Browser): Promise<void> {
  const idp = await idpPage(agent);
  await idp.locator('#username').fill('sjefferson');
  await idp.locator('#password').fill(idpPassword('sjefferson'));
  await idp.locator('#login-submit').click();
}

async function startSsoSignIn(page: Page): Promise<void> {
  const userName = page.getByTestId('signin-sso-username');
  if ((await userName.count()) > 0 && (await userName.inputValue()) === '') await userName.fill('sjefferson');
  const extension = page.getByTestId('signin-extension');
  await expect(extension).toBeVisible();
  if ((await extension.inputValue()) === '') await extension.fill('1001001');
  await page.getByTestId('signin-idp-finesse-sso').click();
}

test('Sign in again on a SAML profile happens in place, keeps extension and state picker, reuses the IdP session of the shift and loses it at sign-out (issue 13 item 7)', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(app!.launchUrl);
  await page.getByTestId(`profile-item-${PROFILE}`).click();
  await startSsoSignIn(page);
  let agent = await connectAgent(app!.cdpPort);
  try {
    // First sign-in of the shift: the agent types the IdP password.
    await typeOnIdp(agent);
    await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 30_000 });
    const server = originIn(await page.getByTestId('session-server').textContent())!;
    await page.getByTestId('status-option-NOT_READY').click();
    await page.getByTestId('reason-select').selectOption({ label: 'Lunch' });
    await page.getByTestId('status-apply').click();
    // Confirmed (after sign-in the agent is already Not Ready, so the reason is what changes).
    await expect(page.getByTestId('agent-reason')).toHaveText('Lunch');
    await expect(page.getByTestId('agent-status')).toContainText('Not Ready');
    await expectNotBoth(page);

    // The sign-in lapses with no silent way back: the IdS forgets its session, the IdP is down, the
    // tokens are revoked (the IdP's own session in the sign-in window's cookies stays).
    await labControl(server, '/lab/finesse/ids/sessions/drop');
    await labControl(server, '/lab/finesse/idp', { down: true });
    await labControl(server, '/lab/finesse/tokens/revoke', {}); // every grant: only this agent holds one
    await page.getByTestId('status-option-READY').click();
    await expect(page.getByTestId('session-phase')).toHaveAttribute('data-display', 'needs-sign-in', { timeout: 90_000 });
    await expectNotBoth(page);
    // In place: the same card offers the sign-in (a button, or the form itself), the agent's state is
    // still shown (not current), and the extension is kept.
    const again = page.getByTestId('session-error-signin');
    if ((await again.count()) > 0) await again.click();
    await expect(page.getByTestId('signin-idp-finesse-sso')).toBeVisible();
    await expect(page.getByTestId('agent-status')).toContainText('Not Ready');
    await expect(page.getByTestId('signin-extension')).toHaveValue('1001001');
    await expectNotBoth(page);
    await expectNoAxeViolations(page, 'needs sign-in, sign in again in place');
    await page.screenshot({ path: join(SHOTS, 'console-needs-sign-in.png'), fullPage: true });

    // The IdP is back; with no IdS session the IdP itself is asked — and answers from the shift's
    // IdP session: nobody types, yet the sign-in completes.
    await labControl(server, '/lab/finesse/idp', { down: false });
    await labControl(server, '/lab/finesse/ids/sessions/drop');
    const before = (await labRequests(server)).length;
    await page.getByTestId('signin-idp-finesse-sso').click();
    await expect(page.getByTestId('session-phase'))
      .toHaveAttribute('data-display', 'active', { timeout: 45_000 })
      .catch(async (error: unknown) => {
        const shown = await page.getByTestId('session-error').textContent().catch(() => '');
        const code = await page.getByTestId('session-error-code').textContent().catch(() => '');
        const pages = agent.contexts().flatMap((c) => c.pages()).map((p) => p.url());
        throw new Error(`not signed in again: ${shown} [${code}]; IdP forms ${await idpForms(agent)}; pages ${pages.join(' ')} — ${String(error)}`);
      });
    // A new token from the IdS (its session was dropped, so via the IdP), and no IdP form was shown.
    const renewed = (await labRequests(server)).slice(before).filter((r) => r.path === '/desktop/sso/token' && r.status === 200);
    expect(renewed.length).toBeGreaterThan(0);
    expect(await idpForms(agent)).toBe(0);
    // Kept: the state picker with the agent's state current, the extension on Finesse.
    await expect(page.getByTestId('status-option-NOT_READY')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('agent-status')).toContainText('Not Ready');
    const user = (await (await fetch(`${server}/lab/finesse/users/${USER_ID}`)).json()) as { state: string; extension: string };
    expect(user).toMatchObject({ state: 'NOT_READY', extension: '1001001' });
    await expectNotBoth(page);
    await page.screenshot({ path: join(SHOTS, 'console-signed-in-again.png'), fullPage: true });

    // Sign out clears the IdP session: the next sign-in asks for the password again.
    await signOutFromCard(page);
    await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 20_000 });
    await expectNotBoth(page);
    await startSsoSignIn(page);
    await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i, { timeout: 20_000 });
    // Sign-out closed the sign-in window's browser (its profile is gone); the new one listens on the same port.
    await agent.close().catch(() => undefined);
    agent = await connectAgent(app!.cdpPort);
    await typeOnIdp(agent); // idpPage waits for the IdP's password form: it is shown again
    await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 30_000 });
    await signOutFromCard(page);
    await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 20_000 });
  } finally {
    await agent.close().catch(() => undefined);
  }
});
