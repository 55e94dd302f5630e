// The preload: exposes exactly `window.patchbay` (a PatchbayApi) through contextBridge and nothing
// else — no ipcRenderer, no Node (Electron checklist items 3, 20; DESIGN.md "The contract", CARD-03).
// It runs sandboxed, where `require` resolves only 'electron' and a few built-ins, so production
// uses the single-file CJS bundle made by main/electron/build/bundle-preload.ts. Only TYPES come from
// the contract: importing its values would pull zod into the bundle.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CommandArgs, CommandName, CommandResult, EventName, EventPayload, PatchbayApi, Result } from './contract.ts';

// Must equal the contract's IPC_INVOKE_CHANNEL / IPC_EVENT_CHANNEL (a unit test checks the bundle).
const INVOKE_CHANNEL = 'patchbay:invoke';
const EVENT_CHANNEL = 'patchbay:event';

function bridgeFailed(command: unknown): Result<never> {
  const name = typeof command === 'string' ? command.slice(0, 64) : 'a command';
  return { ok: false, error: { code: 'bridge.failed', message: `Patchbay could not run ${name}.`, action: 'retry' } };
}

const api: PatchbayApi = {
  async invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>> {
    try {
      // Main answers with a Result and never rejects; a rejection means the IPC itself failed.
      return (await ipcRenderer.invoke(INVOKE_CHANNEL, command, args)) as Result<CommandResult<C>>;
    } catch {
      return bridgeFailed(command);
    }
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    // The IpcRendererEvent never reaches the page: its `sender` is ipcRenderer itself.
    const onFrame = (_event: IpcRendererEvent, frame: unknown): void => {
      if (typeof frame !== 'object' || frame === null) return;
      const { event: name, payload } = frame as { event?: unknown; payload?: unknown };
      if (name === event) listener(payload as EventPayload<E>);
    };
    ipcRenderer.on(EVENT_CHANNEL, onFrame);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, onFrame);
    };
  },
};

contextBridge.exposeInMainWorld('patchbay', api);
