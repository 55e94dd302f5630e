// Genesys Cloud Platform API steps (protocols/genesys-cloud.md §2, §3): pure request builders and
// response processors. The session adds the bearer token (a header only — never a URL, GC-04) and
// sends them through the profile's HttpSession.
import { PatchbayError } from '../../errors.ts';
import type { HttpResponse } from '../../net/types.ts';
import {
  ChannelSchema,
  ConversationsSchema,
  ErrorBodySchema,
  parseWith,
  PresenceDefinitionsSchema,
  RoutingStatusSchema,
  UserPresenceSchema,
  UserSchema,
  type Channel,
  type Conversation,
  type PresenceDefinition,
  type RoutingStatus,
  type User,
  type UserPresence,
} from './wire.ts';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query under the API base, e.g. /api/v2/users/me. */
  path: string;
  json?: unknown;
  /** What the agent would call this step, for error messages. */
  what: string;
}

const seg = (value: string) => encodeURIComponent(value);

export const usersMe = (): ApiRequest => ({ method: 'GET', path: '/api/v2/users/me?expand=presence,routingStatus', what: 'your user' });
export const presenceDefinitions = (): ApiRequest => ({ method: 'GET', path: '/api/v2/presence/definitions?pageSize=100', what: 'the presence list' });
export const getPresence = (userId: string): ApiRequest => ({ method: 'GET', path: `/api/v2/users/${seg(userId)}/presences/purecloud`, what: 'your presence' });
/** §3: going On Queue is this PATCH with the OnQueue definition's id. */
export const setPresence = (userId: string, definitionId: string): ApiRequest => ({
  method: 'PATCH',
  path: `/api/v2/users/${seg(userId)}/presences/purecloud`,
  json: { presenceDefinition: { id: definitionId } },
  what: 'the presence change',
});
export const getRoutingStatus = (userId: string): ApiRequest => ({ method: 'GET', path: `/api/v2/users/${seg(userId)}/routingstatus`, what: 'your routing status' });
/** §3: mainly NOT_RESPONDING → IDLE. */
export const setRoutingStatus = (userId: string, status: string): ApiRequest => ({
  method: 'PUT',
  path: `/api/v2/users/${seg(userId)}/routingstatus`,
  json: { status },
  what: 'the routing status change',
});
export const conversations = (): ApiRequest => ({ method: 'GET', path: '/api/v2/conversations', what: 'your conversations' });
export const createChannel = (): ApiRequest => ({ method: 'POST', path: '/api/v2/notifications/channels', what: 'a notification channel' });
/** §2: PUT replaces the channel's topics (and re-subscribing extends the channel's life). */
export const putSubscriptions = (channelId: string, topics: readonly string[]): ApiRequest => ({
  method: 'PUT',
  path: `/api/v2/notifications/channels/${seg(channelId)}/subscriptions`,
  json: topics.map((id) => ({ id })),
  what: 'the notification topics',
});

export const deleteSubscriptions = (channelId: string): ApiRequest => ({
  method: 'DELETE',
  path: `/api/v2/notifications/channels/${seg(channelId)}/subscriptions`,
  what: 'the old notification topics',
});

/** The user's topics: presence, routing status and conversations (issue 10 "Notifications"). */
export function topicsFor(userId: string): string[] {
  return [`v2.users.${userId}.presence`, `v2.users.${userId}.routingStatus`, `v2.users.${userId}.conversations`];
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3) → ms to wait; undefined when absent/bad. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** 429s retried per request (Retry-After honoured, capped) before the error is shown. */
export const MAX_RATE_LIMIT_RETRIES = 2;
export const MAX_RETRY_AFTER_MS = 60_000;

export type RefusalStep = { kind: 'renew' } | { kind: 'wait'; ms: number } | { kind: 'fail'; authLost: boolean };

/** After a non-2xx answer: a 401 → renew once and repeat; a 429 → wait Retry-After (1 s when absent,
 *  at most 60 s) and repeat, at most twice; anything else fails. A 401 after renewing: sign-in lost (GC-09). */
export function refusalStep(status: number, error: PatchbayError, tries: { renewed: boolean; rateLimited: number }): RefusalStep {
  if (status === 401 && !tries.renewed) return { kind: 'renew' };
  if (status === 429 && tries.rateLimited < MAX_RATE_LIMIT_RETRIES) {
    const waitMs = typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : 1_000;
    return { kind: 'wait', ms: Math.min(MAX_RETRY_AFTER_MS, waitMs) };
  }
  return { kind: 'fail', authLost: status === 401 };
}

/** The server's own words for an error, short and single-line (Genesys messages carry no secrets,
 *  but a body is never echoed whole). */
function serverMessage(res: HttpResponse): { message?: string; code?: string } {
  try {
    const body = ErrorBodySchema.safeParse(res.json());
    if (!body.success) return {};
    const message = body.data.message?.replace(/\s+/g, ' ').slice(0, 200);
    return { ...(message ? { message } : {}), ...(body.data.code ? { code: body.data.code.slice(0, 80) } : {}) };
  } catch {
    return {};
  }
}

/** Any non-2xx → a typed error. 401: the token; 403: a scope; 429: the rate limit (Retry-After). */
export function responseError(res: HttpResponse, request: ApiRequest, nowMs: number): PatchbayError {
  const server = serverMessage(res);
  const details = { status: res.status, step: request.what, ...(server.code ? { serverCode: server.code } : {}) };
  if (res.status === 401) {
    // The org's idle-token timeout (5 min–8 h, all clients) ends a token nobody used for that long (§1).
    if (/idle/i.test(server.message ?? '') || /idle/i.test(server.code ?? '')) {
      return new PatchbayError('genesys-cloud.token.idle', 'Genesys Cloud ended your sign-in because it was idle longer than your organisation allows. Sign in again.', {
        action: 'sign-in-again',
        details,
      });
    }
    return new PatchbayError('genesys-cloud.unauthorized', 'Genesys Cloud no longer accepts your sign-in. Sign in again.', { action: 'sign-in-again', details });
  }
  if (res.status === 403) {
    const scope = /scope/i.test(server.message ?? '') || /scope/i.test(server.code ?? '');
    return new PatchbayError(
      scope ? 'genesys-cloud.scopes.missing' : 'genesys-cloud.forbidden',
      scope
        ? `Genesys Cloud refused ${request.what}: ${server.message ?? 'a permission (OAuth scope) is missing'}. Ask IT to add it to the OAuth client.`
        : `Genesys Cloud refused ${request.what}${server.message ? `: ${server.message}` : ''}. Ask IT to check your permissions.`,
      { action: 'contact-it', details },
    );
  }
  if (res.status === 429) {
    const waitMs = retryAfterMs(res.headers['retry-after'], nowMs);
    return new PatchbayError('genesys-cloud.rate-limited', 'Genesys Cloud asked Patchbay to slow down. Trying again shortly.', {
      action: 'retry',
      details: { ...details, ...(waitMs !== undefined ? { retryAfterMs: waitMs } : {}) },
    });
  }
  if (res.status === 404) {
    return new PatchbayError('genesys-cloud.not-found', `Genesys Cloud could not find ${request.what}.`, { action: 'retry', details });
  }
  if (res.status >= 500) {
    return new PatchbayError('genesys-cloud.server-error', `Genesys Cloud had a problem with ${request.what} (${res.status}). Try again in a moment.`, { action: 'retry', details });
  }
  return new PatchbayError('genesys-cloud.request-failed', `Genesys Cloud refused ${request.what} (${res.status})${server.message ? `: ${server.message}` : ''}.`, {
    action: 'retry',
    details,
  });
}

export const readUser = (res: HttpResponse): User => parseWith(UserSchema, res.json(), 'your user');
export const readDefinitions = (res: HttpResponse): PresenceDefinition[] =>
  parseWith(PresenceDefinitionsSchema, res.json(), 'the presence list').entities.filter((d) => d.deactivated !== true);
export const readPresence = (res: HttpResponse): UserPresence => parseWith(UserPresenceSchema, res.json(), 'your presence');
export const readRoutingStatus = (res: HttpResponse): RoutingStatus => parseWith(RoutingStatusSchema, res.json(), 'your routing status');
export const readConversations = (res: HttpResponse): Conversation[] => parseWith(ConversationsSchema, res.json(), 'your conversations').entities;
export const readChannel = (res: HttpResponse): Channel => parseWith(ChannelSchema, res.json(), 'a notification channel');

/**
 * Credentials only to configured hosts (DESIGN.md "Trust boundaries"): the streaming URL the server
 * names must be wss://streaming.<region> (the API's region), or — for a loopback API base (the lab) —
 * the API server's own host. Anything else is refused before a socket opens.
 */
export function checkConnectUri(connectUri: string, apiBase: string): URL {
  const refuse = () =>
    new PatchbayError('genesys-cloud.notifications.bad-uri', 'Genesys Cloud named a notification server Patchbay does not trust.', {
      action: 'contact-it',
      details: { host: safeHost(connectUri) },
    });
  let url: URL;
  try {
    url = new URL(connectUri);
  } catch {
    throw refuse();
  }
  const api = new URL(apiBase);
  if (url.username || url.password) throw refuse();
  if (isLoopback(api.hostname)) {
    if ((url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname === api.hostname && url.port === api.port) return url;
    throw refuse();
  }
  const region = api.hostname.replace(/^api\./, '');
  if (url.protocol === 'wss:' && url.hostname === `streaming.${region}` && (url.port === '' || url.port === '443')) return url;
  throw refuse();
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function safeHost(value: string): string {
  try {
    return new URL(value).host;
  } catch {
    return '(not a URL)';
  }
}

/** The profile's API base (https://api.<region>), without a trailing slash. */
export function apiBaseOf(server: string | undefined): string {
  if (!server) throw new PatchbayError('genesys-cloud.profile.invalid', 'This Genesys Cloud profile names no API address (https://api.<region>).', { action: 'contact-it' });
  return server.replace(/\/+$/, '');
}

export function missingHttp(): never {
  throw new PatchbayError('internal.no-http', 'No network session for this profile.', { action: 'contact-it' });
}
