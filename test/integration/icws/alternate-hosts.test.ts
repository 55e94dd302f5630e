// issue 8, item 1, over real sockets: a 503 alternate host list or a servers.json that names a URL
// (another scheme, host or port) never receives the sign-in POST with the password (seed 000).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/core/clock.ts';
import type { PatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { IcwsSession } from '../../../main/core/platforms/icws/icws-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';

const servers: Server[] = [];
const sessions: IcwsSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1', port = 0): Promise<{ url: string; port: number }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, host, () => r()));
  const p = (server.address() as AddressInfo).port;
  return { url: `http://${host}:${p}`, port: p };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A host that must never be reached: records every request and its body. */
async function trap(host: string, port = 0) {
  const seen: string[] = [];
  const t = await listen((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      json(res, 503, { message: 'trap' });
    });
  }, host, port);
  return { ...t, seen };
}

function session(url: string, options: Record<string, unknown> = {}) {
  const profile = ProfileSchema.parse({ id: 'alt', name: 'Alt', platform: 'icws', servers: [url], authMode: 'password', userName: 'agent1', options });
  const s = new IcwsSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }) });
  sessions.push(s);
  return s;
}

const creds = { credentials: { userName: 'agent1', password: 'alt-secret-pw' } };

describe('ICWS 503 host walk sends the password only to names on the same scheme and port [ICWS-06]', () => {
  it('skips alternate hosts written as URLs or with a port, and tries the bare name on the same port [ICWS-06]', async () => {
    const evilOtherPort = await trap('127.0.0.3');
    const first = await listen((_req, res) =>
      json(res, 503, {
        message: 'Not accepting.',
        // Another host and port as a URL, a name with a port, then a proper name.
        alternateHostList: [`http://127.0.0.3:${evilOtherPort.port}`, `127.0.0.3:${evilOtherPort.port}`, '127.0.0.2'],
      }),
    );
    // The proper name keeps the accepting server's port.
    const named = await trap('127.0.0.2', first.port);
    const error = (await session(first.url).signIn(creds).catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('icws.connect.unavailable');
    expect(evilOtherPort.seen).toEqual([]);
    expect(named.seen).toHaveLength(1);
    expect(named.seen[0]).toContain('POST /icws/connection');
  });
});

describe('servers.json sends the password only through the custom URL [ICWS-24]', () => {
  it('refuses a service URL template pointing at another origin, before any sign-in POST [ICWS-24]', async () => {
    const evil = await trap('127.0.0.4');
    const front = await listen((req, res) => {
      if (req.url?.endsWith('/config/servers.json')) return json(res, 200, { servers: [{ host: 'ind1.cscp.inin.local', order: 0 }], serviceURLTemplate: `${evil.url}/api/{host}/` });
      json(res, 404, {});
    });
    const error = (await session(`${front.url}/customICWS`, { connectionMode: 'cloud' }).signIn(creds).catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('icws.cloud.bad-servers-json');
    expect(evil.seen).toEqual([]);
  });

  it('never substitutes a servers.json host that is a URL into the template [ICWS-24]', async () => {
    const posts: string[] = [];
    const front = await listen((req, res) => {
      if (req.url?.endsWith('/config/servers.json')) {
        return json(res, 200, { servers: [{ host: 'http://127.0.0.5:1', order: 0 }, { host: 'ind1', order: 1 }], serviceURLTemplate: `http://127.0.0.1:${(req.socket.localPort ?? 0)}/customICWS/api/{host}/` });
      }
      posts.push(req.url ?? '');
      json(res, 503, { message: 'Busy.' });
    });
    const error = (await session(`${front.url}/customICWS`, { connectionMode: 'cloud' }).signIn(creds).catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('icws.connect.unavailable');
    expect(posts).toEqual(['/customICWS/api/ind1/icws/connection?include=version,features']);
  });
});
