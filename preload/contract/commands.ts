// Contract: the command and event maps (the IPC surface), their argument schemas, the renderer's API
// and the two transports' framing (Electron IPC channels, browser-shell WebSocket frames).
import { z } from 'zod';
import type { Result } from './errors.ts';
import { ProfileIdSchema } from './fields.ts';
import { ProfileSchema } from './profiles.ts';
import { CALL_ACTIONS, NoticeSchema, SelectableStateSchema, SessionStateSchema } from './session.ts';
import { PolicyViewSchema, SettingsPatchSchema, SettingsViewSchema, SHORTCUT_ACTIONS } from './settings.ts';
import { WorkspaceBoundsSchema, WorkspaceViewSchema } from './workspace.ts';

const ProfileRefSchema = z.object({ profileId: ProfileIdSchema }).strict();
/** Issue 13 item 6: the Logout reason the agent picked (Finesse); never a default. */
const SignOutArgsSchema = z.object({ profileId: ProfileIdSchema, reasonCodeId: z.string().min(1).max(256).optional() }).strict();

export const SignInArgsSchema = z
  .object({
    profileId: ProfileIdSchema,
    /** Write-only: used once for the connection request, never stored, logged or echoed. */
    credentials: z
      .object({ userName: z.string().min(1, 'User name is required').max(256), password: z.string().min(1, 'Password is required').max(1024) })
      .strict()
      .optional(),
    /** Single sign-on: which identity provider (ICWS lists several), and the user to name to the
     *  platform where it needs one before the IdP (Finesse cc_username). The password is typed on
     *  the IdP's page only (FIN-09). */
    sso: z
      .object({ identityProviderId: z.string().min(1).max(256).optional(), userName: z.string().min(1).max(256).optional() })
      .strict()
      .optional(),
    /** Finesse: the agent's extension for this shift (not a secret). */
    extension: z.string().trim().min(1).max(32).regex(/^[0-9A-Za-z*#+._-]+$/, 'Use digits and dial characters only').optional(),
  })
  .strict();
export type SignInArgs = z.output<typeof SignInArgsSchema>;

/** What the sign-in form should ask for (ICWS-08/09, FIN-05/06): read from the server before sign-in. */
export const SignInOptionsSchema = z.object({
  /** User name + password typed in Patchbay (false when the server disallows it, ICWS-09). */
  credentialsForm: z.boolean(),
  identityProviders: z.array(z.object({ id: z.string().min(1), label: z.string() })),
  userNameRequired: z.boolean(),
  extensionRequired: z.boolean(),
  /** A note for the agent (e.g. "This server only allows single sign-on"). */
  note: z.string().optional(),
});
export type SignInOptions = z.infer<typeof SignInOptionsSchema>;

export const SetStateArgsSchema = z
  .object({ profileId: ProfileIdSchema, stateId: z.string().min(1).max(256), reasonId: z.string().min(1).max(256).optional() })
  .strict();

export const Commands = {
  'profiles.list': { args: z.object({}).strict(), result: z.array(ProfileSchema) },
  'profiles.save': { args: z.object({ profile: ProfileSchema }).strict(), result: ProfileSchema },
  'profiles.remove': { args: ProfileRefSchema, result: z.object({ removed: z.boolean() }) },
  'session.list': { args: z.object({}).strict(), result: z.array(SessionStateSchema) },
  // userName: HYBRID Finesse decides per user (FIN-06), so the form asks again once it is typed.
  'session.signInOptions': { args: z.object({ profileId: ProfileIdSchema, userName: z.string().min(1).max(256).optional() }).strict(), result: SignInOptionsSchema },
  'session.signIn': { args: SignInArgsSchema, result: SessionStateSchema },
  'session.signOut': { args: SignOutArgsSchema, result: SessionStateSchema },
  'session.cancel': { args: ProfileRefSchema, result: SessionStateSchema },
  /** Reconnecting: try now instead of at the scheduled time, where the platform allows it (issue 13 item 2). */
  'session.retryNow': { args: ProfileRefSchema, result: SessionStateSchema },
  'agent.listStates': { args: ProfileRefSchema, result: z.array(SelectableStateSchema) },
  'agent.setState': { args: SetStateArgsSchema, result: SessionStateSchema },
  /** Answer / hold / retrieve / release a call (Finesse Dialog requestedAction, issue 13 item 9); the
   *  state comes back once the platform's notification confirms it. */
  'call.act': { args: z.object({ profileId: ProfileIdSchema, callId: z.string().min(1).max(128), action: z.enum(CALL_ACTIONS) }).strict(), result: SessionStateSchema },
  /** canReveal: the shell can show the zip in its file manager (Electron); the browser shell cannot (issue 13 item 5). */
  'diagnostics.export': { args: z.object({}).strict(), result: z.object({ path: z.string(), canReveal: z.boolean().optional() }) },
  /** "Show in folder": only the zip this run just wrote, inside Patchbay's diagnostics folder (main checks; diagnostics.path-refused). */
  'diagnostics.reveal': { args: z.object({ path: z.string().min(1).max(4096) }).strict(), result: z.object({ shown: z.boolean() }) },
  /** Delete what the keychain holds for a profile (refresh token, remembered password). */
  'profiles.forgetSecrets': { args: ProfileRefSchema, result: z.object({ forgotten: z.boolean() }) },
  /** What IT's machine policy decides for the profile editor (locked fields, IT profiles). */
  'policy.get': { args: z.object({}).strict(), result: PolicyViewSchema },
  /** Renderer log lines, rate-limited and redacted in main. */
  'log.write': {
    args: z
      .object({
        level: z.enum(['debug', 'info', 'warn', 'error']),
        message: z.string().max(2000),
        context: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
      })
      .strict(),
    result: z.object({ logged: z.boolean() }),
  },
  /** The agent's settings as they apply, and which keys IT's policy locks. */
  'settings.get': { args: z.object({}).strict(), result: SettingsViewSchema },
  /** Saves a change (network changes apply at the next start) and returns the new view. */
  'settings.save': { args: SettingsPatchSchema, result: SettingsViewSchema },
  /** Open / close a Genesys Cloud profile's embedded workspace (active sessions only). */
  'workspace.open': { args: z.object({ profileId: ProfileIdSchema, bounds: WorkspaceBoundsSchema.optional() }).strict(), result: WorkspaceViewSchema },
  'workspace.close': { args: ProfileRefSchema, result: WorkspaceViewSchema },
  /** Electron: where the pane is in the window (main places the WebContentsView there); the browser shell ignores it. */
  'workspace.setBounds': { args: z.object({ profileId: ProfileIdSchema, bounds: WorkspaceBoundsSchema }).strict(), result: z.object({ placed: z.boolean() }).strict() },
} as const;

export type CommandName = keyof typeof Commands;
export type CommandArgs<C extends CommandName> = z.input<(typeof Commands)[C]['args']>;
export type ParsedCommandArgs<C extends CommandName> = z.output<(typeof Commands)[C]['args']>;
export type CommandResult<C extends CommandName> = z.output<(typeof Commands)[C]['result']>;
export const COMMAND_NAMES = Object.keys(Commands) as CommandName[];

export const Events = {
  'session.state': SessionStateSchema,
  notice: NoticeSchema,
  'workspace.state': WorkspaceViewSchema,
  /** Electron: a global Ready / Not Ready shortcut was pressed (issue 13 item 10); the renderer acts on it. */
  shortcut: z.object({ action: z.enum(SHORTCUT_ACTIONS) }).strict(),
} as const;
export type EventName = keyof typeof Events;
export type EventPayload<E extends EventName> = z.output<(typeof Events)[E]>;

/** The API the renderer sees, whichever the transport (Electron IPC or the browser-shell WebSocket). */
export interface PatchbayApi {
  invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Electron IPC channel names. */
export const IPC_INVOKE_CHANNEL = 'patchbay:invoke';
export const IPC_EVENT_CHANNEL = 'patchbay:event';

/** Browser-shell WebSocket frames. */
export const WsClientFrameSchema = z
  .object({ id: z.number().int().min(0), command: z.string().max(64), args: z.unknown() })
  .strict();
export type WsClientFrame = z.infer<typeof WsClientFrameSchema>;
export type WsServerFrame =
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown };
