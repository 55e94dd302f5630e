// `npm start` / `patchbay start`: Electron when its binary is present, otherwise the browser shell,
// saying which in one line. With no real profiles configured, the embedded lab starts and its
// profiles are preloaded, so a newcomer sees the whole product with no contact center.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareAppWindow } from '../browser-shell/app-window.ts';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../browser-shell/login-window.ts';
import { createChromiumExternalBrowser, type ChromiumExternalBrowser } from '../browser-shell/external-browser.ts';
import { createBrowserWorkspaceHost } from '../browser-shell/workspace-host.ts';
import { startBrowserShell } from '../browser-shell/server.ts';
import { bootCore } from '../core/app-core.ts';
import { ScaledClock, type Clock } from '../core/clock.ts';
import { PatchbayError } from '../core/errors.ts';
import { consoleSink } from '../core/log.ts';
import { loadPolicy } from '../core/settings/policy.ts';
import { countStoredProfiles } from '../core/settings/settings-store.ts';
import { REPO_ROOT, startLabProcess, type RunningLab } from './launch-lab.ts';
import { keepRunningOnStrayRejections } from '../core/process-guard.ts';
import { EXIT, parseCommand, usageError } from './args.ts';
import { describeChromiumFailure } from './chromium-failure.ts';
import { Cleanup } from './cleanup.ts';
import { commandHelp } from './help.ts';

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
  const parsed = parseCommand(argv, {
    lab: { type: 'boolean' },
    'no-lab': { type: 'boolean' },
    port: { type: 'string' },
    'no-open': { type: 'boolean' },
    'browser-shell': { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  if (parsed.help) {
    process.stdout.write(commandHelp('start'));
    return EXIT.ok;
  }
  const { values } = parsed;
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw usageError('--port takes a port number (0–65535).');
  if (values.lab && values['no-lab']) throw usageError('--lab and --no-lab contradict each other.');
  const clock = timeScaleClock();

  // Issue 14 item 10: from here on, SIGINT/SIGTERM stop the lab and every child and remove the
  // temporary directories, even while start-up is still under way.
  const cleanup = new Cleanup();
  let stopped: (code: number) => void = () => undefined;
  const whenStopped = new Promise<number>((resolve) => (stopped = resolve));
  const uninstall = cleanup.install(process, (code) => stopped(code));
  try {
    return await run(values, port, clock, cleanup, whenStopped);
  } catch (error) {
    await cleanup.run();
    throw error;
  } finally {
    uninstall();
  }
}

interface StartValues {
  lab?: boolean | undefined;
  'no-lab'?: boolean | undefined;
  'no-open'?: boolean | undefined;
  'browser-shell'?: boolean | undefined;
  verbose?: boolean | undefined;
}

async function run(values: StartValues, port: number, clock: Clock | undefined, cleanup: Cleanup, whenStopped: Promise<number>): Promise<number> {
  const electron = values['browser-shell'] ? undefined : electronBinary();
  // Real profiles = the agent's own (settings) or IT's (policy); without any, the lab starts.
  const dataDir = userDataDir();
  const realProfiles = countStoredProfiles(dataDir) + loadPolicy().policy.profiles.length;
  const useLab = values.lab === true || (values['no-lab'] !== true && realProfiles === 0);
  let lab: RunningLab | undefined;
  if (useLab) {
    const profilesDir = cleanup.tempDir(await mkdtemp(join(tmpdir(), 'patchbay-lab-')));
    lab = await startLabProcess({ profilesDir, onChild: (child) => cleanup.child(child) });
    const running = lab;
    cleanup.add(() => running.stop());
  }
  const timeNote = clock ? [`Time runs ${process.env.PATCHBAY_TIME_SCALE}x faster (PATCHBAY_TIME_SCALE, for development and tests only).`] : [];
  const logNote = `Log: ${join(dataDir, 'logs', 'patchbay.log')}${values.verbose ? '' : ' (--verbose also prints it here)'}. Ctrl+C stops Patchbay${lab ? ' and the lab' : ''}.`;

  if (electron) {
    // Issue 14 item 8: one human block first.
    printBlock([`Patchbay is starting in Electron${lab ? ', on the built-in lab' : ''}.`, ...timeNote, ...(lab?.summary ?? []), logNote]);
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_ROOT, 'tsconfig.electron.json')], { stdio: 'inherit' });
    const bundle = build.status === 0 ? spawnSync(process.execPath, [join(REPO_ROOT, 'main', 'electron', 'build', 'bundle-preload.ts')], { stdio: 'inherit' }) : build;
    if (bundle.status !== 0) throw new PatchbayError('start.build-failed', 'Building the Electron main process failed (see above).', { action: 'none' });
    const child = cleanup.child(spawn(electron, [REPO_ROOT], { stdio: 'inherit', env: { ...process.env, ...(lab ? { PATCHBAY_LAB_PROFILES_DIR: lab.profilesDir } : {}) } }));
    const code = await Promise.race([new Promise<number>((done) => child.once('exit', (exitCode) => done(exitCode ?? 0))), whenStopped]);
    await cleanup.run();
    return code;
  }

  let loginWindow: ChromiumLoginWindow | undefined;
  let externalBrowser: ChromiumExternalBrowser | undefined;
  // The Genesys workspace's host page, on its own origin (issue 12).
  const workspaceHost = createBrowserWorkspaceHost();
  const rendererDir = join(REPO_ROOT, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new PatchbayError('start.renderer-missing', 'The renderer is not built: run `npm run build:renderer` (npm start does it for you).', { action: 'none' });
  }
  // Settings, IT policy, log files, TLS + proxy, keychain: main/core/app-core.ts bootCore. Log lines
  // go to the log file, and to the terminal only with --verbose (issue 14 item 8).
  const booted = await bootCore({
    ...(clock ? { clock } : {}),
    dataDir,
    shell: 'browser-shell',
    appVersion: appVersion(),
    fixedProfiles: lab?.profiles.map((file) => file.profile) ?? [],
    console: values.verbose ? consoleSink(process.stderr) : { write: () => undefined },
    // SSO: the IdP's pages run in Debian Chromium (headed when a display exists), with the core's proxy.
    loginWindow: (proxy) => (loginWindow = createChromiumLoginWindow({ ...(proxy ? { proxy } : {}) })),
    // Genesys Cloud's "system browser" (RFC 8252): a page in that same Chromium, with its own cookies.
    externalBrowser: () => (externalBrowser = createChromiumExternalBrowser({ chromium: loginWindow! })),
    workspaceShell: workspaceHost,
  });
  const { manager, handler, log } = booted;
  // Stay signed in on the server (like the Electron shell) so the next start can resume.
  cleanup.add(async () => {
    await loginWindow?.close();
    await externalBrowser?.close();
    await booted.close();
  });
  keepRunningOnStrayRejections(log);
  await workspaceHost.start(log);
  cleanup.add(() => workspaceHost.close());
  const shell = await startBrowserShell({ manager, handler, log, rendererDir, port, frameOrigins: [workspaceHost.origin] });
  workspaceHost.setRendererOrigin(shell.origin);
  cleanup.add(() => shell.close());
  // CARD-02: profiles with a saved refresh token sign in again with no prompt.
  void manager.resumeAll().catch((error: unknown) => log.error('session.resume-all-failed', { error }));

  const where = `Patchbay is running in the browser shell (no Electron binary here)${lab ? ', on the built-in lab' : ''}`;
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  if (values['no-open'] || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || !chromium) {
    const why = values['no-open'] ? '' : !chromium ? ' (no Chromium found to open it in)' : ' (no display to open a window on)';
    printBlock([`${where}: open ${shell.launchUrl}${why}`, ...timeNote, ...(lab?.summary ?? []), logNote]);
  } else {
    printBlock([`${where}: the app window is opening in Chromium.`, ...timeNote, ...(lab?.summary ?? []), logNote]);
    const profileDir = cleanup.tempDir(await mkdtemp(join(tmpdir(), 'patchbay-chromium-')));
    // Issue 8 item 9: the secret travels in an owner-only page, never on Chromium's command line.
    const app = prepareAppWindow(shell.launchUrl, profileDir);
    const browser = cleanup.child(spawn(chromium, app.args, { stdio: ['ignore', 'ignore', 'pipe'] }));
    const fallback = setTimeout(app.removePage, 60_000);
    fallback.unref();
    void shell.connected.then(() => {
      clearTimeout(fallback);
      app.removePage();
    });
    // Issue 14 item 9: a window that cannot open says why in one line, and the URL is printed instead.
    let stderr = '';
    browser.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    let connected = false;
    void shell.connected.then(() => (connected = true));
    const report = (exit: { code: number | null; signal: NodeJS.Signals | null; spawnError?: string }) => {
      if (connected || (exit.code === 0 && !exit.spawnError)) return;
      app.removePage();
      process.stdout.write(`The app window could not open: ${describeChromiumFailure(stderr, exit)}. Open ${shell.launchUrl} in a browser instead.\n`);
    };
    browser.once('error', (error) => report({ code: null, signal: null, spawnError: error.message }));
    browser.once('exit', (code, signal) => report({ code, signal }));
  }
  return whenStopped;
}

function printBlock(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
