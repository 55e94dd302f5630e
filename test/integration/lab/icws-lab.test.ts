// The ICWS lab's own behaviour over real sockets on 127.0.0.1.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLab, writeProfileFiles } from '../../../lab/index.ts';
import { startIcwsServer } from '../../../lab/icws/server.ts';
import type { IcwsLabServer } from '../../../lab/icws/server.ts';
import { IC_AUTH, auth, call, eventually, login, openStream, setCookieOf, sleep } from './icws-helpers.ts';
import type { SseStream } from './icws-helpers.ts';

const USER_STATUS_MESSAGE = 'urn:inin.com:status:userStatusMessage';
const CONNECTION_STATE_MESSAGE = 'urn:inin.com:connection:connectionStateChangeMessage';

interface UserStatusMessage {
  __type: string;
  isDelta: boolean;
  userStatusList: Array<Record<string, unknown>>;
}

const isUserStatus = (delta: boolean, statusId?: string) => (e: unknown) => {
  const m = e as UserStatusMessage;
  return m.__type === USER_STATUS_MESSAGE && m.isDelta === delta && (statusId === undefined || m.userStatusList.some((u) => u['statusId'] === statusId));
};

let server: IcwsLabServer;
let polling: IcwsLabServer;
const streams: SseStream[] = [];

beforeAll(async () => {
  server = await startIcwsServer({ messagingVersion: 2, ssePingIntervalMs: 50 });
  polling = await startIcwsServer({ messagingVersion: 1 });
});
afterAll(async () => {
  await server.close();
  await polling.close();
});
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
});

async function stream(target: IcwsLabServer, s: Awaited<ReturnType<typeof login>>, query = ''): Promise<SseStream> {
  const opened = await openStream(target, s, query);
  streams.push(opened);
  return opened;
}

describe('POST /icws/connection', () => {
  const body = { __type: IC_AUTH, applicationName: 'lab test', userID: 'agent1', password: 'agent1-lab-pw' };

  it('answers 400 with an error body when Accept-Language is missing [ICWS-01]', async () => {
    const res = await call(server.url, 'POST', '/icws/connection', { body });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ errorId: 'error.request.missingHeader', propertyName: 'Accept-Language' });
    expect(typeof (res.json as { message: unknown }).message).toBe('string');
  });

  it('answers 400 when Accept-Language is the wildcard fetch adds by itself [ICWS-01]', async () => {
    const res = await call(server.url, 'POST', '/icws/connection', { headers: { 'accept-language': '*' }, body });
    expect(res.status).toBe(400);
    expect((res.json as { errorId: string }).errorId).toBe('error.request.missingHeader');
  });

  it('answers the exact authenticationFailure body when the password is wrong', async () => {
    const res = await call(server.url, 'POST', '/icws/connection', {
      headers: { 'accept-language': 'en-US' },
      body: { ...body, password: 'wrong' },
    });
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      '{"errorId":"error.request.connection.authenticationFailure","errorCode":-2147221503,"message":"The authentication process failed."}',
    );
  });

  it('answers the same authenticationFailure for an unknown user', async () => {
    const res = await call(server.url, 'POST', '/icws/connection', {
      headers: { 'accept-language': 'en-US' },
      body: { ...body, userID: 'nobody' },
    });
    expect(res.status).toBe(400);
    expect((res.json as { errorId: string }).errorId).toBe('error.request.connection.authenticationFailure');
  });

  it('answers 201 with the session headers, cookie attributes and body [ICWS-03]', async () => {
    const s = await login(server, 'agent1', 'agent1-lab-pw', 'en-US');
    const { response } = s;
    expect(response.status).toBe(201);
    expect(s.sessionId).toMatch(/^\d+$/);
    expect(response.headers['inin-icws-session-id']).toBe(s.sessionId);
    expect(response.headers['inin-icws-csrf-token']).toBe(s.csrfToken);
    expect(s.csrfToken).toMatch(/^[A-Za-z0-9+/=_-]{16,}$/);
    expect(response.headers['location']).toBe(`/icws/${s.sessionId}/connection`);
    expect(String(response.headers['content-type']).toLowerCase()).toContain('application/vnd.inin.icws+json');
    const setCookie = setCookieOf(response);
    expect(setCookie).toMatch(new RegExp(`^icws_${s.sessionId}=[0-9a-f-]{36}\\|languageId=en-us;`));
    const attributes = setCookie.split(';').slice(1).map((a) => a.trim());
    expect(attributes).toContain(`Path=/icws/${s.sessionId}`);
    expect(attributes).toContain('HttpOnly');
    const json = response.json as Record<string, unknown>;
    expect(json).toMatchObject({ csrfToken: s.csrfToken, sessionId: s.sessionId, userID: 'agent1', userDisplayName: 'Ada Agent' });
    expect(Array.isArray(json['alternateHostList'])).toBe(true);
    expect(typeof json['icServer']).toBe('string');
    expect(json).not.toHaveProperty('version');
    expect(json).not.toHaveProperty('features');
  });

  it('adds version and features only when include asks for them', async () => {
    const s = await login(server, 'agent2', undefined, 'en-US', '?include=version,features');
    const json = s.response.json as { version: { majorVersion: number }; features: Array<{ featureId: string; version: number }> };
    expect(typeof json.version.majorVersion).toBe('number');
    expect(json.features).toContainEqual({ featureId: 'messaging', version: 2 });
  });

  it('accepts application/json bodies in any letter case', async () => {
    const res = await call(server.url, 'POST', '/icws/connection', {
      headers: { 'accept-language': 'en-us', 'content-type': 'Application/JSON' },
      body,
    });
    expect(res.status).toBe(201);
  });

  it('rejects a body that is not JSON-typed with 415', async () => {
    const res = await call(server.url, 'POST', '/icws/connection', {
      headers: { 'accept-language': 'en-US', 'content-type': 'text/plain' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(415);
    expect((res.json as { errorId: string }).errorId).toBe('error.request.unsupportedMediaType');
  });

  it('rejects malformed JSON with 400 invalidRepresentation', async () => {
    const res = await call(server.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body: '{"__type": ' });
    expect(res.status).toBe(400);
    expect((res.json as { errorId: string }).errorId).toBe('error.request.invalidRepresentation');
  });

  it('rejects a body that is not exactly one known connection settings type [ICWS-02]', async () => {
    const wrongType = await call(server.url, 'POST', '/icws/connection', {
      headers: { 'accept-language': 'en-US' },
      body: { ...body, __type: 'urn:inin.com:connection:somethingElse' },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json).toMatchObject({ errorId: 'error.request.invalidRepresentation', propertyName: '__type' });
    const noType = await call(server.url, 'POST', '/icws/connection', {
      headers: { 'accept-language': 'en-US' },
      body: { applicationName: 'x', userID: 'agent1', password: 'agent1-lab-pw' },
    });
    expect(noType.status).toBe(400);
    expect(noType.json).toMatchObject({ propertyName: '__type' });
    const twoSettings = await call(server.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body: [body, body] });
    expect(twoSettings.status).toBe(400);
  });

  it('names the missing property in a 400', async () => {
    for (const name of ['applicationName', 'userID', 'password']) {
      const partial: Record<string, unknown> = { ...body };
      delete partial[name];
      const res = await call(server.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body: partial });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ errorId: 'error.request.invalidRepresentation.missingProperty', propertyName: name });
    }
  });

  it('answers 413 to an oversized body', async () => {
    const res = await call(server.url, 'POST', '/icws/connection', {
      headers: { 'accept-language': 'en-US' },
      body: { ...body, applicationName: 'x'.repeat(100 * 1024) },
    });
    expect(res.status).toBe(413);
    expect((res.json as { errorId: string }).errorId).toBe('error.request.entityTooLarge');
  });

  it('answers 503 with the alternate host list while not accepting connections [ICWS-06]', async () => {
    const lab = await startIcwsServer();
    try {
      lab.setAcceptingConnections(false, ['other-host']);
      const res = await call(lab.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body });
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ alternateHostList: ['other-host'], errorId: 'error.server.notAcceptingConnections' });
      lab.setAcceptingConnections(true);
      expect((await call(lab.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body })).status).toBe(201);
    } finally {
      await lab.close();
    }
  });

  it('accepts an issued single sign-on token exactly once [ICWS-14]', async () => {
    const token = server.issueSsoToken('agent2');
    const sso = { __type: 'urn:inin.com:connection:singleSignOnTokenConnectionRequestSettings', applicationName: 'x', singleSignOnToken: token };
    const first = await call(server.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body: sso });
    expect(first.status).toBe(201);
    expect((first.json as { userID: string }).userID).toBe('agent2');
    const again = await call(server.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body: sso });
    expect(again.status).toBe(400);
    expect((again.json as { errorId: string }).errorId).toBe('error.request.connection.singleSignOn.failure');
  });

  it('connects with a unique auth token from another session once', async () => {
    const source = await login(server, 'agent1');
    const issued = await call(server.url, 'POST', `/icws/${source.sessionId}/connection/unique-auth-token`, {
      headers: auth(source),
      body: { authTokenSeed: 'seed-1' },
    });
    expect(issued.status).toBe(201);
    const settings = {
      __type: 'urn:inin.com:connection:authTokenConnectionRequestSettings',
      applicationName: 'x',
      authTokenSeed: 'seed-1',
      authToken: (issued.json as { authToken: string }).authToken,
      authTokenSourceSession: source.sessionId,
    };
    const ok = await call(server.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body: settings });
    expect(ok.status).toBe(201);
    expect((ok.json as { userID: string }).userID).toBe('agent1');
    const replay = await call(server.url, 'POST', '/icws/connection', { headers: { 'accept-language': 'en-US' }, body: settings });
    expect(replay.status).toBe(400);
  });
});

describe('connection information', () => {
  it('reports the messaging feature version of each server', async () => {
    const sse = await call(server.url, 'GET', '/icws/connection/features');
    expect(sse.json).toMatchObject({ featureInfoList: expect.arrayContaining([{ featureId: 'messaging', version: 2 }]) });
    const poll = await call(polling.url, 'GET', '/icws/connection/features');
    expect(poll.json).toMatchObject({ featureInfoList: expect.arrayContaining([{ featureId: 'messaging', version: 1 }]) });
    const version = await call(server.url, 'GET', '/icws/connection/version');
    expect(version.status).toBe(200);
    expect(version.json).toHaveProperty('productReleaseDisplayString');
  });

  it('lists identity providers only when singleSignOnCapabilities is given [ICWS-08]', async () => {
    const plain = await call(server.url, 'GET', '/icws/connection/server-info');
    expect(plain.json).toMatchObject({ authentication: { allowIcAuth: true, identityProviders: [] } });
    const withCaps = await call(server.url, 'GET', '/icws/connection/server-info?singleSignOnCapabilities=saml2Post,saml2Redirect');
    const providers = (withCaps.json as { authentication: { identityProviders: unknown[] } }).authentication.identityProviders;
    expect(providers.length).toBeGreaterThan(0);
    expect(providers[0]).toHaveProperty('identityProviderId');
    expect(providers[0]).toHaveProperty('displayName');
  });

  it('answers 404 with an error body for an unknown path', async () => {
    const res = await call(server.url, 'GET', '/icws/nothing/here');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ errorId: 'error.request.resourceNotFound' });
    expect(typeof (res.json as { message: unknown }).message).toBe('string');
  });
});

describe('authenticated calls [ICWS-04]', () => {
  it('answers 401 with the ICWS challenge when the cookie is missing', async () => {
    const s = await login(server);
    const res = await call(server.url, 'GET', `/icws/${s.sessionId}/status/status-messages`, {
      headers: { 'inin-icws-csrf-token': s.csrfToken, 'accept-language': 'en-US' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('ICWS realm="ICWS" location="/ICWS/connection"');
    expect(res.json).toMatchObject({ errorId: 'error.request.unauthorized.session' });
  });

  it('answers 401 when the cookie value is wrong or the session unknown', async () => {
    const s = await login(server);
    const wrong = await call(server.url, 'GET', `/icws/${s.sessionId}/connection`, {
      headers: { cookie: `icws_${s.sessionId}=00000000-0000-0000-0000-000000000000|languageId=en-us`, 'inin-icws-csrf-token': s.csrfToken },
    });
    expect(wrong.status).toBe(401);
    const unknown = await call(server.url, 'GET', '/icws/11111111/connection', { headers: auth(s) });
    expect(unknown.status).toBe(401);
  });

  it('rejects a call without or with a wrong CSRF header', async () => {
    const s = await login(server);
    const missing = await call(server.url, 'GET', `/icws/${s.sessionId}/status/status-messages`, { headers: { cookie: s.cookie } });
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ errorId: 'error.request.unauthorized.csrfToken' });
    const wrong = await call(server.url, 'GET', `/icws/${s.sessionId}/status/status-messages`, {
      headers: { cookie: s.cookie, 'inin-icws-csrf-token': 'not-the-token' },
    });
    expect(wrong.status).toBe(401);
    const good = await call(server.url, 'GET', `/icws/${s.sessionId}/status/status-messages`, { headers: auth(s) });
    expect(good.status).toBe(200);
  });

  it('serves the messages endpoint with the cookie only, but refuses a wrong CSRF header there', async () => {
    const s = await login(server);
    const cookieOnly = await call(server.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: { cookie: s.cookie } });
    expect(cookieOnly.status).toBe(200);
    expect(cookieOnly.json).toEqual([]);
    const wrongCsrf = await call(server.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, {
      headers: { cookie: s.cookie, 'inin-icws-csrf-token': 'wrong' },
    });
    expect(wrongCsrf.status).toBe(401);
    const noCookie = await call(server.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: { 'inin-icws-csrf-token': s.csrfToken } });
    expect(noCookie.status).toBe(401);
  });

  it('records cookie and CSRF facts of each request in the request log', async () => {
    const s = await login(server);
    server.clearRequests();
    await call(server.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: auth(s) });
    await call(server.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: { cookie: s.cookie } });
    await call(server.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: { 'inin-icws-csrf-token': 'bad' } });
    expect(server.requests.map((r) => [r.status, r.hadCookie, r.cookieValid, r.hadCsrfHeader, r.csrfValid])).toEqual([
      [200, true, true, true, true],
      [401, true, true, false, false],
      [401, false, false, true, false],
    ]);
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: `/icws/${s.sessionId}/connection`, sessionId: s.sessionId, acceptLanguage: 'en-US' });
    const overHttp = await call(server.url, 'GET', '/lab/requests');
    expect((overHttp.json as unknown[]).length).toBe(3);
    expect(JSON.stringify(overHttp.json)).not.toContain(s.csrfToken);
    expect((await call(server.url, 'POST', '/lab/requests/clear')).status).toBe(204);
    expect(server.requests).toHaveLength(0);
  });

  it('answers the heartbeat with 204 [ICWS-16]', async () => {
    const s = await login(server);
    const res = await call(server.url, 'POST', `/icws/${s.sessionId}/messaging/heartbeat`, { headers: auth(s) });
    expect(res.status).toBe(204);
    const noCsrf = await call(server.url, 'POST', `/icws/${s.sessionId}/messaging/heartbeat`, { headers: { cookie: s.cookie } });
    expect(noCsrf.status).toBe(401);
  });
});

describe('status', () => {
  it('lists status messages with every documented field', async () => {
    const s = await login(server);
    const res = await call(server.url, 'GET', `/icws/${s.sessionId}/status/status-messages`, { headers: auth(s) });
    const list = (res.json as { statusMessageList: Array<Record<string, unknown>> }).statusMessageList;
    const fields = ['statusId', 'messageText', 'iconUri', 'groupTag', 'canHaveDate', 'canHaveTime', 'isDoNotDisturbStatus', 'isSelectableStatus',
      'isPersistentStatus', 'isForwardStatus', 'isAfterCallWorkStatus', 'isAcdStatus', 'isAllowFollowUpStatus', 'systemId'];
    for (const item of list) for (const f of fields) expect(item).toHaveProperty(f);
    const ids = list.map((m) => m['statusId']);
    expect(ids).toEqual(expect.arrayContaining(['Available', 'Available, Follow-up', 'Away from desk', 'At Lunch', 'Do Not Disturb', 'In a Meeting', 'Follow Up', 'Gone Home']));
    expect(list.some((m) => m['isSelectableStatus'] === false)).toBe(true);
    expect(list.find((m) => m['statusId'] === 'Follow Up')).toMatchObject({ isAfterCallWorkStatus: true });
    const icon = await call(server.url, 'GET', String(list[0]!['iconUri']), { headers: auth(s) });
    expect(icon.status).toBe(200);
    expect(icon.text).toContain('<svg');
  });

  it('lists what agent1 may pick', async () => {
    const s = await login(server);
    const res = await call(server.url, 'GET', `/icws/${s.sessionId}/status/status-messages-user-access/agent1`, { headers: auth(s) });
    const access = res.json as { userId: string; statusMessages: string[] };
    expect(access.userId).toBe('agent1');
    expect(access.statusMessages).toEqual(expect.arrayContaining(['Available', 'Away from desk']));
    expect(access.statusMessages).not.toContain('Gone Home');
  });

  it('answers PUT user-statuses with 202 and a requestId, then reports the new status', async () => {
    const s = await login(server, 'supervisor1');
    const put = await call(server.url, 'PUT', `/icws/${s.sessionId}/status/user-statuses/supervisor1`, {
      headers: auth(s),
      body: { statusId: 'In a Meeting', notes: 'weekly' },
    });
    expect(put.status).toBe(202);
    expect(typeof (put.json as { requestId: unknown }).requestId).toBe('string');
    const get = await call(server.url, 'GET', `/icws/${s.sessionId}/status/user-statuses/supervisor1`, { headers: auth(s) });
    expect(get.json).toMatchObject({ userId: 'supervisor1', statusId: 'In a Meeting', notes: 'weekly', loggedIn: true, onPhone: false });
    const status = get.json as Record<string, unknown>;
    expect(status['statusChanged']).toMatch(/^\d{8}T\d{6}Z$/);
    for (const f of ['forwardNumber', 'stations', 'icServers']) expect(status).toHaveProperty(f);
  });

  it('refuses a status the user may not pick, an unknown one and a system one with 400', async () => {
    const s = await login(server);
    for (const [statusId, errorId] of [
      ['Gone Home', 'error.request.status.statusNotAllowed'],
      ['ACD - Agent Not Answering', 'error.request.status.statusNotAllowed'],
      ['No Such Status', 'error.request.status.invalidStatusId'],
    ] as const) {
      const res = await call(server.url, 'PUT', `/icws/${s.sessionId}/status/user-statuses/agent1`, { headers: auth(s), body: { statusId } });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ errorId, propertyName: 'statusId' });
    }
    const missing = await call(server.url, 'PUT', `/icws/${s.sessionId}/status/user-statuses/agent1`, { headers: auth(s), body: {} });
    expect(missing.status).toBe(400);
  });

  it('refuses to set another user status with 403', async () => {
    const s = await login(server, 'agent1');
    const res = await call(server.url, 'PUT', `/icws/${s.sessionId}/status/user-statuses/agent2`, { headers: auth(s), body: { statusId: 'Available' } });
    expect(res.status).toBe(403);
    expect((res.json as { errorId: string }).errorId).toBe('error.request.accessDenied');
  });
});

describe('messaging', () => {
  it('queues an isDelta:false message after a subscribe and drains it by short polling', async () => {
    const s = await login(polling, 'agent2');
    const sub = await call(polling.url, 'PUT', `/icws/${s.sessionId}/messaging/subscriptions/status/user-statuses`, {
      headers: auth(s),
      body: { userIds: ['agent1', 'agent2'] },
    });
    expect(sub.status).toBe(200);
    const first = await call(polling.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: auth(s) });
    const messages = first.json as UserStatusMessage[];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ __type: USER_STATUS_MESSAGE, isDelta: false });
    expect(messages[0]!.userStatusList.map((u) => u['userId']).sort()).toEqual(['agent1', 'agent2']);
    const second = await call(polling.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: auth(s) });
    expect(second.json).toEqual([]);
  });

  it('delivers a supervisor change as an isDelta:true message over short polling', async () => {
    const s = await login(polling, 'agent2');
    await call(polling.url, 'PUT', `/icws/${s.sessionId}/messaging/subscriptions/status/user-statuses`, { headers: auth(s), body: { userIds: ['agent2'] } });
    await call(polling.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: auth(s) });
    polling.setUserStatus('agent2', 'Follow Up', 'supervisor1');
    const res = await call(polling.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: auth(s) });
    const messages = res.json as UserStatusMessage[];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ __type: USER_STATUS_MESSAGE, isDelta: true });
    expect(messages[0]!.userStatusList).toEqual([expect.objectContaining({ userId: 'agent2', statusId: 'Follow Up' })]);
  });

  it('answers short polling even to an event-stream Accept when messaging version is 1', async () => {
    const s = await login(polling, 'agent2');
    const res = await call(polling.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: { cookie: s.cookie, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual([]);
  });

  it('streams the initial and the supervisor-changed statuses as server-sent events [ICWS-15]', async () => {
    const s = await login(server, 'agent1');
    const sse = await stream(server, s);
    expect(sse.status).toBe(200);
    expect(sse.contentType).toMatch(/^text\/event-stream/);
    await call(server.url, 'PUT', `/icws/${s.sessionId}/messaging/subscriptions/status/user-statuses`, { headers: auth(s), body: { userIds: ['agent1'] } });
    const initial = (await sse.next(isUserStatus(false))) as UserStatusMessage;
    expect(initial.userStatusList[0]).toMatchObject({ userId: 'agent1' });
    const res = await call(server.url, 'POST', '/lab/users/agent1/status', { body: { statusId: 'Do Not Disturb' } });
    expect(res.status).toBe(200);
    const delta = (await sse.next(isUserStatus(true, 'Do Not Disturb'))) as UserStatusMessage;
    expect(delta.userStatusList).toHaveLength(1);
    expect(await sse.nextComment((c) => c.includes('ping'))).toContain('ping');
  });

  it('streams the user own status change after a PUT', async () => {
    const s = await login(server, 'agent1');
    const sse = await stream(server, s);
    await call(server.url, 'PUT', `/icws/${s.sessionId}/messaging/subscriptions/status/user-statuses`, { headers: auth(s), body: { userIds: ['agent1'] } });
    await sse.next(isUserStatus(false));
    await call(server.url, 'PUT', `/icws/${s.sessionId}/status/user-statuses/agent1`, { headers: auth(s), body: { statusId: 'At Lunch' } });
    const delta = (await sse.next(isUserStatus(true, 'At Lunch'))) as UserStatusMessage;
    expect(delta.userStatusList[0]).toMatchObject({ userId: 'agent1', statusId: 'At Lunch' });
  });

  it('stops delivering after the subscription is deleted', async () => {
    const s = await login(polling, 'agent2');
    await call(polling.url, 'PUT', `/icws/${s.sessionId}/messaging/subscriptions/status/user-statuses`, { headers: auth(s), body: { userIds: ['agent1'] } });
    const del = await call(polling.url, 'DELETE', `/icws/${s.sessionId}/messaging/subscriptions/status/user-statuses`, { headers: auth(s) });
    expect(del.status).toBe(204);
    await call(polling.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: auth(s) });
    polling.setUserStatus('agent1', 'At Lunch');
    const res = await call(polling.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: auth(s) });
    expect(res.json).toEqual([]);
  });

  it('refuses a subscription naming an unknown user', async () => {
    const s = await login(server);
    const res = await call(server.url, 'PUT', `/icws/${s.sessionId}/messaging/subscriptions/status/user-statuses`, { headers: auth(s), body: { userIds: ['ghost'] } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ propertyName: 'userIds' });
  });
});

describe('session end', () => {
  let quick: IcwsLabServer;
  beforeAll(async () => {
    quick = await startIcwsServer({ inactivityTimeoutMs: 300 });
  });
  afterAll(async () => {
    await quick.close();
  });

  it('ends an idle session: 401 on calls, GET connection state 2 with a reason [ICWS-15, ICWS-17]', async () => {
    const s = await login(quick);
    await eventually(() => (quick.sessions().find((x) => x.sessionId === s.sessionId)?.connectionState === 2 ? true : undefined));
    const call401 = await call(quick.url, 'GET', `/icws/${s.sessionId}/status/status-messages`, { headers: auth(s) });
    expect(call401.status).toBe(401);
    const state = await call(quick.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: auth(s) });
    expect(state.status).toBe(200);
    expect(state.json).toEqual({ connectionState: 2, reason: 'The session timed out because of inactivity.', shouldReconnect: true });
  });

  it('localises the reason in the session language fixed at connect time [ICWS-01, ICWS-17]', async () => {
    const s = await login(quick, 'agent2', undefined, 'de-DE');
    await eventually(() => (quick.sessions().find((x) => x.sessionId === s.sessionId)?.connectionState === 2 ? true : undefined));
    // A later request in another language does not change it.
    const state = await call(quick.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: auth(s, { 'accept-language': 'fr-FR' }) });
    expect((state.json as { reason: string }).reason).toBe('Die Sitzung wurde wegen Inaktivität beendet.');
  });

  it('keeps a session alive while its event stream is open [ICWS-15]', async () => {
    const s = await login(quick);
    const sse = await stream(quick, s);
    await sleep(1000);
    const res = await call(quick.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: auth(s) });
    expect(res.json).toMatchObject({ connectionState: 1 });
    sse.close();
    await eventually(() => (quick.sessions().find((x) => x.sessionId === s.sessionId)?.connectionState === 2 ? true : undefined));
  });

  it('ends a heartbeat-mode session despite its open stream and says why on the stream [ICWS-16, ICWS-18]', async () => {
    const s = await login(quick);
    const sse = await stream(quick, s, '?heartbeat=true');
    const message = (await sse.next((e) => (e as { __type: string }).__type === CONNECTION_STATE_MESSAGE)) as Record<string, unknown>;
    expect(message).toMatchObject({ previousConnectionState: 1, newConnectionState: 2, shouldReconnect: true });
    expect(typeof message['reason']).toBe('string');
    await sse.ended();
  });

  it('keeps a session alive by short polling [ICWS-15]', async () => {
    // Polls 100 ms apart for 1.5 s against a 1 s timeout: generous gaps, yet longer than the timeout.
    const slow = await startIcwsServer({ inactivityTimeoutMs: 1000 });
    try {
      const s = await login(slow);
      for (let i = 0; i < 15; i += 1) {
        await sleep(100);
        const poll = await call(slow.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: { cookie: s.cookie } });
        expect(poll.status).toBe(200);
      }
      expect(slow.sessions()[0]?.connectionState).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('pushes connectionStateChangeMessage on a kill, then answers 401 while GET connection explains [ICWS-17, ICWS-18]', async () => {
    const s = await login(server);
    const sse = await stream(server, s);
    expect(server.killSession(s.sessionId, { reason: 'You were logged on elsewhere.', shouldReconnect: false })).toBe(true);
    const message = await sse.next((e) => (e as { __type: string }).__type === CONNECTION_STATE_MESSAGE);
    expect(message).toEqual({
      __type: CONNECTION_STATE_MESSAGE,
      previousConnectionState: 1,
      newConnectionState: 2,
      reason: 'You were logged on elsewhere.',
      shouldReconnect: false,
    });
    await sse.ended();
    expect((await call(server.url, 'GET', `/icws/${s.sessionId}/status/status-messages`, { headers: auth(s) })).status).toBe(401);
    const state = await call(server.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: auth(s) });
    expect(state.json).toEqual({ connectionState: 2, reason: 'You were logged on elsewhere.', shouldReconnect: false });
  });

  it('kills a session through the lab control endpoint', async () => {
    const s = await login(server);
    const res = await call(server.url, 'POST', `/lab/sessions/${s.sessionId}/kill`, { body: { reason: 'Switchover.', shouldReconnect: true } });
    expect(res.status).toBe(204);
    const state = await call(server.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: auth(s) });
    expect(state.json).toEqual({ connectionState: 2, reason: 'Switchover.', shouldReconnect: true });
    const sessions = (await call(server.url, 'GET', '/lab/sessions')).json as Array<{ sessionId: string; connectionState: number }>;
    expect(sessions.find((x) => x.sessionId === s.sessionId)?.connectionState).toBe(2);
  });

  it('answers GET connection with state 1 while up, and DELETE ends the session for good', async () => {
    const s = await login(server);
    const up = await call(server.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: auth(s) });
    expect(up.json).toMatchObject({ connectionState: 1, shouldReconnect: false });
    const del = await call(server.url, 'DELETE', `/icws/${s.sessionId}/connection`, { headers: auth(s) });
    expect(del.status).toBe(204);
    expect((await call(server.url, 'GET', `/icws/${s.sessionId}/connection`, { headers: auth(s) })).status).toBe(401);
    expect((await call(server.url, 'GET', `/icws/${s.sessionId}/messaging/messages`, { headers: auth(s) })).status).toBe(401);
  });
});

describe('startLab', () => {
  it('starts an SSE and a polling server and describes their profiles', async () => {
    const lab = await startLab();
    const dir = await mkdtemp(join(tmpdir(), 'lab-profiles-'));
    try {
      expect(lab.icws.messagingVersion).toBe(2);
      expect(lab.icwsPolling.messagingVersion).toBe(1);
      const agent1 = lab.profiles.find((p) => p.id === 'lab-icws-agent1');
      expect(agent1).toEqual({
        id: 'lab-icws-agent1',
        name: 'Lab ICWS — Ada Agent (SSE)',
        platform: 'icws',
        servers: [lab.icws.url],
        authMode: 'password',
        userName: 'agent1',
        language: 'en-US',
        applicationName: 'Patchbay',
        options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 1000 },
        lab: true,
        fixturePassword: 'agent1-lab-pw',
      });
      expect(lab.profiles.find((p) => p.id === 'lab-icws-agent2-polling')?.servers).toEqual([lab.icwsPolling.url]);
      for (const p of lab.profiles) expect(p.id).toMatch(/^[a-z0-9._-]+$/);
      await writeProfileFiles(dir, lab.profiles);
      const written = JSON.parse(await readFile(join(dir, 'lab-icws-agent1.json'), 'utf8')) as unknown;
      expect(written).toEqual(agent1);
      // Each ICWS password profile signs in against its own server.
      for (const p of lab.profiles.filter((x) => x.platform === 'icws' && x.authMode === 'password')) {
        const res = await call(p.servers[0]!, 'POST', '/icws/connection', {
          headers: { 'accept-language': p.language },
          body: { __type: IC_AUTH, applicationName: p.applicationName, userID: p.userName, password: p.fixturePassword },
        });
        expect(res.status).toBe(201);
      }
    } finally {
      await lab.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs from the command line, writes profile files and stops on SIGINT', async () => {
    const root = resolve(import.meta.dirname, '../../..');
    const dir = await mkdtemp(join(tmpdir(), 'lab-cli-'));
    try {
      const child = spawn(join(root, 'node_modules/.bin/node'), ['lab/index.ts', '--profiles-out', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await eventually(() => (out.includes('lab running') ? true : undefined), 30_000);
      expect(out).toContain('lab-icws-agent1');
      // Issue 14 #8: the lab names its fake users and what they type (fixtures, listed in lab/README.md).
      expect(out).toMatch(/Lab users \(fake/);
      const files = (await readdir(dir)).sort();
      for (const id of ['lab-icws-agent1', 'lab-icws-agent2-polling', 'lab-icws-supervisor1']) expect(files).toContain(`${id}.json`);
      expect(files.every((f) => /^lab-[a-z0-9._-]+\.json$/.test(f))).toBe(true);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
