// A scripted GWS for unit tests of the adapter's flow (no sockets): an HttpSession stand-in routing
// requests to handlers, and a notifications link the test drives by hand (up, down, messages). It
// follows protocols/gws.md as the test reads it; the real wire is tested against lab/gws.
import { CookieJar } from 'tough-cookie';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import type { NotificationsLink } from '../../../../../main/core/platforms/gws/gws-session.ts';
import type { NotificationsOptions } from '../../../../../main/core/platforms/gws/notifications.ts';

export interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

export type Reply = { status: number; json?: unknown; headers?: Record<string, string> };

export const BASE = 'https://gws.example.com';

export function response(url: string, reply: Reply): HttpResponse {
  const text = reply.json === undefined ? '' : JSON.stringify(reply.json);
  const body = new TextEncoder().encode(text);
  return {
    status: reply.status,
    headers: { 'content-type': 'application/json', ...(reply.headers ?? {}) },
    setCookie: [],
    url,
    chain: [url],
    body,
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}

export class FakeGws {
  readonly requests: Recorded[] = [];
  csrfToken = 'csrf-1';
  signedIn = false;
  /** userName:password accepted by basic. */
  password = 'pw';
  state: { state: string; reason?: string; displayName?: string } = { state: 'NotReady', displayName: 'Not Ready' };
  agentStates: Record<string, unknown> = {
    Ready: { operationName: 'Ready', state: 'Ready', displayName: 'Ready' },
    NotReadyLunch: { operationName: 'NotReadyLunch', state: 'NotReady', displayName: 'Lunch', reason: 'Lunch' },
    NotReadyBreak: { operationName: 'NotReadyBreak', state: 'NotReady', displayName: 'Break', reason: 'Break' },
  };
  /** Override the answer to one "METHOD path" (path without query). */
  readonly overrides = new Map<string, Reply | ((r: Recorded) => Reply)>();
  calls: unknown[] = [];
  cleared = 0;

  readonly http = {
    jar: new CookieJar(),
    request: async (req: HttpRequest): Promise<HttpResponse> => this.handle(req),
    clearCookies: async () => {
      this.cleared += 1;
    },
  } as unknown as HttpSession;

  private me(subresources: boolean): unknown {
    const user: Record<string, unknown> = { id: 'u1', userName: 'agent1', firstName: 'Ada', lastName: 'Agent', roles: ['ROLE_AGENT'] };
    if (subresources) {
      user.channels = [{ channel: 'voice', userState: { ...this.state } }];
      user.settings = { 'agent-states': this.agentStates };
      user.calls = this.calls;
    }
    return { statusCode: 0, user };
  }

  private handle(req: HttpRequest): HttpResponse {
    const url = new URL(String(req.url));
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const body = req.json ?? (typeof req.body === 'string' && req.body ? (JSON.parse(req.body) as unknown) : undefined);
    const rec: Recorded = { method, path: url.pathname + url.search, headers, ...(body === undefined ? {} : { body }) };
    this.requests.push(rec);
    const override = this.overrides.get(`${method} ${url.pathname}`);
    if (override) return response(url.href, typeof override === 'function' ? override(rec) : override);
    const csrfPair = { 'x-csrf-header': 'X-CSRF-TOKEN', 'x-csrf-token': this.csrfToken };
    const auth = headers.authorization;
    if (auth && auth === `Basic ${Buffer.from(`agent1:${this.password}`).toString('base64')}`) this.signedIn = true;
    if (!this.signedIn) return response(url.href, { status: 401, json: { statusCode: 20, statusMessage: 'Not authenticated' } });
    if (method === 'GET') {
      if (url.pathname === '/api/v2/me') return response(url.href, { status: 200, json: this.me(url.searchParams.get('subresources') === '*'), headers: csrfPair });
      if (url.pathname === '/api/v2/me/channels') return response(url.href, { status: 200, json: { statusCode: 0, channels: [{ channel: 'voice', userState: { ...this.state } }] }, headers: csrfPair });
      if (url.pathname === '/api/v2/me/calls') return response(url.href, { status: 200, json: { statusCode: 0, calls: this.calls }, headers: csrfPair });
      return response(url.href, { status: 404, json: { statusCode: 6, statusMessage: 'Not found' } });
    }
    if (headers['x-csrf-token'] !== this.csrfToken) return response(url.href, { status: 403, json: { statusCode: 3, statusMessage: 'Missing or invalid Csrf token' } });
    const op = (body as { operationName?: string } | undefined)?.operationName;
    if (url.pathname === '/api/v2/me' && op === 'StartContactCenterSession') return response(url.href, { status: 200, json: { statusCode: 0 } });
    if (url.pathname === '/api/v2/me' && op === 'EndContactCenterSession') {
      this.signedIn = false;
      return response(url.href, { status: 200, json: { statusCode: 0 } });
    }
    if (url.pathname === '/api/v2/me/channels/voice') {
      const entry = Object.values(this.agentStates).find((s) => (s as { operationName: string }).operationName === op) as { state: string; reason?: string; displayName: string } | undefined;
      if (op === 'NotReady') this.state = { state: 'NotReady', displayName: 'Not Ready' };
      else if (op === 'AfterCallWork') this.state = { state: 'AfterCallWork' };
      else if (entry) this.state = { state: entry.state, displayName: entry.displayName, ...(entry.reason ? { reason: entry.reason } : {}) };
      else return response(url.href, { status: 400, json: { statusCode: 10, statusMessage: `Unsupported operationName: ${op}` } });
      return response(url.href, { status: 200, json: { statusCode: 0 } });
    }
    return response(url.href, { status: 404, json: { statusCode: 6, statusMessage: 'Not found' } });
  }
}

/** A notifications link the test drives: `up()`, `down()`, `message()`. */
export class FakeLink implements NotificationsLink {
  readonly options: NotificationsOptions;
  started = 0;
  restarted = 0;
  stopped = false;
  /** Answer start() with a successful handshake (on the next microtask). */
  autoUp = true;
  constructor(options: NotificationsOptions) {
    this.options = options;
  }
  start(): void {
    this.started += 1;
    if (this.autoUp) queueMicrotask(() => this.up());
  }
  restart(): void {
    this.restarted += 1;
  }
  stop(): void {
    this.stopped = true;
  }
  up(reestablish = false): void {
    this.options.onUp(reestablish);
  }
  down(failure: { httpCode?: number; error?: string; channel?: string } = {}): void {
    this.options.onDown({ channel: '/meta/connect', ...failure });
  }
  message(channel: string, data: unknown): void {
    this.options.onMessage(channel, data);
  }
}
