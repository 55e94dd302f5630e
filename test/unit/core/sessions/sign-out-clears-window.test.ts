// issue 8 item 7: sign-out, profile removal and "forget saved sign-in" clear what the sign-in window
// keeps for the profile (LoginWindow.clearProfile), even when the server or the keychain fails.
import { describe, expect, it } from 'vitest';
import type { LoginWindow } from '../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { Listeners, type PlatformSession, type SessionView } from '../../../../main/core/platforms/platform.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';
import { createCommandHandler } from '../../../../main/core/sessions/command-handler.ts';

const profile = { id: 'corp-a', name: 'Corp A', platform: 'icws' as const, servers: ['https://ic1.example.com:8019'], authMode: 'sso' as const, language: 'en-US', applicationName: 'Patchbay', options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false } };

function session(signOutFails = false): PlatformSession {
  const listeners = new Listeners<SessionView>();
  let view: SessionView = { phase: 'signed-out', selectableStates: [] };
  return {
    get view() {
      return view;
    },
    async signInOptions() {
      return { credentialsForm: false, identityProviders: [], userNameRequired: false, extensionRequired: false };
    },
    async signIn() {
      view = { phase: 'active', selectableStates: [] };
      listeners.emit(view);
    },
    async signOut() {
      if (signOutFails) throw new Error('server gone');
      view = { phase: 'signed-out', selectableStates: [] };
      listeners.emit(view);
    },
    cancel() {},
    async listStates() {
      return [];
    },
    async setAgentState() {},
    onView: (l) => listeners.add(l),
    dispose() {},
  };
}

function setup(options: { signOutFails?: boolean; clearFails?: boolean } = {}) {
  const cleared: string[] = [];
  const loginWindow: LoginWindow = {
    run: () => Promise.reject(new Error('not used')),
    clearProfile: async (id) => {
      cleared.push(id);
      if (options.clearFails) throw new Error('disk');
    },
  };
  const sink = memorySink();
  const log = createLogger({ sink });
  const manager = new SessionManager({ profiles: new MemoryProfileStore([profile]), factories: { icws: () => session(options.signOutFails) }, log, clock: new FakeClock(), loginWindow });
  return { manager, cleared, sink, handler: createCommandHandler(manager, log) };
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
