// The one place app windows are made (DESIGN.md "Shells": secure window factory).
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import type { Logger } from '../core/log.ts';
import { closeDevToolsWhenPackaged, denyAllPermissions, hardenWebContents } from './harden.ts';
import { APP_ORIGIN, appWebPreferences } from './policy.ts';

export interface SecureWindowOptions {
  /** Absolute path of the bundled (single-file) preload script. */
  preloadPath: string;
  log: Logger;
  /** `app.isPackaged`: a packaged build gets no DevTools (issue 8 item 13). */
  packaged: boolean;
  /** Defaults to the app:// origin; navigation outside it is refused. */
  appOrigin?: string;
  /** Size, title, icon, … — webPreferences cannot be passed here on purpose. */
  window?: Omit<BrowserWindowConstructorOptions, 'webPreferences'>;
}

export function createSecureWindow(options: SecureWindowOptions): BrowserWindow {
  const appOrigin = options.appOrigin ?? APP_ORIGIN;
  const window = new BrowserWindow({
    show: false,
    ...options.window,
    webPreferences: appWebPreferences(options.packaged, options.preloadPath),
  });
  hardenWebContents(window.webContents, appOrigin, options.log);
  if (options.packaged) closeDevToolsWhenPackaged(window.webContents, options.log);
  denyAllPermissions(window.webContents.session, options.log);
  window.once('ready-to-show', () => window.show());
  return window;
}
