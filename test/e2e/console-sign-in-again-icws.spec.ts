// Issue 13 item 7 for ICWS single sign-on, in the browser shell on the lab ICWS + lab SAML IdP. The
// agent types the IdP password once and goes "Away from desk". Then the session is lost in a way that
// needs the agent: the server ends it (lab kill, shouldReconnect true) while the IdP is down, so the
// automatic reconnect cannot get a new SSO token; its sign-in window shows the IdP's error and the
// agent closes it. "Sign in again" happens in place on the same card — the agent's state still shown
// (not current), never Sign in and Sign out at once — and with the IdP back the sign-in completes;
// the state and the picker are back as they were, and the IdP session of the shift is reused (no
// password form the second time). PATCHBAY_TIME_SCALE makes the 15–25 s reconnect wait about a second.
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { connectAgent, idpPage, originIn, SHOTS, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labPassword } from './helpers/passwords.ts';

const PROFILE = 'lab-icws-agent1-sso';
const IDP_BUTTON = 'signin-idp-lab-saml-idp';
let app: RunningApp | undefined;

test.beforeAll(async () => {
  app = await startApp({ cdp: true, env: { PATCHBAY_TIME_SCALE: '20' } });
});
test.afterAll(async () => {
  await app?.stop();
});

/** Never "Sign in" and "Sign out" at once (issue 13 item 7). */
async function expectNotBoth(page: Page): Promise<void> {
  const signIn = (await page.getByTestId(IDP_BUTTON).count()) + (await page.getByTestId('session-error-signin').count()) + (await page.getByTestId('session-error-retry').count());
  const signOut = (await page.getByTestId('signout').count()) + (await page.getByTestId('signout-reason').count());
  expect(signIn > 0 && signOut > 0, `sign in ${signIn}, sign out ${signOut}`).toBe(false);
}

/** The sign-in window's pages on the IdP (any: its form, or its error while down). */
function idpPages(agent: Browser): Page[] {
  return agent
    .contexts()
    .flatMap((c) => c.pages())
    .filter((p) => !p.isClosed() && /\/saml\/sso(\?|$)/.test(p.url()));
}

/** Pages of the sign-in window showing the IdP's password form. */
async function idpForms(agent: Browser): Promise<number> {
  let n = 0;
  for (const p of idpPages(agent)) if ((await p.locator('#login-form').count().catch(() => 0)) > 0) n += 1;
  return n;
}

async function labPost(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, `POST ${url}`).toBeLessThan(300);
}

test('Sign in again on an ICWS SSO profile happens in place, never with Sign out, keeps the state and the picker and reuses the IdP session of the shift (issue 13 item 7)', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(app!.launchUrl);
  await page.getByTestId(`profile-item-${PROFILE}`).click();
  await page.getByTestId(IDP_BUTTON).click();
  const agent = await connectAgent(app!.cdpPort);
  try {
    // First sign-in of the shift: the agent types the IdP password.
    const idp = await idpPage(agent);
    const idpOrigin = new URL(idp.url()).origin;
    await idp.locator('#username').fill('agent1');
    await idp.locator('#password').fill(labPassword('agent1'));
    await idp.locator('#login-submit').click();
    await expect(page.getByTestId('session-phase')).toHaveAttribute('data-display', 'active', { timeout: 30_000 });
    const server = originIn(await page.getByTestId('session-server').textContent())!;
    await page.getByTestId('status-option-Away from desk').click();
    await expect(page.getByTestId('agent-status')).toHaveText('Away from desk');
    await expectNotBoth(page);

    // The session is lost and cannot come back by itself: the IdP is down, then the server ends the
    // session (the client is told to reconnect, which needs a new SSO token from the IdP).
    await labPost(`${idpOrigin}/lab/down`, { down: true });
    const sessions = (await (await fetch(`${server}/lab/sessions`)).json()) as { sessionId: string; userId: string; connectionState: number }[];
    const live = sessions.filter((s) => s.userId === 'agent1' && s.connectionState === 1);
    expect(live).toHaveLength(1);
    await labPost(`${server}/lab/sessions/${live[0]!.sessionId}/kill`, { shouldReconnect: true });
    // The reconnect's sign-in window shows the IdP's error; the agent closes it.
    await expect
      .poll(
        async () => {
          for (const p of idpPages(agent)) await p.close().catch(() => undefined);
          return page.getByTestId('session-phase').getAttribute('data-display');
        },
        { timeout: 90_000, intervals: [500] },
      )
      .toBe('needs-sign-in');
    await expectNotBoth(page);
    // In place: the same card offers the sign-in, the agent's state is still shown (not current).
    const again = page.getByTestId('session-error-signin');
    if ((await again.count()) > 0) await again.click();
    await expect(page.getByTestId(IDP_BUTTON)).toBeVisible();
    await expect(page.getByTestId('agent-status')).toHaveText('Away from desk');
    await expect(page.getByTestId('agent')).toHaveAttribute('data-stale', 'true');
    await expect(page.getByTestId('status-bar-state')).toHaveAttribute('data-stale', 'true');
    await expectNotBoth(page);
    await expectNoAxeViolations(page, 'ICWS SSO needs sign-in, sign in again in place');
    await page.screenshot({ path: join(SHOTS, 'console-icws-needs-sign-in.png'), fullPage: true });

    // The IdP is back: Sign in again. The new session continues the failed one's cookie jar, so the
    // sign-in window finds the IdP session of the shift: nobody types, yet the sign-in completes.
    await labPost(`${idpOrigin}/lab/down`, { down: false });
    await page.getByTestId(IDP_BUTTON).click();
    let formsShown = 0;
    await expect
      .poll(
        async () => {
          formsShown = Math.max(formsShown, await idpForms(agent));
          return page.getByTestId('session-phase').getAttribute('data-display');
        },
        { timeout: 45_000, intervals: [250] },
      )
      .toBe('active');
    expect(formsShown, 'the IdP password form shown again').toBe(0);
    // Kept: the agent's state (the server's, confirmed again) and the picker with it current.
    await expect(page.getByTestId('agent-status')).toHaveText('Away from desk');
    await expect(page.getByTestId('agent')).not.toHaveAttribute('data-stale', 'true');
    await expect(page.getByTestId('status-option-Away from desk')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('status-bar-change')).toBeVisible();
    await expectNotBoth(page);
    await page.screenshot({ path: join(SHOTS, 'console-icws-signed-in-again.png'), fullPage: true });

    await page.getByTestId('signout').click();
    await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 20_000 });
    await expectNotBoth(page);
  } finally {
    await agent.close().catch(() => undefined);
  }
});
