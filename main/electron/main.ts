// The Electron app entry (DESIGN.md "Shells": single-instance lock, secure window factory, renderer
// served from app://, not file://). Everything behavioural lives in main/core; this file only wires.
// Built by tsconfig.electron.json to dist/main/electron/main.js (package.json "main").
import { DEFAULT_SHORTCUTS, IPC_EVENT_CHANNEL, SettingsViewSchema } from '../../preload/contract.ts';
import { readUpdateSigning, startUpdater, updateDecision } from './updater.ts';
import { keepRunningOnStrayRejections } from '../core/process-guard.ts';
import { join } from 'node:path';
import { app, BrowserWindow, globalShortcut, ipcMain, Menu, nativeImage, net, Notification, protocol, session, shell, Tray, WebContentsView } from 'electron';
import ElectronStore from 'electron-store';
import { bootCore } from '../core/app-core.ts';
import { consoleSink, createLogger } from '../core/log.ts';
import { readProfileDir } from '../core/sessions/profile-file.ts';
import { installApplicationMenu } from './app-menu.ts';
import { createAppProtocolHandler } from './app-protocol.ts';
import { closeDevToolsWhenPackaged } from './harden.ts';
import { createElectronLoginWindow } from './login-window.ts';
import { createElectronExternalBrowser } from './external-browser.ts';
import { ICON_FILE, PRELOAD_FILE, RENDERER_DIR, WORKSPACE_PRELOAD_FILE } from './paths.ts';
import { bindIpc } from './ipc.ts';
import { APP_ENTRY_URL, APP_SCHEME } from './policy.ts';
import { createGlobalShortcuts } from './shortcuts.ts';
import { createAgentTray } from './tray.ts';
import { createSecureWindow } from './window-factory.ts';
import { WORKSPACE_PRIVILEGED_SCHEME } from './workspace-policy.ts';
import { createElectronWorkspaceShell, type ElectronWorkspaceShell } from './workspace-view.ts';

const log = createLogger({ sink: consoleSink(process.stderr) }).child({ shell: 'electron' });

// Both must happen before 'ready'. A standard + secure scheme gives the renderer a real origin
// (storage, relative URLs, fetch) without file:// and its broad privileges.
// The Genesys workspace view's host page gets a real, secure origin of its own too (issue 12): the component
// posts to it by exact origin (GC-07), and it is never the renderer's app:// origin.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: WORKSPACE_PRIVILEGED_SCHEME.scheme, privileges: { ...WORKSPACE_PRIVILEGED_SCHEME.privileges } },
]);
// Electron checklist 4: sandbox every renderer, including any created later.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // A second launch hands over to the first (its 'second-instance' focuses the window) and leaves.
  app.quit();
} else {
  start().catch((error: unknown) => {
    log.error('app.start-failed', { error });
    app.exit(1);
  });
}

async function start(): Promise<void> {
  let mainWindow: BrowserWindow | undefined;
  let workspaceShell: ElectronWorkspaceShell | undefined;

  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });

  // Defaults for every webContents, including ones this file never made (checklist 12, 14).
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // issue 8 item 13: no DevTools in a packaged build, the sign-in windows included.
    if (app.isPackaged) closeDevToolsWhenPackaged(contents, log);
  });

  if (process.platform === 'win32') app.setAppUserModelId('com.patchbay.desktop');

  await app.whenReady();
  // issue 8 item 13: Electron's default menu offers DevTools and Reload; packaged builds get none.
  installApplicationMenu(Menu, { packaged: app.isPackaged, platform: process.platform, appName: app.getName() });

  const appRoot = app.getAppPath();
  const rendererDir = join(appRoot, RENDERER_DIR);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir, (fileUrl) => net.fetch(fileUrl, { bypassCustomProtocolHandlers: true })));

  // `patchbay start` passes the embedded lab's profile files when no real profiles exist (dev only:
  // the lab is never packaged).
  const labDir = app.isPackaged ? undefined : process.env.PATCHBAY_LAB_PROFILES_DIR;
  const labProfiles = labDir ? (await readProfileDir(labDir)).map((file) => file.profile) : [];
  // Settings (electron-store: conf's file format), IT policy, log files, TLS + proxy, keychain.
  const booted = await bootCore({
    dataDir: app.getPath('userData'),
    shell: 'electron',
    appVersion: app.getVersion(),
    // An installed app ignores PATCHBAY_POLICY_FILE: a user environment variable must not replace IT's policy.
    packaged: app.isPackaged,
    settingsBackend: ({ cwd, configName }) => new ElectronStore<Record<string, unknown>>({ cwd, name: configName, configFileMode: 0o600, clearInvalidConfig: false }),
    fixedProfiles: labProfiles,
    console: consoleSink(process.stderr),
    // SSO: the IdP's pages in a sandboxed BrowserWindow per profile partition, with the core's proxy.
    loginWindow: (proxy) => createElectronLoginWindow({ BrowserWindow, session }, { log, ...(proxy ? { proxy } : {}), parent: () => mainWindow }),
    // Genesys Cloud sign-in in the agent's default browser (RFC 8252 §8.12), back through a loopback redirect.
    externalBrowser: () => createElectronExternalBrowser({ shell }, { log }),
    // issue 13 item 5: "Show in folder" on a diagnostics zip; the core checks the path first (reveal.ts).
    showItemInFolder: (path) => shell.showItemInFolder(path),
    // issue 12: the Genesys workspace in a WebContentsView over the pane, its own partition and preload (GC-04).
    workspaceShell: () =>
      (workspaceShell = createElectronWorkspaceShell(
        { WebContentsView, session, ipcMain },
        { window: () => mainWindow, preloadPath: join(appRoot, WORKSPACE_PRELOAD_FILE), packaged: app.isPackaged, log },
      )),
  });
  const { manager, handler } = booted;
  keepRunningOnStrayRejections(booted.log);
  // issue 13 item 10: Ready / Not Ready shortcuts system-wide; a press goes to the renderer, which sets
  // the state as the in-window keys do. A saved settings change re-registers them.
  const shortcuts = createGlobalShortcuts(globalShortcut, {
    onPress: (action) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT_CHANNEL, { event: 'shortcut', payload: { action } });
    },
    log: booted.log,
  });
  shortcuts.apply({ ...DEFAULT_SHORTCUTS, ...booted.effective.shortcuts });
  const unbindIpc = bindIpc(
    ipcMain,
    async (command, args) => {
      const result = await handler(command, args);
      const saved = command === 'settings.save' && result.ok ? SettingsViewSchema.safeParse(result.value) : undefined;
      if (saved?.success) shortcuts.apply({ ...DEFAULT_SHORTCUTS, ...saved.data.settings.shortcuts });
      return result;
    },
    manager,
    () => BrowserWindow.getAllWindows(),
    booted.log,
  );

  const openMainWindow = (): BrowserWindow => {
    const window = createSecureWindow({
      preloadPath: join(appRoot, PRELOAD_FILE),
      log,
      packaged: app.isPackaged,
      window: {
        title: 'Patchbay',
        width: 1100,
        height: 760,
        minWidth: 720,
        minHeight: 480,
        icon: join(appRoot, ICON_FILE),
      },
    });
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = undefined;
    });
    // A renderer that fails to load would never fire 'ready-to-show': show it so the app is not invisible.
    window.webContents.on('did-fail-load', (_event, errorCode, errorDescription, _url, isMainFrame) => {
      if (!isMainFrame) return;
      log.error('window.load-failed', { errorCode, errorDescription });
      if (!window.isDestroyed()) window.show();
    });
    // Start-up warnings (keychain, policy, settings) were raised before this window existed.
    window.webContents.on('did-finish-load', () => {
      for (const notice of booted.manager.stickyNotices()) window.webContents.send(IPC_EVENT_CHANNEL, { event: 'notice', payload: notice });
    });
    window.loadURL(APP_ENTRY_URL).catch((error: unknown) => log.error('window.load-failed', { error }));
    return window;
  };
  mainWindow = openMainWindow();
  const showMainWindow = (): void => {
    if (!mainWindow || mainWindow.isDestroyed()) mainWindow = openMainWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };
  // DESIGN.md "Shells": the agent's state in the tray, OS notifications when a session drops or is back.
  const tray = createAgentTray({ Tray, Menu, Notification, nativeImage }, { manager, log: booted.log, show: showMainWindow, quit: () => app.quit() });
  // CARD-02: profiles with a saved refresh token sign in again with no prompt.
  void manager.resumeAll().catch((error: unknown) => booted.log.error('session.resume-all-failed', { error }));

  // CARD-04: IT's update feed and switch (policy wins over the agent's setting).
  // issue 8 item 13: on Windows only updates signed by the publisher in app-update.yml are installed.
  const signing = app.isPackaged ? await readUpdateSigning(join(process.resourcesPath, 'app-update.yml'), process.platform) : undefined;
  const decision = updateDecision(booted.effective.updates, app.isPackaged, signing);
  let stopUpdater = (): void => undefined;
  if (decision.run) {
    const { autoUpdater } = await import('electron-updater');
    stopUpdater = startUpdater(autoUpdater, decision, booted.log);
  } else {
    booted.log.info('updates.off', { reason: decision.reason });
  }

  app.on('activate', () => {
    // macOS: clicking the Dock icon with no window open opens one.
    if (!mainWindow || mainWindow.isDestroyed()) mainWindow = openMainWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Stop every session's timers and streams before exit; the agent stays signed in on the server
  // side (signOut: false) so a restart can pick the shift up again.
  let shutdownDone = false;
  app.on('before-quit', (event) => {
    stopUpdater();
    tray.dispose();
    shortcuts.dispose();
    if (shutdownDone) return;
    event.preventDefault();
    shutdownDone = true;
    booted
      .close()
      .catch((error: unknown) => log.error('app.shutdown-failed', { error }))
      .finally(() => {
        workspaceShell?.dispose();
        unbindIpc();
        app.quit();
      });
  });
}
