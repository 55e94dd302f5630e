// Contract: the per-platform profile options (Finesse, Genesys Cloud, GWS). ICWS options sit directly in
// ProfileOptionsSchema (profiles.ts).
import { z } from 'zod';
import { ServerUrlSchema } from './fields.ts';

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
