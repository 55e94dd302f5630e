// Bad input from a server that is not the lab: typed errors, bounded walks, nothing crashes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock, systemClock } from '../../../main/core/clock.ts';
import type { PatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { IcwsSession } from '../../../main/core/platforms/icws/icws-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { waitFor } from '../../helpers/wait.ts';

const servers: Server[] = [];
const sessions: IcwsSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
});

async function hostile(handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void, host = '127.0.0.1', port = 0): Promise<string> {
  const server = createServer((req, res) => handler(req, res, new URL(req.url ?? '/', 'http://x')));
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, host, () => r()));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

function session(url: string) {
  const profile = ProfileSchema.parse({ id: 'hostile', name: 'Hostile', platform: 'icws', servers: [url], authMode: 'password', userName: 'agent1', options: { pollIntervalMs: 250 } });
  const s = new IcwsSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }) });
  sessions.push(s);
  return s;
}

const creds = { credentials: { userName: 'agent1', password: 'pw' } };
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

function sseServerHandlers(onStream: (res: ServerResponse, count: number) => void, status: () => string) {
  let streams = 0;
  return (req: IncomingMessage, res: ServerResponse, u: URL) => {
    const sid = '77';
    if (u.pathname === '/icws/connection') return json(res, 201, { csrfToken: 'c', sessionId: sid, userID: 'agent1', features: [{ featureId: 'messaging', version: 2 }] }, { 'ININ-ICWS-CSRF-Token': 'c', 'ININ-ICWS-Session-ID': sid, 'Set-Cookie': `icws_${sid}=v; Path=/icws/${sid}; HttpOnly` });
    if (u.pathname.endsWith('/status/status-messages')) return json(res, 200, { statusMessageList: [{ statusId: 'Available', messageText: 'Available', isAcdStatus: true, isSelectableStatus: true }, { statusId: 'Away', messageText: 'Away', isSelectableStatus: true }] });
    if (u.pathname.includes('/status-messages-user-access/')) return json(res, 200, { userId: 'agent1', statusMessages: ['Available', 'Away'] });
    if (u.pathname.includes('/user-statuses/agent1')) return json(res, 200, { userId: 'agent1', statusId: status() });
    if (u.pathname.endsWith('/subscriptions/status/user-statuses')) return json(res, 200, {});
    if (u.pathname.endsWith('/messaging/messages')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': hello\n\n');
      onStream(res, ++streams);
      return;
    }
    json(res, 404, { message: 'no' });
    void req;
  };
}

describe('ICWS client against a misbehaving server', () => {
  it('reopens an event stream that went silent, and re-reads the status it may have missed [ICWS-15]', async () => {
    let status = 'Available';
    let streams = 0;
    const url = await hostile(sseServerHandlers((_res, n) => (streams = n), () => status));
    const profile = ProfileSchema.parse({ id: 'stall', name: 'Stall', platform: 'icws', servers: [url], authMode: 'password', userName: 'agent1' });
    // 400x: the 120 s stall limit is 0.3 s; the server never sends another byte.
    const s = new IcwsSession({ profile, clock: new ScaledClock(400), log: createLogger({ sink: memorySink() }) });
    sessions.push(s);
    await s.signIn(creds);
    await waitFor(() => streams === 1, 'the first stream');
    status = 'Away'; // changed while the stream was dead: no event will tell
    await waitFor(() => streams >= 2, 'the stream reopened', 10_000);
    await waitFor(() => s.view.agent?.stateId === 'Away', 'the status re-read');
    expect(s.view.phase).toBe('active');
  });

  it('rejects a 201 without CSRF token or session id as a bad response', async () => {
    const url = await hostile((_req, res) => json(res, 201, { userID: 'agent1' }));
    const error = (await session(url).signIn(creds).catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('icws.connect.bad-response');
  });

  it('rejects a 201 with an HTML body as a bad response', async () => {
    const url = await hostile((_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    expect(((await session(url).signIn(creds).catch((e: unknown) => e)) as PatchbayError).code).toBe('icws.connect.bad-response');
  });

  it('rejects a 201 that sets no session cookie (no call could carry it) [ICWS-04]', async () => {
    const url = await hostile((_req, res) => json(res, 201, { csrfToken: 'c', sessionId: '1' }, { 'ININ-ICWS-CSRF-Token': 'c', 'ININ-ICWS-Session-ID': '1' }));
    expect(((await session(url).signIn(creds).catch((e: unknown) => e)) as PatchbayError).code).toBe('icws.connect.no-cookie');
  });

  it('stops when an alternate host list points back at itself', async () => {
    let posts = 0;
    const url = await hostile((_req, res) => {
      posts++;
      json(res, 503, { alternateHostList: ['127.0.0.1'], errorId: 'error.server.notAcceptingConnections', message: 'This Session Manager is not currently accepting connections.' });
    });
    const error = (await session(url).signIn(creds).catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('icws.connect.unavailable');
    expect(error.message).toBe('This Session Manager is not currently accepting connections.');
    expect(posts).toBe(1);
  });

  it('bounds a 503 storm of ever-new alternate hosts (32 hosts per walk)', async () => {
    let posts = 0;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      posts++;
      const me = Number((req.socket.localAddress ?? '').split('.').at(-1));
      json(res, 503, { alternateHostList: [`127.0.2.${me + 1}`], message: 'Busy.' });
    };
    const first = await hostile(handler, '127.0.2.1');
    const port = Number(new URL(first).port);
    for (let i = 2; i <= 40; i++) await hostile(handler, `127.0.2.${i}`, port);
    const error = (await session(first).signIn(creds).catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('icws.connect.unavailable');
    expect(posts).toBe(32);
  });

  it('survives an event stream that sends garbage, and still applies the next good message', async () => {
    let stream: ServerResponse | undefined;
    const url = await hostile((req, res, u) => {
      const sid = '77';
      if (u.pathname === '/icws/connection') return json(res, 201, { csrfToken: 'c', sessionId: sid, userID: 'agent1', features: [{ featureId: 'messaging', version: 2 }] }, { 'ININ-ICWS-CSRF-Token': 'c', 'ININ-ICWS-Session-ID': sid, 'Set-Cookie': `icws_${sid}=v; Path=/icws/${sid}; HttpOnly` });
      if (u.pathname.endsWith('/status/status-messages')) return json(res, 200, { statusMessageList: [{ statusId: 'Available', messageText: 'Available', isAcdStatus: true, isSelectableStatus: true }, { statusId: 'Away', messageText: 'Away', isSelectableStatus: true }] });
      if (u.pathname.includes('/status-messages-user-access/')) return json(res, 200, { userId: 'agent1', statusMessages: ['Available', 'Away'] });
      if (u.pathname.includes('/user-statuses/agent1')) return json(res, 200, { userId: 'agent1', statusId: 'Available' });
      if (u.pathname.endsWith('/subscriptions/status/user-statuses')) return json(res, 200, {});
      if (u.pathname.endsWith('/messaging/messages')) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write(': hello\n\n');
        stream = res;
        return;
      }
      json(res, 404, { message: 'no' });
      void req;
    });
    const s = session(url);
    await s.signIn(creds);
    await waitFor(() => stream, 'the event stream');
    stream!.write('data: {not json\n\n');
    stream!.write('data: {"__type":"urn:inin.com:status:userStatusMessage","userStatusList":"wrong shape"}\n\n');
    stream!.write('data: [1,2,3]\n\n');
    stream!.write('data: {"__type":"urn:inin.com:status:userStatusMessage","isDelta":true,"userStatusList":[{"userId":"agent1","statusId":"Away"}]}\n\n');
    await waitFor(() => s.view.agent?.stateId === 'Away', 'the good message');
    expect(s.view.phase).toBe('active');
  });
});

describe('a server error status shows the server text, sanitized and capped [ICWS-26]', () => {
  it('a 500 shows its message, without control characters and at most 300 characters [ICWS-26]', async () => {
    const long = `Database\u0000 offline\u202e;\r\n${'x'.repeat(5_000)}`;
    const url = await hostile((req, res) => {
      req.resume();
      json(res, 500, { errorId: 'error.server.internal', message: long });
    });
    const s = session(url);
    const error = (await s.signIn(creds).catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('icws.connect.failed');
    expect(error.message.startsWith('Database offline ; x')).toBe(true);
    expect(error.message.length).toBe(300);
    expect(error.message.endsWith('…')).toBe(true);
    expect(s.view.lastError?.message).toBe(error.message);
  });
});
