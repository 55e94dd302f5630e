// ICWS single sign-on, client side, without sockets: request builders, what a LoginWindow result
// means, and the flow's choices (pop-up option, then the redirect option) with a fake window.
import { describe, expect, it } from 'vitest';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../../../main/core/auth/login-window.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import {
  identityProvidersRedirectUrl,
  identityProvidersUrl,
  parseSsoCompletePage,
  popupOutcome,
  runIcwsSso,
  ssoConnectionBody,
  ssoError,
} from '../../../../../main/core/platforms/icws/sso.ts';

const BASE = 'https://ic1.example.com:8019';

describe('ICWS SSO request builders', () => {
  it('starts the pop-up option with the capabilities in order and the application origin [ICWS-10]', () => {
    expect(identityProvidersUrl(`${BASE}/`, 'e00b7273-269c', 'http://127.0.0.1')).toBe(
      `${BASE}/icws/connection/single-sign-on/identity-providers/e00b7273-269c?singleSignOnCapabilities=saml2Post,saml2Redirect&webBrowserApplicationOrigin=http%3A%2F%2F127.0.0.1`,
    );
    expect(identityProvidersUrl(BASE, 'a b/c')).toContain('/identity-providers/a%20b%2Fc?');
  });

  it('starts the redirect option with redirectUri [ICWS-10, ICWS-13]', () => {
    const url = new URL(identityProvidersRedirectUrl(BASE, 'idp', 'http://127.0.0.1/done'));
    expect(url.searchParams.get('singleSignOnCapabilities')).toBe('saml2Post,saml2Redirect');
    expect(url.searchParams.get('redirectUri')).toBe('http://127.0.0.1/done');
    expect(url.searchParams.has('webBrowserApplicationOrigin')).toBe(false);
  });

  it('builds singleSignOnTokenConnectionRequestSettings [ICWS-14]', () => {
    expect(JSON.parse(ssoConnectionBody('Patchbay', 'tok'))).toEqual({
      __type: 'urn:inin.com:connection:singleSignOnTokenConnectionRequestSettings',
      applicationName: 'Patchbay',
      singleSignOnToken: 'tok',
    });
  });
});

describe('reading a return page [ICWS-12]', () => {
  it('finds the icwsSsoComplete data in the script, escaped or as an object literal', () => {
    const lab = `<script>var message=JSON.stringify({"key":"icwsSsoComplete","data":{"token":"","errorMessage":"The user \\u003cx\\u003e is unknown.","errorId":"error.sso.authentication","httpStatus":400}});</script>`;
    expect(parseSsoCompletePage(lab)).toEqual({ token: '', errorMessage: 'The user <x> is unknown.', errorId: 'error.sso.authentication', httpStatus: 400 });
    const literal = `window.opener.postMessage(JSON.stringify({ key: 'icwsSsoComplete', data: {"token":"t","errorMessage":"","errorId":"","httpStatus":200} }), origin)`;
    expect(parseSsoCompletePage(literal)?.token).toBe('t');
    expect(parseSsoCompletePage('<p>nothing</p>')).toBeUndefined();
    expect(parseSsoCompletePage(undefined)).toBeUndefined();
  });
});

const result = (over: Partial<LoginWindowResult>): LoginWindowResult => ({ completion: { responseHeader: 'ININ-STS-Token' }, url: `${BASE}/icws/connection/single-sign-on/return`, status: 200, headers: {}, ...over });

describe('what a pop-up run means [ICWS-11]', () => {
  it('takes the token from the ININ-STS-Token header', () => {
    expect(popupOutcome(result({ headers: { 'inin-sts-token': ' abc ' } }))).toEqual({ token: 'abc' });
  });

  it("fails with the page's errorMessage when the token is empty", () => {
    const body = `JSON.stringify({"key":"icwsSsoComplete","data":{"token":"","errorMessage":"Nope.","errorId":"error.sso.authentication","httpStatus":400}})`;
    const outcome = popupOutcome(result({ completion: { urlPrefix: 'x' }, status: 400, body }));
    expect('error' in outcome && outcome.error.code).toBe('icws.sso.failed');
    expect('error' in outcome && outcome.error.message).toBe('Nope.');
  });

  it('maps the documented error ids', () => {
    expect(ssoError(400, 'error.sso.authentication.cancelled', '').code).toBe('icws.sso.cancelled');
    expect(ssoError(503, 'error.sso.request.identityProviderUnavailable', 'IdP down').message).toBe('IdP down');
    expect(ssoError(503, 'error.sso.request.identityProviderUnavailable', undefined).code).toBe('icws.sso.unavailable');
    expect(ssoError(400, 'error.sso.authentication', undefined).message).toBe('Single sign-on did not complete.');
  });

  it('falls back to the redirect option on a success page without the header, or a refused start', () => {
    expect(popupOutcome(result({ completion: { urlPrefix: 'x' }, body: '<h1>Signed in</h1>' }))).toEqual({ fallback: 'no ININ-STS-Token header' });
    const refused = result({ completion: { jsonResponseAt: 'x' }, status: 400, body: JSON.stringify({ errorId: 'error.request.invalidRepresentation', message: 'bad origin' }) });
    expect(popupOutcome(refused)).toEqual({ fallback: 'pop-up option refused' });
    const unknown = result({ completion: { jsonResponseAt: 'x' }, status: 404, body: JSON.stringify({ errorId: 'error.request.resourceNotFound', message: 'No such IdP.' }) });
    expect('error' in popupOutcome(unknown) && (popupOutcome(unknown) as { error: PatchbayError }).error.message).toBe('No such IdP.');
  });
});

class FakeWindow implements LoginWindow {
  readonly requests: LoginWindowRequest[] = [];
  private readonly answers: Array<(r: LoginWindowRequest) => LoginWindowResult | Promise<LoginWindowResult>>;
  constructor(...answers: Array<(r: LoginWindowRequest) => LoginWindowResult | Promise<LoginWindowResult>>) {
    this.answers = answers;
  }
  async run(request: LoginWindowRequest): Promise<LoginWindowResult> {
    this.requests.push(request);
    const next = this.answers.shift();
    if (!next) throw new Error('unexpected run');
    return next(request);
  }
}

/** An HttpSession whose network is a function (the jar is real). */
function fakeHttp(answer: (req: HttpRequest) => { status: number; json?: unknown }): HttpSession & { seen: HttpRequest[] } {
  const http = new HttpSession({ profileId: 'p' }) as HttpSession & { seen: HttpRequest[] };
  http.seen = [];
  http.request = async (req: HttpRequest): Promise<HttpResponse> => {
    http.seen.push(req);
    const { status, json } = answer(req);
    const text = json === undefined ? '' : JSON.stringify(json);
    return { status, headers: {}, setCookie: [], url: String(req.url), chain: [String(req.url)], body: new TextEncoder().encode(text), text: () => text, json: () => JSON.parse(text) as unknown };
  };
  return http;
}

describe('runIcwsSso', () => {
  it('opens the pop-up option with the token header as completion and the profile jar [ICWS-10, ICWS-11]', async () => {
    const window = new FakeWindow(() => result({ headers: { 'inin-sts-token': 'tok-1' } }));
    const http = fakeHttp(() => ({ status: 500 }));
    const phases: string[] = [];
    const token = await runIcwsSso({ http, loginWindow: window, base: `${BASE}/`, identityProviderId: 'idp', profileId: 'p1', language: 'de-DE', onPhase: (p) => phases.push(p), allowedHosts: ['idp.example.com'] });
    expect(token).toBe('tok-1');
    const [req] = window.requests;
    expect(req!.url).toBe(identityProvidersUrl(BASE, 'idp'));
    expect(req!.until).toEqual([
      { responseHeader: 'ININ-STS-Token' },
      { urlPrefix: `${BASE}/icws/connection/single-sign-on/return` },
      { jsonResponseAt: `${BASE}/icws/connection/single-sign-on/` },
    ]);
    expect(req!.jar).toBe(http.jar);
    expect(req!.profileId).toBe('p1');
    expect(req!.visible).toBe('when-needed');
    expect(req!.allowedHosts).toEqual(['idp.example.com', 'ic1.example.com:8019']);
    expect(phases).toEqual(['awaiting-user', 'signing-in']);
    expect(http.seen).toEqual([]);
  });

  it('falls back to the redirect option and fetches the token with the jar [ICWS-13]', async () => {
    const window = new FakeWindow(
      () => result({ completion: { urlPrefix: 'x' }, body: '<h1>ok</h1>' }),
      (r) => ({ completion: r.until[0]!, url: 'http://127.0.0.1/patchbay/icws-sso-complete', status: 302, headers: {} }),
    );
    const http = fakeHttp(() => ({ status: 200, json: { singleSignOnToken: 'tok-2' } }));
    const token = await runIcwsSso({ http, loginWindow: window, base: BASE, identityProviderId: 'idp', profileId: 'p', language: 'en-US' });
    expect(token).toBe('tok-2');
    expect(new URL(window.requests[1]!.url).searchParams.get('redirectUri')).toBe('http://127.0.0.1/patchbay/icws-sso-complete');
    expect(window.requests[1]!.until[0]).toEqual({ redirectTo: 'http://127.0.0.1/patchbay/icws-sso-complete' });
    expect(http.seen.map((r) => String(r.url))).toEqual([`${BASE}/icws/connection/single-sign-on/response`]);
    expect(http.seen[0]!.headers).toMatchObject({ 'Accept-Language': 'en-US' });
  });

  it("reports GET …/response's 400 with the server's message [ICWS-13]", async () => {
    const window = new FakeWindow((r) => ({ completion: r.until[0]!, url: 'http://127.0.0.1/patchbay/icws-sso-complete', status: 302, headers: {} }));
    const http = fakeHttp(() => ({ status: 400, json: { errorId: 'error.sso.authentication', message: 'The IdP said no.' } }));
    const error = await runIcwsSso({ http, loginWindow: window, base: BASE, identityProviderId: 'idp', profileId: 'p', language: 'en-US', option: 'redirect' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchbayError);
    expect((error as PatchbayError).code).toBe('icws.sso.failed');
    expect((error as PatchbayError).message).toBe('The IdP said no.');
  });

  it("passes the window's own errors through and never tries the redirect option after them", async () => {
    const cancelled = new PatchbayError('login.cancelled', 'closed', { action: 'sign-in-again' });
    const window = new FakeWindow(() => Promise.reject(cancelled));
    const phases: string[] = [];
    const error = await runIcwsSso({ http: fakeHttp(() => ({ status: 500 })), loginWindow: window, base: BASE, identityProviderId: 'idp', profileId: 'p', language: 'en-US', onPhase: (p) => phases.push(p) }).catch((e: unknown) => e);
    expect(error).toBe(cancelled);
    expect(window.requests).toHaveLength(1);
    expect(phases).toEqual(['awaiting-user', 'signing-in']);
  });

  it('does not fall back when the pop-up option alone is asked for', async () => {
    const window = new FakeWindow(() => result({ completion: { urlPrefix: 'x' }, body: '<h1>ok</h1>' }));
    const error = await runIcwsSso({ http: fakeHttp(() => ({ status: 500 })), loginWindow: window, base: BASE, identityProviderId: 'idp', profileId: 'p', language: 'en-US', option: 'popup' }).catch((e: unknown) => e);
    expect((error as PatchbayError).code).toBe('icws.sso.failed');
    expect(window.requests).toHaveLength(1);
  });
});
