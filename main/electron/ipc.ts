// ipcMain binding for the typed contract (DESIGN.md "The contract": main checks the sender and
// validates every argument; nothing throws across the bridge). Only type imports from electron, so
// plain Node tests drive it with a fake ipcMain.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type EventName, type EventPayload, type Result } from '../../preload/contract.ts';
import type { Logger } from '../core/log.ts';
import type { CommandHandler } from '../core/sessions/command-handler.ts';
import type { SessionManager } from '../core/sessions/session-manager.ts';
import { APP_ORIGIN, isTrustedSender, originOf } from './policy.ts';

export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;
export type WindowLike = Pick<BrowserWindow, 'webContents' | 'isDestroyed'>;
export type EventSource = Pick<SessionManager, 'stateEvents' | 'notices'> & Partial<Pick<SessionManager, 'workspaces'>>;

const UNTRUSTED: Result<never> = {
  ok: false,
  error: { code: 'contract.untrusted-sender', message: 'This request did not come from a Patchbay window.', action: 'none' },
};
const INTERNAL: Result<never> = {
  ok: false,
  error: { code: 'internal.unexpected', message: 'Something unexpected went wrong. Details are in the log.', action: 'retry' },
};

/**
 * Answers IPC_INVOKE_CHANNEL through `handler` for frames of `appOrigin` only, and forwards the
 * manager's state snapshots and notices to every app window. Returns a function that undoes both.
 */
export function bindIpc(
  ipcMain: IpcMainLike,
  handler: CommandHandler,
  manager: EventSource,
  getWindows: () => readonly WindowLike[],
  log: Logger,
  appOrigin: string = APP_ORIGIN,
): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, command: unknown, args: unknown): Promise<Result<unknown>> => {
    const name = typeof command === 'string' ? command.slice(0, 64) : '';
    // Electron checklist 17: validate the sender of every IPC message.
    const frameUrl = event.senderFrame?.url;
    if (!isTrustedSender(frameUrl, appOrigin)) {
      // Origin only, never the arguments: signIn carries a password.
      log.warn('ipc.untrusted-sender', { command: name, origin: originOf(frameUrl) ?? '(none)' });
      return UNTRUSTED;
    }
    try {
      return await handler(name, args);
    } catch (error) {
      // The handler never throws by contract; this keeps the bridge's promise if that ever breaks.
      log.error('ipc.handler-threw', { command: name, error });
      return INTERNAL;
    }
  });

  const forward = <E extends EventName>(eventName: E, payload: EventPayload<E>): void => {
    for (const window of getWindows()) {
      if (window.isDestroyed()) continue;
      const contents = window.webContents;
      if (contents.isDestroyed() || !isTrustedSender(contents.getURL(), appOrigin)) continue;
      try {
        contents.send(IPC_EVENT_CHANNEL, { event: eventName, payload });
      } catch (error) {
        log.warn('ipc.forward-failed', { event: eventName, error });
      }
    }
  };
  const offState = manager.stateEvents.add((state) => forward('session.state', state));
  const offNotice = manager.notices.add((notice) => forward('notice', notice));
  const offWorkspace = manager.workspaces?.events.add((view) => forward('workspace.state', view));

  return () => {
    offState();
    offNotice();
    offWorkspace?.();
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
  };
}
