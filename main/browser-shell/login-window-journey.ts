// One sign-in run in the Chromium LoginWindow (main/browser-shell/login-window.ts): the page watched
// until a completion (response header, JSON body, URL, loopback redirect), an error, a timeout or a
// close; the hosts it may visit; when a hidden window is shown.
import type { BrowserContext, Page, Request, Response, Route } from 'playwright-core';
import {
  FlowHosts,
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
import type { LoginCompletion, LoginWindowRequest, LoginWindowResult } from '../core/auth/login-window.ts';
import { PatchbayError, toPatchbayError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { guardRedirects } from './login-window-redirects.ts';

/** 'when-needed': a page that stays put this long after loading is waiting for the agent. */
const REVEAL_AFTER_MS = 800;

export function toPlaywrightCookie(c: BrowserCookie) {
  return { name: c.name, value: c.value, domain: c.domain, path: c.path, expires: c.expires, httpOnly: c.httpOnly, secure: c.secure, ...(c.sameSite ? { sameSite: c.sameSite } : {}) };
}

export function fromPlaywrightCookie(c: { name: string; value: string; domain: string; path: string; expires: number; httpOnly: boolean; secure: boolean; sameSite: 'Strict' | 'Lax' | 'None' }): BrowserCookie {
  return { name: c.name, value: c.value, domain: c.domain, path: c.path, expires: c.expires, httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite };
}

/** One run: a page in its own context, watched until a completion, an error, a timeout or a close. */
export class Journey {
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
    const guardHost = { request, flow: this.flow, log: this.log, claim: () => this.claim(), finish: (r: LoginWindowResult) => this.finish(r, true), fail: (e: PatchbayError) => this.fail(e) };
    await guardRedirects(context, page, guardHost);
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
