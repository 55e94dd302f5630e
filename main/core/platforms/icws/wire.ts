// ICWS wire types and pure request builders / response processors (seed 000; protocols/icws.md).
// Parsing is lenient where the docs say servers vary (extra fields, missing __type) and strict where
// the client depends on a value (session id, CSRF token, numbers for enums).
import { z } from 'zod';

export const ICWS_CONTENT_TYPE = 'application/vnd.inin.icws+JSON; charset=utf-8';
export const ICWS_ACCEPT = 'application/vnd.inin.icws+JSON, application/json';
export const CSRF_HEADER = 'ININ-ICWS-CSRF-Token';
export const CONNECTION_STATE = { none: 0, up: 1, down: 2 } as const;

export const ErrorBodySchema = z
  .object({ errorId: z.string().optional(), message: z.string().optional(), errorCode: z.number().optional(), alternateHostList: z.array(z.string()).optional() })
  .loose();
export type IcwsErrorBody = z.infer<typeof ErrorBodySchema>;

export const ConnectionResponseSchema = z
  .object({
    csrfToken: z.string().min(1),
    sessionId: z.string().min(1),
    alternateHostList: z.array(z.string()).optional().default([]),
    userID: z.string().optional(),
    userDisplayName: z.string().optional(),
    icServer: z.string().optional(),
    features: z.array(z.object({ featureId: z.string(), version: z.number() }).loose()).optional(),
  })
  .loose();
export type ConnectionResponse = z.infer<typeof ConnectionResponseSchema>;

export const FeaturesSchema = z.object({ featureInfoList: z.array(z.object({ featureId: z.string(), version: z.number() }).loose()) }).loose();

export const ServerInfoSchema = z
  .object({
    authentication: z
      .object({
        allowIcAuth: z.boolean().optional(),
        identityProviders: z.array(z.object({ identityProviderId: z.string(), displayName: z.string().optional() }).loose()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export const StatusMessageSchema = z
  .object({
    statusId: z.string(),
    messageText: z.string().default(''),
    isSelectableStatus: z.boolean().optional(),
    isAcdStatus: z.boolean().optional(),
    isAfterCallWorkStatus: z.boolean().optional(),
    isDoNotDisturbStatus: z.boolean().optional(),
    isPersistentStatus: z.boolean().optional(),
    groupTag: z.string().optional(),
  })
  .loose();
export type StatusMessage = z.infer<typeof StatusMessageSchema>;
export const StatusMessagesSchema = z.object({ statusMessageList: z.array(StatusMessageSchema) }).loose();
export const UserAccessSchema = z.object({ userId: z.string().optional(), statusMessages: z.array(z.string()) }).loose();

export const UserStatusSchema = z
  .object({
    userId: z.string(),
    statusId: z.string(),
    notes: z.string().optional(),
    onPhone: z.boolean().optional(),
    loggedIn: z.boolean().optional(),
    statusChanged: z.string().optional(),
  })
  .loose();
export type UserStatus = z.infer<typeof UserStatusSchema>;

export const ConnectionStateSchema = z
  .object({ connectionState: z.number().int(), reason: z.string().optional(), shouldReconnect: z.boolean().optional() })
  .loose();

// Messages: only the types this slice acts on are parsed; others are ignored by __type.
export const UserStatusMessageSchema = z
  .object({ __type: z.literal('urn:inin.com:status:userStatusMessage'), isDelta: z.boolean().optional(), userStatusList: z.array(UserStatusSchema) })
  .loose();
export const ConnectionStateChangeMessageSchema = z
  .object({
    __type: z.literal('urn:inin.com:connection:connectionStateChangeMessage'),
    previousConnectionState: z.number().int().optional(),
    newConnectionState: z.number().int(),
    reason: z.string().optional(),
    shouldReconnect: z.boolean().optional(),
  })
  .loose();
export const IcwsMessageSchema = z.discriminatedUnion('__type', [UserStatusMessageSchema, ConnectionStateChangeMessageSchema]);
export type IcwsMessage = z.infer<typeof IcwsMessageSchema>;

/** [ICWS-02] exactly one connection settings representation: icAuth for user name + password. */
export function icAuthConnectionBody(applicationName: string, userID: string, password: string): string {
  return JSON.stringify({ __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings', applicationName, userID, password });
}

/** A bare host name as seed 000 gives alternate hosts ("server2"): DNS labels, an IPv4 address or a
 *  bracketed IPv6 literal — no scheme, port, path or user info. */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
export function isHostName(host: unknown): host is string {
  return typeof host === 'string' && (DNS_NAME.test(host) || IPV6_LITERAL.test(host));
}

/** seed 000 §Reconnecting: alternate hosts are names only. The session base keeps the accepting
 *  server's scheme and port, so a server can never move the password to another scheme (https → http)
 *  or port; anything but a bare host name gives undefined (the caller skips it). */
export function alternateHostUrl(current: string, host: unknown): string | undefined {
  if (!isHostName(host)) return undefined;
  let url: URL;
  try {
    url = new URL(current);
    url.hostname = host;
  } catch {
    return undefined;
  }
  // WHATWG may normalise (127.1 → 127.0.0.1) or refuse the assignment silently: take the name as given only.
  if (url.hostname.toLowerCase() !== host.toLowerCase()) return undefined;
  return url.origin;
}

/** ICWS dates are `yyyyMMddTHHmmssZ`; ISO strings are accepted too. */
export function parseIcwsDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Messaging transport rule: SSE when the server's messaging feature is ≥ 2 (protocols/icws.md §2). */
export function chooseTransport(messagingVersion: number | undefined, preference: 'auto' | 'sse' | 'polling'): 'sse' | 'polling' {
  if (preference === 'polling') return 'polling';
  if ((messagingVersion ?? 1) >= 2) return 'sse';
  return 'polling';
}

/** PureConnect Cloud `config/servers.json` (seed 000; protocols/icws.md §6): both spellings of the
 *  template are accepted. */
export const ServersJsonSchema = z
  .object({
    servers: z.array(z.object({ host: z.string().min(1), altHostHints: z.array(z.string()).optional(), order: z.number().optional() }).loose()).min(1),
    serviceURLTemplate: z.string().optional(),
    serviceUrlTemplate: z.string().optional(),
  })
  .loose()
  .refine((v) => (v.serviceURLTemplate ?? v.serviceUrlTemplate ?? '').includes('{host}'), 'servers.json has no service URL template with {host}');

export interface CloudServers {
  template: string;
  /** Host names in `order`, each followed by its altHostHints, without repeats. */
  hosts: string[];
}

export function cloudServers(raw: unknown, customUrl?: string): CloudServers | undefined {
  const parsed = ServersJsonSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const template = (parsed.data.serviceURLTemplate ?? parsed.data.serviceUrlTemplate)!;
  if (customUrl !== undefined && !cloudTemplateAllowed(template, customUrl)) return undefined;
  const ordered = [...parsed.data.servers].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const hosts: string[] = [];
  // seed 000: servers.json names hosts; anything else (a URL, a path) is not a host and is dropped.
  for (const server of ordered) for (const host of [server.host, ...(server.altHostHints ?? [])]) if (isHostName(host) && !hosts.includes(host)) hosts.push(host);
  return hosts.length > 0 ? { template, hosts } : undefined;
}

/** seed 000 (PureConnect Cloud): the service URL template is the custom URL's own front door
 *  ("<friendlyname>/CustomICWS/api/{host}"). Allowed: the custom URL's origin with {host} in the path;
 *  or {host} as the host name with the custom URL's scheme and port. Never https → http. */
export function cloudTemplateAllowed(template: string, customUrl: string): boolean {
  let custom: URL;
  let probe: URL;
  try {
    custom = new URL(customUrl);
    probe = new URL(template.replace('{host}', 'host-probe.invalid'));
  } catch {
    return false;
  }
  if (probe.protocol !== custom.protocol || probe.username || probe.password) return false;
  if (probe.hostname === 'host-probe.invalid') return probe.port === custom.port;
  return probe.origin === custom.origin;
}

/** [ICWS-24] the session base for a host: the template with {host} substituted, no trailing slash. */
export function cloudBase(template: string, host: string): string {
  return template.replace('{host}', host).replace(/\/+$/, '');
}
