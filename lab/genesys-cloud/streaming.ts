// Notification channels and their WebSocket (shared/protocols/genesys-cloud.md §2): 20 channels per
// user (the 21st evicts the least recently used, socket-less ones first), one socket per channel (a
// second connection drops the first), 24 h life extended by (re)subscribing, heartbeats, ping/pong,
// socket_closing, token_revoked, no_longer_subscribed and `{"result":"404"}`.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

export interface StreamingOptions {
  /** ws://host:port — connectUri = `${wsBase}/channels/<id>`. */
  wsBase: string;
  heartbeatIntervalMs: number;
  socketClosingGraceMs: number;
  channelLifetimeMs: number;
  maxChannelsPerUser: number;
  maxTopicsPerChannel: number;
}

export interface Channel {
  readonly id: string;
  readonly userId: string;
  /** The grant of the token that created it: revoking that grant ends the channel. */
  readonly grantId: string | undefined;
  expiresAt: number;
  lastUsed: number;
  expired: boolean;
  topics: string[];
  socket: WebSocket | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
}

export interface ChannelView {
  connectUri: string;
  id: string;
  expires: string;
}

export interface StreamingStats {
  /** Events a subscribed channel should have received. */
  published: number;
  delivered: number;
  /** Subscribed, but the channel had no open socket at that moment. */
  dropped: number;
  /** Events no socket received at all although some channel was subscribed to them (a channel being
   *  replaced may drop one while its successor delivers it: that is not lost). */
  lost: number;
  connections: number;
}

const HEARTBEAT = JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } });
const PONG = JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } });
const RESULT_404 = JSON.stringify({ result: '404' });

export class Streaming {
  readonly #options: StreamingOptions;
  readonly #channels = new Map<string, Channel>();
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly stats: StreamingStats = { published: 0, delivered: 0, dropped: 0, lost: 0, connections: 0 };

  constructor(options: StreamingOptions) {
    this.#options = options;
  }

  view(channel: Channel): ChannelView {
    return { connectUri: `${this.#options.wsBase}/channels/${channel.id}`, id: channel.id, expires: new Date(channel.expiresAt).toISOString() };
  }

  #live(channel: Channel | undefined): channel is Channel {
    return channel !== undefined && !channel.expired && Date.now() < channel.expiresAt;
  }

  #armExpiry(channel: Channel): void {
    if (channel.expiryTimer !== undefined) clearTimeout(channel.expiryTimer);
    // setTimeout holds at most 2^31-1 ms (24.8 days): enough for the 24 h life.
    channel.expiryTimer = setTimeout(() => this.#end(channel, RESULT_404), Math.min(channel.expiresAt - Date.now(), 2_147_483_647));
    channel.expiryTimer.unref();
  }

  create(userId: string, grantId: string | undefined): Channel {
    const mine = this.list(userId);
    if (mine.length >= this.#options.maxChannelsPerUser) {
      // The 21st evicts the channel with the oldest last use, socket-less channels first (§2).
      const victim = [...mine].sort((a, b) => Number(a.socket !== undefined) - Number(b.socket !== undefined) || a.lastUsed - b.lastUsed)[0];
      if (victim !== undefined) this.#end(victim, RESULT_404);
    }
    const now = Date.now();
    const channel: Channel = { id: randomUUID(), userId, grantId, expiresAt: now + this.#options.channelLifetimeMs, lastUsed: now, expired: false, topics: [], socket: undefined, expiryTimer: undefined };
    this.#channels.set(channel.id, channel);
    this.#armExpiry(channel);
    return channel;
  }

  /** The user's live channel, or undefined (the API answers 404). */
  get(channelId: string, userId: string): Channel | undefined {
    const channel = this.#channels.get(channelId);
    return this.#live(channel) && channel.userId === userId ? channel : undefined;
  }

  list(userId: string): Channel[] {
    return [...this.#channels.values()].filter((c) => c.userId === userId && this.#live(c));
  }

  /** PUT replaces, POST adds, DELETE removes all; (re)subscribing extends the channel's life (§2). */
  setTopics(channel: Channel, topics: string[], mode: 'replace' | 'add' | 'remove'): void {
    if (mode === 'remove') channel.topics = [];
    else channel.topics = mode === 'replace' ? [...new Set(topics)] : [...new Set([...channel.topics, ...topics])];
    const now = Date.now();
    channel.lastUsed = now;
    if (mode !== 'remove') {
      channel.expiresAt = now + this.#options.channelLifetimeMs;
      this.#armExpiry(channel);
    }
  }

  get maxTopics(): number {
    return this.#options.maxTopicsPerChannel;
  }

  publish(topicName: string, eventBody: unknown): void {
    const frame = JSON.stringify({ topicName, version: '2', eventBody, metadata: { CorrelationId: randomUUID() } });
    let subscribed = 0;
    let delivered = 0;
    for (const channel of this.#channels.values()) {
      if (!this.#live(channel) || !channel.topics.includes(topicName)) continue;
      this.stats.published += 1;
      subscribed += 1;
      if (channel.socket !== undefined && channel.socket.readyState === channel.socket.OPEN) {
        channel.socket.send(frame);
        this.stats.delivered += 1;
        delivered += 1;
      } else {
        this.stats.dropped += 1;
      }
    }
    if (subscribed > 0 && delivered === 0) this.stats.lost += 1;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const match = /^\/channels\/([A-Za-z0-9-]{1,64})$/.exec(new URL(req.url ?? '/', 'http://lab').pathname);
    if (match === null) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#attach(ws, match[1] ?? ''));
  }

  #attach(ws: WebSocket, channelId: string): void {
    const channel = this.#channels.get(channelId);
    if (!this.#live(channel)) {
      // Expired or replaced channel (§2): one 404 frame, then the socket ends.
      ws.send(RESULT_404);
      ws.close(1000, 'channel not found');
      return;
    }
    const previous = channel.socket;
    if (previous !== undefined) previous.close(1000, 'replaced by a new connection'); // one socket per channel
    channel.socket = ws;
    channel.lastUsed = Date.now();
    this.stats.connections += 1;
    const heartbeat = setInterval(() => {
      if (ws.readyState === ws.OPEN) ws.send(HEARTBEAT);
    }, this.#options.heartbeatIntervalMs);
    heartbeat.unref();
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (typeof message === 'object' && message !== null && (message as { message?: unknown }).message === 'ping') ws.send(PONG);
    });
    ws.on('close', () => {
      clearInterval(heartbeat);
      if (channel.socket === ws) channel.socket = undefined;
    });
    ws.on('error', () => ws.terminate());
  }

  /** Sends `frame` (when given) on the channel's socket, closes it, and ends the channel. */
  #end(channel: Channel, frame: string | undefined): void {
    channel.expired = true;
    if (channel.expiryTimer !== undefined) clearTimeout(channel.expiryTimer);
    this.#channels.delete(channel.id);
    const ws = channel.socket;
    if (ws !== undefined && ws.readyState === ws.OPEN) {
      if (frame !== undefined) ws.send(frame);
      ws.close(1000, 'channel ended');
    }
  }

  #sockets(userId?: string): { channel: Channel; ws: WebSocket }[] {
    const found: { channel: Channel; ws: WebSocket }[] = [];
    for (const channel of this.#channels.values()) {
      if (channel.socket !== undefined && (userId === undefined || channel.userId === userId)) found.push({ channel, ws: channel.socket });
    }
    return found;
  }

  /** `v2.system.socket_closing`, then the socket is closed after the grace period (about a minute). */
  socketClosing(userId?: string): number {
    const targets = this.#sockets(userId);
    for (const { ws } of targets) {
      ws.send(JSON.stringify({ topicName: 'v2.system.socket_closing', eventBody: { message: 'This socket will close within one minute: open a new one.' } }));
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (ws.readyState === ws.OPEN) ws.close(1001, 'socket closing');
      }, this.#options.socketClosingGraceMs);
      timer.unref();
      this.#timers.add(timer);
    }
    return targets.length;
  }

  /** Ends every channel now as if its 24 h were up. */
  expireChannels(userId?: string): number {
    const targets = [...this.#channels.values()].filter((c) => userId === undefined || c.userId === userId);
    for (const channel of targets) this.#end(channel, RESULT_404);
    return targets.length;
  }

  /** Cuts every socket without a closing frame (a network drop); channels stay. */
  dropSockets(userId?: string): number {
    const targets = this.#sockets(userId);
    for (const { ws } of targets) ws.terminate();
    return targets.length;
  }

  /** The token behind these channels was revoked: `v2.system.token_revoked.<channel id>`, then the end. */
  tokenRevoked(grantIds: ReadonlySet<string>): number {
    const targets = [...this.#channels.values()].filter((c) => c.grantId !== undefined && grantIds.has(c.grantId));
    for (const channel of targets) {
      this.#end(channel, JSON.stringify({ topicName: `v2.system.token_revoked.${channel.id}`, eventBody: { message: 'The access token was revoked.' } }));
    }
    return targets.length;
  }

  /** The server dropped the subscriptions: `v2.system.no_longer_subscribed.<channel id>`; the socket stays. */
  noLongerSubscribed(userId?: string): number {
    const targets = this.#sockets(userId);
    for (const { channel, ws } of targets) {
      channel.topics = [];
      ws.send(JSON.stringify({ topicName: `v2.system.no_longer_subscribed.${channel.id}`, eventBody: { message: 'The channel is no longer subscribed to any topic.' } }));
    }
    return targets.length;
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const channel of this.#channels.values()) {
      if (channel.expiryTimer !== undefined) clearTimeout(channel.expiryTimer);
      channel.socket?.terminate();
    }
    this.#channels.clear();
    this.#wss.close();
  }
}
