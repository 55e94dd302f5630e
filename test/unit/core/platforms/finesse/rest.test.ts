// Finesse REST answers → typed errors, and the request every REST call sends (rest.ts; protocols/finesse.md
// §4, FIN-11). Mutation work of docs/mutation.md "Session 5, helper MUT-FIN3A"; pure functions, no I/O.
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import { okBody, responseError, restError, restRequest, stateChangeError } from '../../../../../main/core/platforms/finesse/rest.ts';
import { thrown } from '../../../../helpers/errors.ts';

const res = (status: number, body = '') => ({ status, headers: {}, setCookie: [], url: '', chain: [], body: new Uint8Array(), text: () => body, json: () => ({}) }) as unknown as HttpResponse;
const apiError = (message: string) => `<ApiErrors><ApiError><ErrorType>T</ErrorType><ErrorMessage>${message}</ErrorMessage></ApiError></ApiErrors>`;

describe('okBody / responseError (§4)', () => {
  it('only a 200 hands out its body; anything else is the typed error with the server message, retry', () => {
    expect(okBody(res(200, '<User/>'), 'c.x', 'F.')).toBe('<User/>');
    for (const status of [201, 202, 204]) expect(thrown(() => okBody(res(status, ''), 'c.x', 'F.'))).toMatchObject({ code: 'c.x', message: `F. (${status})` });
    const e = thrown(() => okBody(res(404, apiError('No such user')), 'finesse.user.failed', 'Finesse did not return your user.'));
    expect(e).toMatchObject({ code: 'finesse.user.failed', message: 'Finesse did not return your user. (No such user)', action: 'retry' });
    expect(e.details).toEqual({ status: 404 });
  });

  it('without an ApiErrors body the status is named instead', () => {
    const e = responseError(res(500, '<html>oops</html>'), 'c.y', 'Nothing.');
    expect(e).toMatchObject({ code: 'c.y', message: 'Nothing. (500)', action: 'retry' });
    expect(e.details).toEqual({ status: 500 });
  });
});

describe('restError: 401 and 503 on every call (§4)', () => {
  it('a 401 on the first call of a Basic sign-in: the user ID or password was wrong, sign in again', () => {
    const e = restError(res(401, apiError('Unauthorized')), true);
    expect(e).toMatchObject({ code: 'finesse.sign-in.rejected', message: 'Finesse did not accept the user ID or password.', action: 'sign-in-again' });
    expect(e?.details).toEqual({ status: 401 });
  });

  it('a 401 later (or for a Bearer token): the sign-in is gone, with the server message when it gave one [FIN-11]', () => {
    const said = restError(res(401, apiError('Token expired')), false);
    expect(said).toMatchObject({ code: 'finesse.unauthorized', message: 'Finesse refused the request: Token expired', action: 'sign-in-again' });
    expect(said?.details).toEqual({ status: 401 });
    const silent = restError(res(401, ''), false);
    expect(silent).toMatchObject({ code: 'finesse.unauthorized', message: 'Finesse refused the sign-in.', action: 'sign-in-again' });
    expect(silent?.details).toEqual({ status: 401 });
  });

  it('a 503 is out of service (retry); any other status is no session error', () => {
    const e = restError(res(503, apiError('down')), false);
    expect(e).toMatchObject({ code: 'finesse.out-of-service', message: 'Finesse is out of service at the moment.', action: 'retry' });
    expect(e?.details).toEqual({ status: 503 });
    expect(restError(res(503), true)?.code).toBe('finesse.out-of-service');
    for (const status of [200, 202, 400, 403, 404, 500, 502]) expect(restError(res(status, apiError('x')), true)).toBeUndefined();
  });
});

describe('stateChangeError: a state-change PUT refused synchronously (§4)', () => {
  it('200, 202 and 204 are accepted', () => {
    for (const status of [200, 202, 204]) expect(stateChangeError(res(status, apiError('reasonCodeId is required')))).toBeUndefined();
  });

  it('a message about the reason code, in either wording and any case, asks for a reason', () => {
    for (const message of ['reasonCodeId is required', 'The state requires a valid reason code.', 'REASON  CODE missing', 'Reason\tCode']) {
      const e = stateChangeError(res(400, apiError(message)));
      expect(e, message).toMatchObject({ code: 'finesse.state.reason-required', message: 'Finesse needs a reason for this state.', action: 'none' });
      expect(e?.details).toEqual({ status: 400 });
    }
  });

  it('any other refusal is Finesse\'s own words, or the status when it said nothing', () => {
    const said = stateChangeError(res(400, apiError('Invalid state transition')));
    expect(said).toMatchObject({ code: 'finesse.state.rejected', message: 'Finesse refused the change: Invalid state transition', action: 'none' });
    expect(said?.details).toEqual({ status: 400 });
    expect(stateChangeError(res(400, apiError('reasons: code 5')))?.code).toBe('finesse.state.rejected');
    const silent = stateChangeError(res(500, ''));
    expect(silent).toMatchObject({ code: 'finesse.state.rejected', message: 'Finesse refused the change (500).', action: 'none' });
    expect(silent?.details).toEqual({ status: 500 });
    expect(stateChangeError(res(201))?.code).toBe('finesse.state.rejected');
  });
});

describe('restRequest: the request of every REST call (§4)', () => {
  it('a GET: Accept XML and the Authorization header, no body, no content type, no redirects [FIN-11]', () => {
    expect(restRequest('https://fin-a:8445', 'GET', '/finesse/api/User/1', 'Bearer tok', undefined, {})).toEqual({
      method: 'GET',
      url: 'https://fin-a:8445/finesse/api/User/1',
      headers: { Accept: 'application/xml', Authorization: 'Bearer tok' },
      followRedirects: false,
    });
    const get = restRequest('https://fin-a:8445', 'GET', '/p', 'Bearer tok', undefined, {});
    expect(['body', 'signal'].filter((k) => k in get)).toEqual([]);
  });

  it('a PUT with a body: XML content type; the request id and the signal when given [FIN-11]', () => {
    const signal = new AbortController().signal;
    expect(restRequest('https://fin-b', 'PUT', '/finesse/api/User/1', 'Basic abc', '<User/>', { requestId: 'r-1', signal })).toEqual({
      method: 'PUT',
      url: 'https://fin-b/finesse/api/User/1',
      headers: { Accept: 'application/xml', Authorization: 'Basic abc', 'Content-Type': 'application/xml', requestId: 'r-1' },
      body: '<User/>',
      followRedirects: false,
      signal,
    });
    const empty = restRequest('https://fin-b', 'POST', '/p', 'Basic abc', '', { requestId: '' });
    expect(empty.body).toBe('');
    expect(empty.headers).toEqual({ Accept: 'application/xml', Authorization: 'Basic abc', 'Content-Type': 'application/xml' });
    expect('signal' in empty).toBe(false);
  });
});
