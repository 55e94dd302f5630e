// The GWS adapter against the lab GWS (lab/gws) over real sockets: the two basic methods of seed 002's
// chain (GWS-02, GWS-03), the anonymous fall-through (GWS-05), CSRF, StartContactCenterSession with a
// partial success, Ready / NotReady with a reason, CometD notifications (a supervisor change, a call,
// a drop recovered with the state re-read) and a session invalidated by the server.
import { afterEach, describe, expect, it } from 'vitest';
import { startGwsLab, type GwsLab, type GwsLabOptions } from '../../../lab/gws/index.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { GwsSession } from '../../../main/core/platforms/gws/gws-session.ts';
import type { SessionView } from '../../../main/core/platforms/platform.ts';
import { ProfileSchema, type ProfileInput } from '../../../preload/contract.ts';
import { waitFor } from '../../helpers/wait.ts';
import { rejection } from '../../helpers/errors.ts';

const labs: GwsLab[] = [];
const sessions: GwsSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const lab of labs.splice(0)) await lab.close();
});

async function lab(options: GwsLabOptions = {}): Promise<GwsLab> {
  const l = await startGwsLab({ cometdTimeoutSeconds: 2, ...options });
  labs.push(l);
  return l;
}

function session(gws: GwsLab, profileId: string, overrides: Partial<ProfileInput> = {}) {
  const base = gws.profiles().find((p) => p.id === profileId)!;
  const { fixturePassword: _pw, ...rest } = base;
  const profile = ProfileSchema.parse({ ...rest, ...overrides });
  const sink = memorySink();
  const s = new GwsSession({ profile, clock: systemClock, log: createLogger({ sink, level: 'debug' }) }, { cometd: { backoffIncrementMs: 100, maxBackoffMs: 500, maxNetworkDelayMs: 5_000 } });
  sessions.push(s);
  const views: SessionView[] = [];
  s.onView((v) => views.push(v));
  return { s, views, sink };
}

describe('GWS basic sign-in against the lab', () => {
  it('GWS-03: signs in with GWS basic, starts the voice channel on the place and goes active over CometD', async () => {
    const gws = await lab();
    const { s } = session(gws, 'lab-gws-agent1-basic');
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    expect(s.view.phase).toBe('active');
    expect(s.view.userDisplayName).toBe('Ada Agent');
    expect(s.view.connection?.transport).toBe('cometd');
    expect(s.view.agent?.kind).toBe('not-ready');
    expect(gws.requests.find((r) => r.path === '/api/v2/me' && r.method === 'GET')?.auth).toBe('gws-basic');
    expect(gws.cometdClients().map((c) => c.userName)).toEqual(['agent1']);
    const notReady = s.view.selectableStates.find((x) => x.id === 'NotReady')!;
    expect(notReady.reasons.map((r) => r.label)).toEqual(['Lunch', 'Break', 'Meeting']);
    expect(s.stats.signInRequests).toBeLessThanOrEqual(3);
  });

  it('GWS-02: Configuration Server basic signs in while the contact center enables it, and errors name it when it is off', async () => {
    const gws = await lab();
    const { s } = session(gws, 'lab-gws-agent2-cfg');
    await s.signIn({ credentials: { userName: 'agent2', password: 'agent2-lab-pw' } });
    expect(s.view.phase).toBe('active');
    expect(gws.requests.find((r) => r.path === '/api/v2/me' && r.method === 'GET')?.auth).toBe('config-server');
    await s.signOut();

    gws.setConfigServerAuth(false);
    const error = await rejection(s.signIn({ credentials: { userName: 'agent2', password: 'agent2-lab-pw' } }));
    expect(error.code).toBe('gws.auth.anonymous');
    expect(error.message).toContain('Configuration Server');
    expect(s.view.phase).toBe('failed');
  });

  it('GWS-05: a wrong password falls through to anonymous; the sign-in fails naming the method, never active', async () => {
    const gws = await lab();
    const { s, views } = session(gws, 'lab-gws-agent1-basic');
    const error = await rejection(s.signIn({ credentials: { userName: 'agent1', password: 'wrong' } }));
    expect(error.code).toBe('gws.auth.anonymous');
    expect(error.message).toContain('Web Services (GWS) user name and password');
    expect(error.message).toContain('anonymous');
    expect(views.some((v) => v.phase === 'active')).toBe(false);
    // Never carried on: no StartContactCenterSession, no CometD.
    expect(gws.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(gws.cometdClients()).toEqual([]);
  });

  it('shows which channel failed on a partial StartContactCenterSession (statusCode 7)', async () => {
    const gws = await lab();
    const { s } = session(gws, 'lab-gws-agent1-basic');
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' }, extension: 'Chat_Only_Place' });
    expect(s.view.phase).toBe('active');
    expect(s.view.lastError?.code).toBe('gws.session.partial');
    expect(s.view.lastError?.message).toContain('voice');
  });

  it('Ready and NotReady with a reason from the agent-states settings; a supervisor change and a call arrive over CometD', async () => {
    const gws = await lab();
    const { s } = session(gws, 'lab-gws-agent1-basic');
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    await s.setAgentState('Ready');
    expect(s.view.agent?.kind).toBe('ready');
    expect(gws.agentState('agent1')?.state).toBe('Ready');
    await s.setAgentState('NotReady', 'NotReadyLunch');
    expect(gws.agentState('agent1')).toMatchObject({ state: 'NotReady', reason: 'Lunch' });
    expect(s.view.agent).toMatchObject({ kind: 'not-ready', reason: 'Lunch' });

    gws.setAgentState('agent1', 'NotReady', 'Meeting');
    await waitFor(() => s.view.agent?.reason === 'Meeting', 'the supervisor change over CometD');
    const callId = gws.startCall('agent1');
    await waitFor(() => s.view.calls?.some((c) => c.id === callId), 'the call on the card');
    gws.endCall(callId);
    await waitFor(() => s.view.calls?.length === 0, 'the call gone');
  });

  it('re-reads the CSRF pair once when the server rotated it', async () => {
    const gws = await lab();
    const { s } = session(gws, 'lab-gws-agent1-basic');
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    gws.rotateCsrf();
    await s.setAgentState('Ready');
    expect(gws.agentState('agent1')?.state).toBe('Ready');
    expect(gws.requests.filter((r) => r.auth === 'csrf-refused')).toHaveLength(1);
  });

  it('recovers a CometD drop and re-reads me?subresources=* so a change made meanwhile shows', async () => {
    const gws = await lab();
    const { s, views } = session(gws, 'lab-gws-agent1-basic');
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    const reads = s.stats.refreshes;
    gws.dropCometd();
    gws.setAgentState('agent1', 'AfterCallWork');
    await waitFor(() => s.stats.refreshes > reads && s.view.phase === 'active', 'the re-read after the drop');
    expect(s.view.agent?.stateId).toBe('AfterCallWork');
    expect(views.some((v) => v.phase === 'reconnecting')).toBe(true);
    gws.setAgentState('agent1', 'Ready');
    await waitFor(() => s.view.agent?.kind === 'ready', 'events flow again after the drop');
  });

  it('a session invalidated by the server ends with a clear message, not a retry loop', async () => {
    const gws = await lab();
    const { s } = session(gws, 'lab-gws-agent1-basic');
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    gws.invalidateSession('agent1');
    await waitFor(() => s.view.phase === 'failed', 'the session to end');
    expect(s.view.lastError?.code).toBe('gws.session.ended');
    expect(s.view.lastError?.action).toBe('sign-in-again');
    const handshakes = gws.cometdLog.filter((r) => r.channel === '/meta/handshake').length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(gws.cometdLog.filter((r) => r.channel === '/meta/handshake').length).toBe(handshakes);
  });

  it('with CSRF checked on CometD too, the link carries the header and recovers from a rotated token', async () => {
    const gws = await lab({ cometdCsrf: true });
    const { s, sink } = session(gws, 'lab-gws-agent1-basic');
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    expect(s.view.phase).toBe('active');
    gws.rotateCsrf();
    gws.dropCometd(); // the next CometD request goes out with the old token
    gws.setAgentState('agent1', 'Ready');
    await waitFor(() => s.view.agent?.kind === 'ready' && s.view.phase === 'active', 'the link back with the new token');
    expect(gws.cometdLog.some((r) => r.error?.includes('Csrf'))).toBe(true);
    gws.setAgentState('agent1', 'NotReady', 'Break');
    await waitFor(() => s.view.agent?.reason === 'Break', 'events after the CSRF recovery');
    // Nothing secret in the log: no password, no basic credentials.
    const logged = JSON.stringify(sink.entries);
    expect(logged).not.toContain('agent1-lab-pw');
    expect(logged).not.toContain(Buffer.from('agent1:agent1-lab-pw').toString('base64'));
  });

  it('signs out with EndContactCenterSession and clears the session cookie', async () => {
    const gws = await lab();
    const { s } = session(gws, 'lab-gws-agent1-basic');
    await s.signIn({ credentials: { userName: 'agent1', password: 'agent1-lab-pw' } });
    await s.signOut();
    expect(s.view.phase).toBe('signed-out');
    expect(gws.agentState('agent1')).toBeUndefined();
    expect(gws.sessions()).toEqual([]);
  });
});
