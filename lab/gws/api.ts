// The agent API of GWS v2 (shared/protocols/gws.md §2): /api/v2/me and its channels, devices, calls.
// Request order as in Spring Security: the CSRF filter first (POST/PUT/DELETE), then the
// authentication chain (auth.ts), then the endpoint. Bodies are JSON; errors are statusCode envelopes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { firstHeader, readBody } from '../http-io.ts';
import { authenticate, cookieSession } from './auth.ts';
import type { AuthConfig, ChainStep } from './auth.ts';
import { clearSessionCookie, CSRF_HEADER_NAME, CSRF_MESSAGE, sendJson, sendStatus, sessionCookie, STATUS } from './http.ts';
import type { AgentRecord, GwsSession, GwsStore } from './store.ts';

const MAX_BODY = 64 * 1024;

export interface ApiRequestRecord {
  time: string;
  method: string;
  path: string;
  status: number;
  statusCode?: number;
  /** Which chain step authenticated ('anonymous' when none did); never a credential. */
  auth: ChainStep | 'anonymous' | 'csrf-refused';
  failed: ChainStep[];
  user?: string;
}

export interface ApiOptions extends AuthConfig {
  baseUrl: string;
  csrf(): boolean;
  store: GwsStore;
  requests: ApiRequestRecord[];
}

const OperationBody = z.object({ operationName: z.string().min(1).max(128) }).passthrough();
const StartBody = z.object({
  operationName: z.literal('StartContactCenterSession'),
  channels: z.array(z.string().min(1).max(64)).min(1).max(8),
  place: z.string().min(1).max(128).optional(),
  loginCode: z.string().max(128).optional(),
  queue: z.string().max(128).optional(),
  devicePath: z.string().max(256).optional(),
});

export function devicesOf(agent: AgentRecord, store: GwsStore): unknown[] {
  const voice = agent.channels.get('voice');
  const dn = agent.place ? store.places.get(agent.place)?.dn : undefined;
  if (!voice || dn === undefined) return [];
  return [
    {
      id: `dev-${dn}`,
      deviceState: 'Active',
      userState: { ...voice.userState },
      phoneNumber: dn,
      e164Number: dn,
      telephonyNetwork: 'Private',
      doNotDisturb: 'Off',
      voiceEnvironmentUri: '/voice-environments/lab-sip',
      path: `/devices/dev-${dn}`,
    },
  ];
}

function userJson(agent: AgentRecord, baseUrl: string): Record<string, unknown> {
  const u = agent.user;
  return {
    id: agent.id,
    userName: u.userName,
    firstName: u.firstName,
    lastName: u.lastName,
    roles: ['ROLE_AGENT'],
    enabled: true,
    changePasswordOnFirstLogin: false,
    uri: `${baseUrl}/api/v2/users/${agent.id}`,
    path: `/users/${agent.id}`,
  };
}

function channelsJson(agent: AgentRecord): unknown[] {
  return [...agent.channels.values()].map((c) => ({ channel: c.channel, userState: { ...c.userState }, activity: c.activity }));
}

function callsJson(agent: AgentRecord): unknown[] {
  return [...agent.calls.values()].map((c) => ({ ...c, duration: Math.round((Date.now() - c.startedAt) / 1000) }));
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; statusCode: number; message: string }> {
  const body = await readBody(req, MAX_BODY);
  if (body.kind !== 'ok') return { ok: false, statusCode: STATUS.validationError, message: 'Request body too large or aborted' };
  try {
    return { ok: true, value: JSON.parse(body.text) };
  } catch {
    return { ok: false, statusCode: STATUS.validationError, message: 'Request body is not valid JSON' };
  }
}

export function createApi(options: ApiOptions): { handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> } {
  const { store } = options;

  async function meOperation(req: IncomingMessage, res: ServerResponse, session: GwsSession, agent: AgentRecord, headers: Record<string, string | string[]>): Promise<number> {
    const parsed = await readJson(req);
    if (!parsed.ok) return reply(res, parsed.statusCode, parsed.message, headers);
    const op = OperationBody.safeParse(parsed.value);
    if (!op.success) return reply(res, STATUS.missingParameter, 'Missing parameter: operationName', headers);
    if (op.data.operationName === 'EndContactCenterSession') {
      store.endChannels(agent);
      // gws.md §2: logs out and invalidates the HTTP session.
      store.endSession(session.id);
      sendJson(res, 200, { statusCode: 0 }, { ...headers, 'Set-Cookie': clearSessionCookie() });
      return 0;
    }
    if (op.data.operationName !== 'StartContactCenterSession') return reply(res, STATUS.validationError, `Unsupported operationName: ${op.data.operationName}`, headers);
    const start = StartBody.safeParse(parsed.value);
    if (!start.success) return reply(res, STATUS.missingParameter, `Missing or invalid parameter: ${start.error.issues[0]?.path.join('.') || 'channels'}`, headers);
    const placeName = start.data.place ?? agent.user.place;
    const place = store.places.get(placeName);
    if (!place) return reply(res, STATUS.notFound, `Place not found: ${placeName}`, headers);
    const results = start.data.channels.map((channel) =>
      place.channels.includes(channel) && (channel !== 'voice' || place.dn !== undefined)
        ? { channel, statusCode: 0 }
        : { channel, statusCode: STATUS.notFound, statusMessage: `Channel ${channel} is not configured for place ${place.name}` },
    );
    const started = results.filter((r) => r.statusCode === 0).map((r) => r.channel).filter((c) => !agent.channels.has(c));
    store.startChannels(agent, place.name, started);
    if (results.some((r) => r.statusCode !== 0)) {
      sendJson(res, 200, { statusCode: STATUS.partialSuccess, statusMessage: 'Partial success: some channels could not be started', channels: results }, headers);
      return STATUS.partialSuccess;
    }
    sendJson(res, 200, { statusCode: 0 }, headers);
    return 0;
  }

  async function voiceOperation(req: IncomingMessage, res: ServerResponse, agent: AgentRecord, headers: Record<string, string | string[]>): Promise<number> {
    const parsed = await readJson(req);
    if (!parsed.ok) return reply(res, parsed.statusCode, parsed.message, headers);
    const op = OperationBody.safeParse(parsed.value);
    if (!op.success) return reply(res, STATUS.missingParameter, 'Missing parameter: operationName', headers);
    // NotReady reasons are custom operation names of the agent-states settings (gws.md §2); a body with
    // anything else (a `reasonCode` beside NotReady, say) is refused rather than half-applied.
    const extra = Object.keys(parsed.value as object).find((k) => k !== 'operationName');
    if (extra !== undefined) return reply(res, STATUS.validationError, `Unsupported parameter: ${extra} (NotReady reasons are operation names from the agent-states settings)`, headers);
    const key = Object.keys(store.agentStates).find((k) => store.agentStates[k]!.operationName === op.data.operationName);
    if (key === undefined) return reply(res, STATUS.validationError, `Unsupported operationName: ${op.data.operationName}`, headers);
    if (!agent.channels.has('voice')) return reply(res, STATUS.invalidState, 'The voice channel is not logged in: start a contact center session first', headers);
    store.setVoiceState(agent, key);
    sendJson(res, 200, { statusCode: 0 }, headers);
    return 0;
  }

  function reply(res: ServerResponse, statusCode: number, message: string, headers: Record<string, string | string[]> = {}): number {
    sendStatus(res, statusCode, message, headers);
    return statusCode;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '');
    const record: ApiRequestRecord = { time: new Date().toISOString(), method, path: url.pathname, status: 0, auth: 'anonymous', failed: [] };
    options.requests.push(record);
    if (options.requests.length > 2000) options.requests.shift();
    res.on('finish', () => (record.status = res.statusCode));
    const mutating = method === 'POST' || method === 'PUT' || method === 'DELETE';

    // Spring's CsrfFilter runs before authentication: no valid pair, no write.
    if (mutating && options.csrf()) {
      const session = cookieSession(req, store);
      const sent = firstHeader(req.headers[CSRF_HEADER_NAME.toLowerCase()]);
      if (!session || sent !== session.csrfToken) {
        req.resume();
        record.auth = 'csrf-refused';
        record.statusCode = reply(res, STATUS.forbidden, CSRF_MESSAGE);
        return;
      }
    }

    if (path === '/api/v2/diagnostics/version' && method === 'GET') {
      // Unprotected: what an anonymous caller may reach.
      sendJson(res, 200, { statusCode: 0, version: '8.5.2 (Patchbay lab)' });
      record.statusCode = 0;
      return;
    }

    const auth = await authenticate(req, options);
    record.failed = auth.failed;
    const headers: Record<string, string | string[]> = {};
    if (auth.session) {
      record.auth = auth.by ?? 'session';
      record.user = auth.session.userName;
      if (auth.created) headers['Set-Cookie'] = sessionCookie(auth.session.id);
      // gws.md §1: any GET returns the CSRF pair.
      if (method === 'GET' && options.csrf()) {
        headers['X-CSRF-HEADER'] = CSRF_HEADER_NAME;
        headers['X-CSRF-TOKEN'] = auth.session.csrfToken;
      }
    }
    const agent = auth.session ? store.agent(auth.session.userName) : undefined;
    if (!auth.session || !agent) {
      req.resume();
      record.statusCode = reply(res, STATUS.notAuthenticated, 'Not authenticated: this resource needs a signed-in user');
      return;
    }

    const base = options.baseUrl;
    if (path === '/api/v2/me' && method === 'GET') {
      const user = userJson(agent, base);
      if (url.searchParams.get('subresources') === '*') {
        Object.assign(user, {
          devices: devicesOf(agent, store),
          channels: channelsJson(agent),
          calls: callsJson(agent),
          settings: { 'agent-states': structuredClone(store.agentStates) },
        });
      }
      sendJson(res, 200, { statusCode: 0, user }, headers);
      record.statusCode = 0;
      return;
    }
    if (path === '/api/v2/me' && method === 'POST') {
      record.statusCode = await meOperation(req, res, auth.session, agent, headers);
      return;
    }
    if (path === '/api/v2/me/channels/voice' && method === 'POST') {
      record.statusCode = await voiceOperation(req, res, agent, headers);
      return;
    }
    req.resume();
    if (method === 'GET' && path === '/api/v2/me/channels') {
      sendJson(res, 200, { statusCode: 0, channels: channelsJson(agent) }, headers);
      record.statusCode = 0;
      return;
    }
    if (method === 'GET' && path === '/api/v2/me/devices') {
      sendJson(res, 200, { statusCode: 0, devices: devicesOf(agent, store) }, headers);
      record.statusCode = 0;
      return;
    }
    if (method === 'GET' && path === '/api/v2/me/calls') {
      sendJson(res, 200, { statusCode: 0, calls: callsJson(agent) }, headers);
      record.statusCode = 0;
      return;
    }
    if (method === 'GET' && path === '/api/v2/settings/agent-states') {
      sendJson(res, 200, { statusCode: 0, settings: Object.entries(store.agentStates).map(([key, s]) => ({ key, ...s })) }, headers);
      record.statusCode = 0;
      return;
    }
    record.statusCode = reply(res, STATUS.notFound, `Resource not found: ${method} ${url.pathname}`, headers);
  }

  return { handle };
}
