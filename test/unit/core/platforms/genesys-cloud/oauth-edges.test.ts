// Genesys Cloud OAuth steps: the survivors of the MUT-GC2 oauth.ts run (issue 9) — the exact callback
// and token-endpoint messages the agent reads, RFC 6749 §4.1.2.1 error mapping, Retry-After reading
// (RFC 9110 §10.2.3), the lab's plain-http loopback, and a result that carries only what the server said.
import { describe, expect, it } from 'vitest';
import { exchangeCode, rateLimited, readCallback, refreshGrant, resolveEndpoints, retryAfterMs, tokenEndpointError } from '../../../../../main/core/platforms/genesys-cloud/oauth.ts';
import * as oauth from 'oauth4webapi';
import { ProfileSchema, type Profile } from '../../../../../preload/contract.ts';
import { thrown } from '../../../../helpers/errors.ts';
import { rejection as failure } from '../../../../helpers/errors.ts';

function profile(gc: Record<string, unknown>, servers = ['https://api.mypurecloud.ie']): Profile {
  return ProfileSchema.parse({ id: 'gc', name: 'GC', platform: 'genesys-cloud', servers, authMode: 'sso', options: { genesysCloud: { clientId: 'client-1', redirectUri: 'http://127.0.0.1:48620/callback', ...gc } } });
}
const EP = resolveEndpoints(profile({ region: 'mypurecloud.ie' }));
const NOW = Date.UTC(2026, 11, 6, 12);
const CB = 'http://127.0.0.1:48620/callback';

const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
  const seen: { url: string; signal?: AbortSignal }[] = [];
  const fetch = async (url: string, init: { signal?: AbortSignal | null }) => {
    seen.push({ url, ...(init.signal ? { signal: init.signal } : {}) });
    return new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json', ...headers } });
  };
  return { fetch, seen };
};
const params = readCallback(EP, `${CB}?code=c&state=s`, 's');

describe('Genesys Cloud callback messages (GC-03)', () => {
  it('GC-03: a forged or stale callback says so and asks for a new sign-in; another address asks IT', () => {
    const state = thrown(() => readCallback(EP, `${CB}?code=c&state=other`, 's'));
    expect(state).toMatchObject({ code: 'genesys-cloud.authorize.state-mismatch', action: 'sign-in-again' });
    expect(state.message).toBe('The sign-in response did not belong to this sign-in. Sign in again.');
    expect(state.cause).toBeInstanceOf(Error);
    const elsewhere = thrown(() => readCallback(EP, 'http://127.0.0.1:48620/other?code=c&state=s', 's'));
    expect(elsewhere).toMatchObject({ code: 'genesys-cloud.redirect.mismatch', action: 'contact-it' });
    expect(elsewhere.message).toBe("Genesys Cloud returned the sign-in to an address other than the registered redirect address. Ask IT to check the OAuth client's redirect URI.");
  });

  it('RFC 6749 §4.1.2.1: access_denied, temporarily_unavailable / server_error and the rest, each with its words and the server description on one line of 160', () => {
    const err = (error: string, description?: string) => {
      const q = new URLSearchParams({ error, state: 's', ...(description !== undefined ? { error_description: description } : {}) });
      return thrown(() => readCallback(EP, `${CB}?${q}`, 's'));
    };
    const denied = err('access_denied', 'The  user\n said   no');
    expect(denied).toMatchObject({ code: 'genesys-cloud.authorize.denied', action: 'sign-in-again', details: { error: 'access_denied' } });
    expect(denied.message).toBe('Genesys Cloud refused the sign-in (The user said no).');
    expect(err('access_denied').message).toBe('Genesys Cloud refused the sign-in.');
    for (const error of ['temporarily_unavailable', 'server_error']) {
      const down = err(error);
      expect(down, error).toMatchObject({ code: 'genesys-cloud.login.unavailable', action: 'retry', details: { error } });
      expect(down.message).toBe('Genesys Cloud sign-in is unavailable right now.');
    }
    expect(err('server_error', 'later').message).toBe('Genesys Cloud sign-in is unavailable right now (later).');
    const other = err('invalid_request', 'x'.repeat(200));
    expect(other).toMatchObject({ code: 'genesys-cloud.authorize.error', action: 'contact-it', details: { error: 'invalid_request' } });
    expect(other.message).toBe(`Genesys Cloud refused the sign-in request: invalid_request (${'x'.repeat(160)}). Ask IT to check the OAuth client.`);
  });
});

describe('Genesys Cloud token endpoint edges', () => {
  it('Retry-After: trimmed digits are seconds; a date-only value is a date, not digits (anchored both ends)', () => {
    expect(retryAfterMs(' 7 ', NOW)).toBe(7_000);
    const day = Date.UTC(2026, 11, 7);
    expect(retryAfterMs('2026-12-07', day - 5_000)).toBe(5_000);
    expect(retryAfterMs('2026-12-07', day + 5_000)).toBe(0);
    expect(retryAfterMs('99999', NOW)).toBe(3_600_000);
  });

  it('rate limited with a wait carries it in details; without one the key is absent', () => {
    expect(rateLimited(2_000).details).toEqual({ status: 429, retryAfterMs: 2_000 });
    expect('retryAfterMs' in rateLimited(undefined).details).toBe(false);
  });

  it('the lab\'s plain-http loopback login is allowed for the token request; the signal reaches the request', async () => {
    const lab = resolveEndpoints(profile({ loginBase: 'http://127.0.0.1:4700' }, ['http://127.0.0.1:4700']));
    expect(lab.insecureLoopback).toBe(true);
    const { fetch, seen } = reply(200, { access_token: 'at', token_type: 'bearer', expires_in: 60 });
    const controller = new AbortController();
    expect(await refreshGrant(lab, fetch, 'rt', () => NOW, controller.signal)).toEqual({ accessToken: 'at', expiresInSec: 60 });
    expect(seen[0]!.url).toBe('http://127.0.0.1:4700/oauth/token');
    expect(seen[0]!.signal).toBe(controller.signal);
    const cb = readCallback(lab, `${CB}?code=c&state=s`, 's');
    expect(await exchangeCode(lab, fetch, cb, 'v', () => NOW)).toEqual({ accessToken: 'at', expiresInSec: 60 });
  });

  it('a result holds only what the server said: no refresh token, scope or expiry are absent keys', async () => {
    const { fetch } = reply(200, { access_token: 'at', token_type: 'bearer' });
    const result = await exchangeCode(EP, fetch, params, 'v', () => NOW);
    expect(result).toEqual({ accessToken: 'at' });
    expect(Object.keys(result)).toEqual(['accessToken']);
  });

  it('token endpoint refusals: the client and token-failure words, the unusable-answer and unreachable words', async () => {
    const client = await failure(exchangeCode(EP, reply(401, { error: 'invalid_client' }).fetch, params, 'v', () => NOW));
    expect(client.message).toBe("Genesys Cloud does not accept this profile's OAuth client. Ask IT to check the client id and its grant types.");
    expect(client.details).toEqual({ error: 'invalid_client', status: 401, step: 'exchange' });
    const other = await failure(refreshGrant(EP, reply(400, { error: 'invalid_scope' }).fetch, 'rt', () => NOW));
    expect(other.details).toEqual({ error: 'invalid_scope', status: 400, step: 'refresh' });
    const bad = await failure(exchangeCode(EP, reply(200, { token_type: 'bearer' }).fetch, params, 'v', () => NOW));
    expect(bad.message).toBe('Genesys Cloud answered the token request with something Patchbay cannot use.');
    const unsupported = tokenEndpointError(new oauth.UnsupportedOperationError('nope'), 'refresh');
    expect(unsupported.code).toBe('genesys-cloud.token.bad-response');
    expect(unsupported.details).toEqual({ step: 'refresh', ...(typeof (new oauth.UnsupportedOperationError('nope') as { code?: unknown }).code === 'string' ? { reason: (new oauth.UnsupportedOperationError('nope') as { code: string }).code } : {}) });
    const down = tokenEndpointError(new TypeError('fetch failed'), 'exchange');
    expect(down.message).toBe('Patchbay could not reach the Genesys Cloud sign-in service.');
  });
});
