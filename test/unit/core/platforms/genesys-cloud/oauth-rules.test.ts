// Genesys Cloud token endpoint steps (oauth.ts) against a scripted fetch (issue 9 mutation testing):
// GC-01 public client (no secret, no Basic), GC-03 the code exchange, GC-09 the server's expires_in
// and Date, transient vs final failures, and the profile checks.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { buildAuthorizeRequest, exchangeCode, rateLimited, readCallback, refreshGrant, resolveEndpoints, tokenEndpointError } from '../../../../../main/core/platforms/genesys-cloud/oauth.ts';
import { ProfileSchema, type Profile } from '../../../../../preload/contract.ts';
import { rejection as failure } from '../../../../helpers/errors.ts';

function profile(gc: Record<string, unknown>, servers = ['https://api.mypurecloud.ie']): Profile {
  return ProfileSchema.parse({ id: 'gc', name: 'GC', platform: 'genesys-cloud', servers, authMode: 'sso', options: { genesysCloud: { clientId: 'client-1', redirectUri: 'http://127.0.0.1:48620/callback', ...gc } } });
}
const EP = resolveEndpoints(profile({ region: 'mypurecloud.ie' }));
const NOW = Date.UTC(2026, 11, 6, 12);

interface Seen {
  url: string;
  body: URLSearchParams;
  headers: Headers;
}
function fetchReplying(status: number, json: unknown, headers: Record<string, string> = {}) {
  const seen: Seen[] = [];
  const fetch = async (url: string, init: { body?: unknown; headers?: unknown }) => {
    seen.push({ url, body: new URLSearchParams(String(init.body)), headers: new Headers(init.headers as HeadersInit) });
    return new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json', ...headers } });
  };
  return { fetch, seen };
}
const params = readCallback(EP, 'http://127.0.0.1:48620/callback?code=the-code&state=s', 's');

describe('Genesys Cloud token endpoint', () => {
  it('GC-03/GC-01: the exchange posts code, verifier, client_id and the exact redirect_uri to /oauth/token — no secret, no Basic', async () => {
    const { fetch, seen } = fetchReplying(200, { access_token: 'at', token_type: 'bearer', expires_in: 600 });
    await exchangeCode(EP, fetch, params, 'verifier-1', () => NOW);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('https://login.mypurecloud.ie/oauth/token');
    const body = seen[0]!.body;
    expect(Object.fromEntries(body)).toEqual({ grant_type: 'authorization_code', code: 'the-code', code_verifier: 'verifier-1', redirect_uri: 'http://127.0.0.1:48620/callback', client_id: 'client-1' });
    expect(seen[0]!.headers.get('authorization')).toBeNull();
  });

  it('GC-09: the result carries the server\'s expires_in, refresh token, scope and Date', async () => {
    const date = new Date(NOW - 5_000).toUTCString();
    const { fetch } = fetchReplying(200, { access_token: 'at', token_type: 'bearer', expires_in: 600, refresh_token: 'rt', scope: 'presence routing' }, { date });
    expect(await exchangeCode(EP, fetch, params, 'v', () => NOW)).toEqual({ accessToken: 'at', refreshToken: 'rt', expiresInSec: 600, scope: 'presence routing', serverDateMs: Date.parse(date) });
  });

  it('GC-09: no usable expires_in (absent, 0) is left unsaid, not invented; a bad Date is dropped', async () => {
    for (const expires of [undefined, 0]) // (negative: oauth4webapi refuses the answer itself)
      {
      const { fetch } = fetchReplying(200, { access_token: 'at', token_type: 'bearer', ...(expires === undefined ? {} : { expires_in: expires }) }, { date: 'not a date' });
      expect(await exchangeCode(EP, fetch, params, 'v', () => NOW), String(expires)).toEqual({ accessToken: 'at' });
    }
  });

  it('GC-09: the refresh grant sends grant_type refresh_token with the token and client_id, no secret; rotation returns the new one', async () => {
    const { fetch, seen } = fetchReplying(200, { access_token: 'at2', token_type: 'bearer', expires_in: 300, refresh_token: 'rt2' });
    expect(await refreshGrant(EP, fetch, 'rt1', () => NOW)).toMatchObject({ accessToken: 'at2', refreshToken: 'rt2', expiresInSec: 300 });
    expect(Object.fromEntries(seen[0]!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt1', client_id: 'client-1' });
    expect(seen[0]!.headers.get('authorization')).toBeNull();
  });

  it('GC-09: a 429 is transient with its Retry-After; a 5xx is transient; both retryable', async () => {
    const limited = await failure(exchangeCode(EP, fetchReplying(429, {}, { 'retry-after': '7' }).fetch, params, 'v', () => NOW));
    expect(limited).toMatchObject({ code: 'genesys-cloud.rate-limited', action: 'retry', details: { status: 429, retryAfterMs: 7_000 } });
    expect(limited.message).toContain('wait 7 s');
    const down = await failure(refreshGrant(EP, fetchReplying(503, {}).fetch, 'rt', () => NOW));
    expect(down).toMatchObject({ code: 'genesys-cloud.login.unavailable', action: 'retry', details: { status: 503 } });
    expect(down.message).toContain('answered 503');
    expect(await failure(exchangeCode(EP, fetchReplying(500, {}).fetch, params, 'v', () => NOW))).toMatchObject({ code: 'genesys-cloud.login.unavailable', details: { status: 500 } });
    const ok499 = await failure(refreshGrant(EP, fetchReplying(499, { error: 'weird' }).fetch, 'rt', () => NOW));
    expect(ok499.code).not.toBe('genesys-cloud.login.unavailable');
  });

  it('GC-09: invalid_grant ends the grant (the refresh message says the sign-in ended), invalid_client asks IT, others are token failures', async () => {
    const refresh = await failure(refreshGrant(EP, fetchReplying(400, { error: 'invalid_grant' }).fetch, 'rt', () => NOW));
    expect(refresh).toMatchObject({ code: 'genesys-cloud.grant.invalid', action: 'sign-in-again', details: { error: 'invalid_grant', status: 400, step: 'refresh' } });
    expect(refresh.message).toBe('Your Genesys Cloud sign-in has ended. Sign in again.');
    const exchange = await failure(exchangeCode(EP, fetchReplying(400, { error: 'invalid_grant' }).fetch, params, 'v', () => NOW));
    expect(exchange.message).toBe('Genesys Cloud did not accept the sign-in. Sign in again.');
    expect(exchange.details).toMatchObject({ step: 'exchange' });
    for (const error of ['invalid_client', 'unauthorized_client']) {
      const rejected = await failure(exchangeCode(EP, fetchReplying(401, { error }).fetch, params, 'v', () => NOW));
      expect(rejected, error).toMatchObject({ code: 'genesys-cloud.client.rejected', action: 'contact-it', details: { error } });
    }
    const other = await failure(exchangeCode(EP, fetchReplying(400, { error: 'invalid_scope' }).fetch, params, 'v', () => NOW));
    expect(other).toMatchObject({ code: 'genesys-cloud.token.failed', action: 'contact-it', message: 'Genesys Cloud refused the token request (invalid_scope).' });
  });

  it('an unusable token answer asks IT; an unreachable server is transient; a PatchbayError passes through', async () => {
    const bad = await failure(exchangeCode(EP, fetchReplying(200, { token_type: 'bearer' }).fetch, params, 'v', () => NOW));
    expect(bad).toMatchObject({ code: 'genesys-cloud.token.bad-response', action: 'contact-it', details: { step: 'exchange' } });
    expect(typeof bad.details.reason).toBe('string');
    const down = await failure(
      refreshGrant(EP, () => Promise.reject(new TypeError('fetch failed')), 'rt', () => NOW),
    );
    expect(down).toMatchObject({ code: 'genesys-cloud.login.unreachable', action: 'retry', details: { step: 'refresh' } });
    const typed = new PatchbayError('x.y', 'x');
    expect(tokenEndpointError(typed, 'refresh')).toBe(typed);
  });

  it('rate-limit message: the wait rounded up to seconds, or none when the server gave none', () => {
    expect(rateLimited(1_200).message).toBe('Genesys Cloud is busy and asked Patchbay to wait 2 s before trying again.');
    expect(rateLimited(undefined).message).toBe('Genesys Cloud is busy and asked Patchbay to wait before trying again.');
    expect(rateLimited(undefined).details).toEqual({ status: 429 });
  });
});

describe('Genesys Cloud endpoints from the profile', () => {
  it('trailing slashes dropped; the login base used as the issuer; hints only when set', () => {
    const ep = resolveEndpoints(profile({ loginBase: 'https://login.example.com/' }, ['https://api.example.com//']));
    expect(ep.loginBase).toBe('https://login.example.com');
    expect(ep.apiBase).toBe('https://api.example.com');
    expect(ep.as.issuer).toBe('https://login.example.com');
    expect(ep.hints).toEqual({});
    expect(ep.redirectUri).toBe('http://127.0.0.1:48620/callback');
    expect(ep.clientId).toBe('client-1');
    expect(resolveEndpoints(profile({ region: 'r.example', org: 'acme' })).hints).toEqual({ org: 'acme' });
  });

  it('each profile fault is named: no client settings, no API server, no region or login base, not a URL, http off loopback', () => {
    const message = (p: Profile) => {
      try {
        resolveEndpoints(p);
        return 'ok';
      } catch (error) {
        expect(error).toMatchObject({ code: 'genesys-cloud.profile.invalid', action: 'contact-it' });
        return (error as Error).message;
      }
    };
    const none = ProfileSchema.parse({ id: 'gc', name: 'GC', platform: 'genesys-cloud', servers: ['https://api.x'], authMode: 'sso' });
    expect(message(none)).toContain('no OAuth client settings');
    expect(message({ ...profile({ region: 'r.example' }), servers: [] })).toContain('names no API address');
    expect(message(profile({}))).toContain('neither a region nor a login address');
    // Past the profile schema (a stored or hand-edited profile): the adapter checks again.
    const raw = (loginBase: string): Profile => {
      const p = profile({ region: 'r.example' });
      return { ...p, options: { ...p.options, genesysCloud: { ...p.options.genesysCloud!, loginBase } } };
    };
    expect(message(raw('not a url'))).toBe('The Genesys Cloud login address in this profile is not a valid address.');
    expect(message({ ...profile({ region: 'r.example' }), servers: ['http://api.r.example'] })).toBe('The Genesys Cloud API address must use https.');
    expect(message(raw('ftp://127.0.0.1'))).toBe('The Genesys Cloud login address must use https.');
    for (const host of ['localhost', '[::1]', '127.0.0.1']) expect(message(profile({ loginBase: `http://${host}:4100` }, [`http://${host}:4200`])), host).toBe('ok');
  });

  it('GC-03: prompt=login forces the form; no hint or prompt unless asked', async () => {
    const plain = new URL((await buildAuthorizeRequest(EP)).url).searchParams;
    expect(plain.has('prompt')).toBe(false);
    expect(plain.has('login_hint')).toBe(false);
    expect(plain.has('org')).toBe(false);
    expect(plain.get('client_id')).toBe('client-1');
    expect(new URL((await buildAuthorizeRequest(EP, { prompt: 'login' })).url).searchParams.get('prompt')).toBe('login');
  });
});
