// The Electron shell's security decisions, kept pure (no electron import) so plain Node tests can
// prove them (DESIGN.md "Shells": secure window factory, CSP, renderer served from app://).
import { isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'patchbay';
/** The renderer's origin. Compared as text: Node's URL gives `origin === 'null'` for custom schemes. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** CSP for every app:// response (DESIGN.md "Shells": CSP `default-src 'self'`; GC-08 allows only what is needed). */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * webPreferences every app window gets; the preload path is added by the window factory.
 * Electron security checklist items 2–4, 6, 12 (context isolation, sandbox, no Node, web security, no <webview>).
 */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  // A middle click would otherwise try to open a link in a new window (Electronegativity AUXCLICK_JS_CHECK;
  // new windows are denied anyway, hardenWebContents).
  disableBlinkFeatures: 'Auxclick',
} as const);

/**
 * An app window's full webPreferences. DevTools exist only in development builds: a packaged app on an
 * agent's workstation never opens them (issue 8 item 13; the menu has no item for them either).
 */
export function appWebPreferences(packaged: boolean, preload: string) {
  return { ...SECURE_WEB_PREFERENCES, devTools: !packaged, preload };
}

/** `scheme://host[:port]` of an absolute URL, or undefined when it is not one (or carries credentials). */
export function originOf(url: string | null | undefined): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.host === '') return undefined;
  return `${parsed.protocol}//${parsed.host}`;
}

/** A window may only navigate within the app's own origin (checklist item 13: limit navigation). */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  const origin = originOf(url);
  return origin !== undefined && origin === appOrigin;
}

/** IPC is answered only for frames loaded from the app's own origin (checklist item 17: validate the sender). */
export function isTrustedSender(frameUrl: string | null | undefined, appOrigin: string): boolean {
  const origin = originOf(frameUrl);
  return origin !== undefined && origin === appOrigin;
}

/**
 * The file under `rootDir` an app:// request names, or null when the request must get a 404:
 * another scheme or host, a malformed escape, a NUL or backslash, or a path leaving rootDir.
 * `/` serves index.html.
 */
export function resolveAppPath(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null; // malformed percent-escape
  }
  // Backslashes are separators on Windows and NULs truncate paths in native code: never legitimate here.
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname === '' || pathname.endsWith('/')) pathname += 'index.html';
  const root = resolve(rootDir);
  const target = resolve(root, `.${pathname.startsWith('/') ? '' : '/'}${pathname}`);
  const rel = relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return target;
}
