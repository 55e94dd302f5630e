// The read-back after a status change (GET user-statuses) answered before a supervisor's change must
// not overwrite that change's message when its answer lands after it (main/core/platforms/freshness.ts).
// The scripted ICWS answers at once but the answer is held back; the message arrives; then the answer.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { IcwsSession } from '../../../../../main/core/platforms/icws/icws-session.ts';
import { ProfileSchema } from '../../../../../preload/contract.ts';
import { driveClock } from '../../../../helpers/fake-clock.ts';
import { FakeIcws } from './fake-icws.ts';
import { response } from './stub-response.ts';
import { gate } from '../../../../helpers/wait.ts';

async function signedIn() {
  const clock = new FakeClock();
  const icws = new FakeIcws();
  const profile = ProfileSchema.parse({ id: 'icws', name: 'ICWS', platform: 'icws', servers: ['https://a.example:8019'], authMode: 'password', userName: 'agent1' });
  const session = new IcwsSession({ profile, clock, log: createLogger({ sink: memorySink() }) }, { http: icws.http });
  await driveClock(clock, session.signIn({ credentials: { userName: 'agent1', password: 'pw-1' } }), { stepMs: 100, maxMs: 10_000 });
  expect(session.view.phase).toBe('active');
  return { clock, icws, session };
}

/** The next GET of the agent's status is answered with the status of that moment, delivered on `open()`. */
function holdStatusRead(icws: FakeIcws) {
  const { until, open } = gate();
  icws.override.set('GET /status/user-statuses/agent1', async () => {
    icws.override.delete('GET /status/user-statuses/agent1');
    const answer = response(200, { userId: 'agent1', statusId: icws.userStatus, loggedIn: true });
    await until;
    return answer;
  });
  return { open };
}

const settle = async (clock: FakeClock) => {
  for (let i = 0; i < 5; i++) await clock.advance(0);
};

describe('ICWS: a status read-back answered before a message does not overwrite it (main/core/platforms/freshness.ts)', () => {
  it('the agent picks At Lunch, a supervisor then sets Away from desk: the late read-back does not put At Lunch back', async () => {
    const { clock, icws, session } = await signedIn();
    const held = holdStatusRead(icws);
    const change = session.setAgentState('At Lunch');
    await settle(clock);
    expect(icws.calls('GET', '/status/user-statuses/')).toHaveLength(1); // the read-back is out
    icws.userStatus = 'Away from desk';
    icws.deliver(icws.live()!, icws.statusMessage('Away from desk')); // queued for the next short poll
    await clock.advance(5_000);
    expect(session.view.agent?.stateId).toBe('Away from desk');
    held.open();
    await driveClock(clock, change, { stepMs: 10, maxMs: 1_000 });
    expect(session.view.agent?.stateId).toBe('Away from desk');
  });

  it('with no message meanwhile the read-back is shown', async () => {
    const { clock, icws, session } = await signedIn();
    const held = holdStatusRead(icws);
    const change = session.setAgentState('At Lunch');
    await settle(clock);
    expect(session.view.agent?.stateId).toBe('Available');
    held.open();
    await driveClock(clock, change, { stepMs: 10, maxMs: 1_000 });
    expect(session.view.agent?.stateId).toBe('At Lunch');
  });
});
