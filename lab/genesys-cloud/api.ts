// api.<region>/api/v2 of the Genesys Cloud lab (shared/protocols/genesys-cloud.md §1–3): bearer
// tokens checked in-process against oidc-provider's store, scopes enforced per endpoint (403 naming
// the missing one), 401 for expired/revoked/idle tokens, 429 + Retry-After bursts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import { LAB_ORG, LAB_CONFIDENTIAL_CLIENT_ID, LAB_PUBLIC_CLIENT_ID, LAB_PUBLIC_CLIENT_NAME, ROUTING_STATUSES, hasAnyScope } from './fixture.ts';
import type { GenesysCloudLabUser } from './fixture.ts';
import { readJsonBody, sendError, sendJson, sendNoContent } from './http-replies.ts';
import type { GenesysOrgState } from './org-state.ts';
import type { Streaming } from './streaming.ts';

export type ApiAuthResult = 'ok' | 'missing' | 'invalid' | 'expired' | 'idle' | 'rate-limited';

/** One API request as the lab saw it: never a token. */
export interface ApiRequestRecord {
  server: 'api';
  time: number;
  method: string;
  path: string;
  status: number;
  auth: 'none' | 'bearer' | 'other';
  authResult: ApiAuthResult;
  userId?: string;
}

export interface ApiLimits {
  /** The next this-many API requests answer 429 (rateLimit). */
  rateLimitRemaining: number;
  retryAfterSec: number;
  /** The org's idle-token timeout (GET /api/v2/tokens/timeout); undefined = off. */
  idleTimeoutSec: number | undefined;
}

export interface ApiDeps {
  provider: Provider;
  users: GenesysCloudLabUser[];
  org: GenesysOrgState;
  streaming: Streaming;
  limits: ApiLimits;
  /** Revokes the grants' tokens and ends their notification channels (token_revoked). */
  revokeGrants(grantIds: string[]): Promise<void>;
  record(entry: ApiRequestRecord): void;
}

interface Caller {
  user: GenesysCloudLabUser;
  scopes: string[];
  grantId: string | undefined;
  clientId: string;
}

const PresencePatchSchema = z.object({ presenceDefinition: z.object({ id: z.string().min(1).max(64) }), message: z.string().max(500).optional() });
const RoutingPutSchema = z.object({ status: z.enum(ROUTING_STATUSES) });
const TopicsSchema = z.array(z.object({ id: z.string().min(1).max(512) })).max(1000);

const TOPIC_SCOPES: Record<string, string> = { presence: 'presence:readonly', routingStatus: 'routing:readonly', conversations: 'conversations:readonly' };

/** Expands `v2.users.{id}?presence&routingStatus` into single topics; undefined when not a known topic. */
export function expandTopic(topic: string): { userId: string; kind: string }[] | undefined {
  const single = /^v2\.users\.([0-9a-f-]{36})\.(presence|routingStatus|conversations)$/.exec(topic);
  if (single !== null) return [{ userId: single[1] ?? '', kind: single[2] ?? '' }];
  const combined = /^v2\.users\.([0-9a-f-]{36})\?([A-Za-z&]+)$/.exec(topic);
  if (combined === null) return undefined;
  const kinds = (combined[2] ?? '').split('&');
  if (kinds.length === 0 || kinds.some((k) => TOPIC_SCOPES[k] === undefined)) return undefined;
  return kinds.map((kind) => ({ userId: combined[1] ?? '', kind }));
}

function bearer(header: string | undefined): { auth: ApiRequestRecord['auth']; token?: string } {
  if (header === undefined) return { auth: 'none' };
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,4096})$/i.exec(header.trim());
  return match === null ? { auth: 'other' } : { auth: 'bearer', token: match[1] ?? '' };
}

export function createApiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const lastUsed = new Map<string, number>();

  const authenticate = async (token: string): Promise<{ result: ApiAuthResult; caller?: Caller }> => {
    const found = await deps.provider.AccessToken.find(token, { ignoreExpiration: true });
    if (found === undefined) return { result: 'invalid' };
    if (found.isExpired) return { result: 'expired' };
    const now = Date.now();
    const idle = deps.limits.idleTimeoutSec;
    const previous = lastUsed.get(found.jti) ?? (found.iat ?? 0) * 1000;
    if (idle !== undefined && now - previous > idle * 1000) {
      await found.destroy(); // the org's idle-token timeout ends the token
      lastUsed.delete(found.jti);
      return { result: 'idle' };
    }
    lastUsed.set(found.jti, now);
    const user = deps.users.find((u) => u.id === found.accountId);
    if (user === undefined) return { result: 'invalid' };
    return { result: 'ok', caller: { user, scopes: (found.scope ?? '').split(' ').filter((s) => s !== ''), grantId: found.grantId, clientId: found.clientId ?? '' } };
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const { auth, token } = bearer(req.headers.authorization);
    const record: ApiRequestRecord = { server: 'api', time: Date.now(), method, path, status: 0, auth, authResult: 'missing' };
    res.once('finish', () => deps.record({ ...record, status: res.statusCode }));

    if (deps.limits.rateLimitRemaining > 0) {
      deps.limits.rateLimitRemaining -= 1;
      record.authResult = 'rate-limited';
      const retry = String(deps.limits.retryAfterSec);
      sendError(res, 429, 'too.many.requests', `Rate limit exceeded the maximum. Retry the request in [${retry}] seconds`, { 'Retry-After': retry });
      return;
    }
    if (token === undefined) {
      sendError(res, 401, 'authentication.required', 'No authentication bearer token specified in authorization header.');
      return;
    }
    const { result, caller } = await authenticate(token);
    record.authResult = result;
    if (caller === undefined) {
      const message = result === 'idle' ? 'The token expired because it was idle longer than the organization allows.' : 'Invalid login credentials.';
      sendError(res, 401, 'bad.credentials', message);
      return;
    }
    record.userId = caller.user.id;
    await route(deps, caller, req, res, method, path, url.searchParams);
  };
}

/** 403 naming what is missing (GC-02's server side) unless one of `anyOf` is granted. */
function requireScope(res: ServerResponse, caller: Caller, anyOf: string[]): boolean {
  if (hasAnyScope(caller.scopes, anyOf)) return true;
  sendError(res, 403, 'missing.any.scopes', `This request requires one of the following scopes: [${anyOf.join(', ')}]`);
  return false;
}

function presenceView(deps: ApiDeps, userId: string): unknown {
  const presence = deps.org.presence(userId);
  if (presence === undefined) return undefined;
  return { ...presence, presenceDefinition: { ...presence.presenceDefinition, selfUri: `/api/v2/presence/definitions/${presence.presenceDefinition.id}` }, selfUri: `/api/v2/users/${userId}/presences/purecloud` };
}

function routingView(deps: ApiDeps, userId: string): unknown {
  const routing = deps.org.routing(userId);
  return routing === undefined ? undefined : { userId, status: routing.status, startTime: routing.startTime };
}

async function body<T>(req: IncomingMessage, res: ServerResponse, schema: z.ZodType<T>): Promise<T | undefined> {
  const parsed = await readJsonBody(req);
  if (parsed.kind === 'too-large') {
    sendError(res, 413, 'request.entity.too.large', 'The request body is too large.');
    return undefined;
  }
  if (parsed.kind === 'bad') {
    sendError(res, 400, 'bad.request', parsed.message);
    return undefined;
  }
  const checked = schema.safeParse(parsed.value);
  if (!checked.success) {
    sendError(res, 400, 'invalid.value', `The request body is invalid: ${checked.error.issues[0]?.message ?? 'unexpected shape'}`);
    return undefined;
  }
  return checked.data;
}

async function route(deps: ApiDeps, caller: Caller, req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): Promise<void> {
  const notFound = (): void => sendError(res, 404, 'not.found', 'The requested resource was not found.');
  const notAllowed = (): void => sendError(res, 405, 'method.not.allowed', `${method} is not allowed on ${path}.`);
  let m: RegExpExecArray | null;

  if (path === '/api/v2/users/me') {
    if (method !== 'GET') return notAllowed();
    const expand = (query.get('expand') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (!requireScope(res, caller, ['users:readonly', 'user-basic-info'])) return;
    if (expand.includes('presence') && !requireScope(res, caller, ['presence:readonly'])) return;
    if (expand.includes('routingStatus') && !requireScope(res, caller, ['routing:readonly'])) return;
    const { user } = caller;
    return sendJson(res, 200, {
      id: user.id,
      name: user.name,
      username: user.email,
      email: user.email,
      state: 'active',
      ...(expand.includes('presence') ? { presence: presenceView(deps, user.id) } : {}),
      ...(expand.includes('routingStatus') ? { routingStatus: routingView(deps, user.id) } : {}),
      selfUri: `/api/v2/users/${user.id}`,
    });
  }
  if (path === '/api/v2/presence/definitions' || path === '/api/v2/presencedefinitions') {
    if (method !== 'GET') return notAllowed();
    if (!requireScope(res, caller, ['presence:readonly'])) return;
    const entities = deps.org.definitions.map((d) => ({ ...d, deactivated: false, selfUri: `/api/v2/presence/definitions/${d.id}` }));
    return sendJson(res, 200, { entities, pageSize: entities.length, pageNumber: 1, total: entities.length, pageCount: 1 });
  }
  if ((m = /^\/api\/v2\/users\/([0-9a-f-]{36})\/presences\/purecloud$/.exec(path)) !== null) {
    const userId = m[1] ?? '';
    if (!deps.org.hasUser(userId)) return notFound();
    if (method === 'GET') {
      if (!requireScope(res, caller, ['presence:readonly'])) return;
      return sendJson(res, 200, presenceView(deps, userId));
    }
    if (method !== 'PATCH') return notAllowed();
    if (!requireScope(res, caller, ['presence'])) return;
    const patch = await body(req, res, PresencePatchSchema);
    if (patch === undefined) return;
    if (deps.org.setPresence(userId, patch.presenceDefinition.id, patch.message) === undefined) {
      return sendError(res, 400, 'invalid.value', `Unknown presence definition ${patch.presenceDefinition.id}.`);
    }
    return sendJson(res, 200, presenceView(deps, userId));
  }
  if ((m = /^\/api\/v2\/users\/([0-9a-f-]{36})\/routingstatus$/.exec(path)) !== null) {
    const userId = m[1] ?? '';
    if (!deps.org.hasUser(userId)) return notFound();
    if (method === 'GET') {
      if (!requireScope(res, caller, ['routing:readonly'])) return;
      return sendJson(res, 200, routingView(deps, userId));
    }
    if (method !== 'PUT') return notAllowed();
    if (!requireScope(res, caller, ['routing'])) return;
    const put = await body(req, res, RoutingPutSchema);
    if (put === undefined) return;
    deps.org.setRouting(userId, put.status);
    return sendJson(res, 200, routingView(deps, userId));
  }
  if (path === '/api/v2/conversations') {
    if (method !== 'GET') return notAllowed();
    if (!requireScope(res, caller, ['conversations:readonly'])) return;
    return sendJson(res, 200, { entities: deps.org.activeConversations(caller.user.id), selfUri: '/api/v2/conversations' });
  }
  if (path === '/api/v2/notifications/channels') {
    if (!requireScope(res, caller, ['notifications'])) return;
    if (method === 'POST') return sendJson(res, 200, deps.streaming.view(deps.streaming.create(caller.user.id, caller.grantId)));
    if (method === 'GET') return sendJson(res, 200, { entities: deps.streaming.list(caller.user.id).map((c) => deps.streaming.view(c)) });
    return notAllowed();
  }
  if ((m = /^\/api\/v2\/notifications\/channels\/([A-Za-z0-9-]{1,64})(\/subscriptions)?$/.exec(path)) !== null) {
    if (!requireScope(res, caller, ['notifications'])) return;
    const channel = deps.streaming.get(m[1] ?? '', caller.user.id);
    if (channel === undefined) return notFound();
    if (m[2] === undefined) {
      if (method !== 'HEAD' && method !== 'GET') return notAllowed();
      return sendJson(res, 200, deps.streaming.view(channel));
    }
    const entities = (): { entities: { id: string }[] } => ({ entities: channel.topics.map((id) => ({ id })) });
    if (method === 'GET') return sendJson(res, 200, entities());
    if (method === 'DELETE') {
      deps.streaming.setTopics(channel, [], 'remove');
      return sendNoContent(res);
    }
    if (method !== 'PUT' && method !== 'POST') return notAllowed();
    const topics = await body(req, res, TopicsSchema);
    if (topics === undefined) return;
    const expanded: string[] = [];
    for (const { id } of topics) {
      const parts = expandTopic(id);
      if (parts === undefined || parts.some((p) => !deps.org.hasUser(p.userId))) return sendError(res, 400, 'bad.request', `Invalid topic: ${id}`);
      for (const part of parts) {
        if (!requireScope(res, caller, [TOPIC_SCOPES[part.kind] ?? 'none'])) return;
        expanded.push(`v2.users.${part.userId}.${part.kind}`);
      }
    }
    const total = new Set(method === 'PUT' ? expanded : [...channel.topics, ...expanded]).size;
    if (total > deps.streaming.maxTopics) return sendError(res, 400, 'notification.topic.limit', `A channel holds at most ${deps.streaming.maxTopics} topics.`);
    deps.streaming.setTopics(channel, expanded, method === 'PUT' ? 'replace' : 'add');
    return sendJson(res, 200, entities());
  }
  if (path === '/api/v2/tokens/me') {
    if (method === 'GET') {
      const clientName = caller.clientId === LAB_PUBLIC_CLIENT_ID ? LAB_PUBLIC_CLIENT_NAME : caller.clientId === LAB_CONFIDENTIAL_CLIENT_ID ? 'Lab server integration (confidential)' : caller.clientId;
      return sendJson(res, 200, { organization: LAB_ORG, homeOrganization: LAB_ORG, authorizedScope: caller.scopes, OAuthClient: { id: caller.clientId, name: clientName, organization: { id: LAB_ORG.id } } });
    }
    if (method !== 'DELETE') return notAllowed();
    // Revokes this sign-in: the token, its refresh token and the channels it created.
    if (caller.grantId !== undefined) await deps.revokeGrants([caller.grantId]);
    return sendNoContent(res);
  }
  if (path === '/api/v2/tokens/timeout') {
    if (method !== 'GET') return notAllowed();
    const idle = deps.limits.idleTimeoutSec;
    return sendJson(res, 200, { idleTokenTimeoutSeconds: idle ?? 900, enableIdleTokenTimeout: idle !== undefined });
  }
  return notFound();
}
