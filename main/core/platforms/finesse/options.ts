// Finesse profile options. Read from `profile.options.finesse` once the contract carries it (see the
// adapter's report), or passed to the factory; every field has a default that fits Finesse 12.6.
import { z } from 'zod';
import type { Profile } from '../../../../preload/contract.ts';

export const FinesseOptionsSchema = z
  .object({
    /** XMPP WebSocket port: the REST port by default (12.6+: 8445); 7443 on 12.0/12.5 (§5). */
    xmppPort: z.number().int().min(1).max(65_535).optional(),
    /** XMPP WebSocket path (§5: /ws). */
    xmppPath: z.string().regex(/^\/[A-Za-z0-9._~/-]*$/).default('/ws'),
    /** FIN-15: older releases (11.6/12.0 before the ES) take cc_username as a cookie. */
    ssoUserIn: z.enum(['query', 'cookie']).default('query'),
    /** Which documented silent refresh form(s) to use, in order (FIN-13). */
    refreshForm: z.enum(['both', 'post', 'get']).default('both'),
    /** Sign in as a mobile agent (LOGIN with <mobileAgent>). */
    mobileAgent: z.object({ mode: z.enum(['CALL_BY_CALL', 'NAILED_CONNECTION']), dialNumber: z.string().trim().min(1).max(32) }).strict().optional(),
    /** Count the channel connected only once finesse@<domain> is present [ET]. */
    waitForFinessePresence: z.boolean().default(true),
    /** Hosts the sign-in window may visit besides the Finesse nodes (IdS, IdP). */
    ssoAllowedHosts: z.array(z.string().min(1).max(253)).max(16).optional(),
    /** How long to wait for the notification that confirms a state change (the 202 is not success). */
    stateConfirmTimeoutMs: z.number().int().min(500).max(60_000).default(10_000),
    /** Keep-alive ping period on the notification channel (§5: ~10–20 s). */
    pingIntervalMs: z.number().int().min(1_000).max(60_000).default(15_000),
    /** Switch to the other node when this one stays OUT_OF_SERVICE this long and the other is IN_SERVICE. */
    outOfServiceFailoverMs: z.number().int().min(0).max(600_000).default(30_000),
    /** Issue 9 item 10: after an outage in which Finesse logged the agent out, sign back in at most to
     *  Not Ready (this reason, if IT set one); Ready again by itself only when IT allows it. */
    afterOutage: z.object({ autoReady: z.boolean().default(false), notReadyReasonCodeId: z.string().min(1).max(32).optional() }).strict().default({ autoReady: false }),
  })
  .strict();

export type FinesseOptions = z.output<typeof FinesseOptionsSchema>;
export type FinesseOptionsInput = z.input<typeof FinesseOptionsSchema>;

/** The profile's Finesse options (defaults where absent), overridden by `overrides`. */
export function finesseOptionsOf(profile: Profile, overrides: FinesseOptionsInput = {}): FinesseOptions {
  const fromProfile = (profile.options as Record<string, unknown> | undefined)?.finesse;
  const base = fromProfile && typeof fromProfile === 'object' ? (fromProfile as FinesseOptionsInput) : {};
  return FinesseOptionsSchema.parse({ ...base, ...overrides });
}
