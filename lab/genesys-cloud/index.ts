// startGenesysCloudLab: login.<region> (oidc-provider), api.<region> (/api/v2 over node:http) and the
// notification WebSocket on the API port, with fault controls. Written from
// shared/protocols/genesys-cloud.md and seed 004, never from the client (lab/README.md "Genesys Cloud").
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from './api.ts';
import type { ApiLimits, ApiRequestRecord } from './api.ts';
import { handleControl } from './controls.ts';
import type { LabControlTarget } from './controls.ts';
import { DEFAULT_GRANTED_SCOPES, LAB_CONFIDENTIAL_CLIENT_ID, LAB_CONFIDENTIAL_CLIENT_SECRET, LAB_PUBLIC_CLIENT_ID, ROUTING_STATUSES, defaultGenesysCloudUsers, defaultPresenceDefinitions } from './fixture.ts';
import type { GenesysCloudLabUser, RoutingStatus } from './fixture.ts';
import { sendJson } from './http-replies.ts';
import { startLoginServer } from './login-server.ts';
import type { LoginRequestRecord } from './login-server.ts';
import { GenesysOrgState } from './org-state.ts';
import type { StartConversationOptions } from './org-state.ts';
import { Streaming } from './streaming.ts';
import type { StreamingStats } from './streaming.ts';

export { labLogin, createLabCookieJar } from './lab-login.ts';
export type { LabLoginResult, LabCookieJar } from './lab-login.ts';
export type { GenesysCloudLabUser } from './fixture.ts';
export type { ApiRequestRecord } from './api.ts';
export type { LoginRequestRecord } from './login-server.ts';
export { DEFAULT_GRANTED_SCOPES } from './fixture.ts';

export interface GenesysCloudLabOptions {
  host?: string;
  /** Access-token lifetime, `expires_in` (Genesys: 300–172 800 s per OAuth client). */
  tokenLifetimeSec?: number;
  /** false (default): a PKCE public client gets no refresh token, like Genesys (§1). */
  refreshTokens?: boolean;
  /** The registered redirect URI's port: 0 = pick a free port now and register it. */
  redirectPort?: number;
  /** Redirect path (default /callback). */
  redirectPath?: string;
  heartbeatIntervalMs?: number;
  /** How long a socket lives after `v2.system.socket_closing` (about a minute). */
  socketClosingGraceMs?: number;
  channelLifetimeSec?: number;
  maxChannelsPerUser?: number;
  /** The org's idle-token timeout (off by default). */
  idleTokenTimeoutSec?: number;
  users?: GenesysCloudLabUser[];
  /** The API's address as clients reach it, e.g. a WAN delay proxy in front (bench/wan-lab.ts): the
   *  channels' connectUri and the profiles' server use it, so the notifications socket takes the
   *  same path as the REST calls (`apiBase` stays the API's own address). Default: `apiBase`. */
  publicApiBase?: string;
}

export interface GenesysCloudLabProfile {
  id: string;
  name: string;
  platform: 'genesys-cloud';
  servers: string[];
  authMode: 'sso';
  userName: string;
  language: string;
  applicationName: string;
  options: { genesysCloud: { loginBase: string; clientId: string; redirectUri: string; loginMethod: 'system-browser' | 'login-window' } };
  lab: true;
  /** The lab login page's password of the fake user (typed on the page, never sent to Patchbay). */
  fixturePassword: string;
}

export type GenesysCloudLabRequest = LoginRequestRecord | ApiRequestRecord;

export interface GenesysCloudLab {
  /** http://127.0.0.1:P — GET /oauth/authorize, POST /oauth/token, GET /logout, /login/<uid>. */
  readonly loginBase: string;
  /** http://127.0.0.1:Q — /api/v2/…; channel connectUri = ws://127.0.0.1:Q/channels/<id>. */
  readonly apiBase: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** A confidential client of the same org (its secret must never appear in Patchbay: GC-01 scans). */
  readonly confidentialClient: { clientId: string; clientSecret: string };
  readonly users: GenesysCloudLabUser[];
  profiles(): GenesysCloudLabProfile[];
  /** Revokes every token of the user (refresh tokens too); their channels get token_revoked. */
  revokeTokens(userName: string): Promise<void>;
  socketClosing(userName?: string): number;
  expireChannels(): number;
  dropSockets(): number;
  noLongerSubscribed(userName?: string): number;
  /** Tokens issued from now on (new sign-in, silent re-authorization, refresh) carry these scopes. */
  setGrantedScopes(userName: string, scopes: string[]): Promise<void>;
  setLoginAvailable(on: boolean): void;
  /** The next `requests` API requests answer 429 with `Retry-After: retryAfterSec` (0 clears). */
  rateLimit(requests: number, retryAfterSec: number): void;
  setTokenLifetime(sec: number): void;
  setIdleTokenTimeout(sec: number | undefined): void;
  setPresence(userName: string, systemPresence: string): void;
  setRoutingStatus(userName: string, status: string): void;
  startConversation(userName: string, opts?: StartConversationOptions): string;
  endConversation(id: string): void;
  /** Every request to both servers (never a token), oldest first, at most 10 000. */
  readonly requests: GenesysCloudLabRequest[];
  clearRequests(): void;
  readonly streamingStats: StreamingStats;
  state(): { users: { userName: string; id: string; presence: string | undefined; routingStatus: string | undefined; conversations: string[]; channels: number }[] };
  close(): Promise<void>;
}

const MAX_RECORDS = 10_000;

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A port free right now on 127.0.0.1 (the client binds it later for its loopback redirect). */
async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe, '127.0.0.1', 0);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startGenesysCloudLab(options: GenesysCloudLabOptions = {}): Promise<GenesysCloudLab> {
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? defaultGenesysCloudUsers();
  const redirectPort = options.redirectPort === undefined || options.redirectPort === 0 ? await freePort() : options.redirectPort;
  const redirectUri = `http://127.0.0.1:${redirectPort}${options.redirectPath ?? '/callback'}`;
  const granted = new Map(users.map((u) => [u.id, [...DEFAULT_GRANTED_SCOPES]]));
  const requests: GenesysCloudLabRequest[] = [];
  const record = (entry: GenesysCloudLabRequest): void => {
    requests.push(entry);
    if (requests.length > MAX_RECORDS) requests.splice(0, requests.length - MAX_RECORDS);
  };
  const userNamed = (userName: string): GenesysCloudLabUser => {
    const user = users.find((u) => u.userName === userName || u.email === userName);
    if (user === undefined) throw new Error(`unknown lab user ${userName}`);
    return user;
  };

  const login = await startLoginServer({
    host,
    redirectUri,
    tokenLifetimeSec: options.tokenLifetimeSec ?? 3600,
    refreshTokens: options.refreshTokens ?? false,
    users,
    scopesOf: (userId) => granted.get(userId) ?? [],
    record,
  });

  let handler: Parameters<typeof createServer>[1] = (_req, res) => sendJson(res, 503, { message: 'starting' });
  const apiServer = createServer((req, res) => handler?.(req, res));
  let apiPort: number;
  try {
    apiPort = await listen(apiServer, host, 0);
  } catch (error) {
    await login.close();
    throw error;
  }
  const apiBase = `http://${host}:${apiPort}`;
  const publicApiBase = options.publicApiBase ?? apiBase;
  const streaming = new Streaming({
    wsBase: publicApiBase.replace(/^http/, 'ws'),
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
    socketClosingGraceMs: options.socketClosingGraceMs ?? 60_000,
    channelLifetimeMs: (options.channelLifetimeSec ?? 24 * 3600) * 1000,
    maxChannelsPerUser: options.maxChannelsPerUser ?? 20,
    maxTopicsPerChannel: 1000,
  });
  const org = new GenesysOrgState(users, defaultPresenceDefinitions(), (topic, body) => streaming.publish(topic, body));
  const limits: ApiLimits = { rateLimitRemaining: 0, retryAfterSec: 0, idleTimeoutSec: options.idleTokenTimeoutSec };
  const revokeGrants = async (grantIds: string[]): Promise<void> => {
    await login.revokeGrants(grantIds);
    streaming.tokenRevoked(new Set(grantIds));
  };
  const api = createApiHandler({ provider: login.provider, users, org, streaming, limits, revokeGrants, record });

  const lab: GenesysCloudLab & LabControlTarget = {
    loginBase: login.url,
    apiBase,
    clientId: LAB_PUBLIC_CLIENT_ID,
    redirectUri,
    confidentialClient: { clientId: LAB_CONFIDENTIAL_CLIENT_ID, clientSecret: LAB_CONFIDENTIAL_CLIENT_SECRET },
    users,
    profiles: () => {
      const profile = (id: string, userName: string, loginMethod: 'system-browser' | 'login-window', label: string): GenesysCloudLabProfile => {
        const user = userNamed(userName);
        return {
          id,
          name: `Lab Genesys Cloud — ${user.name} (${label})`,
          platform: 'genesys-cloud',
          servers: [publicApiBase],
          authMode: 'sso',
          userName: user.userName,
          language: 'en-US',
          applicationName: 'Patchbay',
          options: { genesysCloud: { loginBase: login.url, clientId: LAB_PUBLIC_CLIENT_ID, redirectUri, loginMethod } },
          lab: true,
          fixturePassword: user.password,
        };
      };
      return [profile('lab-gc-agent1', 'gc-agent1', 'system-browser', 'system browser'), profile('lab-gc-agent2-window', 'gc-agent2', 'login-window', 'sign-in window')];
    },
    revokeTokens: async (userName) => {
      await revokeGrants(login.store.grantsOf(userNamed(userName).id));
    },
    socketClosing: (userName) => streaming.socketClosing(userName === undefined ? undefined : userNamed(userName).id),
    expireChannels: () => streaming.expireChannels(),
    dropSockets: () => streaming.dropSockets(),
    noLongerSubscribed: (userName) => streaming.noLongerSubscribed(userName === undefined ? undefined : userNamed(userName).id),
    setGrantedScopes: async (userName, scopes) => {
      const user = userNamed(userName);
      granted.set(user.id, [...new Set(scopes)]);
      await login.applyGrantedScopes(user.id);
    },
    setLoginAvailable: (on) => login.setLoginAvailable(on),
    rateLimit: (count, retryAfterSec) => {
      limits.rateLimitRemaining = count;
      limits.retryAfterSec = retryAfterSec;
    },
    setTokenLifetime: (sec) => login.setTokenLifetime(sec),
    setIdleTokenTimeout: (sec) => {
      limits.idleTimeoutSec = sec;
    },
    setPresence: (userName, systemPresence) => {
      if (org.setPresenceBySystem(userNamed(userName).id, systemPresence) === undefined) throw new Error(`unknown presence ${systemPresence}`);
    },
    setRoutingStatus: (userName, status) => {
      if (!(ROUTING_STATUSES as readonly string[]).includes(status)) throw new Error(`unknown routing status ${status}`);
      org.setRouting(userNamed(userName).id, status as RoutingStatus);
    },
    startConversation: (userName, opts) => org.startConversation(userNamed(userName).id, opts),
    endConversation: (id) => org.endConversation(id),
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    streamingStats: streaming.stats,
    state: () => ({
      users: users.map((u) => ({
        userName: u.userName,
        id: u.id,
        presence: org.presence(u.id)?.presenceDefinition.systemPresence,
        routingStatus: org.routing(u.id)?.status,
        conversations: org.activeConversations(u.id).map((c) => c.id),
        channels: streaming.list(u.id).length,
      })),
    }),
    close: async () => {
      streaming.close();
      await Promise.all([
        login.close(),
        new Promise<void>((resolve) => {
          apiServer.close(() => resolve());
          apiServer.closeAllConnections();
        }),
      ]);
    },
  };

  handler = (req, res) => {
    const path = new URL(req.url ?? '/', apiBase).pathname;
    const work = path.startsWith('/lab/') ? handleControl(lab, req, res, path) : api(req, res);
    work.catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: error instanceof Error ? error.message : String(error), code: 'internal.server.error', status: 500 });
      else res.destroy();
    });
  };
  apiServer.on('upgrade', (req, socket, head) => streaming.handleUpgrade(req, socket, head));
  return lab;
}
