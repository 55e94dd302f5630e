// The ICWS lab: an emulated Genesys PureConnect ICWS server over plain node:http on loopback.
// Written from the vendor docs (seed 000 and shared/protocols/icws.md), independently of any client,
// so a misreading in the client cannot hide in the server. Endpoints and error ids: lab/README.md.
// This file wires the concerns and dispatches: connection.ts (POST /icws/connection, server-info,
// station, auth tokens), sessions.ts (cookie + CSRF, inactivity, session end), messaging.ts (SSE and
// short polling), statuses.ts (user statuses and subscriptions), sso.ts (SAML SP), control.ts (fault
// controls and /lab/...), cloud.ts (the PureConnect Cloud front door), request.ts (plumbing).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConnection, VERSION_INFO } from './connection.ts';
import type { Availability } from './connection.ts';
import { createControl } from './control.ts';
import { icwsErrors } from './errors.ts';
import { defaultStatuses, defaultUsers } from './fixture.ts';
import { firstHeader, sendJson } from './http-io.ts';
import { messagingRoutes } from './messaging.ts';
import { fail, readJson, reply } from './request.ts';
import type { Ctx, ReadJson, SessionRoute } from './request.ts';
import { createSessionTable, summary } from './sessions.ts';
import { createSsoEndpoints, redactSamlQuery } from './sso.ts';
import type { LabIdentityProvider, SsoEndpoints } from './sso.ts';
import { createLabStatusStore } from './status-store.ts';
import type { LabStatusStore } from './status-store.ts';
import { createStatuses } from './statuses.ts';
import type { IcwsLabServer, IcwsServerOptions, LabRequestRecord } from './types.ts';

export type { LabStatusStore, LabStoredStatus } from './status-store.ts';
export { createLabStatusStore } from './status-store.ts';
export type { LabIdentityProvider, LabSamlIdentityProviderConfig, LabSingleSignOnCapability, LabSsoControl, LabSsoFailure } from './sso.ts';
export type { IcwsLabServer, IcwsServerOptions, LabRequestRecord, LabSessionSummary, LabUserStatus } from './types.ts';

export async function startIcwsServer(options: IcwsServerOptions = {}): Promise<IcwsLabServer> {
  const host = options.host ?? '127.0.0.1';
  const messagingVersion = options.messagingVersion ?? 2;
  const serverName = options.serverName ?? 'lab-ic';
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const identityProviders: LabIdentityProvider[] = (
    options.identityProviders ?? [{ identityProviderId: 'lab-saml-idp', displayName: 'Lab SAML IdP', capabilities: ['saml2Post', 'saml2Redirect'] }]
  ).map((p) => ({ ...p, capabilities: [...p.capabilities] }));
  /** Set once the port is known (the SP's URLs contain it). */
  const ssoRef: { endpoints?: SsoEndpoints } = {};
  const statusList = options.statuses ?? defaultStatuses();
  const statusById = new Map(statusList.map((s) => [s.statusId, s]));
  const users = new Map((options.users ?? defaultUsers()).map((u) => [u.userId, u]));
  const availability: Availability = { accepting: true, alternateHostList: [...(options.alternateHostList ?? [])] };

  const userStates: LabStatusStore = options.statusStore ?? createLabStatusStore();
  for (const user of users.values()) {
    if (!statusById.has(user.initialStatusId)) throw new Error(`lab fixture: unknown initial status of ${user.userId}`);
    userStates.seed(user.userId, { statusId: user.initialStatusId, notes: '', forwardNumber: '', statusChanged: new Date() });
  }

  const requests: LabRequestRecord[] = [];
  const readJsonBody: ReadJson = (ctx, o) => readJson(ctx, maxBodyBytes, o);
  const sessions = createSessionTable({
    inactivityTimeoutMs: options.inactivityTimeoutMs ?? 120_000,
    endedSessionRetentionMs: options.endedSessionRetentionMs ?? 10 * 60_000,
  });
  const statuses = createStatuses({ users, statuses: statusList, statusById, userStates, sessions: sessions.map, serverName, readJson: readJsonBody, statusMessagesDelayMs: options.statusMessagesDelayMs ?? 0 });
  const connection = createConnection({
    users,
    sessions,
    availability,
    serverName,
    messagingVersion,
    allowIcAuth: options.allowIcAuth ?? true,
    icwsSdkLicensed: options.icwsSdkLicensed !== false,
    identityProviders,
    stations: new Set(options.stations ?? ['lab-station-1', 'lab-station-2']),
    readJson: readJsonBody,
  });
  const control = createControl({ users, statusById, sessions, statuses, availability, requests, issueSsoToken: connection.issueSsoToken, readJson: readJsonBody });

  const sessionRoutes: SessionRoute[] = [
    ...connection.routes,
    ...statuses.routes,
    ...messagingRoutes({ messagingVersion, ssePingIntervalMs: options.ssePingIntervalMs ?? 15_000, touch: sessions.touch }),
  ];

  function matchRoute(rest: string[]): { route: SessionRoute; params: string[] } | undefined {
    for (const route of sessionRoutes) {
      if (route.path.length !== rest.length) continue;
      const params: string[] = [];
      const ok = route.path.every((segment, i) => {
        if (segment.startsWith(':')) {
          params.push(rest[i]!);
          return true;
        }
        return segment === rest[i]!.toLowerCase();
      });
      if (ok) return { route, params };
    }
    return undefined;
  }

  async function handleSession(ctx: Ctx, sessionId: string, rest: string[]): Promise<void> {
    const match = matchRoute(rest);
    if (!match) return fail(ctx, icwsErrors.notFound());
    const method = ctx.req.method ?? 'GET';
    const handler = match.route.methods[method];
    if (!handler) return fail(ctx, icwsErrors.methodNotAllowed(Object.keys(match.route.methods)));
    const session = sessions.authenticate(ctx, sessionId, match.route.csrf ?? 'required');
    if (!session) return;
    // [ICWS-17] a lost session answers 401 everywhere but GET …/connection.
    if (session.state === 'down' && !(match.route.whenDown && method === 'GET')) return fail(ctx, icwsErrors.sessionRequired());
    sessions.touch(session);
    await handler(ctx, session, match.params);
  }

  // ---- dispatch ---------------------------------------------------------------------------------

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    let segments: string[];
    try {
      url = new URL(req.url ?? '/', 'http://lab.invalid');
      segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    } catch {
      sendJson(res, 400, icwsErrors.invalidRepresentation('The request URI is malformed.').body);
      req.resume();
      return;
    }
    const isLab = segments[0] === 'lab';
    const record: LabRequestRecord | null = isLab
      ? null
      : {
          time: new Date().toISOString(),
          method: req.method ?? '',
          path: url.pathname,
          hadCsrfHeader: req.headers['inin-icws-csrf-token'] !== undefined,
          csrfValid: false,
          hadCookie: req.headers.cookie !== undefined,
          cookieValid: false,
          status: 0,
        };
    if (record) {
      if (url.search) record.query = url.search.slice(1);
      const acceptLanguage = firstHeader(req.headers['accept-language']);
      if (acceptLanguage !== undefined) record.acceptLanguage = acceptLanguage;
      const accept = firstHeader(req.headers.accept);
      if (accept !== undefined) record.accept = accept;
      const contentType = firstHeader(req.headers['content-type']);
      if (contentType !== undefined) record.contentType = contentType;
      requests.push(record);
    }
    const ctx: Ctx = { req, res, url, record };
    const method = req.method ?? 'GET';
    const head = segments[0]?.toLowerCase();

    if (isLab) return control.handleLab(ctx, segments.slice(1));
    if (head !== 'icws') return fail(ctx, icwsErrors.notFound());
    const second = segments[1];
    if (second === undefined) return fail(ctx, icwsErrors.notFound());
    if (second.toLowerCase() === 'connection') {
      const sub = segments.slice(2).join('/').toLowerCase();
      if (sub === '') {
        if (method !== 'POST') return fail(ctx, icwsErrors.methodNotAllowed(['POST']));
        return connection.postConnection(ctx);
      }
      const sso = ssoRef.endpoints;
      if (sub.split('/')[0] === 'single-sign-on' && sso) {
        // [ICWS-10..13] the SAML service-provider endpoints (lab/icws/sso.ts).
        if (record) {
          if (record.query) record.query = redactSamlQuery(record.query);
          res.on('finish', () => (record.status = res.statusCode));
        }
        return sso.handle(req, res, url, segments.slice(3));
      }
      if (method !== 'GET') return fail(ctx, icwsErrors.methodNotAllowed(['GET']));
      if (sub === 'version') return reply(ctx, 200, VERSION_INFO);
      if (sub === 'features') return reply(ctx, 200, { featureInfoList: connection.featureList() });
      if (sub === 'server-info') return connection.serverInfo(ctx);
      return fail(ctx, icwsErrors.notFound());
    }
    if (/^\d+$/.test(second)) return handleSession(ctx, second, segments.slice(2));
    return fail(ctx, icwsErrors.notFound());
  }

  // The pair's other server changed a status: push it to this server's subscribers.
  const stopListening = userStates.onChange(statuses.pushStatus);

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, icwsErrors.internal().body);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const ssoControl = createSsoEndpoints({
    baseUrl: options.ssoPublicBaseUrl ?? `http://${urlHost}:${port}`,
    identityProviders,
    issueToken: (userId) => connection.issueSsoToken(userId),
    knownUser: (userId) => users.has(userId),
    maxBodyBytes: Math.max(maxBodyBytes, 256 * 1024),
    ...(options.ssoStsTokenHeader === undefined ? {} : { stsTokenHeader: options.ssoStsTokenHeader }),
  });
  ssoRef.endpoints = ssoControl;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    messagingVersion,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    sessions: () => [...sessions.map.values()].map(summary),
    userStatus: (userId) => (users.has(userId) && userStates.has(userId) ? statuses.userStatusJson(userId) : undefined),
    setUserStatus: (userId, statusId) => {
      if (!users.has(userId)) throw new Error(`lab: unknown user ${userId}`);
      if (!statusById.has(statusId)) throw new Error(`lab: unknown status ${statusId}`);
      statuses.applyStatus(userId, { statusId });
    },
    killSession: control.killSession,
    issueSsoToken: connection.issueSsoToken,
    setAcceptingConnections: control.setAcceptingConnections,
    switchover: control.switchover,
    switchback: control.switchback,
    stationOf: (sessionId) => sessions.map.get(sessionId)?.station,
    sso: ssoControl,
    close: async () => {
      stopListening();
      ssoControl.close();
      for (const session of [...sessions.map.values()]) sessions.forget(session);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
