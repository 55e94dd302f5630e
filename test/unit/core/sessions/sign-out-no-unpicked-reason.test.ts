// Issue 13 item 6: no code path sends a reason the agent did not pick. Finesse's sign-out steps
// carry only the picked Logout reason (none otherwise), UCCE's Ready → Logout never invents a Not
// Ready reason, a sign-out refused before anything was sent keeps the agent's session, and app quit
// sends no Logout at all (it says so in the log).
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { signOutSteps } from '../../../../main/core/platforms/finesse/state-rules.ts';
import { fakePlatformSession, managerWith } from './fake-platform-session.ts';

const codes = {
  notReady: [{ id: '1', label: 'Lunch' }],
  logout: [
    { id: '11', label: 'End of shift' },
    { id: '12', label: 'Personal' },
  ],
} as never as Parameters<typeof signOutSteps>[2];

describe('Finesse sign-out steps (issue 13 item 6)', () => {
  it('sends LOGOUT without a reason when none was picked, though the server has Logout codes', () => {
    expect(signOutSteps('UCCX', 'READY', codes)).toEqual([{ state: 'LOGOUT', body: '<User><state>LOGOUT</state></User>' }]);
    expect(signOutSteps('UCCE', 'NOT_READY', codes)).toEqual([{ state: 'LOGOUT', body: '<User><state>LOGOUT</state></User>' }]);
  });

  it('sends the picked reason, and refuses one that is not offered before anything is sent', () => {
    expect(signOutSteps('UCCE', 'NOT_READY', codes, '12')).toEqual([{ state: 'LOGOUT', body: '<User><state>LOGOUT</state><reasonCodeId>12</reasonCodeId></User>' }]);
    expect(() => signOutSteps('UCCE', 'NOT_READY', codes, '99')).toThrow(expect.objectContaining({ code: 'finesse.sign-out.unknown-reason', details: expect.objectContaining({ stillSignedIn: true }) }));
  });

  it("UCCE's Ready → Logout never sends a Not Ready reason nobody picked", () => {
    // With Not Ready codes the server would refuse a bare NOT_READY: the agent goes Not Ready first.
    expect(() => signOutSteps('UCCE', 'READY', codes, '11')).toThrow(expect.objectContaining({ code: 'finesse.sign-out.not-ready-first', details: expect.objectContaining({ stillSignedIn: true }) }));
    // Without them the bare NOT_READY is valid and carries nothing.
    expect(signOutSteps('UCCE', 'READY', { ...codes, notReady: [] }, '11')).toEqual([
      { state: 'NOT_READY', body: '<User><state>NOT_READY</state></User>' },
      { state: 'LOGOUT', body: '<User><state>LOGOUT</state><reasonCodeId>11</reasonCodeId></User>' },
    ]);
  });
});

const profile = { id: 'fin', name: 'Finesse', platform: 'finesse' as const, servers: ['https://fin-a.example.com:8445'], authMode: 'password' as const, language: 'en-US', applicationName: 'Patchbay', options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false } };

function setup(signOutError?: Error) {
  const signOuts: unknown[] = [];
  const platform = fakePlatformSession({ ...(signOutError ? { signOutError } : {}), signOuts });
  return { ...managerWith(profile, () => platform), signOuts };
}

describe('the session manager (issue 13 item 6)', () => {
  it('keeps the session and its saved sign-in when the platform refused the sign-out before sending anything', async () => {
    const refused = new PatchbayError('finesse.sign-out.not-ready-first', 'Go Not Ready first.', { action: 'none', details: { stillSignedIn: true } });
    const { manager, cleared } = setup(refused);
    await manager.signIn('fin', {});
    await expect(manager.signOut('fin', { reasonCodeId: '11' })).rejects.toBe(refused);
    expect(manager.snapshot('fin')?.phase).toBe('active');
    await expect(manager.listStates('fin')).resolves.toEqual([]); // still live: the agent can go Not Ready
    expect(cleared).toEqual([]);
    // A failure after something went out still ends the session locally (CARD-02).
    const gone = setup(new Error('server gone'));
    await gone.manager.signIn('fin', {});
    await expect(gone.manager.signOut('fin')).rejects.toThrow('server gone');
    expect(gone.cleared).toEqual(['fin']);
  });

  it('app quit sends no Logout (so no reason) and says in the log that the agent was left signed in', async () => {
    const { manager, signOuts, sink } = setup();
    await manager.signIn('fin', {});
    await manager.shutdown({ signOut: false });
    expect(signOuts).toEqual([]);
    expect(sink.entries.find((e) => e.event === 'session.quit-left-signed-in')).toMatchObject({ profileId: 'fin', platform: 'finesse' });
  });
});
