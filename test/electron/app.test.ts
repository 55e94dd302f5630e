// Electron smoke test with Playwright `_electron`: the real app starts, shows the profile list from
// app://, and its window is isolated, sandboxed and Node-free. It needs the Electron binary; where
// the package was installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 it SKIPS and proves nothing.
// Run: npx playwright test -c playwright.electron.config.ts
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '../..');
const ELECTRON_PKG = join(ROOT, 'node_modules/electron');

/** The executable node_modules/electron/dist would hold (read without requiring electron: that downloads). */
function electronExecutable(): string | undefined {
  const pathFile = join(ELECTRON_PKG, 'path.txt');
  const fallback =
    process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : fallback;
  const executable = join(ELECTRON_PKG, 'dist', relative);
  try {
    accessSync(executable, constants.X_OK);
    return executable;
  } catch {
    return undefined;
  }
}

const executablePath = electronExecutable();
const hasElectronBinary = executablePath !== undefined;

test.describe('Electron app', () => {
  test.skip(!hasElectronBinary, 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): this test proves nothing here');

  let app: ElectronApplication;
  let page: Page;

  test.beforeAll(async () => {
    // Main + preload are built here; the renderer build (dist/renderer) comes from the renderer's vite build.
    if (!existsSync(join(ROOT, 'dist/renderer/index.html'))) throw new Error('dist/renderer is missing: build the renderer first (vite build).');
    const node = process.execPath;
    execFileSync(node, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.electron.json')], { cwd: ROOT, stdio: 'inherit' });
    execFileSync(node, [join(ROOT, 'main/electron/build/bundle-preload.ts')], { cwd: ROOT, stdio: 'inherit' });

    const userData = mkdtempSync(join(tmpdir(), 'patchbay-electron-'));
    const profile = {
      id: 'smoke-icws',
      name: 'Smoke ICWS',
      platform: 'icws',
      servers: ['http://127.0.0.1:8019'],
      authMode: 'password',
      userName: 'agent1',
      language: 'en-US',
      applicationName: 'Patchbay',
      options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000 },
    };
    writeFileSync(join(userData, 'profiles.json'), JSON.stringify({ version: 1, profiles: [profile] }));
    app = await electron.launch({ executablePath, args: [ROOT, `--user-data-dir=${userData}`], cwd: ROOT });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
  });

  test('shows the profile list from app:// when started', async () => {
    expect(page.url()).toMatch(/^app:\/\/patchbay\//);
    await expect(page.getByRole('heading', { name: 'Profiles' })).toBeVisible();
    await expect(page.getByTestId('profile-item-smoke-icws')).toBeVisible();
  });

  test('runs the window isolated, sandboxed and without Node', async () => {
    // getLastWebPreferences is Electron-internal (not in electron.d.ts): use it when present.
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as { getLastWebPreferences?: () => unknown } | undefined;
      return contents?.getLastWebPreferences?.() ?? null;
    });
    if (prefs !== null) {
      expect(prefs).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        webviewTag: false,
      });
    }
    // From the page: no Node globals, and only the bridge (contextBridge works only with contextIsolation on).
    const surface = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as { patchbay?: object }).patchbay ?? {}).sort(),
    }));
    expect(surface).toEqual({ require: 'undefined', process: 'undefined', bridge: ['invoke', 'on'] });
  });

  test('refuses navigation away from app:// and new windows', async () => {
    await page.evaluate(() => {
      window.location.href = 'https://example.invalid/';
    });
    await page.waitForTimeout(500); // give a navigation the chance to (not) start
    expect(page.url()).toMatch(/^app:\/\/patchbay\//);
    const opened = await page.evaluate(() => window.open('app://patchbay/index.html') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });
});
