// Opening the browser shell in Chromium's app mode without putting the per-launch secret on
// Chromium's command line (issue 8 item 9): any local user can read another user's command lines
// (`ps`, /proc/<pid>/cmdline). The secret goes into a small page inside the new Chromium profile
// directory — created 0700 by mkdtemp, so readable by this user only — and the command line names
// only that file. The page forwards to the shell with the secret in the fragment (which is never
// sent to a server); the shell's renderer moves it to sessionStorage and clears the fragment
// (renderer/api/bridge.ts). The page is deleted as soon as the renderer has connected, or after a
// minute at the latest.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const LAUNCH_PAGE_NAME = 'open-patchbay.html';

/** The forwarding page for `launchUrl` (escaped for an HTML attribute). */
export function launchPageHtml(launchUrl: string): string {
  const attr = launchUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!doctype html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n<meta http-equiv="refresh" content="0;url=${attr}">\n<title>Patchbay</title>\n`;
}

export interface AppWindowLaunch {
  /** Chromium's arguments: none of them holds the secret. */
  args: string[];
  /** The page holding the secret (owner-only); remove it once it has been used. */
  pagePath: string;
  removePage(): void;
}

/** Writes the forwarding page into `profileDir` (a fresh mkdtemp directory, mode 0700) and returns
 *  the arguments that open it in app mode. */
export function prepareAppWindow(launchUrl: string, profileDir: string): AppWindowLaunch {
  const pagePath = join(profileDir, LAUNCH_PAGE_NAME);
  writeFileSync(pagePath, launchPageHtml(launchUrl), { mode: 0o600, flag: 'wx' });
  return {
    args: [`--app=${pathToFileURL(pagePath).href}`, `--user-data-dir=${profileDir}`, '--no-first-run', '--disable-background-networking', '--disable-sync'],
    pagePath,
    removePage: () => rmSync(pagePath, { force: true }),
  };
}
