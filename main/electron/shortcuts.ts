// Global Ready / Not Ready shortcuts (issue 13 item 10): registered with Electron's globalShortcut
// so they work while another app has the focus; a press is sent to the renderer as the `shortcut`
// event, which sets the state exactly as the in-window keys do (renderer/composables/use-shortcuts.ts).
// Only the accelerators this module registered are ever unregistered.
import { SHORTCUT_ACCELERATOR, SHORTCUT_ACTIONS, type ShortcutAction } from '../../preload/contract.ts';
import type { Logger } from '../core/log.ts';

/** The part of Electron's globalShortcut used here (a fake in unit tests). */
export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export interface GlobalShortcuts {
  /** Replaces the registered set; '' = off. Returns the accelerators the OS refused (taken by another app). */
  apply(shortcuts: Record<ShortcutAction, string>): string[];
  dispose(): void;
}

export function createGlobalShortcuts(globalShortcut: GlobalShortcutLike, options: { onPress: (action: ShortcutAction) => void; log: Logger }): GlobalShortcuts {
  let registered: string[] = [];
  const clear = (): void => {
    for (const accelerator of registered) globalShortcut.unregister(accelerator);
    registered = [];
  };
  return {
    apply(shortcuts) {
      clear();
      const refused: string[] = [];
      for (const action of SHORTCUT_ACTIONS) {
        const accelerator = shortcuts[action];
        // The settings file is validated already; a bare key is never grabbed system-wide regardless.
        if (!accelerator || !SHORTCUT_ACCELERATOR.test(accelerator) || registered.includes(accelerator)) continue;
        let ok = false;
        try {
          ok = globalShortcut.register(accelerator, () => options.onPress(action));
        } catch (error) {
          options.log.warn('shortcut.register-failed', { action, accelerator, error });
        }
        if (ok) registered.push(accelerator);
        else {
          refused.push(accelerator);
          options.log.warn('shortcut.taken', { action, accelerator });
        }
      }
      return refused;
    },
    dispose: clear,
  };
}
