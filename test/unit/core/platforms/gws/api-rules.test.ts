// GWS REST calls (protocols/gws.md §1–2, issue 11): statusCode envelopes → typed errors with the
// server's message, the CSRF pair read from GETs and sent on unsafe requests only, one re-read and
// retry on a CSRF rejection, redirects never followed with credentials. Each branch of api.ts pinned
// so a changed rule fails here (issue 9 mutation testing, helper MUT-GWS2).
import { describe, expect, it } from 'vitest';
import { nullLogger } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import { csrfError, GwsApi, statusError, type ApiResult } from '../../../../../main/core/platforms/gws/api.ts';
import { response, type Reply } from './fake-gws.ts';

/** An HttpSession stand-in answering from a script, recording every request as sent. */
function scripted(...replies: (Reply | ((req: HttpRequest) => HttpResponse))[]) {
  const sent: HttpRequest[] = [];
  const http = {
    request: async (req: HttpRequest) => {
      sent.push(req);
      const next = replies.shift() ?? { status: 200, json: { statusCode: 0 } };
      return typeof next === 'function' ? next(req) : response(String(req.url), next);
    },
  } as unknown as HttpSession;
  return { http, sent };
}

const CSRF = { 'x-csrf-header': 'X-CSRF-TOKEN', 'x-csrf-token': 'tok-1' };
const REJECTED: Reply = { status: 403, json: { statusCode: 3, statusMessage: 'Missing or invalid Csrf token' } };

function raw(status: number, body: Uint8Array | string, headers: Record<string, string> = {}): HttpResponse {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const text = new TextDecoder().decode(bytes);
  return {
    status,
    headers,
    setCookie: [],
    url: 'https://gws.example.com/api/v2/me',
    chain: [],
    body: bytes,
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}

describe('statusError: every statusCode a typed error with the server message (protocols/gws.md §2)', () => {
  it('names each statusCode 1–20 and keeps the HTTP status and statusCode in the details', () => {
    const names: Record<number, string> = {
      1: 'missing-parameter', 2: 'invalid-state', 3: 'forbidden', 4: 'internal-error', 5: 'no-permission', 6: 'not-found',
      7: 'partial-success', 8: 'password-change-required', 9: 'processing-incomplete', 10: 'validation-error', 11: 'read-only',
      12: 'retrieve-failed', 13: 'create-failed', 14: 'delete-failed', 15: 'update-failed', 16: 'assign-failed',
      17: 'unassign-failed', 18: 'exists', 19: 'in-use', 20: 'not-authenticated',
    };
    for (const [code, name] of Object.entries(names)) {
      const error = statusError({ statusCode: Number(code) }, 400, 'Doing it');
      expect(error.code, code).toBe(`gws.status.${name}`);
      expect(error.details).toEqual({ httpStatus: 400, statusCode: Number(code) });
    }
    expect(statusError({ statusCode: 42 }, 400, 'Doing it').code).toBe('gws.status.status-42');
    const noEnvelope = statusError(undefined, 404, 'Doing it');
    expect(noEnvelope.code).toBe('gws.status.http-404');
    expect(noEnvelope.details).toStrictEqual({ httpStatus: 404 });
  });

  it('the action: sign in again for 20 and 8, retry for 4, 9 and any 5xx, none for 2, else contact IT', () => {
    const action = (code: number | undefined, http = 400) => statusError(code === undefined ? undefined : { statusCode: code }, http, 'x').action;
    expect(action(20)).toBe('sign-in-again');
    expect(action(8)).toBe('sign-in-again');
    expect(action(20, 500)).toBe('sign-in-again');
    expect(action(4)).toBe('retry');
    expect(action(9)).toBe('retry');
    expect(action(undefined, 500)).toBe('retry');
    expect(action(undefined, 503)).toBe('retry');
    expect(action(3, 500)).toBe('retry');
    expect(action(undefined, 499)).toBe('contact-it');
    expect(action(2)).toBe('none');
    expect(action(2, 500)).toBe('retry');
    for (const code of [1, 3, 5, 6, 7, 10, 11, 12, 19]) expect(action(code), String(code)).toBe('contact-it');
  });

  it('the message: the server statusMessage (trimmed) after what failed, else the statusCode or HTTP status', () => {
    expect(statusError({ statusCode: 6, statusMessage: '  No such place  ' }, 400, 'Starting').message).toBe('Starting: No such place');
    expect(statusError({ statusCode: 6, statusMessage: '   ' }, 400, 'Starting').message).toBe('Starting: the server answered statusCode 6.');
    expect(statusError({ statusCode: 6 }, 400, 'Starting').message).toBe('Starting: the server answered statusCode 6.');
    expect(statusError(undefined, 502, 'Starting').message).toBe('Starting: the server answered HTTP 502.');
  });

  it('a CSRF token refused twice: sign in again, with the server wording', () => {
    const error = csrfError();
    expect(error.code).toBe('gws.csrf.rejected');
    expect(error.action).toBe('sign-in-again');
    expect(error.message).toBe('The server refused the request: Missing or invalid Csrf token (it was read again once and still refused).');
  });
});

describe('GwsApi.raw (protocols/gws.md §1: the CSRF pair; DESIGN.md net/: no credential redirects)', () => {
  it('a GET: JSON accepted, no CSRF header, no redirect followed, the pair it answers kept', async () => {
    const { http, sent } = scripted({ status: 200, json: { statusCode: 0 }, headers: CSRF });
    const api = new GwsApi(http, 'https://gws.example.com///', nullLogger);
    expect(api.base).toBe('https://gws.example.com');
    expect(api.url('/api/v2/me')).toBe('https://gws.example.com/api/v2/me');
    const result = await api.raw('get', '/api/v2/me');
    expect(sent[0]).toEqual({ method: 'GET', url: 'https://gws.example.com/api/v2/me', headers: { accept: 'application/json' }, followRedirects: false, sensitiveHeaders: [] });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ statusCode: 0 });
    expect(result.envelope).toEqual({ statusCode: 0 });
    expect(api.csrf).toEqual({ header: 'X-CSRF-TOKEN', token: 'tok-1' });
    expect(api.requests).toBe(1);
  });

  it('an unsafe request (any case) carries the current pair, named as sensitive for redirects; caller headers and the JSON body go through', async () => {
    const { http, sent } = scripted({ status: 200, json: { statusCode: 0 }, headers: CSRF }, { status: 200, json: { statusCode: 0 } }, { status: 200, json: { statusCode: 0 } });
    const api = new GwsApi(http, 'https://gws.example.com', nullLogger);
    await api.raw('GET', '/api/v2/me', { headers: { authorization: 'Basic x' } });
    expect(sent[0]!.headers).toEqual({ accept: 'application/json', authorization: 'Basic x' });
    const signal = new AbortController().signal;
    await api.raw('post', '/api/v2/me', { json: { operationName: 'Ready' }, signal });
    expect(sent[1]).toEqual({
      method: 'POST',
      url: 'https://gws.example.com/api/v2/me',
      headers: { accept: 'application/json', 'X-CSRF-TOKEN': 'tok-1' },
      json: { operationName: 'Ready' },
      followRedirects: false,
      sensitiveHeaders: ['X-CSRF-TOKEN'],
      signal,
    });
    // A GET after the pair is known still sends no token, but names the header as sensitive.
    await api.raw('GET', '/api/v2/me/channels');
    expect(sent[2]!.headers).toEqual({ accept: 'application/json' });
    expect(sent[2]!.sensitiveHeaders).toEqual(['X-CSRF-TOKEN']);
    expect(sent[2]).not.toHaveProperty('json');
    expect(api.requests).toBe(3);
  });

  it('keeps the old pair when an answer has none, and takes a new one when it comes', async () => {
    const { http } = scripted({ status: 200, json: { statusCode: 0 }, headers: CSRF }, { status: 200, json: { statusCode: 0 } }, { status: 200, json: { statusCode: 0 }, headers: { 'x-csrf-token': 'tok-2' } });
    const api = new GwsApi(http, 'https://gws.example.com', nullLogger);
    await api.raw('GET', '/a');
    await api.raw('GET', '/b');
    expect(api.csrf?.token).toBe('tok-1');
    await api.raw('GET', '/c');
    expect(api.csrf?.token).toBe('tok-2');
  });

  it('an empty body or one that is not JSON gives no json and no envelope, never an exception', async () => {
    const { http } = scripted(() => raw(204, new Uint8Array(0)), () => raw(200, '<html>sign in</html>'), () => raw(200, '{"user":{}}'));
    const api = new GwsApi(http, 'https://gws.example.com', nullLogger);
    const empty = await api.raw('GET', '/a');
    expect(empty).toMatchObject({ status: 204, json: undefined, envelope: undefined });
    const html = await api.raw('GET', '/b');
    expect(html).toMatchObject({ status: 200, json: undefined, envelope: undefined });
    const noEnvelope = await api.raw('GET', '/c');
    expect(noEnvelope.json).toEqual({ user: {} });
    expect(noEnvelope.envelope).toBeUndefined();
  });
});

describe('GwsApi.send: one CSRF re-read and retry (protocols/gws.md §1, issue 11)', () => {
  it('a CSRF rejection re-reads the pair with GET /api/v2/me and retries once with the new token', async () => {
    const { http, sent } = scripted(REJECTED, { status: 200, json: { statusCode: 0 }, headers: { ...CSRF, 'x-csrf-token': 'fresh' } }, { status: 200, json: { statusCode: 0 } });
    const api = new GwsApi(http, 'https://gws.example.com', nullLogger);
    const signal = new AbortController().signal;
    const result = await api.send('POST', '/api/v2/me/channels/voice', { operationName: 'Ready' }, signal);
    expect(result.status).toBe(200);
    expect(sent.map((r) => `${r.method} ${String(r.url)}`)).toEqual([
      'POST https://gws.example.com/api/v2/me/channels/voice',
      'GET https://gws.example.com/api/v2/me',
      'POST https://gws.example.com/api/v2/me/channels/voice',
    ]);
    expect(sent.every((r) => r.signal === signal)).toBe(true);
    expect(sent[2]!.headers).toMatchObject({ 'X-CSRF-TOKEN': 'fresh' });
    expect(sent[2]!.json).toEqual({ operationName: 'Ready' });
  });

  it('a second rejection is gws.csrf.rejected; a 403 that is not about CSRF is returned as is, without a retry', async () => {
    const twice = scripted(REJECTED, { status: 200, json: { statusCode: 0 } }, REJECTED);
    const api = new GwsApi(twice.http, 'https://gws.example.com', nullLogger);
    await expect(api.send('POST', '/x', {})).rejects.toMatchObject({ code: 'gws.csrf.rejected' });
    expect(twice.sent).toHaveLength(3);
    expect(twice.sent.every((r) => r.signal === undefined)).toBe(true);

    const other = scripted({ status: 403, json: { statusCode: 3, statusMessage: 'Forbidden' } });
    const result = await new GwsApi(other.http, 'https://gws.example.com', nullLogger).send('POST', '/x', {});
    expect(result.status).toBe(403);
    expect(other.sent).toHaveLength(1);
  });
});

describe('GwsApi.expectOk: only a 2xx with statusCode 0 (or an accepted one) passes', () => {
  const r = (status: number, json: unknown): ApiResult => ({ status, json, envelope: json as ApiResult['envelope'], response: undefined as never });
  it('passes 200–299 with statusCode 0 and accepted codes; refuses the rest with the server message', () => {
    for (const status of [200, 201, 299]) expect(GwsApi.expectOk(r(status, { statusCode: 0 }), 'x').status).toBe(status);
    expect(GwsApi.expectOk(r(200, { statusCode: 7 }), 'x', [7]).status).toBe(200);
    for (const status of [199, 300, 400]) expect(() => GwsApi.expectOk(r(status, { statusCode: 0 }), 'x'), String(status)).toThrow(/x: the server answered statusCode 0/);
    expect(() => GwsApi.expectOk(r(200, { statusCode: 7, statusMessage: 'half' }), 'Starting')).toThrow('Starting: half');
    expect(() => GwsApi.expectOk(r(200, undefined), 'x', [0])).toThrow('x: the server answered HTTP 200.');
  });
});
