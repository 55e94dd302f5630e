// GWS notifications (protocols/gws.md §3): CometD (Bayeux) long-polling at /api/v2/notifications with
// the official `cometd` client. Its long-polling transport is re-implemented on the core's
// HttpSession (rigs/servers.md: no global window from cometd-nodejs-client), so every request
// carries the profile's cookies (JSESSIONID) and the CSRF header, and goes through IT's network
// set-up. Timers run on the injected Clock. Subscriptions are (re)made on every successful
// handshake: CometD drops them on a re-handshake.
import * as cometdLib from 'cometd';
import type { Message } from 'cometd';
import type { Clock, TimerHandle } from '../../clock.ts';
import { toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { HttpSession } from '../../net/http-session.ts';
import { agentStateOf } from './agent-state.ts';
import { NotificationSchema, voiceUserState, type GwsCall, type UserState } from './wire.ts';
import { CallSchema, ChannelSchema } from './wire.ts';

export const NOTIFICATIONS_PATH = '/api/v2/notifications';
export const SUBSCRIPTION = '/v2/me/*';

// ---- the `window` the cometd library reads --------------------------------------------------
// cometd's Client reads a few `window` properties (WebSocket, location, Worker) in its constructor,
// configure() and transport negotiation. We never let it use any of them, but the bare identifier
// must resolve: a bare object is installed only while cometd code runs on our call stack (our
// calls into it, our transport's callbacks and our timers), then removed, so nothing else in the
// process ever sees a `window`.
const WINDOW_SHIM = Object.freeze({});
let windowDepth = 0;
function inCometd<T>(fn: () => T): T {
  const g = globalThis as { window?: unknown };
  const install = windowDepth === 0 && g.window === undefined;
  if (install) g.window = WINDOW_SHIM;
  windowDepth += 1;
  try {
    return fn();
  } finally {
    windowDepth -= 1;
    if (install) delete g.window;
  }
}

interface Packet {
  url: string;
  body: string;
  onSuccess(text: string): void;
  onError(reason: string, exception?: unknown): void;
}
interface FakeXhr {
  status: number;
  readyState: number;
  abort(): void;
}
interface LongPollingLike {
  xhrSend(packet: Packet): FakeXhr;
  abortXHR(xhr: FakeXhr | undefined): boolean;
}
const LongPollingBase = (cometdLib as unknown as { LongPollingTransport: new () => LongPollingLike }).LongPollingTransport;

/** What every CometD request needs from the session: current headers (CSRF) and a place to
 *  report a fresh CSRF pair. */
export interface LinkTransport {
  http: HttpSession;
  headers(): Record<string, string>;
  onResponseHeaders?(headers: Record<string, string>): void;
  log: Logger;
}

/** cometd's long-polling transport with the XMLHttpRequest replaced by the profile's HttpSession. */
class HttpSessionLongPolling extends LongPollingBase {
  private readonly link: LinkTransport;
  constructor(link: LinkTransport) {
    super();
    this.link = link;
  }

  override xhrSend(packet: Packet): FakeXhr {
    const controller = new AbortController();
    const xhr: FakeXhr = { status: 0, readyState: 1, abort: () => controller.abort() };
    const link = this.link;
    link.http
      .request({
        method: 'POST',
        url: packet.url,
        headers: { ...link.headers(), 'content-type': 'application/json;charset=UTF-8', accept: 'application/json' },
        body: packet.body,
        followRedirects: false,
        timeoutMs: 0, // cometd times each request itself (maxNetworkDelay + the server's long-poll timeout)
        signal: controller.signal,
      })
      .then(
        (res) => {
          xhr.status = res.status;
          xhr.readyState = 4;
          link.onResponseHeaders?.(res.headers);
          if (controller.signal.aborted) return;
          inCometd(() => (res.status === 200 ? packet.onSuccess(res.text()) : packet.onError(`HTTP ${res.status}`)));
        },
        (error: unknown) => {
          xhr.readyState = 4;
          if (controller.signal.aborted) return; // abortXHR reported the failure already
          link.log.info('gws.cometd.request-failed', { code: toPatchbayError(error).code });
          inCometd(() => packet.onError(toPatchbayError(error).code, error));
        },
      );
    return xhr;
  }

  /** false: cometd reports the aborted request's failure itself (our xhr fires no onabort). */
  override abortXHR(xhr: FakeXhr | undefined): boolean {
    xhr?.abort();
    return false;
  }
}

const CometDBase = cometdLib.CometD as unknown as new (name?: string) => cometdLib.CometD & {
  _warn(...args: unknown[]): void;
  _info(...args: unknown[]): void;
  _debug(...args: unknown[]): void;
};

/** cometd's Client with its scheduler on our Clock and its console logging sent to our logger. */
class ClockedCometD extends CometDBase {
  private readonly clockRef: Clock;
  private readonly logRef: Logger;
  private readonly timers = new Map<number, TimerHandle>();
  private timerSeq = 0;
  constructor(clock: Clock, log: Logger) {
    super('patchbay-gws');
    this.clockRef = clock;
    this.logRef = log;
  }
  override setTimeout(fn: () => void, delay: number): number {
    const id = ++this.timerSeq;
    this.timers.set(
      id,
      this.clockRef.setTimeout(() => {
        this.timers.delete(id);
        try {
          inCometd(fn);
        } catch (error) {
          this.logRef.warn('gws.cometd.timer-error', { code: toPatchbayError(error).code });
        }
      }, delay),
    );
    return id;
  }
  override clearTimeout(id: number): void {
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
  }
  cancelAllTimers(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
  // Message arguments may hold the Bayeux messages; only the first (a fixed text) is logged.
  override _warn(...args: unknown[]): void {
    this.logRef.warn('gws.cometd.warn', { text: typeof args[0] === 'string' ? args[0].slice(0, 200) : 'warning' });
  }
  override _info(): void {}
  override _debug(): void {}
}

export interface LinkFailure {
  /** /meta/handshake or /meta/connect (or a subscribe). */
  channel: string;
  /** HTTP status of the failed request, when there was one. */
  httpCode?: number;
  /** Bayeux error ("403::…", "402::Unknown client"). */
  error?: string;
}

export interface NotificationsOptions extends LinkTransport {
  url: string;
  clock: Clock;
  /** cometd's allowance for the network on top of the long-poll timeout (ms). */
  maxNetworkDelayMs?: number;
  /** cometd's backoff increment between retries (ms). */
  backoffIncrementMs?: number;
  maxBackoffMs?: number;
  onMessage(channel: string, data: unknown): void;
  /** Handshake and subscription confirmed; `reestablish` after an earlier one (a drop recovered). */
  onUp(reestablish: boolean): void;
  onDown(failure: LinkFailure): void;
}

/** One CometD link for a signed-in session. */
export class GwsNotifications {
  private readonly options: NotificationsOptions;
  private readonly cometd: ClockedCometD;
  private stopped = false;

  constructor(options: NotificationsOptions) {
    this.options = options;
    this.cometd = inCometd(() => {
      const c = new ClockedCometD(options.clock, options.log);
      c.unregisterTransports();
      // GWS 8.5 documents long-polling only (protocols/gws.md §3).
      c.registerTransport('long-polling', new HttpSessionLongPolling(options) as unknown as cometdLib.Transport);
      c.configure({
        url: options.url,
        maxNetworkDelay: options.maxNetworkDelayMs ?? 15_000,
        backoffIncrement: options.backoffIncrementMs ?? 1_000,
        maxBackoff: options.maxBackoffMs ?? 30_000,
        logLevel: 'warn',
      });
      return c;
    });
    const deliver = (fn: () => void) => queueMicrotask(() => (this.stopped ? undefined : fn()));
    inCometd(() => {
      this.cometd.addListener('/meta/handshake', (m: Message) => {
        if (!m.successful) return;
        const reestablish = (m as Message & { reestablish?: boolean }).reestablish === true;
        // Up only once the server confirmed the subscription: an event published before that is
        // lost, so the caller reads the state after this point.
        this.cometd.subscribe(
          SUBSCRIPTION,
          (msg: Message) => deliver(() => options.onMessage(msg.channel, msg.data)),
          (reply: Message) => {
            if (reply.successful) deliver(() => options.onUp(reestablish));
          },
        );
      });
      this.cometd.addListener('/meta/unsuccessful', (m: Message) => {
        const failure = (m as Message & { failure?: { httpCode?: number } }).failure;
        const httpCode = typeof failure?.httpCode === 'number' && failure.httpCode > 0 ? failure.httpCode : undefined;
        deliver(() => options.onDown({ channel: m.channel, ...(httpCode ? { httpCode } : {}), ...(m.error ? { error: m.error } : {}) }));
      });
    });
  }

  start(): void {
    inCometd(() => this.cometd.handshake());
  }

  restart(): void {
    if (this.stopped) return;
    inCometd(() => {
      if (this.cometd.isDisconnected()) this.cometd.handshake();
    });
  }

  get status(): string {
    return this.cometd.getStatus();
  }

  /** Stop for good: a polite /meta/disconnect when `polite`, then every request and timer ends. */
  stop(polite = false): void {
    if (this.stopped) return;
    this.stopped = true;
    inCometd(() => {
      if (polite && !this.cometd.isDisconnected()) this.cometd.disconnect();
      this.cometd.getTransport()?.abort();
    });
    this.cometd.cancelAllTimers();
  }
}

// ---- the notification payloads (pure) --------------------------------------------------------

export type NotificationEvent =
  | { kind: 'agent'; userState: UserState }
  | { kind: 'call'; notificationType: string | undefined; call: GwsCall }
  | { kind: 'other'; messageType: string };

/** A /v2/me/* message's data → what changed (undefined when it is not a GWS message). */
export function parseNotification(data: unknown): NotificationEvent | undefined {
  const parsed = NotificationSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const n = parsed.data;
  if (n.messageType === 'CallStateChangeMessage') {
    const call = CallSchema.safeParse(n.call);
    return call.success ? { kind: 'call', notificationType: n.notificationType, call: call.data } : undefined;
  }
  if (n.messageType === 'ChannelStateChangeMessage' || n.messageType === 'DeviceStateChangeMessage') {
    const single = typeof n.channel === 'object' ? ChannelSchema.safeParse(n.channel) : undefined;
    const userState =
      voiceUserState({ channels: n.channels ?? (single?.success ? [single.data] : undefined), devices: n.devices ?? (n.device ? [n.device] : undefined) }) ?? n.userState;
    return userState ? { kind: 'agent', userState } : { kind: 'other', messageType: n.messageType };
  }
  return { kind: 'other', messageType: n.messageType };
}

/** The agent state a notification carries, for callers that only need that. */
export function agentFromNotification(data: unknown, since?: string) {
  const event = parseNotification(data);
  return event?.kind === 'agent' ? agentStateOf(event.userState, since) : undefined;
}
