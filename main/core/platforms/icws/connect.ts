// ICWS connection steps (seed 000; protocols/icws.md): POST /icws/connection, the 503 host walk,
// reading a 201, PureConnect Cloud's servers.json, and giving a session back. Each step takes the
// transport it needs; the session class only orchestrates.
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import type { AttemptOutcome } from './reconnect.ts';
import { jsonOrUndefined, safeErrorBody, sanitizeServerMessage, serverError } from './responses.ts';
import {
  alternateHostUrl,
  cloudBase,
  cloudServers,
  ConnectionResponseSchema,
  ConnectionStateSchema,
  CSRF_HEADER,
  FeaturesSchema,
  ICWS_ACCEPT,
  ICWS_CONTENT_TYPE,
  isHostName,
  ServerInfoSchema,
} from './wire.ts';

/** Bound on the host walk so a 503 storm of ever-new alternate hosts cannot loop for ever. */
export const MAX_HOSTS_PER_WALK = 32;

export interface Connection {
  base: string;
  sessionId: string;
  csrfToken: string;
  userId: string;
  /** [ICWS-05] kept for reconnecting (used by the reconnect algorithm). */
  alternateHosts: string[];
  messagingVersion: number | undefined;
  userDisplayName?: string | undefined;
}

/** What every connection step needs: the profile's jar/transport, its fixed language, a log. */
export interface ConnectContext {
  http: HttpSession;
  /** [ICWS-01] fixed for the session: every call sends the same Accept-Language. */
  language: string;
  log: Logger;
}

/** Turns an alternate host name into a session base (same scheme and port, or the cloud template);
 *  undefined for anything but a bare host name. */
export type HostToBase = (current: string, host: string) => string | undefined;

/** An alternate host name → a session base: the cloud template when there is one, else same scheme
 *  and port (seed 000: names only; never another scheme or port). */
export function hostToBase(cloudTemplate: string | undefined, current: string, host: string): string | undefined {
  if (cloudTemplate) return isHostName(host) ? cloudBase(cloudTemplate, host) : undefined;
  return alternateHostUrl(current, host);
}

/** The session bases of a server's alternate host list; entries that are not host names are logged and skipped. */
export function alternateBases(log: Logger, current: string, hosts: readonly string[], toBase: HostToBase): string[] {
  const out: string[] = [];
  for (const host of hosts) {
    const base = toBase(current, host);
    if (base === undefined) log.warn('icws.alternate-host.ignored', { reason: 'not a host name', length: String(host).length });
    else if (!out.includes(base)) out.push(base);
  }
  return out;
}

/** A session base built from one cloud template, rebuilt with another (same host name). */
export function rebase(base: string, from: string, to: string): string {
  const [prefix, suffix] = from.split('{host}') as [string, string];
  const trimmedSuffix = suffix.replace(/\/+$/, '');
  if (!base.startsWith(prefix)) return base;
  const host = base.slice(prefix.length, trimmedSuffix ? base.length - trimmedSuffix.length : undefined);
  return cloudBase(to, host);
}

/** The profile's server addresses as session bases (no trailing slash). */
export function profileBases(servers: readonly string[]): string[] {
  return servers.map((s) => s.replace(/\/+$/, ''));
}

/** [ICWS-04] one authenticated call: session id in the URI, CSRF header, session cookie (jar). */
export function sessionRequest(ctx: ConnectContext, connection: Connection, method: string, path: string, json?: unknown, signal?: AbortSignal): Promise<HttpResponse> {
  return ctx.http.request({
    method,
    url: `${connection.base}/icws/${connection.sessionId}${path}`,
    headers: {
      'Accept-Language': ctx.language,
      Accept: ICWS_ACCEPT,
      [CSRF_HEADER]: connection.csrfToken,
      ...(json === undefined ? {} : { 'Content-Type': ICWS_CONTENT_TYPE }),
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    sensitiveHeaders: [CSRF_HEADER],
    followRedirects: false,
    ...(signal ? { signal } : {}),
  });
}

export function postConnection(ctx: ConnectContext, base: string, settings: string, signal?: AbortSignal): Promise<HttpResponse> {
  return ctx.http.request({
    method: 'POST',
    url: `${base}/icws/connection?include=version,features`,
    headers: {
      // [ICWS-01] fixed for the session: every later call sends the same value.
      'Accept-Language': ctx.language,
      'Content-Type': ICWS_CONTENT_TYPE,
      Accept: ICWS_ACCEPT,
    },
    body: settings,
    // The settings hold the password or a single-use SSO token (issue 8 item 3).
    credentials: true,
    followRedirects: false,
    ...(signal ? { signal } : {}),
  });
}

/** [ICWS-24, ICWS-25] cloud mode: GET <custom URL>/config/servers.json; the service URL template
 *  turns host names into session bases. */
export async function fetchCloudServers(ctx: ConnectContext, customUrl: string, signal?: AbortSignal): Promise<{ template: string; bases: string[] }> {
  const res = await ctx.http.request({ url: `${customUrl}/config/servers.json`, headers: { Accept: 'application/json' }, ...(signal ? { signal } : {}) });
  // [ICWS-24] and seed 000: host names only, through the custom URL's own front door.
  const servers = res.status === 200 ? cloudServers(jsonOrUndefined(res), customUrl) : undefined;
  if (!servers) {
    throw new PatchbayError('icws.cloud.bad-servers-json', 'The PureConnect Cloud address did not give a usable server list (config/servers.json).', {
      action: 'contact-it',
      details: { status: res.status },
    });
  }
  return { template: servers.template, bases: servers.hosts.map((host) => cloudBase(servers.template, host)) };
}

/** [ICWS-06] try the hosts in order, walking 503 alternate hosts (appended) until a 201. */
export async function walkHosts(ctx: ConnectContext, hosts: string[], settings: string, userName: string, signal: AbortSignal, toBase: HostToBase): Promise<Connection> {
  let lastError: PatchbayError | undefined;
  for (let i = 0; i < hosts.length && i < MAX_HOSTS_PER_WALK; i++) {
    const base = hosts[i]!;
    let res: HttpResponse;
    try {
      res = await postConnection(ctx, base, settings, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      lastError = toPatchbayError(error);
      ctx.log.info('icws.connect.host-failed', { host: new URL(base).host, code: lastError.code });
      continue;
    }
    if (res.status === 201) return processConnection(ctx, base, res, userName);
    const body = safeErrorBody(res);
    if (res.status === 503) {
      // [ICWS-06] 503 + alternateHostList → the listed hosts are tried next, in order (before the
      // profile's remaining servers; issue 9 item 2).
      const fresh = alternateBases(ctx.log, base, body?.alternateHostList ?? [], toBase).filter((url, k, all) => !hosts.includes(url) && all.indexOf(url) === k);
      hosts.splice(i + 1, 0, ...fresh);
      lastError = serverError(res, body, 'icws.connect.unavailable', 'The server is not accepting connections.', 'retry');
      continue;
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      // [ICWS-26] the server's own message, verbatim.
      throw serverError(res, body, 'icws.connect.rejected', 'The server refused the sign-in.', 'sign-in-again');
    }
    lastError = serverError(res, body, 'icws.connect.failed', `The server answered ${res.status}.`, 'retry');
  }
  throw lastError ?? new PatchbayError('icws.connect.no-server', 'No server is configured for this profile.', { action: 'contact-it' });
}

/** One POST /icws/connection to one host, classified for the reconnect algorithm (step 4). */
export async function attemptOnce(
  ctx: ConnectContext,
  base: string,
  settings: string,
  userName: string,
  signal: AbortSignal,
  toBase: HostToBase,
): Promise<{ outcome: AttemptOutcome; connection?: Connection }> {
  let res: HttpResponse;
  try {
    res = await postConnection(ctx, base, settings, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return { outcome: { kind: 'failed' } };
  }
  const body = safeErrorBody(res);
  if (res.status === 201) {
    try {
      return { outcome: { kind: 'created' }, connection: await processConnection(ctx, base, res, userName) };
    } catch {
      return { outcome: { kind: 'failed', status: 201 } };
    }
  }
  if (res.status === 400) {
    return { outcome: { kind: 'rejected', status: 400, message: sanitizeServerMessage(body?.message) ?? 'The server refused the connection.', ...(body?.errorId ? { errorId: body.errorId } : {}) } };
  }
  if (res.status === 503) return { outcome: { kind: 'unavailable', alternateHosts: alternateBases(ctx.log, base, body?.alternateHostList ?? [], toBase) } };
  return { outcome: { kind: 'failed', status: res.status } };
}

/** [ICWS-03] a 201 carries the session id, CSRF token, Location and the session cookie. */
export async function processConnection(ctx: ConnectContext, base: string, res: HttpResponse, userName: string): Promise<Connection> {
  const parsed = ConnectionResponseSchema.safeParse(jsonOrUndefined(res));
  const sessionId = res.headers['inin-icws-session-id'] ?? (parsed.success ? parsed.data.sessionId : undefined);
  const csrfToken = res.headers[CSRF_HEADER.toLowerCase()] ?? (parsed.success ? parsed.data.csrfToken : undefined);
  if (!parsed.success || !sessionId || !csrfToken) {
    throw new PatchbayError('icws.connect.bad-response', 'The server accepted the sign-in but its answer was incomplete.', {
      action: 'contact-it',
      details: { status: res.status },
    });
  }
  const cookie = await ctx.http.cookieHeader(`${base}/icws/${sessionId}/connection`);
  if (!cookie.includes(`icws_${sessionId}=`)) {
    // [ICWS-04] without the session cookie no authenticated call could succeed.
    throw new PatchbayError('icws.connect.no-cookie', 'The server did not set a session cookie.', { action: 'contact-it' });
  }
  let messagingVersion = parsed.data.features?.find((f) => f.featureId === 'messaging')?.version;
  if (messagingVersion === undefined) {
    const features = await ctx.http.request({ url: `${base}/icws/connection/features`, headers: { 'Accept-Language': ctx.language, Accept: ICWS_ACCEPT } });
    const list = FeaturesSchema.safeParse(jsonOrUndefined(features));
    messagingVersion = list.success ? list.data.featureInfoList.find((f) => f.featureId === 'messaging')?.version : undefined;
  }
  ctx.log.info('icws.connected', { host: new URL(base).host, sessionId, messagingVersion });
  return {
    base,
    sessionId,
    csrfToken,
    userId: parsed.data.userID ?? userName,
    alternateHosts: parsed.data.alternateHostList,
    messagingVersion,
    userDisplayName: parsed.data.userDisplayName,
  };
}

/** DELETE a session on the server (sign-out, or one that cannot be used); best effort. */
export async function discardConnection(ctx: ConnectContext, connection: Connection): Promise<void> {
  try {
    await ctx.http.request({
      method: 'DELETE',
      url: `${connection.base}/icws/${connection.sessionId}/connection`,
      headers: { 'Accept-Language': ctx.language, Accept: ICWS_ACCEPT, [CSRF_HEADER]: connection.csrfToken },
      followRedirects: false,
    });
  } catch (error) {
    ctx.log.info('icws.discard.failed', { code: toPatchbayError(error).code });
  }
}

/** [ICWS-08, ICWS-09] server-info lists identity providers only when asked with capabilities. An
 *  unreachable server offers what the profile says; sign-in will report the real problem. */
export async function readServerInfo(ctx: ConnectContext, base: string): Promise<{ allowIcAuth: boolean; identityProviders: { id: string; label: string }[] }> {
  try {
    const res = await ctx.http.request({
      url: `${base}/icws/connection/server-info?singleSignOnCapabilities=saml2Post,saml2Redirect`,
      headers: { 'Accept-Language': ctx.language, Accept: ICWS_ACCEPT },
      followRedirects: false,
    });
    const parsed = ServerInfoSchema.safeParse(jsonOrUndefined(res));
    if (res.status === 200 && parsed.success) {
      return {
        allowIcAuth: parsed.data.authentication?.allowIcAuth ?? true,
        identityProviders: (parsed.data.authentication?.identityProviders ?? []).map((p) => ({ id: p.identityProviderId, label: p.displayName ?? p.identityProviderId })),
      };
    }
  } catch (error) {
    ctx.log.info('icws.server-info.unavailable', { code: toPatchbayError(error).code });
  }
  return { allowIcAuth: true, identityProviders: [] };
}

/** [ICWS-17] after a 401 the connection resource still says why the session ended. */
export async function readConnectionState(ctx: ConnectContext, connection: Connection): Promise<{ reason?: string | undefined; shouldReconnect?: boolean | undefined }> {
  try {
    const res = await ctx.http.request({
      url: `${connection.base}/icws/${connection.sessionId}/connection`,
      headers: { 'Accept-Language': ctx.language, Accept: ICWS_ACCEPT, [CSRF_HEADER]: connection.csrfToken },
      followRedirects: false,
    });
    const parsed = ConnectionStateSchema.safeParse(jsonOrUndefined(res));
    if (res.status === 200 && parsed.success) return { reason: parsed.data.reason, shouldReconnect: parsed.data.shouldReconnect };
  } catch (error) {
    ctx.log.info('icws.connection-state.unavailable', { code: toPatchbayError(error).code });
  }
  return {};
}
