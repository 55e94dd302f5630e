// The LoginWindow port (main/core/auth/login-window.ts) on an Electron BrowserWindow (DESIGN.md
// "LoginWindow"): sandboxed, context-isolated, no preload, no Node, in a per-profile persistent
// session partition (`persist:profile-<id>`), so the IdP's session survives restarts. Response
// headers are read with session.webRequest.onHeadersReceived, response bodies with the
// webContents debugger (CDP Network.getResponseBody); main-frame requests (redirect hops included)
// are checked against the allowed hosts and the redirectTo target in onBeforeRequest before they
// leave. Cookies flow both ways between the partition and the profile's jar.
//
// Only type imports from electron: main.ts passes the real `BrowserWindow` and `session`, tests pass
// fakes (importing electron from plain Node fails).
//
// The Electron ⇄ neutral conversions (cookies, headers) live in login-window-convert.ts.
import type { BrowserWindow as ElectronBrowserWindow, BrowserWindowConstructorOptions, Session } from 'electron';
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
import { denyAllPermissions } from './harden.ts';
import { browserCookieToElectron, electronCookieToBrowser, flattenHeaders, forgetCookies } from './login-window-convert.ts';

export { browserCookieToElectron, electronCookieToBrowser, flattenHeaders, forgetCookies } from './login-window-convert.ts';

/** 'when-needed': a page that stays put this long after loading is waiting for the agent. */
const REVEAL_AFTER_MS = 800;
/** Chromium's net::ERR_ABORTED: a navigation replaced by the next one, not a failure. */
const ERR_ABORTED = -3;

export interface ElectronLoginWindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => ElectronBrowserWindow;
  session: { fromPartition(partition: string): Session };
}

export interface ElectronLoginWindowOptions {
  log?: Logger;
  /** The core's proxy (main/core/net/proxy.ts loginWindowProxy); undefined: the system's settings. */
  proxy?: { proxyRules: string; proxyBypassRules: string };
  /** The app's main window, so the sign-in window stays on top of it. */
  parent?: () => ElectronBrowserWindow | undefined;
}

/** One persistent partition per profile: its IdP cookies are that profile's only. */
export function partitionFor(profileId: string): string {
  return `persist:profile-${profileId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** The webPreferences of every sign-in window (Electron security checklist 2–4, 6, 12). */
export const LOGIN_WEB_PREFERENCES = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  javascript: true,
  spellcheck: false,
} as const;

export function createElectronLoginWindow(deps: ElectronLoginWindowDeps, options: ElectronLoginWindowOptions): LoginWindow {
  const log = (options.log ?? nullLogger).child({ component: 'login-window', engine: 'electron' });
  /** webRequest allows one listener per event per session: runs of one profile take turns. */
  const queues = new Map<string, Promise<unknown>>();

  async function runOnce(request: LoginWindowRequest): Promise<LoginWindowResult> {
    if (request.signal?.aborted) throw loginCancelled();
    let ses: Session;
    let win: ElectronBrowserWindow;
    try {
      ses = deps.session.fromPartition(partitionFor(request.profileId));
      denyAllPermissions(ses, log);
      const parent = options.parent?.();
      win = new deps.BrowserWindow({
        show: false,
        width: 520,
        height: 720,
        title: signInTitle(request.url),
        autoHideMenuBar: true,
        ...(parent && !parent.isDestroyed() ? { parent } : {}),
        webPreferences: { ...LOGIN_WEB_PREFERENCES, partition: partitionFor(request.profileId) },
      });
      // Issue 13 item 8: a clean app window — no menu bar; the title names the page's host, not the page.
      win.setMenu(null);
      win.on('page-title-updated', (event) => event.preventDefault());
    } catch (error) {
      throw loginUnavailable('the sign-in window could not be created', error);
    }
    const journey = new ElectronJourney(win, ses, request, log);
    let seeded: BrowserCookie[] = [];
    try {
      if (options.proxy) await ses.setProxy(options.proxy).catch((error: unknown) => log.warn('login-window.proxy-not-set', { code: toPatchbayError(error).code }));
      seeded = request.jar ? await jarToBrowserCookies(request.jar) : [];
      for (const cookie of seeded) await ses.cookies.set(browserCookieToElectron(cookie)).catch(() => undefined);
      return await journey.run();
    } finally {
      journey.detach();
      if (request.jar) {
        try {
          const after = (await ses.cookies.get({})).map(electronCookieToBrowser).filter((c): c is BrowserCookie => c !== undefined);
          await browserCookiesToJar(request.jar, after, seeded);
          if (request.forgetCookies) await forgetCookies(ses.cookies, after, request.forgetCookies, request.profileHosts ?? [new URL(request.url).host]);
        } catch (error) {
          log.info('login-window.cookies-not-synced', { code: toPatchbayError(error).code });
        }
      }
      if (!win.isDestroyed()) win.destroy();
    }
  }

  return {
    /** Sign-out, profile removal, "forget saved sign-in": the partition's cookies, storage and
     *  cache go, so the next agent is not signed in with this one's IdP session (issue 8 item 7). */
    async clearProfile(profileId) {
      const ses = deps.session.fromPartition(partitionFor(profileId));
      await ses.clearStorageData();
      await ses.clearCache();
      await ses.clearAuthCache();
      log.info('login-window.profile-cleared', { profileId });
    },
    run(request) {
      const key = partitionFor(request.profileId);
      const previous = queues.get(key) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => runOnce(request));
      queues.set(
        key,
        next.catch(() => undefined),
      );
      return next;
    },
  };
}

/** Issue 13 item 8: the sign-in window's title shows the host of the page, so the agent can see
 *  where they type their password (the page's own <title> could claim anything). */
export function signInTitle(url: string): string {
  try {
    const host = new URL(url).host;
    return host ? `Sign in — ${host}` : 'Sign in';
  } catch {
    return 'Sign in';
  }
}

/** One run in one window: completion, refusal, error, timeout or close decides it. */
export class ElectronJourney {
  private readonly win: ElectronBrowserWindow;
  private readonly ses: Session;
  private readonly request: LoginWindowRequest;
  private readonly log: Logger;
  private settled = false;
  private resolveRun!: (result: LoginWindowResult) => void;
  private rejectRun!: (error: PatchbayError) => void;
  private lastUrl: string;
  private revealTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private debuggerAttached = false;
  /** CDP request ids by URL, to fetch a completing response's body. */
  private readonly cdpRequestIds = new Map<string, string>();
  /** Responses that completed the run (or failed it) and wait for their body. */
  private readonly awaitingBody = new Map<string, (body: string | undefined) => void>();
  private readonly onAbort = () => this.fail(loginCancelled());
  /** The hosts this flow may visit, learned as it goes (issue 8 item 6). */
  private readonly flow: FlowHosts;
  /** The last main-frame 3xx: its URL and Location, so the next request knows it is that redirect. */
  private pendingRedirect: { from: string; to: string } | undefined;

  constructor(win: ElectronBrowserWindow, ses: Session, request: LoginWindowRequest, log: Logger) {
    this.flow = new FlowHosts(request);
    this.win = win;
    this.ses = ses;
    this.request = request;
    this.log = log;
    this.lastUrl = request.url;
  }

  run(): Promise<LoginWindowResult> {
    const done = new Promise<LoginWindowResult>((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
    });
    this.timer = setTimeout(() => this.fail(loginTimeout(this.request.timeoutMs, this.lastUrl)), this.request.timeoutMs);
    this.request.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (this.request.signal?.aborted) this.onAbort();
    this.attach();
    if (!this.settled) {
      this.log.info('login-window.open', { profileId: this.request.profileId, host: hostOf(this.request.url), visible: this.request.visible });
      this.win.loadURL(this.request.url).catch(() => undefined); // failures arrive as did-fail-load
    }
    return done;
  }

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

  /** IT's list when given; otherwise the flow's hosts, from the redirecting URL or the page left. */
  private navigationAllowed(url: string, method: string | undefined): boolean {
    if (this.request.allowedHosts && this.request.allowedHosts.length > 0) return navigationAllowed(url, this.request.allowedHosts);
    const redirect = this.pendingRedirect?.to === url ? this.pendingRedirect : undefined;
    this.pendingRedirect = undefined;
    if (redirect) return this.flow.allow(url, redirect.from, 'redirect');
    let current: string | undefined;
    try {
      current = this.win.webContents.getURL();
    } catch {
      current = undefined;
    }
    return this.flow.allow(url, current && current !== 'about:blank' ? current : undefined, method === 'POST' ? 'post' : 'navigate');
  }

  fail(error: PatchbayError, claimed = false): void {
    if (!claimed && !this.claim()) return;
    this.log.info('login-window.failed', { profileId: this.request.profileId, code: error.code, host: hostOf(this.lastUrl) });
    this.rejectRun(error);
  }

  private attach(): void {
    const { win, ses, request } = this;
    const contents = win.webContents;
    const mine = (id: number | undefined) => id === contents.id;

    // Main-frame requests, redirect hops included, before they leave.
    ses.webRequest.onBeforeRequest({ urls: ['*://*/*'] }, (details, callback) => {
      if (!mine(details.webContentsId) || details.resourceType !== 'mainFrame') return callback({});
      const redirect = matchRedirectTo(request.until, details.url);
      if (redirect) {
        callback({ cancel: true }); // RFC 8252 §7.3: the redirect is the result; it never loads
        this.finish({ completion: redirect, url: details.url, status: 0, headers: {} });
        return;
      }
      if (!this.navigationAllowed(details.url, details.method)) {
        callback({ cancel: true });
        this.fail(loginRefusedHost(details.url));
        return;
      }
      callback({});
    });

    ses.webRequest.onHeadersReceived({ urls: ['*://*/*'] }, (details, callback) => {
      if (!mine(details.webContentsId)) return callback({});
      // Token JSON, refresh URLs and IdP pages never stay in the partition's disk cache (issue 8 item 7).
      callback({ responseHeaders: withNoStore(details.responseHeaders) });
      if (this.settled) return;
      const observed: ObservedResponse = {
        url: details.url,
        status: details.statusCode,
        headers: flattenHeaders(details.responseHeaders),
        isDocument: details.resourceType === 'mainFrame',
      };
      if (observed.isDocument && observed.status >= 300 && observed.status < 400 && observed.headers.location) {
        try {
          this.pendingRedirect = { from: observed.url, to: new URL(observed.headers.location, observed.url).href };
        } catch {
          this.pendingRedirect = undefined;
        }
      }
      this.onResponse(observed);
    });

    contents.on('did-fail-load', (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
      if (!isMainFrame || errorCode === ERR_ABORTED) return;
      this.fail(loginNavigationFailed(validatedURL, errorDescription));
    });
    contents.on('did-navigate', (_event, url) => {
      this.lastUrl = url;
      this.win.setTitle(signInTitle(url)); // issue 13 item 8: where the agent types their password
      this.scheduleReveal();
    });
    contents.on('did-finish-load', () => this.scheduleReveal());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    win.on('closed', () => this.fail(loginCancelled()));
    if (request.visible === 'always') win.once('ready-to-show', () => win.show());

    try {
      contents.debugger.attach('1.3');
      this.debuggerAttached = true;
      contents.debugger.on('message', (_event, method, params: { requestId?: string; response?: { url?: string } }) => {
        if (method === 'Network.responseReceived' && params.requestId && params.response?.url) this.cdpRequestIds.set(params.response.url, params.requestId);
        if (method === 'Network.loadingFinished' && params.requestId) this.onLoadingFinished(params.requestId);
      });
      void contents.debugger.sendCommand('Network.enable').catch(() => undefined);
    } catch (error) {
      // DevTools open on the window, or no debugger: completions still work, without bodies.
      this.log.debug('login-window.debugger-unavailable', { code: toPatchbayError(error).code });
    }
  }

  private onResponse(observed: ObservedResponse): void {
    // [ICWS-11] a token header counts only from the platform's own hosts (issue 8 item 6).
    const completion = matchResponse(this.request.until, observed, (url) => this.flow.trustedResponder(url));
    if (completion) {
      if (!wantsBody(completion, observed) || !this.debuggerAttached) {
        this.finish(result(completion, observed, undefined));
        return;
      }
      this.claim();
      this.bodyOf(observed.url).then((body) => this.finish(result(completion, observed, body), true));
      return;
    }
    // A server error page on the top-level document: the IdP (or server) is down; its own words.
    if (observed.isDocument && observed.status >= 500 && this.claim()) {
      const fail = (body: string | undefined) => this.fail(loginPageError(observed.url, observed.status, pageTitle(body)), true);
      if (this.debuggerAttached) this.bodyOf(observed.url).then(fail);
      else fail(undefined);
    }
  }

  /** The body of the response from `url`, once it finished loading (undefined when unavailable). */
  private bodyOf(url: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      const giveUp = setTimeout(() => {
        this.awaitingBody.delete(url);
        resolve(undefined);
      }, 5_000);
      this.awaitingBody.set(url, (body) => {
        clearTimeout(giveUp);
        resolve(body);
      });
    });
  }

  private onLoadingFinished(requestId: string): void {
    for (const [url, deliver] of this.awaitingBody) {
      if (this.cdpRequestIds.get(url) !== requestId) continue;
      this.awaitingBody.delete(url);
      this.win.webContents.debugger
        .sendCommand('Network.getResponseBody', { requestId })
        .then((r: { body: string; base64Encoded: boolean }) => deliver(r.base64Encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body))
        .catch(() => deliver(undefined));
    }
  }

  private scheduleReveal(): void {
    if (this.request.visible !== 'when-needed' || this.settled) return;
    if (this.revealTimer) clearTimeout(this.revealTimer);
    this.revealTimer = setTimeout(() => {
      if (!this.settled && !this.win.isDestroyed() && !this.win.isVisible()) this.win.show();
    }, REVEAL_AFTER_MS);
  }

  /** Stops listening (the session's webRequest listeners are per session, so they must go). */
  detach(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.revealTimer) clearTimeout(this.revealTimer);
    this.request.signal?.removeEventListener('abort', this.onAbort);
    this.ses.webRequest.onBeforeRequest(null);
    this.ses.webRequest.onHeadersReceived(null);
    if (this.debuggerAttached && !this.win.isDestroyed()) {
      try {
        this.win.webContents.debugger.detach();
      } catch {
        // already detached
      }
    }
  }
}

/** The response headers with every caching header replaced by `Cache-Control: no-store`. */
export function withNoStore(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers ?? {})) {
    if (!/^(cache-control|expires|pragma|etag|last-modified)$/i.test(name)) out[name] = values;
  }
  out['Cache-Control'] = ['no-store'];
  return out;
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
