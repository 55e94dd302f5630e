// The ICWS connection steps of main/core/platforms/icws/connect.ts, one rule at a time, on a stub
// transport that records every request (issue 9: kill the survivors of the narrowed mutation run;
// docs/mutation.md "ICWS"). The same steps run over real sockets in test/integration/icws/.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { nullLogger } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import {
  alternateBases,
  attemptOnce,
  discardConnection,
  fetchCloudServers,
  hostToBase,
  MAX_HOSTS_PER_WALK,
  processConnection,
  profileBases,
  readConnectionState,
  readServerInfo,
  rebase,
  sessionRequest,
  walkHosts,
  type Connection,
  type ConnectContext,
} from '../../../../../main/core/platforms/icws/connect.ts';
import { response } from './stub-response.ts';

type Answer = HttpResponse | Error | ((req: HttpRequest) => HttpResponse);

/** A transport answering by `METHOD url-without-query` or by host name, recording every request. */
function stub(answers: Record<string, Answer | Answer[]>, cookie = '') {
  const requests: HttpRequest[] = [];
  const http = {
    request: async (req: HttpRequest) => {
      requests.push(req);
      const url = new URL(req.url);
      const key = [`${req.method ?? 'GET'} ${url.origin}${url.pathname}`, url.hostname].find((k) => k in answers);
      const entry = key === undefined ? undefined : answers[key];
      const answer = Array.isArray(entry) ? entry.shift() : entry;
      if (answer === undefined) return response(500);
      if (answer instanceof Error) throw answer;
      return typeof answer === 'function' ? answer(req) : answer;
    },
    cookieHeader: async () => cookie,
  } as unknown as HttpSession;
  const ctx: ConnectContext = { http, language: 'de-DE', log: nullLogger };
  return { ctx, requests };
}

const signal = () => new AbortController().signal;
const toBase = (current: string, host: string) => hostToBase(undefined, current, host);
const created = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  response(201, { csrfToken: 'csrf-body', sessionId: '111', alternateHostList: ['b'], userID: 'agent1', userDisplayName: 'Ada', features: [{ featureId: 'messaging', version: 2 }], ...body }, headers);
const connection: Connection = { base: 'https://a:8019', sessionId: '42', csrfToken: 'csrf-42', userId: 'agent1', alternateHosts: [], messagingVersion: 2 };

describe('ICWS connection request [ICWS-01, ICWS-02]', () => {
  it('posts the settings to /icws/connection with the fixed language, ICWS media types, no redirects, marked as credentials [ICWS-01]', async () => {
    const { ctx, requests } = stub({ a: created() }, 'icws_111=x');
    await walkHosts(ctx, ['https://a:8019'], '{"settings":1}', 'agent1', signal(), toBase);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: 'https://a:8019/icws/connection?include=version,features',
      headers: { 'Accept-Language': 'de-DE', 'Content-Type': 'application/vnd.inin.icws+JSON; charset=utf-8', Accept: 'application/vnd.inin.icws+JSON, application/json' },
      body: '{"settings":1}',
      credentials: true,
      followRedirects: false,
    });
    const controller = new AbortController();
    await walkHosts(ctx, ['https://a:8019'], '{}', 'agent1', controller.signal, toBase).catch(() => undefined);
    expect(requests.at(-1)!.signal).toBe(controller.signal);
  });
});

describe('ICWS authenticated call [ICWS-04]', () => {
  it('puts the session id in the URI and the CSRF token in a sensitive header; JSON only with a body [ICWS-04]', async () => {
    const { ctx, requests } = stub({ a: response(200) });
    await sessionRequest(ctx, connection, 'PUT', '/status/user-statuses/agent1', { statusId: 'Available' });
    await sessionRequest(ctx, connection, 'GET', '/messaging/messages');
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      url: 'https://a:8019/icws/42/status/user-statuses/agent1',
      headers: { 'Accept-Language': 'de-DE', Accept: 'application/vnd.inin.icws+JSON, application/json', 'ININ-ICWS-CSRF-Token': 'csrf-42', 'Content-Type': 'application/vnd.inin.icws+JSON; charset=utf-8' },
      body: '{"statusId":"Available"}',
      sensitiveHeaders: ['ININ-ICWS-CSRF-Token'],
      followRedirects: false,
    });
    expect(requests[1]!.headers).not.toHaveProperty('Content-Type');
    expect(requests[1]).not.toHaveProperty('body');
    expect(requests[1]).not.toHaveProperty('signal');
    const controller = new AbortController();
    await sessionRequest(ctx, connection, 'GET', '/x', undefined, controller.signal);
    expect(requests[2]!.signal).toBe(controller.signal);
  });

  it('trims trailing slashes of profile servers', () => {
    expect(profileBases(['https://a:8019/', 'https://b:8019//', 'https://c:8019'])).toEqual(['https://a:8019', 'https://b:8019', 'https://c:8019']);
  });
});

describe('ICWS 201 processing [ICWS-03, ICWS-05]', () => {
  it('takes session id and CSRF token from the headers first, keeps the alternate host list and the user [ICWS-03, ICWS-05]', async () => {
    const { ctx } = stub({}, 'icws_777=v');
    const res = created({}, { 'inin-icws-session-id': '777', 'inin-icws-csrf-token': 'csrf-header' });
    expect(await processConnection(ctx, 'https://a:8019', res, 'fallback-user')).toEqual({
      base: 'https://a:8019',
      sessionId: '777',
      csrfToken: 'csrf-header',
      userId: 'agent1',
      alternateHosts: ['b'],
      messagingVersion: 2,
      userDisplayName: 'Ada',
    });
  });

  it('falls back to the body values and to the typed user name [ICWS-03]', async () => {
    const { ctx } = stub({}, 'other=1; icws_111=v');
    const c = await processConnection(ctx, 'https://a:8019', created({ userID: undefined }), 'typed-user');
    expect(c).toMatchObject({ sessionId: '111', csrfToken: 'csrf-body', userId: 'typed-user' });
  });

  it('asks the session cookie for the session path, and refuses a 201 without it [ICWS-03, ICWS-04]', async () => {
    let asked = '';
    const { ctx } = stub({});
    (ctx.http as unknown as { cookieHeader: (u: string) => Promise<string> }).cookieHeader = async (u) => ((asked = u), 'icws_999=v');
    const error = (await processConnection(ctx, 'https://a:8019', created(), 'u').catch((e: unknown) => e)) as PatchbayError;
    expect(asked).toBe('https://a:8019/icws/111/connection');
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error).toMatchObject({ code: 'icws.connect.no-cookie', message: 'The server did not set a session cookie.', action: 'contact-it' });
  });

  it('refuses an incomplete 201 with a typed error [ICWS-03]', async () => {
    const { ctx } = stub({}, 'icws_111=v');
    const emptyHeaders = created({}, { 'inin-icws-session-id': '', 'inin-icws-csrf-token': '' });
    const emptySessionId = created({}, { 'inin-icws-session-id': '' });
    const emptyCsrf = created({}, { 'inin-icws-csrf-token': '' });
    for (const bad of [response(201, { sessionId: '111' }), response(201, 'not json'), response(201, { csrfToken: 'c' }), emptyHeaders, emptySessionId, emptyCsrf]) {
      const error = (await processConnection(ctx, 'https://a:8019', bad, 'u').catch((e: unknown) => e)) as PatchbayError;
      expect(error).toMatchObject({ code: 'icws.connect.bad-response', message: 'The server accepted the sign-in but its answer was incomplete.', action: 'contact-it', details: { status: 201 } });
    }
  });

  it('reads the messaging version from GET features when the 201 has none (SSE needs 2) [ICWS-15]', async () => {
    const { ctx, requests } = stub({ 'GET https://a:8019/icws/connection/features': response(200, { featureInfoList: [{ featureId: 'other', version: 9 }, { featureId: 'messaging', version: 1 }] }) }, 'icws_111=v');
    const c = await processConnection(ctx, 'https://a:8019', created({ features: undefined }), 'u');
    expect(c.messagingVersion).toBe(1);
    expect(requests.at(-1)).toMatchObject({ url: 'https://a:8019/icws/connection/features', headers: { 'Accept-Language': 'de-DE', Accept: 'application/vnd.inin.icws+JSON, application/json' } });
    const other = stub({ 'GET https://a:8019/icws/connection/features': response(200, { nothing: true }) }, 'icws_111=v');
    expect((await processConnection(other.ctx, 'https://a:8019', created({ features: [{ featureId: 'x', version: 3 }] }), 'u')).messagingVersion).toBeUndefined();
    expect(other.requests).toHaveLength(1);
    const none = stub({ 'GET https://a:8019/icws/connection/features': response(200, { featureInfoList: [{ featureId: 'other', version: 2 }] }) }, 'icws_111=v');
    expect((await processConnection(none.ctx, 'https://a:8019', created({ features: undefined }), 'u')).messagingVersion).toBeUndefined();
  });
});

describe('ICWS first connect host walk [ICWS-06, ICWS-26]', () => {
  it('moves on after a failed request, and stops at the first 201 [ICWS-06]', async () => {
    const { ctx, requests } = stub({ a: new Error('ECONNREFUSED'), b: created(), c: created() }, 'icws_111=v');
    const c = await walkHosts(ctx, ['https://a:8019', 'https://b:8019', 'https://c:8019'], '{}', 'u', signal(), toBase);
    expect(c.base).toBe('https://b:8019');
    expect(requests.map((r) => new URL(r.url).hostname)).toEqual(['a', 'b']);
  });

  it('gives the typed error of the last host when all fail; a network error becomes a PatchbayError', async () => {
    const { ctx } = stub({ a: new PatchbayError('net.unreachable', 'Cannot reach a.', { action: 'retry' }), b: new Error('boom') });
    const error = (await walkHosts(ctx, ['https://a:8019', 'https://b:8019'], '{}', 'u', signal(), toBase).catch((e: unknown) => e)) as PatchbayError;
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error.code).toBe('internal.unexpected');
  });

  it('rethrows when cancelled instead of trying the next host', async () => {
    const controller = new AbortController();
    const { ctx, requests } = stub({
      a: () => {
        controller.abort();
        throw new Error('aborted');
      },
      b: created(),
    });
    await expect(walkHosts(ctx, ['https://a:8019', 'https://b:8019'], '{}', 'u', controller.signal, toBase)).rejects.toThrow('aborted');
    expect(requests).toHaveLength(1);
  });

  it('stops at a 400, 401 or 403 with the server message, and tries no further host [ICWS-26]', async () => {
    for (const status of [400, 401, 403]) {
      const { ctx, requests } = stub({ a: response(status, { errorId: 'error.auth', message: 'The authentication process failed.' }), b: created() });
      const error = (await walkHosts(ctx, ['https://a:8019', 'https://b:8019'], '{}', 'u', signal(), toBase).catch((e: unknown) => e)) as PatchbayError;
      expect(error).toMatchObject({ code: 'icws.connect.rejected', message: 'The authentication process failed.', action: 'sign-in-again', details: { status, errorId: 'error.auth' } });
      expect(requests).toHaveLength(1);
    }
  });

  it('reports a 503 or any other status with the server message or a plain one, after trying every host [ICWS-06, ICWS-26]', async () => {
    const unavailable = stub({ a: response(503, { message: 'Switchover in progress.' }) });
    await expect(walkHosts(unavailable.ctx, ['https://a:8019'], '{}', 'u', signal(), toBase)).rejects.toMatchObject({ code: 'icws.connect.unavailable', message: 'Switchover in progress.', action: 'retry' });
    const plain503 = stub({ a: response(503) });
    await expect(walkHosts(plain503.ctx, ['https://a:8019'], '{}', 'u', signal(), toBase)).rejects.toMatchObject({ message: 'The server is not accepting connections.' });
    const other = stub({ a: response(502), b: response(500) });
    await expect(walkHosts(other.ctx, ['https://a:8019', 'https://b:8019'], '{}', 'u', signal(), toBase)).rejects.toMatchObject({ code: 'icws.connect.failed', message: 'The server answered 500.', action: 'retry' });
    expect(other.requests).toHaveLength(2);
  });

  it('adds only new 503 hosts, and walks at most MAX_HOSTS_PER_WALK hosts under a 503 storm [ICWS-06]', async () => {
    let n = 0;
    const { ctx, requests } = stub({ 'POST https://a:8019/icws/connection': response(503, { alternateHostList: ['a', 'b', 'b'] }) });
    await walkHosts(ctx, ['https://a:8019'], '{}', 'u', signal(), toBase).catch(() => undefined);
    expect(requests.map((r) => new URL(r.url).hostname)).toEqual(['a', 'b']);
    const storm = stub({});
    (storm.ctx.http as unknown as { request: () => Promise<HttpResponse> }).request = async () => response(503, { alternateHostList: [`h${++n}`] });
    await walkHosts(storm.ctx, ['https://a:8019'], '{}', 'u', signal(), toBase).catch(() => undefined);
    expect(n).toBe(MAX_HOSTS_PER_WALK);
  });

  it('says no server is configured for an empty list', async () => {
    const { ctx } = stub({});
    await expect(walkHosts(ctx, [], '{}', 'u', signal(), toBase)).rejects.toMatchObject({ code: 'icws.connect.no-server', message: 'No server is configured for this profile.', action: 'contact-it' });
  });

  it('a refusal without a server message still says what happened [ICWS-26]', async () => {
    const { ctx } = stub({ a: response(403) });
    await expect(walkHosts(ctx, ['https://a:8019'], '{}', 'u', signal(), toBase)).rejects.toMatchObject({ code: 'icws.connect.rejected', message: 'The server refused the sign-in.', action: 'sign-in-again' });
  });
});

describe('ICWS reconnect attempt [ICWS-21]', () => {
  it('a 201 is created with its connection; a broken 201 is a failed attempt (next host) [ICWS-21]', async () => {
    const ok = stub({ a: created() }, 'icws_111=v');
    expect(await attemptOnce(ok.ctx, 'https://a:8019', '{}', 'u', signal(), toBase)).toMatchObject({ outcome: { kind: 'created' }, connection: { base: 'https://a:8019', sessionId: '111' } });
    const broken = stub({ a: created() }, '');
    expect(await attemptOnce(broken.ctx, 'https://a:8019', '{}', 'u', signal(), toBase)).toEqual({ outcome: { kind: 'failed', status: 201 } });
  });

  it('a 400 without a message still stops, with a plain message; other statuses and failed requests go on [ICWS-21]', async () => {
    const bare = stub({ a: response(400) });
    expect((await attemptOnce(bare.ctx, 'https://a:8019', '{}', 'u', signal(), toBase)).outcome).toEqual({ kind: 'rejected', status: 400, message: 'The server refused the connection.' });
    const other = stub({ a: response(500, { message: 'x' }) });
    expect((await attemptOnce(other.ctx, 'https://a:8019', '{}', 'u', signal(), toBase)).outcome).toEqual({ kind: 'failed', status: 500 });
    const down = stub({ a: new Error('ECONNRESET') });
    expect((await attemptOnce(down.ctx, 'https://a:8019', '{}', 'u', signal(), toBase)).outcome).toEqual({ kind: 'failed' });
    const empty503 = stub({ a: response(503) });
    expect((await attemptOnce(empty503.ctx, 'https://a:8019', '{}', 'u', signal(), toBase)).outcome).toEqual({ kind: 'unavailable', alternateHosts: [] });
  });

  it('rethrows when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = stub({ a: new Error('aborted') });
    await expect(attemptOnce(ctx, 'https://a:8019', '{}', 'u', controller.signal, toBase)).rejects.toThrow('aborted');
  });
});

describe('ICWS connection state and sign-out [ICWS-17]', () => {
  it('reads reason and shouldReconnect from GET connection with the CSRF header [ICWS-17]', async () => {
    const { ctx, requests } = stub({ 'GET https://a:8019/icws/42/connection': response(200, { connectionState: 2, reason: 'Switchover.', shouldReconnect: true }) });
    expect(await readConnectionState(ctx, connection)).toEqual({ reason: 'Switchover.', shouldReconnect: true });
    expect(requests[0]).toMatchObject({ headers: { 'Accept-Language': 'de-DE', Accept: 'application/vnd.inin.icws+JSON, application/json', 'ININ-ICWS-CSRF-Token': 'csrf-42' }, followRedirects: false });
  });

  it('knows nothing when GET connection fails or answers otherwise [ICWS-17, ICWS-19]', async () => {
    for (const answer of [response(401, { connectionState: 2, reason: 'x', shouldReconnect: true }), response(200, 'junk'), new Error('down')]) {
      const { ctx } = stub({ 'GET https://a:8019/icws/42/connection': answer });
      expect(await readConnectionState(ctx, connection)).toEqual({});
    }
  });

  it('signs out with DELETE connection and the CSRF header; a failure is not thrown', async () => {
    const { ctx, requests } = stub({ 'DELETE https://a:8019/icws/42/connection': new Error('down') });
    await discardConnection(ctx, connection);
    expect(requests[0]).toMatchObject({ method: 'DELETE', url: 'https://a:8019/icws/42/connection', headers: { 'ININ-ICWS-CSRF-Token': 'csrf-42', 'Accept-Language': 'de-DE' }, followRedirects: false });
  });
});

describe('ICWS server-info [ICWS-08, ICWS-09]', () => {
  it('asks with both SAML capabilities and lists the identity providers; allowIcAuth as the server says [ICWS-08, ICWS-09]', async () => {
    const { ctx, requests } = stub({
      'GET https://a:8019/icws/connection/server-info': response(200, { authentication: { allowIcAuth: false, identityProviders: [{ identityProviderId: 'idp1', displayName: 'Corp' }, { identityProviderId: 'idp2' }] } }),
    });
    expect(await readServerInfo(ctx, 'https://a:8019')).toEqual({ allowIcAuth: false, identityProviders: [{ id: 'idp1', label: 'Corp' }, { id: 'idp2', label: 'idp2' }] });
    expect(requests[0]).toMatchObject({ url: 'https://a:8019/icws/connection/server-info?singleSignOnCapabilities=saml2Post,saml2Redirect', headers: { 'Accept-Language': 'de-DE' }, followRedirects: false });
  });

  it('defaults to icAuth allowed and no providers when the server says nothing or cannot be read [ICWS-09]', async () => {
    for (const answer of [response(200, {}), response(404, { authentication: { allowIcAuth: false } }), response(200, 'junk'), new Error('down')]) {
      const { ctx } = stub({ 'GET https://a:8019/icws/connection/server-info': answer });
      expect(await readServerInfo(ctx, 'https://a:8019')).toEqual({ allowIcAuth: true, identityProviders: [] });
    }
  });
});

describe('PureConnect Cloud servers.json [ICWS-24]', () => {
  const customUrl = 'https://cloud.example.com/customICWS';
  const serversJson = { servers: [{ host: 'ic2', order: 2 }, { host: 'ic1', order: 1, altHostHints: ['ic1b'] }], serviceURLTemplate: 'https://cloud.example.com/customICWS/api/{host}/' };

  it('fetches config/servers.json from the custom URL and builds the bases through the template [ICWS-24]', async () => {
    const { ctx, requests } = stub({ 'GET https://cloud.example.com/customICWS/config/servers.json': response(200, serversJson) });
    expect(await fetchCloudServers(ctx, customUrl)).toEqual({
      template: 'https://cloud.example.com/customICWS/api/{host}/',
      bases: ['https://cloud.example.com/customICWS/api/ic1', 'https://cloud.example.com/customICWS/api/ic1b', 'https://cloud.example.com/customICWS/api/ic2'],
    });
    expect(requests[0]).toMatchObject({ url: `${customUrl}/config/servers.json`, headers: { Accept: 'application/json' } });
    const controller = new AbortController();
    await fetchCloudServers(ctx, customUrl, controller.signal).catch(() => undefined);
    expect(requests[1]!.signal).toBe(controller.signal); // a cancelled sign-in stops the servers.json fetch too
  });

  it('refuses a missing, broken or foreign servers.json with a typed error [ICWS-24]', async () => {
    const foreign = { ...serversJson, serviceURLTemplate: 'https://elsewhere.example.net/api/{host}' };
    for (const answer of [response(404), response(200, 'junk'), response(200, foreign), response(500, serversJson)]) {
      const { ctx } = stub({ 'GET https://cloud.example.com/customICWS/config/servers.json': answer });
      await expect(fetchCloudServers(ctx, customUrl)).rejects.toMatchObject({
        code: 'icws.cloud.bad-servers-json',
        message: 'The PureConnect Cloud address did not give a usable server list (config/servers.json).',
        action: 'contact-it', details: { status: answer instanceof Error ? undefined : answer.status } });
    }
  });

  it('rebuilds a session base with a new template, keeping the host; other bases stay [ICWS-25]', () => {
    expect(rebase('https://c/x/api/ic1', 'https://c/x/api/{host}/', 'https://c/y/api/{host}/')).toBe('https://c/y/api/ic1');
    expect(rebase('https://ic1.c:8019', 'https://{host}.c:8019', 'https://{host}.d:8019')).toBe('https://ic1.d:8019');
    expect(rebase('https://c/x/api/ic1', 'https://c/x/api/{host}//', 'https://c/y/api/{host}')).toBe('https://c/y/api/ic1');
    expect(rebase('https://c/x/api/ic1//v', 'https://c/x/api/{host}//v/', 'https://c/y/api/{host}/v/')).toBe('https://c/y/api/ic1/v');
    expect(rebase('https://other/api/ic1', 'https://c/x/api/{host}/', 'https://c/y/api/{host}/')).toBe('https://other/api/ic1');
  });

  it('turns alternate host names into bases through the template, skipping what is not a host name [ICWS-24]', () => {
    expect(hostToBase('https://c/x/api/{host}/', 'https://c/x/api/ic1', 'ic2')).toBe('https://c/x/api/ic2');
    expect(hostToBase('https://c/x/api/{host}/', 'https://c/x/api/ic1', 'https://evil/')).toBeUndefined();
    expect(alternateBases(nullLogger, 'https://a:8019', ['b', 'b', 'x/y', 'c'], toBase)).toEqual(['https://b:8019', 'https://c:8019']);
  });
});
