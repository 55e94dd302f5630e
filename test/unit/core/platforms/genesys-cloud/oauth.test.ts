// Genesys Cloud OAuth steps (oauth.ts) without the network: endpoints from the profile, the
// authorize request (GC-03), the callback check, Retry-After — with fast-check feeding the parsers
// arbitrary input (every server input ends as a value or a typed PatchbayError).
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { buildAuthorizeRequest, readCallback, resolveEndpoints, retryAfterMs } from '../../../../../main/core/platforms/genesys-cloud/oauth.ts';
import { ProfileSchema, type Profile } from '../../../../../preload/contract.ts';

function profile(gc: Record<string, unknown>, servers = ['https://api.mypurecloud.ie']): Profile {
  return ProfileSchema.parse({ id: 'gc', name: 'GC', platform: 'genesys-cloud', servers, authMode: 'sso', options: { genesysCloud: { clientId: 'client-1', redirectUri: 'http://127.0.0.1:48620/callback', ...gc } } });
}

describe('Genesys Cloud OAuth steps', () => {
  it('the login base is login.<region> unless the profile names one; the API base is servers[0]', () => {
    const ep = resolveEndpoints(profile({ region: 'mypurecloud.ie' }));
    expect(ep.as.authorization_endpoint).toBe('https://login.mypurecloud.ie/oauth/authorize');
    expect(ep.as.token_endpoint).toBe('https://login.mypurecloud.ie/oauth/token');
    expect(ep.apiBase).toBe('https://api.mypurecloud.ie');
    expect(ep.insecureLoopback).toBe(false);
    const lab = resolveEndpoints(profile({ loginBase: 'http://127.0.0.1:4100' }, ['http://127.0.0.1:4200']));
    expect(lab.as.token_endpoint).toBe('http://127.0.0.1:4100/oauth/token');
    expect(lab.insecureLoopback).toBe(true);
  });

  it('GC-01: the client is public (token_endpoint_auth_method none) and plain http is refused off loopback', () => {
    expect(resolveEndpoints(profile({ region: 'mypurecloud.com' })).client).toEqual({ client_id: 'client-1', token_endpoint_auth_method: 'none' });
    expect(() => resolveEndpoints(profile({ loginBase: 'http://login.example.com' }))).toThrow(expect.objectContaining({ code: 'genesys-cloud.profile.invalid' }));
    expect(() => resolveEndpoints(profile({}))).toThrow(expect.objectContaining({ code: 'genesys-cloud.profile.invalid', action: 'contact-it' }));
  });

  it('GC-03: the authorize request: code, S256 challenge of the verifier, state, exact redirect_uri, SSO hints, no scope', async () => {
    const ep = resolveEndpoints(profile({ region: 'mypurecloud.com', org: 'acme', provider: 'okta' }));
    const req = await buildAuthorizeRequest(ep, { loginHint: 'agent@acme.example' });
    const q = new URL(req.url).searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe('http://127.0.0.1:48620/callback');
    expect(q.get('code_challenge_method')).toBe('S256');
    // RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))).
    expect(q.get('code_challenge')).toBe(createHash('sha256').update(req.codeVerifier).digest('base64url'));
    expect(req.codeVerifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(q.get('state')).toBe(req.state);
    expect(q.get('org')).toBe('acme');
    expect(q.get('provider')).toBe('okta');
    expect(q.get('login_hint')).toBe('agent@acme.example');
    expect(q.has('scope')).toBe(false);
    expect(req.url).not.toContain(req.codeVerifier);
    // Fresh values each time.
    const again = await buildAuthorizeRequest(ep);
    expect(again.state).not.toBe(req.state);
    expect(again.codeVerifier).not.toBe(req.codeVerifier);
  });

  it('GC-03: the callback must be the registered URI with our state and a code', () => {
    const ep = resolveEndpoints(profile({ region: 'mypurecloud.com' }));
    expect(readCallback(ep, 'http://127.0.0.1:48620/callback?code=abc&state=s1', 's1').get('code')).toBe('abc');
    const code = (url: string) => {
      try {
        readCallback(ep, url, 's1');
        return 'ok';
      } catch (error) {
        return (error as PatchbayError).code;
      }
    };
    expect(code('http://127.0.0.1:48620/callback?code=abc&state=s2')).toBe('genesys-cloud.authorize.state-mismatch');
    expect(code('http://127.0.0.1:48620/callback?code=abc')).toBe('genesys-cloud.authorize.state-mismatch');
    expect(code('http://127.0.0.1:48621/callback?code=abc&state=s1')).toBe('genesys-cloud.redirect.mismatch');
    expect(code('http://127.0.0.1:48620/cb?code=abc&state=s1')).toBe('genesys-cloud.redirect.mismatch');
    expect(code('http://127.0.0.1:48620/callback?error=access_denied&state=s1')).toBe('genesys-cloud.authorize.denied');
    expect(code('http://127.0.0.1:48620/callback?error=invalid_request&error_description=bad%20redirect&state=s1')).toBe('genesys-cloud.authorize.error');
    expect(code('http://127.0.0.1:48620/callback?error=temporarily_unavailable&state=s1')).toBe('genesys-cloud.login.unavailable');
  });

  it('any callback input ends as parameters or a typed PatchbayError (fuzzed)', () => {
    const ep = resolveEndpoints(profile({ region: 'mypurecloud.com' }));
    const query = fc.dictionary(fc.constantFrom('code', 'state', 'error', 'error_description', 'iss', 'x'), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), query.map((q) => `http://127.0.0.1:48620/callback?${new URLSearchParams(q)}`)), (url) => {
        try {
          const params = readCallback(ep, url, 'state-1');
          expect(params.get('state')).toBe('state-1');
        } catch (error) {
          expect(error).toBeInstanceOf(PatchbayError);
          expect((error as Error).message).not.toContain('state-1');
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('Retry-After: seconds or an HTTP date, bounded to an hour; junk is ignored (fuzzed)', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(retryAfterMs('99999', now)).toBe(3_600_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (header) => {
        const ms = retryAfterMs(header, now);
        expect(ms === undefined || (ms >= 0 && ms <= 3_600_000)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
