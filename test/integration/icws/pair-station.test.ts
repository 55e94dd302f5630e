// The lab switchover pair (shared user statuses, POST /lab/switchover) and the workstation choice
// (PUT …/connection/station) against the ICWS adapter over real sockets (issue 3; icws.md "station").
import { afterEach, describe, expect, it } from 'vitest';
import { startIcwsPair, startIcwsServer, type IcwsLabServer } from '../../../lab/index.ts';
import { ProfileSchema, type Profile } from '../../../preload/contract.ts';
import { ScaledClock, systemClock, type Clock } from '../../../main/core/clock.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { IcwsSession } from '../../../main/core/platforms/icws/icws-session.ts';
import { waitFor } from '../../helpers/wait.ts';

const servers: IcwsLabServer[] = [];
const sessions: IcwsSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function pair() {
  const p = await startIcwsPair();
  servers.push(p.primary, p.backup);
  return p;
}

function profileFor(urls: string[], options: Record<string, unknown> = {}): Profile {
  return ProfileSchema.parse({ id: 'it-icws', name: 'IT ICWS', platform: 'icws', servers: urls, authMode: 'password', userName: 'agent1', options: { pollIntervalMs: 250, ...options } });
}

function session(profile: Profile, clock: Clock = systemClock): IcwsSession {
  const s = new IcwsSession({ profile, clock, log: createLogger({ sink: memorySink(), level: 'debug' }) });
  sessions.push(s);
  return s;
}

const agent1 = { credentials: { userName: 'agent1', password: 'agent1-lab-pw' } };

describe('the lab switchover pair', () => {
  it('shares user statuses between primary and backup, pushing to each one\'s subscribers', async () => {
    const { primary, backup } = await pair();
    expect(backup.port).toBe(primary.port);
    expect(new URL(backup.url).hostname).toBe('127.0.0.2');
    const s = session(profileFor([backup.url]));
    await s.signIn(agent1);
    await waitFor(() => backup.sessions()[0]?.sseOpen, 'the SSE stream on the backup');
    // A change made through the primary is the backup's too, and its subscriber hears of it.
    primary.setUserStatus('agent1', 'At Lunch');
    expect(backup.userStatus('agent1')?.statusId).toBe('At Lunch');
    await waitFor(() => s.view.agent?.stateId === 'At Lunch', 'the pushed status from the shared store');
  });

  it('POST /lab/switchover ends sessions (localised reason, shouldReconnect) and answers 503 + the backup [ICWS-06, ICWS-18]', async () => {
    const { primary } = await pair();
    const s = session(profileFor([primary.url]));
    await s.signIn(agent1);
    // Without its automatic reconnect: this test looks at the lab alone.
    s.dispose();
    const res = await fetch(`${primary.url}/lab/switchover`, { method: 'POST' });
    expect(res.status).toBe(204);
    const [ended] = primary.sessions();
    expect(ended?.connectionState).toBe(2);
    expect(ended?.shouldReconnect).toBe(true);
    expect(ended?.reason).toBe('The server is switching over to its backup. Reconnect to continue.');
    const connect = await fetch(`${primary.url}/icws/connection`, {
      method: 'POST',
      headers: { 'Accept-Language': 'en-US', 'Content-Type': 'application/json' },
      body: JSON.stringify({ __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings', applicationName: 't', userID: 'agent1', password: 'agent1-lab-pw' }),
    });
    expect(connect.status).toBe(503);
    expect(((await connect.json()) as { alternateHostList: string[] }).alternateHostList).toEqual(['127.0.0.2']);
    expect((await fetch(`${primary.url}/lab/switchback`, { method: 'POST' })).status).toBe(204);
    const again = session(profileFor([primary.url]));
    await again.signIn(agent1);
    expect(again.view.server).toBe(primary.url);
  });

  it('reconnects on the backup after a switchover with the status kept by the pair [ICWS-05, ICWS-19, ICWS-21]', async () => {
    const { primary, backup } = await pair();
    const s = session(profileFor([primary.url]), new ScaledClock(200));
    await s.signIn(agent1);
    await s.setAgentState('Away from desk');
    primary.switchover();
    await waitFor(() => s.view.phase === 'reconnecting', 'reconnecting');
    expect(s.view.lastError?.message).toBe('The server is switching over to its backup. Reconnect to continue.');
    await waitFor(() => s.view.phase === 'active', 'active on the backup', 15_000);
    expect(s.view.server).toBe(backup.url);
    expect(s.view.agent?.stateId).toBe('Away from desk');
  });

  it('counts down in wall-clock time under a scaled clock', async () => {
    const { primary } = await pair();
    const s = session(profileFor([primary.url]), new ScaledClock(20));
    await s.signIn(agent1);
    const before = Date.now();
    primary.switchover([]);
    await waitFor(() => s.view.connection?.nextAttemptAt !== undefined, 'a scheduled attempt');
    // 15–25 s at 20x is 0.75–1.25 s of wall time (plus the time to notice the loss), not 15–25 s.
    const wait = Date.parse(s.view.connection!.nextAttemptAt!) - before;
    expect(wait).toBeGreaterThanOrEqual(750);
    expect(wait).toBeLessThan(10_000);
  });
});

describe('ICWS workstation (PUT …/connection/station)', () => {
  it('logs on to the profile\'s station after connecting', async () => {
    const server = await startIcwsServer({ stations: ['desk-12'] });
    servers.push(server);
    const s = session(profileFor([server.url], { station: 'desk-12' }));
    await s.signIn(agent1);
    expect(s.view.phase).toBe('active');
    const sid = server.sessions()[0]!.sessionId;
    const put = server.requests.find((r) => r.method === 'PUT' && r.path === `/icws/${sid}/connection/station`);
    expect(put?.status).toBe(200);
    expect(put?.csrfValid).toBe(true);
    expect(server.stationOf(sid)).toBe('desk-12');
    expect(server.userStatus('agent1')?.stations).toEqual(['desk-12']);
  });

  it('shows the server\'s refusal of an unknown station verbatim and gives the session back [ICWS-26]', async () => {
    const server = await startIcwsServer({ stations: ['desk-12'] });
    servers.push(server);
    const s = session(profileFor([server.url], { station: 'desk-99' }));
    const error = await s.signIn(agent1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PatchbayError);
    expect((error as PatchbayError).message).toBe("The station 'desk-99' could not be found.");
    expect(s.view.phase).toBe('failed');
    expect(s.view.lastError?.message).toBe("The station 'desk-99' could not be found.");
    expect(server.sessions().filter((x) => x.connectionState === 1)).toEqual([]);
  });

  it('logs on to the station again after reconnecting on the backup', async () => {
    const { primary, backup } = await pair();
    const s = session(profileFor([primary.url], { station: 'lab-station-1' }), new ScaledClock(200));
    await s.signIn(agent1);
    expect(primary.stationOf(primary.sessions()[0]!.sessionId)).toBe('lab-station-1');
    primary.switchover();
    await waitFor(() => s.view.phase === 'active' && s.view.server === backup.url, 'active on the backup', 15_000);
    expect(backup.stationOf(backup.sessions()[0]!.sessionId)).toBe('lab-station-1');
  });
});
