// The embedded Genesys workspace per profile (issue 12): opens a surface through the shell's
// WorkspaceShellPort, runs the core's WorkspaceHost on it (handshake, exact origins, token hand-over,
// bounded renewal) and publishes `workspace.state` views — derived state only, never a token (GC-04).
import type { Profile, WorkspaceBounds, WorkspaceView } from '../../../preload/contract.ts';
import type { Clock } from '../clock.ts';
import { PatchbayError, toPatchbayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { Listeners } from '../platforms/platform.ts';
import { WorkspaceHost } from '../platforms/genesys-cloud/workspace/host.ts';
import { workspaceCsp, workspaceOrigins } from '../platforms/genesys-cloud/workspace/origins.ts';
import type { WorkspaceView as HostView } from '../platforms/genesys-cloud/workspace/protocol.ts';
import type { EmbeddableSession, WorkspaceShellPort, WorkspaceSurface } from '../platforms/genesys-cloud/workspace/surface.ts';

export interface WorkspacesOptions {
  shell?: WorkspaceShellPort | undefined;
  clock: Clock;
  log: Logger;
  /** Tests: the component's ready timeout (GC-10). */
  readyTimeoutMs?: number;
}

interface OpenWorkspace {
  host: WorkspaceHost | undefined;
  surface: WorkspaceSurface | undefined;
  frameUrl: string | undefined;
  view: WorkspaceView;
}

export class Workspaces {
  readonly events = new Listeners<WorkspaceView>();
  private readonly options: WorkspacesOptions;
  private readonly open = new Map<string, OpenWorkspace>();

  constructor(options: WorkspacesOptions) {
    this.options = options;
  }

  view(profileId: string): WorkspaceView {
    return this.open.get(profileId)?.view ?? this.closedView(profileId);
  }

  /** Opens (or returns the open) workspace of an active Genesys Cloud session. */
  async openFor(profile: Profile, session: EmbeddableSession, bounds?: WorkspaceBounds): Promise<WorkspaceView> {
    const existing = this.open.get(profile.id);
    if (existing && existing.view.phase !== 'degraded') return existing.view;
    if (existing) this.close(profile.id);
    const shell = this.options.shell;
    if (!shell) throw new PatchbayError('workspace.unavailable', 'This window cannot show the Genesys workspace.', { action: 'none' });
    const gc = profile.options.genesysCloud;
    const origins = workspaceOrigins({
      ...(gc?.region ? { region: gc.region } : {}),
      ...(gc?.componentUrl ? { componentUrl: gc.componentUrl, apiBase: profile.servers[0] ?? '' } : {}),
    });
    const entry: OpenWorkspace = { host: undefined, surface: undefined, frameUrl: undefined, view: this.viewOf(profile.id, { phase: 'opening' }) };
    this.open.set(profile.id, entry);
    this.emit(entry);
    let host: WorkspaceHost | undefined;
    try {
      const opened = await shell.open({
        profileId: profile.id,
        componentUrl: origins.component,
        origins,
        csp: workspaceCsp(origins),
        onMessage: (incoming) => host?.receive(incoming),
        onGone: (reason) => {
          this.options.log.info('workspace.surface.gone', { profileId: profile.id, reason });
          if (this.open.get(profile.id) === entry) this.close(profile.id);
        },
      });
      if (this.open.get(profile.id) !== entry) {
        opened.surface.close(); // closed while the surface was being made
        return this.view(profile.id);
      }
      entry.surface = opened.surface;
      entry.frameUrl = opened.frameUrl;
      if (bounds) shell.setBounds(profile.id, bounds);
      host = new WorkspaceHost({
        origins,
        port: opened.surface,
        clock: this.options.clock,
        log: this.options.log.child({ workspace: profile.id }),
        accessToken: (options) => session.embeddedAccessToken(options),
        ...(this.options.readyTimeoutMs !== undefined ? { readyTimeoutMs: this.options.readyTimeoutMs } : {}),
        onView: (view) => {
          entry.view = this.viewOf(profile.id, view, entry.frameUrl);
          // Degraded: the component goes away (an Electron view must not cover the pane's message and
          // its sign-in button); opening again makes a new surface.
          if (view.phase === 'degraded' && entry.surface) {
            entry.surface.close();
            entry.surface = undefined;
          }
          this.emit(entry);
        },
      });
      entry.host = host;
      return entry.view;
    } catch (error) {
      const typed = toPatchbayError(error);
      this.options.log.warn('workspace.open-failed', { profileId: profile.id, code: typed.code });
      if (this.open.get(profile.id) === entry) {
        entry.surface?.close();
        entry.view = this.viewOf(profile.id, { phase: 'degraded', message: typed.message });
        this.emit(entry);
      }
      throw typed;
    }
  }

  setBounds(profileId: string, bounds: WorkspaceBounds): boolean {
    if (!this.open.has(profileId) || !this.options.shell) return false;
    return this.options.shell.setBounds(profileId, bounds);
  }

  close(profileId: string): WorkspaceView {
    const entry = this.open.get(profileId);
    if (!entry) return this.closedView(profileId);
    this.open.delete(profileId);
    entry.host?.close();
    entry.surface?.close();
    const view = this.closedView(profileId);
    this.events.emit(view);
    return view;
  }

  closeAll(): void {
    for (const profileId of [...this.open.keys()]) this.close(profileId);
  }

  private emit(entry: OpenWorkspace): void {
    this.events.emit(entry.view);
  }

  private closedView(profileId: string): WorkspaceView {
    return { profileId, phase: 'closed', updatedAt: new Date(this.options.clock.now()).toISOString() };
  }

  /** Only derived fields cross to the renderer: the host's view has no token, and none is added here. */
  private viewOf(profileId: string, view: Pick<HostView, 'phase'> & Partial<HostView> | { phase: 'opening'; message?: string }, frameUrl?: string): WorkspaceView {
    const v = view as Partial<HostView> & { phase: WorkspaceView['phase'] };
    return {
      profileId,
      phase: v.phase,
      ...(frameUrl ? { frameUrl } : {}),
      ...(v.userId ? { userId: v.userId } : {}),
      ...(v.queue ? { queue: { position: v.queue.position, total: v.queue.total } } : {}),
      ...(v.lastInteractionEnded ? { lastInteractionEnded: v.lastInteractionEnded } : {}),
      ...(v.message ? { message: v.message } : {}),
      updatedAt: new Date(this.options.clock.now()).toISOString(),
    };
  }
}
