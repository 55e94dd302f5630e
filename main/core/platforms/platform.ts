// The PlatformSession port every adapter implements, and the common agent-state model
// (DESIGN.md "platforms/"). Adapters never import each other.
import type { CallAction, Profile, SelectableState, SessionState, SignInOptions } from '../../../preload/contract.ts';
import type { LoginWindow } from '../auth/login-window.ts';
import type { ExternalBrowser } from '../auth/external-browser.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Dispatcher } from 'undici';
import type { HttpSession } from '../net/http-session.ts';
import type { HttpSessionOptions } from '../net/types.ts';
import type { ProfileSecrets } from '../secrets/secret-store.ts';

/** What an adapter publishes: the session state without the identity fields the SessionManager adds. */
export type SessionView = Omit<SessionState, 'profileId' | 'profileName' | 'platform' | 'seq' | 'updatedAt'>;

export interface Credentials {
  userName: string;
  password: string;
}

/** One sign-in request, as the contract's session.signIn carries it (minus the profile id). */
export interface SignInInput {
  credentials?: Credentials;
  sso?: { identityProviderId?: string; userName?: string };
  extension?: string;
}

export interface SignOutInput {
  reasonCodeId?: string;
}

export interface PlatformSession {
  /** Current view; changes only through the adapter's reducer. */
  readonly view: SessionView;
  /** What the sign-in form must ask for; may ask the server (works before sign-in). */
  signInOptions(hint?: { userName?: string }): Promise<SignInOptions>;
  /** Resolves when the session is active; rejects with a PatchbayError otherwise (view shows it). */
  signIn(input: SignInInput): Promise<void>;
  /** reasonCodeId: the Logout reason the agent picked (issue 13 item 6); absent = none picked. */
  signOut(input?: SignOutInput): Promise<void>;
  /** Abandon a sign-in or reconnect in progress. */
  cancel(): void;
  listStates(): Promise<SelectableState[]>;
  setAgentState(stateId: string, reasonId?: string): Promise<void>;
  /** Called with each new view. Returns an unsubscribe function. */
  onView(listener: (view: SessionView) => void): () => void;
  /** Stop timers and streams without talking to the server. */
  dispose(): void;
  /**
   * Silent resume at launch (CARD-02): sign in with no prompt using what this adapter saved in
   * `context.secrets` (a refresh token). Resolves true once active; false when the saved secret
   * was rejected or has expired (the SessionManager then deletes it and tells the agent why, from
   * `view.lastError` when set). Rejects with a PatchbayError for anything else: action
   * 'sign-in-again' deletes the secret too, any other action keeps it for the next start.
   * Optional: platforms without refresh tokens (ICWS) leave it out.
   */
  resume?(): Promise<boolean>;
  /**
   * Reconnecting: make the scheduled attempt now ("Retry now", issue 13 item 2). False when nothing is
   * waiting. Optional: platforms whose reconnect schedule is part of the protocol leave it out (ICWS
   * spreads reconnects after a switchover on purpose, seed 000 reconnect steps 1–2).
   */
  retryNow?(): boolean;
  /** Answer / hold / retrieve / release a call (issue 13 item 9); resolves once the platform confirms it.
   *  Optional: platforms without call control leave it out. */
  actOnCall?(callId: string, action: CallAction): Promise<void>;
}

export interface PlatformContext {
  profile: Profile;
  clock: Clock;
  log: Logger;
  /** The shell's JavaScript-executing browser for IdP pages (absent in the headless CLI). */
  loginWindow?: LoginWindow;
  /** The shell's system browser (RFC 8252 §8.12; Genesys Cloud sign-in), absent in the headless CLI. */
  externalBrowser?: ExternalBrowser;
  /** This profile's keychain entries (refresh token; password only where policy and profile allow
   *  "remember password"). Absent when the app runs without a SecretStore (CLI probe). */
  secrets?: ProfileSecrets;
  /** The undici Dispatcher with the OS + IT trust store and the proxy (net/proxy.ts). Pass it to
   *  any HttpSession the adapter makes: `new HttpSession({ ..., dispatcher: context.dispatcher })`. */
  dispatcher?: Dispatcher;
  /** Makes this profile's HttpSession with the dispatcher, log and clock filled in, and keeps its
   *  request trace for "Export diagnostics". Prefer it to `new HttpSession(...)`. */
  createHttpSession?: (options?: Omit<HttpSessionOptions, 'profileId'> & { log?: Logger; clock?: Clock }) => HttpSession;
  /** IT policy `allowedServerHosts`: hosts (or ".domain" suffixes) a server may name for failover
   *  beyond the profile server's parent domain (Finesse SystemInfo nodes). */
  allowedServerHosts?: readonly string[];
  /** The agent's app language as an Accept-Language value (issue 13 item 11); pass it to any
   *  HttpSession the adapter makes. Absent: no header beyond what the protocol sets. */
  acceptLanguage?: () => string | undefined;
}

export type PlatformSessionFactory = (context: PlatformContext) => PlatformSession;

export const SIGNED_OUT_VIEW: SessionView = Object.freeze({ phase: 'signed-out', selectableStates: [] }) as SessionView;

/** Small listener set shared by adapters. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }
}
