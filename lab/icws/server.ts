// The ICWS lab: an emulated Genesys PureConnect ICWS server over plain node:http on loopback.
// Written from the vendor docs (seed 000 and shared/protocols/icws.md), independently of any client,
// so a misreading in the client cannot hide in the server. Endpoints and error ids: lab/README.md.
import { randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { icwsErrors } from './errors.ts';
import type { IcwsErrorReply } from './errors.ts';
import { defaultStatuses, defaultUsers } from './fixture.ts';
import type { LabStatusMessage, LabUser } from './fixture.ts';
import { firstHeader, isJsonContentType, isLoopback, parseCookies, readBody, sendEmpty, sendJson } from './http-io.ts';
import { icwsDate, localise, sessionLanguage } from './texts.ts';
import { createSsoEndpoints, redactSamlQuery } from './sso.ts';
import { createLabStatusStore } from './status-store.ts';
import type { LabStatusStore } from './status-store.ts';
import type { LabIdentityProvider, LabSingleSignOnCapability, LabSsoControl, SsoEndpoints } from './sso.ts';

export type { LabStatusStore, LabStoredStatus } from './status-store.ts';
export { createLabStatusStore } from './status-store.ts';
export type { LabIdentityProvider, LabSamlIdentityProviderConfig, LabSingleSignOnCapability, LabSsoControl, LabSsoFailure } from './sso.ts';

export interface IcwsServerOptions {
  host?: string;
  port?: number;
  /** Version of the 'messaging' feature; 2 or more ⇒ server-sent events are offered. */
  messagingVersion?: 1 | 2;
  /** ICWS-15: 2 minutes on a real server; scale it down in tests. */
  inactivityTimeoutMs?: number;
  users?: LabUser[];
  statuses?: LabStatusMessage[];
  /** `icServer` of the connection response and `icServers` of user statuses. */
  serverName?: string;
  /** alternateHostList of a 201 (bare host names). Empty by default: nothing may target another host. */
  alternateHostList?: string[];
  /** Interval of `:ping` comments on an SSE stream. */
  ssePingIntervalMs?: number;
  /** How long GET /icws/{sid}/connection still describes a lost session [ICWS-17]. */
  endedSessionRetentionMs?: number;
  /** Request body cap; larger bodies get 413. */
  maxBodyBytes?: number;
  /** server-info authentication.allowIcAuth [ICWS-09]. */
  allowIcAuth?: boolean;
  /** Listed by server-info [ICWS-08]; each may point at a SAML IdP (`saml`) for the SSO endpoints. */
  identityProviders?: LabIdentityProvider[];
  /** /single-sign-on/return sends the ININ-STS-Token header (default true) [ICWS-11]. */
  ssoStsTokenHeader?: boolean;
  /** User statuses shared with the other server of a switchover pair (lab/icws/status-store.ts);
   *  by default this server keeps its own. */
  statusStore?: LabStatusStore;
  /** Workstations PUT …/connection/station accepts; any other name gets 400 [ICWS-26]. */
  stations?: string[];
  /** The public address the SAML SP names (entity id, ACS) when the server sits behind a front door,
   *  e.g. PureConnect Cloud's `…/api/{host}` [ICWS-24]; default this server's own address. */
  ssoPublicBaseUrl?: string;
  /** false models a server without the I3_FEATURE_ICWS_SDK licence: every connection is refused
   *  after authentication (seed 000) [ICWS-26]. Default true. */
  icwsSdkLicensed?: boolean;
}

export interface LabRequestRecord {
  time: string;
  method: string;
  path: string;
  query?: string;
  sessionId?: string;
  hadCsrfHeader: boolean;
  csrfValid: boolean;
  /** Session calls: the `icws_{sid}` cookie was sent; other calls: any Cookie header was sent. */
  hadCookie: boolean;
  cookieValid: boolean;
  acceptLanguage?: string;
  accept?: string;
  contentType?: string;
  /** 0 while no status has been sent yet. */
  status: number;
}

export interface LabSessionSummary {
  sessionId: string;
  userId: string;
  language: string;
  connectionState: 1 | 2;
  reason?: string;
  shouldReconnect?: boolean;
  messaging: 'none' | 'polling' | 'sse';
  sseOpen: boolean;
  heartbeatMode: boolean;
  subscribedUserIds: string[];
  queuedMessages: number;
  createdAt: string;
  lastActivityAt: string;
}

export interface LabUserStatus {
  userId: string;
  statusId: string;
  notes: string;
  forwardNumber: string;
  until?: string;
  onPhone: boolean;
  statusChanged: string;
  stations: string[];
  icServers: string[];
  loggedIn: boolean;
}

export interface IcwsLabServer {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly messagingVersion: 1 | 2;
  close(): Promise<void>;
  /** As a supervisor would: any known status, then a userStatusMessage to subscribers. Throws on unknown ids. */
  setUserStatus(userId: string, statusId: string, by?: string): void;
  userStatus(userId: string): LabUserStatus | undefined;
  /** Every /icws request (and unknown paths), oldest first. Lab control calls are not recorded. */
  readonly requests: LabRequestRecord[];
  clearRequests(): void;
  sessions(): LabSessionSummary[];
  /** Ends a live session as the server would [ICWS-17, ICWS-18]; false when there is no such live session. */
  /** shouldReconnect undefined ⇒ omitted from the message and GET …/connection (a server that says
   *  nothing: the client must not reconnect) [ICWS-19]. */
  killSession(sessionId: string, options: { reason: string; shouldReconnect?: boolean | undefined }): boolean;
  /** A single-use singleSignOnToken for `userId`, as a completed SAML sign-in yields [ICWS-14]. */
  issueSsoToken(userId: string): string;
  /** The SAML service-provider side: entity id, ACS URL, IdP configuration and SSO fault controls. */
  readonly sso: LabSsoControl;
  /** Fault control: while false, POST /icws/connection answers 503 + alternateHostList [ICWS-06]. */
  setAcceptingConnections(accepting: boolean, alternateHostList?: string[]): void;
  /** Fault control, a switchover: stop accepting (503 + `alternateHostList`, the backup) and end every
   *  live session with a localised reason and shouldReconnect true [ICWS-06, ICWS-17..19]. */
  switchover(alternateHostList?: string[]): void;
  /** Accept connections again (sessions that moved to the backup stay there). */
  switchback(): void;
  /** The workstation each live session chose with PUT …/connection/station, by session id. */
  stationOf(sessionId: string): string | undefined;
}

const TYPE_IC_AUTH = 'urn:inin.com:connection:icAuthConnectionRequestSettings';
const TYPE_AUTH_TOKEN = 'urn:inin.com:connection:authTokenConnectionRequestSettings';
const TYPE_SSO_TOKEN = 'urn:inin.com:connection:singleSignOnTokenConnectionRequestSettings';
const MSG_USER_STATUS = 'urn:inin.com:status:userStatusMessage';
const MSG_CONNECTION_STATE = 'urn:inin.com:connection:connectionStateChangeMessage';
const MAX_QUEUED_MESSAGES = 1000;
const AUTH_TOKEN_LIFETIME_MS = 7_000;
const SSO_TOKEN_LIFETIME_MS = 5 * 60_000;

const VERSION_INFO = {
  majorVersion: 17,
  minorVersion: 0,
  su: 0,
  build: 'LAB',
  productId: 'Patchbay ICWS lab',
  codebaseId: 'lab',
  productReleaseDisplayString: 'Lab 1',
  productPatchDisplayString: '',
} as const;

const LANGUAGES = [
  { languageID: 'en-US', languageDisplayName: 'English (United States)' },
  { languageID: 'de-DE', languageDisplayName: 'Deutsch (Deutschland)' },
  { languageID: 'fr-FR', languageDisplayName: 'français (France)' },
];

interface Session {
  id: string;
  userId: string;
  language: string;
  cookieValue: string;
  csrfToken: string;
  state: 'up' | 'down';
  reason?: string;
  shouldReconnect?: boolean;
  queue: object[];
  subscribedUserIds: Set<string> | null;
  sse: ServerResponse | null;
  pingTimer: NodeJS.Timeout | null;
  heartbeatMode: boolean;
  polled: boolean;
  station?: string;
  inactivityTimer: NodeJS.Timeout | null;
  retentionTimer: NodeJS.Timeout | null;
  createdAt: number;
  lastActivity: number;
}

interface UserState {
  statusId: string;
  notes: string;
  forwardNumber: string;
  until?: string;
  statusChanged: Date;
}

/** What a handler needs about one request. */
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  record: LabRequestRecord | null;
}

/** Sentinel: the body could not be read and an error reply has been sent. */
const REPLIED = Symbol('replied');

type JsonObject = Record<string, unknown>;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A required non-empty string property, or the ICWS error for it. */
function requiredString(body: JsonObject, name: string): string | IcwsErrorReply {
  const value = body[name];
  if (value === undefined || value === null || value === '') return icwsErrors.missingProperty(name);
  if (typeof value !== 'string') return icwsErrors.invalidRepresentation(`The property '${name}' must be a string.`, name);
  return value;
}

function optionalString(body: JsonObject, name: string): string | undefined | IcwsErrorReply {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return icwsErrors.invalidRepresentation(`The property '${name}' must be a string.`, name);
  return value;
}

function isError(value: unknown): value is IcwsErrorReply {
  return isObject(value) && typeof value['status'] === 'number' && isObject(value['body']);
}

function svgIcon(status: LabStatusMessage): string {
  const colour = status.isAcdStatus || status.groupTag === 'Available' ? '#2e9d4f' : status.isDoNotDisturbStatus ? '#c62828' : '#e0a100';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><circle cx="8" cy="8" r="7" fill="${colour}"/></svg>`;
}

export async function startIcwsServer(options: IcwsServerOptions = {}): Promise<IcwsLabServer> {
  const host = options.host ?? '127.0.0.1';
  const messagingVersion = options.messagingVersion ?? 2;
  const inactivityTimeoutMs = options.inactivityTimeoutMs ?? 120_000;
  const serverName = options.serverName ?? 'lab-ic';
  const ssePingIntervalMs = options.ssePingIntervalMs ?? 15_000;
  const endedSessionRetentionMs = options.endedSessionRetentionMs ?? 10 * 60_000;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const allowIcAuth = options.allowIcAuth ?? true;
  const identityProviders: LabIdentityProvider[] = (
    options.identityProviders ?? [{ identityProviderId: 'lab-saml-idp', displayName: 'Lab SAML IdP', capabilities: ['saml2Post', 'saml2Redirect'] }]
  ).map((p) => ({ ...p, capabilities: [...p.capabilities] }));
  /** Set once the port is known (the SP's URLs contain it). */
  const ssoRef: { endpoints?: SsoEndpoints } = {};
  const statuses = options.statuses ?? defaultStatuses();
  const statusById = new Map(statuses.map((s) => [s.statusId, s]));
  const users = new Map((options.users ?? defaultUsers()).map((u) => [u.userId, u]));
  let alternateHostList = [...(options.alternateHostList ?? [])];
  let accepting = true;

  const stations = new Set(options.stations ?? ['lab-station-1', 'lab-station-2']);
  const userStates: LabStatusStore = options.statusStore ?? createLabStatusStore();
  for (const user of users.values()) {
    if (!statusById.has(user.initialStatusId)) throw new Error(`lab fixture: unknown initial status of ${user.userId}`);
    userStates.seed(user.userId, { statusId: user.initialStatusId, notes: '', forwardNumber: '', statusChanged: new Date() });
  }

  const sessions = new Map<string, Session>();
  const authTokens = new Map<string, { seed: string; sourceSessionId: string; userId: string; expiresAt: number }>();
  const ssoTokens = new Map<string, { userId: string; expiresAt: number }>();
  const requests: LabRequestRecord[] = [];
  let nextRequestId = 1;

  // ---- user statuses -------------------------------------------------------------------------

  function userStatusJson(userId: string): LabUserStatus {
    const state = userStates.get(userId);
    if (!state) throw new Error('unknown user');
    const loggedIn = [...sessions.values()].some((s) => s.state === 'up' && s.userId === userId);
    return {
      userId,
      statusId: state.statusId,
      notes: state.notes,
      forwardNumber: state.forwardNumber,
      ...(state.until === undefined ? {} : { until: state.until }),
      onPhone: false,
      statusChanged: icwsDate(state.statusChanged),
      stations: [...sessions.values()].filter((s) => s.state === 'up' && s.userId === userId && s.station !== undefined).map((s) => s.station!),
      icServers: [serverName],
      loggedIn,
    };
  }

  function applyStatus(userId: string, change: { statusId: string; notes?: string; forwardNumber?: string; until?: string }): void {
    const next: UserState = {
      statusId: change.statusId,
      notes: change.notes ?? '',
      forwardNumber: change.forwardNumber ?? '',
      statusChanged: new Date(),
    };
    if (change.until !== undefined) next.until = change.until;
    // The store tells every server of the pair, this one included (pushStatus).
    userStates.set(userId, next);
  }

  function pushStatus(userId: string): void {
    if (!users.has(userId)) return;
    // Subscribers learn of the change as a delta carrying only the changed user.
    for (const session of sessions.values()) {
      if (session.state === 'up' && session.subscribedUserIds?.has(userId)) {
        push(session, { __type: MSG_USER_STATUS, isDelta: true, userStatusList: [userStatusJson(userId)] });
      }
    }
  }

  // ---- sessions and messaging ------------------------------------------------------------------

  function newSessionId(): string {
    for (;;) {
      const id = String(randomInt(10_000_000, 99_999_999));
      if (!sessions.has(id)) return id;
    }
  }

  function writeEvent(res: ServerResponse, message: object): void {
    // One ICWS message per event; JSON.stringify never emits a raw newline, so one data line suffices.
    res.write(`data: ${JSON.stringify(message)}\n\n`);
  }

  function push(session: Session, message: object): void {
    if (session.state !== 'up') return;
    if (session.sse) {
      writeEvent(session.sse, message);
      return;
    }
    session.queue.push(message);
    if (session.queue.length > MAX_QUEUED_MESSAGES) session.queue.shift();
  }

  function closeStream(session: Session): void {
    if (session.pingTimer) clearInterval(session.pingTimer);
    session.pingTimer = null;
    const stream = session.sse;
    session.sse = null;
    if (stream && !stream.writableEnded) stream.end();
  }

  /** Resets the inactivity timer [ICWS-15]. An open SSE stream keeps the session alive unless the
   *  client asked for the heartbeat option (seed 000, option 3), which then needs heartbeats. */
  function touch(session: Session): void {
    session.lastActivity = Date.now();
    if (session.inactivityTimer) clearTimeout(session.inactivityTimer);
    session.inactivityTimer = null;
    if (session.state !== 'up') return;
    if (session.sse && !session.heartbeatMode) return;
    session.inactivityTimer = setTimeout(() => {
      endSession(session, localise(session.language, 'inactivityTimeout'), true);
    }, inactivityTimeoutMs);
    session.inactivityTimer.unref();
  }

  /** The session goes down but stays describable by GET …/connection for a while [ICWS-17, ICWS-18]. */
  function endSession(session: Session, reason: string, shouldReconnect: boolean | undefined): void {
    if (session.state !== 'up') return;
    if (session.sse) {
      writeEvent(session.sse, {
        __type: MSG_CONNECTION_STATE,
        previousConnectionState: 1,
        newConnectionState: 2,
        reason,
        ...(shouldReconnect === undefined ? {} : { shouldReconnect }),
      });
    }
    closeStream(session);
    session.state = 'down';
    session.reason = reason;
    if (shouldReconnect === undefined) delete session.shouldReconnect;
    else session.shouldReconnect = shouldReconnect;
    session.queue = [];
    session.subscribedUserIds = null;
    if (session.inactivityTimer) clearTimeout(session.inactivityTimer);
    session.inactivityTimer = null;
    session.retentionTimer = setTimeout(() => sessions.delete(session.id), endedSessionRetentionMs);
    session.retentionTimer.unref();
  }

  function forgetSession(session: Session): void {
    closeStream(session);
    session.state = 'down';
    if (session.inactivityTimer) clearTimeout(session.inactivityTimer);
    if (session.retentionTimer) clearTimeout(session.retentionTimer);
    sessions.delete(session.id);
  }

  function createSession(user: LabUser, language: string): Session {
    const session: Session = {
      id: newSessionId(),
      userId: user.userId,
      language,
      cookieValue: `${randomUUID()}|languageId=${language}`,
      csrfToken: randomBytes(24).toString('base64'),
      state: 'up',
      queue: [],
      subscribedUserIds: null,
      sse: null,
      pingTimer: null,
      heartbeatMode: false,
      polled: false,
      inactivityTimer: null,
      retentionTimer: null,
      createdAt: Date.now(),
      lastActivity: Date.now(),
    };
    sessions.set(session.id, session);
    touch(session);
    return session;
  }

  // ---- request plumbing ------------------------------------------------------------------------

  function reply(ctx: Ctx, status: number, body: unknown, headers?: Record<string, string>): void {
    if (ctx.record) ctx.record.status = status;
    sendJson(ctx.res, status, body, headers);
  }

  function replyEmpty(ctx: Ctx, status: number, headers?: Record<string, string>): void {
    if (ctx.record) ctx.record.status = status;
    sendEmpty(ctx.res, status, headers);
  }

  function fail(ctx: Ctx, error: IcwsErrorReply): void {
    const headers: Record<string, string> = { ...(error.headers ?? {}) };
    // A 413 or a body not read to the end leaves the connection in an unknown state: close it.
    if (error.status === 413) headers['Connection'] = 'close';
    reply(ctx, error.status, error.body, headers);
  }

  /** Reads a JSON body: 413 over the cap, 415 for a non-JSON media type, 400 when malformed. */
  async function readJson(ctx: Ctx, options: { lenientType?: boolean } = {}): Promise<unknown> {
    const body = await readBody(ctx.req, maxBodyBytes);
    if (body.kind === 'too-large') {
      fail(ctx, icwsErrors.entityTooLarge(maxBodyBytes));
      return REPLIED;
    }
    if (body.kind === 'aborted') {
      ctx.res.destroy();
      return REPLIED;
    }
    if (options.lenientType && body.text.trim() === '') return {};
    if (!options.lenientType && !isJsonContentType(ctx.req.headers['content-type'])) {
      fail(ctx, icwsErrors.unsupportedMediaType());
      return REPLIED;
    }
    if (body.text.trim() === '') {
      fail(ctx, icwsErrors.invalidRepresentation('The request body is empty.'));
      return REPLIED;
    }
    try {
      return JSON.parse(body.text) as unknown;
    } catch {
      fail(ctx, icwsErrors.invalidRepresentation('The request body is not valid JSON.'));
      return REPLIED;
    }
  }

  /** Checks cookie and CSRF header of a session call [ICWS-04]; records the facts. */
  function authenticate(ctx: Ctx, sessionId: string, csrf: 'required' | 'if-present'): Session | undefined {
    const session = sessions.get(sessionId);
    const cookie = parseCookies(firstHeader(ctx.req.headers.cookie)).get(`icws_${sessionId}`);
    const csrfHeader = firstHeader(ctx.req.headers['inin-icws-csrf-token']);
    const cookieValid = session !== undefined && cookie !== undefined && sameSecret(cookie, session.cookieValue);
    const csrfValid = session !== undefined && csrfHeader !== undefined && sameSecret(csrfHeader, session.csrfToken);
    if (ctx.record) {
      ctx.record.sessionId = sessionId;
      ctx.record.hadCookie = cookie !== undefined;
      ctx.record.cookieValid = cookieValid;
      ctx.record.hadCsrfHeader = csrfHeader !== undefined;
      ctx.record.csrfValid = csrfValid;
    }
    if (!session || !cookieValid) {
      fail(ctx, icwsErrors.sessionRequired());
      return undefined;
    }
    // EventSource cannot set headers, so the messages call may omit CSRF — but a sent one must match.
    if (csrf === 'required' ? !csrfValid : csrfHeader !== undefined && !csrfValid) {
      fail(ctx, icwsErrors.csrfTokenRequired());
      return undefined;
    }
    return session;
  }

  // ---- POST /icws/connection --------------------------------------------------------------------

  type Authenticated = { user: LabUser; disconnect?: Session } | IcwsErrorReply;

  function authenticateSettings(body: JsonObject): Authenticated {
    const type = body['__type'];
    const applicationName = requiredString(body, 'applicationName');
    if (type === TYPE_IC_AUTH) {
      if (isError(applicationName)) return applicationName;
      const userID = requiredString(body, 'userID');
      if (isError(userID)) return userID;
      const password = requiredString(body, 'password');
      if (isError(password)) return password;
      if (!allowIcAuth) return icwsErrors.icAuthNotAllowed();
      const user = users.get(userID);
      if (!user || !sameSecret(password, user.password)) return icwsErrors.authenticationFailure();
      return { user };
    }
    if (type === TYPE_AUTH_TOKEN) {
      if (isError(applicationName)) return applicationName;
      const fields: Record<string, string> = {};
      for (const name of ['authTokenSeed', 'authToken', 'authTokenSourceSession']) {
        const value = requiredString(body, name);
        if (isError(value)) return value;
        fields[name] = value;
      }
      const known = authTokens.get(fields['authToken']!);
      // Single use, whatever the outcome.
      authTokens.delete(fields['authToken']!);
      const user = known ? users.get(known.userId) : undefined;
      if (!known || !user || known.expiresAt < Date.now() || known.seed !== fields['authTokenSeed'] || known.sourceSessionId !== fields['authTokenSourceSession']) {
        return icwsErrors.authenticationFailure();
      }
      const source = sessions.get(known.sourceSessionId);
      return body['disconnectSourceSession'] === true && source ? { user, disconnect: source } : { user };
    }
    if (type === TYPE_SSO_TOKEN) {
      if (isError(applicationName)) return applicationName;
      const token = requiredString(body, 'singleSignOnToken');
      if (isError(token)) return token;
      const known = ssoTokens.get(token);
      ssoTokens.delete(token);
      const user = known ? users.get(known.userId) : undefined;
      if (!known || !user || known.expiresAt < Date.now()) return icwsErrors.singleSignOnFailure();
      return { user };
    }
    if (type === undefined) return icwsErrors.missingProperty('__type');
    return icwsErrors.invalidRepresentation(
      'The body must be exactly one of icAuthConnectionRequestSettings, authTokenConnectionRequestSettings or singleSignOnTokenConnectionRequestSettings.',
      '__type',
    );
  }

  async function postConnection(ctx: Ctx): Promise<void> {
    // [ICWS-01] Accept-Language is required and fixes the session language.
    const language = sessionLanguage(firstHeader(ctx.req.headers['accept-language']));
    if (language === undefined) {
      ctx.req.resume();
      fail(ctx, icwsErrors.missingAcceptLanguage());
      return;
    }
    const parsed = await readJson(ctx);
    if (parsed === REPLIED) return;
    if (!accepting) {
      fail(ctx, icwsErrors.notAcceptingConnections(alternateHostList));
      return;
    }
    // [ICWS-02] exactly one connection-settings representation.
    if (!isObject(parsed)) {
      fail(ctx, icwsErrors.invalidRepresentation('The body must be one connection request settings object.'));
      return;
    }
    const outcome = authenticateSettings(parsed);
    if (isError(outcome)) {
      fail(ctx, outcome);
      return;
    }
    if (options.icwsSdkLicensed === false) {
      fail(ctx, icwsErrors.icwsSdkLicenseMissing());
      return;
    }
    if (outcome.disconnect) forgetSession(outcome.disconnect);
    const session = createSession(outcome.user, language);
    const include = new Set(ctx.url.searchParams.getAll('include').flatMap((v) => v.split(',')).map((v) => v.trim()));
    const body: JsonObject = {
      csrfToken: session.csrfToken,
      sessionId: session.id,
      alternateHostList,
      userID: outcome.user.userId,
      userDisplayName: outcome.user.displayName,
      icServer: serverName,
    };
    if (include.has('version')) body['version'] = VERSION_INFO;
    if (include.has('features')) body['features'] = featureList();
    if (include.has('server-time')) body['serverTimeInfo'] = { serverTime: icwsDate(new Date()) };
    if (include.has('default-workstation')) body['defaultWorkstationId'] = '';
    // [ICWS-03] the four headers of a 201.
    reply(ctx, 201, body, {
      'ININ-ICWS-Session-ID': session.id,
      'ININ-ICWS-CSRF-Token': session.csrfToken,
      Location: `/icws/${session.id}/connection`,
      'Set-Cookie': `icws_${session.id}=${session.cookieValue}; Path=/icws/${session.id}; HttpOnly`,
    });
  }

  function featureList(): Array<{ featureId: string; version: number }> {
    return [
      { featureId: 'connection', version: 2 },
      { featureId: 'messaging', version: messagingVersion },
      { featureId: 'status', version: 1 },
    ];
  }

  function serverInfo(ctx: Ctx): void {
    // [ICWS-08] no identity provider unless the client names the bindings it supports.
    const capabilities = (ctx.url.searchParams.get('singleSignOnCapabilities') ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter((c): c is LabSingleSignOnCapability => c === 'saml2Post' || c === 'saml2Redirect');
    const listed = identityProviders
      .filter((idp) => idp.capabilities.some((c) => capabilities.includes(c)))
      .map((idp) => ({ identityProviderId: idp.identityProviderId, displayName: idp.displayName }));
    reply(ctx, 200, {
      languages: LANGUAGES,
      acceptLanguage: firstHeader(ctx.req.headers['accept-language']) ?? 'en-US',
      authentication: { allowIcAuth, identityProviders: listed },
    });
  }

  // ---- session endpoints ------------------------------------------------------------------------

  type SessionHandler = (ctx: Ctx, session: Session, params: string[]) => void | Promise<void>;

  interface SessionRoute {
    path: string[];
    methods: Record<string, SessionHandler>;
    csrf?: 'required' | 'if-present';
    /** Answers even when the session is down [ICWS-17]. */
    whenDown?: boolean;
  }

  function connectionState(ctx: Ctx, session: Session): void {
    if (session.state === 'down') {
      reply(ctx, 200, { connectionState: 2, reason: session.reason ?? '', ...(session.shouldReconnect === undefined ? {} : { shouldReconnect: session.shouldReconnect }) });
      return;
    }
    reply(ctx, 200, { connectionState: 1, reason: localise(session.language, 'connected'), shouldReconnect: false });
  }

  function lookupUser(ctx: Ctx, userId: string): LabUser | undefined {
    const user = users.get(userId);
    if (!user) fail(ctx, icwsErrors.userNotFound(userId));
    return user;
  }

  async function putUserStatus(ctx: Ctx, session: Session, userId: string): Promise<void> {
    const body = await readJson(ctx);
    if (body === REPLIED) return;
    if (!lookupUser(ctx, userId)) return;
    if (userId !== session.userId) {
      fail(ctx, icwsErrors.accessDenied('A user may only set their own status.'));
      return;
    }
    if (!isObject(body)) {
      fail(ctx, icwsErrors.invalidRepresentation('The body must be a user status object.'));
      return;
    }
    const statusId = requiredString(body, 'statusId');
    if (isError(statusId)) return fail(ctx, statusId);
    const notes = optionalString(body, 'notes');
    if (isError(notes)) return fail(ctx, notes);
    const forwardNumber = optionalString(body, 'forwardNumber');
    if (isError(forwardNumber)) return fail(ctx, forwardNumber);
    const until = optionalString(body, 'until');
    if (isError(until)) return fail(ctx, until);
    const status = statusById.get(statusId);
    if (!status) return fail(ctx, icwsErrors.unknownStatus());
    const user = users.get(userId)!;
    if (!status.isSelectableStatus || !user.allowedStatusIds.includes(statusId)) return fail(ctx, icwsErrors.statusNotAllowed());
    const change: { statusId: string; notes?: string; forwardNumber?: string; until?: string } = { statusId };
    if (notes !== undefined) change.notes = notes;
    if (forwardNumber !== undefined) change.forwardNumber = forwardNumber;
    if (until !== undefined) change.until = until;
    applyStatus(userId, change);
    reply(ctx, 202, { requestId: String(nextRequestId++) });
  }

  /** PUT …/connection/station with workstationSettings (icws.md "station"); an unknown station → 400. */
  async function putStation(ctx: Ctx, session: Session): Promise<void> {
    const body = await readJson(ctx);
    if (body === REPLIED) return;
    if (!isObject(body)) return fail(ctx, icwsErrors.invalidRepresentation('The body must be a station settings object.'));
    if (body['__type'] !== undefined && body['__type'] !== 'urn:inin.com:connection:workstationSettings') {
      return fail(ctx, icwsErrors.invalidRepresentation('Only workstationSettings are supported by the lab.', '__type'));
    }
    const workstation = requiredString(body, 'workstation');
    if (isError(workstation)) return fail(ctx, workstation);
    if (!stations.has(workstation)) return fail(ctx, icwsErrors.stationNotFound(workstation));
    session.station = workstation;
    reply(ctx, 200, { workstation });
  }

  async function putStatusSubscription(ctx: Ctx, session: Session): Promise<void> {
    const body = await readJson(ctx);
    if (body === REPLIED) return;
    if (!isObject(body)) return fail(ctx, icwsErrors.invalidRepresentation('The body must be a subscription object.'));
    const userIds = body['userIds'];
    if (userIds === undefined) return fail(ctx, icwsErrors.missingProperty('userIds'));
    if (!Array.isArray(userIds) || userIds.length === 0 || !userIds.every((id) => typeof id === 'string')) {
      return fail(ctx, icwsErrors.invalidRepresentation("The property 'userIds' must be a non-empty list of user ids.", 'userIds'));
    }
    const ids = [...new Set(userIds as string[])];
    if (!ids.every((id) => users.has(id))) return fail(ctx, icwsErrors.unknownUserIds());
    session.subscribedUserIds = new Set(ids);
    // The first message after a subscribe replaces the client's cache (icws.md §3).
    push(session, { __type: MSG_USER_STATUS, isDelta: false, userStatusList: ids.map(userStatusJson) });
    replyEmpty(ctx, 200);
  }

  function getMessages(ctx: Ctx, session: Session): void {
    const accept = (firstHeader(ctx.req.headers.accept) ?? '').toLowerCase();
    if (accept.includes('text/event-stream') && messagingVersion >= 2) {
      openStream(ctx, session);
      return;
    }
    // Short polling: the queued messages, and the queue drains [ICWS-15, option 2].
    session.polled = true;
    const messages = session.queue;
    session.queue = [];
    reply(ctx, 200, messages);
  }

  function openStream(ctx: Ctx, session: Session): void {
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
    }, ssePingIntervalMs);
    session.pingTimer.unref();
    res.on('close', () => {
      if (session.sse !== res) return;
      closeStream(session);
      // [ICWS-15] without the stream the 2-minute clock runs again.
      touch(session);
    });
    touch(session);
  }

  function postUniqueAuthToken(ctx: Ctx, session: Session): Promise<void> {
    return readJson(ctx).then((body) => {
      if (body === REPLIED) return;
      if (!isObject(body)) return fail(ctx, icwsErrors.invalidRepresentation('The body must be an object.'));
      const seed = requiredString(body, 'authTokenSeed');
      if (isError(seed)) return fail(ctx, seed);
      const authToken = randomBytes(24).toString('base64url');
      authTokens.set(authToken, { seed, sourceSessionId: session.id, userId: session.userId, expiresAt: Date.now() + AUTH_TOKEN_LIFETIME_MS });
      reply(ctx, 201, { authToken });
    });
  }

  const sessionRoutes: SessionRoute[] = [
    {
      path: ['connection'],
      whenDown: true,
      methods: {
        GET: (ctx, session) => connectionState(ctx, session),
        DELETE: (ctx, session) => {
          forgetSession(session);
          replyEmpty(ctx, 204);
        },
      },
    },
    { path: ['connection', 'station'], methods: { PUT: (ctx, session) => putStation(ctx, session) } },
    { path: ['connection', 'unique-auth-token'], methods: { POST: (ctx, session) => postUniqueAuthToken(ctx, session) } },
    {
      path: ['status', 'status-messages'],
      methods: {
        GET: (ctx, session) =>
          reply(ctx, 200, { statusMessageList: statuses.map((s) => ({ ...s, iconUri: s.iconUri.replace('{sessionId}', session.id) })) }),
      },
    },
    {
      path: ['status', 'status-messages-user-access', ':userId'],
      methods: {
        GET: (ctx, _session, [userId]) => {
          const user = lookupUser(ctx, userId!);
          if (user) reply(ctx, 200, { userId: user.userId, statusMessages: user.allowedStatusIds });
        },
      },
    },
    {
      path: ['status', 'user-statuses', ':userId'],
      methods: {
        GET: (ctx, _session, [userId]) => {
          if (lookupUser(ctx, userId!)) reply(ctx, 200, userStatusJson(userId!));
        },
        PUT: (ctx, session, [userId]) => putUserStatus(ctx, session, userId!),
      },
    },
    {
      path: ['status', 'status-message-icons', ':statusId'],
      methods: {
        GET: (ctx, _session, [statusId]) => {
          const status = statusById.get(statusId!);
          if (!status) return fail(ctx, icwsErrors.notFound());
          if (ctx.record) ctx.record.status = 200;
          const svg = svgIcon(status);
          ctx.res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Content-Length': String(Buffer.byteLength(svg)) });
          ctx.res.end(svg);
        },
      },
    },
    { path: ['messaging', 'messages'], csrf: 'if-present', methods: { GET: (ctx, session) => getMessages(ctx, session) } },
    // seed 000, option 3: heartbeat → 204 [ICWS-16]
    { path: ['messaging', 'heartbeat'], methods: { POST: (ctx) => replyEmpty(ctx, 204) } },
    {
      path: ['messaging', 'subscriptions', 'status', 'user-statuses'],
      methods: {
        PUT: (ctx, session) => putStatusSubscription(ctx, session),
        DELETE: (ctx, session) => {
          session.subscribedUserIds = null;
          replyEmpty(ctx, 204);
        },
      },
    },
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
    const session = authenticate(ctx, sessionId, match.route.csrf ?? 'required');
    if (!session) return;
    // [ICWS-17] a lost session answers 401 everywhere but GET …/connection.
    if (session.state === 'down' && !(match.route.whenDown && method === 'GET')) return fail(ctx, icwsErrors.sessionRequired());
    touch(session);
    await handler(ctx, session, match.params);
  }

  // ---- lab control (/lab/...) -------------------------------------------------------------------

  function summary(session: Session): LabSessionSummary {
    const s: LabSessionSummary = {
      sessionId: session.id,
      userId: session.userId,
      language: session.language,
      connectionState: session.state === 'up' ? 1 : 2,
      messaging: session.sse ? 'sse' : session.polled ? 'polling' : 'none',
      sseOpen: session.sse !== null,
      heartbeatMode: session.heartbeatMode,
      subscribedUserIds: [...(session.subscribedUserIds ?? [])],
      queuedMessages: session.queue.length,
      createdAt: new Date(session.createdAt).toISOString(),
      lastActivityAt: new Date(session.lastActivity).toISOString(),
    };
    if (session.reason !== undefined) s.reason = session.reason;
    if (session.shouldReconnect !== undefined) s.shouldReconnect = session.shouldReconnect;
    return s;
  }

  async function handleLab(ctx: Ctx, rest: string[]): Promise<void> {
    if (!isLoopback(ctx.req.socket.remoteAddress)) return fail(ctx, icwsErrors.accessDenied('Lab control is loopback only.'));
    const method = ctx.req.method ?? 'GET';
    const route = rest.join('/');
    if (method === 'GET' && route === 'requests') return reply(ctx, 200, requests);
    if (method === 'POST' && route === 'requests/clear') {
      requests.length = 0;
      return replyEmpty(ctx, 204);
    }
    if (method === 'GET' && route === 'sessions') return reply(ctx, 200, [...sessions.values()].map(summary));
    if (method === 'POST' && rest.length === 3 && rest[0] === 'users' && rest[2] === 'status') {
      const body = await readJson(ctx, { lenientType: true });
      if (body === REPLIED) return;
      const statusId = isObject(body) ? body['statusId'] : undefined;
      if (typeof statusId !== 'string') return fail(ctx, icwsErrors.missingProperty('statusId'));
      if (!users.has(rest[1]!)) return fail(ctx, icwsErrors.userNotFound(rest[1]!));
      if (!statusById.has(statusId)) return fail(ctx, icwsErrors.unknownStatus());
      applyStatus(rest[1]!, { statusId });
      return reply(ctx, 200, userStatusJson(rest[1]!));
    }
    if (method === 'POST' && rest.length === 3 && rest[0] === 'sessions' && rest[2] === 'kill') {
      const body = await readJson(ctx, { lenientType: true });
      if (body === REPLIED) return;
      const o = isObject(body) ? body : {};
      const session = sessions.get(rest[1]!);
      const reason = typeof o['reason'] === 'string' ? o['reason'] : session ? localise(session.language, 'killed') : '';
      const killed = killSession(rest[1]!, { reason, shouldReconnect: o['shouldReconnect'] === true });
      return killed ? replyEmpty(ctx, 204) : fail(ctx, icwsErrors.notFound());
    }
    if (method === 'POST' && route === 'accepting') {
      const body = await readJson(ctx, { lenientType: true });
      if (body === REPLIED) return;
      const o = isObject(body) ? body : {};
      if (typeof o['accepting'] !== 'boolean') return fail(ctx, icwsErrors.missingProperty('accepting'));
      const hosts = Array.isArray(o['alternateHostList']) ? o['alternateHostList'].filter((h): h is string => typeof h === 'string') : undefined;
      setAcceptingConnections(o['accepting'], hosts);
      return replyEmpty(ctx, 204);
    }
    if (method === 'POST' && route === 'switchover') {
      switchover();
      return replyEmpty(ctx, 204);
    }
    if (method === 'POST' && route === 'switchback') {
      switchback();
      return replyEmpty(ctx, 204);
    }
    if (method === 'POST' && route === 'sso-tokens') {
      const body = await readJson(ctx, { lenientType: true });
      if (body === REPLIED) return;
      const userId = isObject(body) ? body['userId'] : undefined;
      if (typeof userId !== 'string') return fail(ctx, icwsErrors.missingProperty('userId'));
      if (!users.has(userId)) return fail(ctx, icwsErrors.userNotFound(userId));
      return reply(ctx, 201, { singleSignOnToken: issueSsoToken(userId) });
    }
    return fail(ctx, icwsErrors.notFound());
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

    if (isLab) return handleLab(ctx, segments.slice(1));
    if (head !== 'icws') return fail(ctx, icwsErrors.notFound());
    const second = segments[1];
    if (second === undefined) return fail(ctx, icwsErrors.notFound());
    if (second.toLowerCase() === 'connection') {
      const sub = segments.slice(2).join('/').toLowerCase();
      if (sub === '') {
        if (method !== 'POST') return fail(ctx, icwsErrors.methodNotAllowed(['POST']));
        return postConnection(ctx);
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
      if (sub === 'features') return reply(ctx, 200, { featureInfoList: featureList() });
      if (sub === 'server-info') return serverInfo(ctx);
      return fail(ctx, icwsErrors.notFound());
    }
    if (/^\d+$/.test(second)) return handleSession(ctx, second, segments.slice(2));
    return fail(ctx, icwsErrors.notFound());
  }

  // ---- public API -------------------------------------------------------------------------------

  function killSession(sessionId: string, o: { reason: string; shouldReconnect?: boolean | undefined }): boolean {
    const session = sessions.get(sessionId);
    if (!session || session.state !== 'up') return false;
    endSession(session, o.reason, o.shouldReconnect);
    return true;
  }

  function issueSsoToken(userId: string): string {
    if (!users.has(userId)) throw new Error(`lab: unknown user ${userId}`);
    const token = randomBytes(32).toString('base64url');
    ssoTokens.set(token, { userId, expiresAt: Date.now() + SSO_TOKEN_LIFETIME_MS });
    return token;
  }

  function setAcceptingConnections(value: boolean, hosts?: string[]): void {
    accepting = value;
    if (hosts) alternateHostList = [...hosts];
  }

  // The pair's other server changed a status: push it to this server's subscribers.
  const stopListening = userStates.onChange(pushStatus);
  /** The alternate host list given at start (the backup of a pair), for switchover(). */
  const configuredAlternates = [...alternateHostList];

  function switchover(hosts?: string[]): void {
    setAcceptingConnections(false, hosts ?? configuredAlternates);
    for (const session of [...sessions.values()]) {
      if (session.state === 'up') endSession(session, localise(session.language, 'switchover'), true);
    }
  }

  function switchback(): void {
    setAcceptingConnections(true, configuredAlternates);
  }

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
    issueToken: (userId) => issueSsoToken(userId),
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
    sessions: () => [...sessions.values()].map(summary),
    userStatus: (userId) => (users.has(userId) && userStates.has(userId) ? userStatusJson(userId) : undefined),
    setUserStatus: (userId, statusId) => {
      if (!users.has(userId)) throw new Error(`lab: unknown user ${userId}`);
      if (!statusById.has(statusId)) throw new Error(`lab: unknown status ${statusId}`);
      applyStatus(userId, { statusId });
    },
    killSession,
    issueSsoToken,
    setAcceptingConnections,
    switchover,
    switchback,
    stationOf: (sessionId) => sessions.get(sessionId)?.station,
    sso: ssoControl,
    close: async () => {
      stopListening();
      ssoControl.close();
      for (const session of [...sessions.values()]) forgetSession(session);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
