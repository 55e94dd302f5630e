// FIN-15 (seed 003, TAC note: "in older releases we used to store the cc_username and tokens in
// session cookies, and it's still the same with native Finesse Desktop"): when `/desktop/sso/token`
// answers without a token in its JSON body, the tokens are read from the session cookies that answer
// left in the profile's jar. Pure functions over the cookies the jar would send to the token URL
// (HttpSession.cookiePairs: tough-cookie has parsed them and applied Domain, Path, Secure and expiry, FIN-03).
// Cookie values never go into an error: errors name the cookie and a length, never its value.
import { PatchbayError } from '../../errors.ts';
import { parseSsoToken, type SsoToken } from './wire.ts';

/** INFERRED names: the sources say "session cookies" without naming them; these are the token
 *  JSON's own field names (seed 001 step 4), which log.ts already redacts as secret names. */
export const TOKEN_COOKIE = 'token';
export const REFRESH_TOKEN_COOKIE = 'refresh_token';
/** RFC 6265 §6.1: user agents keep at least 4096 bytes per cookie; an IdS JWT is 1–2 KB. */
export const MAX_TOKEN_COOKIE_CHARS = 4096;
/** What a JWT (base64url + dots) or an opaque token68 value is made of. */
const TOKEN_CHARS = /^[A-Za-z0-9._~+/=-]+$/;

export interface CookiePair {
  name: string;
  value: string;
}

export interface TokenCookies {
  token?: string;
  refreshToken?: string;
}

function tooLarge(cookie: string, length: number): PatchbayError {
  return new PatchbayError('finesse.sso.cookie-too-large', `The sign-in service set a ${cookie} cookie too large to be a token (${length} characters).`, {
    action: 'contact-it',
    details: { cookie, length },
  });
}

/** One token cookie's value: absent or empty (a cleared cookie) → undefined; two different values
 *  (say Path=/ and Path=/desktop) → ambiguous, refused rather than guessed; oversized or not token
 *  characters → refused. */
function single(pairs: readonly CookiePair[], name: string): string | undefined {
  // RFC 6265 §4.1.1: a cookie-value may be wrapped in DQUOTEs, which are not part of the token.
  const unquoted = (v: string) => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v);
  const values = new Set(pairs.filter((p) => p.name === name).map((p) => unquoted(p.value)).filter((v) => v !== ''));
  if (values.size > 1) {
    throw new PatchbayError('finesse.sso.cookie-ambiguous', `The sign-in service left ${values.size} different ${name} cookies; Patchbay cannot tell which one is current.`, {
      action: 'sign-in-again',
      details: { cookie: name, count: values.size },
    });
  }
  const [value] = values;
  if (value === undefined) return undefined;
  if (value.length > MAX_TOKEN_COOKIE_CHARS) throw tooLarge(name, value.length);
  if (!TOKEN_CHARS.test(value)) {
    throw new PatchbayError('finesse.sso.bad-token', `The sign-in service set a ${name} cookie that is not a token.`, { action: 'contact-it', details: { cookie: name } });
  }
  return value;
}

/** The token cookies among the pairs (FIN-15). */
export function tokenCookiesOf(pairs: readonly CookiePair[]): TokenCookies {
  const token = single(pairs, TOKEN_COOKIE);
  const refreshToken = single(pairs, REFRESH_TOKEN_COOKIE);
  return { ...(token === undefined ? {} : { token }), ...(refreshToken === undefined ? {} : { refreshToken }) };
}

/** `exp - iat` of a JWT (seconds), for an answer whose body gives no expires_in. */
function jwtLifetime(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown; iat?: unknown };
    const { exp, iat } = payload;
    return typeof exp === 'number' && typeof iat === 'number' && Number.isFinite(exp - iat) && exp > iat ? Math.floor(exp - iat) : undefined;
  } catch {
    return undefined;
  }
}

const blank = (v: unknown): boolean => v === undefined || v === null || v === '';

/**
 * The token answer of `/desktop/sso/token` (fetch or refresh): the body as it is when it carries a
 * token (seed 001; 11.6(1)ES10, 12.0(1)ES3, 12.5(1)ES1 and later); else its fields with `token` and
 * `refresh_token` taken from the session cookies (FIN-15). Nothing the body gives is dropped: a body
 * refresh_token, expires_in, user_id, realm stay. `stale`: the access token in use before this
 * answer (a refresh or renewal) — a cookie still holding it is not a new token.
 */
export function ssoTokenFrom(body: string, cookies: readonly CookiePair[], stale?: string): SsoToken {
  const trimmed = body.trim();
  let json: unknown = {};
  if (trimmed !== '') {
    try {
      json = JSON.parse(trimmed);
    } catch {
      return parseSsoToken(body); // the typed "web page" / "not JSON" refusal
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return parseSsoToken(body);
  const fields = json as Record<string, unknown>;
  if (!blank(fields['token'])) return parseSsoToken(body);
  const found = tokenCookiesOf(cookies);
  const token = found.token !== undefined && found.token !== stale ? found.token : undefined;
  const merged: Record<string, unknown> = { ...fields };
  if (token === undefined) delete merged['token'];
  else merged['token'] = token;
  if (blank(fields['refresh_token'])) {
    if (found.refreshToken !== undefined) merged['refresh_token'] = found.refreshToken;
    else delete merged['refresh_token'];
  }
  if (blank(fields['expires_in']) && token !== undefined) {
    const lifetime = jwtLifetime(token);
    if (lifetime !== undefined) merged['expires_in'] = lifetime;
  }
  return parseSsoToken(JSON.stringify(merged));
}
