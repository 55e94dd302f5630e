// Pure pieces shared by the LoginWindow adapters (main/browser-shell Chromium, main/electron
// BrowserWindow): completion matching, the host allow-list, cookie conversion between the profile's
// tough-cookie jar and a browser's cookie store, and the typed errors of the port. No I/O but the jar.
import type { CookieJar } from 'tough-cookie';
import { PatchbayError } from '../errors.ts';
import { storeSetCookie } from '../net/cookies.ts';
import type { LoginCompletion } from './login-window.ts';

/** A browser cookie, neutral between CDP/Playwright and Electron: a leading dot on `domain` marks a
 *  domain cookie (RFC 6265 §5.2.3), none a host-only cookie; `expires` in seconds, -1 = session. */
export interface BrowserCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

/** What an adapter knows about one response when deciding whether the journey is complete. */
export interface ObservedResponse {
  url: string;
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** True for the top-level document (main-frame navigation). */
  isDocument: boolean;
}

/** Hosts the window may navigate to: `host` or `host:port` entries, case-insensitive; none = any.
 *  Only http(s) pages (and about:blank) are ever allowed. */
export function navigationAllowed(url: string, allowedHosts: readonly string[] | undefined): boolean {
  if (url === 'about:blank') return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (!allowedHosts || allowedHosts.length === 0) return true;
  const host = parsed.host.toLowerCase();
  const hostname = parsed.hostname.toLowerCase();
  return allowedHosts.some((entry) => {
    const e = entry.toLowerCase();
    return e === host || e === hostname;
  });
}

function hostsOf(url: string): { host: string; hostname: string } | undefined {
  try {
    const parsed = new URL(url);
    return { host: parsed.host.toLowerCase(), hostname: parsed.hostname.toLowerCase() };
  } catch {
    return undefined;
  }
}

function inList(url: string, list: readonly string[]): boolean {
  const h = hostsOf(url);
  if (!h) return false;
  return list.some((entry) => {
    const e = entry.toLowerCase();
    return e === h.host || e === h.hostname;
  });
}

/**
 * Which hosts one sign-in flow may visit (issue 8 item 6). With IT's list (`allowedHosts`) exactly
 * that list. Without it: the profile's hosts, plus the hosts the flow reaches from them — a host
 * reached from a profile host (redirect, form post or script navigation: how an SP sends the agent
 * to the IdP), and a host reached from a host learned so far by an HTTP redirect or a POSTed form
 * (SAML/WS-Fed bindings: IdS → IdP, federation chains). A GET navigation from an IdP page to a new
 * host (a link to somewhere else) is refused. Learned hosts are kept per flow and reported.
 */
export class FlowHosts {
  readonly profileHosts: readonly string[];
  private readonly explicit: readonly string[] | undefined;
  private readonly learnedSet = new Set<string>();

  constructor(request: { url: string; allowedHosts?: readonly string[] | undefined; profileHosts?: readonly string[] | undefined }) {
    const start = hostsOf(request.url)?.host;
    this.profileHosts = request.profileHosts && request.profileHosts.length > 0 ? request.profileHosts.map((h) => h.toLowerCase()) : start ? [start] : [];
    this.explicit = request.allowedHosts && request.allowedHosts.length > 0 ? [...request.allowedHosts, ...this.profileHosts] : undefined;
  }

  get learned(): string[] {
    return [...this.learnedSet];
  }

  /** A main-frame navigation to `url`; `from` is the previous hop (redirect) or the page it leaves;
   *  `how`: an HTTP redirect, a POST (a form: SAML/WS-Fed binding), or any other navigation. */
  allow(url: string, from: string | undefined, how: 'redirect' | 'post' | 'navigate'): boolean {
    if (url === 'about:blank') return true;
    if (!navigationAllowed(url, [])) return false; // http(s) only
    if (this.explicit) return navigationAllowed(url, this.explicit);
    if (inList(url, this.profileHosts) || inList(url, this.learned)) return true;
    const fromProfile = from !== undefined && inList(from, this.profileHosts);
    const fromLearned = from !== undefined && how !== 'navigate' && inList(from, this.learned);
    if (!fromProfile && !fromLearned) return false;
    this.learnedSet.add(hostsOf(url)!.host);
    return true;
  }

  /** [ICWS-11] a header completion (ININ-STS-Token) counts only from the platform's own hosts. */
  trustedResponder(url: string): boolean {
    return inList(url, this.profileHosts);
  }
}

function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}

/** A request about to go to a `redirectTo` URL ends the journey before it leaves the browser
 *  (RFC 8252 §7.3: the loopback redirect carries the result in its query). */
export function matchRedirectTo(until: readonly LoginCompletion[], url: string): LoginCompletion | undefined {
  const target = withoutQuery(url);
  return until.find((c) => 'redirectTo' in c && (target === withoutQuery(c.redirectTo) || target === withoutQuery(c.redirectTo).replace(/\/$/, '')));
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/** The first completion (in `until` order) this response satisfies, if any. `trusted` decides which
 *  hosts a header completion may come from (FlowHosts.trustedResponder); default any. */
export function matchResponse(until: readonly LoginCompletion[], response: ObservedResponse, trusted: (url: string) => boolean = () => true): LoginCompletion | undefined {
  for (const c of until) {
    if ('responseHeader' in c && response.headers[c.responseHeader.toLowerCase()] !== undefined && trusted(response.url)) return c;
    if ('jsonResponseAt' in c && response.url.startsWith(c.jsonResponseAt) && isJson(response.headers['content-type']) && !isRedirectStatus(response.status)) return c;
    if ('urlPrefix' in c && response.isDocument && response.url.startsWith(c.urlPrefix)) return c;
  }
  return undefined;
}

export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400;
}

/** Body text worth returning with a completion: JSON always; a final document's HTML otherwise. */
export function wantsBody(completion: LoginCompletion, response: ObservedResponse): boolean {
  if (isRedirectStatus(response.status)) return false;
  if ('jsonResponseAt' in completion) return true;
  return response.isDocument;
}

/** The <title> of an HTML page, flattened and bounded (for error messages; never a full page). */
export function pageTitle(html: string | undefined): string | undefined {
  const m = html ? /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html) : null;
  if (!m) return undefined;
  const text = m[1]!
    .replace(/<[^>]*>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, 160) : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the sign-in page';
  }
}

// ---- errors of the port ------------------------------------------------------------------------

export function loginCancelled(): PatchbayError {
  return new PatchbayError('login.cancelled', 'The sign-in window was closed before the sign-in finished.', { action: 'sign-in-again' });
}

export function loginTimeout(timeoutMs: number, lastUrl?: string): PatchbayError {
  const seconds = Math.round(timeoutMs / 1000);
  return new PatchbayError('login.timeout', `The sign-in did not finish within ${seconds} s.`, {
    action: 'sign-in-again',
    details: { timeoutMs, ...(lastUrl ? { host: hostOf(lastUrl) } : {}) },
  });
}

export function loginRefusedHost(url: string): PatchbayError {
  const host = hostOf(url);
  return new PatchbayError('login.failed', `The sign-in window tried to open ${host}, which this profile does not allow.`, {
    action: 'contact-it',
    details: { host, reason: 'host-not-allowed' },
  });
}

export function loginNavigationFailed(url: string, reason: string): PatchbayError {
  const host = hostOf(url);
  return new PatchbayError('login.failed', `The sign-in page at ${host} could not be opened (${reason}).`, {
    action: 'retry',
    details: { host, reason },
  });
}

/** A server error page (5xx) on the top-level document: the IdP or server is down; its own words. */
export function loginPageError(url: string, status: number, title: string | undefined): PatchbayError {
  const host = hostOf(url);
  const said = title ? `: ${title}` : '';
  return new PatchbayError('login.failed', `The sign-in page at ${host} answered ${status}${said}`, {
    action: 'retry',
    details: { host, status, reason: 'server-error-page' },
  });
}

export function loginUnavailable(reason: string, cause?: unknown): PatchbayError {
  return new PatchbayError('login.unavailable', `No sign-in window can be opened here (${reason}).`, { action: 'contact-it', ...(cause === undefined ? {} : { cause }) });
}

// ---- cookies ----------------------------------------------------------------------------------

/** The jar's live cookies as browser cookies (to seed a window). */
export async function jarToBrowserCookies(jar: CookieJar, nowMs = Date.now()): Promise<BrowserCookie[]> {
  const all = await jar.store.getAllCookies();
  const out: BrowserCookie[] = [];
  for (const c of all) {
    if (!c.domain || c.value === undefined) continue;
    const expiresMs = c.expires instanceof Date ? c.expires.getTime() : undefined;
    if (expiresMs !== undefined && expiresMs <= nowMs) continue;
    const cookie: BrowserCookie = {
      name: c.key,
      value: c.value,
      domain: c.hostOnly === false ? `.${c.domain}` : c.domain,
      path: c.path ?? '/',
      expires: expiresMs === undefined ? -1 : Math.floor(expiresMs / 1000),
      httpOnly: c.httpOnly,
      secure: c.secure,
    };
    const sameSite = sameSiteOut(c.sameSite);
    if (sameSite) cookie.sameSite = sameSite;
    out.push(cookie);
  }
  return out;
}

function sameSiteOut(value: string | undefined): BrowserCookie['sameSite'] {
  switch ((value ?? '').toLowerCase()) {
    case 'strict':
      return 'Strict';
    case 'lax':
      return 'Lax';
    case 'none':
      return 'None';
    default:
      return undefined;
  }
}

/** One browser cookie as the Set-Cookie line its own site would have sent, and that site's URL. */
export function browserCookieToSetCookie(cookie: BrowserCookie): { header: string; url: string } {
  const domainCookie = cookie.domain.startsWith('.');
  const host = domainCookie ? cookie.domain.slice(1) : cookie.domain;
  const parts = [`${cookie.name}=${cookie.value}`, `Path=${cookie.path || '/'}`];
  if (domainCookie) parts.push(`Domain=${host}`);
  if (cookie.expires > 0) parts.push(`Expires=${new Date(cookie.expires * 1000).toUTCString()}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { header: parts.join('; '), url: `${cookie.secure ? 'https' : 'http'}://${hostPart}${cookie.path || '/'}` };
}

const keyOf = (c: { name: string; domain: string; path: string }) => `${c.domain.replace(/^\./, '')}\n${c.path}\n${c.name}`;

/** Writes the window's cookies back into the jar: new and changed ones stored (RFC 6265 rules
 *  apply), those the window deleted since `seeded` removed. Returns how many were stored. */
export async function browserCookiesToJar(jar: CookieJar, after: readonly BrowserCookie[], seeded: readonly BrowserCookie[], nowMs = Date.now()): Promise<number> {
  let stored = 0;
  for (const cookie of after) {
    const { header, url } = browserCookieToSetCookie(cookie);
    if ((await storeSetCookie(jar, header, new URL(url), nowMs)) === null) stored += 1;
  }
  const still = new Set(after.map(keyOf));
  for (const cookie of seeded) {
    if (still.has(keyOf(cookie))) continue;
    await jar.store.removeCookie(cookie.domain.replace(/^\./, ''), cookie.path, cookie.name);
  }
  return stored;
}
