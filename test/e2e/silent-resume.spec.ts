// Silent resume in the browser shell (issue 5's done-when, CARD-02): a Finesse SSO agent signs in
// (the IdS gives a refresh token, kept in the OS keychain only), quits Patchbay (SIGTERM: the shell
// closes without signing out on the server), starts it again with the same data directory and
// keychain, and is signed in with no prompt — no sign-in window, no form. Signing out deletes the
// keychain entry; the next start is signed out and tries no resume.
//
// The lab runs on its own here (`node lab/index.ts`, as `npm run lab`) so it outlives the app, and
// its UCCX SSO profile reaches the app as an IT-preconfigured profile (PATCHBAY_POLICY_FILE): with a
// real profile configured, `patchbay start` starts no embedded lab of its own. Needs a Secret
// Service: `npm test` runs inside one (.ci/run: dbus-run-session + an unlocked gnome-keyring).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import keytar from 'keytar';
import { connectAgent, idpPage, keychainServiceFor, newDataDir, originIn, ROOT, SHOTS, startApp, type RunningApp, signOutFromCard } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { labControl, labRequests } from './helpers/finesse.ts';
import { idpPassword } from './helpers/passwords.ts';

const PROFILE = 'lab-finesse-uccx-sso';
const ACCOUNT = `${PROFILE}:refresh-token`;

let lab: ChildProcess | undefined;
let dataDir = '';
// The app on dataDir keeps its keychain entries under its own service (helpers/app.ts).
let SECRET_SERVICE = '';
let policyFile = '';
const apps: RunningApp[] = [];

const hasKeyring = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);

async function startLabProcess(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  lab = spawn(process.execPath, [join(ROOT, 'lab', 'index.ts'), '--profiles-out', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  lab.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await expect
    .poll(
      () => {
        if (lab?.exitCode !== null) throw new Error(`the lab stopped: ${stderr.slice(-1000)}`);
        return readdirSync(dir).includes(`${PROFILE}.json`);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

async function start(): Promise<RunningApp> {
  const app = await startApp({ dataDir, cdp: true, env: { PATCHBAY_POLICY_FILE: policyFile } });
  apps.push(app);
  return app;
}

/** Log events of the app's data directory (JSON lines, every run appends). */
function logEvents(): { event: string; profileId?: string; phase?: string }[] {
  const text = readFileSync(join(dataDir, 'logs', 'patchbay.log'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event: string; profileId?: string; phase?: string });
}

test.beforeAll(async () => {
  test.skip(!hasKeyring, 'silent resume needs a Secret Service: run inside dbus-run-session with an unlocked gnome-keyring (.ci/run)');
  dataDir = await newDataDir('silent-resume');
  SECRET_SERVICE = keychainServiceFor(dataDir);
  const labDir = `${dataDir}-lab`;
  await startLabProcess(labDir);
  // IT's profiles are real ones: no `lab` mark (policy.ts refuses it), no fixture password.
  const { fixturePassword: _password, lab: _lab, ...profile } = JSON.parse(readFileSync(join(labDir, `${PROFILE}.json`), 'utf8')) as Record<string, unknown>;
  policyFile = join(`${dataDir}-lab`, 'policy.json');
  await writeFile(policyFile, JSON.stringify({ profiles: [profile], silentResume: true }));
  await keytar.deletePassword(SECRET_SERVICE, ACCOUNT).catch(() => false);
});

test.afterAll(async () => {
  for (const app of apps) await app.stop();
  if (lab && lab.exitCode === null) {
    const exited = new Promise((r) => lab!.once('exit', r));
    lab.kill('SIGTERM');
    await exited;
  }
  if (hasKeyring) await keytar.deletePassword(SECRET_SERVICE, ACCOUNT).catch(() => false);
});

test('an agent who quit Patchbay is signed in again at start with no prompt; sign-out forgets it [CARD-02, FIN-13]', async ({ page }) => {
  test.setTimeout(120_000);
  // 1. Sign in with single sign-on, go Ready.
  const first = await start();
  await page.goto(first.launchUrl);
  await page.getByTestId(`profile-item-${PROFILE}`).click();
  await expect(page.getByTestId('signin-password')).toHaveCount(0);
  await page.getByTestId('signin-extension').fill('3003');
  await page.getByTestId('signin-idp-finesse-sso').click();
  const agent = await connectAgent(first.cdpPort);
  try {
    const idp = await idpPage(agent);
    await idp.locator('#username').fill('agent3');
    await idp.locator('#password').fill(idpPassword('agent3'));
    await idp.locator('#login-submit').click();
  } finally {
    await agent.close();
  }
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await page.getByTestId('status-option-READY').click();
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);
  const server = originIn(await page.getByTestId('session-server').textContent());
  expect(server).toBeTruthy();
  // The refresh token is in the keychain (never in a file: the secret scan checks the data dir).
  await expect.poll(async () => (await keytar.getPassword(SECRET_SERVICE, ACCOUNT)) !== null).toBe(true);

  // 2. Quit: the shell stops without signing the agent out on the server.
  expect(await first.stop()).toBe(0);
  const stillThere = (await (await fetch(`${server}/lab/finesse/users/agent3`)).json()) as { state?: string };
  expect(stillThere.state).toBe('READY');
  await labControl(server!, '/lab/finesse/requests/clear');
  const eventsBefore = logEvents().length;

  // 3. Start again: signed in with no prompt, the agent's state on screen.
  const second = await start();
  await page.goto(second.launchUrl);
  await page.getByTestId(`profile-item-${PROFILE}`).click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
  await expect(page.getByTestId('agent-status')).toHaveText(/^\s*Ready\s*$/);
  await expect(page.getByTestId('signin-extension')).toHaveCount(0);
  await expectNoAxeViolations(page, 'silent-resume-signed-in');
  await page.screenshot({ path: join(SHOTS, 'silent-resume-signed-in.png'), fullPage: true });
  const resumed = logEvents().slice(eventsBefore);
  // No prompt: the session never waited for the agent, and no sign-in window opened.
  expect(resumed.some((e) => e.event === 'session.resume' && e.profileId === PROFILE)).toBe(true);
  expect(resumed.some((e) => e.event === 'session.transition' && e.phase === 'awaiting-user')).toBe(false);
  expect(resumed.some((e) => e.event === 'login-window.open')).toBe(false);
  const requests = await labRequests(server!);
  // The refresh token over HTTP (FIN-13's GET form), no interactive token fetch (its 302 to the IdS).
  expect(requests.some((r) => r.path === '/desktop/sso/token' && r.status === 200)).toBe(true);
  expect(requests.some((r) => r.path === '/desktop/sso/token' && r.status === 302)).toBe(false);

  // 4. Sign out: the keychain entry is gone.
  await signOutFromCard(page);
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 });
  await expect.poll(async () => keytar.getPassword(SECRET_SERVICE, ACCOUNT)).toBeNull();
  const loggedOut = (await (await fetch(`${server}/lab/finesse/users/agent3`)).json()) as { state?: string };
  expect(loggedOut.state).toBe('LOGOUT');
  expect(await second.stop()).toBe(0);

  // 5. Start again: signed out, no resume attempted.
  const eventsBeforeThird = logEvents().length;
  const third = await start();
  await page.goto(third.launchUrl);
  await page.getByTestId(`profile-item-${PROFILE}`).click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i);
  await expect(page.getByTestId('signin-extension')).toBeVisible();
  expect(logEvents().slice(eventsBeforeThird).some((e) => e.event === 'session.resume')).toBe(false);
  await expectNoAxeViolations(page, 'silent-resume-after-sign-out');
  await page.screenshot({ path: join(SHOTS, 'silent-resume-after-sign-out.png'), fullPage: true });
});
