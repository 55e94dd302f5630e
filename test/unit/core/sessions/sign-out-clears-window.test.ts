// issue 8 item 7: sign-out, profile removal and "forget saved sign-in" clear what the sign-in window
// keeps for the profile (LoginWindow.clearProfile), even when the server or the keychain fails.
import { describe, expect, it } from 'vitest';
import { fakePlatformSession, managerWith } from './fake-platform-session.ts';

const profile = { id: 'corp-a', name: 'Corp A', platform: 'icws' as const, servers: ['https://ic1.example.com:8019'], authMode: 'sso' as const, language: 'en-US', applicationName: 'Patchbay', options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false } };

function setup(options: { signOutFails?: boolean; clearFails?: boolean } = {}) {
  const session = () => fakePlatformSession({ ...(options.signOutFails ? { signOutError: new Error('server gone') } : {}) });
  return managerWith(profile, session, options);
}

describe('the sign-in window forgets the profile', () => {
  it('on sign-out, even when the server cannot be told', async () => {
    for (const signOutFails of [false, true]) {
      const { manager, cleared } = setup({ signOutFails });
      await manager.signIn('corp-a', {});
      await manager.signOut('corp-a').catch(() => undefined);
      expect(cleared, String(signOutFails)).toEqual(['corp-a']);
    }
  });

  it('on profile removal and on "forget saved sign-in"', async () => {
    const a = setup();
    await a.manager.removeProfile('corp-a');
    expect(a.cleared).toEqual(['corp-a']);
    const b = setup();
    expect(await b.handler('profiles.forgetSecrets', { profileId: 'corp-a' })).toMatchObject({ ok: true });
    expect(b.cleared).toEqual(['corp-a']);
  });

  it('a clearing failure is logged and does not fail the sign-out', async () => {
    const { manager, cleared, sink } = setup({ clearFails: true });
    await manager.signIn('corp-a', {});
    expect((await manager.signOut('corp-a')).phase).toBe('signed-out');
    expect(cleared).toEqual(['corp-a']);
    expect(sink.entries.some((e) => e.event === 'login-window.clear-failed')).toBe(true);
  });
});
