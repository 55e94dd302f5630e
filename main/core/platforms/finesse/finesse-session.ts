// The Cisco Finesse adapter (seeds 001, 003; protocols/finesse.md): discovery (SystemInfo, then
// UserAuthMode in HYBRID), basic or SSO sign-in (IdS/IdP in the LoginWindow), the UCCE loginId,
// Bearer on REST, TokenKeeper refreshes, agent state over REST with the outcome from XMPP
// notifications, reconnect and A/B failover. The view changes only through ./reducer.ts.
import { randomUUID } from 'node:crypto';
import type { AgentState, CallAction, SelectableState, SignInOptions } from '../../../../preload/contract.ts';
import type { TokenGrant } from '../../auth/token-keeper.ts';
import type { Clock } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSession, type SessionView, type SignInInput, type SignOutInput } from '../platform.ts';
import { AgentRecord } from './agent-record.ts';
import { ConfirmedRequests } from './confirm.ts';
import { FinesseCredentials } from './credentials.ts';
import { fetchUserAuthMode, signInOptionsFor } from './discovery.ts';
import { createFinesseKeeper } from './keeper.ts';
import { FinesseNodes } from './nodes.ts';
import { NotificationChannel, type ChannelStatus } from './notifications.ts';
import { NodeHealth } from './node-health.ts';
import { finesseOptionsOf, type FinesseOptions, type FinesseOptionsInput } from './options.ts';
import { channelStatusStep, restoreAfterOutage } from './outage.ts';
import { reduce, type FinesseAction } from './reducer.ts';
import type { RestOptions } from './rest.ts';
import { parseResumeData, resumeGrant, withSavedRefreshToken } from './resume.ts';
import { sessionHttp, sessionRest, type RestDeps } from './session-rest.ts';
import { channelEndpoint, formMode, loginExtension, passwordOf, signInMode, userNameOf } from './sign-in-steps.ts';
import { sendSignOut } from './sign-out.ts';
import { grantOf, refreshStrategies, signInUrl, SIGN_IN_WINDOW_TIMEOUT_MS, windowToken, type SsoContext } from './sso.ts';
import { checkStateChoice } from './state-rules.ts';
import { tokenNotices } from './token-notices.ts';
import { routeUpdate, type SystemUpdate } from './updates.ts';
import { loginBody, type FinesseUpdate, type FinesseUser, type SystemInfo } from './wire.ts';
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
  private readonly options: FinesseOptions;
  private readonly linkFactory: XmppLinkFactory | undefined;
  private readonly resource: string;
  private readonly listeners = new Listeners<SessionView>();
  /** The node REST and XMPP use now, and the others to fail over to (§5). */
  private readonly nodes: FinesseNodes;
  private current: SessionView = SIGNED_OUT_VIEW;
  private readonly auth = new FinesseCredentials();
  private channel: NotificationChannel | undefined;
  /** The agent: loginId (FIN-10), extension, last User, reason codes (agent-record.ts). */
  private readonly record: AgentRecord;
  /** State changes and call actions waiting for their notification (confirm.ts). */
  private readonly requests: ConfirmedRequests;
  private signInAbort: AbortController | undefined;
  /** The agent's state when the notification channel went down (restored after a failover). */
  private stateBeforeOutage: FinesseUser | undefined;
  /** Issue 9 item 9: the node in use leaving service while XMPP stays up (node-health.ts). */
  private readonly health: NodeHealth;
  private loggingOut = false;
  private ended = false;

  constructor(context: PlatformContext, options: FinesseSessionOptions = {}) {
    this.context = context;
    this.clock = context.clock;
    this.log = context.log.child({ platform: 'finesse' });
    this.http = options.http ?? sessionHttp(context, this.log);
    this.options = finesseOptionsOf(context.profile, options.finesse);
    this.linkFactory = options.linkFactory;
    this.resource = options.resource ?? `patchbay-${randomUUID().slice(0, 8)}`;
    this.record = new AgentRecord({ rest: (...args) => this.rest(...args), log: this.log, dispatch: (a) => this.dispatch(a), onUser: (u) => this.requests.settleUser(u) });
    const confirm = { clock: this.clock, confirmTimeoutMs: this.options.stateConfirmTimeoutMs, rest: this.rest.bind(this), record: this.record };
    this.requests = new ConfirmedRequests({ ...confirm, calls: () => this.current.calls });
    this.nodes = new FinesseNodes({ http: this.http, clock: this.clock, log: this.log, servers: context.profile.servers, outOfServiceFailoverMs: this.options.outOfServiceFailoverMs, allowedServerHosts: context.allowedServerHosts });
    const health = { clock: this.clock, log: this.log, nodes: this.nodes, record: this.record, dispatch: (a: FinesseAction) => this.dispatch(a) };
    this.health = new NodeHealth({ ...health, reconnect: (reason) => this.channel?.reconnectNow(reason) });
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
    const { profile } = this.context;
    return signInOptionsFor(await formMode(() => this.discover(), this.userAuthMode, hint.userName ?? profile.userName, profile.authMode, this.log), profile);
  }

  // ------------------------------------------------------------------ sign-in
  async signIn(input: SignInInput): Promise<void> {
    if (this.current.phase === 'active' && this.auth.kind === 'sso') {
      // Signing in again on a live SSO session renews the tokens only: the agent's state is kept (FIN-14).
      if (!(await this.reauthenticate())) throw new PatchbayError('finesse.sso.not-renewed', 'Signing in again did not complete.', { action: 'sign-in-again' });
      return;
    }
    return this.attempt(async (signal) => {
      const system = await this.discover(signal);
      const userName = userNameOf(input, this.context.profile.userName);
      let lookupName = userName;
      if ((await signInMode(system, userName, input, this.context.profile.authMode, this.userAuthMode, signal)) === 'NON_SSO') {
        this.auth.useBasic(userName, passwordOf(input));
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
    });
  }

  /** A sign-in or resume, from "connecting" to active; one that did not make it leaves nothing half signed in. */
  private async attempt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.ended = false;
    this.signInAbort = new AbortController();
    const signal = this.signInAbort.signal;
    this.dispatch({ type: 'connecting', server: this.origin });
    try {
      return await run(signal);
    } catch (error) {
      throw await this.signInFailed(error, signal);
    } finally {
      this.signInAbort = undefined;
    }
  }

  private ssoContext(userName: string): SsoContext {
    const { http, clock, options, context } = this;
    return { http, clock, options, loginWindow: context.loginWindow, profileId: context.profile.id, origin: () => this.origin, userName, nodeHosts: this.nodes.hosts };
  }

  /** After authentication: loginId (FIN-10), reason codes, notifications, then the agent's state
   *  (LOGIN with the extension when logged out). */
  private async establish(lookupName: string, extensionInput: string | undefined, signal?: AbortSignal): Promise<void> {
    // FIN-10: the loginId for every later call (agent-record.ts), then the view says who is signed in.
    const found = await this.record.lookup(lookupName, signal);
    const display = [found.firstName, found.lastName].filter(Boolean).join(' ');
    this.dispatch({ type: 'connected', server: this.origin, serverNote: this.nodes.note, ...(display ? { userDisplayName: display } : {}) });
    this.log.info('finesse.user', { deployment: this.system?.deploymentType, loginIdDiffers: found.loginId !== undefined && found.loginId !== lookupName });
    // Independent requests go out together (issue 15 item 1): the reason codes while XMPP opens, the
    // dialogs with the user read that follows the subscription (so no notification is missed).
    const codes = this.record.loadReasonCodes();
    codes.catch(() => undefined);
    await this.startChannel();
    await codes;
    const dialogs = this.record.fetchDialogsQuietly();
    try {
      const user = await this.record.readUser();
      if (user.state === 'LOGOUT') await this.login(loginExtension(extensionInput, user));
      else this.record.extension = user.extension;
      this.record.applyDialogs(await dialogs);
    } finally {
      void dialogs.then((read) => this.record.discardDialogs(read));
    }
    await this.saveResumeData();
    this.dispatch({ type: 'active' });
  }

  /** FIN-01..04, 07, 08 happened in the LoginWindow; from here TokenKeeper keeps the token fresh. */
  private startKeeper(ctx: SsoContext, grant: TokenGrant, obtainedAt: number): void {
    const onRefreshToken = (token: string) => {
      this.auth.refreshToken = token;
      if (this.current.phase === 'active') void this.saveResumeData();
    };
    const events = tokenNotices({ log: this.log, dispatch: (a) => this.dispatch(a), onRefreshToken, language: this.context.profile.language }, Boolean(grant.refreshToken));
    const keeper = createFinesseKeeper(this.clock, this.log, ctx, events);
    this.auth.useKeeper(keeper, ctx);
    keeper.start(grant, obtainedAt);
  }

  // ------------------------------------------------------------------ keychain (CARD-02)
  /** The refresh token (and the non-secret facts a resume needs) go to the keychain only. */
  private async saveResumeData(): Promise<void> {
    const secrets = this.context.secrets;
    const data = this.auth.resumeData(this.record.extension);
    if (!secrets || !data) return;
    await secrets.set('refresh-token', JSON.stringify(data)).catch((error: unknown) => this.log.warn('finesse.secrets.save-failed', { code: toPatchbayError(error).code }));
  }

  /** Silent resume at launch: the saved refresh token over HTTP (the GET form needs no access
   *  token), else a hidden window (IdP session cookies); never a prompt. */
  async resume(): Promise<boolean> {
    const data = parseResumeData(await this.context.secrets?.get('refresh-token'));
    if (!data) return false;
    return this.attempt(async (signal) => {
      const system = await this.discover(signal);
      if (system.systemAuthMode === 'NON_SSO') return await this.resumeFailed();
      const ctx = this.ssoContext(data.userName);
      const startedAt = this.clock.now();
      const grant = await resumeGrant(refreshStrategies(ctx), data.refreshToken, signal, this.log);
      if (!grant) return await this.resumeFailed();
      this.auth.refreshToken = data.refreshToken;
      this.startKeeper(ctx, withSavedRefreshToken(grant, data.refreshToken), grant.obtainedAt ?? startedAt);
      await this.establish(data.userName, data.extension, signal);
      return true;
    });
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

  // ------------------------------------------------------------------ REST

  private readonly restDeps: RestDeps = {
    auth: this.auth,
    origin: () => this.origin,
    // The node may be gone: let the channel's reconnect checks decide on a failover.
    onNodeGone: (error) => this.current.phase === 'active' && this.channel?.reconnectNow(error),
    // The sign-in is gone: the view says so at once (display state "needs sign-in"), not on the next click.
    onSignInLost: (error) => this.current.phase === 'active' && this.dispatch({ type: 'error', error: error.toContract() }),
  };

  private rest(method: 'GET' | 'PUT' | 'POST', path: string, body?: string, options: RestOptions = {}): Promise<HttpResponse> {
    return sessionRest(this.http, this.restDeps, method, path, body, options);
  }

  // ------------------------------------------------------------------ agent state (§4)
  async listStates(): Promise<SelectableState[]> {
    await this.record.loadReasonCodes();
    return this.current.selectableStates;
  }

  async setAgentState(stateId: string, reasonId?: string): Promise<void> {
    try {
      const { state, body } = checkStateChoice(stateId, reasonId, this.record.codes, this.system?.deploymentType, this.record.lastUser);
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
    this.record.extension = extension;
    await this.changeState('LOGIN', loginBody(extension, this.options.mobileAgent));
  }

  /** PUT → 202, confirmed by the notification (confirm.ts). */
  private changeState(target: string, body: string): Promise<void> {
    return this.requests.changeState(target, body);
  }

  // ------------------------------------------------------------------ calls (§4 Dialog, issue 13 item 9)
  async actOnCall(callId: string, action: CallAction): Promise<void> {
    return this.requests.actOnCall(callId, action);
  }

  // ------------------------------------------------------------------ notifications (§5)
  private async startChannel(): Promise<void> {
    const channel = new NotificationChannel({
      clock: this.clock,
      log: this.log,
      endpoint: async () => {
        const userId = this.record.requireUserId();
        const facts = { origin: this.origin, options: this.options, system: this.system, userId, resource: this.resource, dispatcher: this.context.dispatcher, lab: this.context.profile.lab === true };
        return channelEndpoint({ ...facts, password: await this.auth.xmppPassword() });
      },
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
    routeUpdate(update, {
      userId: this.record.userId,
      applyUser: (user) => this.record.notifiedUser(user),
      applyDialogs: (dialogs, event) => {
        this.record.notifiedDialogs(dialogs, event);
        this.requests.settleCalls();
      },
      rejectWaiters: (error, requestId) => this.requests.reject(error, requestId),
      showError: (error) => this.dispatch({ type: 'error', error }),
      onSystem: (system) => this.onSystemNotice(system),
    });
  }

  /** Issue 9 item 9: the node in use leaving service (node-health.ts). */
  private onSystemNotice(update: SystemUpdate): void {
    this.health.onNotice(update.status);
  }

  private onChannelStatus(status: ChannelStatus): void {
    if (this.ended) return;
    const step = channelStatusStep(status, this.current.phase, { origin: this.origin, note: this.nodes.note });
    if (step.outageStarts && this.record.lastUser) this.stateBeforeOutage = { ...this.record.lastUser };
    if (step.action) this.dispatch(step.action);
    if (step.reconnected) this.health.reconnected(this.origin);
    if (step.reconnected) void this.afterReconnect();
  }

  /** Before each reconnect attempt: stay, wait for IN_SERVICE, or move to another node (nodes.ts, failover.ts). */
  private beforeReconnect(attempt: number, _error: PatchbayError, signal: AbortSignal): Promise<void> {
    return this.nodes.beforeReconnect(attempt, signal, (at, host) => this.dispatch({ type: 'reconnecting', attempt, nextAttemptAt: new Date(at).toISOString(), nextHost: host }));
  }

  /** Back online (same or other node): re-read, and sign back in an agent the outage logged out (outage.ts). */
  private async afterReconnect(): Promise<void> {
    const before = this.stateBeforeOutage;
    this.stateBeforeOutage = undefined;
    await restoreAfterOutage(
      {
        log: this.log,
        options: this.options,
        record: this.record,
        loggingOut: () => this.loggingOut,
        login: (extension) => this.login(extension),
        changeState: (state, body) => this.changeState(state, body),
        showError: (error) => this.dispatch({ type: 'error', error }),
      },
      before,
    );
  }

  // ------------------------------------------------------------------ ending
  async signOut(input: SignOutInput = {}): Promise<void> {
    let refused: PatchbayError | undefined;
    if (this.record.userId && this.auth.kind && this.record.lastUser && this.record.lastUser.state !== 'LOGOUT' && this.current.phase === 'active') {
      // Issue 13 item 6: a reason that is not on the list is refused before anything is sent.
      // Signing out locally must not depend on the server (sign-out.ts); a refusal is still reported.
      refused = await sendSignOut(
        {
          log: this.log,
          deploymentType: this.system?.deploymentType,
          record: this.record,
          begin: () => (this.loggingOut = true),
          changeState: (state, body) => this.changeState(state, body),
        },
        this.record.lastUser,
        input.reasonCodeId,
      );
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
    this.health.stop(false);
    this.requests.rejectAll(new PatchbayError('session.ended', 'The session ended.', { action: 'none' }));
    this.auth.stopKeeper();
    const channel = this.channel;
    this.channel = undefined;
    if (channel) await (graceful ? channel.stop() : channel.stop().catch(() => undefined));
    this.auth.clear();
    this.record.userId = undefined;
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
      userId: this.record.userId,
      reconnectTimes: [...(this.channel?.reconnectTimes ?? [])],
      tokenStats: this.auth.stats,
      agent: this.current.agent as AgentState | undefined,
    };
  }
}

export function createFinesseSession(context: PlatformContext): PlatformSession {
  return new FinesseSession(context);
}
