// ICWS messaging on the lab: messages queue per session and leave either as server-sent events
// (messaging feature version 2+, `Accept: text/event-stream`) or by short polling [ICWS-15, ICWS-16].
import type { ServerResponse } from 'node:http';
import { firstHeader } from './http-io.ts';
import { reply, replyEmpty } from './request.ts';
import type { Ctx, SessionRoute } from './request.ts';
import type { Session } from './types.ts';

export const MSG_USER_STATUS = 'urn:inin.com:status:userStatusMessage';
export const MSG_CONNECTION_STATE = 'urn:inin.com:connection:connectionStateChangeMessage';
const MAX_QUEUED_MESSAGES = 1000;

export function writeEvent(res: ServerResponse, message: object): void {
  // One ICWS message per event; JSON.stringify never emits a raw newline, so one data line suffices.
  res.write(`data: ${JSON.stringify(message)}\n\n`);
}

export function push(session: Session, message: object): void {
  if (session.state !== 'up') return;
  if (session.sse) {
    writeEvent(session.sse, message);
    return;
  }
  session.queue.push(message);
  if (session.queue.length > MAX_QUEUED_MESSAGES) session.queue.shift();
}

export function closeStream(session: Session): void {
  if (session.pingTimer) clearInterval(session.pingTimer);
  session.pingTimer = null;
  const stream = session.sse;
  session.sse = null;
  if (stream && !stream.writableEnded) stream.end();
}

export interface MessagingConfig {
  messagingVersion: 1 | 2;
  ssePingIntervalMs: number;
  /** Resets the session's inactivity timer (sessions.ts). */
  touch(session: Session): void;
}

function getMessages(ctx: Ctx, session: Session, config: MessagingConfig): void {
  const accept = (firstHeader(ctx.req.headers.accept) ?? '').toLowerCase();
  if (accept.includes('text/event-stream') && config.messagingVersion >= 2) {
    openStream(ctx, session, config);
    return;
  }
  // Short polling: the queued messages, and the queue drains [ICWS-15, option 2].
  session.polled = true;
  const messages = session.queue;
  session.queue = [];
  reply(ctx, 200, messages);
}

function openStream(ctx: Ctx, session: Session, config: MessagingConfig): void {
  const heartbeat = ctx.url.searchParams.get('heartbeat');
  // One stream per session: a new one replaces the old.
  closeStream(session);
  session.heartbeatMode = heartbeat !== null && heartbeat !== 'false' && heartbeat !== '0';
  const res = ctx.res;
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  if (ctx.record) ctx.record.status = 200;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(':connected\n\n');
  session.sse = res;
  for (const message of session.queue) writeEvent(res, message);
  session.queue = [];
  session.pingTimer = setInterval(() => {
    if (!res.writableEnded) res.write(':ping\n\n');
  }, config.ssePingIntervalMs);
  session.pingTimer.unref();
  res.on('close', () => {
    if (session.sse !== res) return;
    closeStream(session);
    // [ICWS-15] without the stream the 2-minute clock runs again.
    config.touch(session);
  });
  config.touch(session);
}

/** GET …/messaging/messages (EventSource cannot send the CSRF header) and POST …/messaging/heartbeat. */
export function messagingRoutes(config: MessagingConfig): SessionRoute[] {
  return [
    { path: ['messaging', 'messages'], csrf: 'if-present', methods: { GET: (ctx, session) => getMessages(ctx, session, config) } },
    // seed 000, option 3: heartbeat → 204 [ICWS-16]
    { path: ['messaging', 'heartbeat'], methods: { POST: (ctx) => replyEmpty(ctx, 204) } },
  ];
}
