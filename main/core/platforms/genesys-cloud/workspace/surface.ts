// What a shell provides to host the embedded component (issue 12): a surface on an origin the renderer
// cannot script — browser shell: a host page on its own loopback origin, framed cross-origin by the
// renderer; Electron: a WebContentsView with its own partition and a preload owned by main. The core's
// WorkspaceHost decides everything (handshake, origins, token hand-over); the surface only carries
// messages. The token passes through `post` and nowhere else (GC-04): never a URL, a log, or the renderer.
import type { WorkspaceOrigins } from './origins.ts';
import type { Incoming } from './protocol.ts';

export interface WorkspaceSurface {
  /** postMessage to the component frame with this exact target origin (GC-07; never '*'). */
  post(message: unknown, targetOrigin: string): void;
  /** Tear the surface down (frame removed, view destroyed, host-page channel closed). Idempotent. */
  close(): void;
}

export interface WorkspaceSurfaceRequest {
  readonly profileId: string;
  /** The URL the component frame loads: no token, no secret (GC-04). */
  readonly componentUrl: string;
  readonly origins: WorkspaceOrigins;
  /** GC-08: the CSP the host context is served with (workspaceCsp(origins)). */
  readonly csp: string;
  /** Every message the host context receives: its origin and whether event.source is the component frame. */
  onMessage(incoming: Incoming): void;
  /** The surface went away by itself (host page closed, view crashed): the pane degrades. */
  onGone(reason: string): void;
}

export interface OpenedSurface {
  readonly surface: WorkspaceSurface;
  /** Browser shell: the host page URL the renderer frames (one-time nonce, consumed on first use). */
  readonly frameUrl?: string;
}

export interface WorkspaceShellPort {
  open(request: WorkspaceSurfaceRequest): Promise<OpenedSurface>;
  /** Electron: place the view over the pane. Returns false where the shell has no native view. */
  setBounds(profileId: string, bounds: { x: number; y: number; width: number; height: number }): boolean;
}

/** A session that can hand the embedded component a token (the Genesys Cloud session): main process only. */
export interface EmbeddableSession {
  /** GC-05: `fresh: true` renews right before the hand-over; `renew: true` (the component's
   *  token-expiring) refreshes whatever the expiry. Rejects when the session is not active. */
  embeddedAccessToken(options: { fresh: boolean; renew?: boolean }): Promise<string>;
}

export function isEmbeddable(session: unknown): session is EmbeddableSession {
  return typeof (session as Partial<EmbeddableSession> | undefined)?.embeddedAccessToken === 'function';
}
