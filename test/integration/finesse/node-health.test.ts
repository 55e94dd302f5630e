// Issue 9 item 9: Finesse node health, as the Finesse desktop does it (protocols/finesse.md §5
// failover), against the lab's Finesse pair over real sockets. The node in use announces
// OUT_OF_SERVICE in a SystemInfo notification while XMPP stays up; the client checks the other
// node's SystemInfo and moves there (REST and XMPP together) when it is IN_SERVICE, telling the agent;
// with no node in service the session is degraded with the reason; after an XMPP drop the client
// checks the node's SystemInfo before re-opening XMPP to it.
// RULES.md has no FIN-* id for node health (FIN-01..15 are sign-in, tokens and REST auth): these
// tests name the protocol sheet's §5 failover rule and the issue item instead.
import { afterEach, describe, expect, it } from 'vitest';
import { startFinesseLab, type FinesseLab } from '../../../lab/index.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { FinesseSession } from '../../../main/core/platforms/finesse/finesse-session.ts';
import type { FinesseOptionsInput } from '../../../main/core/platforms/finesse/options.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { displayState } from '../../../preload/display-state.ts';
import { waitFor } from '../../helpers/wait.ts';

const labs: FinesseLab[] = [];
const sessions: FinesseSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const l of labs.splice(0)) await l.close();
});

const origin = (url: string) => new URL(url).origin;

async function readyAgent(finesse: FinesseOptionsInput = {}) {
  const lab = await startFinesseLab({ forcedLogoutMs: 5_000, ctiDelayMs: 20, deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
  labs.push(lab);
  const agent = lab.users.find((u) => u.loginName === 'agent4')!;
  const profile = ProfileSchema.parse({ id: 'lab-fin', name: 'Lab Finesse', platform: 'finesse', servers: lab.servers, authMode: 'password', userName: 'agent4' });
  const s = new FinesseSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }) }, { finesse: { pingIntervalMs: 2_000, stateConfirmTimeoutMs: 5_000, ...finesse } });
  sessions.push(s);
  await s.signIn({ credentials: { userName: 'agent4', password: agent.password }, extension: agent.extensions[0]! });
  await s.setAgentState('READY');
  expect(s.diagnostics.node).toBe(origin(lab.primary.url));
  /** The agent's live XMPP sessions on a node (the lab's view). */
  const xmppOn = (node: 'primary' | 'secondary') => lab.xmppSessions().filter((x) => x.node === node && x.loginId === agent.loginId && x.phase !== 'closed');
  return { lab, agent, s, xmppOn };
}

describe('Finesse node health (issue 9 item 9)', () => {
  it('moves to the IN_SERVICE peer when the node in use announces OUT_OF_SERVICE over XMPP: agent told, state kept [§5 failover, issue 9 item 9]', async () => {
    const { lab, agent, s, xmppOn } = await readyAgent();
    expect(xmppOn('primary')).toHaveLength(1);
    lab.setServiceStatus('primary', 'OUT_OF_SERVICE', 'Upgrade in progress');
    const secondary = origin(lab.secondary.url);
    await waitFor(() => s.diagnostics.node === secondary && s.view.phase === 'active' && s.view.server === secondary && xmppOn('secondary').length === 1, 'the move to the secondary', 15_000);
    // REST and XMPP together: nothing of the agent's is left on the node leaving service.
    expect(xmppOn('primary')).toHaveLength(0);
    expect(s.view.lastError).toMatchObject({ code: 'finesse.node.moved', action: 'none' });
    expect(s.view.lastError?.message).toContain(new URL(lab.secondary.url).host);
    // The state is kept, live (not stale) and confirmed by the secondary.
    expect(s.view.agent).toMatchObject({ kind: 'ready' });
    expect(s.view.agent?.stale).toBeUndefined();
    expect(lab.userState(agent.loginId).state).toBe('READY');
    lab.clearRequests();
    await s.setAgentState('NOT_READY', s.view.selectableStates.find((x) => x.id === 'NOT_READY')!.reasons[0]?.id);
    expect(lab.userState(agent.loginId).state).toBe('NOT_READY');
    expect(lab.requests.filter((r) => r.method === 'PUT').map((r) => r.node)).toEqual(['secondary']);
  }, 30_000);

  it('with no node in service the session is degraded with the reason (never a live Ready), then moves once the peer is back [§5 failover, issue 9 item 9]', async () => {
    const { lab, agent, s, xmppOn } = await readyAgent();
    lab.setServiceStatus('secondary', 'OUT_OF_SERVICE', 'Peer down');
    lab.setServiceStatus('primary', 'OUT_OF_SERVICE', 'Maintenance window');
    await waitFor(() => s.view.lastError?.code === 'finesse.node.no-node-in-service', 'the degraded notice', 15_000);
    expect(s.view.lastError?.message).toContain('Maintenance window');
    expect(s.view.agent).toMatchObject({ kind: 'ready', stale: true });
    expect(displayState(s.view, Date.now())).toMatchObject({ kind: 'active', agentStale: true });
    // Nowhere to go: the client stays where it is.
    expect(s.diagnostics.node).toBe(origin(lab.primary.url));
    lab.setServiceStatus('secondary', 'IN_SERVICE');
    const secondary = origin(lab.secondary.url);
    await waitFor(() => s.diagnostics.node === secondary && s.view.phase === 'active' && xmppOn('secondary').length === 1, 'the move once the peer is back', 15_000);
    expect(s.view.lastError).toMatchObject({ code: 'finesse.node.moved' });
    expect(s.view.agent?.stale).toBeUndefined();
    expect(displayState(s.view, Date.now())).toMatchObject({ kind: 'active', agentStale: false });
    expect(lab.userState(agent.loginId).state).toBe('READY');
  }, 30_000);

  it('degraded while no node is in service, live again when the node in use says IN_SERVICE [§5 failover, issue 9 item 9]', async () => {
    const { lab, s, xmppOn } = await readyAgent();
    lab.setServiceStatus('secondary', 'OUT_OF_SERVICE');
    lab.setServiceStatus('primary', 'OUT_OF_SERVICE', 'Maintenance window');
    await waitFor(() => s.view.agent?.stale === true && s.view.lastError?.code === 'finesse.node.no-node-in-service', 'degraded', 15_000);
    lab.setServiceStatus('primary', 'IN_SERVICE');
    await waitFor(() => s.view.agent?.stale === undefined && s.view.lastError === undefined, 'recovered', 15_000);
    expect(s.view).toMatchObject({ phase: 'active', agent: { kind: 'ready' } });
    expect(s.diagnostics.node).toBe(origin(lab.primary.url));
    expect(xmppOn('primary')).toHaveLength(1);
  }, 30_000);

  it('after an XMPP drop, does not re-open XMPP to a node whose SystemInfo says OUT_OF_SERVICE: goes to the peer [§5 failover, issue 9 item 9]', async () => {
    const { lab, agent, s, xmppOn } = await readyAgent({ outOfServiceFailoverMs: 1_000 });
    const onPrimary: number[] = [];
    // The drop cuts the session first, so no SystemInfo notification reaches the client.
    lab.dropXmpp('primary');
    lab.setServiceStatus('primary', 'OUT_OF_SERVICE', 'Going down');
    const sampler = setInterval(() => onPrimary.push(xmppOn('primary').length), 5);
    try {
      const secondary = origin(lab.secondary.url);
      await waitFor(() => s.diagnostics.node === secondary && s.view.phase === 'active' && xmppOn('secondary').length === 1, 'the reconnect on the secondary', 15_000);
    } finally {
      clearInterval(sampler);
    }
    expect(onPrimary.length).toBeGreaterThan(0);
    expect(onPrimary.every((n) => n === 0)).toBe(true);
    expect(s.view.agent).toMatchObject({ kind: 'ready' });
    expect(lab.userState(agent.loginId).state).toBe('READY');
  }, 30_000);
});
