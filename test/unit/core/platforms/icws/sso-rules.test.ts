// ICWS single sign-on edges (main/core/platforms/icws/sso.ts) beyond sso.test.ts: the window request
// in full, what each pop-up/redirect result means, the error mapping, and the reconnect's hidden-first
// token (issue 9 mutation testing, helper MUT-LOG).
import { describe, expect, it } from 'vitest';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../../../../main/core/auth/login-window.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import {
  DEFAULT_SSO_TIMEOUT_MS,
  DESKTOP_APPLICATION_ORIGIN,
  DESKTOP_REDIRECT_URI,
  identityProvidersRedirectUrl,
  identityProvidersUrl,
  parseSsoCompletePage,
  popupOutcome,
  reconnectSsoToken,
  runIcwsSso,
  SSO_CAPABILITIES,
  ssoError,
  ssoResponseUrl,
  STS_TOKEN_HEADER,
  type IcwsSsoOptions,
} from '../../../../../main/core/platforms/icws/sso.ts';
import { response } from './stub-response.ts';

const BASE = 'https://ic1.example.com:8019';
const SSO = `${BASE}/icws/connection/single-sign-on`;

type Step = (request: LoginWindowRequest) => LoginWindowResult | Promise<LoginWindowResult>;

/** The options of one run: a login window playing `steps` in turn, a transport answering `answer`. */
function setup(steps: Step[], answer: () => HttpResponse = () => response(500), over: Partial<IcwsSsoOptions> = {}) {
  const windowRequests: LoginWindowRequest[] = [];
  const httpRequests: HttpRequest[] = [];
  const jar = { marker: 'jar' };
  const loginWindow: LoginWindow = {
    run: async (request) => {
      windowRequests.push(request);
      const step = steps.shift();
      if (!step) throw new Error('unexpected window');
      return step(request);
    },
  } as LoginWindow;
  const http = {
    jar,
    request: async (req: HttpRequest) => {
      httpRequests.push(req);
      return answer();
    },
  } as unknown as HttpSession;
  const options: IcwsSsoOptions = { http, loginWindow, base: BASE, identityProviderId: 'idp', profileId: 'p1', language: 'fr-FR', ...over };
  return { options, windowRequests, httpRequests, jar };
}

const at = (over: Partial<LoginWindowResult>): LoginWindowResult => ({ completion: { urlPrefix: `${SSO}/return` }, url: `${SSO}/return`, status: 200, headers: {}, ...over });
const redirected: Step = (r) => ({ completion: r.until[0]!, url: DESKTOP_REDIRECT_URI, status: 302, headers: {} });
const json = (status: number, body: unknown): LoginWindowResult => at({ completion: { jsonResponseAt: `${SSO}/` }, status, body: JSON.stringify(body) });

describe('SSO start URLs [ICWS-10, ICWS-13]', () => {
  it('trims every trailing slash of the base and uses the documented constants', () => {
    expect(SSO_CAPABILITIES).toBe('saml2Post,saml2Redirect');
    expect(STS_TOKEN_HEADER).toBe('ININ-STS-Token');
    expect(DESKTOP_APPLICATION_ORIGIN).toBe('http://127.0.0.1');
    expect(DESKTOP_REDIRECT_URI).toBe('http://127.0.0.1/patchbay/icws-sso-complete');
    expect(DEFAULT_SSO_TIMEOUT_MS).toBe(300_000);
    expect(identityProvidersUrl(`${BASE}///`, 'idp')).toBe(`${SSO}/identity-providers/idp?singleSignOnCapabilities=saml2Post,saml2Redirect&webBrowserApplicationOrigin=http%3A%2F%2F127.0.0.1`);
    expect(identityProvidersRedirectUrl(`${BASE}//`, 'a/b')).toBe(
      `${SSO}/identity-providers/a%2Fb?singleSignOnCapabilities=saml2Post,saml2Redirect&redirectUri=http%3A%2F%2F127.0.0.1%2Fpatchbay%2Ficws-sso-complete`,
    );
    expect(ssoResponseUrl(`${BASE}/`)).toBe(`${SSO}/response`);
  });
});

describe('the return page data [ICWS-12]', () => {
  it('reads unquoted and single-quoted keys with spacing; broken JSON or wrong types give nothing', () => {
    expect(parseSsoCompletePage(`{ key : "icwsSsoComplete" , data : {"token":"t1"} }`)).toStrictEqual({ token: 't1', errorMessage: '', errorId: '' });
    expect(parseSsoCompletePage(`{'key':'icwsSsoComplete','data':{"errorId":"e"}}`)).toStrictEqual({ token: '', errorMessage: '', errorId: 'e' });
    expect(parseSsoCompletePage(`{"key":"icwsSsoComplete","data":{token:1}}`)).toBeUndefined();
    expect(parseSsoCompletePage(`{"key":"icwsSsoComplete","data":{"token":1}}`)).toBeUndefined();
    expect(parseSsoCompletePage(`{"key":"other","data":{"token":"t"}}`)).toBeUndefined();
    expect(parseSsoCompletePage('')).toBeUndefined();
  });
});

describe('SSO errors', () => {
  it('each documented error id has its code, action and fallback text; the status and id go to the details', () => {
    expect(ssoError(400, 'error.sso.authentication.cancelled', '  ')).toMatchObject({
      code: 'icws.sso.cancelled',
      message: 'The sign-in was cancelled at the identity provider.',
      action: 'sign-in-again',
      details: { status: 400, errorId: 'error.sso.authentication.cancelled' },
    });
    expect(ssoError(503, 'error.sso.request.identityProviderUnavailable', undefined)).toMatchObject({
      code: 'icws.sso.unavailable',
      message: 'The identity provider is not available.',
      action: 'retry',
      details: { status: 503, errorId: 'error.sso.request.identityProviderUnavailable' },
    });
    expect(ssoError(500, undefined, ' Server says no. ')).toMatchObject({ code: 'icws.sso.failed', message: 'Server says no.', action: 'sign-in-again', details: { status: 500 } });
    expect(ssoError(400, 'error.sso.authentication.cancelled', 'Abgebrochen.').message).toBe('Abgebrochen.');
  });
});

describe('what a pop-up result means [ICWS-11]', () => {
  it('only a 400 invalidRepresentation refusal of the start falls back to the redirect option', () => {
    expect(popupOutcome(json(400, { errorId: 'error.request.invalidRepresentation.origin', message: 'x' }))).toStrictEqual({ fallback: 'pop-up option refused' });
    const other400 = popupOutcome(json(400, { errorId: 'error.request.other', message: 'Bad.' }));
    expect('error' in other400 && other400.error.message).toBe('Bad.');
    const refused500 = popupOutcome(json(500, { errorId: 'error.request.invalidRepresentation', message: 'Down.' }));
    expect('error' in refused500 && refused500.error.message).toBe('Down.');
    const noId400 = popupOutcome(json(400, { message: 'Bad request.' }));
    expect('error' in noId400 && noId400.error.message).toBe('Bad request.');
    const notJson = popupOutcome(at({ completion: { jsonResponseAt: `${SSO}/` }, status: 404, body: '<html>' }));
    expect('error' in notJson && notJson.error.message).toBe('Single sign-on did not complete.');
  });

  it('a blank token header is no token; the page error uses its own status; an error status without data fails', () => {
    const page = `{"key":"icwsSsoComplete","data":{"token":"","errorMessage":"Unknown user.","errorId":"","httpStatus":403}}`;
    const fromPage = popupOutcome(at({ headers: { 'inin-sts-token': '  ' }, body: page }));
    expect('error' in fromPage && [fromPage.error.message, fromPage.error.details]).toEqual(['Unknown user.', { status: 403, errorId: undefined }]);
    const onlyId = popupOutcome(at({ status: 401, body: `{"key":"icwsSsoComplete","data":{"token":"","errorId":"error.sso.authentication.cancelled"}}` }));
    expect('error' in onlyId && [onlyId.error.code, onlyId.error.details]).toEqual(['icws.sso.cancelled', { status: 401, errorId: 'error.sso.authentication.cancelled' }]);
    // Page data that carries a token (or no error) is not a failure by itself.
    expect(popupOutcome(at({ body: `{"key":"icwsSsoComplete","data":{"token":"t","errorId":"e"}}` }))).toStrictEqual({ fallback: 'no ININ-STS-Token header' });
    expect(popupOutcome(at({ body: `{"key":"icwsSsoComplete","data":{"token":""}}` }))).toStrictEqual({ fallback: 'no ININ-STS-Token header' });
    const status400 = popupOutcome(at({ status: 400 }));
    expect('error' in status400 && [status400.error.code, status400.error.details]).toEqual(['icws.sso.failed', { status: 400, errorId: undefined }]);
    expect(popupOutcome(at({ status: 399 }))).toStrictEqual({ fallback: 'no ININ-STS-Token header' });
  });
});

describe('runIcwsSso window requests', () => {
  it('passes the defaults, the jar, the ICWS host and the signal to the window; no allowedHosts when none are given', async () => {
    const signal = new AbortController().signal;
    const s = setup([() => at({ headers: { 'inin-sts-token': 'tok' } })], undefined, { signal, allowedHosts: [] });
    expect(await runIcwsSso(s.options)).toBe('tok');
    const [req] = s.windowRequests;
    expect(req).toStrictEqual({
      profileId: 'p1',
      visible: 'when-needed',
      timeoutMs: DEFAULT_SSO_TIMEOUT_MS,
      jar: s.jar,
      title: 'Sign in',
      profileHosts: ['ic1.example.com:8019'],
      signal,
      url: identityProvidersUrl(BASE, 'idp'),
      until: [{ responseHeader: 'ININ-STS-Token' }, { urlPrefix: `${SSO}/return` }, { jsonResponseAt: `${SSO}/` }],
    });
  });

  it('traces the received token under step icws.sso, naming the option, never the token', async () => {
    const sink = memorySink();
    const s = setup([() => at({ headers: { 'inin-sts-token': 'tok-secret-1' } })], undefined, { log: createLogger({ sink }) });
    expect(await runIcwsSso(s.options)).toBe('tok-secret-1');
    expect(sink.entries).toMatchObject([{ event: 'icws.sso.token-received', step: 'icws.sso', option: 'popup' }]);
    expect(JSON.stringify(sink.entries)).not.toContain('tok-secret-1');
  });

  it('the pop-up alone: a page error is thrown as it is; no token says so', async () => {
    const bad = setup([() => json(403, { errorId: 'error.sso.request.identityProviderUnavailable', message: 'IdP away.' })], undefined, { option: 'popup' });
    await expect(runIcwsSso(bad.options)).rejects.toMatchObject({ code: 'icws.sso.unavailable', message: 'IdP away.' });
    const none = setup([() => at({})], undefined, { option: 'popup' });
    await expect(runIcwsSso(none.options)).rejects.toMatchObject({ code: 'icws.sso.failed', message: 'The server did not deliver a single sign-on token.', details: { status: 200 } });
    expect(none.windowRequests).toHaveLength(1);
  });

  it('the redirect option alone goes straight to redirectUri and asks for the token without redirects [ICWS-13]', async () => {
    const signal = new AbortController().signal;
    const s = setup([redirected], () => response(200, { singleSignOnToken: 'tok-r' }), { option: 'redirect', signal });
    expect(await runIcwsSso(s.options)).toBe('tok-r');
    expect(s.windowRequests).toHaveLength(1);
    expect(s.windowRequests[0]).toMatchObject({ url: identityProvidersRedirectUrl(BASE, 'idp'), until: [{ redirectTo: DESKTOP_REDIRECT_URI }, { jsonResponseAt: `${SSO}/` }] });
    expect(s.httpRequests).toStrictEqual([
      { url: `${SSO}/response`, headers: { 'Accept-Language': 'fr-FR', Accept: 'application/vnd.inin.icws+JSON, application/json' }, followRedirects: false, signal },
    ]);
  });

  it('redirect option failures: a refused start, a 200 without a token or not JSON, an error without a body [ICWS-13]', async () => {
    const refused = setup([() => json(400, { errorId: 'error.sso.authentication.cancelled', message: 'Stopped.' })], undefined, { option: 'redirect' });
    await expect(runIcwsSso(refused.options)).rejects.toMatchObject({ code: 'icws.sso.cancelled', message: 'Stopped.' });
    expect(refused.httpRequests).toHaveLength(0);
    for (const body of [{ singleSignOnToken: '' }, 'not json']) {
      const s = setup([redirected], () => response(200, body), { option: 'redirect' });
      await expect(runIcwsSso(s.options)).rejects.toMatchObject({
        code: 'icws.sso.bad-response',
        message: 'The server answered the single sign-on without a token.',
        action: 'contact-it',
        details: { status: 200 },
      });
    }
    const bare = setup([redirected], () => response(502, 'Bad gateway'), { option: 'redirect' });
    await expect(runIcwsSso(bare.options)).rejects.toMatchObject({ code: 'icws.sso.failed', message: 'Single sign-on did not complete.', details: { status: 502 } });
  });
});

describe('a reconnect signs in hidden first [ICWS-14]', () => {
  it('hidden with the short timeout; on its timeout tells the agent and shows the window', async () => {
    let told = 0;
    const timeout = new PatchbayError('login.timeout', 'slow');
    const s = setup([() => Promise.reject(timeout), () => at({ headers: { 'inin-sts-token': 'tok-2' } })], undefined, { option: 'popup' });
    expect(await reconnectSsoToken(s.options, 15_000, () => void (told += 1))).toBe('tok-2');
    expect(s.windowRequests.map((r) => [r.visible, r.timeoutMs])).toEqual([
      ['never', 15_000],
      ['when-needed', DEFAULT_SSO_TIMEOUT_MS],
    ]);
    expect(told).toBe(1);
  });

  it('a hidden run that works shows nothing; other failures and a cancelled reconnect are thrown at once', async () => {
    let told = 0;
    const ok = setup([() => at({ headers: { 'inin-sts-token': 'tok-1' } })], undefined, { option: 'popup' });
    expect(await reconnectSsoToken(ok.options, 15_000, () => void (told += 1))).toBe('tok-1');
    const failed = new PatchbayError('login.failed', 'broken');
    const bad = setup([() => Promise.reject(failed)], undefined, { option: 'popup' });
    await expect(reconnectSsoToken(bad.options, 15_000, () => void (told += 1))).rejects.toBe(failed);
    const stop = new AbortController();
    stop.abort();
    const timeout = new PatchbayError('login.timeout', 'slow');
    const cancelled = setup([() => Promise.reject(timeout)], undefined, { option: 'popup', signal: stop.signal });
    await expect(reconnectSsoToken(cancelled.options, 15_000, () => void (told += 1))).rejects.toBe(timeout);
    expect(told).toBe(0);
    expect(bad.windowRequests).toHaveLength(1);
    expect(cancelled.windowRequests).toHaveLength(1);
  });
});
