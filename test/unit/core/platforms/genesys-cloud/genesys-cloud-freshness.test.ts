// A read's answer that was computed before a change must not overwrite the change's event when it
// arrives after it (main/core/platforms/genesys-cloud/freshness.ts). Seen in e2e under load: after
// socket_closing the resync's GET presence ("Meal") landed after the supervisor's "Training" event,
// and the screen stayed on Meal. The fake holds the answer; the event arrives; the answer is released.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { BACK_TO_IDLE_ID } from '../../../../../main/core/platforms/genesys-cloud/agent-state.ts';
import { GenesysCloudSession } from '../../../../../main/core/platforms/genesys-cloud/genesys-cloud-session.ts';
import { FakeAuth, FakeGenesys, gcProfile } from './fake-genesys.ts';
import { driveClock, tickClock } from '../../../../helpers/fake-clock.ts';
import { gate } from '../../../../helpers/wait.ts';

async function signedIn() {
  const clock = new FakeClock();
  const genesys = new FakeGenesys(clock);
  const auth = new FakeAuth(clock, genesys);
  const profile = gcProfile();
  const session = new GenesysCloudSession(
    { profile, clock, log: createLogger({ sink: memorySink() }) },
    { auth, http: genesys.http, socketFactory: genesys.socketFactory, stream: { pingIntervalMs: 20_000, watchdogMs: 50_000, connectTimeoutMs: 5_000, reconnectDelaysMs: [0, 1_000] } },
  );
  await driveClock(clock, session.signIn({}), { stepMs: 100, maxMs: 600_000 });
  return { clock, genesys, session };
}

/** socket_closing → a new socket on the same channel → the resync reads (some of them held). */
async function rotateSocket(genesys: FakeGenesys, clock: FakeClock) {
  const first = genesys.liveSocket!;
  first.frame({ topicName: 'v2.system.socket_closing', eventBody: {} });
  await tickClock(clock, 500, 50);
  expect(genesys.liveSocket).not.toBe(first);
}

describe('Genesys Cloud: a read answered before an event does not overwrite it (protocols/genesys-cloud.md §2 resync)', () => {
  it('presence: the resync GET answered "Break" before the supervisor\'s "Available" arrived; the screen keeps Available', async () => {
    const { clock, genesys, session } = await signedIn();
    genesys.setPresence('def-break', 'BREAK', false); // changed while the sockets swap: no event
    const held = gate();
    genesys.holds.push({ path: /presences\/purecloud$/, method: 'GET', until: held.until });
    await rotateSocket(genesys, clock);
    genesys.setPresence('def-avail', 'AVAILABLE'); // the event, on the new socket
    await tickClock(clock, 100, 50);
    expect(session.view.agent?.label).toBe('Available');
    held.open();
    await tickClock(clock, 500, 50);
    expect(session.view.agent?.label).toBe('Available');
  });

  it('presence: the resync answer is shown when no presence event came while it was out (the change made in the gap)', async () => {
    const { clock, genesys, session } = await signedIn();
    genesys.setPresence('def-break', 'BREAK', false);
    const held = gate();
    genesys.holds.push({ path: /presences\/purecloud$/, method: 'GET', until: held.until });
    await rotateSocket(genesys, clock);
    genesys.setRouting('INTERACTING'); // an event of another kind does not block the presence answer
    await tickClock(clock, 100, 50);
    held.open();
    await tickClock(clock, 500, 50);
    expect(session.view.agent).toMatchObject({ label: 'Break' });
  });

  it('routing status: the resync GET answered before a routing event does not put the older status back', async () => {
    const { clock, genesys, session } = await signedIn();
    genesys.setRouting('NOT_RESPONDING', false);
    const held = gate();
    genesys.holds.push({ path: /routingstatus$/, method: 'GET', until: held.until });
    await rotateSocket(genesys, clock);
    genesys.setRouting('IDLE');
    await tickClock(clock, 100, 50);
    held.open();
    await tickClock(clock, 500, 50);
    expect(session.view.agent).toMatchObject({ label: 'On Queue', reason: 'Idle' });
    expect(session.view.agent?.quickAction).toBeUndefined();
  });

  it('conversations: a call that started while the list was out is on screen after the list arrives', async () => {
    const { clock, genesys, session } = await signedIn();
    const held = gate();
    genesys.holds.push({ path: /\/api\/v2\/conversations$/, method: 'GET', until: held.until });
    await rotateSocket(genesys, clock);
    genesys.startConversation('conv-late'); // the list the server answered did not have it
    await tickClock(clock, 100, 50);
    held.open();
    await tickClock(clock, 500, 50);
    expect(session.view.calls?.map((c) => c.id)).toEqual(['conv-late']);
    // And the list still ends a call the events no longer mention.
    genesys.endConversation('conv-late');
    await tickClock(clock, 100, 50);
    expect(session.view.calls).toEqual([]);
  });

  it('the PATCH of the agent\'s own change answered before a supervisor\'s later change does not undo it', async () => {
    const { clock, genesys, session } = await signedIn();
    const held = gate();
    genesys.holds.push({ path: /presences\/purecloud$/, method: 'PATCH', until: held.until });
    const change = session.setAgentState('def-break');
    await tickClock(clock, 100, 50);
    genesys.setPresence('def-avail', 'AVAILABLE'); // the supervisor, after the server took the PATCH
    await tickClock(clock, 100, 50);
    held.open();
    await driveClock(clock, change, { stepMs: 50, maxMs: 60_000 });
    expect(session.view.agent?.label).toBe('Available');
  });

  it('with no event at all (none came on the socket) the PATCH and PUT answers themselves are shown', async () => {
    const { clock, genesys, session } = await signedIn();
    const at = new Date(clock.now()).toISOString();
    // Answers scripted so the fake sends no notification for them (the routing status shows as the
    // reason while On Queue, so that one first).
    genesys.setRouting('NOT_RESPONDING');
    await tickClock(clock, 100, 50);
    genesys.script.push({ path: /routingstatus$/, status: 200, body: { status: 'IDLE', startTime: at } });
    await driveClock(clock, session.setAgentState(BACK_TO_IDLE_ID), { stepMs: 50, maxMs: 60_000 });
    expect(session.view.agent).toMatchObject({ label: 'On Queue', reason: 'Idle' });
    genesys.script.push({ path: /presences\/purecloud$/, status: 200, body: { presenceDefinition: { id: 'def-break', systemPresence: 'BREAK' }, modifiedDate: at } });
    await driveClock(clock, session.setAgentState('def-break'), { stepMs: 50, maxMs: 60_000 });
    expect(session.view.agent?.label).toBe('Break');
  });

  it('the Idle PUT answered before a later routing event does not undo it', async () => {
    const { clock, genesys, session } = await signedIn();
    genesys.setRouting('NOT_RESPONDING');
    await tickClock(clock, 100, 50);
    const held = gate();
    genesys.holds.push({ path: /routingstatus$/, method: 'PUT', until: held.until });
    const change = session.setAgentState(BACK_TO_IDLE_ID);
    await tickClock(clock, 100, 50);
    genesys.setRouting('INTERACTING');
    await tickClock(clock, 100, 50);
    held.open();
    await driveClock(clock, change, { stepMs: 50, maxMs: 60_000 });
    expect(session.view.agent).toMatchObject({ reason: 'Interacting' });
  });
});
