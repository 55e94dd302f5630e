// The Finesse notification service of one node: XMPP over WebSocket (RFC 7395 framing) with just what
// a Finesse client uses — SASL PLAIN (RFC 4616), resource binding, session, presence, XEP-0199 ping and
// XEP-0060 pubsub events from the auto-subscribed nodes (shared/protocols/finesse.md §5). Production:
// wss://<fqdn>:8445/ws (7443 on 12.0/12.5); the lab serves ws:// on the node's own port.
// Wire details (namespaces, frame parsing, PLAIN, stanza builders) live in xmpp-wire.ts.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createElement } from 'ltx';
import type { Element } from 'ltx';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import {
  NS_BIND,
  NS_CLIENT,
  NS_FRAMING,
  NS_PING,
  NS_PUBSUB,
  NS_ROSTER,
  NS_SASL,
  NS_SESSION,
  NS_STREAM,
  closeElement,
  decodePlain,
  id,
  iqErrorElement,
  iqResultElement,
  parseFrame,
  pubsubEventMessage,
  streamErrorElement,
} from './xmpp-wire.ts';

export type XmppAuthResult = { ok: true; loginId: string } | { ok: false };

export interface XmppServiceOptions {
  nodeName: string;
  domain: string;
  pubsubDomain: string;
  /** SASL PLAIN check: the user's password (NON_SSO) or access token (SSO). */
  authenticate(authcid: string, password: string): XmppAuthResult;
  /** Nodes a user is subscribed to from the start (finesse.md §5 "auto-subscribed nodes"). */
  autoSubscriptions(loginId: string): string[];
  /** Presence of some session of this user changed (forced-logout rule). */
  onPresenceChange(loginId: string): void;
  /** A session without any inbound frame for this long counts as dead (crashed client). */
  idleTimeoutMs: number;
  maxFrameBytes?: number;
}

export interface XmppSessionSummary {
  node: string;
  streamId: string;
  loginId?: string;
  jid?: string;
  available: boolean;
  phase: Phase;
  subscriptions: string[];
}

type Phase = 'await-open' | 'await-auth' | 'await-restart' | 'authenticated' | 'closed';

interface Session {
  ws: WebSocket;
  streamId: string;
  phase: Phase;
  loginId?: string;
  resource?: string;
  bound: boolean;
  available: boolean;
  sentFinessePresence: boolean;
  authFailures: number;
  subscriptions: Set<string>;
  idleTimer: NodeJS.Timeout | null;
}

export class XmppService {
  private readonly options: XmppServiceOptions;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();

  constructor(options: XmppServiceOptions) {
    this.options = options;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes ?? 256 * 1024,
      handleProtocols: (protocols) => (protocols.has('xmpp') ? 'xmpp' : false),
    });
  }

  /** HTTP upgrade on `/ws` (or `/ws/`, as the Finesse desktop's EventTunnel writes it). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!offered.includes('xmpp')) {
      // RFC 7395 §3.1: the 'xmpp' subprotocol is mandatory.
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const session: Session = {
      ws,
      streamId: id(),
      phase: 'await-open',
      bound: false,
      available: false,
      sentFinessePresence: false,
      authFailures: 0,
      subscriptions: new Set(),
      idleTimer: null,
    };
    this.sessions.add(session);
    this.touch(session);
    ws.on('message', (data, isBinary) => {
      this.touch(session);
      if (isBinary) {
        this.streamError(session, 'unsupported-encoding');
        return;
      }
      this.onFrame(session, Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    });
    ws.on('close', () => this.gone(session));
    ws.on('error', () => this.gone(session));
  }

  private touch(session: Session): void {
    if (session.idleTimer !== null) clearTimeout(session.idleTimer);
    session.idleTimer = setTimeout(() => {
      // No frame for the idle timeout: the client is presumed dead (browser crash, network loss).
      session.ws.terminate();
      this.gone(session);
    }, this.options.idleTimeoutMs);
    session.idleTimer.unref();
  }

  private gone(session: Session): void {
    if (session.phase === 'closed') return;
    const wasAvailable = session.available;
    session.phase = 'closed';
    session.available = false;
    if (session.idleTimer !== null) clearTimeout(session.idleTimer);
    this.sessions.delete(session);
    if (wasAvailable && session.loginId !== undefined) this.options.onPresenceChange(session.loginId);
  }

  private send(session: Session, element: Element): void {
    if (session.ws.readyState === session.ws.OPEN) session.ws.send(element.toString());
  }

  private streamError(session: Session, condition: string): void {
    this.send(session, streamErrorElement(condition));
    this.send(session, closeElement());
    session.ws.close(1000);
    this.gone(session);
  }

  private onFrame(session: Session, text: string): void {
    if (session.phase === 'closed') return;
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      this.streamError(session, parsed.condition);
      return;
    }
    const el = parsed.element;
    if (el.is('open', NS_FRAMING)) {
      this.onOpen(session, el);
      return;
    }
    if (el.is('close', NS_FRAMING)) {
      this.send(session, closeElement());
      session.ws.close(1000);
      this.gone(session);
      return;
    }
    if (session.phase === 'await-open' || session.phase === 'await-restart') {
      this.streamError(session, 'not-authorized');
      return;
    }
    if (session.phase === 'await-auth') {
      if (el.is('auth', NS_SASL)) this.onAuth(session, el);
      else this.streamError(session, 'not-authorized');
      return;
    }
    if (el.name === 'iq') this.onIq(session, el);
    else if (el.name === 'presence') this.onPresence(session, el);
    // Messages from the client are accepted and dropped (Finesse clients do not send any).
  }

  private onOpen(session: Session, el: Element): void {
    const to = String(el.attrs['to'] ?? '').toLowerCase();
    if (session.phase !== 'await-open' && session.phase !== 'await-restart') {
      this.streamError(session, 'invalid-xml');
      return;
    }
    const open = createElement('open', { xmlns: NS_FRAMING, from: this.options.domain, id: session.streamId, version: '1.0', 'xml:lang': 'en' });
    if (to !== this.options.domain.toLowerCase()) {
      // RFC 6120 §4.9.3.6: the JID domain must be the XMPP domain SystemInfo names.
      this.send(session, open);
      this.streamError(session, 'host-unknown');
      return;
    }
    if (el.attrs['version'] !== '1.0') {
      this.send(session, open);
      this.streamError(session, 'unsupported-version');
      return;
    }
    this.send(session, open);
    const features = createElement('stream:features', { 'xmlns:stream': NS_STREAM });
    if (session.phase === 'await-open') {
      features.c('mechanisms', { xmlns: NS_SASL }).c('mechanism').t('PLAIN');
      session.phase = 'await-auth';
    } else {
      features.c('bind', { xmlns: NS_BIND });
      features.c('session', { xmlns: NS_SESSION }).c('optional');
      session.phase = 'authenticated';
    }
    this.send(session, features);
  }

  /** RFC 4616 PLAIN: [authzid] NUL authcid NUL passwd. The authcid is the Finesse user id (loginId). */
  private onAuth(session: Session, el: Element): void {
    const failure = (condition: string): void => {
      session.authFailures += 1;
      this.send(session, createElement('failure', { xmlns: NS_SASL }, createElement(condition)));
      if (session.authFailures >= 3) this.streamError(session, 'policy-violation');
    };
    if (el.attrs['mechanism'] !== 'PLAIN') {
      failure('invalid-mechanism');
      return;
    }
    const plain = decodePlain(el.getText(), this.options.domain);
    if (!plain.ok) {
      failure(plain.condition);
      return;
    }
    const result = this.options.authenticate(plain.authcid, plain.password);
    if (!result.ok) {
      failure('not-authorized');
      return;
    }
    session.loginId = result.loginId;
    session.phase = 'await-restart';
    for (const node of this.options.autoSubscriptions(result.loginId)) session.subscriptions.add(node);
    this.send(session, createElement('success', { xmlns: NS_SASL }));
  }

  private localpart(session: Session): string {
    return (session.loginId ?? '').toLowerCase();
  }

  private bareJid(session: Session): string {
    return `${this.localpart(session)}@${this.options.domain}`;
  }

  private fullJid(session: Session): string {
    return `${this.bareJid(session)}/${session.resource ?? ''}`;
  }

  private iqResult(session: Session, iq: Element, from: string | undefined, child?: Element): void {
    this.send(session, iqResultElement(iq, from, session.bound ? this.fullJid(session) : undefined, child));
  }

  private iqError(session: Session, iq: Element, type: 'cancel' | 'modify' | 'auth', condition: string): void {
    this.send(session, iqErrorElement(iq, type, condition));
  }

  /** Fault: a hung server that reads requests and answers none (the connection stays open). */
  silent = false;

  private onIq(session: Session, iq: Element): void {
    const type = iq.attrs['type'];
    if (type === 'result' || type === 'error') return; // answers to nothing we asked
    if (this.silent && session.bound) return;
    if ((type !== 'get' && type !== 'set') || typeof iq.attrs['id'] !== 'string' || iq.children.filter((c) => typeof c !== 'string').length !== 1) {
      this.iqError(session, iq, 'modify', 'bad-request');
      return;
    }
    const bind = iq.getChild('bind', NS_BIND);
    if (bind !== undefined && type === 'set') {
      this.onBind(session, iq, bind);
      return;
    }
    if (!session.bound) {
      // RFC 6120 §7.1: stanzas other than bind wait for a bound resource.
      this.iqError(session, iq, 'auth', 'not-authorized');
      return;
    }
    const to = typeof iq.attrs['to'] === 'string' ? iq.attrs['to'].toLowerCase() : undefined;
    const domain = this.options.domain.toLowerCase();
    if (iq.getChild('session', NS_SESSION) !== undefined && type === 'set') {
      this.iqResult(session, iq, undefined);
      return;
    }
    if (iq.getChild('ping', NS_PING) !== undefined && type === 'get') {
      this.iqResult(session, iq, to === undefined ? undefined : String(iq.attrs['to']));
      return;
    }
    if (iq.getChild('query', NS_ROSTER) !== undefined && type === 'get' && (to === undefined || to === this.bareJid(session))) {
      const query = createElement('query', { xmlns: NS_ROSTER });
      query.c('item', { jid: `finesse@${this.options.domain}`, subscription: 'both' });
      this.iqResult(session, iq, undefined, query);
      return;
    }
    const pubsub = iq.getChild('pubsub', NS_PUBSUB);
    if (pubsub !== undefined && to === this.options.pubsubDomain.toLowerCase()) {
      this.onPubsub(session, iq, pubsub, type);
      return;
    }
    if (to !== undefined && to !== domain && to !== this.options.pubsubDomain.toLowerCase() && !to.startsWith(`${this.bareJid(session)}`)) {
      this.iqError(session, iq, 'cancel', 'service-unavailable');
      return;
    }
    this.iqError(session, iq, 'cancel', type === 'get' ? 'service-unavailable' : 'feature-not-implemented');
  }

  private onBind(session: Session, iq: Element, bind: Element): void {
    if (session.bound) {
      this.iqError(session, iq, 'cancel', 'not-allowed');
      return;
    }
    let resource = bind.getChildText('resource')?.trim() ?? '';
    if (resource === '') resource = `lab-${id()}`;
    // finesse.md §5: 'desktop' is the Finesse desktop's own resource; a client using it would evict it.
    if (resource === 'desktop' || resource.length > 1023) {
      this.iqError(session, iq, 'modify', 'not-allowed');
      return;
    }
    for (const other of this.sessions) {
      if (other !== session && other.bound && other.loginId === session.loginId && other.resource === resource) {
        // RFC 6120 §7.7.2.2: the server may terminate the older session with a conflict.
        this.streamError(other, 'conflict');
      }
    }
    session.resource = resource;
    session.bound = true;
    this.iqResult(session, iq, undefined, createElement('bind', { xmlns: NS_BIND }, createElement('jid', {}, this.fullJid(session))));
  }

  private onPubsub(session: Session, iq: Element, pubsub: Element, type: 'get' | 'set'): void {
    const subscriptions = pubsub.getChild('subscriptions');
    if (subscriptions !== undefined && type === 'get') {
      const list = createElement('subscriptions');
      for (const node of session.subscriptions) list.c('subscription', { node, jid: this.bareJid(session), subscription: 'subscribed' });
      this.iqResult(session, iq, this.options.pubsubDomain, createElement('pubsub', { xmlns: NS_PUBSUB }, list));
      return;
    }
    const subscribe = pubsub.getChild('subscribe');
    const unsubscribe = pubsub.getChild('unsubscribe');
    const request = subscribe ?? unsubscribe;
    if (request !== undefined && type === 'set') {
      const node = String(request.attrs['node'] ?? '');
      const jid = String(request.attrs['jid'] ?? '').toLowerCase();
      if (node === '' || (jid !== this.bareJid(session) && jid !== this.fullJid(session).toLowerCase())) {
        this.iqError(session, iq, 'modify', 'bad-request');
        return;
      }
      if (subscribe !== undefined) {
        session.subscriptions.add(node);
        this.iqResult(session, iq, this.options.pubsubDomain, createElement('pubsub', { xmlns: NS_PUBSUB }, createElement('subscription', { node, jid: this.bareJid(session), subscription: 'subscribed' })));
      } else {
        session.subscriptions.delete(node);
        this.iqResult(session, iq, this.options.pubsubDomain);
      }
      return;
    }
    this.iqError(session, iq, 'cancel', 'feature-not-implemented');
  }

  private onPresence(session: Session, presence: Element): void {
    if (!session.bound || typeof presence.attrs['to'] === 'string') return; // directed presence: ignored
    const type = presence.attrs['type'];
    if (type === undefined) {
      const first = !session.available;
      session.available = true;
      if (first && session.loginId !== undefined) this.options.onPresenceChange(session.loginId);
      if (!session.sentFinessePresence) {
        // [ET] the Finesse desktop counts itself connected once presence from finesse@<domain>
        // arrives (Openfire sends subscribed contacts' presence on initial presence).
        session.sentFinessePresence = true;
        this.send(session, createElement('presence', { xmlns: NS_CLIENT, from: `finesse@${this.options.domain}/finesse`, to: this.fullJid(session) }));
      }
      return;
    }
    if (type === 'unavailable' && session.available) {
      session.available = false;
      if (session.loginId !== undefined) this.options.onPresenceChange(session.loginId);
    }
  }

  /** Pubsub event to every available, bound session of the user subscribed to the node ([POK] envelope). */
  deliver(loginId: string, node: string, updateXml: string): number {
    let delivered = 0;
    for (const session of this.sessions) {
      if (session.loginId !== loginId || !session.bound || !session.available || !session.subscriptions.has(node)) continue;
      this.send(session, pubsubEventMessage(this.options.pubsubDomain, this.bareJid(session), node, updateXml));
      delivered += 1;
    }
    return delivered;
  }

  availableCount(loginId: string): number {
    let count = 0;
    for (const session of this.sessions) if (session.loginId === loginId && session.available) count += 1;
    return count;
  }

  connectedUsers(): Set<string> {
    const users = new Set<string>();
    for (const session of this.sessions) if (session.loginId !== undefined && session.bound) users.add(session.loginId);
    return users;
  }

  summaries(): XmppSessionSummary[] {
    return [...this.sessions].map((s) => ({
      node: this.options.nodeName,
      streamId: s.streamId,
      ...(s.loginId === undefined ? {} : { loginId: s.loginId }),
      ...(s.bound ? { jid: this.fullJid(s) } : {}),
      available: s.available,
      phase: s.phase,
      subscriptions: [...s.subscriptions],
    }));
  }

  /** Fault: cut every connection without a closing frame (a network blip). */
  dropAll(): number {
    const all = [...this.sessions];
    for (const session of all) {
      session.ws.terminate();
      this.gone(session);
    }
    return all.length;
  }

  /** Orderly shutdown: `<close/>` then a WebSocket close (system-shutdown stream error first). */
  closeAll(condition: 'system-shutdown' | undefined = 'system-shutdown'): void {
    for (const session of [...this.sessions]) {
      if (condition !== undefined) this.streamError(session, condition);
      else session.ws.terminate();
      this.gone(session);
    }
  }
}
