// Per-webContents and per-session hardening for app windows (Electron security checklist items 5,
// 12, 13, 14; DESIGN.md "Shells"). Only type imports from electron, so plain Node tests can drive it
// with fakes.
import type { Session, WebContents } from 'electron';
import type { Logger } from '../core/log.ts';
import { isAllowedNavigation, originOf } from './policy.ts';

/** Logs name the origin only: a refused URL may carry a token in its query (GC-04). */
function describe(url: string): string {
  return originOf(url) ?? '(unparseable URL)';
}

/** Navigation only within appOrigin; no new windows; no <webview>. */
export function hardenWebContents(contents: WebContents, appOrigin: string, log: Logger): void {
  // checklist 13: limit navigation. will-frame-navigate covers sub-frames, will-redirect server hops.
  const guard = (kind: string) => (event: { url: string; preventDefault(): void }) => {
    if (isAllowedNavigation(event.url, appOrigin)) return;
    event.preventDefault();
    log.warn('window.navigation-blocked', { kind, target: describe(event.url) });
  };
  contents.on('will-navigate', guard('navigate'));
  contents.on('will-frame-navigate', guard('frame-navigate'));
  contents.on('will-redirect', guard('redirect'));
  // checklist 14: limit creation of new windows.
  contents.setWindowOpenHandler((details) => {
    log.warn('window.open-blocked', { target: describe(details.url) });
    return { action: 'deny' };
  });
  // checklist 12: no <webview> (webviewTag is off too; this also stops one being forced on).
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('window.webview-blocked', {});
  });
}

/**
 * Packaged builds: DevTools are off in webPreferences; should anything still open them (a window this
 * file did not make, a future Electron default), close them at once (issue 8 item 13).
 */
export function closeDevToolsWhenPackaged(contents: Pick<WebContents, 'on' | 'closeDevTools'>, log: Logger): void {
  contents.on('devtools-opened', () => {
    contents.closeDevTools();
    log.warn('window.devtools-blocked', {});
  });
}

/** checklist 5: every permission request and check is refused (the app needs none). */
export function denyAllPermissions(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.info('window.permission-denied', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}
