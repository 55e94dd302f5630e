// Electron ⇄ neutral conversions for the sign-in window (main/electron/login-window.ts): cookies
// between a session partition and the profile's jar (login-window-support.ts BrowserCookie), the
// token cookies the partition must not keep, and webRequest headers. Only type imports from electron.
import type { Cookie as ElectronCookie, CookiesSetDetails, Session } from 'electron';
import type { BrowserCookie } from '../core/auth/login-window-support.ts';

export function electronCookieToBrowser(c: ElectronCookie): BrowserCookie | undefined {
  if (!c.domain) return undefined;
  const host = c.domain.replace(/^\./, '');
  const cookie: BrowserCookie = {
    name: c.name,
    value: c.value,
    // Electron says hostOnly; the neutral form marks domain cookies with a leading dot.
    domain: c.hostOnly === false || (c.hostOnly === undefined && c.domain.startsWith('.')) ? `.${host}` : host,
    path: c.path ?? '/',
    expires: c.session || c.expirationDate === undefined ? -1 : Math.floor(c.expirationDate),
    httpOnly: c.httpOnly === true,
    secure: c.secure === true,
  };
  if (c.sameSite === 'strict') cookie.sameSite = 'Strict';
  else if (c.sameSite === 'lax') cookie.sameSite = 'Lax';
  else if (c.sameSite === 'no_restriction') cookie.sameSite = 'None';
  return cookie;
}

export function browserCookieToElectron(c: BrowserCookie): CookiesSetDetails {
  const domainCookie = c.domain.startsWith('.');
  const host = c.domain.replace(/^\./, '');
  const details: CookiesSetDetails = {
    url: `${c.secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}${c.path || '/'}`,
    name: c.name,
    value: c.value,
    path: c.path || '/',
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite: c.sameSite === 'Strict' ? 'strict' : c.sameSite === 'Lax' ? 'lax' : c.sameSite === 'None' ? 'no_restriction' : 'unspecified',
  };
  // Without `domain` Electron makes a host-only cookie (RFC 6265 §5.3 step 6).
  if (domainCookie) details.domain = host;
  if (c.expires > 0) details.expirationDate = c.expires;
  return details;
}

/** Removes the named cookies of the profile's hosts from the partition's store
 *  (LoginWindowRequest.forgetCookies): the persistent partition is on disk, a token cookie belongs
 *  in the profile's jar only. `hosts`: host names or host:port. */
export async function forgetCookies(store: Pick<Session['cookies'], 'remove'>, cookies: readonly BrowserCookie[], names: readonly string[], hosts: readonly string[]): Promise<number> {
  const hostNames = new Set(hosts.flatMap((h) => (URL.canParse(`http://${h}`) ? [new URL(`http://${h}`).hostname.replace(/^\[|\]$/g, '').toLowerCase()] : [])));
  let removed = 0;
  for (const c of cookies) {
    const domain = c.domain.replace(/^\./, '').toLowerCase();
    // RFC 6265 §5.1.3: a domain cookie (leading dot) reaches its subdomains too.
    const reaches = [...hostNames].some((h) => h === domain || (c.domain.startsWith('.') && h.endsWith(`.${domain}`)));
    if (!names.includes(c.name) || !reaches) continue;
    await store.remove(browserCookieToElectron(c).url, c.name);
    removed += 1;
  }
  return removed;
}

/** webRequest headers → lower-cased names, repeated values joined (set-cookie with "\n"). */
export function flattenHeaders(headers: Record<string, string[]> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    const joined = values.join(lower === 'set-cookie' ? '\n' : ', ');
    out[lower] = out[lower] === undefined ? joined : `${out[lower]}, ${joined}`;
  }
  return out;
}
