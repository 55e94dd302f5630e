// A scripted Finesse for unit tests of the adapter's flow (no sockets): an HttpSession stand-in that
// routes requests to per-node handlers, and XMPP links that receive the notifications a state change
// produces. It follows protocols/finesse.md as the test reads it; the real wire is tested against
// the lab (test/integration/finesse) and Prosody (test/integration/xmpp).
import { CookieJar } from 'tough-cookie';
import type { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import { xml, type Element, type XmppEndpoint, type XmppLink } from '../../../../../main/core/platforms/finesse/xmpp-link.ts';

export interface FakeUser {
  loginId: string;
  loginName: string;
  password: string;
  authMode: 'SSO' | 'NON_SSO';
  state: string;
  extension?: string;
  reasonCodeId?: string;
}

export interface RecordedRequest {
  at: number;
  node: string;
  method: string;
  path: string;
  authorization?: string;
  body?: string;
  /** For Bearer requests: was the token still valid when it arrived? */
  tokenValid?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class FakeFinesse {
  readonly clock: FakeClock;
  readonly nodes = new Map<string, { up: boolean; status: string }>();
  systemAuthMode = 'NON_SSO';
  deploymentType = 'UCCE';
  userAuthModeEnabled = true;
  readonly users: FakeUser[] = [];
  notReadyCodes = [
    { id: '11', label: 'Lunch' },
    { id: '12', label: 'Meeting' },
  ];
  logoutCodes = [{ id: '21', label: 'End of shift' }];
  readonly requests: RecordedRequest[] = [];
  readonly links: FakeLink[] = [];
  /** Access tokens → expiry (ms); refresh tokens → expiry. */
  readonly tokens = new Map<string, number>();
  readonly refreshTokens = new Map<string, number>();
  /** The next state change fails asynchronously with this CTI error. */
  asyncErrorNext: string | undefined;
  /** Refresh form the server refuses (405), to prove the other documented form is used. */
  refuseRefreshMethod: 'POST' | 'GET' | undefined;
  readonly cookiesSet: { header: string; url: string }[] = [];
  /** SystemInfo's primaryNode/secondaryNode hosts (§5 failover), when set. */
  systemInfoNodes: { primary?: string; secondary?: string; httpsPort?: number } | undefined;
  /** State changes get no notification (the 202 alone). */
  silentChanges = false;
  /** State changes are answered 202 and then nothing happens at all. */
  ignoreChanges = false;
  announces = true;
  private seq = 0;

  private systemInfoNodesXml(): string {
    const n = this.systemInfoNodes;
    if (!n) return '';
    const node = (tag: string, host: string | undefined) => (host ? `<${tag}><host>${esc(host)}</host>${n.httpsPort ? `<httpsPort>${n.httpsPort}</httpsPort>` : ''}</${tag}>` : '');
    return node('primaryNode', n.primary) + node('secondaryNode', n.secondary);
  }

  constructor(clock: FakeClock, nodes: string[]) {
    this.clock = clock;
    for (const n of nodes) this.nodes.set(n, { up: true, status: 'IN_SERVICE' });
  }

  issueToken(lifetimeMs = 300_000, refreshLifetimeMs = 7_200_000): { token: string; refresh: string } {
    const token = `tok-${++this.seq}`;
    const refresh = `ref-${this.seq}`;
    this.tokens.set(token, this.clock.now() + lifetimeMs);
    this.refreshTokens.set(refresh, this.clock.now() + refreshLifetimeMs);
    return { token, refresh };
  }

  tokenJson(lifetimeMs = 300_000, userId = 'sjefferson'): string {
    const { token, refresh } = this.issueToken(lifetimeMs);
    return JSON.stringify({ token, refresh_token: refresh, expires_in: lifetimeMs / 1000, user_id: userId, realm: 'finesse.com', user_principal: `${userId}@finesse.com` });
  }

  userByAny(id: string): FakeUser | undefined {
    return this.users.find((u) => u.loginId === id || u.loginName.toLowerCase() === id.toLowerCase());
  }

  // ------------------------------------------------------------------ HTTP
  readonly http = {
    jar: new CookieJar(),
    request: (req: HttpRequest) => this.handle(req),
    setCookie: async (header: string, url: string | URL) => {
      this.cookiesSet.push({ header, url: String(url) });
      return true;
    },
    clearCookies: async () => undefined,
    cookieHeader: async () => '',
    cookiePairs: async () => [],
  } as unknown as HttpSession;

  private async handle(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(String(req.url));
    const node = url.origin;
    const state = this.nodes.get(node);
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const authorization = headers.authorization;
    const rec: RecordedRequest = { at: this.clock.now(), node, method, path: url.pathname + url.search, ...(authorization ? { authorization } : {}), ...(typeof req.body === 'string' ? { body: req.body } : {}) };
    if (authorization?.startsWith('Bearer ')) {
      const exp = this.tokens.get(authorization.slice(7));
      rec.tokenValid = exp !== undefined && this.clock.now() < exp;
    }
    this.requests.push(rec);
    await Promise.resolve();
    if (!state?.up) throw new PatchbayError('net.unreachable', `Cannot reach ${url.host}: connection refused.`, { action: 'retry' });
    const path = url.pathname;
    if (path === '/finesse/api/SystemInfo') {
      return xmlRes(
        200,
        `<SystemInfo><deploymentType>${this.deploymentType}</deploymentType><status>${state.status}</status><systemAuthMode>${this.systemAuthMode}</systemAuthMode><xmppDomain>fin.example.com</xmppDomain><xmppPubSubDomain>pubsub.fin.example.com</xmppPubSubDomain>${this.systemInfoNodesXml()}</SystemInfo>`,
      );
    }
    if (state.status !== 'IN_SERVICE') return xmlRes(503, '<ApiErrors><ApiError><ErrorType>Service Unavailable</ErrorType><ErrorMessage>SERVER_OUT_OF_SERVICE</ErrorMessage></ApiError></ApiErrors>');
    const uam = path.match(/^\/finesse\/api\/UserAuthMode\/(.+)$/);
    if (uam) {
      if (!this.userAuthModeEnabled) return xmlRes(403, '<ApiErrors><ApiError><ErrorType>Forbidden</ErrorType><ErrorMessage>UserAuthModeService is disabled</ErrorMessage></ApiError></ApiErrors>');
      const user = this.userByAny(decodeURIComponent(uam[1]!));
      return user ? xmlRes(200, `<UserAuthMode><authMode>${user.authMode}</authMode></UserAuthMode>`) : xmlRes(404, '<ApiErrors><ApiError><ErrorType>Not Found</ErrorType></ApiError></ApiErrors>');
    }
    if (path === '/desktop/sso/token') return this.refresh(method, url, req);
    const m = path.match(/^\/finesse\/api\/User\/([^/]+)(\/ReasonCodes)?$/);
    if (!m) return xmlRes(404, '<ApiErrors><ApiError><ErrorType>Not Found</ErrorType></ApiError></ApiErrors>');
    const user = this.authorize(authorization);
    if (!user) return xmlRes(401, '<ApiErrors><ApiError><ErrorType>Unauthorized</ErrorType><ErrorMessage>Invalid Authorization User Specified</ErrorMessage></ApiError></ApiErrors>');
    const target = decodeURIComponent(m[1]!);
    // FIN-10 on UCCE: every call after the lookup must name the loginId.
    if (target !== user.loginId && !(method === 'GET' && !m[2] && target.toLowerCase() === user.loginName.toLowerCase())) {
      return xmlRes(this.deploymentType === 'UCCE' ? 404 : 401, '<ApiErrors><ApiError><ErrorType>Not Found</ErrorType></ApiError></ApiErrors>');
    }
    if (m[2]) {
      const category = url.searchParams.get('category');
      const codes = category === 'LOGOUT' ? this.logoutCodes : this.notReadyCodes;
      return xmlRes(200, `<ReasonCodes category="${category}">${codes.map((c) => `<ReasonCode><uri>/finesse/api/ReasonCode/${c.id}</uri><category>${category}</category><code>${c.id}0</code><label>${esc(c.label)}</label><forAll>true</forAll></ReasonCode>`).join('')}</ReasonCodes>`);
    }
    if (method === 'GET') return xmlRes(200, this.userXml(user, 'User'));
    if (method === 'PUT') {
      if (headers['content-type'] !== 'application/xml') return xmlRes(415, '<ApiErrors><ApiError><ErrorType>Unsupported Media Type</ErrorType></ApiError></ApiErrors>');
      const body = String(req.body ?? '');
      const next = body.match(/<state>([A-Z_]+)<\/state>/)?.[1] ?? '';
      const reason = body.match(/<reasonCodeId>([^<]+)<\/reasonCodeId>/)?.[1];
      if (next === 'NOT_READY' && this.notReadyCodes.length && !reason) {
        return xmlRes(400, '<ApiErrors><ApiError><ErrorType>Parameter Missing</ErrorType><ErrorMessage>finesse.api.reasoncode.require_reasoncode</ErrorMessage></ApiError></ApiErrors>');
      }
      const requestId = headers.requestid ?? '';
      // 202 now; the outcome (or the async CTI error) later, over XMPP.
      this.clock.setTimeout(() => {
        if (this.ignoreChanges) return;
        if (this.asyncErrorNext) {
          const message = this.asyncErrorNext;
          this.asyncErrorNext = undefined;
          this.notify(user, `<Update><data><apiErrors><apiError><errorType>Invalid State</errorType><errorMessage>${message}</errorMessage></apiError></apiErrors></data><event>PUT</event><requestId>${requestId}</requestId><source>/finesse/api/User/${user.loginId}</source></Update>`);
          return;
        }
        if (next === 'LOGIN') {
          user.state = 'NOT_READY';
          user.extension = body.match(/<extension>([^<]+)<\/extension>/)?.[1];
          user.reasonCodeId = undefined;
        } else {
          user.state = next;
          user.reasonCodeId = reason;
          if (next === 'LOGOUT') user.extension = undefined;
        }
        if (!this.silentChanges) this.notify(user, `<Update><data>${this.userXml(user, 'user')}</data><event>PUT</event><requestId>${requestId}</requestId><source>/finesse/api/User/${user.loginId}</source></Update>`);
      }, 50);
      return xmlRes(202, '');
    }
    return xmlRes(405, '');
  }

  private authorize(authorization: string | undefined): FakeUser | undefined {
    if (!authorization) return undefined;
    if (authorization.startsWith('Basic ')) {
      const [name, password] = Buffer.from(authorization.slice(6), 'base64').toString().split(':');
      const user = this.userByAny(name ?? '');
      return user && user.password === password && user.authMode === 'NON_SSO' ? user : undefined;
    }
    if (authorization.startsWith('Bearer ')) {
      const exp = this.tokens.get(authorization.slice(7));
      if (exp === undefined || this.clock.now() >= exp) return undefined;
      return this.users.find((u) => u.authMode === 'SSO');
    }
    return undefined;
  }

  private refresh(method: string, url: URL, req: HttpRequest): HttpResponse {
    if (method === this.refuseRefreshMethod) return jsonRes(405, '{}');
    let access: string | undefined;
    let refresh: string | undefined;
    if (method === 'POST') {
      const form = new URLSearchParams(String(req.body ?? ''));
      access = form.get('token') ?? undefined;
      refresh = form.get('refresh-token') ?? undefined;
    } else {
      refresh = url.searchParams.get('refresh-token') ?? undefined;
    }
    const now = this.clock.now();
    const refreshOk = refresh !== undefined && (this.refreshTokens.get(refresh) ?? 0) > now;
    const accessOk = method === 'GET' || (access !== undefined && (this.tokens.get(access) ?? 0) > now);
    if (!refreshOk || !accessOk) return { ...jsonRes(401, '{"error":"invalid"}') };
    const token = `tok-${++this.seq}`;
    this.tokens.set(token, now + 300_000);
    return jsonRes(200, JSON.stringify({ token, expires_in: 300, user_id: 'sjefferson' }));
  }

  userXml(user: FakeUser, root: 'User' | 'user'): string {
    return `<${root}><uri>/finesse/api/User/${user.loginId}</uri><loginId>${user.loginId}</loginId><loginName>${user.loginName}</loginName><state>${user.state}</state><reasonCodeId>${user.reasonCodeId ?? '-1'}</reasonCodeId><extension>${user.extension ?? ''}</extension><firstName>Sam</firstName><lastName>Jefferson</lastName><roles><role>Agent</role></roles></${root}>`;
  }

  /** Publishes an Update to the user's node on every connected link. */
  notify(user: FakeUser, update: string): void {
    for (const link of this.links) {
      if (link.stopped || link.endpoint.username !== user.loginId.toLowerCase()) continue;
      link.deliver(
        xml(
          'message',
          { from: 'pubsub.fin.example.com' },
          xml('event', { xmlns: 'http://jabber.org/protocol/pubsub#event' }, xml('items', { node: `/finesse/api/User/${user.loginId}` }, xml('item', {}, xml('notification', { xmlns: 'urn:xmpp:push:0' }, update)))),
        ),
      );
    }
  }

  // ------------------------------------------------------------------ XMPP
  readonly linkFactory = (endpoint: XmppEndpoint): XmppLink => new FakeLink(endpoint, this);

  /** Drop every XMPP connection to a node (a blip or a node going down). */
  dropLinks(node?: string): void {
    for (const link of [...this.links]) if (!node || link.node === node) link.drop();
  }
}

export class FakeLink implements XmppLink {
  readonly sent: Element[] = [];
  stopped = false;
  private stanza: ((s: Element) => void)[] = [];
  private downs: ((e: PatchbayError) => void)[] = [];
  readonly node: string;
  readonly endpoint: XmppEndpoint;
  private readonly finesse: FakeFinesse;
  constructor(endpoint: XmppEndpoint, finesse: FakeFinesse) {
    this.endpoint = endpoint;
    this.finesse = finesse;
    const u = new URL(endpoint.service);
    u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
    this.node = u.origin;
  }
  async start(): Promise<string> {
    const state = this.finesse.nodes.get(this.node);
    if (!state?.up || state.status !== 'IN_SERVICE') throw new PatchbayError('finesse.xmpp.unreachable', 'down', { action: 'retry' });
    const user = this.finesse.userByAny(this.endpoint.username);
    const ok = user && (user.authMode === 'NON_SSO' ? user.password === this.endpoint.password : (this.finesse.tokens.get(this.endpoint.password) ?? 0) > this.finesse.clock.now());
    if (!ok) throw new PatchbayError('finesse.xmpp.auth-failed', 'not-authorized', { action: 'sign-in-again' });
    this.finesse.links.push(this);
    return `${this.endpoint.username}@${this.endpoint.domain}/${this.endpoint.resource}`;
  }
  async send(stanza: Element): Promise<void> {
    this.sent.push(stanza);
    if (stanza.is('presence') && !stanza.attrs.type && this.finesse.announces) queueMicrotask(() => this.deliver(xml('presence', { from: `finesse@${this.endpoint.domain}/Finesse` })));
  }
  async request(stanza: Element): Promise<Element> {
    return xml('iq', { type: 'result', id: String(stanza.attrs.id ?? '') });
  }
  onStanza(l: (s: Element) => void): void {
    this.stanza.push(l);
  }
  onDown(l: (e: PatchbayError) => void): void {
    this.downs.push(l);
  }
  async stop(): Promise<void> {
    this.stopped = true;
    const i = this.finesse.links.indexOf(this);
    if (i >= 0) this.finesse.links.splice(i, 1);
  }
  deliver(s: Element): void {
    if (!this.stopped) for (const l of this.stanza) l(s);
  }
  drop(): void {
    void this.stop();
    for (const l of this.downs) l(new PatchbayError('finesse.xmpp.disconnected', 'closed', { action: 'retry' }));
  }
}

function response(status: number, body: string, contentType: string): HttpResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    status,
    headers: { 'content-type': contentType },
    setCookie: [],
    url: '',
    chain: [],
    body: bytes,
    text: () => body,
    json: () => JSON.parse(body) as unknown,
  };
}
const xmlRes = (status: number, body: string) => response(status, body, 'application/xml');
const jsonRes = (status: number, body: string) => response(status, body, 'application/json');
