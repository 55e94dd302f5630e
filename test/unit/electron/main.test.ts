// The app entry (main/electron/main.ts) against a fake `electron` module and a stub core: proves the
// order and arguments of our Electron calls (before-ready registration, single instance, app://,
// IPC, window, shutdown), not Electron itself (test/electron/ does that where a binary exists).
import { describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../../preload/contract.ts';
import type { LogEntry } from '../../../main/core/log.ts';
import type { SessionManager } from '../../../main/core/sessions/session-manager.ts';
import type { BootOptions } from '../../../main/core/app-core.ts';
import { APP_ENTRY_URL, CSP, SECURE_WEB_PREFERENCES } from '../../../main/electron/policy.ts';
import { createFakeElectron, fakeEvent, type FakeElectron } from './fake-electron.ts';

vi.hoisted(() => {
  // Should the mock ever not apply, the real `electron` module must not start a download.
  process.env.ELECTRON_OVERRIDE_DIST_PATH ??= '/nonexistent-electron-dist';
  // Electron's process.resourcesPath (where app-update.yml sits in a packaged build).
  (process as { resourcesPath?: string }).resourcesPath ??= '/nonexistent-resources';
});
const updaterChecks: string[] = [];

const APP_PATH = '/opt/patchbay/resources/app.asar';

interface Started {
  fake: FakeElectron;
  core: { boot?: BootOptions; manager?: SessionManager };
  logs: LogEntry[];
  fetched: string[];
}

async function loadMain(options: { secondInstance?: boolean; packaged?: boolean } = {}): Promise<Started> {
  vi.resetModules();
  const fake = createFakeElectron();
  if (options.secondInstance) fake.denyLock();
  fake.module.app.isPackaged = options.packaged ?? false;
  // A packaged build reads resources/app-update.yml (none here: unsigned) and would load electron-updater.
  vi.doMock('electron-updater', () => ({ autoUpdater: { on: () => undefined, checkForUpdatesAndNotify: async () => void updaterChecks.push('check'), setFeedURL: () => undefined } }));
  (fake.module.app as unknown as { getVersion: () => string }).getVersion = () => '0.1.0';
  const fetched: string[] = [];
  fake.module.net.fetch = async (url: string) => {
    fetched.push(url);
    return new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } });
  };
  const core: Started['core'] = {};
  const logs: LogEntry[] = [];
  vi.doMock('electron', () => fake.module);
  vi.doMock('../../../main/core/log.ts', async (importOriginal) => ({
    ...(await importOriginal<typeof import('../../../main/core/log.ts')>()),
    consoleSink: () => ({ write: (entry: LogEntry) => void logs.push(entry) }),
  }));
  // The real start-up (bootCore: policy, settings, keychain, platform adapters) is core's business
  // and tested there; the shell only needs its shape. electron-store is recorded, not run.
  vi.doMock('electron-store', () => ({
    default: class FakeElectronStore {
      readonly options: unknown;
      constructor(options: unknown) {
        this.options = options;
      }
    },
  }));
  vi.doMock('../../../main/core/app-core.ts', async () => {
    const { SessionManager } = await import('../../../main/core/sessions/session-manager.ts');
    const { MemoryProfileStore } = await import('../../../main/core/sessions/profile-store.ts');
    const { createCommandHandler } = await import('../../../main/core/sessions/command-handler.ts');
    const { createLogger } = await import('../../../main/core/log.ts');
    return {
      bootCore: async (bootOptions: BootOptions) => {
        core.boot = bootOptions;
        const log = createLogger({ ...(bootOptions.console ? { sink: bootOptions.console } : {}) });
        const manager = new SessionManager({ profiles: new MemoryProfileStore(bootOptions.fixedProfiles ?? []), factories: {}, log });
        core.manager = manager;
        return { manager, handler: createCommandHandler(manager, log), log, effective: { updates: { enabled: true } }, close: () => manager.shutdown({ signOut: false }) };
      },
    };
  });
  await import('../../../main/electron/main.ts');
  return { fake, core, logs, fetched };
}

async function loadAndStart(options: { packaged?: boolean } = {}): Promise<Started & { window: FakeElectron['windows'][number] }> {
  const started = await loadMain(options);
  started.fake.ready();
  await vi.waitFor(() => expect(started.fake.windows).toHaveLength(1));
  const window = started.fake.windows[0];
  if (!window) throw new Error('no window');
  return { ...started, window };
}

const names = (fake: FakeElectron) => fake.calls.map(([name]) => name);

describe('main.ts before ready', () => {
  it('registers app:// as a standard, secure, fetch-capable scheme and enables the sandbox before waiting for ready', async () => {
    const { fake } = await loadMain();
    const order = names(fake);
    expect(order).toContain('protocol.registerSchemesAsPrivileged');
    expect(order).toContain('app.enableSandbox');
    expect(order.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(order.indexOf('app.whenReady'));
    expect(order.indexOf('app.enableSandbox')).toBeLessThan(order.indexOf('app.whenReady'));
    expect(order).toContain('app.requestSingleInstanceLock');
    const [, schemes] = fake.calls.find(([name]) => name === 'protocol.registerSchemesAsPrivileged') ?? [];
    expect(schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
      // issue 12: the workspace view's host page, an origin of its own (not the renderer's).
      { scheme: 'patchbay-workspace', privileges: { standard: true, secure: true } },
    ]);
    expect(fake.windows).toHaveLength(0);
  });

  it('quits without a window or IPC when another instance holds the lock', async () => {
    const { fake } = await loadMain({ secondInstance: true });
    fake.ready();
    await new Promise((resolve) => setImmediate(resolve));
    expect(names(fake)).toContain('app.quit');
    expect(names(fake)).not.toContain('app.whenReady');
    expect(names(fake)).not.toContain('ipcMain.handle');
    expect(fake.windows).toHaveLength(0);
  });
});

describe('main.ts after ready', () => {
  it('opens one secure window with the bundled preload and loads the app:// entry', async () => {
    const { window, logs } = await loadAndStart();
    expect(logs.filter((entry) => entry.level === 'error')).toEqual([]);
    expect(window.options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, devTools: true, preload: `${APP_PATH}/dist/preload/index.cjs` });
    expect(window.options.icon).toBe(`${APP_PATH}/resources/icon.png`);
    expect(window.loaded).toEqual([APP_ENTRY_URL]);
  });

  it('shows the window and logs when the renderer fails to load', async () => {
    const { window, logs } = await loadAndStart();
    window.webContents.emit('did-fail-load', fakeEvent({}), -6, 'ERR_FILE_NOT_FOUND', APP_ENTRY_URL, true);
    expect(window.shown).toBe(true);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', event: 'window.load-failed', errorCode: -6 }));
  });

  it('boots the core on userData, with settings (profiles included) in electron-store', async () => {
    const { core } = await loadAndStart();
    expect(core.boot).toMatchObject({ dataDir: '/home/agent/.config/Patchbay#userData', shell: 'electron', fixedProfiles: [] });
    const backend = core.boot?.settingsBackend?.({ cwd: '/data', configName: 'settings' }) as unknown as { options: unknown };
    // electron-store = conf with Electron defaults: the same settings.json conf writes under Node.
    expect(backend.options).toEqual({ cwd: '/data', name: 'settings', configFileMode: 0o600, clearInvalidConfig: false });
  });

  it('binds the invoke channel and serves dist/renderer over app:// with the CSP', async () => {
    const { fake, fetched } = await loadAndStart();
    expect(fake.ipcHandlers.has(IPC_INVOKE_CHANNEL)).toBe(true);
    const handler = fake.protocolHandlers.get('app');
    if (!handler) throw new Error('app:// not handled');
    const ok = await handler(new Request('app://patchbay/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(CSP);
    expect(fetched).toEqual([`file://${APP_PATH}/dist/renderer/index.html`]);
    const escape = await handler(new Request('app://patchbay/..%2f..%2fpackage.json'));
    expect(escape.status).toBe(404);
    expect(fetched).toHaveLength(1);
  });

  it('answers invokes from the app window and refuses other frames', async () => {
    const { fake } = await loadAndStart();
    const invoke = fake.ipcHandlers.get(IPC_INVOKE_CHANNEL);
    if (!invoke) throw new Error('no invoke handler');
    expect(await invoke({ senderFrame: { url: APP_ENTRY_URL } }, 'profiles.list', {})).toEqual({ ok: true, value: [] });
    expect(await invoke({ senderFrame: { url: 'https://evil.example/' } }, 'profiles.list', {})).toMatchObject({
      ok: false,
      error: { code: 'contract.untrusted-sender' },
    });
  });

  it('brings the existing window forward when a second instance starts', async () => {
    const { fake, window } = await loadAndStart();
    window.minimized = true;
    fake.module.app.emit('second-instance', fakeEvent({}), [], '/');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
  });

  it('denies new windows and <webview> for every webContents created later', async () => {
    const { fake } = await loadAndStart();
    const { FakeWebContents } = await import('./fake-electron.ts');
    const contents = new FakeWebContents();
    fake.module.app.emit('web-contents-created', fakeEvent({}), contents);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const attach = fakeEvent({});
    contents.emit('will-attach-webview', attach, {}, {});
    expect(attach.defaultPrevented).toBe(true);
  });

  it('a packaged build: no DevTools in the window or any later webContents, a menu without developer items (issue 8 item 13)', async () => {
    const { fake, window, logs } = await loadAndStart({ packaged: true });
    expect(window.options.webPreferences).toMatchObject({ devTools: false });
    const { FakeWebContents } = await import('./fake-electron.ts');
    const contents = new FakeWebContents();
    fake.module.app.emit('web-contents-created', fakeEvent({}), contents);
    contents.openDevTools();
    expect(contents.devToolsOpen).toBe(false);
    const { menuRoles } = await import('../../../main/electron/app-menu.ts');
    expect(fake.applicationMenus).toHaveLength(1);
    const roles = menuRoles(fake.applicationMenus[0]?.template as never);
    expect(roles).toContain('quit');
    expect(roles.filter((role) => ['toggleDevTools', 'reload', 'forceReload'].includes(role))).toEqual([]);
    // No app-update.yml: a Windows build would refuse updates (updater.test.ts); on Linux the updater runs.
    await vi.waitFor(() => expect(updaterChecks).toContain('check'));
    expect(logs.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('a development build keeps DevTools and the developer menu items', async () => {
    const { fake, window } = await loadAndStart();
    expect(window.options.webPreferences).toMatchObject({ devTools: true });
    const { menuRoles } = await import('../../../main/electron/app-menu.ts');
    expect(menuRoles(fake.applicationMenus[0]?.template as never)).toContain('toggleDevTools');
  });

  it('shuts the sessions down without signing out before quitting, once', async () => {
    const { fake, core } = await loadAndStart();
    const shutdown = vi.spyOn(core.manager as SessionManager, 'shutdown');
    const first = fakeEvent({});
    fake.module.app.emit('before-quit', first);
    expect(first.defaultPrevented).toBe(true);
    expect(shutdown).toHaveBeenCalledWith({ signOut: false });
    await vi.waitFor(() => expect(names(fake)).toContain('app.quit'));
    expect(names(fake)).toContain('ipcMain.removeHandler');
    // The quit that follows goes through.
    const second = fakeEvent({});
    fake.module.app.emit('before-quit', second);
    expect(second.defaultPrevented).toBe(false);
    expect(shutdown).toHaveBeenCalledTimes(1);
  });

  it('registers the Ready / Not Ready shortcuts globally, sends a press to the window, and frees them on quit (issue 13 item 10)', async () => {
    const { fake, window } = await loadAndStart();
    expect([...fake.globalShortcuts.keys()]).toEqual(['CommandOrControl+Alt+R', 'CommandOrControl+Alt+N']);
    fake.globalShortcuts.get('CommandOrControl+Alt+N')?.();
    expect(window.webContents.sent).toContainEqual(['patchbay:event', { event: 'shortcut', payload: { action: 'notReady' } }]);
    fake.module.app.emit('before-quit', fakeEvent({}));
    expect(fake.globalShortcuts.size).toBe(0);
  });

  it('gives the core an Electron workspace shell: a sandboxed view over the main window with the bundled workspace preload (issue 12)', async () => {
    const { fake, core, window } = await loadAndStart();
    const factory = core.boot?.workspaceShell;
    if (typeof factory !== 'function') throw new Error('no workspaceShell factory in the boot options');
    const port = factory();
    const { workspaceCsp, workspaceOrigins } = await import('../../../main/core/platforms/genesys-cloud/workspace/origins.ts');
    const origins = workspaceOrigins({ region: 'mypurecloud.ie' });
    await port.open({ profileId: 'gc', componentUrl: origins.component, origins, csp: workspaceCsp(origins), onMessage: () => undefined, onGone: () => undefined });
    const view = fake.views[0];
    expect(view?.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, partition: 'workspace-gc', preload: `${APP_PATH}/dist/preload/workspace.cjs` });
    expect(window.contentView.children).toEqual([view]);
    // Quitting closes it.
    fake.module.app.emit('before-quit', fakeEvent({}));
    await vi.waitFor(() => expect(view?.webContents.isDestroyed()).toBe(true));
  });

  it('puts the agent state in a tray that follows the session manager and goes away on quit', async () => {
    const { fake, core } = await loadAndStart();
    await vi.waitFor(() => expect(fake.trays).toHaveLength(1));
    const tray = fake.trays[0]!;
    expect(tray.tooltip).toBe('Patchbay — not signed in');
    (core.manager as SessionManager).stateEvents.emit({ profileId: 'p', profileName: 'Site A', platform: 'icws', phase: 'reconnecting', selectableStates: [], seq: 1, updatedAt: '2026-01-01T00:00:00.000Z' });
    expect(tray.tooltip).toBe('Patchbay\nSite A — Reconnecting…');
    fake.module.app.emit('before-quit', fakeEvent({}));
    fake.module.app.emit('before-quit', fakeEvent({}));
    expect(tray.destroyed).toBe(true);
  });
});
