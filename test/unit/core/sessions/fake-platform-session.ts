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

export interface FakePlatformSessionOptions {
  /** Thrown by every sign-out (after recording its input in `signOuts`). */
  signOutError?: Error;
  signOuts?: unknown[];
  /** Runs at each sign-in; the view it returns replaces the default `active`. */
  onSignIn?: () => Promise<SessionView | undefined>;
  /** Runs at each sign-out that succeeds, before the view turns `signed-out`. */
  onSignOut?: () => Promise<void>;
}

export function fakePlatformSession(options: FakePlatformSessionOptions = {}): PlatformSession {
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
      view = (await options.onSignIn?.()) ?? { phase: 'active', selectableStates: [] };
      listeners.emit(view);
    },
    async signOut(input) {
      options.signOuts?.push(input);
      if (options.signOutError) throw options.signOutError;
      await options.onSignOut?.();
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
