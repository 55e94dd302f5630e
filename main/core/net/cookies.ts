// Cookie store-and-forward for HttpSession (RFC 6265), on top of tough-cookie.
//
// tough-cookie does the matching (Domain, Path, Secure, HttpOnly, host-only, public suffix,
// __Host-/__Secure- prefixes); this file adds two things:
// - Time comes from our Clock. Max-Age is turned into an absolute expiry at receipt
//   (RFC 6265 §5.2.2: expiry-time = current time + delta-seconds). tough-cookie 6 measures Max-Age
//   from `lastAccessed`, which every read refreshes, so a Max-Age cookie read often never expires.
// - Expiry is checked against the Clock on every read (RFC 6265 §5.3 step 11, §5.4 step 1), so
//   FakeClock-driven tests see cookies expire.
//
// Secure and loopback: tough-cookie treats http://127.0.0.1, http://[::1] and http://localhost as
// secure contexts (`allowSecureOnLocal`, as browsers do for "potentially trustworthy" origins), so
// Secure cookies are stored and sent there. Over http to any other host a Secure cookie is neither
// stored (RFC 6265bis "Secure" storage rule, `enforceSecureOriginOnStorage`) nor sent (RFC 6265 §5.4).
//
// SameSite: no `sameSiteContext` is passed. The session is its own first party (no page embeds
// another site), so every request is same-site and SameSite cookies are sent.
import { Cookie, CookieJar } from 'tough-cookie';

export function createCookieJar(): CookieJar {
  return new CookieJar(undefined, {
    rejectPublicSuffixes: true, // RFC 6265 §5.3 step 5: Domain=com is ignored
    looseMode: false,
    allowSpecialUseDomain: true, // localhost, *.test, *.example behave like ordinary domains
    allowSecureOnLocal: true, // see the note above: loopback is a secure context
    enforceSecureOriginOnStorage: true,
    prefixSecurity: 'silent', // __Host-/__Secure- cookies that break their rules are dropped
  });
}

export type CookieRejection = 'unparseable' | 'rejected';

/** Stores one Set-Cookie value received from `url`; resolves to why it was ignored, or null when
 *  stored. Never throws on a bad cookie (RFC 6265 §5.3: the user agent ignores it). */
export async function storeSetCookie(jar: CookieJar, header: string, url: URL, nowMs: number): Promise<CookieRejection | null> {
  const cookie = Cookie.parse(header, { loose: false });
  if (!cookie) return 'unparseable';
  // RFC 6265 §5.2.2: Max-Age wins over Expires and counts from now; ≤ 0 means already expired.
  if (typeof cookie.maxAge === 'number' || cookie.maxAge === '-Infinity') {
    const seconds = typeof cookie.maxAge === 'number' ? cookie.maxAge : -Infinity;
    cookie.expires = new Date(seconds > 0 ? nowMs + seconds * 1000 : 0);
    cookie.maxAge = null;
  }
  try {
    const stored = await jar.setCookie(cookie, url.href, { now: new Date(nowMs), http: true, ignoreError: false });
    return stored ? null : 'rejected';
  } catch {
    return 'rejected';
  }
}

/** The Cookie header value for a request to `url` ('' when none), RFC 6265 §5.4. */
export async function cookieHeaderFor(jar: CookieJar, url: URL, nowMs: number): Promise<string> {
  return (await liveCookiesFor(jar, url, nowMs)).map((c) => c.cookieString()).join('; ');
}

/** The cookies a request to `url` would carry, as name/value pairs in RFC 6265 §5.4 order
 *  (tough-cookie's parse, not a re-read of the header). */
export async function cookiePairsFor(jar: CookieJar, url: URL, nowMs: number): Promise<{ name: string; value: string }[]> {
  return (await liveCookiesFor(jar, url, nowMs)).map((c) => ({ name: c.key, value: c.value }));
}

async function liveCookiesFor(jar: CookieJar, url: URL, nowMs: number): Promise<Cookie[]> {
  // Most sessions (Basic sign-ins) never receive a cookie: skip the matching, whose host
  // canonicalisation (an IPv6 regular expression) cost ~0.5 ms a request (issue 15 item 3).
  if ((await jar.store.getAllCookies()).length === 0) return [];
  const cookies = await jar.getCookies(url.href, { http: true, expire: false, sort: true });
  const live: Cookie[] = [];
  for (const c of cookies) {
    const expiry = expiryOf(c);
    if (expiry !== undefined && expiry <= nowMs) {
      await jar.store.removeCookie(c.domain, c.path, c.key); // RFC 6265 §5.3 step 11: evict expired cookies
    } else {
      live.push(c);
    }
  }
  return live;
}

// Cookies put into the jar directly (not through storeSetCookie) may still carry Max-Age: count it
// from their creation time, as RFC 6265 §5.2.2 says.
function expiryOf(c: Cookie): number | undefined {
  if (typeof c.maxAge === 'number') {
    const base = c.creation instanceof Date ? c.creation.getTime() : 0;
    return c.maxAge <= 0 ? 0 : base + c.maxAge * 1000;
  }
  if (c.maxAge === '-Infinity') return 0;
  if (c.maxAge === 'Infinity') return undefined;
  return c.expires instanceof Date ? c.expires.getTime() : undefined;
}
