// The ICWS lab's shapes: its options, the request log record, the session summary and user status it
// reports, the control surface tests use (IcwsLabServer), and the lab's own session record.
import type { ServerResponse } from 'node:http';
import type { LabStatusMessage, LabUser } from './fixture.ts';
import type { LabStatusStore } from './status-store.ts';
import type { LabIdentityProvider, LabSsoControl } from './sso.ts';

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
  /** A slow server: GET …/status/status-messages answers after this delay, so the subscription's
   *  first user-status message reaches the client before the status list does. Default 0. */
  statusMessagesDelayMs?: number;
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

/** One ICWS session as the lab keeps it (lab internals, not part of the control API). */
export interface Session {
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

export interface UserState {
  statusId: string;
  notes: string;
  forwardNumber: string;
  until?: string;
  statusChanged: Date;
}
