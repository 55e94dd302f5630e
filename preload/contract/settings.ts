// Contract: IT policy as the profile editor sees it, and the agent's settings (shortcuts, language, network).
import { z } from 'zod';
import { AuthModeSchema, PlatformSchema } from './profiles.ts';
import { DEFAULT_SHORTCUTS, SHORTCUT_ACTIONS, type ShortcutAction } from './shortcuts.ts';

export const LOCKABLE_PROFILE_FIELDS = ['platform', 'servers', 'authMode', 'language', 'applicationName', 'options'] as const;
export const PolicyViewSchema = z.object({
  managedProfileIds: z.array(z.string()),
  lockedProfileFields: z.array(z.enum(LOCKABLE_PROFILE_FIELDS)),
  allowUserProfiles: z.boolean(),
  rememberPasswordAllowed: z.boolean(),
  /** Keys of the policy file that were rejected, with why (IT sees them in the UI). */
  rejected: z.array(z.object({ key: z.string(), reason: z.string() })),
  secretsBackend: z.enum(['keychain', 'memory']),
  /** What a new profile starts with (and, for locked fields, must keep). */
  profileDefaults: z
    .object({
      platform: PlatformSchema.optional(),
      servers: z.array(z.string()).optional(),
      authMode: AuthModeSchema.optional(),
      language: z.string().optional(),
      applicationName: z.string().optional(),
    })
    .default({}),
});
export type PolicyView = z.infer<typeof PolicyViewSchema>;

// Keyboard shortcuts for Ready / Not Ready (issue 13 item 10), in Electron's accelerator syntax: at
// least one modifier, so a shortcut never swallows typing; '' = off. Global in Electron
// (globalShortcut), in-window in the browser shell.
export const SHORTCUT_ACCELERATOR = /^(?:(?:CommandOrControl|CmdOrCtrl|Control|Ctrl|Alt|Shift|Super|Meta|Command|Cmd)\+)+(?:[A-Z0-9]|F(?:[1-9]|1[0-9]|2[0-4]))$/;
export const ShortcutSchema = z.union([z.literal(''), z.string().max(64).regex(SHORTCUT_ACCELERATOR, 'Use modifier keys and a letter, digit or F-key, e.g. CommandOrControl+Alt+R')]);
// Zod-free, so the renderer's first paint can use them without zod (issue 15 item 5).
export { DEFAULT_SHORTCUTS, SHORTCUT_ACTIONS, type ShortcutAction };

// Agent settings (issue 5 "Settings"): what the Settings panel shows and may change. `locked` lists
// the dotted keys IT's policy decides (shown read-only). The proxy comes back with any password
// masked; 'direct' = IT turned every proxy off.
export const SettingsViewSchema = z
  .object({
    settings: z
      .object({
        logLevel: z.enum(['debug', 'info', 'warn', 'error']),
        network: z.object({ proxy: z.string().optional(), noProxy: z.string().optional(), caBundle: z.string().optional() }).strict(),
        updates: z.object({ enabled: z.boolean() }).strict(),
        // The app's language (issue 13 item 11); absent = the OS locale.
        language: z.enum(['en', 'de']).optional(),
        // Ready / Not Ready shortcuts (issue 13 item 10); '' = off.
        shortcuts: z.object({ ready: z.string(), notReady: z.string() }).strict().optional(),
      })
      .strict(),
    locked: z.array(z.string()),
  })
  .strict();
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** A change to the agent's settings: absent = unchanged; null or '' = back to the default. The core
 *  validates the values (settings.invalid names the field) and refuses locked keys (settings.locked). */
export const SettingsPatchSchema = z
  .object({
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).optional(),
    network: z
      .object({
        proxy: z.string().max(2048).nullable().optional(),
        noProxy: z.string().max(4000).nullable().optional(),
        caBundle: z.string().max(4096).nullable().optional(),
      })
      .strict()
      .optional(),
    updates: z.object({ enabled: z.boolean().optional() }).strict().optional(),
    /** null = follow the OS locale again (issue 13 item 11). */
    language: z.enum(['en', 'de']).nullable().optional(),
    /** Ready / Not Ready shortcuts (issue 13 item 10); '' = off, null = back to the default. */
    shortcuts: z.object({ ready: ShortcutSchema.nullable().optional(), notReady: ShortcutSchema.nullable().optional() }).strict().optional(),
  })
  .strict();
export type SettingsPatch = z.output<typeof SettingsPatchSchema>;
