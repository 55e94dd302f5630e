// GWS sign-in through the LoginWindow (seed 002 GWS-01 Salesforce, GWS-04 SAML; protocols/gws.md §1):
// the window request, the SAML round's end and failure, the Salesforce authorization code + PKCE
// round (RFC 6749 §4.1, RFC 7636) and each of its refusals — every branch of auth.ts after the
// sign-in checks pinned (issue 9 mutation testing, helper MUT-GWS2).
import { CookieJar } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import type { LoginWindow, LoginWindowRequest } from '../../../../../main/core/auth/login-window.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest } from '../../../../../main/core/net/types.ts';
import { DEFAULT_SSO_TIMEOUT_MS, runSalesforceLogin, runSamlLogin, type SalesforceSettings } from '../../../../../main/core/platforms/gws/auth.ts';
import { response, type Reply } from './fake-gws.ts';

async function caught(run: Promise<unknown>): Promise<PatchbayError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PatchbayError);
  return error as PatchbayError;
}

/** A LoginWindow that records its requests and answers with `answer(request)`. */
function windowOf(answer: (request: LoginWindowRequest) => { url: string; status: number } | Promise<never>) {
  const runs: LoginWindowRequest[] = [];
  const phases: string[] = [];
  const loginWindow: LoginWindow = {
    run: async (request) => {
      runs.push(request);
      phases.push('run');
      const a = await answer(request);
      return { completion: request.until[0]!, url: a.url, status: a.status, headers: {} };
    },
  };
  return { loginWindow, runs, phases, onPhase: (p: string) => phases.push(p) };
}

const GWS = 'https://gws.example.com';

describe('SAML sign-in window (GWS-04)', () => {
  it('GWS-04: opens <base>/saml/login in the profile window until Workspace (/ui/wwe), with the jar, hosts, 5 min and the phases around it', async () => {
    const w = windowOf(() => ({ url: `${GWS}/ui/wwe/index.html`, status: 200 }));
    const jar = new CookieJar();
    await runSamlLogin({ loginWindow: w.loginWindow, http: { jar } as unknown as HttpSession, profileId: 'p1', allowedHosts: ['gws.example.com', 'idp.example.com'], base: `${GWS}//`, onPhase: w.onPhase });
    expect(w.runs).toHaveLength(1);
    const req = w.runs[0]!;
    expect(req).toEqual({
      url: `${GWS}/saml/login`,
      until: [{ urlPrefix: `${GWS}/ui/wwe` }],
      profileId: 'p1',
      visible: 'when-needed',
      timeoutMs: DEFAULT_SSO_TIMEOUT_MS,
      jar,
      allowedHosts: ['gws.example.com', 'idp.example.com'],
      title: 'Sign in',
    });
    expect(req.jar).toBe(jar);
    expect(w.phases).toEqual(['awaiting-user', 'run', 'signing-in']);
  });

  it('GWS-04: the profile SP path, timeout and cancel signal reach the window', async () => {
    const w = windowOf(() => ({ url: `${GWS}/ui/wwe/`, status: 302 }));
    const signal = new AbortController().signal;
    await runSamlLogin({ loginWindow: w.loginWindow, http: { jar: new CookieJar() } as unknown as HttpSession, profileId: 'p', allowedHosts: [], base: GWS, samlLoginPath: '/sp/saml/start', timeoutMs: 1234, signal });
    expect(w.runs[0]).toMatchObject({ url: `${GWS}/sp/saml/start`, timeoutMs: 1234, signal });
  });

  it('GWS-04: an HTTP error after the identity provider fails the sign-in (retry), naming the status; 399 does not', async () => {
    const http = { jar: new CookieJar() } as unknown as HttpSession;
    for (const status of [400, 500]) {
      const w = windowOf(() => ({ url: `${GWS}/ui/wwe/`, status }));
      const error = await caught(runSamlLogin({ loginWindow: w.loginWindow, http, profileId: 'p', allowedHosts: [], base: GWS, onPhase: w.onPhase }));
      expect(error.code).toBe('gws.saml.failed');
      expect(error.message).toBe(`Single sign-on did not finish: the server answered HTTP ${status} after the identity provider.`);
      expect(error.action).toBe('retry');
      expect(error.details).toEqual({ status });
      expect(w.phases.at(-1)).toBe('signing-in');
    }
    const ok = windowOf(() => ({ url: `${GWS}/ui/wwe/`, status: 399 }));
    await runSamlLogin({ loginWindow: ok.loginWindow, http, profileId: 'p', allowedHosts: [], base: GWS });
  });

  it('GWS-04: the phase goes back to signing-in when the window fails too', async () => {
    const w = windowOf(() => Promise.reject(new PatchbayError('login.cancelled', 'closed')));
    const error = await caught(runSamlLogin({ loginWindow: w.loginWindow, http: { jar: new CookieJar() } as unknown as HttpSession, profileId: 'p', allowedHosts: [], base: GWS, onPhase: w.onPhase }));
    expect(error.code).toBe('login.cancelled');
    expect(w.phases).toEqual(['awaiting-user', 'run', 'signing-in']);
  });
});

// ---- Salesforce -------------------------------------------------------------------------------

const SF = 'https://login.salesforce.example';
const REDIRECT = 'http://127.0.0.1:48621/callback';

interface SfScript {
  loginBase?: string;
  discovery?: Reply | 'throw';
  token?: Reply;
  /** What the window's final redirect carries (state is added unless given). */
  callback?: (state: string | null) => string;
  scope?: string;
}

function salesforce(script: SfScript = {}) {
  const base = script.loginBase ?? SF;
  const requests: HttpRequest[] = [];
  const http = {
    jar: new CookieJar(),
    request: async (req: HttpRequest) => {
      const url = String(req.url);
      requests.push(req);
      if (url === `${base}/.well-known/openid-configuration`) {
        if (script.discovery === 'throw') throw new PatchbayError('net.unreachable', 'Could not reach the server.');
        return response(url, script.discovery ?? { status: 200, json: { issuer: base, authorization_endpoint: `${base}/services/oauth2/authorize`, token_endpoint: `${base}/services/oauth2/token` } });
      }
      if (url === `${base}/services/oauth2/token`) {
        return response(url, script.token ?? { status: 200, json: { access_token: '00Dsession!id', token_type: 'Bearer', id: `${base}/id/00Dorg/005user` } });
      }
      return response(url, { status: 404, json: {} });
    },
  } as unknown as HttpSession;
  const w = windowOf((request) => {
    const state = new URL(request.url).searchParams.get('state');
    return { url: script.callback ? script.callback(state) : `${REDIRECT}?code=abc&state=${state}`, status: 302 };
  });
  const settings: SalesforceSettings = { loginBase: base, clientId: 'consumer-key', redirectUri: REDIRECT, sessionIdHeader: 'ssid', identityUrlHeader: 'surl', ...(script.scope ? { scope: script.scope } : {}) };
  const run = (more: { allowedHosts?: string[]; signal?: AbortSignal } = {}) =>
    runSalesforceLogin({ loginWindow: w.loginWindow, http, profileId: 'p', allowedHosts: more.allowedHosts ?? ['gws.example.com'], settings, onPhase: w.onPhase, ...(more.signal ? { signal: more.signal } : {}) });
  return { http, requests, runs: w.runs, phases: w.phases, run };
}

describe('Salesforce sign-in window (GWS-01, RFC 6749 §4.1 + RFC 7636)', () => {
  it('GWS-01: the authorization request names code, client, redirect, scope "id api", a state and an S256 challenge; the window may also visit the authorize host', async () => {
    const sf = salesforce();
    const out = await sf.run();
    expect(out).toEqual({ sessionId: '00Dsession!id', identityUrl: `${SF}/id/00Dorg/005user` });
    const req = sf.runs[0]!;
    const q = new URL(req.url).searchParams;
    expect(`${new URL(req.url).origin}${new URL(req.url).pathname}`).toBe(`${SF}/services/oauth2/authorize`);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('consumer-key');
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('scope')).toBe('id api');
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(req.allowedHosts).toEqual(['gws.example.com', 'login.salesforce.example']);
    expect(req.until).toEqual([{ redirectTo: REDIRECT }]);
    expect(req).toMatchObject({ visible: 'when-needed', title: 'Sign in', profileId: 'p' });
    expect(sf.phases).toEqual(['awaiting-user', 'run', 'signing-in']);
    // RFC 7636 §4.5: the token request carries the verifier of that challenge; a public client (no secret).
    const token = sf.requests.find((r) => String(r.url).endsWith('/token'))!;
    const body = new URLSearchParams(String(token.body));
    expect(body.get('grant_type')).toBe('authorization_code');
    expect(body.get('code')).toBe('abc');
    expect(body.get('redirect_uri')).toBe(REDIRECT);
    const verifier = body.get('code_verifier')!;
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(q.get('code_challenge'));
  });

  it('GWS-01: a profile scope replaces the default; the cancel signal goes with every Salesforce request', async () => {
    const sf = salesforce({ scope: 'id api refresh_token' });
    const signal = new AbortController().signal;
    await sf.run({ signal });
    expect(new URL(sf.runs[0]!.url).searchParams.get('scope')).toBe('id api refresh_token');
    expect(sf.runs[0]!.signal).toBe(signal);
    expect(sf.requests).toHaveLength(2);
    expect(sf.requests.every((r) => r.signal === signal)).toBe(true);
  });

  it('GWS-01: a lab Salesforce on http://127.x or localhost is accepted; http on another host is not', async () => {
    for (const base of ['http://127.0.0.1:9443', 'http://localhost:9443', 'http://127.10.200.30:9443']) {
      const sf = salesforce({ loginBase: base });
      expect((await sf.run()).identityUrl, base).toBe(`${base}/id/00Dorg/005user`);
    }
    const plain = salesforce({ loginBase: 'http://login.salesforce.example' });
    expect((await caught(plain.run())).code).toBe('gws.salesforce.unavailable');
  });

  it('GWS-01: only a real loopback address counts as the lab: http://[::1] yes, a DNS name that starts with 127. no (RFC 8252 §8.3)', async () => {
    const v6 = salesforce({ loginBase: 'http://[::1]:9443' });
    expect((await v6.run()).identityUrl).toBe('http://[::1]:9443/id/00Dorg/005user');
    for (const base of ['http://127.example.com', 'http://127.0.0.1.example.com', 'http://localhost.example.com']) {
      const named = salesforce({ loginBase: base });
      expect((await caught(named.run())).code, base).toBe('gws.salesforce.unavailable');
    }
  });

  it('GWS-01: discovery that fails says Salesforce did not describe its endpoints (contact IT); a typed network error passes as is', async () => {
    const bad = salesforce({ discovery: { status: 500, json: {} } });
    const error = await caught(bad.run());
    expect(error.code).toBe('gws.salesforce.unavailable');
    expect(error.message).toBe('Salesforce at login.salesforce.example did not describe its sign-in endpoints.');
    expect(error.action).toBe('contact-it');
    expect(error.cause).toBeDefined();
    expect(bad.runs).toHaveLength(0);
    const down = salesforce({ discovery: 'throw' });
    expect((await caught(down.run())).code).toBe('net.unreachable');
  });

  it('GWS-01: a server that names no authorization endpoint fails before any window', async () => {
    const sf = salesforce({ discovery: { status: 200, json: { issuer: SF, token_endpoint: `${SF}/services/oauth2/token` } } });
    const error = await caught(sf.run());
    expect(error.code).toBe('gws.salesforce.failed');
    expect(error.message).toBe('Salesforce sign-in failed: the server names no authorization endpoint.');
    expect(error.action).toBe('sign-in-again');
    expect(sf.runs).toHaveLength(0);
  });

  it('RFC 6749 §4.1.2.1: an error redirect shows its description, else its code; a wrong state is refused', async () => {
    const described = salesforce({ callback: (s) => `${REDIRECT}?error=access_denied&error_description=${encodeURIComponent('end-user denied authorization')}&state=${s}` });
    const e1 = await caught(described.run());
    expect(e1.code).toBe('gws.salesforce.failed');
    expect(e1.message).toBe('Salesforce sign-in failed: end-user denied authorization.');
    expect(e1.cause).toBeDefined();
    const bare = salesforce({ callback: (s) => `${REDIRECT}?error=access_denied&state=${s}` });
    expect((await caught(bare.run())).message).toBe('Salesforce sign-in failed: access_denied.');
    const forged = salesforce({ callback: () => `${REDIRECT}?code=abc&state=forged` });
    const e3 = await caught(forged.run());
    expect(e3.message).toBe('Salesforce sign-in failed: the answer was not valid.');
    expect(forged.requests.some((r) => String(r.url).endsWith('/token'))).toBe(false);
  });

  it('RFC 6749 §5.2: a refused code exchange shows the description, else the error code, else a generic reason', async () => {
    const described = salesforce({ token: { status: 400, json: { error: 'invalid_grant', error_description: 'expired authorization code' } } });
    const e1 = await caught(described.run());
    expect(e1.message).toBe('Salesforce sign-in failed: expired authorization code.');
    expect(e1.action).toBe('sign-in-again');
    const bare = salesforce({ token: { status: 400, json: { error: 'invalid_grant' } } });
    expect((await caught(bare.run())).message).toBe('Salesforce sign-in failed: invalid_grant.');
    const broken = salesforce({ token: { status: 200, json: { token_type: 'Bearer' } } });
    const e3 = await caught(broken.run());
    expect(e3.message).toBe('Salesforce sign-in failed: the code could not be exchanged.');
    expect(e3.cause).toBeDefined();
  });

  it('GWS-01: the token answer must carry an identity URL (id) that is a URL', async () => {
    const none = salesforce({ token: { status: 200, json: { access_token: 'S', token_type: 'Bearer' } } });
    expect((await caught(none.run())).message).toBe('Salesforce sign-in failed: the token answer has no identity URL (id).');
    const numeric = salesforce({ token: { status: 200, json: { access_token: 'S', token_type: 'Bearer', id: 42 } } });
    expect((await caught(numeric.run())).message).toBe('Salesforce sign-in failed: the token answer has no identity URL (id).');
    const notUrl = salesforce({ token: { status: 200, json: { access_token: 'S', token_type: 'Bearer', id: 'not a url' } } });
    const error = await caught(notUrl.run());
    expect(error.code).toBe('gws.salesforce.failed');
    expect(error.message).toBe('Salesforce sign-in failed: the identity URL is not a URL.');
  });

  it('GWS-01: the identity URL (GWS calls it with the session id) must be https on the Salesforce host or an allowed host, any case', async () => {
    const onIdp = salesforce({ token: { status: 200, json: { access_token: 'S', token_type: 'Bearer', id: 'https://IDP.example.com/id/o/u' } } });
    expect((await onIdp.run({ allowedHosts: ['idp.example.com'] })).identityUrl).toBe('https://idp.example.com/id/o/u');
    const upper = salesforce({ token: { status: 200, json: { access_token: 'S', token_type: 'Bearer', id: 'https://LOGIN.salesforce.example/id/o/u' } } });
    expect((await upper.run()).identityUrl).toBe(`${SF}/id/o/u`);
    const plainHttp = salesforce({ token: { status: 200, json: { access_token: 'S', token_type: 'Bearer', id: 'http://login.salesforce.example/id/o/u' } } });
    const error = await caught(plainHttp.run());
    expect(error.code).toBe('gws.salesforce.identity-host');
    expect(error.message).toBe('Salesforce named an identity URL on login.salesforce.example, which this profile does not allow.');
    expect(error.action).toBe('contact-it');
    const elsewhere = salesforce({ token: { status: 200, json: { access_token: 'S', token_type: 'Bearer', id: 'https://evil.example.net/id/o/u' } } });
    expect((await caught(elsewhere.run())).code).toBe('gws.salesforce.identity-host');
    // A loopback identity URL of the lab is accepted over http.
    const lab = salesforce({ loginBase: 'http://127.0.0.1:9443', token: { status: 200, json: { access_token: 'S', token_type: 'Bearer', id: 'http://127.0.0.1:9443/id/o/u' } } });
    expect((await lab.run()).identityUrl).toBe('http://127.0.0.1:9443/id/o/u');
    // Neither https nor http: refused even on a loopback host.
    const ftp = salesforce({ loginBase: 'http://127.0.0.1:9443', token: { status: 200, json: { access_token: 'S', token_type: 'Bearer', id: 'ftp://127.0.0.1:9443/id/o/u' } } });
    expect((await caught(ftp.run())).code).toBe('gws.salesforce.identity-host');
  });
});
