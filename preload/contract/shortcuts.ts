// Contract: the Ready / Not Ready shortcuts' defaults and actions, without zod: the renderer's first
// paint installs the shortcuts and must not load zod for it (issue 15 item 5); settings.ts re-exports.
export const DEFAULT_SHORTCUTS = { ready: 'CommandOrControl+Alt+R', notReady: 'CommandOrControl+Alt+N' } as const;
export const SHORTCUT_ACTIONS = ['ready', 'notReady'] as const;
export type ShortcutAction = (typeof SHORTCUT_ACTIONS)[number];
