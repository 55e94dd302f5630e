// WorkspaceShellPort on Electron (issue 12; DESIGN.md "Embedded vendor components"): per open, a
// WebContentsView over the pane, in its own in-memory partition, sandboxed, isolated, no Node, with a
// preload owned by main. The view loads the host page patchbay-workspace://host/ (served by this
// partition only, with the core's CSP, GC-08) which frames the component URL (no token, GC-04). The
// preload forwards every message to main; main checks the sender is that view, validates the payload and
// hands it to the core, whose WorkspaceHost decides (GC-06, GC-10). The token travels only through
// `post`, main → that view's preload → the component frame, with its exact origin as target (GC-07).
//
// Only type imports from electron: main.ts passes the real WebContentsView, session and ipcMain; tests pass fakes.
import type { BaseWindow, IpcMain, IpcMainEvent, Session, WebContentsView, WebContentsViewConstructorOptions, WebFrameMain } from 'electron';
import type { OpenedSurface, WorkspaceShellPort, WorkspaceSurface, WorkspaceSurfaceRequest } from '../core/platforms/genesys-cloud/workspace/surface.ts';
import { PatchbayError } from '../core/errors.ts';
import { nullLogger, type Logger } from '../core/log.ts';
import { closeDevToolsWhenPackaged, denyAllPermissions } from './harden.ts';
import { originOf } from './policy.ts';
import { WORKSPACE_HOST_ORIGIN, WORKSPACE_HOST_URL, WORKSPACE_MESSAGE_CHANNEL, WORKSPACE_POST_CHANNEL, WORKSPACE_SCHEME } from './workspace-channels.ts';
import {
  checkComponentUrl,
  createWorkspaceHostHandler,
  isOversize,
  workspaceNavigationAllowed,
  workspacePartition,
  workspaceWebPreferences,
  WorkspaceIpcPayloadSchema,
  type FrameLevel,
} from './workspace-policy.ts';

/** Chromium's net::ERR_ABORTED: a navigation replaced by the next one, not a failure. */
const ERR_ABORTED = -3;

export type WorkspaceWindow = Pick<BaseWindow, 'contentView' | 'isDestroyed' | 'once' | 'removeListener'>;

export interface ElectronWorkspaceDeps {
  WebContentsView: new (options: WebContentsViewConstructorOptions) => WebContentsView;
  session: { fromPartition(partition: string): Session };
  ipcMain: Pick<IpcMain, 'on' | 'removeListener'>;
}

export interface ElectronWorkspaceOptions {
  /** The app's main window, whose content the view is placed over. */
  window: () => WorkspaceWindow | undefined;
  /** Absolute path of the bundled workspace preload (dist/preload/workspace.cjs). */
  preloadPath: string;
  /** `app.isPackaged`: no DevTools in a packaged build. */
  packaged: boolean;
  log?: Logger;
}

interface OpenView {
  readonly request: WorkspaceSurfaceRequest;
  readonly componentOrigin: string;
  readonly view: WebContentsView;
  readonly session: Session;
  readonly dropped: Set<string>;
  closed: boolean;
  teardown(): void;
}

export interface ElectronWorkspaceShell extends WorkspaceShellPort {
  /** Closes every open view and stops listening (app quit). */
  dispose(): void;
}

export function createElectronWorkspaceShell(deps: ElectronWorkspaceDeps, options: ElectronWorkspaceOptions): ElectronWorkspaceShell {
  const log = (options.log ?? nullLogger).child({ component: 'workspace-view', engine: 'electron' });
  const open = new Map<string, OpenView>();
  const untrustedLogged = new Set<string>();

  /** Logged once per view and reason: a hostile page must not flood the log. Never the payload. */
  const drop = (entry: OpenView | undefined, reason: string): void => {
    const seen = entry?.dropped ?? untrustedLogged;
    if (seen.has(reason)) return;
    seen.add(reason);
    log.warn('workspace.ipc-dropped', { reason, ...(entry ? { profileId: entry.request.profileId } : {}) });
  };

  // Electron checklist 17: only the view's own host page may speak on this channel.
  const onIpc = (event: IpcMainEvent, payload: unknown): void => {
    const entry = [...open.values()].find((candidate) => candidate.view.webContents === event.sender);
    if (!entry || entry.closed) return drop(undefined, 'unknown-sender');
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || originOf(frame.url) !== WORKSPACE_HOST_ORIGIN) return drop(entry, 'wrong-frame');
    const parsed = WorkspaceIpcPayloadSchema.safeParse(payload);
    if (!parsed.success) return drop(entry, 'malformed');
    if (isOversize(parsed.data.data)) return drop(entry, 'oversize');
    try {
      entry.request.onMessage({ origin: parsed.data.origin, fromComponentFrame: parsed.data.fromComponentFrame, data: parsed.data.data });
    } catch (error) {
      log.error('workspace.on-message-threw', { profileId: entry.request.profileId, error });
    }
  };
  let listening = false;
  const listen = (): void => {
    if (listening) return;
    deps.ipcMain.on(WORKSPACE_MESSAGE_CHANNEL, onIpc);
    listening = true;
  };

  function harden(entry: Omit<OpenView, 'closed' | 'teardown'>, gone: (reason: string) => void): void {
    const contents = entry.view.webContents;
    const levelOf = (isMainFrame: boolean, frame: WebFrameMain | null | undefined): FrameLevel => {
      if (isMainFrame) return 'main';
      // A direct child of the host page is the component frame; deeper frames are the component's own.
      return frame && frame.parent !== null && frame.parent.parent !== null ? 'nested' : 'component';
    };
    const guard = (kind: string, level: FrameLevel, event: { url: string; preventDefault(): void }): void => {
      if (workspaceNavigationAllowed(event.url, level, entry.componentOrigin)) return;
      event.preventDefault();
      // The origin only: a refused URL may carry anything in its query (GC-04).
      log.warn('workspace.navigation-blocked', { kind, level, target: originOf(event.url) ?? '(unparseable URL)' });
    };
    contents.on('will-navigate', (event) => guard('navigate', 'main', event));
    contents.on('will-frame-navigate', (event) => guard('frame-navigate', levelOf(event.isMainFrame, event.frame), event));
    contents.on('will-redirect', (event) => guard('redirect', levelOf(event.isMainFrame, event.frame), event));
    contents.setWindowOpenHandler((details) => {
      log.warn('workspace.open-blocked', { target: originOf(details.url) ?? '(unparseable URL)' });
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    if (options.packaged) closeDevToolsWhenPackaged(contents, log);
    contents.on('render-process-gone', (_event, details) => gone(`render-process-gone:${details.reason}`));
    contents.on('destroyed', () => gone('destroyed'));
    contents.on('did-fail-load', (_event, errorCode, _description, _url, isMainFrame) => {
      if (isMainFrame && errorCode !== ERR_ABORTED) gone('load-failed');
    });
  }

  async function openView(request: WorkspaceSurfaceRequest): Promise<OpenedSurface> {
    const componentOrigin = checkComponentUrl(request.componentUrl, request.origins.component); // GC-06/07
    const window = options.window();
    if (!window || window.isDestroyed()) {
      throw new PatchbayError('workspace.no-window', 'The Genesys workspace needs the Patchbay window to be open.', { action: 'retry' });
    }
    open.get(request.profileId)?.teardown(); // one view per profile: a new open replaces the old one

    const partition = workspacePartition(request.profileId);
    const ses = deps.session.fromPartition(partition);
    denyAllPermissions(ses, log); // checklist 5: the component gets no camera, microphone, notifications…
    // This partition serves the host page of this open only, with the CSP the core computed (GC-08).
    if (ses.protocol.isProtocolHandled(WORKSPACE_SCHEME)) ses.protocol.unhandle(WORKSPACE_SCHEME);
    ses.protocol.handle(WORKSPACE_SCHEME, createWorkspaceHostHandler({ componentUrl: request.componentUrl, csp: request.csp }));

    const view = new deps.WebContentsView({
      webPreferences: workspaceWebPreferences({ partition, preload: options.preloadPath, packaged: options.packaged }),
    });
    const base = { request, componentOrigin, view, session: ses, dropped: new Set<string>() };
    const onWindowClosed = (): void => gone('window-closed');
    const teardown = (): void => {
      if (entry.closed) return;
      entry.closed = true;
      if (open.get(request.profileId) === entry) open.delete(request.profileId);
      if (!window.isDestroyed()) {
        window.removeListener('closed', onWindowClosed);
        try {
          window.contentView.removeChildView(view);
        } catch (error) {
          log.warn('workspace.remove-view-failed', { error });
        }
      }
      if (!view.webContents.isDestroyed()) view.webContents.close();
      // Nothing the component stored may sign the next person in (DESIGN.md "Trust boundaries": sign-out).
      if (ses.protocol.isProtocolHandled(WORKSPACE_SCHEME)) ses.protocol.unhandle(WORKSPACE_SCHEME);
      ses.clearStorageData().catch((error: unknown) => log.warn('workspace.clear-storage-failed', { error }));
      ses.clearCache().catch((error: unknown) => log.warn('workspace.clear-cache-failed', { error }));
    };
    const entry: OpenView = { ...base, closed: false, teardown };
    function gone(reason: string): void {
      if (entry.closed) return;
      log.warn('workspace.view-gone', { profileId: request.profileId, reason });
      teardown();
      try {
        request.onGone(reason);
      } catch (error) {
        log.error('workspace.on-gone-threw', { profileId: request.profileId, error });
      }
    }
    harden(base, gone);
    open.set(request.profileId, entry);
    listen();

    view.setBounds({ x: 0, y: 0, width: 0, height: 0 }); // hidden until the pane reports where it is
    window.contentView.addChildView(view);
    window.once('closed', onWindowClosed);
    // Not awaited: the load waits for the component frame, and its `ready` must not wait for us.
    view.webContents.loadURL(WORKSPACE_HOST_URL).catch((error: unknown) => {
      log.warn('workspace.load-failed', { profileId: request.profileId, error });
      gone('load-failed');
    });

    const surface: WorkspaceSurface = {
      post(message, targetOrigin) {
        if (entry.closed || view.webContents.isDestroyed()) return;
        // GC-07: the exact component origin, never '*' or any other (the preload checks again).
        if (targetOrigin !== componentOrigin) {
          log.warn('workspace.post-refused', { profileId: request.profileId, reason: 'target-origin' });
          return;
        }
        view.webContents.send(WORKSPACE_POST_CHANNEL, { message, targetOrigin });
      },
      close: teardown,
    };
    return { surface };
  }

  return {
    open: openView,
    setBounds(profileId, bounds) {
      const entry = open.get(profileId);
      if (!entry || entry.closed) return false;
      const clamp = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0);
      entry.view.setBounds({ x: clamp(bounds.x), y: clamp(bounds.y), width: clamp(bounds.width), height: clamp(bounds.height) });
      return true;
    },
    dispose() {
      for (const entry of [...open.values()]) entry.teardown();
      if (listening) deps.ipcMain.removeListener(WORKSPACE_MESSAGE_CHANNEL, onIpc);
      listening = false;
    },
  };
}
