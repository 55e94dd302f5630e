// One Finesse node (primary or secondary): REST, /desktop/sso/token and the notification service on
// one node:http server. Production serves all of it on https 8445 (XMPP over wss://<fqdn>:8445/ws from
// 12.6); the lab serves plain http/ws on a loopback port. Both nodes share one FinesseCluster.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FinesseCluster, FinesseRequestRecord } from './cluster.ts';
import { mediaType } from './http-io.ts';
import { apiError, handleRest } from './rest.ts';
import type { RestCtx, RestNode, RestSettings } from './rest.ts';
import { handleSso } from './sso.ts';
import type { PendingSso, SsoNode, SsoSettings } from './sso.ts';
import { XmppService } from './xmpp.ts';

export type NodeName = 'primary' | 'secondary';

export interface NodeOptions {
  name: NodeName;
  host: string;
  port: number;
  cluster: FinesseCluster;
  clientId: string;
  rest: RestSettings;
  sso: SsoSettings;
  xmppIdleTimeoutMs: number;
  /** The address browsers reach this node at when a front sits before it (a WAN delay proxy): the
   *  SSO redirect_uri (tokenUrl) uses it. Default: `url`. */
  publicUrl?: string;
  /** Both nodes as SystemInfo lists them. */
  peers(): { primary: { host: string; port: number }; secondary: { host: string; port: number } };
  /** Lab control routes (/lab/finesse/…); true when handled. */
  control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export class FinesseNode implements RestNode, SsoNode {
  readonly name: NodeName;
  readonly host: string;
  readonly cluster: FinesseCluster;
  readonly clientId: string;
  readonly settings: RestSettings & SsoSettings;
  readonly pending = new Map<string, PendingSso>();
  readonly xmpp: XmppService;
  private readonly options: NodeOptions;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private status: 'IN_SERVICE' | 'OUT_OF_SERVICE' = 'IN_SERVICE';
  private statusReason = '';
  private listening = false;
  private boundPort = 0;

  constructor(options: NodeOptions) {
    this.options = options;
    this.name = options.name;
    this.host = options.host;
    this.cluster = options.cluster;
    this.clientId = options.clientId;
    this.settings = { ...options.rest, ...options.sso };
    const cluster = options.cluster;
    this.xmpp = new XmppService({
      nodeName: options.name,
      domain: cluster.options.xmppDomain,
      pubsubDomain: cluster.options.xmppPubSubDomain,
      idleTimeoutMs: options.xmppIdleTimeoutMs,
      authenticate: (authcid, password) => {
        // finesse.md §5: the JID node is the user id lower-cased (loginId on UCCE).
        const u = [...cluster.users.values()].find((x) => x.user.loginId.toLowerCase() === authcid.toLowerCase());
        if (u === undefined) return { ok: false };
        if (cluster.effectiveAuthMode(u) === 'NON_SSO') return password === u.user.password ? { ok: true, loginId: u.user.loginId } : { ok: false };
        // INFERRED (finesse.md §5): SSO users authenticate with the access token as the password.
        const verdict = cluster.checkToken(password);
        return verdict.ok && verdict.value === u ? { ok: true, loginId: u.user.loginId } : { ok: false };
      },
      autoSubscriptions: (loginId) => [`/finesse/api/User/${loginId}`, `/finesse/api/User/${loginId}/Dialogs`, `/finesse/api/User/${loginId}/Media/1`, '/finesse/api/SystemInfo'],
      onPresenceChange: (loginId) => cluster.presenceChanged(loginId),
    });
    cluster.addAvailabilitySource((loginId) => this.xmpp.availableCount(loginId));
    cluster.onPublish((event) => this.xmpp.deliver(event.userId, event.node, event.updateXml));
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/ws' && path !== '/ws/') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.xmpp.handleUpgrade(req, socket, head);
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  get xmppUrl(): string {
    return `ws://${this.host}:${this.boundPort}/ws`;
  }

  get tokenUrl(): string {
    return `${this.options.publicUrl ?? this.url}/desktop/sso/token`;
  }

  /** Cookies ignore ports: the per-node name keeps two lab nodes on one host apart. */
  get stateCookie(): string {
    return `cc_sso_state_${this.boundPort}`;
  }

  get up(): boolean {
    return this.listening;
  }

  serviceStatus(): { status: 'IN_SERVICE' | 'OUT_OF_SERVICE'; reason: string } {
    return { status: this.status, reason: this.statusReason };
  }

  /** [SI] fields; httpsPort carries the lab's plain-http port. */
  systemInfo(): Record<string, unknown> {
    const peers = this.options.peers();
    const o = this.cluster.options;
    const node = (p: { host: string; port: number }): Record<string, unknown> => ({ host: p.host, httpsPort: String(p.port) });
    return {
      currentTimestamp: new Date(this.cluster.now()).toISOString(),
      deploymentType: o.deploymentType,
      lastCTIHeartbeatStatus: 'success',
      ...(o.deploymentType === 'UCCE' ? { peripheralId: '5000' } : {}),
      primaryNode: node(peers.primary),
      secondaryNode: node(peers.secondary),
      status: this.status,
      statusReason: this.statusReason,
      systemAuthMode: o.systemAuthMode,
      timezoneOffset: '0',
      uri: '/finesse/api/SystemInfo',
      xmppDomain: o.xmppDomain,
      xmppPubSubDomain: o.xmppPubSubDomain,
    };
  }

  async start(port = this.boundPort || this.options.port): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, this.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  /** Fault "node down": stop accepting and cut every open connection (HTTP and XMPP) at once. */
  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.xmpp.dropAll();
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  setServiceStatus(status: 'IN_SERVICE' | 'OUT_OF_SERVICE', reason = ''): void {
    if (status === this.status && reason === this.statusReason) return;
    this.status = status;
    this.statusReason = status === 'IN_SERVICE' ? '' : reason;
    this.cluster.publishSystemInfo(this.systemInfo(), this.xmpp.connectedUsers());
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', this.url);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const record: FinesseRequestRecord = {
      time: new Date().toISOString(),
      node: this.name,
      method: req.method ?? 'GET',
      path: url.pathname,
      // Token, code and state values never reach the log.
      ...(url.search === '' ? {} : { query: url.search.slice(1).replace(/(^|&)(token|refresh-token|code|state)=[^&]*/g, '$1$2=…') }),
      auth: 'none',
      ...(req.headers['content-type'] === undefined ? {} : { contentType: mediaType(req.headers['content-type']) ?? '' }),
      status: 0,
    };
    const header = req.headers.authorization;
    if (header !== undefined) {
      const scheme = header.split(' ')[0]?.toLowerCase();
      record.auth = scheme === 'basic' ? 'basic' : scheme === 'bearer' ? 'bearer' : 'other';
    }
    try {
      if (url.pathname.startsWith('/lab/')) {
        if (!(await this.options.control(req, res, url))) {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"no such lab control"}');
        }
        return;
      }
      this.cluster.requests.push(record);
      // Bounded for a lab left running for a whole shift.
      if (this.cluster.requests.length > 10_000) this.cluster.requests.splice(0, 1_000);
      const ctx: RestCtx = { req, res, url, record };
      if (await handleRest(this, ctx)) return;
      if (await handleSso(this, req, res, url, record)) return;
      apiError(this, ctx, 404, { errorType: 'Not Found', errorMessage: 'Resource not found' });
    } catch (error) {
      record.status = 500;
      if (error instanceof URIError) {
        record.status = 400;
        if (!res.headersSent) res.writeHead(400).end();
        return;
      }
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`lab error ${randomUUID()}`);
    }
  }
}
