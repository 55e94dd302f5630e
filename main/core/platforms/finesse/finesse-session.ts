// The Cisco Finesse adapter (seeds 001, 003; protocols/finesse.md): discovery (SystemInfo, then
// UserAuthMode in HYBRID), basic or SSO sign-in (IdS/IdP in the LoginWindow), the UCCE loginId,
// Bearer on REST, TokenKeeper refreshes, agent state over REST with the outcome from XMPP
// notifications, reconnect and A/B failover. The view changes only through ./reducer.ts.
import { randomUUID } from 'node:crypto';
import type { AgentState, CallAction, SelectableState, SignInOptions } from '../../../../preload/contract.ts';
import type { TokenGrant } from '../../auth/token-keeper.ts';
import type { LoginWindow } from '../../auth/login-window.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSession, type SessionView, type SignInInput, type SignOutInput } from '../platform.ts';
import { agentStateOf, selectableStates } from './agent-state.ts';
import { CallWaiters, checkCallAction, dialogActionError, dialogActionRequest } from './call-actions.ts';
import { FinesseCredentials } from './credentials.ts';
import { fetchUserAuthMode, hostOf, hybridUserMode, signInOptionsFor } from './discovery.ts';
import { createFinesseKeeper } from './keeper.ts';
import { FinesseNodes } from './nodes.ts';
import { NotificationChannel, xmppServiceUrl, type ChannelStatus } from './notifications.ts';
import { finesseOptionsOf, type FinesseOptions, type FinesseOptionsInput } from './options.ts';
import { reduce, type FinesseAction } from './reducer.ts';
import { restError, restRequest, stateChangeError, type RestOptions } from './rest.ts';
import { parseResumeData, resumeGrant } from './resume.ts';
import { grantOf, refreshStrategies, signInUrl, SIGN_IN_WINDOW_TIMEOUT_MS, windowToken, type SsoContext } from './sso.ts';
import { asyncStateError, checkStateChoice, isMine, NOT_READY_AFTER_OUTAGE, restoreStep, signOutRefusal, signOutSteps } from './state-rules.ts';
import { StateWaiters } from './state-waiters.ts';
import { fetchDialogs, fetchReasonCodes, fetchUser, type Rest } from './user.ts';
import {
  IN_SERVICE,
  jwtExpiry,
  loginBody,
  userPath,
  type FinesseUpdate,
  type FinesseUser,
  type ReasonCode,
  type SystemInfo,
} from './wire.ts';
import type { XmppLinkFactory } from './xmpp-link.ts';

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
  /** The node REST and XMPP use now, and the others to fail over to (§5). */
  private readonly nodes: FinesseNodes;
  private current: SessionView = SIGNED_OUT_VIEW;
  private readonly auth = new FinesseCredentials();
  /** FIN-10: the loginId every REST call uses after sign-in. */
  private userId: string | undefined;
  private extension: string | undefined;
  private channel: NotificationChannel | undefined;
  private notReadyCodes: ReasonCode[] = [];
  private logoutCodes: ReasonCode[] = [];
  private lastUser: FinesseUser | undefined;
  private readonly waiters = new StateWaiters();
  private readonly callWaiters = new CallWaiters();
  private signInAbort: AbortController | undefined;
  /** The agent's state when the notification channel went down (restored after a failover). */
  private stateBeforeOutage: FinesseUser | undefined;
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
      new HttpSession({
        profileId: context.profile.id,
        log: this.log,
        clock: this.clock,
        ...(context.dispatcher ? { dispatcher: context.dispatcher } : {}),
        ...(context.acceptLanguage ? { acceptLanguage: context.acceptLanguage } : {}), // issue 13 item 11
      });
    this.options = finesseOptionsOf(context.profile, options.finesse);
    this.linkFactory = options.linkFactory;
    this.resource = options.resource ?? `patchbay-${randomUUID().slice(0, 8)}`;
    this.nodes = new FinesseNodes({ http: this.http, clock: this.clock, log: this.log, servers: context.profile.servers, outOfServiceFailoverMs: this.options.outOfServiceFailoverMs, allowedServerHosts: context.allowedServerHosts });
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
    return this.nodes.origin;
  }

  private get system(): SystemInfo | undefined {
    return this.nodes.system;
  }

  // ------------------------------------------------------------------ discovery (FIN-05, FIN-06)
  /** [FIN-05] SystemInfo on the first node IN_SERVICE (nodes.ts). */
  private discover = (signal?: AbortSignal): Promise<SystemInfo> => this.nodes.discover(signal);
  /** [FIN-06] HYBRID: the user's own mode; undefined when the service is disabled (403) or unknown. */
  private userAuthMode = (userName: string, signal?: AbortSignal) => fetchUserAuthMode(this.http, this.log, this.origin, userName, signal);

  /** What the form asks for (FIN-09: an SSO user types no password in Patchbay). `hint.userName`
   *  lets a HYBRID server tell this user's mode. */
  async signInOptions(hint: { userName?: string } = {}): Promise<SignInOptions> {
    const userName = hint.userName ?? this.context.profile.userName;
    let mode: 'SSO' | 'NON_SSO' | 'HYBRID' | 'HYBRID-UNKNOWN' | undefined;
    try {
      mode = (await this.discover()).systemAuthMode;
      if (mode === 'HYBRID' && userName) mode = (await this.userAuthMode(userName).catch(() => undefined)) ?? 'HYBRID-UNKNOWN';
    } catch (error) {
      this.log.info('finesse.discovery.failed', { code: toPatchbayError(error).code });
    }
    mode ??= this.context.profile.authMode === 'sso' ? 'SSO' : 'NON_SSO';
    return signInOptionsFor(mode, this.context.profile);
  }

  // ------------------------------------------------------------------ sign-in
  async signIn(input: SignInInput): Promise<void> {
    if (this.current.phase === 'active' && this.auth.kind === 'sso') {
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
        mode = hybridUserMode(await this.userAuthMode(userName, signal), input, this.context.profile.authMode);
      }
      let lookupName = userName;
      if (mode === 'NON_SSO') {
        if (!input.credentials) {
          throw new PatchbayError('finesse.sign-in.password-required', 'This user signs in with a password: enter it to continue.', { action: 'sign-in-again' });
        }
        this.auth.useBasic(userName, input.credentials.password);
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
      nodeHosts: this.nodes.hosts,
    };
  }

  /** After authentication: loginId (FIN-10), reason codes, notifications, then the agent's state
   *  (LOGIN with the extension when logged out). */
  private async establish(lookupName: string, extensionInput: string | undefined, signal?: AbortSignal): Promise<void> {
    await this.lookupUser(lookupName, signal);
    // Independent requests go out together (issue 15 item 1): the reason codes while XMPP opens, the
    // dialogs with the user read that follows the subscription (so no notification is missed).
    const codes = this.loadReasonCodes();
    codes.catch(() => undefined);
    await this.startChannel();
    await codes;
    const dialogs = this.fetchDialogsQuietly();
    const user = await this.readUser();
    if (user.state === 'LOGOUT') {
      const extension = extensionInput?.trim() || user.extension;
      if (!extension) throw new PatchbayError('finesse.sign-in.extension-required', 'Enter your extension to sign in.', { action: 'sign-in-again' });
      await this.login(extension);
    } else {
      this.extension = user.extension;
    }
    this.applyDialogs(await dialogs);
    await this.saveResumeData();
    this.dispatch({ type: 'active' });
  }

  /** FIN-01..04, 07, 08 happened in the LoginWindow; from here TokenKeeper keeps the token fresh. */
  private startKeeper(ctx: SsoContext, grant: TokenGrant, obtainedAt: number): void {
    if (!grant.refreshToken) this.log.warn('finesse.sso.no-refresh-token', {});
    const keeper = createFinesseKeeper(this.clock, this.log, ctx, {
      onRefreshToken: (token) => {
        this.auth.refreshToken = token;
        if (this.current.phase === 'active') void this.saveResumeData();
      },
      onTimes: (expiresAt, refreshAt, signInBy) => this.dispatch({ type: 'token', expiresAt, refreshAt, signInBy }),
      onRefreshed: () => this.dispatch({ type: 'clear-error', codePrefix: 'finesse.sso.' }),
      onError: (error) => this.dispatch({ type: 'error', error }),
      language: this.context.profile.language,
    });
    this.auth.useKeeper(keeper, ctx);
    keeper.start(grant, obtainedAt);
  }

  // ------------------------------------------------------------------ keychain (CARD-02)
  /** The refresh token (and the non-secret facts a resume needs) go to the keychain only. */
  private async saveResumeData(): Promise<void> {
    const secrets = this.context.secrets;
    const data = this.auth.resumeData(this.extension);
    if (!secrets || !data) return;
    await secrets.set('refresh-token', JSON.stringify(data)).catch((error: unknown) => this.log.warn('finesse.secrets.save-failed', { code: toPatchbayError(error).code }));
  }

  /** Silent resume at launch: the saved refresh token over HTTP (the GET form needs no access
   *  token), else a hidden window (IdP session cookies); never a prompt. */
  async resume(): Promise<boolean> {
    const data = parseResumeData(await this.context.secrets?.get('refresh-token'));
    if (!data) return false;
    this.ended = false;
    this.signInAbort = new AbortController();
    const signal = this.signInAbort.signal;
    this.dispatch({ type: 'connecting', server: this.origin });
    try {
      const system = await this.discover(signal);
      if (system.systemAuthMode === 'NON_SSO') return await this.resumeFailed();
      const ctx = this.ssoContext(data.userName);
      const startedAt = this.clock.now();
      const grant = await resumeGrant(refreshStrategies(ctx), data.refreshToken, signal, this.log);
      if (!grant) return await this.resumeFailed();
      this.auth.refreshToken = data.refreshToken;
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
    return this.auth.renewInteractively();
  }

  /** FIN-10: GET User/<loginName> → loginId, used for every later call (UCCE; same on UCCX). */
  private async lookupUser(name: string, signal?: AbortSignal): Promise<void> {
    const user = await fetchUser(this.restCall, name, { signal, unauthorized: 'sign-in' });
    this.userId = user.loginId ?? name;
    this.lastUser = user;
    const display = [user.firstName, user.lastName].filter(Boolean).join(' ');
    this.dispatch({ type: 'connected', server: this.origin, serverNote: this.nodes.note, ...(display ? { userDisplayName: display } : {}) });
    this.log.info('finesse.user', { deployment: this.system?.deploymentType, loginIdDiffers: user.loginId !== undefined && user.loginId !== name });
  }

  private requireUserId(): string {
    if (!this.userId) throw new PatchbayError('session.not-active', 'Sign in first.', { action: 'sign-in-again' });
    return this.userId;
  }

  private get codes(): { notReady: ReasonCode[]; logout: ReasonCode[] } {
    return { notReady: this.notReadyCodes, logout: this.logoutCodes };
  }

  private async loadReasonCodes(): Promise<void> {
    ({ notReady: this.notReadyCodes, logout: this.logoutCodes } = await fetchReasonCodes(this.restCall, this.requireUserId()));
    this.dispatch({ type: 'states', states: selectableStates(this.notReadyCodes, this.logoutCodes) });
  }

  private async readUser(): Promise<FinesseUser> {
    const user = await fetchUser(this.restCall, this.requireUserId());
    this.applyUser(user);
    return user;
  }

  /** The agent's current dialogs (§4 GET User/{id}/Dialogs); notifications keep them current after. A
   *  failure only leaves the list to the notifications: it must not fail a sign-in or a reconnect. */
  private async readDialogs(): Promise<void> {
    this.applyDialogs(await this.fetchDialogsQuietly());
  }

  private async fetchDialogsQuietly(): Promise<Awaited<ReturnType<typeof fetchDialogs>> | undefined> {
    try {
      return await fetchDialogs(this.restCall, this.requireUserId());
    } catch (error) {
      this.log.warn('finesse.dialogs.read-failed', { code: toPatchbayError(error).code });
      return undefined;
    }
  }

  private applyDialogs(dialogs: Awaited<ReturnType<typeof fetchDialogs>> | undefined): void {
    if (dialogs) this.dispatch({ type: 'dialogs', dialogs, extension: this.extension, replace: true });
  }

  private applyUser(user: FinesseUser): void {
    this.lastUser = { ...this.lastUser, ...user, roles: user.roles.length ? user.roles : (this.lastUser?.roles ?? []) };
    if (user.extension) this.extension = user.extension;
    this.dispatch({ type: 'agent', agent: agentStateOf(this.lastUser, [...this.notReadyCodes, ...this.logoutCodes]) });
    this.waiters.settle(user);
  }

  // ------------------------------------------------------------------ REST
  private readonly restCall: Rest = (method, path, body, options) => this.rest(method, path, body, options);

  private async rest(method: 'GET' | 'PUT' | 'POST', path: string, body?: string, options: RestOptions = {}): Promise<HttpResponse> {
    const send = async (authorization: string): Promise<HttpResponse> => {
      try {
        return await this.http.request(restRequest(this.origin, method, path, authorization, body, options));
      } catch (error) {
        const typed = toPatchbayError(error);
        // The node may be gone: let the channel's reconnect checks decide on a failover.
        if ((typed.code === 'net.unreachable' || typed.code === 'net.timeout') && this.current.phase === 'active') this.channel?.reconnectNow(typed);
        throw typed;
      }
    };
    const authorization = await this.auth.authorization();
    let res = await send(authorization);
    // Issue 13 item 2: a refused Bearer token gets one renewal and one retry, never more.
    if (res.status === 401 && (await this.auth.renewAfterRefusal(authorization))) res = await send(await this.auth.authorization());
    const error = restError(res, options.unauthorized === 'sign-in' && this.auth.kind === 'basic');
    if (error) {
      // The sign-in is gone: the view says so at once (display state "needs sign-in"), not on the next click.
      if (res.status === 401 && this.current.phase === 'active') this.dispatch({ type: 'error', error: error.toContract() });
      throw error;
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
      const { state, body } = checkStateChoice(stateId, reasonId, this.codes, this.system?.deploymentType, this.lastUser);
      this.loggingOut = state === 'LOGOUT';
      await this.changeState(state, body);
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
  private changeState(target: string, body: string): Promise<void> {
    const requestId = randomUUID();
    return this.confirmed(
      (onSettled) => this.waiters.expect(target, requestId, onSettled),
      async () => stateChangeError(await this.rest('PUT', userPath(this.requireUserId()), body, { requestId })),
      // No notification in time: ask the server what happened.
      () => this.readUser(),
      () => new PatchbayError('finesse.state.unconfirmed', 'Finesse accepted the change but did not carry it out.', { action: 'retry' }),
    );
  }

  /** A request Finesse answers 202 to and confirms by notification: `send` returns the refusal, if any;
   *  after the confirm timeout `recheck` reads the server and the waiter fails as `unconfirmed` (unless
   *  the read settled it first). */
  private async confirmed(
    expect: (onSettled: () => void) => { waiter: { reject(error: PatchbayError): void }; outcome: Promise<void> },
    send: () => Promise<PatchbayError | undefined>,
    recheck: () => Promise<unknown>,
    unconfirmed: () => PatchbayError,
  ): Promise<void> {
    const pending: { timer?: TimerHandle } = {};
    const { waiter, outcome } = expect(() => pending.timer?.cancel());
    try {
      const refused = await send();
      if (refused) throw refused;
    } catch (error) {
      waiter.reject(toPatchbayError(error));
      return outcome;
    }
    pending.timer = this.clock.setTimeout(() => {
      recheck().then(
        () => waiter.reject(unconfirmed()),
        (error: unknown) => waiter.reject(toPatchbayError(error)),
      );
    }, this.options.stateConfirmTimeoutMs);
    return outcome;
  }

  // ------------------------------------------------------------------ calls (§4 Dialog, issue 13 item 9)
  /** PUT Dialog → 202, then confirmed by the dialog notification (or its async CTI error), like a
   *  state change; nothing is shown before Finesse confirms it. */
  async actOnCall(callId: string, action: CallAction): Promise<void> {
    checkCallAction(this.current.calls, callId, action);
    const extension = this.extension;
    if (!extension) throw new PatchbayError('call.no-extension', 'Sign in with an extension to act on calls.', { action: 'none' });
    const requestId = randomUUID();
    const { path, body } = dialogActionRequest(callId, action, extension);
    return this.confirmed(
      (onSettled) => this.callWaiters.expect(callId, action, requestId, onSettled),
      async () => dialogActionError(await this.rest('PUT', path, body, { requestId })),
      // No notification in time: read the calls, then either it happened or it did not.
      async () => {
        await this.readDialogs();
        this.callWaiters.settle(this.current.calls);
      },
      () => new PatchbayError('call.unconfirmed', 'Finesse accepted the call action but did not carry it out.', { action: 'retry' }),
    );
  }

  // ------------------------------------------------------------------ notifications (§5)
  private async startChannel(): Promise<void> {
    const channel = new NotificationChannel({
      clock: this.clock,
      log: this.log,
      endpoint: async () => ({
        service: xmppServiceUrl(this.origin, { ...(this.options.xmppPort !== undefined ? { port: this.options.xmppPort } : {}), path: this.options.xmppPath }),
        domain: this.system?.xmppDomain ?? new URL(this.origin).hostname,
        username: this.requireUserId().toLowerCase(),
        password: await this.auth.xmppPassword(),
        resource: this.resource,
        // The same network set-up as REST: IT's CA bundle, proxy, verification on (issue 8 item 5).
        dispatcher: this.context.dispatcher,
        allowCleartext: this.context.profile.lab === true,
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
    switch (update.kind) {
      case 'user':
        if (isMine(update, this.userId, 'user')) this.applyUser(update.user);
        break;
      case 'dialogs':
        // §5: the agent's own Dialogs node only (a supervisor's team nodes are not the agent's calls).
        if (isMine(update, this.userId, 'dialogs')) {
          this.dispatch({ type: 'dialogs', dialogs: update.dialogs, extension: this.extension, event: update.event });
          this.callWaiters.settle(this.current.calls);
        }
        break;
      case 'errors': {
        // The async CTI error of a state change (§5): fail the matching waiter.
        const error = asyncStateError(update.errors);
        if (this.waiters.reject(error, update.requestId) + this.callWaiters.reject(error, update.requestId) === 0) this.dispatch({ type: 'error', error: error.toContract() });
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
      this.dispatch({ type: 'reconnected', server: this.origin, serverNote: this.nodes.note });
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
    await this.nodes.beforeReconnect(signal, (nextAttemptAt, host) =>
      this.dispatch({ type: 'reconnecting', attempt, nextAttemptAt: new Date(nextAttemptAt).toISOString(), nextHost: host }),
    );
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
      const step = restoreStep(before, this.options.afterOutage);
      if (step) await this.changeState(step.state, step.body);
      if (before.state === 'READY' && step?.state !== 'READY') this.dispatch({ type: 'error', error: NOT_READY_AFTER_OUTAGE });
    } catch (error) {
      const typed = toPatchbayError(error);
      this.log.warn('finesse.reconnect.read-failed', { code: typed.code });
      this.dispatch({ type: 'error', error: typed.toContract() });
    }
  }

  // ------------------------------------------------------------------ ending
  async signOut(input: SignOutInput = {}): Promise<void> {
    let refused: PatchbayError | undefined;
    if (this.userId && this.auth.kind && this.lastUser && this.lastUser.state !== 'LOGOUT' && this.current.phase === 'active') {
      // Issue 13 item 6: a reason that is not on the list is refused before anything is sent.
      const steps = signOutSteps(this.system?.deploymentType, this.lastUser.state, this.codes, input.reasonCodeId);
      this.loggingOut = true;
      const before = this.lastUser.state;
      try {
        for (const step of steps) await this.changeState(step.state, step.body);
      } catch (error) {
        // Signing out locally must not depend on the server; Finesse logs the agent out 60 s after
        // their presence goes away [PRES]. A refusal is still reported (issue 9 item 11).
        const typed = toPatchbayError(error);
        this.log.info('finesse.sign-out.logout-failed', { code: typed.code });
        refused = signOutRefusal(typed, this.lastUser?.state ?? before);
      }
    }
    await this.endSession(refused);
    if (refused) throw refused;
  }

  private async endSession(refused?: PatchbayError): Promise<void> {
    await this.teardown(true);
    this.auth.refreshToken = undefined;
    await this.context.secrets?.delete('refresh-token').catch(() => false);
    await this.http.clearCookies();
    this.dispatch(refused ? { type: 'failed', error: refused.toContract() } : { type: 'signed-out' });
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
    this.waiters.reject(new PatchbayError('session.ended', 'The session ended.', { action: 'none' }));
    this.callWaiters.rejectAll(new PatchbayError('session.ended', 'The session ended.', { action: 'none' }));
    this.auth.stopKeeper();
    const channel = this.channel;
    this.channel = undefined;
    if (channel) await (graceful ? channel.stop() : channel.stop().catch(() => undefined));
    this.auth.clear();
    this.userId = undefined;
    this.loggingOut = false;
  }

  /** "Retry now" while the notification channel waits to reconnect (issue 13 item 2). */
  retryNow(): boolean {
    return this.channel?.retryNow() ?? false;
  }

  cancel(): void {
    this.signInAbort?.abort();
    void this.teardown(false);
  }

  dispose(): void {
    this.cancel();
  }

  /** Tests and diagnostics: figures that are not part of the view. */
  get diagnostics() {
    return {
      node: this.origin,
      userId: this.userId,
      reconnectTimes: [...(this.channel?.reconnectTimes ?? [])],
      tokenStats: this.auth.stats,
      agent: this.current.agent as AgentState | undefined,
    };
  }
}

export function createFinesseSession(context: PlatformContext): PlatformSession {
  return new FinesseSession(context);
}
