// startFinesseLab: a Finesse primary/secondary pair sharing one state (the CTI server), a Cisco IdS
// (SAML SP of a configurable IdP) and the fault controls of DESIGN.md "The lab". See lab/README.md.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startIdsServer } from '../ids/server.ts';
import type { IdsIdpConfig, IdsLabServer, IdsTokenSet } from '../ids/server.ts';
import { AGENT_STATES, FinesseCluster } from './cluster.ts';
import type { AgentState, FinesseRequestRecord, LabUserSnapshot } from './cluster.ts';
import { defaultFinesseUsers, defaultReasonCodes } from './fixture.ts';
import type { DeploymentType, FinesseLabUser, FinesseReasonCode, SystemAuthMode } from './fixture.ts';
import { isLoopback, mediaType, readBody, sendJson } from './http-io.ts';
import { FinesseNode } from './node.ts';
import type { NodeName } from './node.ts';
import type { XmppSessionSummary } from './xmpp.ts';

export interface FinesseLabOptions {
  host?: string;
  /** 0 (default) = random for each. */
  ports?: { primary?: number; secondary?: number; ids?: number };
  deploymentType?: DeploymentType;
  systemAuthMode?: SystemAuthMode;
  users?: FinesseLabUser[];
  reasonCodes?: FinesseReasonCode[];
  xmppDomain?: string;
  xmppPubSubDomain?: string;
  idsFqdn?: string;
  /** The IdS's IdP; may also be set later with `setIdp` (the IdP usually needs the IdS's ACS URL first). */
  idp?: IdsIdpConfig;
  accessTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  idsSessionLifetimeSeconds?: number;
  refreshAfterAccessExpiry?: 'refuse' | 'allow';
  acsMetaAlias?: boolean;
  /** Addresses browsers reach the nodes and the IdS at when a front sits before them (a WAN delay
   *  proxy, bench/wan-lab.ts): the SSO redirect_uri, the IdS authorize and ACS URLs use them. Pair
   *  with fixed `ports` so the front knows where to forward. */
  publicUrls?: { primary?: string; secondary?: string; ids?: string };
  /** [PRES] 60 000 ms; scale down in tests. */
  forcedLogoutMs?: number;
  forcedLogoutAction?: 'logout' | 'not-ready';
  ctiDelayMs?: number;
  xmppIdleTimeoutMs?: number;
  lockoutThreshold?: number;
  lockoutMs?: number;
  systemInfoAuth?: 'none' | 'required';
  userAuthModeService?: boolean;
  requireLogoutReason?: boolean;
  ccUsernameSource?: 'query-or-cookie' | 'cookie';
  requireCcUsername?: boolean;
  refreshBounce?: 'never' | 'always';
  /** FIN-15: 'cookie' = an older release (11.6/12.0 before the ES) putting tokens and cc_username in session cookies. */
  tokensIn?: 'body' | 'cookie';
  maxBodyBytes?: number;
  clockSkewSeconds?: number;
}

/** A node as tests and the lab CLI see it (live values). */
export interface FinesseLabNode {
  readonly name: NodeName;
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** ws://…/ws — production: wss://<fqdn>:8445/ws. */
  readonly xmppUrl: string;
  readonly up: boolean;
  serviceStatus(): { status: 'IN_SERVICE' | 'OUT_OF_SERVICE'; reason: string };
}

export interface FinesseLab {
  readonly deploymentType: DeploymentType;
  readonly systemAuthMode: SystemAuthMode;
  readonly xmppDomain: string;
  readonly xmppPubSubDomain: string;
  readonly primary: FinesseLabNode;
  readonly secondary: FinesseLabNode;
  /** [primary.url, secondary.url] — a profile's `servers`. */
  readonly servers: string[];
  readonly xmppUrls: string[];
  readonly ids: IdsLabServer;
  readonly users: FinesseLabUser[];
  readonly reasonCodes: FinesseReasonCode[];
  /** Supervisor-style change (any state; a notification follows). Throws on unknown user or state. */
  setUserState(userId: string, state: AgentState, options?: { reasonCodeId?: string }): LabUserSnapshot;
  userState(userId: string): LabUserSnapshot;
  /** Node down: refuse connections and cut open ones; up: listen again on the same port. */
  setNodeUp(node: NodeName, up: boolean): Promise<void>;
  setServiceStatus(node: NodeName, status: 'IN_SERVICE' | 'OUT_OF_SERVICE', reason?: string): void;
  /** Cuts XMPP connections without a closing frame (both nodes when `node` is absent). */
  dropXmpp(node?: NodeName): number;
  /** Fault: the XMPP service reads IQ requests and answers none (both nodes when `node` is absent). */
  silenceXmpp(silent: boolean, node?: NodeName): void;
  xmppSessions(): XmppSessionSummary[];
  forcedLogoutPending(userId: string): boolean;
  expireTokens(filter?: { userId?: string; which?: 'access' | 'refresh' | 'all' }): number;
  revokeTokens(filter?: { userId?: string }): number;
  /** Lab backdoor: an SSO token pair for this user without the browser flow (tests, headless probes). */
  issueTokens(userId: string, accessLifetimeSeconds?: number): IdsTokenSet;
  setIdp(config: IdsIdpConfig | undefined): void;
  setIdpDown(down: boolean): void;
  /** FIN-15 fault control: where `/desktop/sso/token` puts the tokens and reads cc_username from
   *  ('cookie' + 'cookie' = the older-release, cookie-only mode), on both nodes. */
  setSsoRelease(mode: { tokensIn?: 'body' | 'cookie'; ccUsernameSource?: 'query-or-cookie' | 'cookie' }): void;
  /** Offsets the lab clock: Date headers, SystemInfo currentTimestamp, token iat/exp and expiry checks. */
  setClockSkew(seconds: number): void;
  startDialog(userId: string, fromAddress?: string): string;
  endDialog(dialogId: string): void;
  readonly requests: FinesseRequestRecord[];
  clearRequests(): void;
  close(): Promise<void>;
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return readBody(req, 16 * 1024).then((body) => {
    if (body.kind !== 'ok') return undefined;
    if (body.text.trim() === '') return {};
    if (mediaType(req.headers['content-type']) !== 'application/json') return undefined;
    try {
      const value: unknown = JSON.parse(body.text);
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  });
}

function isAgentState(value: unknown): value is AgentState {
  return typeof value === 'string' && (AGENT_STATES as readonly string[]).includes(value);
}

export async function startFinesseLab(options: FinesseLabOptions = {}): Promise<FinesseLab> {
  const host = options.host ?? '127.0.0.1';
  const deploymentType = options.deploymentType ?? 'UCCE';
  const systemAuthMode = options.systemAuthMode ?? 'HYBRID';
  const users = options.users ?? defaultFinesseUsers(deploymentType);
  const reasonCodes = options.reasonCodes ?? defaultReasonCodes();
  const xmppDomain = options.xmppDomain ?? 'finesse-a.lab.invalid';
  const xmppPubSubDomain = options.xmppPubSubDomain ?? `pubsub.${xmppDomain}`;
  // The IdS needs the cluster's (skewable) clock, and the cluster needs the IdS: late-bound.
  const clock = { now: (): number => Date.now() };
  const ids = await startIdsServer({
    host,
    port: options.ports?.ids ?? 0,
    fqdn: options.idsFqdn ?? `ids.${xmppDomain}`,
    ...(options.publicUrls?.ids === undefined ? {} : { publicUrl: options.publicUrls.ids }),
    ...(options.idp === undefined ? {} : { idp: options.idp }),
    ...(options.accessTokenLifetimeSeconds === undefined ? {} : { accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds }),
    ...(options.refreshTokenLifetimeSeconds === undefined ? {} : { refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds }),
    ...(options.idsSessionLifetimeSeconds === undefined ? {} : { sessionLifetimeSeconds: options.idsSessionLifetimeSeconds }),
    ...(options.refreshAfterAccessExpiry === undefined ? {} : { refreshAfterAccessExpiry: options.refreshAfterAccessExpiry }),
    ...(options.acsMetaAlias === undefined ? {} : { acsMetaAlias: options.acsMetaAlias }),
    clock: () => clock.now(),
  });
  const cluster = new FinesseCluster({
    deploymentType,
    systemAuthMode,
    users,
    reasonCodes,
    xmppDomain,
    xmppPubSubDomain,
    ids,
    forcedLogoutMs: options.forcedLogoutMs ?? 60_000,
    forcedLogoutAction: options.forcedLogoutAction ?? 'logout',
    ctiDelayMs: options.ctiDelayMs ?? 5,
    lockoutThreshold: options.lockoutThreshold ?? 5,
    lockoutMs: options.lockoutMs ?? 5 * 60_000,
  });
  clock.now = () => cluster.now();
  if (options.clockSkewSeconds !== undefined) cluster.setClockSkew(options.clockSkewSeconds);
  const theCluster = cluster;
  const clientId = randomBytes(16).toString('hex');
  const nodes = new Map<NodeName, FinesseNode>();
  const peers = (): { primary: { host: string; port: number }; secondary: { host: string; port: number } } => ({
    primary: { host, port: nodes.get('primary')?.port ?? 0 },
    secondary: { host, port: nodes.get('secondary')?.port ?? 0 },
  });

  const user = (userId: string): NonNullable<ReturnType<FinesseCluster['byName']>> => {
    const u = theCluster.byName(userId);
    if (u === undefined) throw new Error(`lab: unknown Finesse user ${userId}`);
    return u;
  };
  const node = (name: string): FinesseNode => {
    const n = nodes.get(name as NodeName);
    if (n === undefined) throw new Error(`lab: unknown node ${name}`);
    return n;
  };

  const lab: FinesseLab = {
    deploymentType,
    systemAuthMode,
    xmppDomain,
    xmppPubSubDomain,
    get primary() {
      return node('primary');
    },
    get secondary() {
      return node('secondary');
    },
    get servers() {
      return [node('primary').url, node('secondary').url];
    },
    get xmppUrls() {
      return [node('primary').xmppUrl, node('secondary').xmppUrl];
    },
    ids,
    users,
    reasonCodes,
    setUserState: (userId, state, opts = {}) => {
      if (!isAgentState(state)) throw new Error(`lab: unknown state ${String(state)}`);
      const u = user(userId);
      const reason = opts.reasonCodeId ?? '-1';
      if (reason !== '-1' && theCluster.reasonCode(reason) === undefined) throw new Error(`lab: unknown reason code ${reason}`);
      theCluster.forceState(u, state, reason);
      return theCluster.snapshot(u);
    },
    userState: (userId) => theCluster.snapshot(user(userId)),
    setNodeUp: async (name, up) => {
      if (up) await node(name).start();
      else await node(name).stop();
    },
    setServiceStatus: (name, status, reason = status === 'OUT_OF_SERVICE' ? 'Lab fault control' : '') => node(name).setServiceStatus(status, reason),
    dropXmpp: (name) => (name === undefined ? [...nodes.values()] : [node(name)]).reduce((n, x) => n + x.xmpp.dropAll(), 0),
    silenceXmpp: (silent, name) => {
      for (const n of name === undefined ? [...nodes.values()] : [node(name)]) n.xmpp.silent = silent;
    },
    xmppSessions: () => [...nodes.values()].flatMap((n) => n.xmpp.summaries()),
    forcedLogoutPending: (userId) => theCluster.forcedLogoutPending(user(userId).user.loginId),
    expireTokens: (filter) => ids.expireTokens(filter),
    revokeTokens: (filter) => ids.revokeTokens(filter),
    issueTokens: (userId, accessLifetimeSeconds) => {
      const u = user(userId).user;
      return ids.issueTokensFor({ uid: u.idpUid, userPrincipal: u.userPrincipal }, undefined, accessLifetimeSeconds);
    },
    setIdp: (config) => ids.setIdp(config),
    setIdpDown: (down) => ids.setIdpDown(down),
    setSsoRelease: (mode) => {
      for (const n of nodes.values()) {
        if (mode.tokensIn !== undefined) n.settings.tokensIn = mode.tokensIn;
        if (mode.ccUsernameSource !== undefined) n.settings.ccUsernameSource = mode.ccUsernameSource;
      }
    },
    setClockSkew: (seconds) => theCluster.setClockSkew(seconds),
    startDialog: (userId, fromAddress = '5551234') => theCluster.startDialog(user(userId), fromAddress).id,
    endDialog: (dialogId) => {
      const found = theCluster.findDialog(dialogId);
      if (found === undefined) throw new Error(`lab: unknown dialog ${dialogId}`);
      theCluster.dialogAction(found.u, found.d, 'DROP');
    },
    requests: theCluster.requests,
    clearRequests: () => {
      theCluster.requests.length = 0;
    },
    close: async () => {
      theCluster.close();
      await Promise.all([...nodes.values()].map((n) => n.stop()));
      await ids.close();
    },
  };

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith('/lab/finesse/')) return false;
    if (!isLoopback(req.socket.remoteAddress)) {
      sendJson(res, 403, { error: 'lab controls answer loopback peers only' });
      return true;
    }
    const parts = url.pathname.slice('/lab/finesse/'.length).split('/').map((p) => decodeURIComponent(p));
    const method = req.method ?? 'GET';
    const body = method === 'POST' ? await readJson(req) : {};
    if (body === undefined) {
      sendJson(res, 400, { error: 'expected a JSON object body (application/json)' });
      return true;
    }
    const ok = (status: number, value: unknown = {}): true => {
      sendJson(res, status, value);
      return true;
    };
    try {
      const [a, b, c, d] = parts;
      if (a === 'users' && b === undefined && method === 'GET') return ok(200, users.map((u) => lab.userState(u.loginId)));
      if (a === 'users' && b !== undefined && c === undefined && method === 'GET') return ok(200, lab.userState(b));
      if (a === 'users' && b !== undefined && c === 'state' && method === 'POST') {
        if (!isAgentState(body['state'])) return ok(400, { error: `state must be one of ${AGENT_STATES.join(', ')}` });
        const reason = typeof body['reasonCodeId'] === 'string' ? body['reasonCodeId'] : undefined;
        return ok(200, lab.setUserState(b, body['state'], reason === undefined ? {} : { reasonCodeId: reason }));
      }
      if (a === 'users' && b !== undefined && c === 'dialogs' && method === 'POST') {
        const from = typeof body['fromAddress'] === 'string' ? body['fromAddress'] : undefined;
        return ok(201, { dialogId: lab.startDialog(b, from) });
      }
      if (a === 'dialogs' && b !== undefined && c === 'end' && method === 'POST') {
        lab.endDialog(b);
        return ok(200);
      }
      if (a === 'nodes' && (b === 'primary' || b === 'secondary') && method === 'POST') {
        if (c === 'down' || c === 'up') {
          sendJson(res, 200, {});
          // Answer first: taking this very node down cuts this connection.
          res.once('finish', () => void lab.setNodeUp(b, c === 'up'));
          return true;
        }
        if (c === 'status') {
          const status = body['status'];
          if (status !== 'IN_SERVICE' && status !== 'OUT_OF_SERVICE') return ok(400, { error: 'status must be IN_SERVICE or OUT_OF_SERVICE' });
          lab.setServiceStatus(b, status, typeof body['reason'] === 'string' ? body['reason'] : undefined);
          return ok(200);
        }
        if (c === 'xmpp' && d === 'drop') return ok(200, { dropped: lab.dropXmpp(b) });
      }
      if (a === 'xmpp' && b === 'drop' && method === 'POST') return ok(200, { dropped: lab.dropXmpp() });
      if (a === 'xmpp' && b === 'sessions' && method === 'GET') return ok(200, lab.xmppSessions());
      if (a === 'tokens' && (b === 'expire' || b === 'revoke') && method === 'POST') {
        const userId = typeof body['userId'] === 'string' ? body['userId'] : undefined;
        const which = body['which'] === 'access' || body['which'] === 'refresh' ? body['which'] : 'all';
        const count = b === 'expire' ? lab.expireTokens({ ...(userId === undefined ? {} : { userId }), which }) : lab.revokeTokens(userId === undefined ? {} : { userId });
        return ok(200, { count });
      }
      if (a === 'ids' && b === 'sessions' && c === 'drop' && method === 'POST') {
        ids.dropSessions();
        return ok(200);
      }
      if (a === 'sso' && b === 'release' && method === 'POST') {
        const tokensIn = body['tokensIn'];
        const source = body['ccUsernameSource'];
        if (tokensIn !== undefined && tokensIn !== 'body' && tokensIn !== 'cookie') return ok(400, { error: 'tokensIn must be body or cookie' });
        if (source !== undefined && source !== 'query-or-cookie' && source !== 'cookie') return ok(400, { error: 'ccUsernameSource must be query-or-cookie or cookie' });
        lab.setSsoRelease({ ...(tokensIn === undefined ? {} : { tokensIn }), ...(source === undefined ? {} : { ccUsernameSource: source }) });
        return ok(200);
      }
      if (a === 'idp' && method === 'POST') {
        if (typeof body['down'] !== 'boolean') return ok(400, { error: 'down must be a boolean' });
        lab.setIdpDown(body['down']);
        return ok(200);
      }
      if (a === 'clock' && method === 'POST') {
        if (typeof body['skewSeconds'] !== 'number' || !Number.isFinite(body['skewSeconds'])) return ok(400, { error: 'skewSeconds must be a number' });
        lab.setClockSkew(body['skewSeconds']);
        return ok(200);
      }
      if (a === 'requests' && b === undefined && method === 'GET') return ok(200, lab.requests);
      if (a === 'requests' && b === 'clear' && method === 'POST') {
        lab.clearRequests();
        return ok(200);
      }
    } catch (error) {
      return ok(400, { error: error instanceof Error ? error.message : String(error) });
    }
    return false;
  }

  const restSettings = {
    systemInfoAuth: options.systemInfoAuth ?? 'none',
    userAuthModeService: options.userAuthModeService ?? true,
    requireLogoutReason: options.requireLogoutReason ?? true,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
  } as const;
  const ssoSettings = {
    ccUsernameSource: options.ccUsernameSource ?? 'query-or-cookie',
    requireCcUsername: options.requireCcUsername ?? true,
    refreshBounce: options.refreshBounce ?? 'never',
    tokensIn: options.tokensIn ?? 'body',
  } as const;
  try {
    for (const name of ['primary', 'secondary'] as const) {
      const n = new FinesseNode({
        name,
        host,
        port: options.ports?.[name] ?? 0,
        ...(options.publicUrls?.[name] === undefined ? {} : { publicUrl: options.publicUrls[name] }),
        cluster: theCluster,
        clientId,
        rest: restSettings,
        sso: ssoSettings,
        xmppIdleTimeoutMs: options.xmppIdleTimeoutMs ?? 120_000,
        peers,
        control,
      });
      nodes.set(name, n);
      await n.start();
    }
  } catch (error) {
    await lab.close();
    throw error;
  }
  ids.registerClient(clientId, [node('primary').tokenUrl, node('secondary').tokenUrl]);
  return lab;
}
