// ICWS messaging loops (protocols/icws.md §2, seed 000): server-sent events with a stall watchdog,
// short polling, the heartbeat option, and reading one messages payload. The loops run on the
// injected Clock and report through callbacks; the session decides what a message means for its view.
import type { Clock, TimerHandle } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { HttpSession } from '../../net/http-session.ts';
import { readSse } from '../../net/sse.ts';
import type { HttpResponse } from '../../net/types.ts';
import { CONNECTION_STATE, CSRF_HEADER, IcwsMessageSchema, type UserStatus } from './wire.ts';

export const STREAM_RETRY_MS = [1_000, 2_000, 5_000, 10_000];
/** No byte (event or ping comment) on the event stream for this long → reopen it. */
export const SSE_STALL_MS = 120_000;
/** seed 000, option 3: a heartbeat every 90 s when no other authenticated request went out. */
export const HEARTBEAT_INTERVAL_MS = 90_000;

/** What one payload on the messaging channel says, for this user. */
export type IcwsEvent = { kind: 'user-status'; status: UserStatus } | { kind: 'down'; reason: string | undefined; shouldReconnect: boolean | undefined };

/** One messages payload (an array or one message) → the events this adapter acts on; other
 *  message types are ignored. `undefined` when the payload is not JSON. */
export function readMessages(data: string, userId: string | undefined): { count: number; events: IcwsEvent[] } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return undefined;
  }
  const messages = Array.isArray(raw) ? raw : [raw];
  const events: IcwsEvent[] = [];
  for (const message of messages) {
    const parsed = IcwsMessageSchema.safeParse(message);
    if (!parsed.success) continue; // other message types are not this slice's business
    const m = parsed.data;
    if (m.__type === 'urn:inin.com:status:userStatusMessage') {
      const mine = m.userStatusList.find((u) => u.userId === userId);
      if (mine) events.push({ kind: 'user-status', status: mine });
    } else if (m.newConnectionState === CONNECTION_STATE.down) {
      // [ICWS-18] the message carries the same reason and shouldReconnect as GET connection.
      events.push({ kind: 'down', reason: m.reason, shouldReconnect: m.shouldReconnect });
    }
  }
  return { count: messages.length, events };
}

export interface MessagingContext {
  http: HttpSession;
  clock: Clock;
  log: Logger;
  language: string;
  /** The messages URL and CSRF token of the live session (throws when there is none). */
  session: () => { url: string; csrfToken: string };
  /** An authenticated call on the session (records the heartbeat's last-request time). */
  call: (method: string, path: string, json?: unknown, signal?: AbortSignal) => Promise<HttpResponse>;
  lastAuthenticatedAt: () => number;
  pollIntervalMs: number;
  onData: (data: string) => void;
  /** A 401 on the stream: the session is gone. */
  onUnauthorized: () => Promise<void>;
  /** The stream was reopened: events may have been missed. */
  onReopened: () => void;
}

/** [ICWS-15, ICWS-16] the messages resource of a session; the heartbeat option is asked for on it. */
export function messagesUrl(connection: { base: string; sessionId: string }, heartbeat: boolean): string {
  return `${connection.base}/icws/${connection.sessionId}/messaging/messages${heartbeat ? '?heartbeat=true' : ''}`;
}

/** Starts the loops of a transport: the event stream (plus heartbeats when asked) or short polling.
 *  They run until `signal` aborts; one that stops by itself is logged. */
export function runMessaging(ctx: MessagingContext, transport: 'sse' | 'polling', heartbeat: boolean, signal: AbortSignal): void {
  const loops = [transport === 'sse' ? runSse(ctx, signal) : runPolling(ctx, signal)];
  if (transport === 'sse' && heartbeat) loops.push(runHeartbeat(ctx, signal));
  for (const loop of loops) {
    loop.catch((error: unknown) => {
      if (!signal.aborted) ctx.log.warn('icws.messaging.stopped', { error });
    });
  }
}

/** A wait for the first message of a kind: `arrived` resolves true when `arrive` is called, false
 *  after `waitMs` on the clock; `done` runs either way (the caller forgets its `arrive`). */
export function waitForArrival(clock: Clock, waitMs: number, done: () => void): { arrived: Promise<boolean>; arrive: () => void } {
  let arrive = (): void => undefined;
  const arrived = new Promise<boolean>((resolve) => {
    const timer = clock.setTimeout(() => {
      done();
      resolve(false);
    }, waitMs);
    arrive = () => {
      timer.cancel();
      done();
      resolve(true);
    };
  });
  return { arrived, arrive };
}

/** [ICWS-16] POST …/messaging/heartbeat only when 90 s passed without another authenticated request. */
export async function runHeartbeat(ctx: MessagingContext, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const idle = ctx.clock.now() - ctx.lastAuthenticatedAt();
    if (idle < HEARTBEAT_INTERVAL_MS) {
      await ctx.clock.sleep(HEARTBEAT_INTERVAL_MS - idle, signal).catch(() => undefined);
      continue;
    }
    try {
      const res = await ctx.call('POST', '/messaging/heartbeat', undefined, signal);
      if (res.status !== 204 && res.status !== 200) ctx.log.info('icws.heartbeat.unexpected', { status: res.status });
    } catch (error) {
      if (signal.aborted) return;
      const typed = toPatchbayError(error);
      if (typed.code === 'icws.session.lost') return;
      ctx.log.info('icws.heartbeat.failed', { code: typed.code });
      await ctx.clock.sleep(STREAM_RETRY_MS[1]!, signal).catch(() => undefined);
    }
  }
}

/** [ICWS-15] server-sent events: one ICWS message JSON per event; reconnect the stream on errors. */
export async function runSse(ctx: MessagingContext, signal: AbortSignal): Promise<void> {
  let failures = 0;
  let reopened = false;
  while (!signal.aborted) {
    let watchdog: TimerHandle | undefined;
    try {
      const session = ctx.session();
      const stream = await ctx.http.stream({
        url: session.url,
        headers: { Accept: 'text/event-stream', 'Accept-Language': ctx.language, [CSRF_HEADER]: session.csrfToken },
        sensitiveHeaders: [CSRF_HEADER],
        followRedirects: false,
        signal,
      });
      if (stream.status === 401) {
        stream.close();
        await ctx.onUnauthorized();
        return;
      }
      if (stream.status !== 200) {
        stream.close();
        throw new PatchbayError('icws.messaging.failed', `The event stream answered ${stream.status}.`, { action: 'retry' });
      }
      failures = 0;
      // Events may have been missed while the stream was down: read the status again.
      if (reopened) ctx.onReopened();
      reopened = true;
      // A silent stream (no event, no ping) for SSE_STALL_MS is presumed dead (a NAT or proxy
      // dropped it without a FIN): reopen it rather than show a frozen status.
      const arm = () => {
        watchdog?.cancel();
        watchdog = ctx.clock.setTimeout(() => {
          ctx.log.info('icws.sse.stalled', { afterMs: SSE_STALL_MS });
          stream.close();
        }, SSE_STALL_MS);
      };
      arm();
      // Issue 8 item 12: per-event and per-buffer size caps; a breach (net.sse-too-large) closes the
      // stream and reopens it like any interruption.
      try {
        await readSse(stream.body, { host: new URL(session.url).host, onChunk: arm, onEvent: (data) => ctx.onData(data) });
      } finally {
        stream.close();
      }
    } catch (error) {
      if (signal.aborted) return;
      ctx.log.info('icws.sse.interrupted', { code: toPatchbayError(error).code });
    } finally {
      watchdog?.cancel();
    }
    if (signal.aborted) return;
    const delay = STREAM_RETRY_MS[Math.min(failures++, STREAM_RETRY_MS.length - 1)]!;
    await ctx.clock.sleep(delay, signal).catch(() => undefined);
  }
}

/** [ICWS-15] short polling: each GET resets the server's inactivity timer. */
export async function runPolling(ctx: MessagingContext, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const res = await ctx.call('GET', '/messaging/messages', undefined, signal);
      // An answer that lands after the session ended (sign-out, reconnect) is not delivered to it.
      if (res.status === 200 && !signal.aborted) ctx.onData(res.text());
    } catch (error) {
      if (signal.aborted) return;
      const typed = toPatchbayError(error);
      if (typed.code === 'icws.session.lost') return;
      ctx.log.info('icws.poll.failed', { code: typed.code });
    }
    await ctx.clock.sleep(ctx.pollIntervalMs, signal).catch(() => undefined);
  }
}
