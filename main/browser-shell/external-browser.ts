// The ExternalBrowser port (main/core/auth/external-browser.ts) in the browser shell: "the system
// browser" is a page in the same Debian Chromium the LoginWindow launches (one browser per process,
// main/browser-shell/login-window.ts), in one long-lived context of its own — like the agent's own
// browser profile, its login cookies carry over from one sign-in to the next, and it shares nothing
// with the sign-in window's per-run contexts. The result comes back through the loopback redirect,
// never through this port. e2e tests attach over CDP (PATCHBAY_LOGIN_WINDOW_CDP_PORT) and act as the
// agent on the page whose URL is the login page.
import type { BrowserContext, Page } from 'playwright-core';
import { isBrowsableUrl, type ExternalBrowser, type ExternalBrowserRequest } from '../core/auth/external-browser.ts';
import { loginUnavailable } from '../core/auth/login-window-support.ts';
import { PatchbayError, toPatchbayError } from '../core/errors.ts';
import { nullLogger, type Logger } from '../core/log.ts';
import type { ChromiumLoginWindow } from './login-window.ts';

export interface ChromiumExternalBrowser extends ExternalBrowser {
  /** Closes the pages and the context (the browser itself belongs to the LoginWindow). */
  close(): Promise<void>;
}

export function createChromiumExternalBrowser(options: { chromium: Pick<ChromiumLoginWindow, 'browser' | 'headless' | 'cdpEndpoint'>; log?: Logger }): ChromiumExternalBrowser {
  const log = (options.log ?? nullLogger).child({ component: 'external-browser', engine: 'chromium' });
  let contextPromise: Promise<BrowserContext> | undefined;
  let page: Page | undefined;

  async function context(): Promise<BrowserContext> {
    contextPromise ??= (async () => {
      const browser = await options.chromium.browser();
      const created = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: false, viewport: options.chromium.headless ? { width: 1000, height: 800 } : null });
      created.on('close', () => {
        contextPromise = undefined;
        page = undefined;
      });
      return created;
    })().catch((error: unknown) => {
      contextPromise = undefined;
      throw error instanceof PatchbayError ? error : loginUnavailable('the browser could not open a page', error);
    });
    return contextPromise;
  }

  return {
    async open(request: ExternalBrowserRequest): Promise<void> {
      // Only web pages: never file:, javascript: or another scheme (RFC 8252 §8.12 is about https pages).
      if (!isBrowsableUrl(request.url)) throw new PatchbayError('login.failed', 'The sign-in page address is not a web address.', { action: 'contact-it' });
      const ctx = await context();
      // Headless with nobody attached over CDP: no one could ever answer the page (like the LoginWindow).
      if (options.chromium.headless && options.chromium.cdpEndpoint === undefined) throw loginUnavailable('there is no display to show the sign-in page on');
      // One sign-in tab at a time: an older one (its sign-in abandoned) is closed.
      const previous = page;
      page = await ctx.newPage();
      if (previous && !previous.isClosed()) await previous.close().catch(() => undefined);
      log.info('external-browser.open', { profileId: request.profileId, host: new URL(request.url).host });
      // 'commit': the page is handed over; the agent finishes in their own time.
      await page.goto(request.url, { waitUntil: 'commit' }).catch((error: unknown) => {
        log.info('external-browser.goto-failed', { code: toPatchbayError(error).code });
      });
      if (!options.chromium.headless) await page.bringToFront().catch(() => undefined);
    },
    async close(): Promise<void> {
      const pending = contextPromise;
      contextPromise = undefined;
      page = undefined;
      const ctx = await pending?.catch(() => undefined);
      await ctx?.close().catch(() => undefined);
    },
  };
}
