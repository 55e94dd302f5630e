// SessionManager: profiles → live sessions, commands in, SessionState snapshots out
// (DESIGN.md "sessions/"). It is the only thing the shells talk to.
import type { Notice, Platform, Profile, SelectableState, SessionState, SignInOptions } from '../../../preload/contract.ts';
import { systemClock, type Clock } from '../clock.ts';
import { PatchbayError, toPatchbayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { LoginWindow } from '../auth/login-window.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformSession, type SignInInput, type PlatformSessionFactory, type SessionView } from '../platforms/platform.ts';
import type { ProfileStore } from './profile-store.ts';

export interface SessionManagerOptions {
  profiles: ProfileStore;
  factories: Partial<Record<Platform, PlatformSessionFactory>>;
  log: Logger;
  clock?: Clock;
  /** The shell's browser for IdP pages; absent in the headless CLI. */
  loginWindow?: LoginWindow;
}

interface LiveSession {
  profile: Profile;
  session: PlatformSession;
  unsubscribe: () => void;
}

export class SessionManager {
  private readonly options: SessionManagerOptions;
  private readonly clock: Clock;
  private readonly live = new Map<string, LiveSession>();
  private readonly snapshots = new Map<string, SessionState>();
  private readonly seqs = new Map<string, number>();
  readonly stateEvents = new Listeners<SessionState>();
  readonly notices = new Listeners<Notice>();

  constructor(options: SessionManagerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  listProfiles(): Promise<Profile[]> {
    return this.options.profiles.list();
  }

  async saveProfile(profile: Profile): Promise<Profile> {
    const active = this.live.get(profile.id);
    if (active && active.session.view.phase !== 'signed-out' && active.session.view.phase !== 'failed') {
      throw new PatchbayError('profiles.in-use', 'Sign out of this profile before changing it.', { action: 'none' });
    }
    const saved = await this.options.profiles.save(profile);
    this.publish(saved, this.snapshots.get(saved.id) ? this.viewOf(saved.id) : SIGNED_OUT_VIEW);
    return saved;
  }

  async removeProfile(profileId: string): Promise<boolean> {
    const active = this.live.get(profileId);
    if (active) {
      await active.session.signOut().catch(() => undefined);
      this.drop(profileId);
    }
    this.snapshots.delete(profileId);
    return this.options.profiles.remove(profileId);
  }

  /** One snapshot per known profile (signed-out ones included). */
  async listSessions(): Promise<SessionState[]> {
    const profiles = await this.options.profiles.list();
    return profiles.map((profile) => this.snapshots.get(profile.id) ?? this.publish(profile, SIGNED_OUT_VIEW, false));
  }

  snapshot(profileId: string): SessionState | undefined {
    return this.snapshots.get(profileId);
  }

  /** Signs in and resolves with the snapshot once active; rejects with a PatchbayError otherwise. */
  /** What the sign-in form must ask for (asks the server where the platform needs it). */
  async signInOptions(profileId: string): Promise<SignInOptions> {
    const profile = await this.requireProfile(profileId);
    const existing = this.live.get(profileId);
    if (existing) return existing.session.signInOptions();
    const session = this.createSession(profile);
    try {
      return await session.signInOptions();
    } finally {
      session.dispose();
    }
  }

  private createSession(profile: Profile): PlatformSession {
    const factory = this.options.factories[profile.platform];
    if (!factory) {
      throw new PatchbayError('platform.unsupported', `Signing in to ${profile.platform} is not available in this version of Patchbay.`, {
        action: 'contact-it',
      });
    }
    return factory({ profile, clock: this.clock, log: this.options.log.child({ profileId: profile.id }), ...(this.options.loginWindow ? { loginWindow: this.options.loginWindow } : {}) });
  }

  async signIn(profileId: string, input: SignInInput = {}): Promise<SessionState> {
    const profile = await this.requireProfile(profileId);
    const existing = this.live.get(profileId);
    if (existing) {
      const phase = existing.session.view.phase;
      if (phase === 'active') return this.snapshots.get(profileId) ?? this.publish(profile, existing.session.view);
      if (phase === 'signing-in' || phase === 'awaiting-user' || phase === 'reconnecting') {
        throw new PatchbayError('session.busy', 'A sign-in for this profile is already in progress.', { action: 'none' });
      }
      this.drop(profileId);
    }
    const session = this.createSession(profile);
    const unsubscribe = session.onView((view) => this.publish(profile, view));
    this.live.set(profileId, { profile, session, unsubscribe });
    try {
      await session.signIn(input);
    } catch (error) {
      const typed = toPatchbayError(error);
      this.options.log.warn('session.sign-in-failed', { profileId, code: typed.code });
      throw typed;
    }
    return this.snapshots.get(profileId) ?? this.publish(profile, session.view);
  }

  async signOut(profileId: string): Promise<SessionState> {
    const profile = await this.requireProfile(profileId);
    const active = this.live.get(profileId);
    if (active) {
      try {
        await active.session.signOut();
      } finally {
        this.drop(profileId);
      }
    }
    return this.publish(profile, SIGNED_OUT_VIEW);
  }

  async cancel(profileId: string): Promise<SessionState> {
    const profile = await this.requireProfile(profileId);
    const active = this.live.get(profileId);
    if (active) {
      active.session.cancel();
      this.drop(profileId);
    }
    return this.publish(profile, SIGNED_OUT_VIEW);
  }

  async listStates(profileId: string): Promise<SelectableState[]> {
    return this.requireActive(profileId).session.listStates();
  }

  async setAgentState(profileId: string, stateId: string, reasonId?: string): Promise<SessionState> {
    const active = this.requireActive(profileId);
    await active.session.setAgentState(stateId, reasonId);
    return this.snapshots.get(profileId) ?? this.publish(active.profile, active.session.view);
  }

  /** Stop every session's timers and streams (app quit). Signs out when asked. */
  async shutdown({ signOut }: { signOut: boolean }): Promise<void> {
    for (const [profileId, active] of [...this.live]) {
      if (signOut) await active.session.signOut().catch(() => undefined);
      this.drop(profileId);
    }
  }

  private drop(profileId: string): void {
    const active = this.live.get(profileId);
    if (!active) return;
    active.unsubscribe();
    active.session.dispose();
    this.live.delete(profileId);
  }

  private viewOf(profileId: string): SessionView {
    return this.live.get(profileId)?.session.view ?? SIGNED_OUT_VIEW;
  }

  private requireActive(profileId: string): LiveSession {
    const active = this.live.get(profileId);
    if (!active || active.session.view.phase !== 'active') {
      throw new PatchbayError('session.not-active', 'Sign in first.', { action: 'sign-in-again' });
    }
    return active;
  }

  private async requireProfile(profileId: string): Promise<Profile> {
    const profile = await this.options.profiles.get(profileId);
    if (!profile) throw new PatchbayError('profiles.not-found', `There is no profile "${profileId}".`, { action: 'none' });
    return profile;
  }

  private publish(profile: Profile, view: SessionView, emit = true): SessionState {
    const seq = (this.seqs.get(profile.id) ?? 0) + 1;
    this.seqs.set(profile.id, seq);
    const state: SessionState = {
      ...view,
      profileId: profile.id,
      profileName: profile.name,
      platform: profile.platform,
      seq,
      updatedAt: new Date(this.clock.now()).toISOString(),
    };
    this.snapshots.set(profile.id, state);
    if (emit) this.stateEvents.emit(state);
    return state;
  }
}
