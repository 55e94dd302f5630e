// One XMPP connection over WebSocket with @xmpp/client (protocols/finesse.md §5). The library's own
// reconnect is switched off: NotificationChannel reconnects on the injected Clock, with a fresh
// password (SSO token) and possibly another node each time.
import { randomUUID } from 'node:crypto';
import { client, xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import type { Dispatcher } from 'undici';
import { PatchbayError } from '../../errors.ts';
import { isLoopbackHost, openWebSocket } from '../../net/websocket.ts';

export type { Element };
export { xml };

export interface XmppEndpoint {
  /** ws(s)://host:port/ws */
  service: string;
  /** The XMPP domain (SystemInfo xmppDomain). */
  domain: string;
  /** Local part of the JID (the agent id, lower-cased). */
  username: string;
  /** The password, or the SSO access token (SASL PLAIN, §5 INFERRED). */
  password: string;
  /** Any resource but `desktop`, which Finesse reserves for its own desktop (§5). */
  resource: string;
  /** The core's network set-up (CA bundle, proxy, TLS verification): PlatformContext.dispatcher. */
  dispatcher?: Dispatcher | undefined;
  /** A lab profile may use ws:// on any host; otherwise ws:// only to this computer. */
  allowCleartext?: boolean;
}

/** What NotificationChannel needs from a connection (tests provide fakes). */
export interface XmppLink {
  /** Resolves with the bound JID once online; rejects with a PatchbayError. */
  start(): Promise<string>;
  send(stanza: Element): Promise<void>;
  /** IQ get/set; resolves with the reply (result or error) stanza; never times out by itself. */
  request(stanza: Element): Promise<Element>;
  onStanza(listener: (stanza: Element) => void): void;
  /** Called once when the connection ends for any reason other than stop(). */
  onDown(listener: (error: PatchbayError) => void): void;
  stop(): Promise<void>;
}

export type XmppLinkFactory = (endpoint: XmppEndpoint) => XmppLink;

const SASL_NS = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** The real link: @xmpp/client over undici's WebSocket on the core's dispatcher (issue 8 item 5),
 *  not Node's global WebSocket and dispatcher. */
export const createXmppLink: XmppLinkFactory = (endpoint) => {
  if (endpoint.resource.toLowerCase() === 'desktop') {
    throw new PatchbayError('finesse.xmpp.bad-resource', 'The XMPP resource "desktop" is reserved by Finesse.', { action: 'contact-it' });
  }
  const xmpp = client({
    service: endpoint.service,
    domain: endpoint.domain,
    resource: endpoint.resource,
    // SASL PLAIN when offered (the SSO token is a bearer secret, not a SCRAM password), else the
    // server's first supported mechanism; never ANONYMOUS.
    credentials: async (authenticate: (c: { username: string; password: string }, mechanism: string) => Promise<void>, mechanisms: string[]) => {
      const mechanism = mechanisms.includes('PLAIN') ? 'PLAIN' : mechanisms.find((m) => m !== 'ANONYMOUS');
      if (!mechanism) throw new PatchbayError('finesse.xmpp.no-mechanism', 'The notification server offers no usable sign-in method.', { action: 'contact-it' });
      await authenticate({ username: endpoint.username, password: endpoint.password }, mechanism);
    },
  } as Parameters<typeof client>[0]);
  xmpp.reconnect.stop();
  useCoreWebSocket(xmpp, endpoint);
  let stopping = false;
  let downFired = false;
  let online = false;
  const downListeners: ((error: PatchbayError) => void)[] = [];
  // @xmpp/iq never settles a request whose connection went away: its 24 h timer and closure would stay
  // behind after every drop (bench/shift-soak: +1 timer per XMPP drop). Reject them when the link goes.
  const iqHandlers = (xmpp.iqCaller as unknown as { handlers: Map<string, { reject(error: unknown): void }> }).handlers;
  const pendingIq = new Set<string>();
  const failPendingIq = (error: PatchbayError) => {
    for (const id of pendingIq) iqHandlers.get(id)?.reject(error);
    pendingIq.clear();
  };
  const fireDown = (error: PatchbayError) => {
    failPendingIq(error);
    if (stopping || downFired || !online) return;
    downFired = true;
    for (const l of downListeners) l(error);
  };
  const host = safeHost(endpoint.service);
  // @xmpp/connection's own start() creates its 'online' promise before opening the stream and, when
  // the stream fails to open, leaves it rejected with nobody listening: an unhandled rejection that
  // would take the main process down. The same steps, with that promise observed.
  const connection = xmpp as unknown as {
    status: string;
    options: { service: string; domain: string; lang?: string };
    connect(service: string): Promise<unknown>;
    open(options: { domain: string; lang?: string }): Promise<unknown>;
  };
  const startHandled = async (): Promise<{ toString(): string }> => {
    if (connection.status !== 'offline') throw new Error('Connection is not offline');
    const { service, domain, lang } = connection.options;
    await connection.connect(service);
    const online = new Promise<{ toString(): string }>((resolve, reject) => {
      const onOnline = (jid: { toString(): string }) => {
        xmpp.removeListener('error', onError);
        resolve(jid);
      };
      const onError = (error: unknown) => {
        xmpp.removeListener('online', onOnline);
        reject(error);
      };
      xmpp.once('online', onOnline);
      xmpp.once('error', onError);
    });
    online.catch(() => undefined);
    await connection.open({ domain, ...(lang ? { lang } : {}) });
    return online;
  };
  xmpp.on('error', (error: unknown) => {
    fireDown(transportError(error, host));
  });
  xmpp.on('disconnect', () => {
    fireDown(new PatchbayError('finesse.xmpp.disconnected', `The notification connection to ${host} closed.`, { action: 'retry', details: { host } }));
  });
  xmpp.on('offline', () => {
    fireDown(new PatchbayError('finesse.xmpp.disconnected', `The notification connection to ${host} closed.`, { action: 'retry', details: { host } }));
  });
  return {
    async start() {
      try {
        const jid = await startHandled();
        online = true;
        return jid.toString();
      } catch (error) {
        stopping = true;
        await xmpp.stop().catch(() => undefined);
        // Our own refusals (no usable SASL mechanism, ws:// to another computer) keep their code and
        // action: as "cannot open, retry" NotificationChannel would reconnect to them for ever.
        throw error instanceof PatchbayError ? error : startError(error, host);
      }
    },
    async send(stanza) {
      await xmpp.send(stanza);
    },
    request(stanza) {
      const id = (stanza.attrs.id ??= randomUUID()) as string;
      pendingIq.add(id);
      // Our own timeout (on the Clock) governs; the library's is set out of the way.
      return xmpp.iqCaller
        .request(stanza, 24 * 3600_000)
        .catch((error: unknown) => {
          // @xmpp/iq rejects an error reply with the <error/> child as `element`: answer with its IQ, the reply itself.
          const element = (error as { element?: Element }).element;
          if ((error as { name?: string }).name === 'StanzaError') return element?.parent ?? xml('iq', { type: 'error' });
          throw error;
        })
        .finally(() => pendingIq.delete(id));
    },
    onStanza(listener) {
      xmpp.on('stanza', listener);
    },
    onDown(listener) {
      downListeners.push(listener);
    },
    async stop() {
      stopping = true;
      failPendingIq(new PatchbayError('finesse.xmpp.disconnected', `The notification connection to ${host} closed.`, { action: 'none', details: { host } }));
      try {
        await xmpp.stop();
      } catch {
        // Closing a connection that is already gone.
      }
    },
  };
};

function safeHost(service: string): string {
  try {
    return new URL(service).host;
  } catch {
    return 'the notification server';
  }
}

function transportError(error: unknown, host: string): PatchbayError {
  return new PatchbayError('finesse.xmpp.failed', `The notification connection to ${host} failed.`, { action: 'retry', cause: error, details: { host } });
}

function startError(error: unknown, host: string): PatchbayError {
  const e = error as { name?: string; condition?: string; element?: Element };
  if (e?.name === 'SASLError' || e?.element?.getNS?.() === SASL_NS) {
    // The server refused the password or token: not worth hammering.
    return new PatchbayError('finesse.xmpp.auth-failed', `The notification server at ${host} refused the sign-in (${e.condition ?? 'not-authorized'}).`, {
      action: 'sign-in-again',
      details: { host, condition: e.condition },
    });
  }
  return new PatchbayError('finesse.xmpp.unreachable', `Cannot open the notification connection to ${host}.`, { action: 'retry', cause: error, details: { host } });
}

interface SocketLike {
  url: string | null;
  secure: boolean;
  _attachSocket(socket: unknown): void;
}
type SocketClass = new () => SocketLike;
type TransportClass = (new (...args: never[]) => unknown) & { prototype: { Socket: SocketClass; socketParameters(service: string): unknown } };

/** @xmpp/websocket opens `new WebSocket(url, ['xmpp'])` on the global: keep only its transport, with
 *  a Socket that opens the WebSocket through the core's network set-up instead. */
function useCoreWebSocket(xmpp: unknown, endpoint: XmppEndpoint): void {
  const entity = xmpp as { transports: TransportClass[] };
  const ws = entity.transports.find((T) => {
    try {
      return T.prototype.socketParameters('wss://probe.invalid/ws') !== undefined;
    } catch {
      return false;
    }
  });
  if (!ws) throw new PatchbayError('finesse.xmpp.no-transport', 'The notification client has no WebSocket transport.', { action: 'contact-it' });
  const Base = ws.prototype.Socket;
  class CoreSocket extends Base {
    connect(url: string): void {
      this.url = url;
      // As @xmpp/websocket decides it: TLS, or this computer (SASL PLAIN is allowed then).
      this.secure = url.startsWith('wss:') || isLoopbackHost(safeHostname(url));
      this._attachSocket(openWebSocket(url, { dispatcher: endpoint.dispatcher, protocols: ['xmpp'], allowCleartext: endpoint.allowCleartext === true }));
    }
  }
  class CoreTransport extends (ws as unknown as new (...args: never[]) => object) {}
  (CoreTransport.prototype as { Socket: SocketClass }).Socket = CoreSocket;
  entity.transports = [CoreTransport as unknown as TransportClass];
}

function safeHostname(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
