// FIN-15 edges of token-cookies.ts the first tests left open (issue 9 mutation work, docs/mutation.md
// "Session 3, helper MUT-FIN"): the exact refusals the agent and IT read, which bodies fall back to the
// cookies, the JWT lifetime fallback, and that an absent token is absent (not `undefined`-valued).
import { describe, expect, it } from 'vitest';
import { isPatchbayError, type PatchbayError } from '../../../../../main/core/errors.ts';
import { type CookiePair, MAX_TOKEN_COOKIE_CHARS, ssoTokenFrom, tokenCookiesOf } from '../../../../../main/core/platforms/finesse/token-cookies.ts';
import { jwtExpiry, parseSsoToken } from '../../../../../main/core/platforms/finesse/wire.ts';

const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
const ACCESS = jwt({ iat: 1_800_000_000, exp: 1_800_000_300 });
const REFRESH = jwt({ iat: 1_800_000_000, exp: 1_800_007_200 });
const token = (value: string): CookiePair[] => [{ name: 'token', value }];

function caught(fn: () => unknown): PatchbayError {
  try {
    fn();
  } catch (e) {
    expect(isPatchbayError(e)).toBe(true);
    return e as PatchbayError;
  }
  throw new Error('expected a PatchbayError');
}

describe('token cookies: the refusals (FIN-15)', () => {
  it('two different values: the message names the count and the cookie, the agent signs in again [FIN-15]', () => {
    const e = caught(() => tokenCookiesOf([...token(ACCESS), ...token(REFRESH), ...token(jwt({ x: 3 }))]));
    expect(e.message).toBe('The sign-in service left 3 different token cookies; Patchbay cannot tell which one is current.');
    expect(e).toMatchObject({ code: 'finesse.sso.cookie-ambiguous', action: 'sign-in-again', details: { cookie: 'token', count: 3 } });
  });

  it('too large: the message names the cookie and the length, IT is asked [FIN-15]', () => {
    const e = caught(() => tokenCookiesOf(token('A'.repeat(MAX_TOKEN_COOKIE_CHARS + 5))));
    expect(e.message).toBe(`The sign-in service set a token cookie too large to be a token (${MAX_TOKEN_COOKIE_CHARS + 5} characters).`);
    expect(e.action).toBe('contact-it');
    expect(MAX_TOKEN_COOKIE_CHARS).toBe(4096);
  });

  it('not token characters: the message names the cookie, IT is asked [FIN-15]', () => {
    const e = caught(() => tokenCookiesOf([{ name: 'refresh_token', value: 'a;b' }]));
    expect(e.message).toBe('The sign-in service set a refresh_token cookie that is not a token.');
    expect(e).toMatchObject({ code: 'finesse.sso.bad-token', action: 'contact-it', details: { cookie: 'refresh_token' } });
  });

  it('only a value wrapped in DQUOTEs on both sides loses them; a lone quote is no token character [FIN-15]', () => {
    expect(tokenCookiesOf(token('"abc"')).token).toBe('abc');
    for (const value of ['"abc', 'abc"', '"']) expect(caught(() => tokenCookiesOf(token(value))).code).toBe('finesse.sso.bad-token');
    expect(tokenCookiesOf(token('""'))).toStrictEqual({});
  });

  it('every token character is accepted: base64url, base64 and the token68 extras', () => {
    const all = 'AZaz09._~+/=-';
    expect(tokenCookiesOf(token(all)).token).toBe(all);
    for (const ch of ['!', '#', '$', '%', '&', "'", '(', ')', '*', ',', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '`', '{', '|', '}', ' ', '\t']) {
      expect(caught(() => tokenCookiesOf(token(`ab${ch}cd`))).code).toBe('finesse.sso.bad-token');
    }
  });

  it('absent tokens are absent keys, not undefined values', () => {
    expect(tokenCookiesOf([])).toStrictEqual({});
    expect(tokenCookiesOf(token(ACCESS))).toStrictEqual({ token: ACCESS });
    expect(tokenCookiesOf([{ name: 'refresh_token', value: REFRESH }])).toStrictEqual({ refreshToken: REFRESH });
    expect(tokenCookiesOf([{ name: 'other', value: ACCESS }])).toStrictEqual({});
  });
});

describe('token answer: which bodies fall back to the cookies (FIN-15)', () => {
  it('a body token of null or empty falls back; one that is there is used as it is', () => {
    expect(ssoTokenFrom('{"token":null,"expires_in":60}', token(ACCESS))).toMatchObject({ token: ACCESS, expiresIn: 60 });
    expect(ssoTokenFrom('{"token":"","expires_in":60}', token(ACCESS))).toMatchObject({ token: ACCESS, expiresIn: 60 });
    expect(ssoTokenFrom(`{"token":"${REFRESH}","expires_in":60}`, token(ACCESS))).toMatchObject({ token: REFRESH });
  });

  it('bodies that are JSON but no object are the typed refusal, never a crash', () => {
    for (const body of ['null', '42', '"text"', 'true', '[]']) {
      expect(caught(() => ssoTokenFrom(body, token(ACCESS))).code).toBe('finesse.sso.bad-token');
    }
  });

  it('no token anywhere and no expires_in: the typed refusal naming the token, not a crash', () => {
    for (const body of ['{}', '', '{"refresh_token":null}']) {
      const e = caught(() => ssoTokenFrom(body, []));
      expect(e).toMatchObject({ code: 'finesse.sso.bad-token', details: { field: 'token' } });
    }
  });

  it('a body refresh_token of null falls back to the cookie; a body one is kept over the cookie', () => {
    const other = jwt({ iat: 5, exp: 9 });
    expect(ssoTokenFrom('{"token":"","refresh_token":null,"expires_in":60}', [...token(ACCESS), { name: 'refresh_token', value: other }]).refreshToken).toBe(other);
    expect(ssoTokenFrom(`{"token":"","refresh_token":"${REFRESH}","expires_in":60}`, [...token(ACCESS), { name: 'refresh_token', value: other }]).refreshToken).toBe(REFRESH);
    expect(ssoTokenFrom('{"token":"","refresh_token":"","expires_in":60}', token(ACCESS)).refreshToken).toBeUndefined();
  });

  it('a body expires_in (even "0"-free strings) is kept over the JWT lifetime; an empty or null one is replaced', () => {
    expect(ssoTokenFrom('{"expires_in":"90"}', token(ACCESS)).expiresIn).toBe(90);
    expect(ssoTokenFrom('{"expires_in":""}', token(ACCESS)).expiresIn).toBe(300);
    expect(ssoTokenFrom('{"expires_in":null}', token(ACCESS)).expiresIn).toBe(300);
  });
});

describe('the JWT lifetime fallback (exp − iat, FIN-12 with FIN-15)', () => {
  const lifetime = (payload: object | string) => {
    const t = typeof payload === 'string' ? payload : jwt(payload);
    try {
      return ssoTokenFrom('{}', token(t)).expiresIn;
    } catch (e) {
      return (e as PatchbayError).details?.['field'];
    }
  };

  it('whole seconds, only when exp is after iat and both are numbers', () => {
    expect(lifetime({ iat: 100, exp: 400.9 })).toBe(300);
    expect(lifetime({ iat: 100, exp: 101 })).toBe(1);
    for (const payload of [{ iat: 100, exp: 100 }, { iat: 100, exp: 99 }, { iat: '100', exp: 400 }, { iat: 100, exp: '400' }, { exp: 400 }, { iat: 100 }]) {
      expect(lifetime(payload)).toBe('expires_in');
    }
  });

  it('a token that is not a JWT (no payload part, bad base64, not JSON) gives none, not a crash', () => {
    for (const t of ['opaque', 'a.', `a.${Buffer.from('not json').toString('base64url')}.s`, `a.${Buffer.from('null').toString('base64url')}.s`]) {
      expect(lifetime(t)).toBe('expires_in');
    }
  });
});

describe('sso-wire: the token JSON and the JWT expiry (FIN-08, FIN-12)', () => {
  it('maps every field and names the first bad one, "root" for a non-object', () => {
    expect(parseSsoToken(' {"token":"t","refresh_token":"r","expires_in":"60","user_id":"u","realm":"","user_principal":"p"} ')).toStrictEqual({
      token: 't',
      refreshToken: 'r',
      expiresIn: 60,
      userId: 'u',
      realm: '',
      userPrincipal: 'p',
    });
    expect(caught(() => parseSsoToken('[]')).details).toEqual({ field: 'root' });
    expect(caught(() => parseSsoToken('{"token":"t","expires_in":0}')).details).toEqual({ field: 'expires_in' });
    expect(caught(() => parseSsoToken('{"token":"t","expires_in":1.5}')).details).toEqual({ field: 'expires_in' });
    expect(caught(() => parseSsoToken('{"token":"t","expires_in":5,"refresh_token":""}')).details).toEqual({ field: 'refresh_token' });
    expect(caught(() => parseSsoToken('{"token":"t","expires_in":5,"user_id":""}')).details).toEqual({ field: 'user_id' });
    const e = caught(() => parseSsoToken('{"expires_in":5}'));
    expect(e.message).toBe('The sign-in service answered without a usable token (field token).');
    expect(e.action).toBe('contact-it');
  });

  it('says what came instead of JSON: a web page (even after spaces), or text', () => {
    expect(caught(() => parseSsoToken('  <html>')).message).toBe('The sign-in service answered with a web page instead of a token.');
    expect(caught(() => parseSsoToken('x<html>')).message).toBe('The sign-in service answered with text that is not JSON instead of a token.');
    expect(caught(() => parseSsoToken('x<html>')).details).toEqual({ reason: 'text that is not JSON' });
  });

  it('jwtExpiry reads a numeric exp only', () => {
    expect(jwtExpiry(jwt({ exp: 1234.5 }))).toBe(1234.5);
    for (const t of ['opaque', 'a.', jwt({ exp: '1234' }), jwt({}), `a.${Buffer.from('{').toString('base64url')}.s`, `a.${Buffer.from('null').toString('base64url')}.s`]) {
      expect(jwtExpiry(t)).toBeUndefined();
    }
  });
});
