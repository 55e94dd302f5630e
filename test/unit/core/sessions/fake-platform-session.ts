// Shared setup of the sessions tests: a PlatformSession that signs in and out at once (optionally
// failing the sign-out) and a SessionManager on it, whose sign-in window records the profiles it
// was told to forget. Fake clock, memory log.
import type { Profile } from '../../../../preload/contract.ts';
import type { LoginWindow } from '../../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { Listeners, type PlatformSession, type SessionView } from '../../../../main/core/platforms/platform.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';
import { createCommandHandler } from '../../../../main/core/sessions/command-handler.ts';

/** `signOutError` is thrown by every sign-out (after recording its input in `signOuts`). */
export function fakePlatformSession(options: { signOutError?: Error; signOuts?: unknown[] } = {}): PlatformSession {
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
      options.signOuts?.push(input);
      if (options.signOutError) throw options.signOutError;
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

/** A manager with one profile whose platform sessions come from `session`; `clearFails` makes the
 *  sign-in window's clearProfile throw (after recording the profile in `cleared`). */
export function managerWith(profile: Profile, session: () => PlatformSession, options: { clearFails?: boolean } = {}) {
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
  const manager = new SessionManager({ profiles: new MemoryProfileStore([profile]), factories: { [profile.platform]: session }, log, clock: new FakeClock(), loginWindow });
  return { manager, cleared, sink, handler: createCommandHandler(manager, log) };
}
