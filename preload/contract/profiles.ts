// Contract: connection profiles — platform, servers, auth mode, language and options.
import { z } from 'zod';
import { ProfileIdSchema, ServerUrlSchema } from './fields.ts';
import { FinesseProfileOptionsSchema, GenesysCloudProfileOptionsSchema, GwsProfileOptionsSchema } from './platform-options.ts';
import { PROFILE_LANGUAGES, profileLanguage } from './languages.ts';

export const PLATFORMS = ['icws', 'finesse', 'gws', 'genesys-cloud'] as const;
export const PlatformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof PlatformSchema>;

export const AuthModeSchema = z.enum(['password', 'sso']);
export type AuthMode = z.infer<typeof AuthModeSchema>;

// Zod-free, so the renderer's first paint can use them without zod (issue 15 item 5).
export { PROFILE_LANGUAGES, profileLanguage };

// ICWS-01 sends it as Accept-Language for the whole session.
const LanguageSchema = z
  .string()
  .trim()
  .transform((tag, ctx) => {
    const canonical = profileLanguage(tag);
    if (canonical === undefined) ctx.addIssue({ code: 'custom', message: 'Use a language tag such as en-US or fr-FR' });
    return canonical ?? tag;
  });

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
