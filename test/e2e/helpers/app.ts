// Shared e2e helpers: start the browser shell the way an agent does (`patchbay start --no-open`,
// embedded lab, Debian Chromium LoginWindow), with its data directory under test-results/data/ so
// the secret scan (test/scan-secrets.ts) reads what it left; act as the agent in the sign-in window
// over CDP (PATCHBAY_LOGIN_WINDOW_CDP_PORT, main/browser-shell/login-window.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import { freePort } from '../../../main/core/net/free-port.ts';

export { freePort };

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const SHOTS = join(ROOT, 'test-results', 'screenshots');

/** A fresh PATCHBAY_DATA_DIR under test-results/data/ (covered by the secret scan). */
export async function newDataDir(name: string): Promise<string> {
  const dir = join(ROOT, 'test-results', 'data', `${name}-${randomUUID().slice(0, 8)}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The keychain service an app on this data directory uses (PATCHBAY_KEYCHAIN_SERVICE): e2e specs run
 *  in parallel on one keyring and the lab's profile ids are the same in each, so every data directory
 *  keeps its keychain entries apart; a restart on the same directory finds its own again. */
export function keychainServiceFor(dataDir: string): string {
  return `Patchbay e2e ${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}

export interface StartAppOptions {
  /** Default: a new directory under test-results/data/. */
  dataDir?: string;
  /** Extra environment for the app (and its lab child process). */
  env?: Record<string, string>;
  /** Open the LoginWindow's CDP port so the test can act as the agent. */
  cdp?: boolean;
  /** Extra `patchbay start` arguments (e.g. --no-lab). */
  args?: string[];
}

export interface RunningApp {
  launchUrl: string;
  dataDir: string;
  /** The LoginWindow's CDP port (0 when not asked for). */
  cdpPort: number;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM (the shell quits without signing out on the server) and wait for the exit code. */
  stop(): Promise<number | null>;
}

export async function startApp(options: StartAppOptions = {}): Promise<RunningApp> {
  expect(existsSync(join(ROOT, 'dist', 'renderer', 'index.html')), 'renderer build missing: run `npm run build:renderer`').toBe(true);
  const dataDir = options.dataDir ?? (await newDataDir('e2e'));
  const cdpPort = options.cdp ? await freePort() : 0;
  // An empty data directory = no real profiles: the app starts the lab and preloads its profiles.
  const child = spawn(process.execPath, [join(ROOT, 'main', 'cli', 'patchbay.ts'), 'start', '--no-open', ...(options.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      PATCHBAY_DATA_DIR: dataDir,
      PATCHBAY_KEYCHAIN_SERVICE: keychainServiceFor(dataDir),
      DISPLAY: '',
      ...(options.cdp ? { PATCHBAY_LOGIN_WINDOW_CDP_PORT: String(cdpPort) } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const launchUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`app did not start: ${out} ${stderr.slice(-2000)}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /browser shell.*open (http:\/\/127\.0\.0\.1:\d+\/#secret=\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
  child.stdout?.resume();
  return {
    launchUrl,
    dataDir,
    cdpPort,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Attaches to the LoginWindow's browser; it starts with the first sign-in window, so wait for it. */
export async function connectAgent(cdpPort: number): Promise<Browser> {
  let browser: Browser | undefined;
  await expect
    .poll(
      async () => {
        // One attempt may hang on a browser still starting: bound it, and keep trying (CI once
        // needed more than 20 s in all at this step).
        browser = await chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`, { timeout: 5_000 }).catch(() => undefined);
        return browser !== undefined;
      },
      { timeout: 40_000 },
    )
    .toBe(true);
  return browser!;
}

/** The agent's side: the LoginWindow's page showing the lab IdP's form (the newest one). */
export async function idpPage(agent: Browser): Promise<Page> {
  let found: Page | undefined;
  // Returns what it saw while waiting, so a timeout names the sign-in window's pages (CI once found
  // none with the form in 20 s; the lab loads its SAML schema validator at the first request).
  await expect
    .poll(
      async () => {
        const open = agent.contexts().flatMap((c) => c.pages()).filter((p) => !p.isClosed());
        for (const p of open.filter((x) => /\/saml\/sso(\?|$)/.test(x.url())).reverse()) {
          if ((await p.locator('#login-form').count().catch(() => 0)) > 0) {
            found = p;
            return 'found';
          }
        }
        return `no lab IdP form; pages: ${open.map((p) => p.url().split('?')[0]).join(', ') || 'none'}`;
      },
      { timeout: 40_000 },
    )
    .toBe('found');
  return found!;
}

/** The agent's side on a third-party IdP (SimpleSAMLphp): the sign-in window's page showing `selector`. */
export async function pageWith(agent: Browser, selector: string): Promise<Page> {
  let found: Page | undefined;
  await expect
    .poll(
      async () => {
        const open = agent.contexts().flatMap((c) => c.pages()).filter((x) => !x.isClosed());
        for (const p of open) {
          if ((await p.locator(selector).count().catch(() => 0)) > 0) {
            found = p;
            return 'found';
          }
        }
        return `no ${selector}; pages: ${open.map((p) => p.url().split('?')[0]).join(', ') || 'none'}`;
      },
      { timeout: 40_000 },
    )
    .toBe('found');
  return found!;
}

/** The first http://127.0.0.1:<port> origin in a text (the session card's server line). */
export function originIn(text: string | null | undefined): string | undefined {
  return text?.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
}

/** Sign out from the session card; where the platform asks for a Logout reason (Finesse, issue 13
 *  item 6) the agent picks one — the test picks the first offered, never leaving it to a default;
 *  likewise the Not Ready reason UCCE needs before a sign-out from another state. */
export async function signOutFromCard(page: Page): Promise<void> {
  await page.getByTestId('signout').click();
  const select = page.getByTestId('signout-reason-select');
  const askedOrDone = await Promise.race([
    select.waitFor({ state: 'visible', timeout: 15_000 }).then(() => 'asked' as const),
    expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 }).then(() => 'done' as const),
  ]).catch(() => 'done' as const);
  if (askedOrDone === 'asked') {
    const first = await select.locator('option').nth(1).getAttribute('value');
    expect(first, 'a Logout reason is offered').toBeTruthy();
    await select.selectOption(first!);
    await page.getByTestId('signout-confirm').click();
  }
  // UCCE signs out only from Not Ready: from another state the agent's Not Ready reason is asked too.
  const notReady = page.getByTestId('signout-not-ready-select');
  const again = await Promise.race([
    notReady.waitFor({ state: 'visible', timeout: 15_000 }).then(() => 'asked' as const),
    expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 }).then(() => 'done' as const),
  ]).catch(() => 'done' as const);
  if (again === 'asked') {
    const reason = await notReady.locator('option').nth(1).getAttribute('value');
    expect(reason, 'a Not Ready reason is offered').toBeTruthy();
    await notReady.selectOption(reason!);
    await page.getByTestId('signout-confirm').click();
  }
}
