// The Finesse lab cluster's model: agent states (DG 12.5), the per-user runtime both nodes share,
// dialogs, the notification event, snapshots, the request log record and the cluster options.
import type { IdsLabServer } from '../ids/server.ts';
import type { DeploymentType, FinesseLabUser, FinesseReasonCode, SystemAuthMode } from './fixture.ts';

/** DG 12.5 User states. */
export const AGENT_STATES = ['LOGOUT', 'NOT_READY', 'READY', 'RESERVED', 'RESERVED_OUTBOUND', 'RESERVED_OUTBOUND_PREVIEW', 'TALKING', 'HOLD', 'WORK', 'WORK_READY', 'UNKNOWN'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** States in which a call holds the agent: READY/NOT_READY requests wait as pendingState. */
export const IN_CALL: ReadonlySet<AgentState> = new Set(['RESERVED', 'RESERVED_OUTBOUND', 'RESERVED_OUTBOUND_PREVIEW', 'TALKING', 'HOLD']);

export interface LabDialog {
  id: string;
  fromAddress: string;
  toAddress: string;
  state: 'ALERTING' | 'ACTIVE' | 'HELD' | 'DROPPED';
  startTime: Date;
  stateChangeTime: Date;
}

export interface UserRuntime {
  user: FinesseLabUser;
  state: AgentState;
  stateChangeTime: Date;
  /** '-1' when none (logged-out agents and READY). */
  reasonCodeId: string;
  extension: string;
  pendingState: '' | 'READY' | 'NOT_READY' | 'LOGOUT';
  pendingReasonCodeId: string;
  dialogs: Map<string, LabDialog>;
  failedLogins: number;
  lockedUntil: number;
  forcedLogoutTimer: NodeJS.Timeout | null;
}

export interface PubsubEvent {
  /** loginId of the user whose sessions get it. */
  userId: string;
  node: string;
  updateXml: string;
}

export interface LabUserSnapshot {
  loginId: string;
  loginName: string;
  state: AgentState;
  reasonCodeId: string;
  extension: string;
  pendingState: string;
  stateChangeTime: string;
  dialogs: string[];
}

export interface FinesseRequestRecord {
  time: string;
  node: string;
  method: string;
  path: string;
  query?: string;
  /** The scheme of the Authorization header, if any. */
  auth: 'none' | 'basic' | 'bearer' | 'other';
  /** The verdict on the credentials (never their value). */
  authResult?: 'ok' | 'bad-credentials' | 'locked' | 'wrong-mode' | 'token-invalid' | 'token-expired' | 'token-revoked' | 'unknown-user';
  contentType?: string;
  requestId?: string;
  /** `/desktop/sso/token`: the names (never the values) of the cookies the request carried. */
  cookies?: string[];
  status: number;
}

export interface ClusterOptions {
  deploymentType: DeploymentType;
  systemAuthMode: SystemAuthMode;
  users: FinesseLabUser[];
  reasonCodes: FinesseReasonCode[];
  xmppDomain: string;
  xmppPubSubDomain: string;
  ids: IdsLabServer;
  /** [PRES] 60 000; scale down in tests. */
  forcedLogoutMs: number;
  /** [PRES] UCCX logs out; UCCE follows LOAD (the lab default is logout; 'not-ready' models LOAD off). */
  forcedLogoutAction: 'logout' | 'not-ready';
  /** Delay of the emulated CTI server before a 202'd request takes effect. */
  ctiDelayMs: number;
  lockoutThreshold: number;
  lockoutMs: number;
}
