// An in-memory Genesys Cloud on the bench's fake clock (protocols/genesys-cloud.md): token and API
// endpoints behind an HttpSession stand-in, a LoginWindow stand-in for login.<region> (silent while
// the login session lasts, the agent's password otherwise), notification channels behind a socket
// factory stand-in. It counts what the shift bench reports: requests sent with an expired token,
// prompts, socket rotations and events no open socket received. The real wire is tested against
// the lab (test/integration/lab/genesys-cloud-*.test.ts); this only has to be faithful in time.
import { createHash, randomUUID } from 'node:crypto';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../main/core/auth/login-window.ts';
import type { FakeClock } from '../main/core/clock.ts';
import { PatchbayError } from '../main/core/errors.ts';
import type { HttpRequest, HttpResponse } from '../main/core/net/types.ts';
import type { GcSocket, GcSocketFactory, GcSocketHandlers } from '../main/core/platforms/genesys-cloud/notifications.ts';

export const SIM_API = 'https://api.mypurecloud.com';
export const SIM_LOGIN = 'https://login.mypurecloud.com';
export const SIM_REDIRECT = 'http://127.0.0.1:48620/callback';
export const SIM_CLIENT_ID = 'c0ffee00-9c1d-4b7e-a5f2-00000000c001';

const USER_ID = '7d1a3a52-0c5e-4c1e-9a41-000000000001';
const DEFINITIONS = [
  { id: 'def-available', systemPresence: 'Available', primary: true, languageLabels: { en_US: 'Available' } },
  { id: 'def-onqueue', systemPresence: 'OnQueue', primary: true, languageLabels: { en_US: 'On Queue' } },
  { id: 'def-break', systemPresence: 'Break', primary: true, languageLabels: { en_US: 'Break' } },
  { id: 'def-meal', systemPresence: 'Meal', primary: true, languageLabels: { en_US: 'Meal' } },
];

export interface SimOptions {
  tokenLifetimeSec: number;
  refreshTokens: boolean;
  /** How long the login session (cookies) lets a hidden window re-authorize. */
  loginSessionMs: number;
  /** The agent finishes a visible sign-in this long after it opens. */
  agentAnswerMs: number;
  /** Latency of one login-server round (hidden window with cookies). */
  silentRoundMs: number;
  heartbeatMs: number;
  socketClosingGraceMs: number;
}

interface Channel {
  id: string;
  topics: Set<string>;
  socket: SimSocket | undefined;
}

class SimSocket implements GcSocket {
  open = false;
  readonly channel: Channel | undefined;
  readonly #handlers: GcSocketHandlers;
  readonly #sim: SimGenesys;
  constructor(sim: SimGenesys, channel: Channel | undefined, handlers: GcSocketHandlers) {
    this.#sim = sim;
    this.channel = channel;
    this.#handlers = handlers;
  }
  accept(): void {
    this.open = true;
    this.#handlers.onOpen();
  }
  frame(value: unknown): void {
    if (this.open) this.#handlers.onMessage(JSON.stringify(value));
  }
  send(text: string): void {
    if (this.open && text.includes('"ping"')) this.#sim.afterLatency(() => this.frame({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }));
  }
  close(): void {
    this.serverClose(1000);
  }
  serverClose(code: number): void {
    if (!this.open) return;
    this.open = false;
    if (this.channel?.socket === this) this.channel.socket = undefined;
    queueMicrotask(() => this.#handlers.onClose(code, code === 1000 ? 'closed' : 'socket closing'));
  }
}

function respond(status: number, body?: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = body === undefined ? '' : JSON.stringify(body);
  const bytes = Buffer.from(text);
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    setCookie: [],
    url: '',
    chain: [],
    body: bytes,
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}

function genesysError(status: number, code: string, message: string): unknown {
  return { message, code, status, contextId: randomUUID(), details: [], errors: [] };
}

export class SimGenesys {
  readonly clock: FakeClock;
  readonly options: SimOptions;
  readonly counts = {
    apiRequests: 0,
    expiredTokenRequests: 0,
    unknownTokenRequests: 0,
    tokenExchanges: 0,
    refreshGrants: 0,
    silentRounds: 0,
    silentFailures: 0,
    visiblePrompts: 0,
    socketRotations: 0,
    socketsOpened: 0,
    channelsCreated: 0,
    eventsPublished: 0,
    eventsMissedAcrossRotations: 0,
    eventsMissedOtherwise: 0,
  };
  /** Bumped by every call into the sim (the bench waits for real async work while it moves). */
  activity = 0;
  presenceId = 'def-available';
  routing = 'OFF_QUEUE';
  readonly #tokens = new Map<string, number>();
  readonly #refresh = new Set<string>();
  readonly #codes = new Map<string, { challenge: string; redirectUri: string }>();
  readonly #channels = new Map<string, Channel>();
  #loginSessionUntil = 0;
  /** While a socket_closing is outstanding (until the client's next socket opens). */
  #rotating = false;

  constructor(clock: FakeClock, options: SimOptions) {
    this.clock = clock;
    this.options = options;
    const beat = (): void => {
      for (const channel of this.#channels.values()) channel.socket?.frame({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } });
      this.clock.setTimeout(beat, this.options.heartbeatMs);
    };
    this.clock.setTimeout(beat, this.options.heartbeatMs);
  }

  afterLatency(fn: () => void, ms = 40): void {
    this.clock.setTimeout(fn, ms);
  }

  #issue(): Record<string, unknown> {
    const access = `at-${randomUUID()}`;
    this.#tokens.set(access, this.clock.now() + this.options.tokenLifetimeSec * 1000);
    const body: Record<string, unknown> = { access_token: access, token_type: 'bearer', expires_in: this.options.tokenLifetimeSec, scope: 'users:readonly presence routing conversations notifications' };
    if (this.options.refreshTokens) {
      const refresh = `rt-${randomUUID()}`;
      this.#refresh.add(refresh);
      body.refresh_token = refresh;
    }
    return body;
  }

  /** The HttpSession stand-in: POST /oauth/token on the login host, /api/v2 on the API host. */
  readonly http = {
    jar: undefined,
    request: async (req: HttpRequest): Promise<HttpResponse> => {
      this.activity++;
      await this.clock.sleep(30, req.signal); // one round trip
      const url = new URL(String(req.url));
      if (url.origin === SIM_LOGIN) return this.#token(typeof req.body === 'string' ? req.body : '');
      return this.#api(req.method ?? 'GET', url, req.headers ?? {}, req.json);
    },
  };

  #token(body: string): HttpResponse {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') === 'authorization_code') {
      const code = this.#codes.get(form.get('code') ?? '');
      this.#codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (code === undefined || code.challenge !== challenge || code.redirectUri !== form.get('redirect_uri')) return respond(400, { error: 'invalid_grant' });
      this.counts.tokenExchanges++;
      return respond(200, this.#issue());
    }
    if (form.get('grant_type') === 'refresh_token') {
      const token = form.get('refresh_token') ?? '';
      if (!this.#refresh.delete(token)) return respond(400, { error: 'invalid_grant' });
      this.counts.refreshGrants++;
      return respond(200, this.#issue()); // rotation: the old one is gone
    }
    return respond(400, { error: 'unsupported_grant_type' });
  }

  #api(method: string, url: URL, headers: Record<string, string>, json: unknown): HttpResponse {
    this.counts.apiRequests++;
    const token = (headers.Authorization ?? headers.authorization ?? '').replace(/^Bearer /, '');
    const expiry = this.#tokens.get(token);
    if (expiry === undefined) {
      this.counts.unknownTokenRequests++;
      return respond(401, genesysError(401, 'bad.credentials', 'Invalid login credentials.'));
    }
    if (expiry <= this.clock.now()) {
      this.counts.expiredTokenRequests++; // what the bench wants at 0
      return respond(401, genesysError(401, 'bad.credentials', 'Invalid login credentials.'));
    }
    const path = url.pathname;
    const now = new Date(this.clock.now()).toISOString();
    const presence = () => ({ source: 'PURECLOUD', presenceDefinition: { id: this.presenceId, systemPresence: DEFINITIONS.find((d) => d.id === this.presenceId)?.systemPresence }, primary: true, message: '', modifiedDate: now });
    if (path === '/api/v2/users/me') return respond(200, { id: USER_ID, name: 'Gia Agent', presence: presence(), routingStatus: { status: this.routing, startTime: now } });
    if (path === '/api/v2/presence/definitions') return respond(200, { entities: DEFINITIONS });
    if (path === `/api/v2/users/${USER_ID}/presences/purecloud`) {
      if (method === 'PATCH') this.setPresence((json as { presenceDefinition: { id: string } }).presenceDefinition.id);
      return respond(200, presence());
    }
    if (path === `/api/v2/users/${USER_ID}/routingstatus`) {
      if (method === 'PUT') this.setRouting((json as { status: string }).status);
      return respond(200, { userId: USER_ID, status: this.routing, startTime: now });
    }
    if (path === '/api/v2/conversations') return respond(200, { entities: [] });
    if (path === '/api/v2/notifications/channels' && method === 'POST') {
      const channel: Channel = { id: randomUUID(), topics: new Set(), socket: undefined };
      this.#channels.set(channel.id, channel);
      this.counts.channelsCreated++;
      return respond(200, { id: channel.id, connectUri: `wss://streaming.mypurecloud.com/channels/${channel.id}`, expires: new Date(this.clock.now() + 24 * 3600_000).toISOString() });
    }
    const subs = /^\/api\/v2\/notifications\/channels\/([^/]+)\/subscriptions$/.exec(path);
    if (subs !== null) {
      const channel = this.#channels.get(subs[1] ?? '');
      if (channel === undefined) return respond(404, genesysError(404, 'not.found', 'The requested resource was not found.'));
      if (method === 'PUT') channel.topics = new Set((json as { id: string }[]).map((t) => t.id));
      return respond(200, { entities: [...channel.topics].map((id) => ({ id })) });
    }
    if (path === '/api/v2/tokens/me' && method === 'DELETE') {
      this.#tokens.delete(token);
      return respond(204);
    }
    return respond(404, genesysError(404, 'not.found', 'The requested resource was not found.'));
  }

  /** The socket factory stand-in: the socket opens after one round trip (one socket per channel). */
  readonly socketFactory: GcSocketFactory = (url, handlers) => {
    this.activity++;
    const channel = this.#channels.get(url.pathname.split('/').pop() ?? '');
    const socket = new SimSocket(this, channel, handlers);
    this.afterLatency(() => {
      if (channel === undefined) {
        socket.accept();
        socket.frame({ result: '404' });
        socket.serverClose(1000);
        return;
      }
      channel.socket?.serverClose(1000);
      channel.socket = socket;
      this.counts.socketsOpened++;
      this.#rotating = false;
      socket.accept();
    });
    return socket;
  };

  /** login.<region> in the LoginWindow: silent with a live login session, else the agent's password. */
  readonly loginWindow: LoginWindow = {
    run: async (request: LoginWindowRequest): Promise<LoginWindowResult> => {
      this.activity++;
      const authorize = new URL(request.url);
      const redirectUri = authorize.searchParams.get('redirect_uri') ?? '';
      if (this.clock.now() < this.#loginSessionUntil) {
        this.counts.silentRounds++;
        await this.clock.sleep(this.options.silentRoundMs, request.signal);
      } else if (request.visible === 'never') {
        this.counts.silentFailures++;
        await this.clock.sleep(request.timeoutMs, request.signal); // the page wants a password: hidden, it waits out
        throw new PatchbayError('login.timeout', 'The sign-in page needed the agent.', { action: 'none' });
      } else {
        this.counts.visiblePrompts++;
        await this.clock.sleep(this.options.agentAnswerMs, request.signal);
        this.#loginSessionUntil = this.clock.now() + this.options.loginSessionMs;
      }
      const code = randomUUID();
      this.#codes.set(code, { challenge: authorize.searchParams.get('code_challenge') ?? '', redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', authorize.searchParams.get('state') ?? '');
      const completion = request.until[0];
      if (completion === undefined) throw new Error('sim: no completion');
      return { completion, url: back.href, status: 302, headers: {} };
    },
  };

  #publish(topic: string, eventBody: unknown): void {
    const targets = [...this.#channels.values()].filter((c) => c.topics.has(topic));
    if (targets.length === 0) return; // nobody subscribed (before sign-in)
    this.counts.eventsPublished++;
    const open = targets.filter((c) => c.socket?.open === true);
    for (const channel of open) channel.socket?.frame({ topicName: topic, version: '2', eventBody });
    if (open.length === 0) {
      if (this.#rotating) this.counts.eventsMissedAcrossRotations++;
      else this.counts.eventsMissedOtherwise++;
    }
  }

  setPresence(definitionId: string): void {
    this.presenceId = definitionId;
    const d = DEFINITIONS.find((x) => x.id === definitionId);
    this.#publish(`v2.users.${USER_ID}.presence`, { source: 'PURECLOUD', presenceDefinition: { id: definitionId, systemPresence: d?.systemPresence }, primary: true, message: '', modifiedDate: new Date(this.clock.now()).toISOString() });
    const routing = d?.systemPresence === 'OnQueue' ? 'IDLE' : 'OFF_QUEUE';
    if (routing !== this.routing) this.setRouting(routing);
  }

  setRouting(status: string): void {
    this.routing = status;
    this.#publish(`v2.users.${USER_ID}.routingStatus`, { id: USER_ID, routingStatus: { status, startTime: new Date(this.clock.now()).toISOString() } });
  }

  /** Genesys maintenance: socket_closing on every open socket, closed after the grace (§2). */
  socketClosing(): void {
    for (const channel of this.#channels.values()) {
      const socket = channel.socket;
      if (socket?.open !== true) continue;
      this.counts.socketRotations++;
      this.#rotating = true;
      socket.frame({ topicName: 'v2.system.socket_closing', eventBody: { message: 'closing' } });
      this.clock.setTimeout(() => socket.serverClose(1001), this.options.socketClosingGraceMs);
    }
  }

  /** The label the agent should see now. */
  expectedLabel(): string {
    return DEFINITIONS.find((d) => d.id === this.presenceId)?.languageLabels.en_US ?? '';
  }

  definitionIds(): string[] {
    return DEFINITIONS.map((d) => d.id);
  }
}
