// The Finesse notification channel (protocols/finesse.md §5): XMPP over WebSocket, initial presence
// (priority 0), keep-alive pings, "connected" only once finesse@<domain> is present [ET], pubsub
// `<Update>` payloads decoded for the user and dialog nodes, and a fast reconnect after a blip —
// Finesse logs an agent out 60 s after their presence goes unavailable [PRES], so the schedule
// restores the channel within seconds. Every timer is on the injected Clock.
import type { Clock, TimerHandle } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { parseUpdate, unescapeNotification, type FinesseUpdate } from './wire.ts';
import { createXmppLink, xml, type Element, type XmppEndpoint, type XmppLink, type XmppLinkFactory } from './xmpp-link.ts';

const PUBSUB_EVENT_NS = 'http://jabber.org/protocol/pubsub#event';
const PING_NS = 'urn:xmpp:ping';

/** Delays before reconnect attempts 1, 2, 3…: the first is immediate (a blip), then short steps,
 *  so a server that is back is reached within a few seconds (well inside Finesse's 60 s). */
export const DEFAULT_RECONNECT_DELAYS_MS = [0, 250, 500, 1_000, 2_000, 3_000] as const;

export type ChannelStatus =
  | { state: 'online'; jid: string; reconnectMs?: number }
  | { state: 'reconnecting'; attempt: number; nextAttemptAt: number; error: PatchbayError }
  | { state: 'offline'; error?: PatchbayError };

export interface NotificationChannelOptions {
  clock: Clock;
  log: Logger;
  /** Called before every connection attempt: the current node and a fresh token. */
  endpoint: () => Promise<XmppEndpoint>;
  linkFactory?: XmppLinkFactory;
  /** Whose presence means "Finesse is there" (default finesse@<domain>); null: do not wait. */
  serverJid?: ((endpoint: XmppEndpoint) => string) | null;
  serverPresenceTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Keep-alive ping every … (§5: ~10–20 s). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  reconnectDelaysMs?: readonly number[];
  /** Runs before each reconnect attempt (after its delay): check SystemInfo, switch node, wait.
   *  Throwing a PatchbayError with action other than 'retry' ends reconnecting (offline). */
  beforeReconnect?: (attempt: number, error: PatchbayError, signal: AbortSignal) => Promise<void>;
  onUpdate: (update: FinesseUpdate) => void;
  onStatus?: (status: ChannelStatus) => void;
}

export class NotificationChannel {
  private readonly options: NotificationChannelOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly factory: XmppLinkFactory;
  private link: XmppLink | undefined;
  private pingTimer: TimerHandle | undefined;
  private running = false;
  private control = new AbortController();
  private reconnecting: Promise<void> | undefined;
  /** Ends the current wait between reconnect attempts early (retryNow). */
  private wakeWait: (() => void) | undefined;
  private serverPresent = false;
  private serverJid: string | undefined;
  private presenceWaiter: (() => void) | undefined;
  private jid: string | undefined;
  /** Reconnect durations measured (ms, Clock time), oldest first. */
  readonly reconnectTimes: number[] = [];
  lastEventAt: number | undefined;

  constructor(options: NotificationChannelOptions) {
    this.options = options;
    this.clock = options.clock;
    this.log = options.log;
    this.factory = options.linkFactory ?? createXmppLink;
  }

  get online(): boolean {
    return this.link !== undefined && this.reconnecting === undefined && this.running;
  }

  /** First connection; rejects with a typed error (no automatic retry here: sign-in reports it). */
  async start(): Promise<void> {
    this.running = true;
    this.control = new AbortController();
    try {
      const jid = await this.connectOnce();
      this.options.onStatus?.({ state: 'online', jid });
    } catch (error) {
      this.running = false;
      throw toPatchbayError(error);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.control.abort(new PatchbayError('finesse.xmpp.stopped', 'Notifications stopped.', { action: 'none' }));
    this.stopPing();
    const link = this.link;
    this.link = undefined;
    if (link) {
      // Unavailable presence first: Finesse then knows this was deliberate.
      await link.send(xml('presence', { type: 'unavailable' })).catch(() => undefined);
      await link.stop();
    }
    this.options.onStatus?.({ state: 'offline' });
  }

  /** Reconnecting and waiting for the next attempt: make it now (the agent's "Retry now"). */
  retryNow(): boolean {
    if (!this.wakeWait) return false;
    this.wakeWait();
    return true;
  }

  /** Drop the current connection and reconnect now (e.g. after switching to the other node). */
  reconnectNow(reason: PatchbayError): void {
    if (!this.running) return;
    this.down(reason);
  }

  // ------------------------------------------------------------------ connection
  private async connectOnce(): Promise<string> {
    const endpoint = await this.options.endpoint();
    const link = this.factory(endpoint);
    this.serverPresent = false;
    this.serverJid = this.options.serverJid === null ? undefined : (this.options.serverJid?.(endpoint) ?? `finesse@${endpoint.domain}`).toLowerCase();
    link.onStanza((stanza) => this.onStanza(link, stanza));
    link.onDown((error) => {
      if (this.link === link) this.down(error);
    });
    try {
      const jid = await this.withTimeout(link.start(), this.options.connectTimeoutMs ?? 10_000, () =>
        new PatchbayError('finesse.xmpp.timeout', 'The notification server did not answer in time.', { action: 'retry' }),
      );
      this.link = link;
      // §5: initial presence, priority 0.
      await link.send(xml('presence', {}, xml('priority', {}, '0')));
      if (this.serverJid) await this.waitForServerPresence();
      this.jid = jid;
      this.schedulePing(link);
      return jid;
    } catch (error) {
      if (this.link === link) this.link = undefined;
      await link.stop().catch(() => undefined);
      throw error;
    }
  }

  /** [ET] the desktop counts itself connected only after presence from finesse@<domain>. */
  private async waitForServerPresence(): Promise<void> {
    if (this.serverPresent) return;
    await this.withTimeout(
      new Promise<void>((resolve) => {
        this.presenceWaiter = resolve;
      }),
      this.options.serverPresenceTimeoutMs ?? 10_000,
      () => new PatchbayError('finesse.xmpp.no-server-presence', 'Finesse did not announce itself on the notification connection.', { action: 'retry' }),
    ).finally(() => {
      this.presenceWaiter = undefined;
    });
  }

  private withTimeout<T>(promise: Promise<T>, ms: number, error: () => PatchbayError): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const signal = this.control.signal;
      const onAbort = () => {
        timer.cancel();
        reject(signal.reason);
      };
      const timer = this.clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        reject(error());
      }, ms);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          timer.cancel();
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          timer.cancel();
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  // ------------------------------------------------------------------ keep-alive (§5)
  private schedulePing(link: XmppLink): void {
    this.stopPing();
    this.pingTimer = this.clock.setTimeout(() => void this.ping(link), this.options.pingIntervalMs ?? 15_000);
  }

  private stopPing(): void {
    this.pingTimer?.cancel();
    this.pingTimer = undefined;
  }

  private async ping(link: XmppLink): Promise<void> {
    if (this.link !== link || !this.running) return;
    const domain = this.jid?.split('@')[1]?.split('/')[0];
    try {
      // Any reply — result or error — proves the stream is alive (XEP-0199 §4.2).
      await this.withTimeout(link.request(xml('iq', { type: 'get', ...(domain ? { to: domain } : {}) }, xml('ping', { xmlns: PING_NS }))), this.options.pingTimeoutMs ?? 10_000, () =>
        new PatchbayError('finesse.xmpp.ping-timeout', 'The notification server stopped answering.', { action: 'retry' }),
      );
      if (this.link === link) this.schedulePing(link);
    } catch (error) {
      if (this.link === link && this.running) this.down(toPatchbayError(error));
    }
  }

  // ------------------------------------------------------------------ incoming
  private onStanza(link: XmppLink, stanza: Element): void {
    if (stanza.is('presence')) {
      const from = (stanza.attrs.from as string | undefined)?.toLowerCase().split('/')[0];
      if (from && from === this.serverJid) {
        const available = stanza.attrs.type === undefined || stanza.attrs.type === 'available';
        if (available) {
          this.serverPresent = true;
          this.presenceWaiter?.();
        } else if (this.serverPresent && this.link === link) {
          // Finesse itself went away (out of service or failing over): reconnect via the checks.
          this.serverPresent = false;
          this.down(new PatchbayError('finesse.xmpp.server-unavailable', 'Finesse left the notification service.', { action: 'retry' }));
        }
      }
      return;
    }
    if (!stanza.is('message')) return;
    const event = stanza.getChild('event', PUBSUB_EVENT_NS);
    const items = event?.getChild('items');
    if (!items) return;
    const node = items.attrs.node as string | undefined;
    for (const item of items.getChildren('item')) {
      const notification = item.getChild('notification') ?? item.getChildElements()[0];
      if (!notification) continue;
      // The Update arrives XML-escaped inside <notification> [POK] (the stanza parser already
      // unescaped it once), or, from some servers, as a child element.
      const child = notification.getChild('Update') ?? notification.getChild('update');
      let payload = child ? child.toString() : notification.text();
      // Tolerate a server that escaped the Update once more than Finesse does.
      if (/^\s*&lt;/.test(payload)) payload = unescapeNotification(payload);
      try {
        const update = parseUpdate(payload, node);
        this.lastEventAt = this.clock.now();
        this.options.onUpdate(update);
      } catch (error) {
        this.log.warn('finesse.xmpp.bad-update', { node, code: toPatchbayError(error).code });
      }
    }
  }

  // ------------------------------------------------------------------ reconnect
  private down(error: PatchbayError): void {
    if (!this.running || this.reconnecting) return;
    const link = this.link;
    this.link = undefined;
    this.stopPing();
    this.serverPresent = false;
    void link?.stop();
    const downAt = this.clock.now();
    this.log.info('finesse.xmpp.down', { code: error.code });
    this.reconnecting = this.reconnectLoop(error, downAt).finally(() => {
      this.reconnecting = undefined;
    });
  }

  /** The wait before a reconnect attempt: ends at the delay, at stop, or early at retryNow. */
  private async waitOrWake(delay: number): Promise<void> {
    if (this.control.signal.aborted) return;
    const wait = new AbortController();
    const onStop = () => wait.abort();
    this.control.signal.addEventListener('abort', onStop, { once: true });
    this.wakeWait = () => wait.abort();
    try {
      await this.clock.sleep(delay, wait.signal).catch(() => undefined);
    } finally {
      this.wakeWait = undefined;
      this.control.signal.removeEventListener('abort', onStop);
    }
  }

  private async reconnectLoop(cause: PatchbayError, downAt: number): Promise<void> {
    const delays = this.options.reconnectDelaysMs ?? DEFAULT_RECONNECT_DELAYS_MS;
    let error = cause;
    for (let attempt = 1; this.running; attempt++) {
      const delay = delays[Math.min(attempt - 1, delays.length - 1)] ?? 1_000;
      this.options.onStatus?.({ state: 'reconnecting', attempt, nextAttemptAt: this.clock.now() + delay, error });
      try {
        await this.waitOrWake(delay);
        if (!this.running) return;
        await this.options.beforeReconnect?.(attempt, error, this.control.signal);
        if (!this.running) return;
        const jid = await this.connectOnce();
        const reconnectMs = this.clock.now() - downAt;
        this.reconnectTimes.push(reconnectMs);
        this.log.info('finesse.xmpp.reconnected', { attempt, reconnectMs });
        this.options.onStatus?.({ state: 'online', jid, reconnectMs });
        return;
      } catch (failure) {
        if (!this.running) return;
        error = toPatchbayError(failure);
        this.log.info('finesse.xmpp.reconnect-failed', { attempt, code: error.code });
        if (error.action !== 'retry') {
          this.running = false;
          this.options.onStatus?.({ state: 'offline', error });
          return;
        }
      }
    }
  }
}

/** ws(s)://<host>:<port>/ws for a REST origin: same host, ws for http and wss for https; the port
 *  is the REST port unless configured (7443 on 12.0/12.5, §5). */
export function xmppServiceUrl(origin: string, options: { port?: number; path?: string } = {}): string {
  const url = new URL(origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (options.port !== undefined) url.port = String(options.port);
  url.pathname = options.path ?? '/ws';
  url.search = '';
  url.hash = '';
  return url.href;
}
