// What the workspace view's preload does in the host page (issue 12; DESIGN.md "Embedded vendor
// components"). It runs in the preload's isolated world, so the host page itself has no script and
// nothing is exposed to its main world (no contextBridge). Typed structurally, without the DOM lib, so
// plain Node tests drive it with fakes; workspace-preload.ts passes the real window and ipcRenderer.
//  - every `message` event goes to main as {origin, fromComponentFrame, data}; main and the core decide
//    (GC-06: exact origin AND event.source === the component frame's window);
//  - main's posts reach the component frame only with its exact origin as target (GC-07: never '*').
import { WORKSPACE_FRAME_ID, WORKSPACE_MAX_MESSAGE_CHARS, WORKSPACE_MESSAGE_CHANNEL, WORKSPACE_POST_CHANNEL } from './workspace-channels.ts';

export interface HostMessageEvent {
  readonly origin: unknown;
  readonly source: unknown;
  readonly data: unknown;
}
export interface PostTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}
export interface HostFrame {
  readonly src: string;
  readonly contentWindow: PostTarget | null;
}
export interface HostWindow {
  addEventListener(type: 'message', listener: (event: HostMessageEvent) => void): void;
  readonly document: { getElementById(id: string): unknown };
}
export interface HostIpc {
  send(channel: string, payload: unknown): void;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

function originOfSrc(src: string): string | undefined {
  try {
    const url = new URL(src);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** JSON length of a message, or undefined when it cannot be measured (cycles, BigInt). */
function sizeOf(data: unknown): number | undefined {
  try {
    return JSON.stringify(data)?.length ?? 0;
  } catch {
    return undefined;
  }
}

export function installWorkspaceHost(win: HostWindow, ipc: HostIpc): void {
  const frame = (): HostFrame | undefined => {
    const element = win.document.getElementById(WORKSPACE_FRAME_ID);
    return element !== null && typeof element === 'object' ? (element as HostFrame) : undefined;
  };

  win.addEventListener('message', (event) => {
    const size = sizeOf(event.data);
    if (size === undefined || size > WORKSPACE_MAX_MESSAGE_CHARS) return; // oversize or unmeasurable: dropped
    const contentWindow = frame()?.contentWindow ?? null;
    const payload = {
      origin: typeof event.origin === 'string' ? event.origin : '',
      // GC-06: which frame sent it is known only here, where the frame's window is.
      fromComponentFrame: contentWindow !== null && event.source === contentWindow,
      data: event.data,
    };
    try {
      ipc.send(WORKSPACE_MESSAGE_CHANNEL, payload);
    } catch {
      // Not serialisable for IPC (a Blob, a port): not a protocol message, dropped.
    }
  });

  ipc.on(WORKSPACE_POST_CHANNEL, (_event, payload) => {
    if (payload === null || typeof payload !== 'object') return;
    const { message, targetOrigin } = payload as { message?: unknown; targetOrigin?: unknown };
    const target = frame();
    if (!target?.contentWindow || typeof targetOrigin !== 'string') return;
    // GC-07: only to the frame's own exact origin; '*' or any other origin is refused here too.
    if (targetOrigin === '*' || targetOrigin !== originOfSrc(target.src)) return;
    target.contentWindow.postMessage(message, targetOrigin);
  });
}
