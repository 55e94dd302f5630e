// The ExternalBrowser port (main/core/auth/external-browser.ts) in Electron: the agent's default
// browser through `shell.openExternal` (RFC 8252 §8.12). Only http(s) pages are ever handed over —
// openExternal would also launch file:, custom-scheme or smb: handlers (Electron security checklist
// "Do not use shell.openExternal with untrusted content").
import type { Shell } from 'electron';
import { isBrowsableUrl, type ExternalBrowser } from '../core/auth/external-browser.ts';
import { loginUnavailable } from '../core/auth/login-window-support.ts';
import { PatchbayError } from '../core/errors.ts';
import { nullLogger, type Logger } from '../core/log.ts';

export function createElectronExternalBrowser(electron: { shell: Pick<Shell, 'openExternal'> }, options: { log?: Logger } = {}): ExternalBrowser {
  const log = (options.log ?? nullLogger).child({ component: 'external-browser', engine: 'system' });
  return {
    async open({ url, profileId }) {
      if (!isBrowsableUrl(url)) throw new PatchbayError('login.failed', 'The sign-in page address is not a web address.', { action: 'contact-it' });
      try {
        await electron.shell.openExternal(url, { activate: true });
      } catch (error) {
        throw loginUnavailable('the system browser could not be opened', error);
      }
      log.info('external-browser.open', { profileId, host: new URL(url).host });
    },
  };
}
