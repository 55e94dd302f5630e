// The state both Finesse nodes share — what the CTI server and the configuration database hold in a
// real deployment: agents' states, dialogs, reason codes, the clock — plus the notification fan-out
// to every node's XMPP service and the forced-logout rule ([PRES]: 60 s after presence goes away).
// The model types live in cluster-model.ts, the REST/notification objects in objects.ts.
import { randomInt } from 'node:crypto';
import type { FinesseReasonCode, UserAuthMode } from './fixture.ts';
import { IN_CALL } from './cluster-model.ts';
import type { AgentState, ClusterOptions, FinesseRequestRecord, LabDialog, LabUserSnapshot, PubsubEvent, UserRuntime } from './cluster-model.ts';
import { apiErrorObject, dialogObject, reasonCodeObject, userObject } from './objects.ts';
import type { CtiError } from './objects.ts';
import { buildXml } from './xml.ts';

export { AGENT_STATES } from './cluster-model.ts';
export type { AgentState, ClusterOptions, FinesseRequestRecord, LabDialog, LabUserSnapshot, PubsubEvent, UserRuntime } from './cluster-model.ts';

type Verdict<T> = { ok: true; value: T } | { ok: false; reason: NonNullable<FinesseRequestRecord['authResult']> };

export class FinesseCluster {
  readonly options: ClusterOptions;
  readonly users = new Map<string, UserRuntime>();
  readonly requests: FinesseRequestRecord[] = [];
  private readonly listeners = new Set<(event: PubsubEvent) => void>();
  private readonly availability: Array<(loginId: string) => number> = [];
  private skewMs = 0;
  private nextDialogId = 16_777_300 + randomInt(1000);
  private closed = false;

  constructor(options: ClusterOptions) {
    this.options = options;
    for (const user of options.users) {
      this.users.set(user.loginId, {
        user,
        state: 'LOGOUT',
        stateChangeTime: new Date(this.now()),
        reasonCodeId: '-1',
        extension: '',
        pendingState: '',
        pendingReasonCodeId: '-1',
        dialogs: new Map(),
        failedLogins: 0,
        lockedUntil: 0,
        forcedLogoutTimer: null,
      });
    }
  }

  /** The lab clock: real time plus the skew control (Date headers, timestamps, token times). */
  now(): number {
    return Date.now() + this.skewMs;
  }

  setClockSkew(seconds: number): void {
    this.skewMs = Math.round(seconds * 1000);
  }

  get clockSkewSeconds(): number {
    return this.skewMs / 1000;
  }

  /** By loginId (exact) — what REST paths and JIDs use. */
  byLoginId(id: string): UserRuntime | undefined {
    return this.users.get(id);
  }

  /** By loginName (case-insensitive) or loginId: how agents name themselves (Basic auth, cc_username, IdP uid). */
  byName(name: string): UserRuntime | undefined {
    const direct = this.users.get(name);
    if (direct !== undefined) return direct;
    const lower = name.toLowerCase();
    for (const u of this.users.values()) if (u.user.loginName.toLowerCase() === lower || u.user.loginId.toLowerCase() === lower) return u;
    return undefined;
  }

  effectiveAuthMode(u: UserRuntime): UserAuthMode {
    const mode = this.options.systemAuthMode;
    return mode === 'HYBRID' ? u.user.authMode : mode;
  }

  /** Basic credentials: 5 bad passwords in a row lock the account for `lockoutMs` (DG 12.5). */
  checkPassword(name: string, password: string): Verdict<UserRuntime> {
    const u = this.byName(name);
    if (u === undefined) return { ok: false, reason: 'unknown-user' };
    if (this.effectiveAuthMode(u) !== 'NON_SSO') return { ok: false, reason: 'wrong-mode' };
    if (u.lockedUntil > Date.now()) return { ok: false, reason: 'locked' };
    if (password !== u.user.password) {
      u.failedLogins += 1;
      if (u.failedLogins >= this.options.lockoutThreshold) {
        u.lockedUntil = Date.now() + this.options.lockoutMs;
        u.failedLogins = 0;
      }
      return { ok: false, reason: 'bad-credentials' };
    }
    u.failedLogins = 0;
    return { ok: true, value: u };
  }

  /** Bearer access token from the IdS; the token names the user by its IdP uid (loginName or loginId). */
  checkToken(accessToken: string): Verdict<UserRuntime> {
    const checked = this.options.ids.verifyAccessToken(accessToken);
    if (!checked.ok) return { ok: false, reason: checked.reason === 'expired' ? 'token-expired' : checked.reason === 'revoked' ? 'token-revoked' : 'token-invalid' };
    const u = this.byName(checked.claims.userId);
    if (u === undefined) return { ok: false, reason: 'unknown-user' };
    if (this.effectiveAuthMode(u) !== 'SSO') return { ok: false, reason: 'wrong-mode' };
    return { ok: true, value: u };
  }

  reasonCode(id: string): FinesseReasonCode | undefined {
    return this.options.reasonCodes.find((r) => r.id === id);
  }

  /** Codes that apply to this user: global ones and those assigned to the user's team. */
  reasonCodesFor(u: UserRuntime, category: 'NOT_READY' | 'LOGOUT' | 'ALL'): FinesseReasonCode[] {
    return this.options.reasonCodes.filter(
      (r) => (category === 'ALL' || r.category === category) && (r.forAll || (r.teamIds ?? []).includes(u.user.teamId)),
    );
  }

  reasonCodeObject(r: FinesseReasonCode, withId: boolean): Record<string, unknown> {
    return reasonCodeObject(r, withId);
  }

  /** The User object (REST `<User>`, notification `<user>`). */
  userObject(u: UserRuntime): Record<string, unknown> {
    return userObject(u, u.reasonCodeId === '-1' ? undefined : this.reasonCode(u.reasonCodeId));
  }

  dialogObject(u: UserRuntime, d: LabDialog): Record<string, unknown> {
    return dialogObject(u, d);
  }

  onPublish(listener: (event: PubsubEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Each node's XMPP service reports how many available sessions a user has on it. */
  addAvailabilitySource(count: (loginId: string) => number): void {
    this.availability.push(count);
  }

  private publish(userId: string, node: string, update: Record<string, unknown>): void {
    const updateXml = buildXml('Update', update);
    for (const listener of this.listeners) listener({ userId, node, updateXml });
  }

  /** [POK] envelope: `<Update><data><user>…</user></data><event>PUT</event><requestId/><source/>`. */
  publishUser(u: UserRuntime, requestId = ''): void {
    const source = `/finesse/api/User/${u.user.loginId}`;
    this.publish(u.user.loginId, source, { data: { user: this.userObject(u) }, event: 'PUT', requestId, source });
  }

  /** [POK] async CTI errors: `<data><apiErrors><apiError>…`. */
  publishUserError(u: UserRuntime, error: CtiError, requestId = ''): void {
    const source = `/finesse/api/User/${u.user.loginId}`;
    this.publish(u.user.loginId, source, { data: { apiErrors: { apiError: apiErrorObject(error) } }, requestId, source, event: 'put' });
  }

  publishDialog(u: UserRuntime, d: LabDialog, event: 'POST' | 'PUT' | 'DELETE', requestId = ''): void {
    const source = `/finesse/api/User/${u.user.loginId}/Dialogs`;
    this.publish(u.user.loginId, source, { data: { dialogs: { Dialog: [this.dialogObject(u, d)] } }, event, requestId, source });
  }

  /** SystemInfo node: every connected user hears about a status change of the node they use. */
  publishSystemInfo(systemInfo: Record<string, unknown>, userIds: Iterable<string>): void {
    const source = '/finesse/api/SystemInfo';
    for (const userId of userIds) this.publish(userId, source, { data: { SystemInfo: systemInfo }, event: 'PUT', requestId: '', source });
  }

  private setState(u: UserRuntime, state: AgentState, reasonCodeId: string): void {
    if (state === 'LOGOUT') u.extension = '';
    else if (u.state === 'LOGOUT' && u.extension === '') u.extension = u.user.extensions[0] ?? '';
    u.state = state;
    u.reasonCodeId = state === 'NOT_READY' || state === 'LOGOUT' ? reasonCodeId : '-1';
    u.stateChangeTime = new Date(this.now());
    if (state === 'LOGOUT' || !IN_CALL.has(state)) {
      u.pendingState = '';
      u.pendingReasonCodeId = '-1';
    }
    if (state === 'LOGOUT') this.cancelForcedLogout(u);
  }

  /** After the CTI delay, as the CTI server would answer a request Finesse accepted with 202. */
  later(action: () => void): void {
    const timer = setTimeout(() => {
      if (!this.closed) action();
    }, this.options.ctiDelayMs);
    timer.unref();
  }

  /**
   * The CTI outcome of an agent's own PUT User request (REST already validated the body).
   * Errors go out as notification apiErrors, as [POK] captured them.
   */
  applyAgentRequest(u: UserRuntime, request: { state: 'LOGIN' | 'READY' | 'NOT_READY' | 'LOGOUT'; extension?: string; reasonCodeId?: string }, requestId: string): void {
    const invalidState = (): void => this.publishUserError(u, { errorType: 'Invalid State', errorMessage: 'CF_INVALID_OBJECT_STATE', errorData: '22' }, requestId);
    switch (request.state) {
      case 'LOGIN': {
        const extension = request.extension ?? '';
        if (!u.user.extensions.includes(extension)) {
          this.publishUserError(
            u,
            {
              peripheralErrorCode: '10125',
              errorType: 'Invalid Device',
              errorMessage: 'CF_INVALID_LOGON_DEVICE_SPECIFIED',
              peripheralErrorText: 'A device target with the network target ID specified cannot be found.',
              peripheralErrorMsg: 'PERERR_TELDRIVE_NODEVICETARGETFORNETTARGETID',
              errorData: '260',
            },
            requestId,
          );
          return;
        }
        // DG 12.5 "User—Sign In": a signed-in agent signing in again keeps the current state.
        if (u.state === 'LOGOUT') {
          u.extension = extension;
          this.setState(u, 'NOT_READY', '-1');
        }
        this.publishUser(u, requestId);
        return;
      }
      case 'READY':
      case 'NOT_READY': {
        if (u.state === 'LOGOUT') return invalidState();
        if (IN_CALL.has(u.state)) {
          u.pendingState = request.state;
          u.pendingReasonCodeId = request.reasonCodeId ?? '-1';
          this.publishUser(u, requestId);
          return;
        }
        this.setState(u, request.state, request.reasonCodeId ?? '-1');
        this.publishUser(u, requestId);
        return;
      }
      case 'LOGOUT': {
        if (u.state === 'LOGOUT') {
          this.publishUser(u, requestId);
          return;
        }
        // DG 12.5 state tables: UCCE signs out only from NOT_READY; UCCX from NOT_READY or READY.
        const allowed = this.options.deploymentType === 'UCCE' ? u.state === 'NOT_READY' : u.state === 'NOT_READY' || u.state === 'READY';
        if (!allowed) return invalidState();
        this.setState(u, 'LOGOUT', request.reasonCodeId ?? '-1');
        this.publishUser(u, requestId);
        return;
      }
    }
  }

  /** A supervisor-style (or system) change: any state, no validation beyond the state name. */
  forceState(u: UserRuntime, state: AgentState, reasonCodeId = '-1'): void {
    this.setState(u, state, reasonCodeId);
    this.publishUser(u);
  }

  snapshot(u: UserRuntime): LabUserSnapshot {
    return {
      loginId: u.user.loginId,
      loginName: u.user.loginName,
      state: u.state,
      reasonCodeId: u.reasonCodeId,
      extension: u.extension,
      pendingState: u.pendingState,
      stateChangeTime: u.stateChangeTime.toISOString(),
      dialogs: [...u.dialogs.keys()],
    };
  }

  startDialog(u: UserRuntime, fromAddress: string): LabDialog {
    if (u.state === 'LOGOUT') throw new Error('lab: the agent is signed out');
    const now = new Date(this.now());
    this.nextDialogId += 1;
    const dialog: LabDialog = { id: String(this.nextDialogId), fromAddress, toAddress: u.extension, state: 'ALERTING', startTime: now, stateChangeTime: now };
    u.dialogs.set(dialog.id, dialog);
    this.publishDialog(u, dialog, 'POST');
    if (!IN_CALL.has(u.state)) {
      const before = u.state;
      this.setState(u, 'RESERVED', '-1');
      if (before === 'NOT_READY' || before === 'READY') u.pendingState = '';
      this.publishUser(u);
    }
    return dialog;
  }

  dialogAction(u: UserRuntime, d: LabDialog, action: 'ANSWER' | 'HOLD' | 'RETRIEVE' | 'DROP', requestId = ''): boolean {
    const valid =
      (action === 'ANSWER' && d.state === 'ALERTING') ||
      (action === 'HOLD' && d.state === 'ACTIVE') ||
      (action === 'RETRIEVE' && d.state === 'HELD') ||
      (action === 'DROP' && (d.state === 'ACTIVE' || d.state === 'HELD' || d.state === 'ALERTING'));
    if (!valid) return false;
    d.stateChangeTime = new Date(this.now());
    if (action === 'DROP') {
      d.state = 'DROPPED';
      u.dialogs.delete(d.id);
      this.publishDialog(u, d, 'DELETE', requestId);
      if (u.dialogs.size === 0 && u.state !== 'LOGOUT') {
        const next = u.pendingState === '' ? 'READY' : u.pendingState;
        const reason = u.pendingReasonCodeId;
        u.pendingState = '';
        this.setState(u, next, next === 'READY' ? '-1' : reason);
        this.publishUser(u);
      }
      return true;
    }
    d.state = action === 'HOLD' ? 'HELD' : 'ACTIVE';
    this.publishDialog(u, d, 'PUT', requestId);
    const userState: AgentState = d.state === 'HELD' ? 'HOLD' : 'TALKING';
    if (u.state !== userState) {
      const pending = u.pendingState;
      const pendingReason = u.pendingReasonCodeId;
      this.setState(u, userState, '-1');
      u.pendingState = pending;
      u.pendingReasonCodeId = pendingReason;
      this.publishUser(u);
    }
    return true;
  }

  findDialog(id: string): { u: UserRuntime; d: LabDialog } | undefined {
    for (const u of this.users.values()) {
      const d = u.dialogs.get(id);
      if (d !== undefined) return { u, d };
    }
    return undefined;
  }

  /**
   * Called when a session's presence changes. Only a loss of presence arms the forced logout (an
   * agent that never had a notification session is left alone, as Finesse reacts to presence events).
   */
  presenceChanged(loginId: string): void {
    const u = this.users.get(loginId);
    if (u === undefined || this.closed) return;
    const available = this.availability.reduce((sum, count) => sum + count(loginId), 0);
    if (available > 0 || u.state === 'LOGOUT') {
      this.cancelForcedLogout(u);
      return;
    }
    if (u.forcedLogoutTimer !== null) return;
    u.forcedLogoutTimer = setTimeout(() => {
      u.forcedLogoutTimer = null;
      if (this.closed || u.state === 'LOGOUT') return;
      const still = this.availability.reduce((sum, count) => sum + count(loginId), 0);
      if (still > 0) return;
      // [PRES] forced logout (CTI reason 255); the lab shows it as a plain LOGOUT / NOT_READY.
      this.forceState(u, this.options.forcedLogoutAction === 'logout' ? 'LOGOUT' : 'NOT_READY');
    }, this.options.forcedLogoutMs);
    u.forcedLogoutTimer.unref();
  }

  /** Whether a forced logout is armed for this user (lab introspection). */
  forcedLogoutPending(loginId: string): boolean {
    return (this.users.get(loginId)?.forcedLogoutTimer ?? null) !== null;
  }

  private cancelForcedLogout(u: UserRuntime): void {
    if (u.forcedLogoutTimer !== null) {
      clearTimeout(u.forcedLogoutTimer);
      u.forcedLogoutTimer = null;
    }
  }

  close(): void {
    this.closed = true;
    for (const u of this.users.values()) this.cancelForcedLogout(u);
    this.listeners.clear();
  }
}
