// The seam between the Genesys Cloud session and its OAuth side (issue 10): the session orchestrates
// notifications, presence and conversations; this port owns PKCE sign-in, renewal and revocation.
// Tokens never leave the core (GC-04): the session asks for one per request and never stores it.
import type { PatchbayError } from '../../errors.ts';

/** What the session may show about the grant (times only, no token). */
export interface GenesysCloudGrantInfo {
  /** Clock ms when the access token expires / the next renewal is due. */
  expiresAt?: number;
  refreshAt?: number;
  /** Scopes the server granted (GC-02), as the token response named them. */
  scopes: string[];
  /** True when the org's client returned a refresh token (kept in the keychain only). */
  hasRefreshToken: boolean;
}

export type GenesysCloudAuthEvent =
  /** A new access token replaced the old one (notification sockets need not reconnect). */
  | { kind: 'renewed'; info: GenesysCloudGrantInfo }
  /** Renewal failed; `signInPending` when the token lapsed while a visible sign-in still runs (it
   *  goes on: `renewed` or a final failure follows); `final` after the last of at most 3 attempts (GC-09): the agent must sign in. */
  | { kind: 'renewal-failed'; error: PatchbayError; final: boolean; nextAttemptAt?: number; signInPending?: boolean }
  /** The agent will be asked to sign in by `deadline` (announced ahead of a visible sign-in). */
  | { kind: 'sign-in-needed'; deadline: number };

export interface GenesysCloudAuth {
  /** Interactive sign-in (GC-03): PKCE authorize in the system browser or the LoginWindow, code
   *  exchange, scope check (GC-02: throws `genesys-cloud.scopes.missing` naming them). */
  signIn(options?: { signal?: AbortSignal }): Promise<GenesysCloudGrantInfo>;
  /** Silent resume at launch from the keychain's refresh token: false when none or rejected. */
  resume(): Promise<boolean>;
  /** A valid access token for one request. `fresh: true` renews first when the token would not
   *  outlive the start-up margin (GC-05: before a notification channel or component starts).
   *  `renew: true` refreshes now whatever the expiry: the embedded component said its token is expiring
   *  (seed 004: on token-expiring, run the refresh sequence). A failed refresh keeps the valid token. */
  accessToken(options?: { fresh?: boolean; renew?: boolean; signal?: AbortSignal }): Promise<string>;
  /** The server said the token is no longer valid (401, token_revoked): renew now or fail. */
  invalidate(reason: string): Promise<void>;
  readonly info: GenesysCloudGrantInfo | undefined;
  onEvent(listener: (event: GenesysCloudAuthEvent) => void): () => void;
  /** Revoke (DELETE /api/v2/tokens/me), delete keychain entries, clear the sign-in window's data. */
  signOut(): Promise<void>;
  /** Stop timers without talking to the server. */
  dispose(): void;
}
