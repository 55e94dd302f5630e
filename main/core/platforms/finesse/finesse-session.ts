// The Cisco Finesse adapter (seeds 001, 003; protocols/finesse.md): discovery (SystemInfo, then
// UserAuthMode in HYBRID), basic or SSO sign-in (IdS/IdP in the LoginWindow), the UCCE loginId,
// Bearer on REST, TokenKeeper refreshes, agent state over REST with the outcome from XMPP
// notifications, reconnect and A/B failover. The view changes only through ./reducer.ts.
import { randomUUID } from 'node:crypto';
import type { AgentState, SelectableState, SignInOptions } from '../../../../preload/contract.ts';
import { TokenKeeper, type TokenGrant } from '../../auth/token-keeper.ts';
import type { LoginWindow } from '../../auth/login-window.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSession, type SessionView, type SignInInput } from '../platform.ts';
import { agentStateOf, selectableStates } from './agent-state.ts';
import { NotificationChannel, xmppServiceUrl, type ChannelStatus } from './notifications.ts';
import { finesseOptionsOf, type FinesseOptions, type FinesseOptionsInput } from './options.ts';
import { reduce, type FinesseAction } from './reducer.ts';
import { grantOf, refreshStrategies, signInUrl, SIGN_IN_WINDOW_TIMEOUT_MS, windowToken, type SsoContext } from './sso.ts';
import {
  apiErrorMessage,
  basicAuthorization,
  FINESSE_XML,
  IN_SERVICE,
  jwtExpiry,
  loginBody,
  parseApiErrors,
  parseDialogs,
  parseReasonCodes,
  parseSystemInfo,
  parseUser,
  parseUserAuthMode,
  stateBody,
  systemInfoNodeOrigins,
  userPath,
  type FinesseUpdate,
  type FinesseUser,
  type ReasonCode,
  type SystemInfo,
} from './wire.ts';
import type { XmppLinkFactory } from './xmpp-link.ts';

const DISCOVERY_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 3_000;
const OUT_OF_SERVICE_POLL_MS = 2_000;

/** What the keychain entry holds (JSON): the refresh token plus the non-secret facts to resume. */
interface ResumeData {
  v: 1;
  refreshToken: string;
  userName: string;
  extension?: string;
}

type Auth = { kind: 'basic'; header: string; password: string } | { kind: 'sso'; keeper: TokenKeeper; ctx: SsoContext };

interface StateWaiter {
  /** LOGIN: any state but LOGOUT; otherwise the target state (or pending state). */
  target: string;
  requestId: string;
  resolve: () => void;
  reject: (error: PatchbayError) => void;
}

export interface FinesseSessionOptions {
  http?: HttpSession;
  /** Overrides the profile's Finesse options (tests, lab). */
  finesse?: FinesseOptionsInput;
  /** Tests: a fake XMPP connection. */
  linkFactory?: XmppLinkFactory;
  /** XMPP resource; never `desktop` (§5). */
  resource?: string;
}

export class FinesseSession implements PlatformSession {
  private readonly context: PlatformContext;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly http: HttpSession;
  private readonly loginWindow: LoginWindow | undefined;
  private readonly options: FinesseOptions;
  private readonly linkFactory: XmppLinkFactory | undefined;
  private readonly resource: string;
  private readonly listeners = new Listeners<SessionView>();
  /** The profile's servers, plus (when it names one only) the SystemInfo nodes (§5 failover). */
  private nodes: string[];
  private current: SessionView = SIGNED_OUT_VIEW;
  private nodeIndex = 0;
  private system: SystemInfo | undefined;
  private auth: Auth | undefined;
  /** FIN-10: the loginId every REST call uses after sign-in. */
  private userId: string | undefined;
  private extension: string | undefined;
  private channel: NotificationChannel | undefined;
  private notReadyCodes: ReasonCode[] = [];
  private logoutCodes: ReasonCode[] = [];
  private lastUser: FinesseUser | undefined;
  private waiters = new Set<StateWaiter>();
  private signInAbort: AbortController | undefined;
  /** The agent's state when the notification channel went down (restored after a failover). */
  private stateBeforeOutage: FinesseUser | undefined;
  private outOfServiceSince: number | undefined;
  private loggingOut = false;
  private ended = false;

  constructor(context: PlatformContext, options: FinesseSessionOptions = {}) {
    this.context = context;
    this.clock = context.clock;
    this.log = context.log.child({ platform: 'finesse' });
    this.loginWindow = context.loginWindow;
    this.http =
      options.http ??
      context.createHttpSession?.() ??
      new HttpSession({ profileId: context.profile.id, log: this.log, clock: this.clock, ...(context.dispatcher ? { dispatcher: context.dispatcher } : {}) });
    this.options = finesseOptionsOf(context.profile, options.finesse);
    this.linkFactory = options.linkFactory;
    this.resource = options.resource ?? `patchbay-${randomUUID().slice(0, 8)}`;
    this.nodes = context.profile.servers.map((s) => new URL(s).origin);
  }

  get view(): SessionView {
    return this.current;
  }

  onView(listener: (view: SessionView) => void): () => void {
    return this.listeners.add(listener);
  }

  private dispatch(action: FinesseAction): void {
    this.current = reduce(this.current, action);
    this.listeners.emit(this.current);
  }

  /** The node REST and XMPP use now (they always move together, §5 failover). */
  private get origin(): string {
    return this.nodes[this.nodeIndex] ?? this.nodes[0]!;
  }

  // ------------------------------------------------------------------ discovery (FIN-05, FIN-06)
  private async fetchSystemInfo(origin: string, timeoutMs: number, signal?: AbortSignal): Promise<SystemInfo> {
    const res = await this.http.request({
      url: `${origin}/finesse/api/SystemInfo`,
      headers: { Accept: FINESSE_XML },
      followRedirects: false,
      timeoutMs,
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 200 && res.status !== 503) throw responseError(res, 'finesse.system-info.failed', `Finesse answered ${res.status} for its system information.`);
    return parseSystemInfo(res.text());
  }

  /** [FIN-05] SystemInfo first, on the first node IN_SERVICE (primary first). */
  private async discover(signal?: AbortSignal): Promise<SystemInfo> {
    let outOfService: SystemInfo | undefined;
    let lastError: PatchbayError | undefined;
    for (let step = 0; step < this.nodes.length; step++) {
      const index = (this.nodeIndex + step) % this.nodes.length;
      try {
        const info = await this.fetchSystemInfo(this.nodes[index]!, DISCOVERY_TIMEOUT_MS, signal);
        if (info.status === IN_SERVICE) {
          this.nodeIndex = index;
          this.system = info;
          this.learnNodes(info);
          return info;
        }
        outOfService ??= info;
      } catch (error) {
        if (signal?.aborted) throw error;
        lastError = toPatchbayError(error);
        this.log.info('finesse.node.unavailable', { node: hostOf(this.nodes[index]!), code: lastError.code });
      }
    }
    if (outOfService) {
      throw new PatchbayError('finesse.out-of-service', `Finesse is out of service${outOfService.statusReason ? ` (${outOfService.statusReason.slice(0, 120)})` : ''}. Try again in a moment.`, {
        action: 'retry',
      });
    }
    throw lastError ?? new PatchbayError('finesse.no-server', 'No Finesse server is configured for this profile.', { action: 'contact-it' });
  }

  /** §5 failover with a one-server profile: SystemInfo's primaryNode/secondaryNode become the other
   *  targets (the profile's own server stays first). A profile listing several servers is IT's choice. */
  private learnNodes(info: SystemInfo): void {
    if (this.context.profile.servers.length !== 1) return;
    const base = new URL(this.context.profile.servers[0]!).origin;
    const learned = [base, ...systemInfoNodeOrigins(base, info)];
    if (learned.length === this.nodes.length && learned.every((o, i) => o === this.nodes[i])) return;
    const current = this.origin;
    this.nodes = learned;
    this.nodeIndex = Math.max(0, learned.indexOf(current));
    this.log.info('finesse.nodes.from-system-info', { nodes: learned.map(hostOf) });
  }

  /** [FIN-06] HYBRID: the user's own mode; undefined when the service is disabled (403) or unknown. */
  private async userAuthMode(userName: string, signal?: AbortSignal): Promise<'SSO' | 'NON_SSO' | undefined> {
    const res = await this.http.request({
      url: `${this.origin}/finesse/api/UserAuthMode/${encodeURIComponent(userName)}`,
      headers: { Accept: FINESSE_XML },
      followRedirects: false,
      timeoutMs: DISCOVERY_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    if (res.status === 200) return parseUserAuthMode(res.text());
    this.log.info('finesse.user-auth-mode.unavailable', { status: res.status, message: apiErrorMessage(parseApiErrors(res.text())) });
    return undefined;
  }

  /** What the form asks for (FIN-09: an SSO user types no password in Patchbay). `hint.userName`
   *  lets a HYBRID server tell this user's mode. */
  async signInOptions(hint: { userName?: string } = {}): Promise<SignInOptions> {
    const userName = hint.userName ?? this.context.profile.userName;
    let mode: 'SSO' | 'NON_SSO' | 'HYBRID' | undefined;
    try {
      mode = (await this.discover()).systemAuthMode;
      if (mode === 'HYBRID' && userName) mode = (await this.userAuthMode(userName).catch(() => undefined)) ?? 'HYBRID';
    } catch (error) {
      this.log.info('finesse.discovery.failed', { code: toPatchbayError(error).code });
    }
    mode ??= this.context.profile.authMode === 'sso' ? 'SSO' : 'NON_SSO';
    const sso = [{ id: 'finesse-sso', label: 'Single sign-on' }];
    if (mode === 'SSO') {
      return {
        credentialsForm: false,
        identityProviders: sso,
        userNameRequired: !this.context.profile.userName,
        extensionRequired: true,
        note: "You type your password on your organisation's sign-in page, never in Patchbay.",
      };
    }
    if (mode === 'NON_SSO') return { credentialsForm: true, identityProviders: [], userNameRequired: true, extensionRequired: true };
    return {
      credentialsForm: false,
      identityProviders: sso,
      userNameRequired: true,
      extensionRequired: true,
      note: 'Enter your user ID first: this server decides per user between a password and single sign-on.',
    };
  }

  // ------------------------------------------------------------------ sign-in
  async signIn(input: SignInInput): Promise<void> {
    if (this.current.phase === 'active' && this.auth?.kind === 'sso') {
      // Signing in again on a live SSO session renews the tokens only: the agent's state is kept (FIN-14).
      if (!(await this.reauthenticate())) throw new PatchbayError('finesse.sso.not-renewed', 'Signing in again did not complete.', { action: 'sign-in-again' });
      return;
    }
    this.ended = false;
    this.signInAbort = new AbortController();
    const signal = this.signInAbort.signal;
    this.dispatch({ type: 'connecting', server: this.origin });
    try {
      const system = await this.discover(signal);
      const userName = (input.sso?.userName ?? input.credentials?.userName ?? this.context.profile.userName)?.trim();
      if (!userName) throw new PatchbayError('finesse.sign-in.user-required', 'Enter your Finesse user ID.', { action: 'sign-in-again' });
      let mode: 'SSO' | 'NON_SSO' = system.systemAuthMode === 'SSO' ? 'SSO' : 'NON_SSO';
      if (system.systemAuthMode === 'HYBRID') {
        mode = (await this.userAuthMode(userName, signal)) ?? (input.credentials ? 'NON_SSO' : this.context.profile.authMode === 'sso' ? 'SSO' : 'NON_SSO');
      }
      let lookupName = userName;
      if (mode === 'NON_SSO') {
        if (!input.credentials) {
          throw new PatchbayError('finesse.sign-in.password-required', 'This user signs in with a password: enter it to continue.', { action: 'sign-in-again' });
        }
        this.auth = { kind: 'basic', header: basicAuthorization(userName, input.credentials.password), password: input.credentials.password };
      } else {
        // FIN-09: whatever password the form may hold is not used for an SSO user.
        this.dispatch({ type: 'awaiting-user' });
        const ctx = this.ssoContext(userName);
        const { token, result, obtainedAt } = await windowToken(ctx, 'when-needed', signInUrl(ctx), SIGN_IN_WINDOW_TIMEOUT_MS, signal);
        this.dispatch({ type: 'signing-in' });
        this.startKeeper(ctx, grantOf(token, result.headers.date, obtainedAt), obtainedAt);
        // [seed 001 step 5] the token's user_id may be the loginName or the peripheralId.
        lookupName = token.userId ?? userName;
      }
      await this.establish(lookupName, input.extension, signal);
    } catch (error) {
      throw await this.signInFailed(error, signal);
    } finally {
      this.signInAbort = undefined;
    }
  }

  private ssoContext(userName: string): SsoContext {
    return {
      http: this.http,
      clock: this.clock,
      loginWindow: this.loginWindow,
      profileId: this.context.profile.id,
      options: this.options,
      origin: () => this.origin,
      userName,
      nodeHosts: this.nodes.map(hostOf),
    };
  }

  /** After authentication: loginId (FIN-10), reason codes, notifications, then the agent's state
   *  (LOGIN with the extension when logged out). */
  private async establish(lookupName: string, extensionInput: string | undefined, signal?: AbortSignal): Promise<void> {
    await this.lookupUser(lookupName, signal);
    await this.loadReasonCodes();
    await this.startChannel();
    const user = await this.readUser();
    if (user.state === 'LOGOUT') {
      const extension = extensionInput?.trim() || user.extension;
      if (!extension) throw new PatchbayError('finesse.sign-in.extension-required', 'Enter your extension to sign in.', { action: 'sign-in-again' });
      await this.login(extension);
    } else {
      this.extension = user.extension;
    }
    await this.readDialogs();
    await this.saveResumeData();
    this.dispatch({ type: 'active' });
  }

  /** FIN-01..04, 07, 08 happened in the LoginWindow; from here TokenKeeper keeps the token fresh. */
  private startKeeper(ctx: SsoContext, grant: TokenGrant, obtainedAt: number): void {
    if (!grant.refreshToken) this.log.warn('finesse.sso.no-refresh-token', {});
    if (this.auth?.kind === 'sso') this.auth.keeper.stop();
    const keeper = new TokenKeeper({
      clock: this.clock,
      log: this.log,
      strategies: refreshStrategies(ctx),
      onRefreshToken: (token) => {
        this.refreshToken = token;
        if (this.current.phase === 'active') void this.saveResumeData();
      },
      onTimes: (t) => this.dispatch({ type: 'token', expiresAt: iso(t.expiresAt), refreshAt: iso(t.refreshAt) }),
      onRefreshed: (info) => {
        this.log.info('finesse.sso.refreshed', { strategy: info.strategy, mode: info.mode });
        this.dispatch({ type: 'clear-error', codePrefix: 'finesse.sso.' });
      },
      onSignInNeeded: (info) =>
        this.dispatch({
          type: 'error',
          error: {
            code: 'finesse.sso.sign-in-soon',
            message: `Your single sign-on session ends at ${this.timeOf(info.deadline)}. Sign in again in the window that opens to stay signed in; your agent state is kept.`,
            action: 'sign-in-again',
          },
        }),
      onExpired: () =>
        this.dispatch({
          type: 'error',
          error: { code: 'finesse.sso.expired', message: 'Your sign-in has expired. Sign in again to change your state; Finesse keeps your current state meanwhile.', action: 'sign-in-again' },
        }),
    });
    this.auth = { kind: 'sso', keeper, ctx };
    keeper.start(grant, obtainedAt);
  }

  // ------------------------------------------------------------------ keychain (CARD-02)
  private refreshToken: string | undefined;

  /** The refresh token (and the non-secret facts a resume needs) go to the keychain only. */
  private async saveResumeData(): Promise<void> {
    const secrets = this.context.secrets;
    if (!secrets || this.auth?.kind !== 'sso' || !this.refreshToken) return;
    const data: ResumeData = { v: 1, refreshToken: this.refreshToken, userName: this.auth.ctx.userName, ...(this.extension ? { extension: this.extension } : {}) };
    await secrets.set('refresh-token', JSON.stringify(data)).catch((error: unknown) => this.log.warn('finesse.secrets.save-failed', { code: toPatchbayError(error).code }));
  }

  /** Silent resume at launch: the saved refresh token over HTTP (the GET form needs no access
   *  token), else a hidden window (IdP session cookies); never a prompt. */
  async resume(): Promise<boolean> {
    const raw = await this.context.secrets?.get('refresh-token');
    let data: ResumeData | undefined;
    try {
      data = raw ? (JSON.parse(raw) as ResumeData) : undefined;
    } catch {
      data = undefined;
    }
    if (!data || data.v !== 1 || typeof data.refreshToken !== 'string' || typeof data.userName !== 'string') return false;
    this.ended = false;
    this.signInAbort = new AbortController();
    const signal = this.signInAbort.signal;
    this.dispatch({ type: 'connecting', server: this.origin });
    try {
      const system = await this.discover(signal);
      if (system.systemAuthMode === 'NON_SSO') return await this.resumeFailed();
      const ctx = this.ssoContext(data.userName);
      let grant: TokenGrant | undefined;
      const startedAt = this.clock.now();
      for (const strategy of refreshStrategies(ctx).filter((s) => !s.interactive)) {
        if (strategy.name === 'finesse-refresh-post') continue; // needs the (long expired) access token
        try {
          grant = await strategy.run({ mode: strategy.modes.includes('refresh') && strategy.name !== 'finesse-window-hidden' ? 'refresh' : 'renew', accessToken: '', refreshToken: data.refreshToken, signal, attempt: 1 });
          break;
        } catch (error) {
          if (signal.aborted) throw error;
          this.log.info('finesse.resume.strategy-failed', { strategy: strategy.name, code: toPatchbayError(error).code });
        }
      }
      if (!grant) return await this.resumeFailed();
      this.refreshToken = data.refreshToken;
      const savedExp = jwtExpiry(data.refreshToken);
      const saved = { refreshToken: data.refreshToken, ...(savedExp !== undefined ? { refreshExpiresAtServerMs: savedExp * 1000 } : {}) };
      this.startKeeper(ctx, grant.refreshToken ? grant : { ...grant, ...saved }, grant.obtainedAt ?? startedAt);
      await this.establish(data.userName, data.extension, signal);
      return true;
    } catch (error) {
      throw await this.signInFailed(error, signal);
    } finally {
      this.signInAbort = undefined;
    }
  }

  private async resumeFailed(): Promise<false> {
    await this.teardown(false);
    this.dispatch({ type: 'signed-out' });
    return false;
  }

  /** FIN-14: a new sign-in on a live session, the agent's state untouched. */
  async reauthenticate(): Promise<boolean> {
    if (this.auth?.kind !== 'sso') return false;
    return this.auth.keeper.renewInteractively();
  }

  /** FIN-10: GET User/<loginName> → loginId, used for every later call (UCCE; same on UCCX). */
  private async lookupUser(name: string, signal?: AbortSignal): Promise<void> {
    const res = await this.rest('GET', userPath(name), undefined, { signal, unauthorized: 'sign-in' });
    const user = parseUser(okBody(res, 'finesse.user.failed', 'Finesse did not return your user.'));
    this.userId = user.loginId ?? name;
    this.lastUser = user;
    const display = [user.firstName, user.lastName].filter(Boolean).join(' ');
    this.dispatch({ type: 'connected', server: this.origin, ...(display ? { userDisplayName: display } : {}) });
    this.log.info('finesse.user', { deployment: this.system?.deploymentType, loginIdDiffers: user.loginId !== undefined && user.loginId !== name });
  }

  private requireUserId(): string {
    if (!this.userId) throw new PatchbayError('session.not-active', 'Sign in first.', { action: 'sign-in-again' });
    return this.userId;
  }

  private async loadReasonCodes(): Promise<void> {
    const id = this.requireUserId();
    const read = async (category: 'NOT_READY' | 'LOGOUT') => {
      const res = await this.rest('GET', `${userPath(id)}/ReasonCodes?category=${category}`);
      if (res.status === 404) return [];
      return parseReasonCodes(okBody(res, 'finesse.reason-codes.failed', 'Finesse did not return the reason codes.'));
    };
    [this.notReadyCodes, this.logoutCodes] = await Promise.all([read('NOT_READY'), read('LOGOUT')]);
    this.dispatch({ type: 'states', states: selectableStates(this.notReadyCodes, this.logoutCodes) });
  }

  private async readUser(): Promise<FinesseUser> {
    const res = await this.rest('GET', userPath(this.requireUserId()));
    const user = parseUser(okBody(res, 'finesse.user.failed', 'Finesse did not return your user.'));
    this.applyUser(user);
    return user;
  }

  /** The agent's current dialogs (§4 GET User/{id}/Dialogs); notifications keep them current after. A
   *  failure only leaves the list to the notifications: it must not fail a sign-in or a reconnect. */
  private async readDialogs(): Promise<void> {
    try {
      const res = await this.rest('GET', `${userPath(this.requireUserId())}/Dialogs`);
      const dialogs = parseDialogs(okBody(res, 'finesse.dialogs.failed', 'Finesse did not return your calls.'));
      this.dispatch({ type: 'dialogs', dialogs, extension: this.extension, replace: true });
    } catch (error) {
      this.log.warn('finesse.dialogs.read-failed', { code: toPatchbayError(error).code });
    }
  }

  private applyUser(user: FinesseUser): void {
    this.lastUser = { ...this.lastUser, ...user, roles: user.roles.length ? user.roles : (this.lastUser?.roles ?? []) };
    if (user.extension) this.extension = user.extension;
    this.dispatch({ type: 'agent', agent: agentStateOf(this.lastUser, [...this.notReadyCodes, ...this.logoutCodes]) });
    for (const waiter of [...this.waiters]) {
      const matches = waiter.target === 'LOGIN' ? user.state !== 'LOGOUT' : user.state === waiter.target || user.pendingState === waiter.target;
      if (matches) waiter.resolve();
    }
  }

  // ------------------------------------------------------------------ REST
  private async authorization(): Promise<string> {
    const auth = this.auth;
    if (!auth) throw new PatchbayError('session.not-active', 'Sign in first.', { action: 'sign-in-again' });
    // FIN-11: Bearer <access token>; the keeper never hands out an expired one (FIN-12).
    return auth.kind === 'basic' ? auth.header : `Bearer ${await auth.keeper.accessToken()}`;
  }

  private async rest(
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    body?: string,
    options: { signal?: AbortSignal | undefined; requestId?: string; unauthorized?: 'sign-in' } = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { Accept: FINESSE_XML, Authorization: await this.authorization() };
    if (body !== undefined) headers['Content-Type'] = FINESSE_XML;
    // [DG125 22] echoed in the notification that carries the outcome.
    if (options.requestId) headers.requestId = options.requestId;
    let res: HttpResponse;
    try {
      res = await this.http.request({
        method,
        url: `${this.origin}${path}`,
        headers,
        ...(body !== undefined ? { body } : {}),
        followRedirects: false,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      const typed = toPatchbayError(error);
      // The node may be gone: let the channel's reconnect checks decide on a failover.
      if ((typed.code === 'net.unreachable' || typed.code === 'net.timeout') && this.current.phase === 'active') this.channel?.reconnectNow(typed);
      throw typed;
    }
    if (res.status === 401) {
      const message = apiErrorMessage(parseApiErrors(res.text()));
      if (options.unauthorized === 'sign-in' && this.auth?.kind === 'basic') {
        throw new PatchbayError('finesse.sign-in.rejected', 'Finesse did not accept the user ID or password.', { action: 'sign-in-again', details: { status: 401 } });
      }
      throw new PatchbayError('finesse.unauthorized', message ? `Finesse refused the request: ${message}` : 'Finesse refused the sign-in.', { action: 'sign-in-again', details: { status: 401 } });
    }
    if (res.status === 503) {
      throw new PatchbayError('finesse.out-of-service', 'Finesse is out of service at the moment.', { action: 'retry', details: { status: 503 } });
    }
    return res;
  }

  // ------------------------------------------------------------------ agent state (§4)
  async listStates(): Promise<SelectableState[]> {
    await this.loadReasonCodes();
    return this.current.selectableStates;
  }

  async setAgentState(stateId: string, reasonId?: string): Promise<void> {
    try {
      const state = stateId.toUpperCase();
      if (state !== 'READY' && state !== 'NOT_READY' && state !== 'LOGOUT') {
        throw new PatchbayError('finesse.state.unsupported', `"${stateId.slice(0, 40)}" is not a state an agent can choose.`, { action: 'none' });
      }
      const codes = state === 'NOT_READY' ? this.notReadyCodes : state === 'LOGOUT' ? this.logoutCodes : [];
      if (state === 'NOT_READY' && codes.length > 0 && !reasonId) {
        // §4: Finesse refuses NOT_READY without a reason code when codes are configured.
        throw new PatchbayError('finesse.state.reason-required', 'Choose a reason for Not Ready.', { action: 'none' });
      }
      if (reasonId && state !== 'READY' && !codes.some((c) => c.id === reasonId)) {
        throw new PatchbayError('finesse.state.unknown-reason', 'That reason is not available: refresh the list and choose again.', { action: 'none' });
      }
      if (state === 'LOGOUT' && this.system?.deploymentType === 'UCCE' && this.lastUser && this.lastUser.state !== 'NOT_READY' && this.lastUser.state !== 'LOGOUT') {
        // §4: UCCE allows LOGOUT only from NOT_READY.
        throw new PatchbayError('finesse.state.not-ready-first', 'Go Not Ready before you sign out.', { action: 'none' });
      }
      this.loggingOut = state === 'LOGOUT';
      await this.changeState(state, stateBody(state, state === 'READY' ? undefined : reasonId));
      if (state === 'LOGOUT') await this.endSession();
    } catch (error) {
      this.loggingOut = false;
      const typed = toPatchbayError(error);
      if (this.current.phase === 'active') this.dispatch({ type: 'error', error: typed.toContract() });
      throw typed;
    }
  }

  /** Sign in to the ACD with the extension (and mobile agent when configured). */
  private async login(extension: string): Promise<void> {
    this.extension = extension;
    await this.changeState('LOGIN', loginBody(extension, this.options.mobileAgent));
  }

  /** PUT → 202, then the outcome from the notification (or its async CTI error); the 202 alone is
   *  not success (§6 pitfall 3). A missing notification is checked with a GET. */
  private async changeState(target: string, body: string): Promise<void> {
    const requestId = randomUUID();
    const pending: { timer?: TimerHandle } = {};
    let waiter!: StateWaiter;
    const outcome = new Promise<void>((resolve, reject) => {
      waiter = {
        target,
        requestId,
        resolve: () => {
          this.waiters.delete(waiter);
          pending.timer?.cancel();
          resolve();
        },
        reject: (error) => {
          this.waiters.delete(waiter);
          pending.timer?.cancel();
          reject(error);
        },
      };
    });
    outcome.catch(() => undefined);
    this.waiters.add(waiter);
    try {
      const res = await this.rest('PUT', userPath(this.requireUserId()), body, { requestId });
      if (res.status !== 202 && res.status !== 200 && res.status !== 204) {
        const errors = parseApiErrors(res.text());
        const message = apiErrorMessage(errors);
        // Finesse words it "reasonCodeId …" or "… requires a valid reason code."
        if (message && /reason\s*code/i.test(message)) {
          throw new PatchbayError('finesse.state.reason-required', 'Finesse needs a reason for this state.', { action: 'none', details: { status: res.status } });
        }
        throw new PatchbayError('finesse.state.rejected', message ? `Finesse refused the change: ${message}` : `Finesse refused the change (${res.status}).`, {
          action: 'none',
          details: { status: res.status },
        });
      }
    } catch (error) {
      waiter.reject(toPatchbayError(error));
      return outcome;
    }
    pending.timer = this.clock.setTimeout(() => {
      // No notification in time: ask the server what happened.
      this.readUser().then(
        () => waiter.reject(new PatchbayError('finesse.state.unconfirmed', 'Finesse accepted the change but did not carry it out.', { action: 'retry' })),
        (error: unknown) => waiter.reject(toPatchbayError(error)),
      );
    }, this.options.stateConfirmTimeoutMs);
    return outcome;
  }

  // ------------------------------------------------------------------ notifications (§5)
  private async xmppPassword(): Promise<string> {
    const auth = this.auth;
    if (!auth) throw new PatchbayError('session.not-active', 'Sign in first.', { action: 'sign-in-again' });
    // SSO: the access token as the SASL PLAIN password (§5 INFERRED).
    return auth.kind === 'basic' ? auth.password : auth.keeper.accessToken();
  }

  private async startChannel(): Promise<void> {
    const channel = new NotificationChannel({
      clock: this.clock,
      log: this.log,
      endpoint: async () => ({
        service: xmppServiceUrl(this.origin, { ...(this.options.xmppPort !== undefined ? { port: this.options.xmppPort } : {}), path: this.options.xmppPath }),
        domain: this.system?.xmppDomain ?? new URL(this.origin).hostname,
        username: this.requireUserId().toLowerCase(),
        password: await this.xmppPassword(),
        resource: this.resource,
      }),
      ...(this.linkFactory ? { linkFactory: this.linkFactory } : {}),
      ...(this.options.waitForFinessePresence ? {} : { serverJid: null }),
      pingIntervalMs: this.options.pingIntervalMs,
      beforeReconnect: (attempt, error, signal) => this.beforeReconnect(attempt, error, signal),
      onUpdate: (update) => this.onUpdate(update),
      onStatus: (status) => this.onChannelStatus(status),
    });
    this.channel = channel;
    await channel.start();
  }

  private onUpdate(update: FinesseUpdate): void {
    this.dispatch({ type: 'event', at: new Date(this.clock.now()).toISOString() });
    const mine = this.userId ? userPath(this.userId).toLowerCase() : undefined;
    const source = update.source.toLowerCase();
    switch (update.kind) {
      case 'user':
        if (!mine || source === mine || source === '') this.applyUser(update.user);
        break;
      case 'dialogs':
        // §5: the agent's own Dialogs node only (a supervisor's team nodes are not the agent's calls).
        if (!mine || source === `${mine}/dialogs` || source === '') this.dispatch({ type: 'dialogs', dialogs: update.dialogs, extension: this.extension, event: update.event });
        break;
      case 'errors': {
        // The async CTI error of a state change (§5): fail the matching waiter.
        const message = apiErrorMessage(update.errors);
        const error = new PatchbayError('finesse.state.rejected', message ? `Finesse refused the change: ${message}` : 'Finesse refused the change.', { action: 'none' });
        const waiters = [...this.waiters];
        const matching = update.requestId ? waiters.filter((w) => w.requestId === update.requestId) : waiters;
        for (const w of matching) w.reject(error);
        if (matching.length === 0) this.dispatch({ type: 'error', error: error.toContract() });
        break;
      }
      case 'system':
        if (update.status && update.status !== IN_SERVICE) this.log.warn('finesse.out-of-service', { status: update.status });
        break;
      default:
        break;
    }
  }

  private onChannelStatus(status: ChannelStatus): void {
    if (this.ended) return;
    if (status.state === 'reconnecting') {
      if (status.attempt === 1 && this.lastUser) this.stateBeforeOutage = { ...this.lastUser };
      if (this.current.phase === 'active' || this.current.phase === 'reconnecting') {
        this.dispatch({ type: 'reconnecting', attempt: status.attempt, nextAttemptAt: new Date(status.nextAttemptAt).toISOString(), nextHost: hostOf(this.origin) });
      }
    } else if (status.state === 'online' && status.reconnectMs !== undefined) {
      this.dispatch({ type: 'reconnected', server: this.origin });
      void this.afterReconnect();
    } else if (status.state === 'offline' && status.error && this.current.phase !== 'signed-out') {
      this.dispatch({ type: 'failed', error: status.error.toContract() });
    }
  }

  /** Before each reconnect attempt after the first (a blip retries at once): check SystemInfo;
   *  OUT_OF_SERVICE → wait for IN_SERVICE (or fail over once it lasts); unreachable → the other
   *  node, REST and XMPP together (§5 failover). */
  private async beforeReconnect(attempt: number, _error: PatchbayError, signal: AbortSignal): Promise<void> {
    if (attempt === 1) return;
    for (;;) {
      let here: SystemInfo | undefined;
      try {
        here = await this.fetchSystemInfo(this.origin, PROBE_TIMEOUT_MS, signal);
      } catch (error) {
        if (signal.aborted) throw error;
      }
      if (here?.status === IN_SERVICE) {
        this.outOfServiceSince = undefined;
        this.system = { ...this.system, ...here };
        return;
      }
      if (here) this.outOfServiceSince ??= this.clock.now();
      const mayLeave = !here || this.clock.now() - (this.outOfServiceSince ?? 0) >= this.options.outOfServiceFailoverMs;
      if (mayLeave && this.nodes.length > 1) {
        for (let step = 1; step < this.nodes.length; step++) {
          const index = (this.nodeIndex + step) % this.nodes.length;
          try {
            const other = await this.fetchSystemInfo(this.nodes[index]!, PROBE_TIMEOUT_MS, signal);
            if (other.status === IN_SERVICE) {
              this.log.warn('finesse.failover', { from: hostOf(this.origin), to: hostOf(this.nodes[index]!) });
              this.nodeIndex = index;
              this.system = { ...this.system, ...other };
              this.outOfServiceSince = undefined;
              this.dispatch({ type: 'reconnecting', attempt, nextAttemptAt: new Date(this.clock.now()).toISOString(), nextHost: hostOf(this.origin) });
              return;
            }
          } catch (error) {
            if (signal.aborted) throw error;
          }
        }
      }
      if (!here) return; // unreachable everywhere: let the channel's schedule retry
      // OUT_OF_SERVICE: keep waiting for IN_SERVICE.
      this.dispatch({ type: 'reconnecting', attempt, nextAttemptAt: new Date(this.clock.now() + OUT_OF_SERVICE_POLL_MS).toISOString(), nextHost: hostOf(this.origin) });
      await this.clock.sleep(OUT_OF_SERVICE_POLL_MS, signal);
    }
  }

  /** Back online (same or other node): re-read the user; if the outage logged the agent out
   *  (Finesse's 60 s presence rule, or a node switch), sign them back in to the state they had. */
  private async afterReconnect(): Promise<void> {
    const before = this.stateBeforeOutage;
    this.stateBeforeOutage = undefined;
    try {
      // Dialog notifications sent while the channel was down are lost: read the list again.
      await this.readDialogs();
      const user = await this.readUser();
      if (user.state !== 'LOGOUT' || !before || before.state === 'LOGOUT' || this.loggingOut) return;
      const extension = before.extension ?? this.extension;
      if (!extension) return;
      this.log.warn('finesse.state.restoring', { from: before.state });
      await this.login(extension);
      if (before.state === 'READY') await this.changeState('READY', stateBody('READY'));
      else if (before.state === 'NOT_READY' && before.reasonCodeId) await this.changeState('NOT_READY', stateBody('NOT_READY', before.reasonCodeId));
    } catch (error) {
      const typed = toPatchbayError(error);
      this.log.warn('finesse.reconnect.read-failed', { code: typed.code });
      this.dispatch({ type: 'error', error: typed.toContract() });
    }
  }

  // ------------------------------------------------------------------ ending
  async signOut(): Promise<void> {
    if (this.userId && this.auth && this.lastUser && this.lastUser.state !== 'LOGOUT' && this.current.phase === 'active') {
      this.loggingOut = true;
      try {
        // §4: UCCE takes LOGOUT only from NOT_READY, and NOT_READY/LOGOUT need a reason code when the
        // server has codes for them (else 400 require_reasoncode, or an async Invalid State): a bare
        // LOGOUT left a Ready agent Ready (still routed calls) until the 60 s presence rule [PRES].
        // Sign-out has no reason picker, so the first configured code of each category is used.
        if (this.system?.deploymentType === 'UCCE' && this.lastUser.state !== 'NOT_READY') {
          await this.changeState('NOT_READY', stateBody('NOT_READY', this.notReadyCodes[0]?.id));
        }
        await this.changeState('LOGOUT', stateBody('LOGOUT', this.logoutCodes[0]?.id));
      } catch (error) {
        // Signing out locally must not depend on the server; Finesse logs the agent out 60 s after
        // their presence goes away [PRES].
        this.log.info('finesse.sign-out.logout-failed', { code: toPatchbayError(error).code });
      }
    }
    await this.endSession();
  }

  private async endSession(): Promise<void> {
    await this.teardown(true);
    this.refreshToken = undefined;
    await this.context.secrets?.delete('refresh-token').catch(() => false);
    await this.http.clearCookies();
    this.dispatch({ type: 'signed-out' });
  }

  /** A sign-in or resume that did not make it: nothing half signed in, the reason on screen. */
  private async signInFailed(error: unknown, signal: AbortSignal): Promise<PatchbayError> {
    const typed = signal.aborted ? new PatchbayError('session.cancelled', 'Sign-in was cancelled.', { action: 'none' }) : toPatchbayError(error);
    await this.teardown(false);
    this.dispatch({ type: 'failed', error: typed.toContract() });
    return typed;
  }

  private async teardown(graceful: boolean): Promise<void> {
    this.ended = true;
    for (const w of [...this.waiters]) w.reject(new PatchbayError('session.ended', 'The session ended.', { action: 'none' }));
    if (this.auth?.kind === 'sso') this.auth.keeper.stop();
    const channel = this.channel;
    this.channel = undefined;
    if (channel) await (graceful ? channel.stop() : channel.stop().catch(() => undefined));
    this.auth = undefined;
    this.userId = undefined;
    this.loggingOut = false;
  }

  cancel(): void {
    this.signInAbort?.abort();
    void this.teardown(false);
  }

  dispose(): void {
    this.cancel();
  }

  private timeOf(at: number): string {
    try {
      return new Date(at).toLocaleTimeString(this.context.profile.language, { hour: '2-digit', minute: '2-digit' });
    } catch {
      return new Date(at).toISOString().slice(11, 16);
    }
  }

  /** Tests and diagnostics: figures that are not part of the view. */
  get diagnostics() {
    return {
      node: this.origin,
      userId: this.userId,
      reconnectTimes: [...(this.channel?.reconnectTimes ?? [])],
      tokenStats: this.auth?.kind === 'sso' ? this.auth.keeper.stats : undefined,
      agent: this.current.agent as AgentState | undefined,
    };
  }
}

export function createFinesseSession(context: PlatformContext): PlatformSession {
  return new FinesseSession(context);
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function okBody(res: HttpResponse, code: string, fallback: string): string {
  if (res.status === 200) return res.text();
  throw responseError(res, code, fallback);
}

function responseError(res: HttpResponse, code: string, fallback: string): PatchbayError {
  const message = apiErrorMessage(parseApiErrors(res.text()));
  return new PatchbayError(code, message ? `${fallback} (${message})` : `${fallback} (${res.status})`, { action: 'retry', details: { status: res.status } });
}
