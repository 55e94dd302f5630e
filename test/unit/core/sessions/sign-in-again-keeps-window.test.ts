// issue 13 item 7: the IdP session in the sign-in window is reused between sign-ins of the same shift
// (a re-sign-in after a lapse does not clear the window's profile) and cleared at sign-out; item 6:
// the Logout reason the agent picked reaches the platform session through the command handler.
import { describe, expect, it } from 'vitest';
import { fakePlatformSession, managerWith } from './fake-platform-session.ts';

const profile = { id: 'corp-a', name: 'Corp A', platform: 'icws' as const, servers: ['https://ic1.example.com:8019'], authMode: 'sso' as const, language: 'en-US', applicationName: 'Patchbay', options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false } };

const signOutInputs: unknown[] = [];

function setup(options: { signOutFails?: boolean; clearFails?: boolean } = {}) {
  const session = () => fakePlatformSession({ ...(options.signOutFails ? { signOutError: new Error('server gone') } : {}), signOuts: signOutInputs });
  return managerWith(profile, session, options);
}

describe('sign in again in place (issue 13 item 7)', () => {
  it('keeps the sign-in window profile across re-sign-ins of the shift and clears it at sign-out', async () => {
    const { manager, cleared } = setup();
    await manager.signIn('corp-a', {});
    await manager.signIn('corp-a', {}); // renewal / sign in again after a lapse
    await manager.cancel('corp-a');
    await manager.signIn('corp-a', {});
    expect(cleared).toEqual([]);
    await manager.signOut('corp-a');
    expect(cleared).toEqual(['corp-a']);
  });

  it('passes the picked Logout reason, and none when none was picked (issue 13 item 6)', async () => {
    const { manager, handler } = setup();
    signOutInputs.length = 0;
    await manager.signIn('corp-a', {});
    expect(await handler('session.signOut', { profileId: 'corp-a', reasonCodeId: '22' })).toMatchObject({ ok: true });
    await manager.signIn('corp-a', {});
    expect(await handler('session.signOut', { profileId: 'corp-a' })).toMatchObject({ ok: true });
    expect(signOutInputs).toEqual([{ reasonCodeId: '22' }, {}]);
  });
});
