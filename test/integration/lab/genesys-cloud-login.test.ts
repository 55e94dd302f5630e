// The Genesys Cloud lab's login.<region> (oidc-provider) driven by plain HTTP and oauth4webapi:
// PKCE code flow through the login form, exact redirect matching, silent re-authorization,
// refresh rotation with reuse detection, login outages, lifetimes and granted scopes.
import * as oauth from 'oauth4webapi';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLabCookieJar, labLogin, startGenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import type { GenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import { api, authServer, authorizeUrl, exchange, insecure, refresh, signIn } from './genesys-cloud-helpers.ts';

async function get(url: string, cookie?: string): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } });
}

describe('Genesys Cloud lab login (no refresh tokens, the PKCE default)', () => {
  let lab: GenesysCloudLab;
  beforeAll(async () => {
    lab = await startGenesysCloudLab();
  });
  afterAll(async () => {
    await lab.close();
  });
  afterEach(() => {
    lab.setLoginAvailable(true);
    lab.setTokenLifetime(3600);
  });

  it('signs in with PKCE through the login form: bearer token, expires_in, the default scopes, no refresh token', async () => {
    const { tokens, login } = await signIn(lab);
    expect(login.showedLoginForm).toBe(true);
    expect(login.callbackUrl.startsWith(`${lab.redirectUri}?`)).toBe(true);
    expect(new URL(login.callbackUrl).searchParams.has('iss')).toBe(false); // Genesys sends code and state only
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.scope?.split(' ').sort()).toEqual(['conversations', 'notifications', 'presence', 'routing', 'users:readonly']);
    expect(tokens.refresh_token).toBeUndefined();
    expect((await api(lab, tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(200);
  });

  it('shows the form with input[name=username], input[name=password], button[type=submit] and the login_hint', async () => {
    const pkce = await authorizeUrl(lab, { login_hint: 'gc-agent2', org: 'lab-org', provider: 'lab-idp' });
    const first = await get(pkce.authorizeUrl);
    expect([302, 303]).toContain(first.status);
    const loginUrl = new URL(first.headers.get('location') ?? '', lab.loginBase);
    expect(loginUrl.href.startsWith(`${lab.loginBase}/login/`)).toBe(true);
    const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const page = await (await get(loginUrl.href, cookie)).text();
    expect(page).toContain('name="username"');
    expect(page).toContain('value="gc-agent2"');
    expect(page).toContain('name="password"');
    expect(page).toContain('<button type="submit"');
    expect(page).toContain('lab-org');
  });

  it('re-shows the form with an error for a wrong password', async () => {
    const pkce = await authorizeUrl(lab);
    await expect(labLogin(lab, 'gc-agent1', pkce.authorizeUrl, { password: 'wrong' })).rejects.toThrow(/refused the credentials/);
    const first = await get(pkce.authorizeUrl);
    const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const action = new URL(first.headers.get('location') ?? '', lab.loginBase);
    const res = await fetch(action, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=gc-agent1&password=nope' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('The email or password is incorrect.');
  });

  it('returns straight to the redirect URI with a login session (silent re-authorization), one round trip', async () => {
    const jar = createLabCookieJar();
    const first = await signIn(lab, 'gc-agent1', jar);
    expect(first.login.roundTrips).toBe(4);
    const second = await signIn(lab, 'gc-agent1', jar);
    expect(second.login.showedLoginForm).toBe(false);
    expect(second.login.roundTrips).toBe(1);
    expect(second.tokens.access_token).not.toBe(first.tokens.access_token);
  });

  it('refuses a redirect URI that is not the registered one exactly (another port, another path): no redirect, an error page', async () => {
    const registered = new URL(lab.redirectUri);
    for (const other of [`http://127.0.0.1:${Number(registered.port) + 1}${registered.pathname}`, `http://127.0.0.1:${registered.port}/other`, `http://localhost:${registered.port}${registered.pathname}`]) {
      const pkce = await authorizeUrl(lab, {}, other);
      const res = await get(pkce.authorizeUrl);
      expect(res.status, other).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('redirect_uri');
    }
  });

  it('requires PKCE: an authorize request without code_challenge comes back with invalid_request, and a wrong verifier gets invalid_grant', async () => {
    const url = new URL(`${lab.loginBase}/oauth/authorize`);
    url.search = new URLSearchParams({ client_id: lab.clientId, response_type: 'code', redirect_uri: lab.redirectUri, state: 's1' }).toString();
    const res = await get(url.href);
    const location = new URL(res.headers.get('location') ?? 'http://none/');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);

    const pkce = await authorizeUrl(lab);
    const login = await labLogin(lab, 'gc-agent1', pkce.authorizeUrl);
    await expect(exchange(lab, { ...pkce, verifier: oauth.generateRandomCodeVerifier() }, login)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a code works once', async () => {
    const pkce = await authorizeUrl(lab);
    const login = await labLogin(lab, 'gc-agent1', pkce.authorizeUrl);
    await exchange(lab, pkce, login);
    await expect(exchange(lab, pkce, login)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('Cancel on the login page returns error=access_denied to the redirect URI', async () => {
    const pkce = await authorizeUrl(lab);
    const result = await labLogin(lab, 'gc-agent1', pkce.authorizeUrl, { cancel: true });
    expect(result.error).toBe('access_denied');
    expect(result.state).toBe(pkce.state);
    expect(result.code).toBeUndefined();
  });

  it('setLoginAvailable(false): authorize and token answer 503; back on, sign-in works', async () => {
    const pkce = await authorizeUrl(lab);
    const login = await labLogin(lab, 'gc-agent1', pkce.authorizeUrl);
    lab.setLoginAvailable(false);
    expect((await get(pkce.authorizeUrl)).status).toBe(503);
    await expect(exchange(lab, pkce, login)).rejects.toThrow();
    const token = await fetch(`${lab.loginBase}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code' });
    expect(token.status).toBe(503);
    expect(token.headers.get('retry-after')).toBe('30');
    lab.setLoginAvailable(true);
    expect((await signIn(lab)).tokens.access_token).toBeTruthy();
  });

  it('setTokenLifetime: expires_in follows it; an expired token gets 401 bad.credentials and is logged as expired', async () => {
    lab.setTokenLifetime(300);
    expect((await signIn(lab)).tokens.expires_in).toBe(300);
    lab.setTokenLifetime(1);
    const { tokens } = await signIn(lab);
    expect(tokens.expires_in).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const answer = await api(lab, tokens.access_token, 'GET', '/api/v2/users/me');
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'bad.credentials', status: 401 });
    expect(lab.requests.at(-1)).toMatchObject({ server: 'api', path: '/api/v2/users/me', status: 401, authResult: 'expired' });
    expect(JSON.stringify(lab.requests)).not.toContain(tokens.access_token);
  });

  it('setGrantedScopes narrows the scopes of the next sign-in and of a silent re-authorization', async () => {
    const jar = createLabCookieJar();
    await signIn(lab, 'gc-agent2', jar);
    await lab.setGrantedScopes('gc-agent2', ['users:readonly', 'notifications']);
    const silent = await signIn(lab, 'gc-agent2', jar);
    expect(silent.login.showedLoginForm).toBe(false);
    expect(silent.tokens.scope).toBe('users:readonly notifications');
    const fresh = await signIn(lab, 'gc-agent2');
    expect(fresh.tokens.scope).toBe('users:readonly notifications');
    await lab.setGrantedScopes('gc-agent2', ['users', 'presence:readonly', 'routing', 'conversations:readonly', 'notifications']);
    expect((await signIn(lab, 'gc-agent2', jar)).tokens.scope?.split(' ').sort()).toEqual(['conversations:readonly', 'notifications', 'presence:readonly', 'routing', 'users']);
  });

  it('after revokeTokens the login session still re-authorizes silently (a new grant, no form)', async () => {
    const jar = createLabCookieJar();
    const first = await signIn(lab, 'gc-supervisor1', jar);
    await lab.revokeTokens('gc-supervisor1');
    expect((await api(lab, first.tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(401);
    const again = await signIn(lab, 'gc-supervisor1', jar);
    expect(again.login.showedLoginForm).toBe(false);
    expect((await api(lab, again.tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(200);
  });

  it('GET /logout ends the login session: the next authorize shows the form again, and it redirects to the registered URI', async () => {
    const jar = createLabCookieJar();
    await signIn(lab, 'gc-agent1', jar);
    const cookie = [...jar.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const out = await get(`${lab.loginBase}/logout?client_id=${lab.clientId}&redirect_uri=${encodeURIComponent(lab.redirectUri)}`, cookie);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(lab.redirectUri);
    jar.cookies.delete('_session');
    jar.cookies.delete('_session.sig');
    const again = await signIn(lab, 'gc-agent1', jar);
    expect(again.login.showedLoginForm).toBe(true);
    // The old session cookie no longer signs anyone in.
    const pkce = await authorizeUrl(lab);
    const res = await get(pkce.authorizeUrl, cookie);
    expect(new URL(res.headers.get('location') ?? '', lab.loginBase).pathname).toMatch(/^\/login\//);
  });

  it('the confidential client of the org authenticates with Basic and its secret', async () => {
    const pkce = await authorizeUrl(lab);
    const url = new URL(pkce.authorizeUrl);
    url.searchParams.set('client_id', lab.confidentialClient.clientId);
    const login = await labLogin(lab, 'gc-agent1', url.href);
    const as = authServer(lab);
    const client = { client_id: lab.confidentialClient.clientId };
    const params = oauth.validateAuthResponse(as, client, new URL(login.callbackUrl), pkce.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(lab.confidentialClient.clientSecret), params, lab.redirectUri, pkce.verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.access_token).toBeTruthy();
  });
});

describe('Genesys Cloud lab login with refresh tokens on (an org whose client returns them)', () => {
  let lab: GenesysCloudLab;
  beforeAll(async () => {
    lab = await startGenesysCloudLab({ refreshTokens: true, tokenLifetimeSec: 600 });
  });
  afterAll(async () => {
    await lab.close();
  });

  it('rotates the refresh token; reusing an old one is invalid_grant and ends the whole grant', async () => {
    const { tokens } = await signIn(lab);
    expect(tokens.refresh_token).toBeTruthy();
    const first = tokens.refresh_token ?? '';
    const second = await refresh(lab, first);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first);
    expect(second.expires_in).toBe(600);
    expect(second.scope?.split(' ').sort()).toEqual(['conversations', 'notifications', 'presence', 'routing', 'users:readonly']);
    expect((await api(lab, second.access_token, 'GET', '/api/v2/users/me')).status).toBe(200);

    await expect(refresh(lab, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Reuse detection revoked the grant: the newest refresh token and the access token are dead too.
    await expect(refresh(lab, second.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await api(lab, second.access_token, 'GET', '/api/v2/users/me')).status).toBe(401);
  });

  it('revokeTokens(userName) kills the access and the refresh tokens of every sign-in of that user only', async () => {
    const a = await signIn(lab, 'gc-agent1');
    const b = await signIn(lab, 'gc-agent1');
    const other = await signIn(lab, 'gc-agent2');
    await lab.revokeTokens('gc-agent1');
    for (const s of [a, b]) {
      expect((await api(lab, s.tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(401);
      await expect(refresh(lab, s.tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    }
    expect((await api(lab, other.tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(200);
  });

  it('a refresh after setGrantedScopes carries the narrowed scopes', async () => {
    const { tokens } = await signIn(lab, 'gc-supervisor1');
    await lab.setGrantedScopes('gc-supervisor1', ['users:readonly', 'presence']);
    const renewed = await refresh(lab, tokens.refresh_token ?? '');
    expect(renewed.scope).toBe('users:readonly presence');
  });
});

describe('Genesys Cloud lab start-up', () => {
  it('registers the given redirect port and closes cleanly', async () => {
    const lab = await startGenesysCloudLab({ redirectPort: 48620, redirectPath: '/patchbay/callback' });
    try {
      expect(lab.redirectUri).toBe('http://127.0.0.1:48620/patchbay/callback');
      const profiles = lab.profiles();
      expect(profiles.map((p) => p.id)).toEqual(['lab-gc-agent1', 'lab-gc-agent2-window']);
      expect(profiles[0]).toMatchObject({ platform: 'genesys-cloud', authMode: 'sso', servers: [lab.apiBase], userName: 'gc-agent1', fixturePassword: 'gc-agent1-lab-pw', lab: true });
      expect(profiles[0]?.options.genesysCloud).toEqual({ loginBase: lab.loginBase, clientId: lab.clientId, redirectUri: lab.redirectUri, loginMethod: 'system-browser' });
      expect(profiles[1]?.options.genesysCloud.loginMethod).toBe('login-window');
      expect(JSON.stringify(profiles)).not.toContain(lab.confidentialClient.clientSecret);
    } finally {
      await lab.close();
    }
  });
});
