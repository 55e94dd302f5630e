// `npm start` / `patchbay start`: Electron when its binary is present, otherwise the browser shell,
// saying which in one line. With no real profiles configured, the embedded lab starts and its
// profiles are preloaded, so a newcomer sees the whole product with no contact center.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareAppWindow } from '../browser-shell/app-window.ts';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../browser-shell/login-window.ts';
import { createChromiumExternalBrowser, type ChromiumExternalBrowser } from '../browser-shell/external-browser.ts';
import { startBrowserShell } from '../browser-shell/server.ts';
import { bootCore } from '../core/app-core.ts';
import { ScaledClock, type Clock } from '../core/clock.ts';
import { PatchbayError } from '../core/errors.ts';
import { consoleSink } from '../core/log.ts';
import { loadPolicy } from '../core/settings/policy.ts';
import { countStoredProfiles } from '../core/settings/settings-store.ts';
import { REPO_ROOT, startLabProcess, type RunningLab } from './launch-lab.ts';
import { keepRunningOnStrayRejections } from '../core/process-guard.ts';

/** Same directory Electron's app.getPath('userData') gives for productName "Patchbay". */
export function userDataDir(): string {
  if (process.env.PATCHBAY_DATA_DIR) return process.env.PATCHBAY_DATA_DIR;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Patchbay');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Patchbay');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Patchbay');
}

export function electronBinary(): string | undefined {
  const candidates = ['electron', 'electron.exe', 'Electron.app/Contents/MacOS/Electron'].map((name) => join(REPO_ROOT, 'node_modules', 'electron', 'dist', name));
  return candidates.find((path) => existsSync(path));
}

/** PATCHBAY_TIME_SCALE=N (dev/test only): the core's timers run N times faster, so the reconnect
 *  schedule (15–25 s) can be watched on the lab in about a second at N = 20. */
export function timeScaleClock(value: string | undefined = process.env.PATCHBAY_TIME_SCALE): Clock | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const factor = Number(value);
  if (!Number.isFinite(factor) || factor <= 0 || factor > 10_000) {
    throw new PatchbayError('start.bad-time-scale', 'PATCHBAY_TIME_SCALE must be a number between 0 and 10000.', { action: 'none' });
  }
  return factor === 1 ? undefined : new ScaledClock(factor);
}

export async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { lab: { type: 'boolean' }, 'no-lab': { type: 'boolean' }, port: { type: 'string' }, 'no-open': { type: 'boolean' }, 'browser-shell': { type: 'boolean' } },
    strict: true,
  });
  const electron = values['browser-shell'] ? undefined : electronBinary();
  // Real profiles = the agent's own (settings) or IT's (policy); without any, the lab starts.
  const realProfiles = countStoredProfiles(userDataDir()) + loadPolicy().policy.profiles.length;
  const useLab = values.lab === true || (values['no-lab'] !== true && realProfiles === 0);
  let lab: RunningLab | undefined;
  if (useLab) lab = await startLabProcess();

  if (electron) {
    process.stdout.write(`Starting Patchbay in Electron${lab ? ', on the built-in lab' : ''}.\n`);
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_ROOT, 'tsconfig.electron.json')], { stdio: 'inherit' });
    const bundle = build.status === 0 ? spawnSync(process.execPath, [join(REPO_ROOT, 'main', 'electron', 'build', 'bundle-preload.ts')], { stdio: 'inherit' }) : build;
    if (bundle.status !== 0) {
      await lab?.stop();
      throw new PatchbayError('start.build-failed', 'Building the Electron main process failed (see above).', { action: 'none' });
    }
    const child = spawn(electron, [REPO_ROOT], { stdio: 'inherit', env: { ...process.env, ...(lab ? { PATCHBAY_LAB_PROFILES_DIR: lab.profilesDir } : {}) } });
    const code = await new Promise<number>((done) => child.once('exit', (exitCode) => done(exitCode ?? 0)));
    await lab?.stop();
    return code;
  }

  let loginWindow: ChromiumLoginWindow | undefined;
  let externalBrowser: ChromiumExternalBrowser | undefined;
  const rendererDir = join(REPO_ROOT, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    await lab?.stop();
    throw new PatchbayError('start.renderer-missing', 'The renderer is not built: run `npm run build:renderer` (npm start does it for you).', { action: 'none' });
  }
  // Settings, IT policy, log files, TLS + proxy, keychain: main/core/app-core.ts bootCore.
  const clock = timeScaleClock();
  if (clock) process.stdout.write(`Time runs ${process.env.PATCHBAY_TIME_SCALE}x faster (PATCHBAY_TIME_SCALE, for development and tests only).\n`);
  const booted = await bootCore({
    ...(clock ? { clock } : {}),
    dataDir: userDataDir(),
    shell: 'browser-shell',
    appVersion: appVersion(),
    fixedProfiles: lab?.profiles.map((file) => file.profile) ?? [],
    console: consoleSink(process.stderr),
    // SSO: the IdP's pages run in Debian Chromium (headed when a display exists), with the core's proxy.
    loginWindow: (proxy) => (loginWindow = createChromiumLoginWindow({ ...(proxy ? { proxy } : {}) })),
    // Genesys Cloud's "system browser" (RFC 8252): a page in that same Chromium, with its own cookies.
    externalBrowser: () => (externalBrowser = createChromiumExternalBrowser({ chromium: loginWindow! })),
  });
  const { manager, handler, log } = booted;
  keepRunningOnStrayRejections(log);
  const port = values.port === undefined ? 0 : Number(values.port);
  const shell = await startBrowserShell({ manager, handler, log, rendererDir, port });
  process.stdout.write(
    `Patchbay is running in the browser shell (no Electron binary here)${lab ? ', on the built-in lab' : ''}: open ${shell.launchUrl}\n`,
  );
  // CARD-02: profiles with a saved refresh token sign in again with no prompt.
  void manager.resumeAll().catch((error: unknown) => log.error('session.resume-all-failed', { error }));

  let browser: ReturnType<typeof spawn> | undefined;
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  if (!values['no-open'] && process.env.DISPLAY && chromium) {
    const profileDir = await mkdtemp(join(tmpdir(), 'patchbay-chromium-'));
    // Issue 8 item 9: the secret travels in an owner-only page, never on Chromium's command line.
    const app = prepareAppWindow(shell.launchUrl, profileDir);
    browser = spawn(chromium, app.args, { stdio: 'ignore' });
    const fallback = setTimeout(app.removePage, 60_000);
    fallback.unref();
    void shell.connected.then(() => {
      clearTimeout(fallback);
      app.removePage();
    });
  }

  return new Promise((done) => {
    const stop = async () => {
      // Stay signed in on the server (like the Electron shell) so the next start can resume.
      await booted.close();
      await externalBrowser?.close();
      await loginWindow?.close();
      await shell.close();
      browser?.kill('SIGTERM');
      await lab?.stop();
      done(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });
}

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
