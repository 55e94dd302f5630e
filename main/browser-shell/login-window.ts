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
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page, Request, Response, Route } from 'playwright-core';
import {
  FlowHosts,
  browserCookiesToJar,
  jarToBrowserCookies,
  loginCancelled,
  loginNavigationFailed,
  loginPageError,
  loginRefusedHost,
  loginTimeout,
  loginUnavailable,
  matchRedirectTo,
  matchResponse,
  navigationAllowed,
  pageTitle,
  wantsBody,
  type BrowserCookie,
  type ObservedResponse,
} from '../core/auth/login-window-support.ts';
import type { LoginCompletion, LoginWindow, LoginWindowRequest, LoginWindowResult } from '../core/auth/login-window.ts';
import { PatchbayError, toPatchbayError } from '../core/errors.ts';
import { nullLogger, type Logger } from '../core/log.ts';

export const CDP_PORT_ENV = 'PATCHBAY_LOGIN_WINDOW_CDP_PORT';
/** shared/rigs/toolchain.md: the flags Debian Chromium runs with here. */
const CHROMIUM_FLAGS = ['--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** 'when-needed': a page that stays put this long after loading is waiting for the agent. */
const REVEAL_AFTER_MS = 800;

/** Chromium proxy rules (main/core/net/proxy.ts loginWindowProxy): the window uses the core's proxy. */
export interface LoginWindowProxyRules {
  proxyRules: string;
  proxyBypassRules: string;
}

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

function defaultHeadless(): boolean {
  if (process.platform !== 'linux') return false;
  return !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function portFromEnv(): number | undefined {
  const raw = process.env[CDP_PORT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw loginUnavailable(`${CDP_PORT_ENV} must be a port number`);
  return port;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function toPlaywrightCookie(c: BrowserCookie) {
  return { name: c.name, value: c.value, domain: c.domain, path: c.path, expires: c.expires, httpOnly: c.httpOnly, secure: c.secure, ...(c.sameSite ? { sameSite: c.sameSite } : {}) };
}

function fromPlaywrightCookie(c: { name: string; value: string; domain: string; path: string; expires: number; httpOnly: boolean; secure: boolean; sameSite: 'Strict' | 'Lax' | 'None' }): BrowserCookie {
  return { name: c.name, value: c.value, domain: c.domain, path: c.path, expires: c.expires, httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite };
}

/** Issue 13 item 8: the window title shows the host of the page the agent types their password on
 *  ("Sign in — host"), kept so when the page sets its own title (it could claim anything). Runs in
 *  every document of the sign-in context before the page's scripts; top frame only. */
export const SIGN_IN_TITLE_SCRIPT = `(() => {
  if (window.top !== window) return;
  const wanted = 'Sign in \u2014 ' + location.host;
  const keep = () => { if (document.title !== wanted) document.title = wanted; };
  document.addEventListener('DOMContentLoaded', () => {
    keep();
    new MutationObserver(keep).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  });
})();`;

/** The first page of an app-mode sign-in window; the journey navigates it to the sign-in page. */
export const APP_WINDOW_START = 'data:text/html,<title>Sign in</title>';

/** Issue 13 item 8: the flags of a sign-in app window. `--app=` gives the window no tab strip and no
 *  address bar (the title names the page's host instead); a window that may stay hidden ('never',
 *  'when-needed') opens off-screen and is moved on screen when the page waits for the agent. */
export function appWindowArgs(visible: LoginWindowRequest['visible']): string[] {
  const args = [`--app=${APP_WINDOW_START}`];
  if (visible !== 'always') args.push('--window-position=-32000,-32000');
  return args;
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

  async function launchFlags(): Promise<{ args: string[]; port: number | undefined }> {
    const requestedPort = options.remoteDebuggingPort ?? portFromEnv();
    const port = requestedPort === 0 ? await freePort() : requestedPort;
    const args = [...CHROMIUM_FLAGS, ...(options.args ?? [])];
    // Chromium refuses its sandbox as root (CI containers); a desktop user keeps it.
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    if (port !== undefined) args.push(`--remote-debugging-port=${port}`, '--remote-debugging-address=127.0.0.1');
    if (options.proxy?.proxyRules) {
      args.push(`--proxy-server=${options.proxy.proxyRules}`);
      if (options.proxy.proxyBypassRules) args.push(`--proxy-bypass-list=${options.proxy.proxyBypassRules}`);
    }
    return { args, port };
  }

  async function launch(): Promise<Browser> {
    const { args, port } = await launchFlags();
    try {
      const browser = await chromium.launch({ executablePath: options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless, args });
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
    const { args, port } = await launchFlags();
    let context: BrowserContext;
    try {
      context = await chromium.launchPersistentContext('', {
        executablePath: options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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

/** One run: a page in its own context, watched until a completion, an error, a timeout or a close. */
class Journey {
  private readonly context: BrowserContext;
  private readonly request: LoginWindowRequest;
  private readonly headless: boolean;
  private readonly attachable: boolean;
  private readonly log: Logger;
  private page: Page | undefined;
  private settled = false;
  private resolveRun!: (result: LoginWindowResult) => void;
  private rejectRun!: (error: PatchbayError) => void;
  private lastUrl: string;
  private revealTimer: NodeJS.Timeout | undefined;
  /** The hosts this flow may visit, learned as it goes (issue 8 item 6). */
  private readonly flow: FlowHosts;
  /** The CDP id of the page's main frame (redirect checks apply to it when hosts are learned). */
  private mainFrameId: string | undefined;

  /** The app window's page (issue 13 item 8), else a new page in the context. */
  private readonly initialPage: Page | undefined;

  constructor(context: BrowserContext, request: LoginWindowRequest, headless: boolean, attachable: boolean, log: Logger, initialPage?: Page) {
    this.initialPage = initialPage;
    this.flow = new FlowHosts(request);
    this.context = context;
    this.request = request;
    this.headless = headless;
    this.attachable = attachable;
    this.log = log;
    this.lastUrl = request.url;
  }

  run(): Promise<LoginWindowResult> {
    const done = new Promise<LoginWindowResult>((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
    });
    const timer = setTimeout(() => this.fail(loginTimeout(this.request.timeoutMs, this.lastUrl)), this.request.timeoutMs);
    const onAbort = () => this.fail(loginCancelled());
    this.request.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.request.signal?.aborted) onAbort();
    this.start().catch((error: unknown) => this.fail(error instanceof PatchbayError ? error : loginNavigationFailed(this.request.url, 'the window could not be opened')));
    return done.finally(() => {
      clearTimeout(timer);
      if (this.revealTimer) clearTimeout(this.revealTimer);
      this.request.signal?.removeEventListener('abort', onAbort);
    });
  }

  /** Claims the outcome synchronously, so later events (the redirect target failing to load, the
   *  context closing) cannot race an asynchronous completion. */
  private claim(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }

  private finish(result: LoginWindowResult, claimed = false): void {
    if (!claimed && !this.claim()) return;
    const learnedHosts = this.flow.learned;
    this.log.info('login-window.completed', { profileId: this.request.profileId, host: hostOf(result.url), status: result.status, learnedHosts });
    this.resolveRun(learnedHosts.length > 0 ? { ...result, learnedHosts } : result);
  }

  private fail(error: PatchbayError): void {
    if (!this.claim()) return;
    this.log.info('login-window.failed', { profileId: this.request.profileId, code: error.code, host: hostOf(this.lastUrl) });
    this.rejectRun(error);
  }

  private async start(): Promise<void> {
    const { context, request } = this;
    await context.route('**/*', (route) => this.onRoute(route));
    // New windows (window.open, target=_blank) are not part of the journey.
    context.on('page', (p) => {
      if (this.page && p !== this.page) void p.close().catch(() => undefined);
    });
    const page = this.initialPage ?? (await context.newPage());
    this.page = page;
    page.on('close', () => this.fail(loginCancelled()));
    page.on('response', (response) => {
      this.onResponse(response).catch(() => undefined);
    });
    page.on('request', (req) => this.onRequest(req));
    page.on('requestfailed', (req) => this.onRequestFailed(req));
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      this.lastUrl = frame.url();
      this.scheduleReveal();
    });
    page.on('load', () => this.scheduleReveal());
    await this.guardRedirects(page);
    if (!this.headless && request.visible !== 'always') await this.moveWindow(page, false);
    this.log.info('login-window.open', { profileId: request.profileId, host: hostOf(request.url), visible: request.visible, headless: this.headless });
    await page.goto(request.url, { waitUntil: 'commit' }).catch((error: unknown) => {
      if (!this.settled) this.log.debug('login-window.goto-interrupted', { message: error instanceof Error ? error.message.split('\n')[0] : 'unknown' });
    });
  }

  private async onRoute(route: Route): Promise<void> {
    const req = route.request();
    const url = req.url();
    if (matchRedirectTo(this.request.until, url)) {
      // RFC 8252 §7.3: the loopback redirect is the result (taken by onRequest); it never loads.
      await route.abort('aborted').catch(() => undefined);
      return;
    }
    if (req.isNavigationRequest() && !this.navigationAllowed(req)) {
      await route.abort('blockedbyclient').catch(() => undefined);
      if (req.frame() === this.page?.mainFrame()) this.fail(loginRefusedHost(url));
      return;
    }
    await route.continue().catch(() => undefined);
  }

  /** IT's list when given (every frame); otherwise the flow's hosts for the top-level page, from the
   *  page it leaves (subframes of an allowed page are the page's business). */
  private navigationAllowed(req: Request): boolean {
    const url = req.url();
    if (this.request.allowedHosts && this.request.allowedHosts.length > 0) return navigationAllowed(url, this.request.allowedHosts);
    let main = true;
    let from: string | undefined;
    try {
      main = req.frame() === this.page?.mainFrame();
      from = req.frame().url();
    } catch {
      from = undefined;
    }
    if (!main) return navigationAllowed(url, undefined);
    return this.flow.allow(url, from && from !== 'about:blank' ? from : undefined, req.method() === 'POST' ? 'post' : 'navigate');
  }

  /** Playwright routes only the first request of a redirect chain, so a 3xx on a document is held
   *  at the response stage (CDP Fetch) and its Location checked before the browser follows it: a
   *  disallowed host is never contacted, and a redirectTo target never loads. */
  private async guardRedirects(page: Page): Promise<void> {
    type Paused = { requestId: string; frameId?: string; request: { url: string }; responseStatusCode?: number; responseHeaders?: { name: string; value: string }[] };
    const explicit = this.request.allowedHosts !== undefined && this.request.allowedHosts.length > 0;
    try {
      const cdp = await this.context.newCDPSession(page);
      const tree = (await cdp.send('Page.getFrameTree').catch(() => undefined)) as { frameTree?: { frame?: { id?: string } } } | undefined;
      this.mainFrameId = tree?.frameTree?.frame?.id;
      cdp.on('Fetch.requestPaused', (event: Paused) => {
        const status = event.responseStatusCode ?? 0;
        const location = event.responseHeaders?.find((h) => h.name.toLowerCase() === 'location')?.value;
        let to: string | undefined;
        try {
          to = status >= 300 && status < 400 && location ? new URL(location, event.request.url).href : undefined;
        } catch {
          to = undefined;
        }
        const redirect = to ? matchRedirectTo(this.request.until, to) : undefined;
        if (to && redirect && this.claim()) {
          const headers = Object.fromEntries((event.responseHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value]));
          void cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'Aborted' }).catch(() => undefined);
          this.finish({ completion: redirect, url: to, status, headers }, true);
          return;
        }
        const checked = explicit || event.frameId === undefined || event.frameId === this.mainFrameId;
        const allowed = !to || !checked ? true : explicit ? navigationAllowed(to, this.request.allowedHosts) : this.flow.allow(to, event.request.url, 'redirect');
        if (to && !redirect && !allowed) {
          void cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'BlockedByClient' }).catch(() => undefined);
          this.fail(loginRefusedHost(to));
          return;
        }
        void cdp.send('Fetch.continueRequest', { requestId: event.requestId }).catch(() => undefined);
      });
      await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', resourceType: 'Document', requestStage: 'Response' }] });
    } catch (error) {
      this.log.debug('login-window.redirect-guard-unavailable', { code: toPatchbayError(error).code });
    }
  }

  /** A redirect hop is not routed (Playwright routes only a chain's first request): catch a
   *  redirectTo URL when its request is issued, before it loads. */
  private onRequest(req: Request): void {
    // A navigation on its way means the page is not waiting for the agent (yet): hold the reveal.
    if (this.revealTimer && this.isMainFrameNavigation(req)) {
      clearTimeout(this.revealTimer);
      this.revealTimer = undefined;
    }
    const redirect = matchRedirectTo(this.request.until, req.url());
    if (!redirect || !this.claim()) return;
    const url = req.url();
    void (async () => {
      const from = await req.redirectedFrom()?.response().catch(() => null);
      const headers = from ? await from.allHeaders().catch(() => ({})) : {};
      this.finish({ completion: redirect, url, status: from?.status() ?? 0, headers }, true);
    })();
  }

  private async onResponse(response: Response): Promise<void> {
    if (this.settled) return;
    const req = response.request();
    let isDocument = false;
    try {
      isDocument = req.isNavigationRequest() && response.frame() === this.page?.mainFrame();
    } catch {
      isDocument = false;
    }
    const headers = await response.allHeaders();
    const observed: ObservedResponse = { url: response.url(), status: response.status(), headers, isDocument };
    // [ICWS-11] a token header counts only from the platform's own hosts (issue 8 item 6).
    const completion = matchResponse(this.request.until, observed, (url) => this.flow.trustedResponder(url));
    if (completion) {
      const body = wantsBody(completion, observed) ? await response.text().catch(() => undefined) : undefined;
      this.finish(result(completion, observed, body));
      return;
    }
    // A server error page on the top-level document: the IdP (or server) is down; end with its words.
    if (isDocument && observed.status >= 500) {
      const html = await response.text().catch(() => undefined);
      this.fail(loginPageError(observed.url, observed.status, pageTitle(html)));
    }
  }

  private onRequestFailed(req: Request): void {
    if (this.settled || !this.page || !this.isMainFrameNavigation(req)) return;
    const reason = req.failure()?.errorText ?? 'network error';
    // A navigation replaced by the next one (a form submitted from JavaScript) is not a failure.
    if (/ERR_ABORTED|ERR_BLOCKED_BY_CLIENT/.test(reason)) return;
    this.fail(loginNavigationFailed(req.url(), reason.replace(/^net::/, '')));
  }

  private isMainFrameNavigation(req: Request): boolean {
    try {
      return req.isNavigationRequest() && req.frame() === this.page?.mainFrame();
    } catch {
      return false; // service-worker requests have no frame
    }
  }

  /** A page that stays put has reached the agent: 'when-needed' (headed) reveals the window; headless
   *  with nobody attached over CDP it ends at once (no one could ever answer it) instead of timing out. */
  private scheduleReveal(): void {
    if (this.settled || this.request.visible === 'never') return;
    const headlessAlone = this.headless && !this.attachable;
    if (!headlessAlone && (this.headless || this.request.visible !== 'when-needed')) return;
    if (this.revealTimer) clearTimeout(this.revealTimer);
    this.revealTimer = setTimeout(() => {
      if (this.settled || !this.page) return;
      if (headlessAlone) this.fail(loginUnavailable('there is no display to show the sign-in page on'));
      else void this.moveWindow(this.page, true);
    }, REVEAL_AFTER_MS);
  }

  /** Headed Chromium has no hidden windows: 'never' / 'when-needed' start off-screen (CDP Browser domain). */
  private async moveWindow(page: Page, onScreen: boolean): Promise<void> {
    try {
      const cdp = await this.context.newCDPSession(page);
      const { windowId } = (await cdp.send('Browser.getWindowForTarget')) as { windowId: number };
      await cdp.send('Browser.setWindowBounds', { windowId, bounds: onScreen ? { left: 80, top: 60, windowState: 'normal' } : { left: -32000, top: -32000 } });
      if (onScreen) await page.bringToFront();
      await cdp.detach();
    } catch (error) {
      this.log.debug('login-window.move-failed', { code: toPatchbayError(error).code });
    }
  }
}

function result(completion: LoginCompletion, observed: ObservedResponse, body: string | undefined): LoginWindowResult {
  return { completion, url: observed.url, status: observed.status, headers: observed.headers, ...(body === undefined ? {} : { body }) };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
