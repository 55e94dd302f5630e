// The LoginWindow port (main/core/auth/login-window.ts) on Debian Chromium via playwright-core, for
// the browser shell and tests (DESIGN.md "LoginWindow"). One browser per process, launched on first
// use; one fresh BrowserContext per run, seeded with the profile jar's cookies and written back at
// the end, so an IdP session carries over to the next sign-in. Completion is decided by watching
// responses (header, JSON body, URL) and requests (loopback redirect).
//
// Acting as the agent in e2e tests: set PATCHBAY_LOGIN_WINDOW_CDP_PORT=<port> (or pass
// `remoteDebuggingPort`) and the browser also listens for the Chrome DevTools Protocol on
// 127.0.0.1:<port>; a test then `chromium.connectOverCDP('http://127.0.0.1:<port>')`, finds the page
// whose URL is the IdP's and fills its form as a person would. Port 0 picks a free port, readable
// from `cdpEndpoint` once the browser runs. Never set it in production: whoever reaches the port
// drives the browser.
//
// The parts by concern: login-window-launch.ts (Chromium flags, CDP port, app window, title script),
// login-window-journey.ts (one run's page and completion), login-window-redirects.ts (the 3xx guard).
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserCookiesToJar, jarToBrowserCookies, loginCancelled, loginUnavailable } from '../core/auth/login-window-support.ts';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../core/auth/login-window.ts';
import { toPatchbayError } from '../core/errors.ts';
import { nullLogger, type Logger } from '../core/log.ts';
import { fromPlaywrightCookie, Journey, toPlaywrightCookie } from './login-window-journey.ts';
import { appWindowArgs, chromiumExecutable, defaultHeadless, launchFlags, SIGN_IN_TITLE_SCRIPT, type LoginWindowProxyRules } from './login-window-launch.ts';

export { APP_WINDOW_START, appWindowArgs, CDP_PORT_ENV, SIGN_IN_TITLE_SCRIPT, type LoginWindowProxyRules } from './login-window-launch.ts';

export interface ChromiumLoginWindowOptions {
  log?: Logger;
  /** Undefined: Chromium's own (system) proxy settings. */
  proxy?: LoginWindowProxyRules;
  /** Default: $CHROMIUM_PATH or /usr/bin/chromium. */
  executablePath?: string;
  /** Default: headless when no display ($DISPLAY / $WAYLAND_DISPLAY) exists on Linux. */
  headless?: boolean;
  /** CDP on 127.0.0.1 for tests acting as the agent (0 = a free port). Default: $PATCHBAY_LOGIN_WINDOW_CDP_PORT. */
  remoteDebuggingPort?: number;
  /** Extra Chromium flags. */
  args?: string[];
  /** Issue 13 item 8: a window the agent may see is a clean app window (Chromium `--app=`, like the
   *  main window: no tabs, no address bar), one Chromium per run. Default: when not headless. */
  appWindow?: boolean;
}

export interface ChromiumLoginWindow extends LoginWindow {
  /** `http://127.0.0.1:<port>` while the browser runs with remote debugging, else undefined. */
  readonly cdpEndpoint: string | undefined;
  /** Closes the browser (pending runs end with login.cancelled). */
  close(): Promise<void>;
  /** The one Chromium of this process (launched on first use), shared with the browser shell's
   *  ExternalBrowser (main/browser-shell/external-browser.ts). */
  browser(): Promise<Browser>;
  readonly headless: boolean;
}

export function createChromiumLoginWindow(options: ChromiumLoginWindowOptions): ChromiumLoginWindow {
  const log = (options.log ?? nullLogger).child({ component: 'login-window', engine: 'chromium' });
  const headless = options.headless ?? defaultHeadless();
  let browserPromise: Promise<Browser> | undefined;
  let cdpEndpoint: string | undefined;
  let closed = false;
  /** Runs in flight, and whether a clearProfile waits for them to end. */
  let running = 0;
  let clearWhenIdle = false;

  /** Closes the browser: playwright deletes its temporary user-data directory (disk cache, any
   *  state outside the per-run contexts) with it; the next run launches a fresh one. */
  async function closeBrowser(): Promise<void> {
    clearWhenIdle = false;
    const pending = browserPromise;
    browserPromise = undefined;
    const b = await pending?.catch(() => undefined);
    await b?.close().catch(() => undefined);
  }

  const appWindow = options.appWindow ?? !headless;
  /** App-window runs in flight: close() ends them (their page closes: login.cancelled). */
  const appContexts = new Set<BrowserContext>();

  async function launch(): Promise<Browser> {
    const { args, port } = await launchFlags(options);
    try {
      const browser = await chromium.launch({ executablePath: chromiumExecutable(options.executablePath), headless, args });
      cdpEndpoint = port === undefined ? undefined : `http://127.0.0.1:${port}`;
      if (port !== undefined) log.warn('login-window.remote-debugging', { port });
      browser.on('disconnected', () => {
        browserPromise = undefined;
        cdpEndpoint = undefined;
      });
      return browser;
    } catch (error) {
      browserPromise = undefined;
      throw loginUnavailable('Chromium could not be started', error);
    }
  }

  function browser(): Promise<Browser> {
    browserPromise ??= launch();
    return browserPromise;
  }

  async function run(request: LoginWindowRequest): Promise<LoginWindowResult> {
    if (closed) throw loginUnavailable('the sign-in window is shut down');
    if (request.signal?.aborted) throw loginCancelled();
    running += 1;
    try {
      // A silent run ('never') is never seen: it stays in the shared browser.
      if (appWindow && request.visible !== 'never') return await runInAppWindow(request);
      return await runIn(await browser(), request);
    } finally {
      running -= 1;
      if (clearWhenIdle && running === 0) await closeBrowser();
    }
  }

  async function runIn(b: Browser, request: LoginWindowRequest): Promise<LoginWindowResult> {
    let context: BrowserContext;
    try {
      context = await b.newContext({ serviceWorkers: 'block', acceptDownloads: false, viewport: headless ? { width: 900, height: 760 } : null });
      await context.addInitScript(SIGN_IN_TITLE_SCRIPT);
    } catch (error) {
      throw loginUnavailable('a browser context could not be created', error);
    }
    return journeyIn(context, request, undefined);
  }

  /** Issue 13 item 8: the run in its own Chromium started with `--app=` (a persistent context on a
   *  temporary profile that playwright deletes when it closes): the window has no tabs and no
   *  address bar; the journey navigates its one page. */
  async function runInAppWindow(request: LoginWindowRequest): Promise<LoginWindowResult> {
    const { args, port } = await launchFlags(options);
    let context: BrowserContext;
    try {
      context = await chromium.launchPersistentContext('', {
        executablePath: chromiumExecutable(options.executablePath),
        headless,
        args: [...args, ...appWindowArgs(request.visible)],
        serviceWorkers: 'block',
        acceptDownloads: false,
        viewport: headless ? { width: 900, height: 760 } : null,
      });
      await context.addInitScript(SIGN_IN_TITLE_SCRIPT);
    } catch (error) {
      throw loginUnavailable('Chromium could not be started', error);
    }
    cdpEndpoint = port === undefined ? undefined : `http://127.0.0.1:${port}`;
    if (port !== undefined) log.warn('login-window.remote-debugging', { port });
    appContexts.add(context);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      return await journeyIn(context, request, page);
    } finally {
      appContexts.delete(context);
      await context.close().catch(() => undefined);
      if (cdpEndpoint === `http://127.0.0.1:${port}`) cdpEndpoint = undefined;
    }
  }

  async function journeyIn(context: BrowserContext, request: LoginWindowRequest, page: Page | undefined): Promise<LoginWindowResult> {
    const seeded = request.jar ? await jarToBrowserCookies(request.jar) : [];
    if (seeded.length > 0) await context.addCookies(seeded.map(toPlaywrightCookie));
    // Headless with nobody attached over CDP: a page that waits for the agent can never be answered.
    const journey = new Journey(context, request, headless, cdpEndpoint !== undefined, log, page);
    try {
      return await journey.run();
    } finally {
      // Cookies flow back whatever the outcome: an IdP session made before a timeout still counts.
      if (request.jar) {
        try {
          const after = (await context.cookies()).map(fromPlaywrightCookie);
          await browserCookiesToJar(request.jar, after, seeded);
        } catch (error) {
          log.info('login-window.cookies-not-synced', { code: toPatchbayError(error).code });
        }
      }
      await context.close().catch(() => undefined);
    }
  }

  return {
    run,
    /** Sign-out, profile removal, "forget saved sign-in" (issue 8 item 7): each run's context (its
     *  cookies, storage, in-memory cache) is already gone; the browser's temporary profile goes now,
     *  or when the runs in flight end. */
    async clearProfile(profileId) {
      clearWhenIdle = true;
      log.info('login-window.profile-cleared', { profileId, deferred: running > 0 });
      if (running === 0) await closeBrowser();
    },
    browser,
    headless,
    get cdpEndpoint() {
      return cdpEndpoint;
    },
    close: async () => {
      closed = true;
      await Promise.all([...appContexts].map((context) => context.close().catch(() => undefined)));
      const pending = browserPromise;
      browserPromise = undefined;
      const b = await pending?.catch(() => undefined);
      await b?.close().catch(() => undefined);
    },
  };
}
