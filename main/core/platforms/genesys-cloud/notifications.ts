// The Genesys Cloud notification channel (protocols/genesys-cloud.md §2): create a channel, subscribe
// the user's topics, one WebSocket to its connectUri kept alive (ping/pong + heartbeat watchdog), a
// new socket on v2.system.socket_closing (within its minute), a new channel before the 24 h expiry,
// and recovery from token_revoked, no_longer_subscribed and {"result":"404"}. After any reconnect the
// session re-reads presence, routing status and conversations (onResync), so the screen is true.
// Every timer is on the injected Clock; the socket comes from a factory (real one: ./socket.ts).
import type { Clock, TimerHandle } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { classifyFrame, parseFrame, type Channel } from './wire.ts';

export interface GcSocketHandlers {
  onOpen(): void;
  onMessage(text: string): void;
  onClose(code: number, reason: string): void;
}
export interface GcSocket {
  send(text: string): void;
  close(): void;
}
/** Opens a WebSocket to an already checked URL; no credentials travel on it (the URL is the capability). */
export type GcSocketFactory = (url: URL, handlers: GcSocketHandlers) => GcSocket;

export const DEFAULT_RECONNECT_DELAYS_MS = [0, 1_000, 2_000, 5_000, 10_000, 30_000] as const;

export type StreamStatus =
  | { state: 'online'; rotated?: 'socket' | 'channel' | 'reconnect' }
  | { state: 'reconnecting'; attempt: number; nextAttemptAt: number; error: PatchbayError }
  /** Still online, but the agent should know (a channel taken by another app once). */
  | { state: 'warning'; error: PatchbayError }
  | { state: 'offline'; error?: PatchbayError };

export interface NotificationStreamOptions {
  clock: Clock;
  log: Logger;
  topics: readonly string[];
  /** POST /notifications/channels with a token renewed first (GC-05). */
  createChannel(): Promise<Channel>;
  /** PUT the topics on a channel. */
  subscribe(channelId: string, topics: readonly string[]): Promise<void>;
  /** DELETE a replaced channel's topics (best effort: it would expire anyway). */
  unsubscribe?(channelId: string): Promise<void>;
  /** The connectUri → the URL a socket may open (throws for a host not trusted). */
  checkUri(connectUri: string): URL;
  socketFactory: GcSocketFactory;
  onEvent(topic: string, body: unknown): void;
  onStatus(status: StreamStatus): void;
  /** After a new socket or channel: re-read what may have changed meanwhile. */
  onResync(): Promise<void>;
  /** token_revoked: true when the sign-in was renewed and the stream may rebuild. */
  onTokenRevoked(): Promise<boolean>;
  pingIntervalMs?: number;
  /** No frame at all (heartbeat, pong, event) for this long → the socket is dead. */
  watchdogMs?: number;
  connectTimeoutMs?: number;
  /** Open a new channel this long before the current one expires (24 h life). */
  renewBeforeMs?: number;
  reconnectDelaysMs?: readonly number[];
  /** A second eviction ({"result":"404"}) this soon after the first ends the stream. */
  evictionWindowMs?: number;
}

const CHANNEL_LIFETIME_MS = 24 * 3600_000;

interface Live {
  socket: GcSocket;
  channel: Channel;
}

export class NotificationStream {
  private readonly o: NotificationStreamOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private running = false;
  private live: Live | undefined;
  /** Sockets being replaced: their frames still count until they close (nothing is missed). */
  private readonly retiring = new Set<GcSocket>();
  /** Sockets open but not yet current (topics being subscribed): their events count already. */
  private readonly pending = new Set<GcSocket>();
  private pingTimer: TimerHandle | undefined;
  private watchdog: TimerHandle | undefined;
  private renewTimer: TimerHandle | undefined;
  private control = new AbortController();
  private busy: Promise<void> | undefined;
  private lastEvictionAt: number | undefined;
  lastEventAt: number | undefined;
  /** Figures for the bench and tests. */
  readonly stats = { sockets: 0, channels: 0, rotations: 0, reconnects: 0, renewals: 0 };

  constructor(options: NotificationStreamOptions) {
    this.o = options;
    this.clock = options.clock;
    this.log = options.log;
  }

  get online(): boolean {
    return this.running && this.live !== undefined && this.busy === undefined;
  }

  /** First channel + socket; rejects with a typed error (sign-in reports it, no retry here). */
  async start(): Promise<void> {
    this.running = true;
    this.control = new AbortController();
    try {
      // One more channel when the first is taken at once (the 21st evicts the oldest, §2).
      this.adopt(await this.openChannel().catch((error: unknown) => {
        if (toPatchbayError(error).code !== 'genesys-cloud.notifications.channel-gone') throw error;
        return this.openChannel();
      }));
      this.o.onStatus({ state: 'online' });
    } catch (error) {
      this.running = false;
      throw toPatchbayError(error);
    }
  }

  stop(): void {
    this.running = false;
    this.control.abort(new PatchbayError('genesys-cloud.notifications.stopped', 'Notifications stopped.'));
    this.clearTimers();
    for (const socket of [...this.retiring, ...this.pending]) socket.close();
    this.retiring.clear();
    this.pending.clear();
    this.live?.socket.close();
    this.live = undefined;
  }

  // ------------------------------------------------------------------ channel and socket
  private async openChannel(): Promise<Live> {
    const channel = await this.o.createChannel();
    this.stats.channels++;
    const url = this.o.checkUri(channel.connectUri);
    // Socket first, then the topics: the channel is never subscribed without a socket to deliver to.
    const socket = await this.openSocket(url);
    try {
      await this.o.subscribe(channel.id, this.o.topics);
    } catch (error) {
      socket.close();
      const failure = toPatchbayError(error);
      if (failure.code !== 'genesys-cloud.not-found') throw failure;
      // Gone before it was subscribed: another app or device took the user's last channel slot.
      throw new PatchbayError('genesys-cloud.notifications.channel-gone', 'Genesys Cloud closed Patchbay’s new notification channel at once: another app or device signed in as you may be using them all.', {
        action: 'retry',
        cause: failure,
      });
    }
    return { socket, channel };
  }

  private openSocket(url: URL): Promise<GcSocket> {
    return new Promise<GcSocket>((resolve, reject) => {
      let opened = false;
      let settled = false;
      const fail = (error: PatchbayError) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        socket?.close();
        reject(error);
      };
      const timer = this.clock.setTimeout(
        () => fail(new PatchbayError('genesys-cloud.notifications.timeout', 'The Genesys Cloud notification service did not answer in time.', { action: 'retry' })),
        this.o.connectTimeoutMs ?? 10_000,
      );
      let socket: GcSocket | undefined;
      try {
        socket = this.o.socketFactory(url, {
          onOpen: () => {
            if (settled || !socket) return;
            opened = true;
            settled = true;
            timer.cancel();
            this.stats.sockets++;
            this.pending.add(socket);
            resolve(socket);
          },
          onMessage: (text) => socket && this.onFrame(socket, text),
          onClose: (code) => {
            if (!socket) return;
            this.pending.delete(socket);
            if (!opened) {
              fail(new PatchbayError('genesys-cloud.notifications.refused', 'The Genesys Cloud notification service refused the connection.', { action: 'retry', details: { code } }));
              return;
            }
            this.onSocketClosed(socket, code);
          },
        });
      } catch (error) {
        fail(new PatchbayError('genesys-cloud.notifications.refused', 'Patchbay could not open the notification connection.', { action: 'retry', cause: error }));
      }
    });
  }

  /** Make a channel + socket current; the previous socket retires (closed once the new one is up). */
  private adopt(next: Live): void {
    const previous = this.live;
    this.live = next;
    this.pending.delete(next.socket);
    if (previous && previous.socket !== next.socket) {
      this.retiring.add(previous.socket);
      previous.socket.close();
      this.retiring.delete(previous.socket);
    }
    this.schedulePing();
    this.feedWatchdog();
    this.scheduleRenewal(next.channel);
  }

  private onSocketClosed(socket: GcSocket, code: number): void {
    if (this.retiring.has(socket) || this.live?.socket !== socket || !this.running) return;
    void this.down(new PatchbayError('genesys-cloud.notifications.closed', 'The Genesys Cloud notification connection closed.', { action: 'retry', details: { code } }), false);
  }

  // ------------------------------------------------------------------ keep-alive
  private schedulePing(): void {
    this.pingTimer?.cancel();
    this.pingTimer = this.clock.setTimeout(() => {
      if (!this.running || !this.live) return;
      try {
        this.live.socket.send(JSON.stringify({ message: 'ping' })); // §2: answered by a pong frame
      } catch {
        // A send on a dying socket: the watchdog notices.
      }
      this.schedulePing();
    }, this.o.pingIntervalMs ?? 30_000);
  }

  private feedWatchdog(): void {
    this.watchdog?.cancel();
    this.watchdog = this.clock.setTimeout(() => {
      if (!this.running || this.busy) return;
      void this.down(new PatchbayError('genesys-cloud.notifications.silent', 'The Genesys Cloud notification connection went silent.', { action: 'retry' }), false);
    }, this.o.watchdogMs ?? 75_000);
  }

  /** §2: a channel lives 24 h; a new one (subscribed, socket open) replaces it before then. */
  private scheduleRenewal(channel: Channel): void {
    this.renewTimer?.cancel();
    const expires = channel.expires ? Date.parse(channel.expires) : Number.NaN;
    const expiresAt = Number.isNaN(expires) ? this.clock.now() + CHANNEL_LIFETIME_MS : Math.min(expires, this.clock.now() + CHANNEL_LIFETIME_MS);
    // An hour ahead of a 24 h channel; a quarter of its life for a short-lived one (never a churn).
    const left = Math.max(0, expiresAt - this.clock.now());
    const due = left - Math.min(this.o.renewBeforeMs ?? 3600_000, left / 4);
    this.renewTimer = this.clock.setTimeout(() => this.exclusive('channel', () => this.replace('channel')), due);
  }

  private clearTimers(): void {
    this.pingTimer?.cancel();
    this.watchdog?.cancel();
    this.renewTimer?.cancel();
  }

  // ------------------------------------------------------------------ frames
  private onFrame(socket: GcSocket, text: string): void {
    const current = socket === this.live?.socket;
    if (!this.running || (!current && !this.retiring.has(socket) && !this.pending.has(socket))) return;
    if (current) this.feedWatchdog();
    let kind;
    try {
      kind = classifyFrame(parseFrame(text));
    } catch (error) {
      this.log.warn('genesys-cloud.notifications.bad-frame', { code: toPatchbayError(error).code });
      return;
    }
    switch (kind.kind) {
      case 'event':
        this.lastEventAt = this.clock.now();
        this.o.onEvent(kind.topic, kind.body);
        return;
      default:
        break;
    }
    // Control frames speak for the current socket only.
    if (!current) return;
    switch (kind.kind) {
      case 'socket-closing':
        // §2: about a minute left on this socket: a new one now, on the same channel.
        this.log.info('genesys-cloud.notifications.socket-closing', {});
        this.exclusive('socket', () => this.replace('socket'));
        return;
      case 'no-longer-subscribed':
        this.exclusive('subscribe', () => this.resubscribe());
        return;
      case 'token-revoked':
        this.exclusive('revoked', () => this.revoked());
        return;
      case 'channel-gone':
        this.channelGone(kind.result);
        return;
      default:
        return;
    }
  }

  /** One recovery at a time; a failing one falls back to the reconnect loop. */
  private exclusive(what: string, run: () => Promise<void>): void {
    if (!this.running || this.busy) return;
    this.busy = run()
      .catch((error: unknown) => {
        const failure = toPatchbayError(error);
        this.log.info('genesys-cloud.notifications.recovery-failed', { what, code: failure.code });
        if (this.running) return this.reconnectLoop(failure, true);
        return undefined;
      })
      .finally(() => {
        this.busy = undefined;
      });
  }

  /** A new socket on the same channel (socket_closing) or a new channel (24 h renewal). */
  private async replace(kind: 'socket' | 'channel'): Promise<void> {
    const live = this.live;
    if (!live) throw new PatchbayError('genesys-cloud.notifications.closed', 'No notification channel.', { action: 'retry' });
    const next = kind === 'socket' ? { channel: live.channel, socket: await this.openSocket(this.o.checkUri(live.channel.connectUri)) } : await this.openChannel();
    if (!this.running) {
      next.socket.close();
      return;
    }
    this.adopt(next);
    if (kind === 'socket') this.stats.rotations++;
    else {
      this.stats.renewals++;
      void this.o.unsubscribe?.(live.channel.id).catch((error: unknown) => this.log.info('genesys-cloud.notifications.unsubscribe-failed', { code: toPatchbayError(error).code }));
    }
    this.o.onStatus({ state: 'online', rotated: kind });
    void this.resync();
  }

  private async resubscribe(): Promise<void> {
    const live = this.live;
    if (!live) return;
    await this.o.subscribe(live.channel.id, this.o.topics);
    void this.resync();
  }

  private async revoked(): Promise<void> {
    this.clearTimers();
    const renewed = await this.o.onTokenRevoked();
    if (!renewed || !this.running) {
      this.stop();
      return;
    }
    // The old channel belongs to the revoked token: a new one with the new token.
    await this.down(new PatchbayError('genesys-cloud.notifications.token-revoked', 'Your Genesys Cloud sign-in was revoked.', { action: 'retry' }), true, true);
  }

  /** {"result":"404"}: the channel expired, was replaced (the 21st evicts the oldest) or the token expired. */
  private channelGone(result: string): void {
    if (this.busy) return;
    const now = this.clock.now();
    if (this.lastEvictionAt !== undefined && now - this.lastEvictionAt < (this.o.evictionWindowMs ?? 10 * 60_000)) {
      const error = new PatchbayError(
        'genesys-cloud.notifications.evicted',
        'Genesys Cloud keeps closing Patchbay’s notification channel: another app or device is signed in as you (a user has at most 20 channels). Close the others, then sign in again.',
        { action: 'sign-in-again', details: { result } },
      );
      this.log.warn('genesys-cloud.notifications.evicted-again', { result });
      this.stop();
      this.o.onStatus({ state: 'offline', error });
      return;
    }
    this.lastEvictionAt = now;
    void this.down(
      new PatchbayError('genesys-cloud.notifications.channel-gone', 'Genesys Cloud closed Patchbay’s notification channel (it expired, or another app opened too many). Patchbay opened a new one.', {
        action: 'none',
        details: { result },
      }),
      true,
    );
  }

  // ------------------------------------------------------------------ reconnect
  /** The socket is lost: reconnect (inRecovery: called from a recovery that already holds `busy`). */
  private down(error: PatchbayError, channelGone: boolean, inRecovery = false): Promise<void> {
    if (!this.running || (this.busy && !inRecovery)) return Promise.resolve();
    this.clearTimers();
    const live = this.live;
    this.live = undefined; // frames of the lost socket no longer count
    live?.socket.close();
    const loop = this.reconnectLoop(error, channelGone, channelGone ? undefined : live?.channel);
    if (!inRecovery) {
      this.busy = loop.finally(() => {
        this.busy = undefined;
      });
    }
    return loop;
  }

  private async reconnectLoop(cause: PatchbayError, channelGone: boolean, channel?: Channel): Promise<void> {
    const delays = this.o.reconnectDelaysMs ?? DEFAULT_RECONNECT_DELAYS_MS;
    let error = cause;
    if (cause.code === 'genesys-cloud.notifications.channel-gone') this.o.onStatus({ state: 'warning', error: cause });
    for (let attempt = 1; this.running; attempt++) {
      const delay = delays[Math.min(attempt - 1, delays.length - 1)] ?? 5_000;
      this.o.onStatus({ state: 'reconnecting', attempt, nextAttemptAt: this.clock.now() + delay, error });
      try {
        await this.clock.sleep(delay, this.control.signal);
        // The same channel first (a dropped socket), a new one when it is gone or that failed.
        const next =
          attempt === 1 && !channelGone && channel ? { channel, socket: await this.openSocket(this.o.checkUri(channel.connectUri)) } : await this.openChannel();
        if (!this.running) {
          next.socket.close();
          return;
        }
        this.adopt(next);
        this.stats.reconnects++;
        this.o.onStatus({ state: 'online', rotated: 'reconnect' });
        void this.resync();
        return;
      } catch (failure) {
        if (!this.running) return;
        error = toPatchbayError(failure);
        this.log.info('genesys-cloud.notifications.reconnect-failed', { attempt, code: error.code });
        if (error.action !== 'retry') {
          this.stop();
          this.o.onStatus({ state: 'offline', error });
          return;
        }
        const waitMs = typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : 0;
        if (waitMs > 0) await this.clock.sleep(Math.min(waitMs, 5 * 60_000), this.control.signal).catch(() => undefined);
      }
    }
  }

  /** Not awaited by the recoveries: a channel gone or a socket closed while the re-read runs must
   *  still be handled (the recovery lock is released once the socket is current). */
  private async resync(): Promise<void> {
    try {
      await this.o.onResync();
    } catch (error) {
      this.log.info('genesys-cloud.notifications.resync-failed', { code: toPatchbayError(error).code });
    }
  }
}
