// Genesys Cloud Platform API steps, one rule per case (protocols/genesys-cloud.md §2, §3; issue 9
// mutation work, MUT-GC2): the exact request each builder makes, the refusal policy (GC-09: a 401 is
// renewed once, a 429 waited out at most twice), each status's typed error, and the streaming-host
// trust check (credentials only to configured hosts).
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import {
  apiBaseOf,
  checkConnectUri,
  conversations,
  createChannel,
  deleteSubscriptions,
  getPresence,
  getRoutingStatus,
  isLoopback,
  MAX_RATE_LIMIT_RETRIES,
  MAX_RETRY_AFTER_MS,
  missingHttp,
  presenceDefinitions,
  putSubscriptions,
  readChannel,
  readConversations,
  readDefinitions,
  readPresence,
  readRoutingStatus,
  readUser,
  refusalStep,
  responseError,
  retryAfterMs,
  setPresence,
  setRoutingStatus,
  usersMe,
} from '../../../../../main/core/platforms/genesys-cloud/api.ts';

const res = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers, setCookie: [], url: '', chain: [], body: new Uint8Array(), text: () => text, json: () => JSON.parse(text) as unknown };
};
const req = setPresence('u', 'd');
const err = (details: Record<string, string | number | boolean | undefined> = {}) => new PatchbayError('x', 'x', { details });

describe('Genesys Cloud request builders (§2, §3)', () => {
  it('each request has its method, path under /api/v2 and the step name the agent reads', () => {
    expect(usersMe()).toEqual({ method: 'GET', path: '/api/v2/users/me?expand=presence,routingStatus', what: 'your user' });
    expect(presenceDefinitions()).toEqual({ method: 'GET', path: '/api/v2/presence/definitions?pageSize=100', what: 'the presence list' });
    expect(getPresence('u-1')).toEqual({ method: 'GET', path: '/api/v2/users/u-1/presences/purecloud', what: 'your presence' });
    expect(setPresence('u-1', 'def-onq')).toEqual({ method: 'PATCH', path: '/api/v2/users/u-1/presences/purecloud', json: { presenceDefinition: { id: 'def-onq' } }, what: 'the presence change' });
    expect(getRoutingStatus('u-1')).toEqual({ method: 'GET', path: '/api/v2/users/u-1/routingstatus', what: 'your routing status' });
    expect(setRoutingStatus('u-1', 'IDLE')).toEqual({ method: 'PUT', path: '/api/v2/users/u-1/routingstatus', json: { status: 'IDLE' }, what: 'the routing status change' });
    expect(conversations()).toEqual({ method: 'GET', path: '/api/v2/conversations', what: 'your conversations' });
    expect(createChannel()).toEqual({ method: 'POST', path: '/api/v2/notifications/channels', what: 'a notification channel' });
    expect(putSubscriptions('ch-1', ['a', 'b'])).toEqual({ method: 'PUT', path: '/api/v2/notifications/channels/ch-1/subscriptions', json: [{ id: 'a' }, { id: 'b' }], what: 'the notification topics' });
    expect(deleteSubscriptions('ch-1')).toEqual({ method: 'DELETE', path: '/api/v2/notifications/channels/ch-1/subscriptions', what: 'the old notification topics' });
  });

  it('ids are one encoded path segment each (a server-sent id cannot walk the path)', () => {
    expect(getPresence('a/../b?x').path).toBe('/api/v2/users/a%2F..%2Fb%3Fx/presences/purecloud');
    expect(setPresence('a b', 'd').path).toBe('/api/v2/users/a%20b/presences/purecloud');
    expect(getRoutingStatus('a/b').path).toBe('/api/v2/users/a%2Fb/routingstatus');
    expect(setRoutingStatus('a/b', 'IDLE').path).toBe('/api/v2/users/a%2Fb/routingstatus');
    expect(putSubscriptions('c/d', []).path).toBe('/api/v2/notifications/channels/c%2Fd/subscriptions');
    expect(deleteSubscriptions('c/d').path).toBe('/api/v2/notifications/channels/c%2Fd/subscriptions');
  });
});

describe('Genesys Cloud refusal policy', () => {
  it('GC-09: a 401 renews once; a second 401 after renewing is the sign-in lost', () => {
    expect(refusalStep(401, err(), { renewed: false, rateLimited: 0 })).toEqual({ kind: 'renew' });
    expect(refusalStep(401, err(), { renewed: true, rateLimited: 0 })).toEqual({ kind: 'fail', authLost: true });
  });

  it('a 429 waits its Retry-After (1 s when absent, at most 60 s), at most twice; other statuses fail without auth lost', () => {
    expect(MAX_RATE_LIMIT_RETRIES).toBe(2);
    expect(MAX_RETRY_AFTER_MS).toBe(60_000);
    expect(refusalStep(429, err({ retryAfterMs: 2_500 }), { renewed: false, rateLimited: 0 })).toEqual({ kind: 'wait', ms: 2_500 });
    expect(refusalStep(429, err(), { renewed: false, rateLimited: 1 })).toEqual({ kind: 'wait', ms: 1_000 });
    expect(refusalStep(429, err({ retryAfterMs: '5' }), { renewed: false, rateLimited: 0 })).toEqual({ kind: 'wait', ms: 1_000 });
    expect(refusalStep(429, err({ retryAfterMs: 600_000 }), { renewed: false, rateLimited: 0 })).toEqual({ kind: 'wait', ms: 60_000 });
    expect(refusalStep(429, err({ retryAfterMs: 1 }), { renewed: false, rateLimited: 2 })).toEqual({ kind: 'fail', authLost: false });
    expect(refusalStep(403, err(), { renewed: false, rateLimited: 0 })).toEqual({ kind: 'fail', authLost: false });
    expect(refusalStep(500, err(), { renewed: true, rateLimited: 0 })).toEqual({ kind: 'fail', authLost: false });
  });

  it('Retry-After: digits are seconds, a date is the time left (never negative), anything else is unsaid', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfterMs(' 7 ', now)).toBe(7_000);
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    // Not delta-seconds: read as a date (V8 is lenient), which lies in the past → no wait.
    expect(retryAfterMs('1.5', now)).toBe(0);
    expect(retryAfterMs('7s', now)).toBeUndefined();
    expect(retryAfterMs('x7', now)).toBeUndefined();
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 50_000)).toBe(0);
  });
});

describe('Genesys Cloud error statuses', () => {
  it('GC-09: a 401 naming the idle timeout (in message or code) says so; a plain 401 asks for a new sign-in', () => {
    const idle = responseError(res(401, { message: 'Token IDLE too long' }), req, 0);
    expect(idle).toMatchObject({ code: 'genesys-cloud.token.idle', action: 'sign-in-again', details: { status: 401, step: 'the presence change' } });
    expect(idle.message).toBe('Genesys Cloud ended your sign-in because it was idle longer than your organisation allows. Sign in again.');
    expect(responseError(res(401, { code: 'token.idle.timeout' }), req, 0).code).toBe('genesys-cloud.token.idle');
    const plain = responseError(res(401, { message: 'bad token', code: 'bad.credentials' }), req, 0);
    expect(plain).toMatchObject({ code: 'genesys-cloud.unauthorized', action: 'sign-in-again', details: { status: 401, step: 'the presence change', serverCode: 'bad.credentials' } });
    expect(plain.message).toBe('Genesys Cloud no longer accepts your sign-in. Sign in again.');
  });

  it('GC-02: a 403 naming a scope (message or code) is a missing scope with the server\'s words; others are forbidden', () => {
    const scope = responseError(res(403, { message: 'Missing  the\n SCOPE presence' }), req, 0);
    expect(scope).toMatchObject({ code: 'genesys-cloud.scopes.missing', action: 'contact-it' });
    expect(scope.message).toBe('Genesys Cloud refused the presence change: Missing the SCOPE presence. Ask IT to add it to the OAuth client.');
    const byCode = responseError(res(403, { code: 'missing.scope' }), req, 0);
    expect(byCode.code).toBe('genesys-cloud.scopes.missing');
    expect(byCode.message).toBe('Genesys Cloud refused the presence change: a permission (OAuth scope) is missing. Ask IT to add it to the OAuth client.');
    const forbidden = responseError(res(403, { message: 'Not allowed' }), req, 0);
    expect(forbidden).toMatchObject({ code: 'genesys-cloud.forbidden', action: 'contact-it' });
    expect(forbidden.message).toBe('Genesys Cloud refused the presence change: Not allowed. Ask IT to check your permissions.');
    expect(responseError(res(403, 'not json'), req, 0).message).toBe('Genesys Cloud refused the presence change. Ask IT to check your permissions.');
  });

  it('429, 404, 5xx and the rest: their codes, retry action, the server message cut to one line of 200', () => {
    const limited = responseError(res(429, {}, { 'retry-after': '4' }), req, 0);
    expect(limited).toMatchObject({ code: 'genesys-cloud.rate-limited', action: 'retry', details: { status: 429, step: 'the presence change', retryAfterMs: 4_000 } });
    expect(limited.message).toBe('Genesys Cloud asked Patchbay to slow down. Trying again shortly.');
    expect('retryAfterMs' in responseError(res(429, {}), req, 0).details).toBe(false);
    const missing = responseError(res(404, {}), req, 0);
    expect(missing).toMatchObject({ code: 'genesys-cloud.not-found', action: 'retry' });
    expect(missing.message).toBe('Genesys Cloud could not find the presence change.');
    const server = responseError(res(500, {}), req, 0);
    expect(server).toMatchObject({ code: 'genesys-cloud.server-error', action: 'retry' });
    expect(server.message).toBe('Genesys Cloud had a problem with the presence change (500). Try again in a moment.');
    const other = responseError(res(499, { message: `a${'b'.repeat(300)}`, code: 'c'.repeat(100) }), req, 0);
    expect(other).toMatchObject({ code: 'genesys-cloud.request-failed', action: 'retry' });
    expect(other.message).toBe(`Genesys Cloud refused the presence change (499): a${'b'.repeat(199)}.`);
    expect(other.details.serverCode).toBe('c'.repeat(80));
    expect(responseError(res(400, {}), req, 0).message).toBe('Genesys Cloud refused the presence change (400).');
    expect('serverCode' in responseError(res(400, { message: 'm' }), req, 0).details).toBe(false);
    // A body that is not the error shape gives no server words.
    expect(responseError(res(400, { message: 5 }), req, 0).message).toBe('Genesys Cloud refused the presence change (400).');
    expect(responseError(res(400, { message: '' }), req, 0).message).toBe('Genesys Cloud refused the presence change (400).');
  });
});

describe('Genesys Cloud bodies', () => {
  it('deactivated presence definitions are not offered; conversations and channels come back as sent', () => {
    const defs = readDefinitions(res(200, { entities: [{ id: 'a', systemPresence: 'Available' }, { id: 'b', systemPresence: 'Meal', deactivated: true }, { id: 'c', systemPresence: 'Break', deactivated: false }] }));
    expect(defs.map((d) => d.id)).toEqual(['a', 'c']);
    expect(readConversations(res(200, { entities: [{ id: 'c1' }] }))).toEqual([{ id: 'c1', participants: [] }]);
    expect(readChannel(res(200, { id: 'ch', connectUri: 'wss://x/y' }))).toEqual({ id: 'ch', connectUri: 'wss://x/y' });
    const what = (read: (r: HttpResponse) => unknown) => {
      try {
        read(res(200, 'null'));
      } catch (error) {
        return (error as PatchbayError).details.what;
      }
      return undefined;
    };
    expect([readUser, readDefinitions, readPresence, readRoutingStatus, readConversations, readChannel].map(what)).toEqual([
      'your user',
      'the presence list',
      'your presence',
      'your routing status',
      'your conversations',
      'a notification channel',
    ]);
    expect(() => readChannel(res(200, { id: 'ch' }))).toThrow(expect.objectContaining({ code: 'genesys-cloud.bad-response', details: { what: 'a notification channel', fields: 'connectUri' } }));
  });
});

describe('Genesys Cloud streaming host (credentials only to configured hosts)', () => {
  const refused = (uri: string, api: string) => {
    try {
      checkConnectUri(uri, api);
    } catch (error) {
      return error as PatchbayError;
    }
    throw new Error(`accepted ${uri}`);
  };

  it('wss://streaming.<region> on the default port only; the refusal names the host, or says it was no URL', () => {
    const api = 'https://api.mypurecloud.ie';
    expect(checkConnectUri('wss://streaming.mypurecloud.ie:443/channels/x', api).href).toBe('wss://streaming.mypurecloud.ie/channels/x');
    const port = refused('wss://streaming.mypurecloud.ie:8443/c', api);
    expect(port).toMatchObject({ code: 'genesys-cloud.notifications.bad-uri', action: 'contact-it', details: { host: 'streaming.mypurecloud.ie:8443' } });
    expect(port.message).toBe('Genesys Cloud named a notification server Patchbay does not trust.');
    expect(refused('::', api).details).toEqual({ host: '(not a URL)' });
    expect(refused('wss://u@streaming.mypurecloud.ie/c', api).details).toEqual({ host: 'streaming.mypurecloud.ie' });
    expect(refused('wss://:p@streaming.mypurecloud.ie/c', api).code).toBe('genesys-cloud.notifications.bad-uri');
    // the region is the API host after its leading "api." only
    expect(checkConnectUri('wss://streaming.xapi.mypurecloud.ie/c', 'https://xapi.mypurecloud.ie').host).toBe('streaming.xapi.mypurecloud.ie');
    expect(checkConnectUri('wss://streaming.api.example.com/c', 'https://api.api.example.com').host).toBe('streaming.api.example.com');
    expect(refused('https://streaming.mypurecloud.ie/c', api).code).toBe('genesys-cloud.notifications.bad-uri');
  });

  it('a loopback (lab) API: ws or wss to the same host and port only, no user info', () => {
    expect(checkConnectUri('wss://127.0.0.1:4100/c', 'http://127.0.0.1:4100').protocol).toBe('wss:');
    expect(checkConnectUri('ws://localhost:4100/c', 'http://localhost:4100').host).toBe('localhost:4100');
    expect(checkConnectUri('ws://[::1]:4100/c', 'http://[::1]:4100').host).toBe('[::1]:4100');
    expect(refused('http://127.0.0.1:4100/c', 'http://127.0.0.1:4100').code).toBe('genesys-cloud.notifications.bad-uri');
    expect(refused('ws://127.0.0.2:4100/c', 'http://127.0.0.1:4100').code).toBe('genesys-cloud.notifications.bad-uri');
    expect(refused('ws://u:p@127.0.0.1:4100/c', 'http://127.0.0.1:4100').code).toBe('genesys-cloud.notifications.bad-uri');
    expect(refused('ws://streaming.127.0.0.1:4100/c', 'http://127.0.0.1:4100').code).toBe('genesys-cloud.notifications.bad-uri');
  });

  it('loopback is localhost, [::1] or a whole 127.x.y.z address', () => {
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.255.1.20')).toBe(true);
    expect(isLoopback('127.0.10.1')).toBe(true);
    expect(isLoopback('127.0.0.1.evil.com')).toBe(false);
    expect(isLoopback('x127.0.0.1')).toBe(false);
    expect(isLoopback('127.0.0')).toBe(false);
    expect(isLoopback('127.0.0.1234')).toBe(false);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isLoopback('localhost.evil.com')).toBe(false);
  });
});

describe('Genesys Cloud profile base', () => {
  it('the API base without trailing slashes; none is a profile fault; no HTTP session is an internal fault', () => {
    expect(apiBaseOf('https://api.mypurecloud.ie//')).toBe('https://api.mypurecloud.ie');
    expect(apiBaseOf('https://api.mypurecloud.ie/x/')).toBe('https://api.mypurecloud.ie/x');
    const none = (() => {
      try {
        apiBaseOf(undefined);
      } catch (error) {
        return error as PatchbayError;
      }
      return undefined;
    })();
    expect(none).toMatchObject({ code: 'genesys-cloud.profile.invalid', action: 'contact-it', message: 'This Genesys Cloud profile names no API address (https://api.<region>).' });
    expect(() => apiBaseOf('')).toThrow(PatchbayError);
    expect(() => missingHttp()).toThrow(expect.objectContaining({ code: 'internal.no-http', action: 'contact-it', message: 'No network session for this profile.' }));
  });
});
