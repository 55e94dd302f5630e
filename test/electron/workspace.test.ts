// Electron runtime test of the Genesys workspace view (issue 12): the real app starts, and in its main
// process an Electron workspace shell (the built dist/main/electron/workspace-view.js, the bundled
// dist/preload/workspace.cjs) opens a stand-in component served on 127.0.0.1. Proves with real Chromium
// what the unit tests prove with fakes: the preload carries `ready` to main, main's ack and token reach
// the frame by postMessage with the exact origin, nothing of the token is in a URL, the host page carries
// the CSP. It needs the Electron binary; where the package was installed with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1 it SKIPS and proves nothing.
// Run: npx playwright test -c playwright.electron.config.ts
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '../..');
const ELECTRON_PKG = join(ROOT, 'node_modules/electron');
const TOKEN = 'electron-runtime-token-7d2e91';

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

// The stand-in component: posts ready to the exact parent origin, takes ack then the token by
// postMessage only, answers session-start naming the token's length (never the token).
const COMPONENT_JS = `(() => {
  const parent = new URLSearchParams(location.search).get('parent');
  let acked = false;
  addEventListener('message', (e) => {
    if (e.origin !== parent || e.source !== window.parent) return;
    const m = e.data || {};
    if (m.type === 'ack') { acked = true; return; }
    if (m.type === 'genesys-cloud-embed:token' && acked && typeof m.accessToken === 'string')
      window.parent.postMessage({ type: 'genesys-cloud-embed:session-start', userId: 'len-' + m.accessToken.length }, parent);
  });
  window.parent.postMessage({ type: 'genesys-cloud-embed:ready' }, parent);
})();`;

test.describe('Electron workspace view', () => {
  test.skip(executablePath === undefined, 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): this test proves nothing here');

  let app: ElectronApplication;
  let server: Server;
  const requested: string[] = [];
  let componentOrigin = '';

  test.beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/renderer/index.html'))) throw new Error('dist/renderer is missing: build the renderer first (vite build).');
    const node = process.execPath;
    execFileSync(node, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.electron.json')], { cwd: ROOT, stdio: 'inherit' });
    execFileSync(node, [join(ROOT, 'main/electron/build/bundle-preload.ts')], { cwd: ROOT, stdio: 'inherit' });
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      if ((req.url ?? '').startsWith('/c.js')) {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(COMPONENT_JS);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><script src="/c.js"></script></body></html>');
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    componentOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const userData = mkdtempSync(join(tmpdir(), 'patchbay-electron-ws-'));
    writeFileSync(join(userData, 'profiles.json'), JSON.stringify({ version: 1, profiles: [] }));
    app = await electron.launch({ executablePath: executablePath as string, args: [ROOT, `--user-data-dir=${userData}`], cwd: ROOT });
    await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  });

  // No rule ids in this title: it has never run where it was written (no binary), so nobody saw it go red.
  test('ready reaches main, ack and token reach the frame by postMessage only (not in any URL), the host page has the CSP', async () => {
    const dist = join(ROOT, 'dist/main');
    await app.evaluate(
      async ({ BrowserWindow, WebContentsView, session, ipcMain }, { dist, componentOrigin, token }) => {
        // The built modules, loaded in the app's main process (require of ESM: Node 22.12+ in Electron).
        const req = process.getBuiltinModule('node:module').createRequire(`${dist}/electron/`);
        const { createElectronWorkspaceShell } = req(`${dist}/electron/workspace-view.js`);
        const { workspaceCsp, workspaceOrigins } = req(`${dist}/core/platforms/genesys-cloud/workspace/origins.js`);
        const origins = workspaceOrigins({ componentUrl: componentOrigin, apiBase: componentOrigin });
        const seen: unknown[] = [];
        const shell = createElectronWorkspaceShell(
          { WebContentsView, session, ipcMain },
          { window: () => BrowserWindow.getAllWindows()[0], preloadPath: `${dist}/../preload/workspace.cjs`, packaged: false },
        );
        const state = { seen, surface: undefined as undefined | { post(m: unknown, o: string): void }, csp: workspaceCsp(origins) };
        (globalThis as Record<string, unknown>).__workspaceTest = state;
        const opened = await shell.open({
          profileId: 'electron-runtime',
          componentUrl: origins.component,
          origins,
          csp: state.csp,
          onMessage: (m: { origin: string; fromComponentFrame: boolean; data: { type?: string } }) => {
            seen.push(m);
            if (m.data?.type === 'genesys-cloud-embed:ready' && m.fromComponentFrame && m.origin === origins.component) {
              state.surface?.post({ type: 'ack', status: 'received' }, origins.component);
              state.surface?.post({ type: 'genesys-cloud-embed:token', accessToken: token }, origins.component);
            }
          },
          onGone: (reason: string) => seen.push({ gone: reason }),
        });
        state.surface = opened.surface;
        shell.setBounds('electron-runtime', { x: 0, y: 0, width: 400, height: 300 });
      },
      { dist, componentOrigin, token: TOKEN },
    );
    await expect
      .poll(async () => app.evaluate(() => JSON.stringify(((globalThis as Record<string, unknown>).__workspaceTest as { seen: unknown[] }).seen)), { timeout: 20_000 })
      .toContain(`len-${TOKEN.length}`);
    const seen = JSON.parse(await app.evaluate(() => JSON.stringify(((globalThis as Record<string, unknown>).__workspaceTest as { seen: unknown[] }).seen))) as {
      origin: string;
      fromComponentFrame: boolean;
    }[];
    expect(seen[0]).toMatchObject({ origin: componentOrigin, fromComponentFrame: true, data: { type: 'genesys-cloud-embed:ready' } });
    // GC-04: the token is in no URL the component's server saw.
    expect(requested.join(' ')).not.toContain(TOKEN);
    expect(requested.some((url) => url.includes('parent=patchbay-workspace%3A%2F%2Fhost'))).toBe(true);
    const views = await app.evaluate(({ webContents }) => webContents.getAllWebContents().map((c) => c.getURL()));
    expect(views).toContain('patchbay-workspace://host/');
    // The host page's CSP as the view's partition serves it.
    const served = await app.evaluate(async ({ session }) => {
      const response = await session.fromPartition('workspace-electron-runtime').fetch('patchbay-workspace://host/');
      const state = (globalThis as Record<string, unknown>).__workspaceTest as { csp: string };
      return { csp: response.headers.get('content-security-policy'), expected: state.csp };
    });
    expect(served.csp).toBe(served.expected);
  });
});
