// SessionManager: profiles → live sessions, commands in, SessionState snapshots out
// (DESIGN.md "sessions/"). It is the only thing the shells talk to.
import type { CallAction, Notice, Platform, Profile, SelectableState, SessionState, SignInOptions, WorkspaceBounds, WorkspaceView } from '../../../preload/contract.ts';
import { systemClock, type Clock } from '../clock.ts';
import { PatchbayError, toPatchbayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { LoginWindow } from '../auth/login-window.ts';
import type { ExternalBrowser } from '../auth/external-browser.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformSession, type SignInInput, type SignOutInput, type PlatformSessionFactory, type SessionView } from '../platforms/platform.ts';
import type { ProfileStore } from './profile-store.ts';
import type { Dispatcher } from 'undici';
import type { CookieJar } from 'tough-cookie';
import { deleteProfileSecrets, type SecretKind, type SecretStore } from '../secrets/secret-store.ts';
import type { ProfileTraces, SessionTransition } from '../diagnostics/export.ts';
import { SessionRecords } from './session-records.ts';
import type { WorkspaceShellPort } from '../platforms/genesys-cloud/workspace/surface.ts';
import { isEmbeddable } from '../platforms/genesys-cloud/workspace/surface.ts';
import { Workspaces } from './workspaces.ts';
import { createPlatformSession, secretAllowed, type SessionJar } from './session-factory.ts';

export interface SessionManagerOptions {
  profiles: ProfileStore;
  factories: Partial<Record<Platform, PlatformSessionFactory>>;
  log: Logger;
  clock?: Clock;
  /** The shell's browser for IdP pages; absent in the headless CLI. */
  loginWindow?: LoginWindow;
  /** The shell's system browser (Genesys Cloud sign-in, RFC 8252); absent in the headless CLI. */
  externalBrowser?: ExternalBrowser;
  /** The keychain (or memory) store for refresh tokens and remembered passwords (secrets/). */
  secrets?: SecretStore;
  /** Which kinds a profile may keep (IT policy + profile); default: refresh tokens only. */
  allowSecret?: (profile: Profile, kind: SecretKind) => boolean;
  /** TLS trust + proxy for every adapter request (net/proxy.ts). */
  dispatcher?: Dispatcher;
  /** IT policy `allowedServerHosts` (PlatformContext.allowedServerHosts). */
  allowedServerHosts?: readonly string[];
  /** The agent's app language as Accept-Language (PlatformContext.acceptLanguage, issue 13 item 11). */
  acceptLanguage?: () => string | undefined;
  /** How many session-state transitions to keep for diagnostics (default 200). */
  transitionHistory?: number;
  /** The shell's host for the embedded Genesys workspace (issue 12); absent in the headless CLI. */
  workspaceShell?: WorkspaceShellPort;
  /** Tests: the embedded component's ready timeout (GC-10). */
  workspaceReadyTimeoutMs?: number;
}

/** What resumeAll() did for one profile that had a saved refresh token. */
export interface ResumeOutcome {
  profileId: string;
  outcome: 'resumed' | 'expired' | 'failed' | 'unsupported' | 'not-allowed';
  /** Error code when it did not resume. */
  code?: string;
}

interface LiveSession {
  profile: Profile;
  session: PlatformSession;
  unsubscribe: () => void;
  jar?: SessionJar;
}

export class SessionManager {
  private readonly options: SessionManagerOptions;
  private readonly clock: Clock;
  private readonly live = new Map<string, LiveSession>();
  private readonly snapshots = new Map<string, SessionState>();
  private readonly seqs = new Map<string, number>();
  readonly stateEvents = new Listeners<SessionState>();
  readonly notices = new Listeners<Notice>();
  private readonly sticky: Notice[] = [];
  /** Transitions and request traces for Export diagnostics. */
  private readonly records: SessionRecords;

  /** Embedded Genesys workspaces; their `workspace.state` events go to the renderer like session states. */
  readonly workspaces: Workspaces;

  constructor(options: SessionManagerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.records = new SessionRecords(options.log, options.transitionHistory);
    this.workspaces = new Workspaces({
      shell: options.workspaceShell,
      clock: this.clock,
      log: options.log,
      ...(options.workspaceReadyTimeoutMs !== undefined ? { readyTimeoutMs: options.workspaceReadyTimeoutMs } : {}),
    });
  }

  /** Issue 12: the Genesys workspace pane of an active Genesys Cloud session. */
  async openWorkspace(profileId: string, bounds?: WorkspaceBounds): Promise<WorkspaceView> {
    const live = this.requireActive(profileId);
    if (live.profile.platform !== 'genesys-cloud' || !isEmbeddable(live.session)) {
      throw new PatchbayError('workspace.not-genesys-cloud', 'The Genesys workspace is only for Genesys Cloud profiles.', { action: 'none' });
    }
    return this.workspaces.openFor(live.profile, live.session, bounds);
  }

  closeWorkspace(profileId: string): WorkspaceView {
    return this.workspaces.close(profileId);
  }

  setWorkspaceBounds(profileId: string, bounds: WorkspaceBounds): boolean {
    return this.workspaces.setBounds(profileId, bounds);
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
    const removed = await this.options.profiles.remove(profileId);
    // "Forget this profile" (CARD-02): its keychain entries go with it.
    if (removed) await this.forgetSecrets(profileId);
    return removed;
  }

  /** Deletes a profile's saved sign-in (refresh token, remembered password) and what the sign-in
   *  window keeps for it (IdP cookies, storage, cache: issue 8 item 7). True when a secret existed.
   *  Runs on sign-out, profile removal and "forget saved sign-in". */
  async forgetSecrets(profileId: string): Promise<boolean> {
    await this.clearSignInWindow(profileId);
    if (!this.options.secrets) return false;
    try {
      return await deleteProfileSecrets(this.options.secrets, profileId);
    } catch (error) {
      this.options.log.warn('secrets.delete-failed', { profileId, error });
      return false;
    }
  }

  private async clearSignInWindow(profileId: string): Promise<void> {
    const loginWindow = this.options.loginWindow;
    if (!loginWindow?.clearProfile) return;
    try {
      await loginWindow.clearProfile(profileId);
    } catch (error) {
      // Signing out must not fail for it; the log says so (IT can clear the profile folder).
      this.options.log.warn('login-window.clear-failed', { profileId, error });
    }
  }

  /** Sends a notice to the renderer; a sticky one (start-up warnings: keychain, policy, settings)
   *  is also kept so a window that connects later can show it (stickyNotices). */
  notify(notice: Notice, options: { sticky?: boolean } = {}): void {
    if (options.sticky) this.sticky.push(notice);
    this.notices.emit(notice);
  }

  /** Start-up warnings for a renderer that connects after they were sent. */
  stickyNotices(): Notice[] {
    return [...this.sticky];
  }

  /**
   * Silent resume at launch (CARD-02): every profile with a saved refresh token signs in without a
   * prompt through its adapter's resume(). A rejected or expired token is deleted and the agent is
   * told why; a network failure keeps it for the next start. Profiles run in parallel.
   */
  async resumeAll(): Promise<ResumeOutcome[]> {
    const secrets = this.options.secrets;
    if (!secrets) return [];
    const profiles = await this.options.profiles.list();
    const outcomes = await Promise.all(profiles.map((profile) => this.resumeOne(profile, secrets)));
    return outcomes.filter((o): o is ResumeOutcome => o !== undefined);
  }

  private async resumeOne(profile: Profile, secrets: SecretStore): Promise<ResumeOutcome | undefined> {
    const profileId = profile.id;
    let token: string | undefined;
    try {
      token = await secrets.get(profileId, 'refresh-token');
    } catch (error) {
      this.options.log.warn('session.resume-unreadable', { profileId, error });
      return undefined;
    }
    if (!token) return undefined;
    if (!this.allows(profile, 'refresh-token')) {
      await secrets.delete(profileId, 'refresh-token').catch(() => false);
      return { profileId, outcome: 'not-allowed' };
    }
    if (this.live.has(profileId)) return undefined;
    const session = this.createSession(profile);
    if (!session.resume) {
      session.dispose();
      return { profileId, outcome: 'unsupported' };
    }
    const unsubscribe = session.onView((view) => this.publish(profile, view));
    this.live.set(profileId, { profile, session, unsubscribe });
    this.options.log.info('session.resume', { profileId });
    let failure: PatchbayError;
    try {
      if (await session.resume()) return { profileId, outcome: 'resumed' };
      const shown = session.view.lastError;
      failure = new PatchbayError(shown?.code ?? 'session.resume-expired', shown?.message ?? 'The saved sign-in has expired.', { action: 'sign-in-again' });
    } catch (error) {
      failure = toPatchbayError(error);
    }
    this.drop(profileId);
    const discard = failure.action === 'sign-in-again';
    if (discard) await secrets.delete(profileId, 'refresh-token').catch(() => false);
    this.options.log.warn('session.resume-failed', { profileId, code: failure.code, discarded: discard });
    this.publish(profile, { ...SIGNED_OUT_VIEW, lastError: { code: failure.code, message: failure.message, action: discard ? 'sign-in-again' : failure.action } });
    this.notify({
      level: discard ? 'info' : 'warning',
      profileId,
      message: discard
        ? `${profile.name}: your saved sign-in could not be used (${trimPeriod(failure.message)}), so it was removed. Please sign in again.`
        : `${profile.name}: could not sign you in automatically (${trimPeriod(failure.message)}). Your saved sign-in is kept; sign in to continue.`,
    });
    return { profileId, outcome: discard ? 'expired' : 'failed', code: failure.code };
  }

  /** The last session-state transitions, oldest first (Export diagnostics). */
  recentTransitions(): SessionTransition[] {
    return this.records.recentTransitions();
  }

  /** Request traces of live sessions and of the last few ended ones (Export diagnostics). */
  recentTraces(): ProfileTraces[] {
    return this.records.recentTraces();
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
  async signInOptions(profileId: string, hint: { userName?: string } = {}): Promise<SignInOptions> {
    const profile = await this.requireProfile(profileId);
    const existing = this.live.get(profileId);
    if (existing) return existing.session.signInOptions(hint);
    const session = this.createSession(profile);
    try {
      return await session.signInOptions(hint);
    } finally {
      session.dispose();
    }
  }

  private createSession(profile: Profile, jar?: SessionJar): PlatformSession {
    return createPlatformSession(profile, this.options, this.clock, this.records, jar);
  }

  private allows(profile: Profile, kind: SecretKind): boolean {
    return secretAllowed(this.options, profile, kind);
  }

  async signIn(profileId: string, input: SignInInput = {}): Promise<SessionState> {
    const profile = await this.requireProfile(profileId);
    const existing = this.live.get(profileId);
    let carried: CookieJar | undefined;
    if (existing) {
      const phase = existing.session.view.phase;
      if (phase === 'active') {
        // FIN-14: an active session that needs a fresh sign-in (refresh token expiring) renews in
        // place, keeping the agent's state.
        if (existing.session.view.lastError?.action === 'sign-in-again') await existing.session.signIn(input);
        return this.snapshots.get(profileId) ?? this.publish(profile, existing.session.view);
      }
      if (phase === 'signing-in' || phase === 'awaiting-user' || phase === 'reconnecting') {
        throw new PatchbayError('session.busy', 'A sign-in for this profile is already in progress.', { action: 'none' });
      }
      // Issue 13 item 7: "Sign in again" after a failed session is the same shift — the new session
      // continues the failed one's cookie jar, so the sign-in window finds the IdP session there and
      // the agent is not asked for the IdP password again. A sign-out clears the jar (and drops the
      // session, so nothing is carried after it).
      if (phase === 'failed') carried = existing.jar?.made;
      this.drop(profileId);
    }
    const jar: SessionJar = { carried };
    const session = this.createSession(profile, jar);
    const unsubscribe = session.onView((view) => this.publish(profile, view));
    this.live.set(profileId, { profile, session, unsubscribe, jar });
    try {
      await session.signIn(input);
    } catch (error) {
      const typed = toPatchbayError(error);
      this.options.log.warn('session.sign-in-failed', { profileId, code: typed.code });
      throw typed;
    }
    return this.snapshots.get(profileId) ?? this.publish(profile, session.view);
  }

  async signOut(profileId: string, input: SignOutInput = {}): Promise<SessionState> {
    const profile = await this.requireProfile(profileId);
    const active = this.live.get(profileId);
    // Refused before anything was sent (issue 13 item 6: a reason no longer offered, UCCE's Not Ready
    // first): the agent is still signed in, so the session and its saved sign-in stay.
    let stillSignedIn = false;
    try {
      if (active) {
        try {
          await active.session.signOut(input);
        } catch (error) {
          stillSignedIn = error instanceof PatchbayError && error.details.stillSignedIn === true;
          throw error;
        } finally {
          if (!stillSignedIn) this.drop(profileId);
        }
      }
    } finally {
      // CARD-02: signing out forgets the saved sign-in, even when the server could not be told.
      if (!stillSignedIn) await this.forgetSecrets(profileId);
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

  async retryNow(profileId: string): Promise<SessionState> {
    const profile = await this.requireProfile(profileId);
    const live = this.live.get(profileId);
    if (!live || live.session.view.phase !== 'reconnecting') throw new PatchbayError('session.not-reconnecting', 'The connection is not waiting to reconnect.', { action: 'none' });
    if (!live.session.retryNow) throw new PatchbayError('session.retry-not-allowed', 'This contact center decides when to reconnect; Patchbay keeps trying by itself.', { action: 'none' });
    if (!live.session.retryNow()) throw new PatchbayError('session.retry-busy', 'Patchbay is trying to reconnect right now.', { action: 'none' });
    return this.snapshots.get(profileId) ?? this.publish(profile, live.session.view);
  }

  async listStates(profileId: string): Promise<SelectableState[]> {
    return this.requireActive(profileId).session.listStates();
  }

  async setAgentState(profileId: string, stateId: string, reasonId?: string): Promise<SessionState> {
    const active = this.requireActive(profileId);
    await active.session.setAgentState(stateId, reasonId);
    return this.snapshots.get(profileId) ?? this.publish(active.profile, active.session.view);
  }

  /** Issue 13 item 9: act on a call; the platform's notification confirms it before this returns. */
  async actOnCall(profileId: string, callId: string, action: CallAction): Promise<SessionState> {
    const active = this.requireActive(profileId);
    if (!active.session.actOnCall) throw new PatchbayError('call.not-supported', 'Patchbay cannot act on calls for this contact center.', { action: 'none' });
    await active.session.actOnCall(callId, action);
    return this.snapshots.get(profileId) ?? this.publish(active.profile, active.session.view);
  }

  /** Stop every session's timers and streams (app quit). Signs out when asked. */
  async shutdown({ signOut }: { signOut: boolean }): Promise<void> {
    for (const [profileId, active] of [...this.live]) {
      if (signOut) await active.session.signOut().catch(() => undefined);
      else if (active.session.view.phase === 'active' || active.session.view.phase === 'reconnecting') {
        // Issue 13 item 6 (docs/console.md): quitting is not signing out. No Logout goes out, so no
        // reason the agent did not pick; the next start resumes the shift, or the platform ends it by
        // its own rule (Finesse: logged out 60 s after the notification channel goes, [PRES]).
        this.options.log.info('session.quit-left-signed-in', { profileId, platform: active.profile.platform });
      }
      this.drop(profileId);
    }
  }

  private drop(profileId: string): void {
    this.workspaces.close(profileId);
    const active = this.live.get(profileId);
    if (!active) return;
    active.unsubscribe();
    active.session.dispose();
    this.live.delete(profileId);
    // Keep the ended session's trace for diagnostics (a few sessions back).
    this.records.retire(profileId);
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
    const previous = this.snapshots.get(profile.id);
    this.snapshots.set(profile.id, state);
    // The workspace lives with the sign-in: signed out or failed closes it (no token to hand over).
    if (state.phase !== 'active' && state.phase !== 'reconnecting') this.workspaces.close(profile.id);
    this.records.record(previous, state);
    if (emit) this.stateEvents.emit(state);
    return state;
  }
}

function trimPeriod(message: string): string {
  return message.replace(/[.\s]+$/, '');
}
