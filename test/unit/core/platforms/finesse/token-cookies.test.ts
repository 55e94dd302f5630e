// FIN-15: the token answer read from session cookies when the body has none (older Finesse
// releases), with hostile cookie input — missing, empty, oversized, duplicate, not a token — always a
// typed PatchbayError that names the cookie but never carries its value, and nothing the body gave lost.
import { describe, expect, it } from 'vitest';
import { isPatchbayError, PatchbayError } from '../../../../../main/core/errors.ts';
import { redact, scrubString } from '../../../../../main/core/log.ts';
import { HttpSession } from '../../../../../main/core/net/http-session.ts';
import {
  type CookiePair,
  MAX_TOKEN_COOKIE_CHARS,
  REFRESH_TOKEN_COOKIE,
  ssoTokenFrom,
  TOKEN_COOKIE,
  tokenCookiesOf,
} from '../../../../../main/core/platforms/finesse/token-cookies.ts';

const jwt = (payload: object) => `eyJjdHkiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2lnbmF0dXJl`;
const ACCESS = jwt({ iat: 1_800_000_000, exp: 1_800_000_300, usage: 'access' });
const REFRESH = jwt({ iat: 1_800_000_000, exp: 1_800_007_200, usage: 'refresh' });
const EMPTY_BODY = JSON.stringify({ token: '', refresh_token: '', expires_in: 300, user_id: 'sjefferson', realm: 'finesse.com', user_principal: 'sjefferson@finesse.com' });

/** Test notation only: `a=1; b=2` → the pairs the jar would hand over (HttpSession.cookiePairs). */
const h = (notation: string): CookiePair[] =>
  notation.split('; ').map((part) => ({ name: part.slice(0, part.indexOf('=')), value: part.slice(part.indexOf('=') + 1) }));

function caught(fn: () => unknown): PatchbayError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isPatchbayError(error)).toBe(true);
  return error as PatchbayError;
}

/** No part of a secret value in anything an error exposes. */
function expectNoValue(error: PatchbayError, ...values: string[]): void {
  const exposed = JSON.stringify({ message: error.message, details: error.details, contract: error.toContract() });
  for (const v of values) expect(exposed).not.toContain(v.slice(0, 24));
}

describe('token cookies (FIN-15)', () => {
  it('reads both tokens from the session cookies when the body fields are empty, keeping every body field [FIN-15]', () => {
    const t = ssoTokenFrom(EMPTY_BODY, h(`JSESSIONID=abc; cc_username=sjefferson; ${TOKEN_COOKIE}=${ACCESS}; ${REFRESH_TOKEN_COOKIE}=${REFRESH}`));
    expect(t).toEqual({ token: ACCESS, refreshToken: REFRESH, expiresIn: 300, userId: 'sjefferson', realm: 'finesse.com', userPrincipal: 'sjefferson@finesse.com' });
  });

  it('prefers the body when it carries a token (newer releases), whatever the cookies say', () => {
    const body = JSON.stringify({ token: ACCESS, refresh_token: REFRESH, expires_in: 300 });
    const t = ssoTokenFrom(body, h(`${TOKEN_COOKIE}=${jwt({ other: 1 })}; ${TOKEN_COOKIE}=${jwt({ other: 2 })}`));
    expect(t).toMatchObject({ token: ACCESS, refreshToken: REFRESH, expiresIn: 300 });
  });

  it('loses nothing when the body and the cookies each carry part: body refresh_token kept, access token from the cookie', () => {
    const body = JSON.stringify({ token: '', refresh_token: REFRESH, expires_in: 120 });
    expect(ssoTokenFrom(body, h(`${TOKEN_COOKIE}=${ACCESS}`))).toMatchObject({ token: ACCESS, refreshToken: REFRESH, expiresIn: 120 });
    // a body without the fields at all (not just empty ones), an empty body, a quoted cookie value
    expect(ssoTokenFrom('{"expires_in":60}', h(`${TOKEN_COOKIE}="${ACCESS}"`))).toMatchObject({ token: ACCESS, expiresIn: 60 });
    expect(ssoTokenFrom('  ', h(`${TOKEN_COOKIE}=${ACCESS}`))).toMatchObject({ token: ACCESS, expiresIn: 300 });
  });

  it('takes expires_in from the JWT (exp − iat) when the body gives none', () => {
    expect(ssoTokenFrom('{}', h(`${TOKEN_COOKIE}=${ACCESS}`)).expiresIn).toBe(300);
    const e = caught(() => ssoTokenFrom('{}', h(`${TOKEN_COOKIE}=opaque-token-value`)));
    expect(e).toMatchObject({ code: 'finesse.sso.bad-token', details: { field: 'expires_in' } });
  });

  it('refuses a missing or empty token cookie with a typed error naming the field [FIN-15]', () => {
    for (const header of ['', 'JSESSIONID=abc; cc_username=sjefferson', `${TOKEN_COOKIE}=`, `${TOKEN_COOKIE}=""`, `${TOKEN_COOKIE}`, `Token=${ACCESS}`]) {
      const e = caught(() => ssoTokenFrom(EMPTY_BODY, h(header)));
      expect(e.code).toBe('finesse.sso.bad-token');
      expect(e.details).toMatchObject({ field: 'token' });
      expectNoValue(e, ACCESS);
    }
    // …while the same answer with the cookie present is a token: the refusals above are about the cookie.
    expect(ssoTokenFrom(EMPTY_BODY, h(`JSESSIONID=abc; ${TOKEN_COOKIE}=${ACCESS}`)).token).toBe(ACCESS);
  });

  it('does not take the access token in use for a new one (a refresh whose answer set no cookie)', () => {
    const e = caught(() => ssoTokenFrom(EMPTY_BODY, h(`${TOKEN_COOKIE}=${ACCESS}`), ACCESS));
    expect(e).toMatchObject({ code: 'finesse.sso.bad-token', details: { field: 'token' } });
    const fresh = jwt({ iat: 1_800_000_200, exp: 1_800_000_500 });
    expect(ssoTokenFrom(EMPTY_BODY, h(`${TOKEN_COOKIE}=${fresh}`), ACCESS).token).toBe(fresh);
  });

  it('refuses duplicate token cookies with different values (two paths) instead of guessing; equal duplicates are one [FIN-15]', () => {
    const other = jwt({ iat: 1, exp: 2 });
    for (const name of [TOKEN_COOKIE, REFRESH_TOKEN_COOKIE]) {
      const e = caught(() => ssoTokenFrom(EMPTY_BODY, h(`${TOKEN_COOKIE}=${ACCESS}; ${name}=${other}; ${REFRESH_TOKEN_COOKIE}=${REFRESH}`)));
      expect(e).toMatchObject({ code: 'finesse.sso.cookie-ambiguous', action: 'sign-in-again', details: { cookie: name, count: 2 } });
      expectNoValue(e, ACCESS, other, REFRESH);
    }
    expect(tokenCookiesOf(h(`${TOKEN_COOKIE}=${ACCESS}; ${TOKEN_COOKIE}=${ACCESS}; ${TOKEN_COOKIE}=`))).toEqual({ token: ACCESS });
  });

  it('refuses an oversized token cookie with a typed error carrying only the length [FIN-15]', () => {
    const huge = 'A'.repeat(MAX_TOKEN_COOKIE_CHARS + 1);
    const e = caught(() => ssoTokenFrom(EMPTY_BODY, h(`${TOKEN_COOKIE}=${huge}`)));
    expect(e).toMatchObject({ code: 'finesse.sso.cookie-too-large', details: { cookie: TOKEN_COOKIE, length: MAX_TOKEN_COOKIE_CHARS + 1 } });
    expectNoValue(e, huge);
    expect(tokenCookiesOf([{ name: TOKEN_COOKIE, value: 'A'.repeat(MAX_TOKEN_COOKIE_CHARS) }]).token).toHaveLength(MAX_TOKEN_COOKIE_CHARS);
  });

  it('refuses a token cookie that is not token characters (markup, spaces, percent-encoding, control characters)', () => {
    for (const value of ['<script>alert(1)</script>', 'a b', 'abc%3Cdef', 'x\u0000y', 'é']) {
      const e = caught(() => tokenCookiesOf([{ name: REFRESH_TOKEN_COOKIE, value }]));
      expect(e).toMatchObject({ code: 'finesse.sso.bad-token', details: { cookie: REFRESH_TOKEN_COOKIE } });
      expect(e.message).not.toContain(value);
    }
  });

  it('keeps the typed refusals of bodies that are no token answer at all', () => {
    expect(caught(() => ssoTokenFrom('<html>sign in</html>', h(`${TOKEN_COOKIE}=${ACCESS}`)))).toMatchObject({ code: 'finesse.sso.bad-token', details: { reason: 'a web page' } });
    expect(caught(() => ssoTokenFrom('not json', h(`${TOKEN_COOKIE}=${ACCESS}`)))).toMatchObject({ code: 'finesse.sso.bad-token' });
    expect(caught(() => ssoTokenFrom('[1]', h(`${TOKEN_COOKIE}=${ACCESS}`)))).toMatchObject({ code: 'finesse.sso.bad-token' });
    expect(caught(() => ssoTokenFrom('{"token":42,"expires_in":300}', h(`${TOKEN_COOKIE}=${ACCESS}`)))).toMatchObject({ code: 'finesse.sso.bad-token', details: { field: 'token' } });
  });

  it('takes the pairs from the real jar: the cookies for the token URL only, a quoted value without its DQUOTEs [FIN-15]', async () => {
    const http = new HttpSession({ profileId: 'token-cookies-unit' });
    const origin = 'https://fin1.example.com:8445';
    await http.setCookie(`${TOKEN_COOKIE}="${ACCESS}"; Path=/desktop; Secure; HttpOnly`, `${origin}/desktop/sso/token`);
    await http.setCookie(`${REFRESH_TOKEN_COOKIE}=${REFRESH}; Path=/desktop; Secure`, `${origin}/desktop/sso/token`);
    await http.setCookie(`${TOKEN_COOKIE}=${jwt({ elsewhere: 1 })}; Path=/other`, `${origin}/other/x`);
    const pairs = await http.cookiePairs(`${origin}/desktop/sso/token`);
    expect(pairs.map((p) => p.name).sort()).toEqual([REFRESH_TOKEN_COOKIE, TOKEN_COOKIE]);
    expect(ssoTokenFrom(EMPTY_BODY, pairs)).toMatchObject({ token: ACCESS, refreshToken: REFRESH });
  });

  it('has log redaction covering the token cookie names, in a Cookie line and as name=value text', () => {
    const opaque = 'opaqueTokenValue0123456789';
    expect(scrubString(`Cookie: ${TOKEN_COOKIE}=${opaque}; ${REFRESH_TOKEN_COOKIE}=${opaque}`)).not.toContain(opaque);
    expect(scrubString(`sent ${TOKEN_COOKIE}=${opaque}; ${REFRESH_TOKEN_COOKIE}=${opaque}2 to the node`)).not.toContain(opaque);
    expect(JSON.stringify(redact({ cookies: { [TOKEN_COOKIE]: opaque, [REFRESH_TOKEN_COOKIE]: opaque } }))).not.toContain(opaque);
    expect(JSON.stringify(redact({ setCookie: [`${TOKEN_COOKIE}=${ACCESS}; Path=/; HttpOnly`] }))).not.toContain(ACCESS.split('.')[1]);
  });
});
