// The one place app windows are made (DESIGN.md "Shells": secure window factory).
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import type { Logger } from '../core/log.ts';
import { denyAllPermissions, hardenWebContents } from './harden.ts';
import { APP_ORIGIN, SECURE_WEB_PREFERENCES } from './policy.ts';

export interface SecureWindowOptions {
  /** Absolute path of the bundled (single-file) preload script. */
  preloadPath: string;
  log: Logger;
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
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: options.preloadPath },
  });
  hardenWebContents(window.webContents, appOrigin, options.log);
  denyAllPermissions(window.webContents.session, options.log);
  window.once('ready-to-show', () => window.show());
  return window;
}
