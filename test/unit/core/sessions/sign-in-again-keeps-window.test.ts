// issue 13 item 7: the IdP session in the sign-in window is reused between sign-ins of the same shift
// (a re-sign-in after a lapse does not clear the window's profile) and cleared at sign-out; item 6:
// the Logout reason the agent picked reaches the platform session through the command handler.
import { describe, expect, it } from 'vitest';
import type { LoginWindow } from '../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { Listeners, type PlatformSession, type SessionView } from '../../../../main/core/platforms/platform.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';
import { createCommandHandler } from '../../../../main/core/sessions/command-handler.ts';

const profile = { id: 'corp-a', name: 'Corp A', platform: 'icws' as const, servers: ['https://ic1.example.com:8019'], authMode: 'sso' as const, language: 'en-US', applicationName: 'Patchbay', options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false } };

const signOutInputs: unknown[] = [];

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
    async signOut(input) {
      signOutInputs.push(input);
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
