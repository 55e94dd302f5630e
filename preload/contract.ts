// The typed IPC contract between the renderer and the main process (DESIGN.md "The contract").
// Every command argument and every event is described by a zod schema; main validates with them.
// No token, cookie or password field exists in any type here (CARD-03, GC-04) — the sign-in
// password travels only in `session.signIn`'s `credentials`, a write-only command argument that
// never comes back in a result or event.
import { z } from 'zod';

export const PLATFORMS = ['icws', 'finesse', 'gws', 'genesys-cloud'] as const;
export const PlatformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof PlatformSchema>;

export const AuthModeSchema = z.enum(['password', 'sso']);
export type AuthMode = z.infer<typeof AuthModeSchema>;

const ProfileIdSchema = z
  .string()
  .min(1, 'Profile id is required')
  .max(64, 'Profile id is at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'Use lower-case letters, digits, dot, dash or underscore');

const ServerUrlSchema = z
  .string()
  .trim()
  .min(1, 'Server address is required')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'Enter a full http(s) address such as https://ic1.example.com:8019, without user name or password');

/** Session languages a profile offers (ICWS-01 Accept-Language; the CIC language packs). */
export const PROFILE_LANGUAGES = [
  'en-US', 'en-GB', 'en-AU', 'de-DE', 'fr-FR', 'fr-CA', 'es-ES', 'es-MX', 'it-IT', 'nl-NL', 'pt-BR', 'pt-PT',
  'da-DK', 'sv-SE', 'nb-NO', 'fi-FI', 'pl-PL', 'cs-CZ', 'ru-RU', 'tr-TR', 'ja-JP', 'ko-KR', 'zh-CN', 'zh-TW', 'ar-SA', 'he-IL',
] as const;

/** [ICWS-01] a real language tag: canonical per Intl.getCanonicalLocales (BCP 47) and its language
 *  among PROFILE_LANGUAGES' (so `english` or `zzzzzzzz`, well-formed but no language we offer, fail). */
export function profileLanguage(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(tag.trim());
  } catch {
    return undefined;
  }
  const primary = canonical.split('-')[0]!.toLowerCase();
  return PROFILE_LANGUAGES.some((l) => l.split('-')[0] === primary) ? canonical : undefined;
}

// ICWS-01 sends it as Accept-Language for the whole session.
const LanguageSchema = z
  .string()
  .trim()
  .transform((tag, ctx) => {
    const canonical = profileLanguage(tag);
    if (canonical === undefined) ctx.addIssue({ code: 'custom', message: 'Use a language tag such as en-US or fr-FR' });
    return canonical ?? tag;
  });

/** Cisco Finesse options (all optional; the adapter fills in the documented defaults). */
export const FinesseProfileOptionsSchema = z
  .object({
    /** XMPP over WebSocket port: 8445 by default, 7443 on 12.0/12.5. */
    xmppPort: z.number().int().min(1).max(65_535).optional(),
    xmppPath: z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, 'A path such as /ws').optional(),
    /** FIN-15: older releases take cc_username as a cookie. */
    ssoUserIn: z.enum(['query', 'cookie']).optional(),
    refreshForm: z.enum(['both', 'post', 'get']).optional(),
    mobileAgent: z.object({ mode: z.enum(['CALL_BY_CALL', 'NAILED_CONNECTION']), dialNumber: z.string().trim().min(1).max(32) }).strict().optional(),
    waitForFinessePresence: z.boolean().optional(),
    /** Hosts the sign-in window may visit besides the Finesse nodes (IdS, IdP). */
    ssoAllowedHosts: z.array(z.string().min(1).max(253)).max(16).optional(),
    stateConfirmTimeoutMs: z.number().int().min(500).max(60_000).optional(),
    pingIntervalMs: z.number().int().min(1_000).max(60_000).optional(),
    outOfServiceFailoverMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();

/** Genesys Cloud regions (shared/protocols/genesys-cloud.md §6): the editor's list; IT may type another. */
export const GENESYS_CLOUD_REGIONS = [
  'mypurecloud.com', 'usw2.pure.cloud', 'cac1.pure.cloud', 'mypurecloud.ie', 'euw2.pure.cloud', 'mypurecloud.de',
  'aps1.pure.cloud', 'mypurecloud.jp', 'apne2.pure.cloud', 'mypurecloud.com.au', 'sae1.pure.cloud', 'use2.us-gov-pure.cloud',
] as const;

const HostNameSchema = z.string().trim().toLowerCase().regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, 'A host name such as mypurecloud.com');

/** RFC 8252 §7.3: a loopback redirect with the fixed port IT registered (Genesys matches it exactly). */
const LoopbackRedirectSchema = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.port !== '' && url.search === '' && url.hash === '';
    } catch {
      return false;
    }
  }, 'Enter the registered loopback redirect, such as http://127.0.0.1:48620/callback');

/** Genesys Cloud options. profile.servers[0] is the API base (https://api.<region>); the login
 *  host is login.<region> unless `loginBase` says otherwise (the lab). */
export const GenesysCloudProfileOptionsSchema = z
  .object({
    region: HostNameSchema.optional(),
    /** Custom deployments and the lab: the authorization server's base URL. */
    loginBase: ServerUrlSchema.optional(),
    /** The OAuth client id IT registered (a public client: there is never a secret, GC-01). */
    clientId: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9._~-]+$/, 'Letters, digits, dot, dash, underscore or tilde'),
    redirectUri: LoopbackRedirectSchema,
    /** RFC 8252 §8.12: the system browser by default; the embedded sign-in window where the IdP needs it. */
    loginMethod: z.enum(['system-browser', 'login-window']).default('system-browser'),
    /** SSO hints passed to the authorize request. */
    org: z.string().trim().min(1).max(256).optional(),
    provider: z.string().trim().min(1).max(256).optional(),
    /** Lab only (issue 12): the embedded component's loopback origin; in production it is https://apps.<region> (GC-07). */
    componentUrl: ServerUrlSchema.optional(),
  })
  .strict();
export type GenesysCloudProfileOptions = z.infer<typeof GenesysCloudProfileOptionsSchema>;

/** Genesys Engage Web Services options. profile.servers are GWS base URLs (https://gws.example.com). */
export const GwsProfileOptionsSchema = z
  .object({
    /** Seed 002's chain: which method this contact center uses (authMode 'password' → the basic ones). */
    authMethod: z.enum(['gws-basic', 'config-server-basic', 'saml', 'salesforce']),
    /** The place (DN) the agent's voice channel starts on; asked at sign-in when absent. */
    place: z.string().trim().min(1).max(128).optional(),
    /** SAML: the SP path that starts the IdP round (Spring Security SAML default /saml/login). */
    samlLoginPath: z.string().regex(/^\/[A-Za-z0-9._~/?=&-]*$/, 'A path such as /saml/login').optional(),
    /** Salesforce (GWS-01): the authorization server and the two headers GWS reads. */
    salesforce: z
      .object({
        loginBase: ServerUrlSchema,
        clientId: z.string().trim().min(1).max(256),
        redirectUri: ServerUrlSchema,
        sessionIdHeader: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default('ssid'),
        identityUrlHeader: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default('surl'),
      })
      .strict()
      .optional(),
    /** Hosts the sign-in window may visit besides the GWS servers (IdP, Salesforce). */
    ssoAllowedHosts: z.array(z.string().min(1).max(253)).max(16).optional(),
  })
  .strict();
export type GwsProfileOptions = z.infer<typeof GwsProfileOptionsSchema>;

export const ProfileOptionsSchema = z
  .object({
    /** ICWS messaging transport: follow the server's messaging feature (auto), or force one. */
    messaging: z.enum(['auto', 'sse', 'polling']).default('auto'),
    /** ICWS heartbeat option (seed 000, option 3). */
    heartbeat: z.boolean().default(false),
    /** Short-polling interval in ms (ICWS, when SSE is not used). */
    pollIntervalMs: z.number().int().min(250).max(60_000).default(2_000),
    /** ICWS: 'direct' = the servers are IC servers / Session Managers; 'cloud' = servers[0] is the
     *  PureConnect Cloud custom ICWS URL whose config/servers.json names the servers (ICWS-24). */
    connectionMode: z.enum(['direct', 'cloud']).default('direct'),
    /** ICWS: the workstation to log on to after connecting (PUT …/connection/station). */
    station: z.string().trim().min(1).max(128).optional(),
    finesse: FinesseProfileOptionsSchema.optional(),
    genesysCloud: GenesysCloudProfileOptionsSchema.optional(),
    gws: GwsProfileOptionsSchema.optional(),
    /** Keep the password in the OS keychain for silent sign-in — only where IT policy allows it. */
    rememberPassword: z.boolean().default(false),
  })
  .strict();
export type ProfileOptions = z.infer<typeof ProfileOptionsSchema>;

export const ProfileSchema = z
  .object({
    id: ProfileIdSchema,
    name: z.string().trim().min(1, 'Name is required').max(80, 'Name is at most 80 characters'),
    platform: PlatformSchema,
    servers: z.array(ServerUrlSchema).min(1, 'At least one server is required').max(16, 'At most 16 servers'),
    authMode: AuthModeSchema,
    userName: z.string().trim().max(256, 'User name is at most 256 characters').optional(),
    language: LanguageSchema.default('en-US'),
    applicationName: z.string().trim().min(1).max(120).default('Patchbay'),
    options: ProfileOptionsSchema.default({ messaging: 'auto', heartbeat: false, pollIntervalMs: 2_000, connectionMode: 'direct', rememberPassword: false }),
    /** Written by the lab for its own fake users: the UI labels such profiles. */
    lab: z.boolean().optional(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    // Basic passwords, XMPP PLAIN and tokens must not travel in clear text: http:// only for this
    // computer or the lab (DESIGN.md trust boundaries; issue 8 item 4).
    if (profile.lab === true) return;
    profile.servers.forEach((server, index) => {
      if (!isCleartextAllowed(server)) {
        ctx.addIssue({ code: 'custom', path: ['servers', index], message: 'Use https:// — http:// is only for this computer (127.0.0.1, ::1, localhost) or the lab' });
      }
    });
  });
export type Profile = z.infer<typeof ProfileSchema>;

/** https, or http to a loopback host (127.0.0.0/8, ::1, localhost): nothing leaves the machine. */
export function isCleartextAllowed(server: string): boolean {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return true; // ServerUrlSchema reports the address itself
  }
  if (url.protocol !== 'http:') return true;
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
export type ProfileInput = z.input<typeof ProfileSchema>;

export const PhaseSchema = z.enum(['signed-out', 'signing-in', 'awaiting-user', 'active', 'reconnecting', 'failed']);
export type Phase = z.infer<typeof PhaseSchema>;

export const AgentStateKindSchema = z.enum(['ready', 'not-ready', 'busy', 'logged-out', 'unknown']);
export type AgentStateKind = z.infer<typeof AgentStateKindSchema>;

export const ErrorActionSchema = z.enum(['retry', 'sign-in-again', 'contact-it', 'none']);
export type ErrorAction = z.infer<typeof ErrorActionSchema>;

export const ContractErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  action: ErrorActionSchema,
});
export type ContractError = z.infer<typeof ContractErrorSchema>;

/** A state the agent can pick (ICWS status message, Finesse state + reason code, …). */
export const SelectableStateSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  kind: AgentStateKindSchema,
  /** Reason codes that may (or must) go with this state. */
  reasons: z.array(z.object({ id: z.string().min(1), label: z.string() })).default([]),
  reasonRequired: z.boolean().default(false),
  /** Choosing it signs the agent out (Finesse LOGOUT): the app's one sign-out takes it, asking for
   *  its reasons (issue 13 item 6). Other "logged out" statuses (ICWS Gone Home) are just statuses. */
  signsOut: z.boolean().optional(),
});
export type SelectableState = z.infer<typeof SelectableStateSchema>;

export const AgentStateSchema = z.object({
  kind: AgentStateKindSchema,
  /** The platform's own id and label for the state (ICWS statusId / messageText). */
  stateId: z.string(),
  label: z.string(),
  reason: z.string().optional(),
  /** ISO-8601 time the state started, when the platform says. */
  since: z.string().optional(),
  /** A one-click way out of this state the card offers (Genesys Cloud Not Responding → "Back to Idle"). */
  quickAction: z.object({ stateId: z.string().min(1), label: z.string() }).strict().optional(),
  /** True when the platform can no longer confirm this state (the sign-in lapsed): shown as not current. */
  stale: z.boolean().optional(),
});
export type AgentState = z.infer<typeof AgentStateSchema>;

/** A call (Finesse dialog) the agent is on: who, which way, its state — nothing secret. */
export const CallSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['inbound', 'outbound', 'unknown']),
    from: z.string().optional(),
    to: z.string().optional(),
    /** The platform's own state word (Finesse: ALERTING, ACTIVE, HELD, …). */
    state: z.string(),
    /** ISO-8601 time the agent joined the call, when the platform says. */
    since: z.string().optional(),
    /** What the agent may do with the call now, as the platform says (Finesse: the participant's
     *  actions); absent = none offered (issue 13 item 9). */
    actions: z.array(z.enum(['answer', 'hold', 'retrieve', 'release'])).optional(),
  })
  .strict();
export type Call = z.infer<typeof CallSchema>;
export const CALL_ACTIONS = ['answer', 'hold', 'retrieve', 'release'] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];

export const SessionStateSchema = z
  .object({
    profileId: z.string(),
    profileName: z.string(),
    platform: PlatformSchema,
    /** Origin of the server the session is on (ICWS-07), when connected. */
    server: z.string().optional(),
    /** Why that server is not one of the profile's (a Finesse node named by SystemInfo); no secrets. */
    serverNote: z.string().max(200).optional(),
    phase: PhaseSchema,
    userDisplayName: z.string().optional(),
    agent: AgentStateSchema.optional(),
    selectableStates: z.array(SelectableStateSchema).default([]),
    /** signInBy (FIN-14): the agent was asked to sign in again before this time (the refresh token's end). */
    token: z.object({ expiresAt: z.string().optional(), refreshAt: z.string().optional(), signInBy: z.string().optional() }).optional(),
    connection: z
      .object({
        transport: z.enum(['sse', 'polling', 'xmpp', 'cometd', 'websocket', 'none']),
        lastEventAt: z.string().optional(),
        reconnectAttempt: z.number().int().min(0).optional(),
        nextAttemptAt: z.string().optional(),
        nextHost: z.string().optional(),
        /** The platform lets the agent bring the next attempt forward ("Retry now", session.retryNow). */
        retryNow: z.boolean().optional(),
      })
      .optional(),
    lastError: ContractErrorSchema.optional(),
    /** The agent's active calls (Finesse dialogs), when the platform reports them. */
    calls: z.array(CallSchema).optional(),
    /** Monotonic per-profile sequence number; a renderer drops snapshots older than it holds. */
    seq: z.number().int().min(0),
    updatedAt: z.string(),
  })
  .strict();
export type SessionState = z.infer<typeof SessionStateSchema>;

export const NoticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  profileId: z.string().optional(),
});
export type Notice = z.infer<typeof NoticeSchema>;

/** The Genesys Cloud embedded workspace pane (issue 12): derived state only, never a token (GC-04). */
export const WorkspacePhaseSchema = z.enum(['closed', 'opening', 'waiting-ready', 'waiting-session', 'active', 'renewing', 'degraded']);
export const WorkspaceViewSchema = z
  .object({
    profileId: z.string(),
    phase: WorkspacePhaseSchema,
    /** Browser shell only: the host page (its own loopback origin, a one-time nonce, no token) the renderer frames.
     *  Absent in Electron, where main places a WebContentsView over the pane's bounds. */
    frameUrl: z.string().max(2048).optional(),
    userId: z.string().max(128).optional(),
    queue: z.object({ position: z.number().int().min(0), total: z.number().int().min(0) }).strict().optional(),
    lastInteractionEnded: z.string().max(128).optional(),
    /** Plain words for the agent when degraded (with a sign-in action on the pane). */
    message: z.string().max(500).optional(),
    updatedAt: z.string(),
  })
  .strict();
export type WorkspaceView = z.infer<typeof WorkspaceViewSchema>;
export const WorkspaceBoundsSchema = z
  .object({ x: z.number().int().min(0).max(100_000), y: z.number().int().min(0).max(100_000), width: z.number().int().min(0).max(100_000), height: z.number().int().min(0).max(100_000) })
  .strict();
export type WorkspaceBounds = z.infer<typeof WorkspaceBoundsSchema>;

// ---------------------------------------------------------------- commands
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
export const DEFAULT_SHORTCUTS = { ready: 'CommandOrControl+Alt+R', notReady: 'CommandOrControl+Alt+N' } as const;
export const SHORTCUT_ACTIONS = ['ready', 'notReady'] as const;
export type ShortcutAction = (typeof SHORTCUT_ACTIONS)[number];

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
  'diagnostics.export': { args: z.object({}).strict(), result: z.object({ path: z.string() }) },
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

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

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

/** Turn a zod error into the contract's typed error, naming each bad field. */
export function validationError(error: z.ZodError): ContractError {
  const fields = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { code: 'contract.invalid-arguments', message: `Invalid arguments — ${fields.join('; ')}`, action: 'none' };
}

/** Per-field messages for forms (profile editor). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '(root)';
    out[key] ??= issue.message;
  }
  return out;
}
