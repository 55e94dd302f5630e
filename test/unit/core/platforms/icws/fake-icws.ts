// A scripted ICWS server behind a fake HttpSession, for unit tests of the IcwsSession orchestrator
// (icws-session-orch.test.ts; issue 9: the orchestrator's mutants under a fake clock). It answers the
// calls of protocols/icws.md by URL, records every request, keeps one session per 201 and serves
// the messaging channel by short polling (queued messages) or a hand-driven event stream. The real
// protocol over real sockets is tested against the lab in test/integration/icws/.
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse, HttpStream } from '../../../../../main/core/net/types.ts';
import { response } from './stub-response.ts';

export type ConnectAnswer = 'created' | HttpResponse | Error | ((req: HttpRequest) => HttpResponse | 'created');

export interface FakeIcwsSession {
  id: string;
  /** The session base: origin, plus `/api/<host>` or `/v2/<host>` behind a cloud front door. */
  base: string;
  csrf: string;
  userId: string;
  alive: boolean;
  /** What GET …/connection answers once the session is gone (ICWS-17). */
  state: { reason?: string; shouldReconnect?: boolean };
  /** Queued messages for the next poll. */
  queue: unknown[];
}

/** One event stream the client opened; the test pushes events and ends it. */
export class FakeStream {
  private readonly chunks: (Uint8Array | null)[] = [];
  private wake: (() => void) | undefined;
  closed = false;
  readonly req: HttpRequest;
  constructor(req: HttpRequest) {
    this.req = req;
  }
  push(data: unknown): void {
    this.chunks.push(new TextEncoder().encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`));
    this.wake?.();
  }
  /** A comment line (a ping): bytes, no event. */
  ping(): void {
    this.chunks.push(new TextEncoder().encode(': ping\n\n'));
    this.wake?.();
  }
  end(): void {
    this.chunks.push(null);
    this.wake?.();
  }
  close(): void {
    this.closed = true;
    this.end();
  }
  async *body(): AsyncIterable<Uint8Array> {
    for (;;) {
      while (this.chunks.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      const chunk = this.chunks.shift()!;
      if (chunk === null) return;
      yield chunk;
    }
  }
}

export class FakeIcws {
  readonly requests: HttpRequest[] = [];
  readonly sessions: FakeIcwsSession[] = [];
  readonly streams: FakeStream[] = [];
  /** POST /icws/connection answers per host name, used first to last; when empty, 'created'. */
  readonly connect = new Map<string, ConnectAnswer[]>();
  /** The 201's extra body (alternateHostList, userDisplayName, features …) per host name. */
  readonly created = new Map<string, Record<string, unknown>>();
  statusIds = ['Available', 'Away from desk', 'At Lunch'];
  userStatus = 'Available';
  /** The subscription's first (isDelta:false) message is queued; false: the server sends none. */
  firstMessage = true;
  /** Answers for chosen requests before the scripted routes (`METHOD path-after-session`). */
  readonly override = new Map<string, (req: HttpRequest) => HttpResponse | Error | Promise<HttpResponse>>();
  serverInfo: unknown = { authentication: { allowIcAuth: true, identityProviders: [{ identityProviderId: 'idp-1', displayName: 'Corp IdP' }] } };
  serversJson: unknown = undefined;
  cleared = 0;
  private seq = 100;

  readonly http = {
    request: async (req: HttpRequest) => this.request(req),
    stream: async (req: HttpRequest) => this.stream(req),
    cookieHeader: async (url: string) => {
      const sid = /\/icws\/(\d+)\//.exec(url)?.[1];
      return sid && this.sessions.some((s) => s.id === sid) ? `icws_${sid}=cookie` : '';
    },
    clearCookies: async () => void (this.cleared += 1),
  } as unknown as HttpSession;

  /** Requests whose URL path (after the session id, or the whole path) matches. */
  calls(method: string, pathPart: string): HttpRequest[] {
    return this.requests.filter((r) => (r.method ?? 'GET') === method && new URL(r.url).pathname.includes(pathPart));
  }

  live(): FakeIcwsSession | undefined {
    return this.sessions.filter((s) => s.alive).at(-1);
  }

  /** The session ends on the server: later calls answer 401, GET connection says why. */
  end(session: FakeIcwsSession, state: { reason?: string; shouldReconnect?: boolean }): void {
    session.alive = false;
    session.state = state;
  }

  statusMessage(statusId: string, userId = 'agent1', isDelta = true): unknown {
    return { __type: 'urn:inin.com:status:userStatusMessage', isDelta, userStatusList: [{ userId, statusId, loggedIn: true }] };
  }

  private async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const { host, base, path } = route(req);
    const method = req.method ?? 'GET';
    if (path === '/config/servers.json') return this.serversJson === undefined ? response(404) : response(200, this.serversJson);
    if (path === '/icws/connection/server-info') return response(200, this.serverInfo);
    if (path === '/icws/connection' && method === 'POST') return this.postConnection(req, host, base);
    const m = /^\/icws\/(\d+)(\/.*)$/.exec(path);
    if (!m) return response(404);
    const key = `${method} ${m[2]}`;
    const override = this.override.get(key);
    if (override) {
      const answer = await override(req);
      if (answer instanceof Error) throw answer;
      return answer;
    }
    const session = this.sessions.find((s) => s.id === m[1] && s.base === base);
    if (!session) return response(401);
    if (key === 'GET /connection') return session.alive ? response(200, { connectionState: 1 }) : response(200, { connectionState: 2, ...session.state });
    if (key === 'DELETE /connection') {
      session.alive = false;
      return response(204);
    }
    if (!session.alive) return response(401);
    if (key === 'GET /status/status-messages') return response(200, { statusMessageList: this.statusIds.map((statusId) => ({ statusId, messageText: statusId, isSelectableStatus: true })) });
    if (key.startsWith('GET /status/status-messages-user-access/')) return response(200, { statusMessages: this.statusIds });
    if (key === 'PUT /messaging/subscriptions/status/user-statuses') {
      if (this.firstMessage) this.deliver(session, this.statusMessage(this.userStatus, session.userId, false));
      return response(200);
    }
    if (key.startsWith('GET /status/user-statuses/')) return response(200, { userId: session.userId, statusId: this.userStatus, loggedIn: true });
    if (key.startsWith('PUT /status/user-statuses/')) {
      this.userStatus = (JSON.parse(String(req.body)) as { statusId: string }).statusId;
      return response(202);
    }
    if (key === 'GET /messaging/messages') return response(200, session.queue.splice(0));
    if (key === 'POST /messaging/heartbeat') return response(204);
    if (key === 'PUT /connection/station') return response(200);
    return response(404);
  }

  /** A message for the session: on its open event stream, else queued for the next poll. */
  deliver(session: FakeIcwsSession, message: unknown): void {
    const stream = this.streams.filter((s) => !s.closed && s.req.url.toString().includes(`/icws/${session.id}/`)).at(-1);
    if (stream) stream.push([message]);
    else session.queue.push(message);
  }

  private postConnection(req: HttpRequest, host: string, base: string): HttpResponse {
    const queue = this.connect.get(host);
    let answer: ConnectAnswer = queue?.shift() ?? 'created';
    if (typeof answer === 'function') answer = answer(req);
    if (answer instanceof Error) throw answer;
    if (answer !== 'created') return answer;
    const body = JSON.parse(String(req.body)) as { userID?: string };
    const id = String(++this.seq);
    const extra = this.created.get(host);
    const userId = typeof extra?.['userID'] === 'string' ? extra['userID'] : (body.userID ?? 'agent1');
    const session: FakeIcwsSession = { id, base, csrf: `csrf-${id}`, userId, alive: true, state: {}, queue: [] };
    this.sessions.push(session);
    return response(201, {
      csrfToken: session.csrf,
      sessionId: id,
      userID: session.userId,
      alternateHostList: [],
      features: [{ featureId: 'messaging', version: 1 }],
      ...extra,
    });
  }

  private async stream(req: HttpRequest): Promise<HttpStream> {
    this.requests.push({ ...req, method: 'STREAM' });
    const sid = /^\/icws\/(\d+)\//.exec(route(req).path)?.[1];
    const session = this.sessions.find((s) => s.id === sid);
    const stream = new FakeStream(req);
    req.signal?.addEventListener('abort', () => stream.close(), { once: true });
    if (!session?.alive) return { status: 401, headers: {}, url: String(req.url), body: stream.body(), close: () => stream.close() };
    this.streams.push(stream);
    // Messages queued before the stream opened go out on it first.
    for (const message of session.queue.splice(0)) stream.push([message]);
    return { status: 200, headers: {}, url: String(req.url), body: stream.body(), close: () => stream.close() };
  }
}

/** Host key, session base and ICWS path of a request; a cloud front door puts `/api/<host>` or
 *  `/v2/<host>` before the ICWS path (the service URL template). */
function route(req: HttpRequest): { host: string; base: string; path: string } {
  const url = new URL(req.url);
  const front = /^\/(api|v2)\/([^/]+)(\/.*)$/.exec(url.pathname);
  if (front) return { host: front[2]!, base: `${url.origin}/${front[1]}/${front[2]}`, path: front[3]! };
  return { host: url.hostname, base: url.origin, path: url.pathname };
}
