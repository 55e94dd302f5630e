// PureConnect Cloud: servers.json, the service URL template, and a server list that changes
// between connections (ICWS-24, ICWS-25).
import { afterEach, describe, expect, it } from 'vitest';
import { startCloudFront, type CloudFront } from '../../../lab/icws/cloud.ts';
import { startIcwsServer, type IcwsLabServer } from '../../../lab/index.ts';
import { ScaledClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { IcwsSession } from '../../../main/core/platforms/icws/icws-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { waitFor } from '../../helpers/wait.ts';

const closers: (() => Promise<void>)[] = [];
const sessions: IcwsSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const close of closers.splice(0).reverse()) await close();
});

async function icws(options: Parameters<typeof startIcwsServer>[0] = {}): Promise<IcwsLabServer> {
  const server = await startIcwsServer({ ssePingIntervalMs: 200, ...options });
  closers.push(() => server.close());
  return server;
}

async function front(options: Parameters<typeof startCloudFront>[0]): Promise<CloudFront> {
  const f = await startCloudFront(options);
  closers.push(() => f.close());
  return f;
}

function cloudSession(url: string) {
  const profile = ProfileSchema.parse({ id: 'cloud', name: 'Cloud', platform: 'icws', servers: [url], authMode: 'password', userName: 'agent1', options: { connectionMode: 'cloud', pollIntervalMs: 250 } });
  const s = new IcwsSession({ profile, clock: new ScaledClock(200), log: createLogger({ sink: memorySink() }) });
  sessions.push(s);
  return s;
}

const agent1 = { credentials: { userName: 'agent1', password: 'agent1-lab-pw' } };

describe('PureConnect Cloud', () => {
  it('reads servers.json and sends every ICWS call through the service URL template [ICWS-24]', async () => {
    const ic = await icws({ messagingVersion: 2 });
    const cloud = await front({ backends: { 'ind001gic001.cscp.inin.local': ic.url }, servers: [{ host: 'ind001gic001.cscp.inin.local', altHostHints: [], order: 0 }] });
    const s = cloudSession(cloud.url);
    await s.signIn(agent1);
    expect(s.view.phase).toBe('active');
    expect(s.view.server).toBe(`${cloud.url}/api/ind001gic001.cscp.inin.local`);
    expect(cloud.serversJsonFetches).toBe(1);
    // Every call reached the IC server through the proxy, cookie and CSRF included [ICWS-04].
    expect(cloud.proxied.length).toBeGreaterThanOrEqual(5);
    const sessionCalls = ic.requests.filter((r) => /^\/icws\/\d+\//.test(r.path));
    expect(sessionCalls.every((r) => r.cookieValid && r.csrfValid)).toBe(true);
    await waitFor(() => ic.sessions()[0]?.sseOpen, 'SSE through the proxy');
    ic.setUserStatus('agent1', 'At Lunch', 'supervisor1');
    await waitFor(() => s.view.agent?.stateId === 'At Lunch', 'a pushed status through the proxy');
  });

  it('accepts serviceUrlTemplate too, and walks servers by order with their altHostHints', async () => {
    const down = await icws();
    down.setAcceptingConnections(false, []);
    const up = await icws();
    const cloud = await front({
      backends: { 'gic-b': down.url, 'gic-a': up.url, 'gic-a-alt': up.url },
      servers: [
        { host: 'gic-b', altHostHints: ['gic-a-alt'], order: 0 },
        { host: 'gic-a', altHostHints: [], order: 1 },
      ],
      templateKey: 'serviceUrlTemplate',
    });
    const s = cloudSession(cloud.url);
    await s.signIn(agent1);
    expect(cloud.proxied.filter((p) => p.method === 'POST').map((p) => p.host)).toEqual(['gic-b', 'gic-a-alt']);
    expect(s.view.server).toBe(`${cloud.url}/api/gic-a-alt`);
  });

  it('fetches servers.json anew for every new connection, reconnects included [ICWS-25]', async () => {
    const first = await icws({ messagingVersion: 2, alternateHostList: ['gic-2'] });
    const second = await icws({ messagingVersion: 2 });
    const cloud = await front({ backends: { 'gic-1': first.url, 'gic-2': second.url }, servers: [{ host: 'gic-1', order: 0 }] });
    const s = cloudSession(cloud.url);
    await s.signIn(agent1);
    expect(cloud.serversJsonFetches).toBe(1);
    await waitFor(() => first.sessions()[0]?.sseOpen, 'SSE');
    cloud.setServers([{ host: 'gic-2', order: 0 }]);
    first.killSession(first.sessions()[0]!.sessionId, { reason: 'Switchover.', shouldReconnect: true });
    await waitFor(() => s.view.phase === 'active' && s.view.server?.endsWith('/api/gic-2'), 'reconnected through the new list', 15_000);
    expect(cloud.serversJsonFetches).toBeGreaterThanOrEqual(2);
  });

  it('reports an unusable servers.json as a typed error for IT', async () => {
    const cloud = await front({ backends: {}, servers: [] });
    const s = cloudSession(cloud.url);
    const error = (await s.signIn(agent1).catch((e: unknown) => e)) as { code: string; action: string };
    expect(error.code).toBe('icws.cloud.bad-servers-json');
    expect(error.action).toBe('contact-it');
  });
});
