// A scripted Genesys Cloud for unit tests of the session (no sockets): an HttpSession stand-in for
// the Platform API, fake notification sockets, and a fake of the GenesysCloudAuth port. It follows
// protocols/genesys-cloud.md as the test reads it; the real wire is tested against the lab.
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { ProfileSchema } from '../../../../../preload/contract.ts';
import type { FakeClock } from '../../../../../main/core/clock.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import type { GenesysCloudAuth, GenesysCloudAuthEvent, GenesysCloudGrantInfo } from '../../../../../main/core/platforms/genesys-cloud/auth-port.ts';
import type { GcSocket, GcSocketHandlers } from '../../../../../main/core/platforms/genesys-cloud/notifications.ts';

export const API = 'https://api.mypurecloud.com';

/** The Genesys Cloud profile the session unit tests sign in with (`extra` overrides fields). */
export function gcProfile(extra: Record<string, unknown> = {}) {
  return ProfileSchema.parse({
    id: 'gc',
    name: 'Genesys Cloud',
    platform: 'genesys-cloud',
    servers: [API],
    authMode: 'sso',
    options: { genesysCloud: { region: 'mypurecloud.com', clientId: 'client-1', redirectUri: 'http://127.0.0.1:48620/callback' } },
    ...extra,
  });
}

export interface Recorded {
  at: number;
  method: string;
  url: string;
  path: string;
  authorization?: string;
  tokenValid: boolean;
  body?: unknown;
}

export class FakeSocket implements GcSocket {
  readonly url: URL;
  readonly sent: string[] = [];
  open = false;
  closed = false;
  private readonly handlers: GcSocketHandlers;
  constructor(url: URL, handlers: GcSocketHandlers) {
    this.url = url;
    this.handlers = handlers;
  }
  get channelId(): string {
    return this.url.pathname.split('/').pop()!;
  }
  accept(): void {
    this.open = true;
    this.handlers.onOpen();
  }
  send(text: string): void {
    this.sent.push(text);
    this.onSend?.(text);
  }
  onSend: ((text: string) => void) | undefined;
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    queueMicrotask(() => this.handlers.onClose(1000, 'client'));
  }
  /** The server closes it. */
  drop(code = 1006): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    this.handlers.onClose(code, 'server');
  }
  frame(value: unknown): void {
    if (this.open) this.handlers.onMessage(JSON.stringify(value));
  }
}

interface ChannelRecord {
  id: string;
  topics: string[];
  expires: number;
  socket?: FakeSocket;
}

export class FakeGenesys {
  readonly clock: FakeClock;
  readonly user = { id: 'u-1', name: 'Agent One' };
  readonly definitions = [
    { id: 'def-avail', systemPresence: 'Available', languageLabels: { en_US: 'Available', fr_FR: 'Disponible' } },
    { id: 'def-onq', systemPresence: 'On Queue', languageLabels: { en_US: 'On Queue', fr_FR: 'En file' } },
    { id: 'def-break', systemPresence: 'Break', languageLabels: { en_US: 'Break', fr_FR: 'Pause' } },
    { id: 'def-off', systemPresence: 'Offline', languageLabels: { en_US: 'Offline' } },
    { id: 'def-old', systemPresence: 'Meal', deactivated: true, languageLabels: { en_US: 'Old meal' } },
  ];
  presence = { presenceDefinition: { id: 'def-onq', systemPresence: 'ON_QUEUE' }, modifiedDate: '2026-01-01T07:55:00.000Z' };
  routing = { status: 'IDLE', startTime: '2026-01-01T07:55:00.000Z' };
  conversations: { id: string; participants: Record<string, unknown>[] }[] = [];
  /** Access tokens → expiry (clock ms). */
  readonly tokens = new Map<string, number>();
  readonly revoked = new Set<string>();
  readonly requests: Recorded[] = [];
  readonly sockets: FakeSocket[] = [];
  readonly channels = new Map<string, ChannelRecord>();
  /** Scripted answers for the next matching requests: status + headers. */
  readonly script: { path: RegExp; status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  /** Answers computed when the request arrives but delivered only once `until` settles (a slow
   *  network): the next matching request takes the hold. */
  readonly holds: { path: RegExp; method?: string; until: Promise<void> }[] = [];
  connectHost = 'streaming.mypurecloud.com';
  refuseSockets = false;
  answerPings = true;
  private channelSeq = 0;

  constructor(clock: FakeClock) {
    this.clock = clock;
  }

  readonly http = {
    request: async (req: HttpRequest): Promise<HttpResponse> => {
      await Promise.resolve();
      const url = new URL(String(req.url));
      const auth = req.headers?.Authorization ?? req.headers?.authorization;
      const token = auth?.replace(/^Bearer /, '');
      const expiry = token ? this.tokens.get(token) : undefined;
      const tokenValid = token !== undefined && expiry !== undefined && expiry > this.clock.now() && !this.revoked.has(token);
      const method = req.method ?? 'GET';
      this.requests.push({ at: this.clock.now(), method, url: url.href, path: url.pathname, ...(auth ? { authorization: auth } : {}), tokenValid, ...(req.json !== undefined ? { body: req.json } : {}) });
      const scripted = this.script.findIndex((s) => s.path.test(url.pathname));
      if (scripted >= 0) {
        const s = this.script.splice(scripted, 1)[0]!;
        return respond(s.status, s.body ?? { message: 'scripted', code: 'scripted', status: s.status }, s.headers);
      }
      if (!tokenValid) return respond(401, { message: 'Authentication failed', code: 'authentication.required', status: 401 });
      const answer = this.route(method, url.pathname, req.json);
      const held = this.holds.findIndex((h) => h.path.test(url.pathname) && (h.method === undefined || h.method === method));
      if (held >= 0) await this.holds.splice(held, 1)[0]!.until;
      return answer;
    },
  };

  private route(method: string, path: string, json: unknown): HttpResponse {
    const uid = this.user.id;
    if (method === 'GET' && path === '/api/v2/users/me') return respond(200, { ...this.user, presence: this.presence, routingStatus: this.routing });
    if (method === 'GET' && path === '/api/v2/presence/definitions') return respond(200, { entities: this.definitions });
    if (method === 'GET' && path === `/api/v2/users/${uid}/presences/purecloud`) return respond(200, this.presence);
    if (method === 'PATCH' && path === `/api/v2/users/${uid}/presences/purecloud`) {
      const id = (json as { presenceDefinition: { id: string } }).presenceDefinition.id;
      const def = this.definitions.find((d) => d.id === id)!;
      this.setPresence(def.id, def.systemPresence.toUpperCase().replace(/ /g, '_'));
      return respond(200, this.presence);
    }
    if (method === 'GET' && path === `/api/v2/users/${uid}/routingstatus`) return respond(200, this.routing);
    if (method === 'PUT' && path === `/api/v2/users/${uid}/routingstatus`) {
      this.setRouting((json as { status: string }).status);
      return respond(200, this.routing);
    }
    if (method === 'GET' && path === '/api/v2/conversations') return respond(200, { entities: this.conversations });
    if (method === 'POST' && path === '/api/v2/notifications/channels') {
      const id = `ch-${++this.channelSeq}`;
      const expires = this.clock.now() + 24 * 3600_000;
      this.channels.set(id, { id, topics: [], expires });
      return respond(200, { id, connectUri: `wss://${this.connectHost}/channels/${id}`, expires: new Date(expires).toISOString() });
    }
    const sub = /^\/api\/v2\/notifications\/channels\/([^/]+)\/subscriptions$/.exec(path);
    if (sub && method === 'PUT') {
      const channel = this.channels.get(sub[1]!);
      if (!channel) return respond(404, { message: 'channel not found', code: 'not.found', status: 404 });
      channel.topics = (json as { id: string }[]).map((t) => t.id);
      return respond(200, { entities: json });
    }
    if (sub && method === 'DELETE') {
      const channel = this.channels.get(sub[1]!);
      if (channel) channel.topics = [];
      return respond(204, {});
    }
    return respond(404, { message: `no route ${method} ${path}`, code: 'not.found', status: 404 });
  }

  readonly socketFactory = (url: URL, handlers: GcSocketHandlers): GcSocket => {
    const socket = new FakeSocket(url, handlers);
    this.sockets.push(socket);
    const channel = this.channels.get(socket.channelId);
    queueMicrotask(() => {
      if (this.refuseSockets || !channel) {
        socket.drop(1008);
        return;
      }
      // One socket per channel: a second connection drops the first (§2).
      channel.socket?.drop(1000);
      channel.socket = socket;
      socket.accept();
    });
    socket.onSend = (text) => {
      if (this.answerPings && text.includes('"ping"')) queueMicrotask(() => socket.frame({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }));
    };
    return socket;
  };

  /** The sockets currently subscribed to a topic. */
  private deliver(topic: string, body: unknown): number {
    let delivered = 0;
    for (const channel of this.channels.values()) {
      if (channel.topics.includes(topic) && channel.socket?.open) {
        channel.socket.frame({ topicName: topic, version: '2', eventBody: body });
        delivered++;
      }
    }
    return delivered;
  }

  get liveSocket(): FakeSocket | undefined {
    return [...this.sockets].reverse().find((s) => s.open);
  }

  setPresence(id: string, systemPresence: string, notify = true): void {
    this.presence = { presenceDefinition: { id, systemPresence }, modifiedDate: new Date(this.clock.now()).toISOString() };
    if (notify) this.deliver(`v2.users.${this.user.id}.presence`, { source: 'PURECLOUD', ...this.presence, primary: true });
  }

  setRouting(status: string, notify = true): void {
    this.routing = { status, startTime: new Date(this.clock.now()).toISOString() };
    if (notify) this.deliver(`v2.users.${this.user.id}.routingStatus`, { id: this.user.id, routingStatus: this.routing });
  }

  startConversation(id: string): void {
    const conversation = {
      id,
      participants: [
        { purpose: 'customer', ani: 'tel:+15550100', dnis: 'tel:+18005550199', state: 'connected', direction: 'inbound' },
        { purpose: 'agent', userId: this.user.id, state: 'connected', direction: 'inbound', ani: 'tel:+15550100', connectedTime: new Date(this.clock.now()).toISOString() },
      ],
    };
    this.conversations.push(conversation);
    this.deliver(`v2.users.${this.user.id}.conversations`, conversation);
  }

  endConversation(id: string): void {
    const conversation = this.conversations.find((c) => c.id === id)!;
    this.conversations = this.conversations.filter((c) => c.id !== id);
    const ended = { ...conversation, participants: conversation.participants.map((p) => ({ ...p, state: 'disconnected' })) };
    this.deliver(`v2.users.${this.user.id}.conversations`, ended);
  }
}

function respond(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = JSON.stringify(body);
  return {
    status,
    headers: { 'content-type': 'application/json', ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) },
    setCookie: [],
    url: '',
    chain: [],
    body: new TextEncoder().encode(text),
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}

/** A fake of the auth port: tokens registered with the fake server, renewal on demand. */
export class FakeAuth implements GenesysCloudAuth {
  readonly clock: FakeClock;
  readonly genesys: FakeGenesys;
  lifetimeMs = 3600_000;
  /** GC-05's start-up margin: `fresh` renews a token with less left than this. */
  freshMarginMs = 60_000;
  readonly calls: { fresh: boolean; token: string; at: number }[] = [];
  readonly issued: string[] = [];
  invalidations: string[] = [];
  failInvalidate: PatchbayError | undefined;
  signedOut = false;
  disposed = false;
  private token: string | undefined;
  private expiresAt = 0;
  private seq = 0;
  private readonly listeners = new Set<(event: GenesysCloudAuthEvent) => void>();

  constructor(clock: FakeClock, genesys: FakeGenesys) {
    this.clock = clock;
    this.genesys = genesys;
  }

  get info(): GenesysCloudGrantInfo | undefined {
    if (!this.token) return undefined;
    return { expiresAt: this.expiresAt, refreshAt: this.expiresAt - this.lifetimeMs / 4, scopes: ['presence', 'routing', 'users:readonly', 'conversations', 'notifications'], hasRefreshToken: false };
  }

  /** The token issued last (tests look for it everywhere it must not be). */
  get currentToken(): string | undefined {
    return this.token;
  }

  private issue(): void {
    this.token = `gc-access-token-${++this.seq}-secretvalue`;
    this.expiresAt = this.clock.now() + this.lifetimeMs;
    this.issued.push(this.token);
    this.genesys.tokens.set(this.token, this.expiresAt);
  }

  async signIn(): Promise<GenesysCloudGrantInfo> {
    await this.clock.sleep(1_000);
    this.issue();
    return this.info!;
  }
  async resume(): Promise<boolean> {
    this.issue();
    return true;
  }
  async accessToken(options: { fresh?: boolean } = {}): Promise<string> {
    if (!this.token) throw new PatchbayError('genesys-cloud.auth.signed-out', 'Not signed in.', { action: 'sign-in-again' });
    if (options.fresh && this.expiresAt - this.clock.now() < this.freshMarginMs) this.issue();
    this.calls.push({ fresh: options.fresh === true, token: this.token!, at: this.clock.now() });
    return this.token!;
  }
  async invalidate(reason: string): Promise<void> {
    this.invalidations.push(reason);
    if (this.failInvalidate) throw this.failInvalidate;
    this.issue();
  }
  onEvent(listener: (event: GenesysCloudAuthEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: GenesysCloudAuthEvent): void {
    for (const l of [...this.listeners]) l(event);
  }
  async signOut(): Promise<void> {
    this.signedOut = true;
    if (this.token) this.genesys.revoked.add(this.token);
  }
  dispose(): void {
    this.disposed = true;
  }
}
