import { describe, expect, it } from 'vitest';
import { CookieJar } from 'tough-cookie';
import type { LoginWindow, LoginWindowRequest } from '../../../../../main/core/auth/login-window.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest } from '../../../../../main/core/net/types.ts';
import { runSalesforceLogin } from '../../../../../main/core/platforms/gws/auth.ts';
import { response } from './fake-gws.ts';

const SF = 'https://login.salesforce.example';
const REDIRECT = 'http://127.0.0.1:48621/callback';

/** Salesforce's discovery and token endpoints in a function; the LoginWindow "signs in" at once. */
function fakeSalesforce(identityUrl: string) {
  const requests: { method: string; url: string; body?: string }[] = [];
  const http = {
    jar: new CookieJar(),
    request: async (req: HttpRequest) => {
      const url = String(req.url);
      requests.push({ method: req.method ?? 'GET', url, ...(typeof req.body === 'string' ? { body: req.body } : {}) });
      if (url === `${SF}/.well-known/openid-configuration`) {
        return response(url, { status: 200, json: { issuer: SF, authorization_endpoint: `${SF}/services/oauth2/authorize`, token_endpoint: `${SF}/services/oauth2/token` } });
      }
      if (url === `${SF}/services/oauth2/token`) {
        return response(url, { status: 200, json: { access_token: '00Dsession!id', token_type: 'Bearer', id: identityUrl, instance_url: SF } });
      }
      return response(url, { status: 404, json: {} });
    },
  } as unknown as HttpSession;
  const runs: LoginWindowRequest[] = [];
  const loginWindow: LoginWindow = {
    run: async (request) => {
      runs.push(request);
      const state = new URL(request.url).searchParams.get('state');
      return { completion: request.until[0]!, url: `${REDIRECT}?code=abc&state=${state}`, status: 302, headers: {} };
    },
  };
  const settings = { loginBase: SF, clientId: 'consumer-key', redirectUri: REDIRECT, sessionIdHeader: 'ssid', identityUrlHeader: 'surl' };
  return { http, loginWindow, runs, requests, settings };
}

describe('Salesforce sign-in (GWS-01)', () => {
  it('GWS-01: authorization code + PKCE S256 in the LoginWindow until the redirect, then the session id and identity URL', async () => {
    const sf = fakeSalesforce(`${SF}/id/00Dorg/005user`);
    const out = await runSalesforceLogin({ loginWindow: sf.loginWindow, http: sf.http, profileId: 'p', allowedHosts: ['gws.example.com'], settings: sf.settings });
    expect(out).toEqual({ sessionId: '00Dsession!id', identityUrl: `${SF}/id/00Dorg/005user` });
    const authorize = new URL(sf.runs[0]!.url);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe('consumer-key');
    expect(sf.runs[0]!.until).toEqual([{ redirectTo: REDIRECT }]);
    const token = sf.requests.find((r) => r.url.endsWith('/token'))!;
    expect(new URLSearchParams(token.body).get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(new URLSearchParams(token.body).get('client_secret')).toBeNull();
  });

  it('refuses an identity URL on a host the profile does not allow (the session id would go there)', async () => {
    const sf = fakeSalesforce('https://evil.example.net/id/00Dorg/005user');
    const error = await runSalesforceLogin({ loginWindow: sf.loginWindow, http: sf.http, profileId: 'p', allowedHosts: ['gws.example.com'], settings: sf.settings }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PatchbayError);
    expect((error as PatchbayError).code).toBe('gws.salesforce.identity-host');
    expect((error as PatchbayError).message).not.toContain('00Dsession');
  });
});
