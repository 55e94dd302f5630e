// The single sign-on journey in the browser shell (Debian Chromium): `patchbay start` on the built-in
// lab, pick the lab ICWS SSO profile, press the identity provider's button, and — acting as the agent
// in the LoginWindow, reached through its CDP port (PATCHBAY_LOGIN_WINDOW_CDP_PORT, see
// main/browser-shell/login-window.ts) — type the lab IdP's user name and password. The session becomes
// active [ICWS-08, ICWS-10, ICWS-11, ICWS-14]. Then the agent closes the sign-in window: the card
// says so. Screenshots are kept under test-results/.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');
let app: ChildProcess | undefined;
let launchUrl = '';
let stderr = '';
let cdpPort = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Attaches to the LoginWindow's browser; it starts with the first sign-in window, so wait for it. */
async function connectAgent(): Promise<Browser> {
  let browser: Browser | undefined;
  await expect
    .poll(
      async () => {
        browser = await chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`).catch(() => undefined);
        return browser !== undefined;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return browser!;
}

/** The agent's side: the LoginWindow's page showing the lab IdP's form (the newest one). */
async function idpPage(agent: Browser): Promise<Page> {
  let found: Page | undefined;
  await expect
    .poll(
      async () => {
        const pages = agent.contexts().flatMap((c) => c.pages()).filter((p) => !p.isClosed() && /\/saml\/sso(\?|$)/.test(p.url()));
        for (const p of pages.reverse()) {
          if ((await p.locator('#login-form').count().catch(() => 0)) > 0) {
            found = p;
            return true;
          }
        }
        return false;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return found!;
}

test.beforeAll(async () => {
  expect(existsSync(join(root, 'dist', 'renderer', 'index.html')), 'renderer build missing: run `npm run build:renderer`').toBe(true);
  const dataDir = await mkdtemp(join(tmpdir(), 'pb-e2e-sso-'));
  cdpPort = await freePort();
  app = spawn(process.execPath, [join(root, 'main', 'cli', 'patchbay.ts'), 'start', '--no-open'], {
    cwd: root,
    env: { ...process.env, PATCHBAY_DATA_DIR: dataDir, DISPLAY: '', PATCHBAY_LOGIN_WINDOW_CDP_PORT: String(cdpPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  launchUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`app did not start: ${out} ${stderr}`)), 30_000);
    app!.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /browser shell.*open (http:\/\/127\.0\.0\.1:\d+\/#secret=\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    app!.once('exit', (code) => reject(new Error(`app exited with ${code}: ${stderr}`)));
  });
});

test.afterAll(async () => {
  if (!app || app.exitCode !== null) return;
  const exited = new Promise((r) => app!.once('exit', r));
  app.kill('SIGTERM');
  await exited;
});

test('an agent signs in to the lab ICWS through the lab IdP in the sign-in window [ICWS-08, ICWS-10, ICWS-11, ICWS-14]', async ({ page }) => {
  await page.goto(launchUrl);
  await page.getByTestId('profile-item-lab-icws-agent1-sso').click();
  // [ICWS-08] the server's identity provider is offered as a button; no password field here.
  const idpButton = page.getByTestId('signin-idp-lab-saml-idp');
  await expect(idpButton).toBeVisible();
  await expect(page.getByTestId('signin-password')).toHaveCount(0);
  await idpButton.click();

  // The sign-in window is open and waits for the agent.
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i);
  await page.screenshot({ path: join(shots, 'icws-sso-awaiting-user.png'), fullPage: true });
  const agent = await connectAgent();
  try {
    const idp = await idpPage(agent);
    await idp.screenshot({ path: join(shots, 'icws-sso-idp-page.png') });
    await idp.locator('#username').fill('agent1');
    await idp.locator('#password').fill('agent1-lab-pw');
    await idp.locator('#login-submit').click();
  } finally {
    await agent.close();
  }

  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await expect(page.getByTestId('agent-status')).toBeVisible();
  await page.screenshot({ path: join(shots, 'icws-sso-signed-in.png'), fullPage: true });
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i);
});

test('closing the sign-in window ends the sign-in with a message, nothing half signed in', async ({ page }) => {
  await page.goto(launchUrl);
  await page.getByTestId('profile-item-lab-icws-agent1-sso').click();
  await page.getByTestId('signin-idp-lab-saml-idp').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you in the sign-in window/i);
  const agent = await connectAgent();
  try {
    await (await idpPage(agent)).close();
  } finally {
    await agent.close();
  }
  await expect(page.getByTestId('session-error')).toContainText('The sign-in window was closed before the sign-in finished.');
  await expect(page.getByTestId('session-phase')).not.toHaveText(/signed in/i);
  await page.screenshot({ path: join(shots, 'icws-sso-cancelled.png'), fullPage: true });
});
