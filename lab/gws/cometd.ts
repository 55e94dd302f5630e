// GWS notifications: a real Bayeux server (faye) at /api/v2/notifications, long-polling only (GWS
// 8.5.2 documents no WebSocket transport), with the server's own auth checks (gws.md §3):
// - every message must come with the JSESSIONID of an authenticated session (else `403::…`, advice
//   reconnect none: an invalidated session ends the client instead of looping);
// - with cometdCsrf, the session's CSRF token in X-CSRF-TOKEN on every POST (unconfirmed in the docs,
//   so a lab option);
// - a client id stays bound to the session that handshook it;
// - clients subscribe to /v2/me/… and receive only their own agent's events: the lab maps those
//   channels to private ones (/u/<agent id>/v2/me/…) and back, so faye never mixes agents.
import type { IncomingMessage, ServerResponse } from 'node:http';
import faye from 'faye';
import type { BayeuxMessage } from 'faye';
import { firstHeader } from '../http-io.ts';
import { cookieSession } from './auth.ts';
import { CSRF_HEADER_NAME, CSRF_MESSAGE } from './http.ts';
import type { AgentRecord, ChangeEvent, GwsStore } from './store.ts';

export const NOTIFICATIONS_PATH = '/api/v2/notifications';
const PRIVATE = /^\/u\/[A-Za-z0-9]+(?=\/)/;

export interface CometdOptions {
  store: GwsStore;
  csrf(): boolean;
  /** Long-poll hold time in seconds (faye `timeout`). */
  timeoutSeconds?: number;
}

export interface CometdRecord {
  time: string;
  channel: string;
  clientId?: string;
  successful?: boolean;
  error?: string;
}

export interface LabCometd {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Fault control: cut every long poll and forget every client (clients must handshake again). */
  drop(): void;
  /** Live client ids and the user each belongs to. */
  clients(): { clientId: string; userName: string }[];
  /** Meta replies and errors, oldest first (no cookies, no tokens). */
  readonly log: CometdRecord[];
  close(): void;
}

function channelsPayload(agent: AgentRecord): unknown[] {
  return [...agent.channels.values()].map((c) => ({ channel: c.channel, userState: { ...c.userState }, activity: c.activity }));
}

/** The messages published for one change (gws.md §3 envelopes). */
export function notificationsFor(event: ChangeEvent, devicesOf: (agent: AgentRecord) => unknown[]): { channel: string; data: Record<string, unknown> }[] {
  if (event.kind === 'channels') {
    return [
      { channel: '/v2/me/channels', data: { messageType: 'ChannelStateChangeMessage', channels: channelsPayload(event.agent) } },
      { channel: '/v2/me/devices', data: { messageType: 'DeviceStateChangeMessage', devices: devicesOf(event.agent) } },
    ];
  }
  if (event.kind === 'call') {
    return [{ channel: '/v2/me/calls', data: { messageType: 'CallStateChangeMessage', notificationType: event.notificationType, call: event.call } }];
  }
  return [];
}

export function createCometd(options: CometdOptions, devicesOf: (agent: AgentRecord) => unknown[]): LabCometd {
  const { store } = options;
  const bayeux = new faye.NodeAdapter({ mount: NOTIFICATIONS_PATH, timeout: options.timeoutSeconds ?? 20 });
  /** clientId → the session and agent that handshook it. */
  const bound = new Map<string, { sessionId: string; userName: string; agentId: string }>();
  const dropped = new Set<string>();
  /** Long polls in flight: request → the client ids whose /meta/connect it carries. */
  const inflight = new Map<IncomingMessage, Set<string>>();
  const log: CometdRecord[] = [];

  const remember = (m: BayeuxMessage): void => {
    log.push({ time: new Date().toISOString(), channel: m.channel, ...(m.clientId ? { clientId: m.clientId } : {}), ...(m.successful === undefined ? {} : { successful: m.successful }), ...(m.error ? { error: m.error } : {}) });
    if (log.length > 500) log.shift();
  };

  bayeux.addExtension({
    incoming(message, request, callback) {
      if (request === null) return callback(message); // the lab's own publisher
      const session = cookieSession(request, store);
      if (!session) {
        message.error = '403::Not authenticated';
        return callback(message);
      }
      if (options.csrf() && request.method === 'POST' && firstHeader(request.headers[CSRF_HEADER_NAME.toLowerCase()]) !== session.csrfToken) {
        message.error = `403::${CSRF_MESSAGE}`;
        return callback(message);
      }
      if (message.channel === '/meta/handshake') return callback(message);
      const clientId = message.clientId ?? '';
      if (dropped.has(clientId)) {
        message.error = `401:${clientId}:Unknown client`;
        return callback(message);
      }
      const binding = bound.get(clientId);
      if (binding && binding.sessionId !== session.id) {
        message.error = '403::Client belongs to another session';
        return callback(message);
      }
      if (message.channel === '/meta/connect') inflight.get(request)?.add(clientId);
      if (message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') {
        const wanted = [message.subscription ?? []].flat();
        const refused = wanted.find((s) => !/^\/v2\/me\/[A-Za-z0-9*_-]+$/.test(s));
        if (refused !== undefined || !binding) {
          message.error = `403:${refused ?? ''}:Forbidden channel`;
          return callback(message);
        }
        const mapped = wanted.map((s) => `/u/${binding.agentId}${s}`);
        message.subscription = Array.isArray(message.subscription) ? mapped : mapped[0];
        return callback(message);
      }
      if (!message.channel.startsWith('/meta/') && !message.channel.startsWith('/service/')) {
        message.error = `403:${message.channel}:Publishing is not allowed`;
      }
      callback(message);
    },
    outgoing(message, request, callback) {
      if (request === null) return callback(message);
      if (message.channel === '/meta/handshake' && message.successful && message.clientId) {
        const session = cookieSession(request, store);
        const agent = session ? store.agent(session.userName) : undefined;
        if (session && agent) bound.set(message.clientId, { sessionId: session.id, userName: session.userName, agentId: agent.id });
        message.supportedConnectionTypes = ['long-polling'];
      }
      if (message.error?.startsWith('403')) message.advice = { reconnect: 'none' };
      if (message.subscription !== undefined) {
        const strip = (s: string) => s.replace(PRIVATE, '');
        message.subscription = Array.isArray(message.subscription) ? message.subscription.map(strip) : strip(message.subscription);
      }
      if (PRIVATE.test(message.channel)) message.channel = message.channel.replace(PRIVATE, '');
      if (message.channel.startsWith('/meta/')) remember(message);
      callback(message);
    },
  });

  const publisher = bayeux.getClient();
  const unsubscribe = store.onChange((event) => {
    if (event.kind === 'session-ended') {
      // The server forgets the session's clients; their long polls end now.
      for (const [clientId, b] of bound) if (b.sessionId === event.session.id) cut(clientId);
      return;
    }
    for (const n of notificationsFor(event, devicesOf)) publisher.publish(`/u/${event.agent.id}${n.channel}`, n.data);
  });

  function cut(clientId: string): void {
    bound.delete(clientId);
    dropped.add(clientId);
    for (const [req, ids] of inflight) if (ids.has(clientId)) req.socket.destroy();
  }

  return {
    handle(req, res) {
      // Long-polling is POST (GWS 8.5.2); no JSONP/EventSource/WebSocket.
      if (req.method !== 'POST') {
        req.resume();
        res.writeHead(400, { 'Content-Type': 'text/plain', 'Content-Length': '20' }).end('Use Bayeux over POST');
        return;
      }
      inflight.set(req, new Set());
      res.on('close', () => inflight.delete(req));
      bayeux.handle(req, res);
    },
    drop() {
      for (const clientId of [...bound.keys()]) cut(clientId);
      for (const req of inflight.keys()) req.socket.destroy();
    },
    clients: () => [...bound].map(([clientId, b]) => ({ clientId, userName: b.userName })),
    log,
    close() {
      unsubscribe();
      for (const req of inflight.keys()) req.socket.destroy();
      publisher.disconnect();
      bayeux.close();
    },
  };
}
