// Issue 9 (FIN-CONF): Finesse deviations fixed, each checked on the lab over real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { startFinesseLab, type FinesseLab } from '../../../lab/index.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { FinesseSession } from '../../../main/core/platforms/finesse/finesse-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';

const labs: FinesseLab[] = [];
const sessions: FinesseSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const l of labs.splice(0)) await l.close();
});

async function basicAgent(loginName: string) {
  const finesse = await startFinesseLab({ forcedLogoutMs: 5_000, ctiDelayMs: 20, deploymentType: 'UCCX', systemAuthMode: 'NON_SSO' });
  labs.push(finesse);
  const agent = finesse.users.find((u) => u.loginName === loginName)!;
  const profile = ProfileSchema.parse({ id: 'lab-fin', name: 'Lab Finesse', platform: 'finesse', servers: finesse.servers, authMode: 'password', userName: loginName });
  const s = new FinesseSession({ profile, clock: systemClock, log: createLogger({ sink: memorySink() }) }, { finesse: { pingIntervalMs: 2_000, stateConfirmTimeoutMs: 5_000 } });
  sessions.push(s);
  await s.signIn({ credentials: { userName: loginName, password: agent.password }, extension: agent.extensions[0]! });
  return { finesse, agent, s };
}

describe('Finesse sign-out (issue 9 item 11)', () => {
  it('a sign-out Finesse refuses (503) is a failure, not "signed out", while Finesse keeps the agent Ready [issue 9 item 11]', async () => {
    const { finesse, agent, s } = await basicAgent('agent4');
    await s.setAgentState('READY');
    finesse.setServiceStatus('primary', 'OUT_OF_SERVICE');
    await expect(s.signOut()).rejects.toMatchObject({ code: 'finesse.sign-out.refused' });
    expect(finesse.userState(agent.loginId).state).toBe('READY');
    expect(s.view.phase).not.toBe('signed-out');
    expect(s.view.lastError).toMatchObject({ code: 'finesse.sign-out.refused' });
    expect(s.view.lastError?.message).toMatch(/Ready/);
  });

  it('a sign-out Finesse accepts ends signed out', async () => {
    const { finesse, agent, s } = await basicAgent('agent4');
    await s.signOut();
    expect(s.view.phase).toBe('signed-out');
    expect(finesse.userState(agent.loginId).state).toBe('LOGOUT');
  });
});
