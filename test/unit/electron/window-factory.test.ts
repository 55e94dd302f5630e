// createSecureWindow (main/electron/window-factory.ts) against a fake `electron` module: proves the
// options and handlers we hand to Electron, not Electron itself (test/electron/ does that).
import { describe, expect, it, vi } from 'vitest';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { APP_ORIGIN, SECURE_WEB_PREFERENCES } from '../../../main/electron/policy.ts';
import { fakeEvent, type FakeElectron } from './fake-electron.ts';

const fake: FakeElectron = await vi.hoisted(async () => {
  // Belt and braces: should the mock ever not apply, the real module must not start a download.
  process.env.ELECTRON_OVERRIDE_DIST_PATH ??= '/nonexistent-electron-dist';
  const { createFakeElectron } = await import('./fake-electron.ts');
  return createFakeElectron();
});
vi.mock('electron', () => fake.module);

const { createSecureWindow } = await import('../../../main/electron/window-factory.ts');
const log = createLogger({ sink: memorySink() });

describe('createSecureWindow', () => {
  it('creates a hidden window with the secure webPreferences and the given preload', () => {
    createSecureWindow({ preloadPath: '/app/dist/preload/index.cjs', log, packaged: false, window: { width: 800, title: 'Patchbay' } });
    const options = fake.windows.at(-1)?.options;
    expect(options).toMatchObject({ show: false, width: 800, title: 'Patchbay' });
    expect(options?.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, devTools: true, preload: '/app/dist/preload/index.cjs' });
  });

  it('keeps the secure webPreferences even when a caller smuggles its own in', () => {
    const window = { webPreferences: { nodeIntegration: true, sandbox: false, contextIsolation: false } };
    createSecureWindow({ preloadPath: '/p.cjs', log, packaged: false, window: window as never });
    expect(fake.windows.at(-1)?.options.webPreferences).toMatchObject({ nodeIntegration: false, sandbox: true, contextIsolation: true });
  });

  it('hardens the window: foreign navigation prevented, new windows denied, permissions refused', () => {
    createSecureWindow({ preloadPath: '/p.cjs', log, packaged: false });
    const window = fake.windows.at(-1);
    if (!window) throw new Error('no window');
    const away = fakeEvent({ url: 'https://evil.example/' });
    window.webContents.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    const inside = fakeEvent({ url: `${APP_ORIGIN}/index.html` });
    window.webContents.emit('will-navigate', inside);
    expect(inside.defaultPrevented).toBe(false);
    expect(window.webContents.windowOpenHandler?.({ url: `${APP_ORIGIN}/x` })).toEqual({ action: 'deny' });
    expect(window.webContents.session.permissionCheckHandler?.(null, 'media', APP_ORIGIN, {})).toBe(false);
  });

  it('gives a packaged build no DevTools, and closes them should anything open them (issue 8 item 13)', () => {
    const sink = memorySink();
    createSecureWindow({ preloadPath: '/p.cjs', log: createLogger({ sink }), packaged: true, window: { webPreferences: { devTools: true } } as never });
    const window = fake.windows.at(-1);
    if (!window) throw new Error('no window');
    expect(window.options.webPreferences).toMatchObject({ devTools: false, sandbox: true });
    window.webContents.openDevTools();
    expect(window.webContents.devToolsOpen).toBe(false);
    expect(sink.entries.some((e) => e.event === 'window.devtools-blocked')).toBe(true);
  });

  it('keeps DevTools in a development build', () => {
    createSecureWindow({ preloadPath: '/p.cjs', log, packaged: false });
    const window = fake.windows.at(-1);
    expect(window?.options.webPreferences).toMatchObject({ devTools: true });
    window?.webContents.openDevTools();
    expect(window?.webContents.devToolsOpen).toBe(true);
  });

  it('shows the window once it is ready to show', () => {
    createSecureWindow({ preloadPath: '/p.cjs', log, packaged: false });
    const window = fake.windows.at(-1);
    expect(window?.shown).toBe(false);
    window?.emit('ready-to-show');
    expect(window?.shown).toBe(true);
  });
});
