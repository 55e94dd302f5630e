// The ICWS adapter (seed 000, protocols/icws.md): icAuth sign-in with the host walk, selectable
// statuses, user status read/set, user-status subscription over server-sent events or short
// polling, connection-loss reason, sign-out. The protocol steps live by concern in ./connect.ts,
// ./messaging.ts, ./reconnect.ts, ./state.ts, ./status.ts, ./sso.ts and ./responses.ts; this class
// only orchestrates them and owns the view.
import type { Profile, SelectableState, SignInOptions } from '../../../../preload/contract.ts';
import type { Clock } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSession, type SessionView, type SignInInput } from '../platform.ts';
import { agentStateOf } from './agent-state.ts';
import {
  alternateBases,
  attemptOnce,
  discardConnection,
  fetchCloudServers,
  hostToBase,
  profileBases,
  readConnectionState,
  readServerInfo,
  rebase,
  sessionRequest,
  walkHosts,
  type Connection,
  type ConnectContext,
  type HostToBase,
} from './connect.ts';
import { messagesUrl, readMessages, runMessaging, waitForArrival, type MessagingContext } from './messaging.ts';
import { reconnect, reconnectHosts, ssoFailureOutcome, type AttemptOutcome } from './reconnect.ts';
import { reduce, type IcwsAction } from './reducer.ts';
import { safeErrorBody, serverError } from './responses.ts';
import { lostError, reconnectingAction, reconnectsAfterLoss, signInOptionsOf } from './state.ts';
import { fetchStatuses, fetchUserStatus, putStation } from './status.ts';
import { reconnectSsoToken, runIcwsSso, ssoConnectionBody, type IcwsSsoOptions } from './sso.ts';
import type { LoginWindow } from '../../auth/login-window.ts';
import { Freshness } from '../freshness.ts';
import { chooseTransport, icAuthConnectionBody, type StatusMessage, type UserStatus } from './wire.ts';

/** How long sign-in waits for the subscription's first status message before reading it with a GET. */
const FIRST_STATUS_WAIT_MS = 3_000;

export { HEARTBEAT_INTERVAL_MS, SSE_STALL_MS } from './messaging.ts';
/** An SSO reconnect first tries the IdP hidden: an IdP session that is still valid signs in with
 *  no page; one that waits this long needs the agent (then the window may show, 'awaiting-user'). */
export const SILENT_SSO_TIMEOUT_MS = 15_000;

export interface IcwsSessionOptions {
  /** Injected for tests; by default one HttpSession (cookie jar) per profile. */
  http?: HttpSession;
  /** How long an SSO reconnect waits on a hidden IdP page before asking the agent (default SILENT_SSO_TIMEOUT_MS). */
  silentSsoTimeoutMs?: number;
  /** The SSO steps in the sign-in window (tests: scripted; default ./sso.ts). */
  sso?: { run: typeof runIcwsSso; reconnect: typeof reconnectSsoToken };
}

export class IcwsSession implements PlatformSession {
  private readonly profile: Profile;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly http: HttpSession;
  private readonly listeners = new Listeners<SessionView>();
  private current: SessionView = SIGNED_OUT_VIEW;
  private connection: Connection | undefined;
  private statuses: StatusMessage[] = [];
  /** The last user status seen, so the agent state is derived again once the status list arrives. */
  private userStatus: UserStatus | undefined;
  /** A read-back never puts back a status older than a message that came while it was out. */
  private readonly freshness = new Freshness<'status'>();
  private messaging: AbortController | undefined;
  private signInAbort: AbortController | undefined;
  private reconnecting: AbortController | undefined;
  /** Kept in memory (main process only) for the seed's automatic reconnect, which re-posts the
   *  connection request; wiped on sign-out. Never logged, never in a view. */
  private credentials: { userName: string; password: string } | undefined;
  /** SSO sessions reconnect with a new single-use token from this identity provider [ICWS-14]. */
  private ssoIdentityProviderId: string | undefined;
  /** For the heartbeat rule: when the last authenticated request went out [ICWS-16]. */
  private lastAuthenticatedAt = 0;

  private readonly loginWindow: LoginWindow | undefined;
  private readonly silentSsoTimeoutMs: number;
  private readonly sso: NonNullable<IcwsSessionOptions['sso']>;

  constructor(context: PlatformContext, options: IcwsSessionOptions = {}) {
    this.loginWindow = context.loginWindow;
    this.silentSsoTimeoutMs = options.silentSsoTimeoutMs ?? SILENT_SSO_TIMEOUT_MS;
    this.sso = options.sso ?? { run: runIcwsSso, reconnect: reconnectSsoToken };
    this.profile = context.profile;
    this.clock = context.clock;
    this.log = context.log.child({ platform: 'icws' });
    // The core's factory carries the IT network settings (CA bundle, proxy) and keeps traces for diagnostics.
    this.http = options.http ?? context.createHttpSession?.({ log: this.log, clock: this.clock }) ?? new HttpSession({ profileId: context.profile.id, log: this.log, clock: this.clock });
  }

  get view(): SessionView {
    return this.current;
  }

  onView(listener: (view: SessionView) => void): () => void {
    return this.listeners.add(listener);
  }

  private dispatch(action: IcwsAction): void {
    this.current = reduce(this.current, action);
    this.listeners.emit(this.current);
  }

  /** [ICWS-08, ICWS-09] server-info lists identity providers only when asked with capabilities. */
  async signInOptions(): Promise<SignInOptions> {
    return signInOptionsOf(await readServerInfo(this.connectContext, await this.firstBase()), this.profile.authMode);
  }

  async signIn(input: SignInInput): Promise<void> {
    // [ICWS-10..14] single sign-on: the IdP's page in the LoginWindow, then the token.
    if (input.sso !== undefined || (this.profile.authMode === 'sso' && !input.credentials)) return this.signInWithSso(input.sso?.identityProviderId);
    const credentials = input.credentials;
    const userName = credentials?.userName ?? this.profile.userName;
    if (!credentials || !userName) return this.refuse(new PatchbayError('icws.sign-in.credentials-required', 'Enter your user name and password to sign in.', { action: 'sign-in-again' }));
    await this.runSignIn(async (signal) => {
      const connection = await this.connect(icAuthConnectionBody(this.profile.applicationName, userName, credentials.password), userName, signal);
      this.credentials = { userName, password: credentials.password };
      await this.establish(connection);
    });
  }

  /** A sign-in refused before any request: the view says why. */
  private refuse(error: PatchbayError): never {
    this.dispatch({ type: 'failed', error: error.toContract() });
    throw error;
  }

  /** One sign-in attempt: cancellable, and any failure ends in the 'failed' view with a typed error. */
  private async runSignIn(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    this.signInAbort = new AbortController();
    const signal = this.signInAbort.signal;
    this.dispatch({ type: 'connecting', server: this.profile.servers[0] ?? '' });
    try {
      await work(signal);
    } catch (error) {
      const typed = signal.aborted ? new PatchbayError('session.cancelled', 'Sign-in was cancelled.', { action: 'none' }) : toPatchbayError(error);
      this.stopMessaging();
      this.dispatch({ type: 'failed', error: typed.toContract() });
      throw typed;
    } finally {
      this.signInAbort = undefined;
    }
  }

  /** [ICWS-10, 11, 13, 14] the token from the IdP journey (main/core/platforms/icws/sso.ts), then
   *  POST /icws/connection with singleSignOnTokenConnectionRequestSettings. */
  private async signInWithSso(identityProviderId: string | undefined): Promise<void> {
    const loginWindow = this.loginWindow;
    if (!loginWindow) return this.refuse(new PatchbayError('login.unavailable', 'Single sign-on needs a sign-in window, which this way of running Patchbay does not have.', { action: 'contact-it' }));
    await this.runSignIn(async (signal) => {
      // [ICWS-24] cloud: the SSO start goes through the service URL template, not the custom URL.
      const base = await this.firstBase(signal);
      const idp = identityProviderId ?? (await this.signInOptions()).identityProviders[0]?.id;
      if (!idp) throw new PatchbayError('icws.sso.no-identity-provider', 'The server offers no identity provider for single sign-on.', { action: 'contact-it' });
      const token = await this.sso.run({
        ...this.ssoOptions(loginWindow, base, idp, signal),
        onPhase: (phase) => this.dispatch(phase === 'awaiting-user' ? { type: 'awaiting-user' } : { type: 'connecting', server: base }),
      });
      const connection = await this.connect(ssoConnectionBody(this.profile.applicationName, token), this.profile.userName ?? '', signal);
      await this.establish(connection);
      this.ssoIdentityProviderId = idp;
    });
  }

  /** After a 201 (sign-in or reconnect): statuses, subscription, messaging, user status → active. */
  private async establish(connection: Connection): Promise<void> {
    this.connection = connection;
    this.userStatus = undefined;
    // [ICWS-16] the POST /icws/connection just went out: the first heartbeat is due 90 s from now,
    // not at once (without this, the session's first request after a sign-in or reconnect was a heartbeat).
    this.lastAuthenticatedAt = this.clock.now();
    const transport = chooseTransport(connection.messagingVersion, this.profile.options.messaging);
    this.dispatch({ type: 'connected', server: connection.base, transport, ...(connection.userDisplayName ? { userDisplayName: connection.userDisplayName } : {}) });
    await this.chooseStation(connection);
    // Issue 15 item 1: status list, subscription and message channel in one round trip (the server
    // queues the subscription's message). Its first message (isDelta:false) carries the user's status
    // instead of a GET of user-statuses; a server that sends none within the wait is read the old way.
    const first = this.firstUserStatus(transport === 'sse' ? FIRST_STATUS_WAIT_MS : this.profile.options.pollIntervalMs + FIRST_STATUS_WAIT_MS);
    this.startMessaging(transport);
    await Promise.all([this.loadStatuses(connection), this.call('PUT', '/messaging/subscriptions/status/user-statuses', { userIds: [connection.userId] })]);
    if (!(await first)) await this.readUserStatus();
    // [ICWS-18] a loss reported while this connection was set up started a reconnect (or ended the
    // session): that view stands, and the reconnect's own establish makes the card active.
    if (this.reconnecting || this.current.phase === 'failed') return;
    this.dispatch({ type: 'active' });
  }

  /** The profile's workstation, after every connect and reconnect (icws.md "station"). The server's
   *  refusal is shown verbatim and the new session is given back [ICWS-26]. */
  private async chooseStation(connection: Connection): Promise<void> {
    const workstation = this.profile.options.station;
    if (workstation === undefined) return;
    const error = await putStation((method, path, json) => this.call(method, path, json), workstation);
    if (!error) return;
    await this.discard(connection);
    throw error;
  }

  /** DELETE a session on the server (sign-out, or one that cannot be used); best effort. */
  private async discard(connection: Connection): Promise<void> {
    if (this.connection === connection) this.connection = undefined;
    await discardConnection(this.connectContext, connection);
  }

  private ssoOptions(loginWindow: LoginWindow, base: string, identityProviderId: string, signal: AbortSignal): IcwsSsoOptions {
    return { http: this.http, loginWindow, base, identityProviderId, profileId: this.profile.id, language: this.profile.language, signal, log: this.log };
  }

  /** The transport, language and log every connection step takes. */
  private get connectContext(): ConnectContext {
    return { http: this.http, language: this.profile.language, log: this.log };
  }

  /** The connection settings of one reconnect attempt: the kept password, or [ICWS-14] a new
   *  single-use SSO token from `base` (hidden first, shown if the IdP needs the agent). */
  private async reconnectSettings(base: string, signal: AbortSignal): Promise<{ settings: string; userName: string } | AttemptOutcome> {
    if (this.credentials) return { settings: icAuthConnectionBody(this.profile.applicationName, this.credentials.userName, this.credentials.password), userName: this.credentials.userName };
    try {
      if (!this.loginWindow) throw new PatchbayError('login.unavailable', 'Single sign-on needs a sign-in window.', { action: 'contact-it' });
      const options = this.ssoOptions(this.loginWindow, base, this.ssoIdentityProviderId!, signal);
      const token = await this.sso.reconnect(options, this.silentSsoTimeoutMs, () => this.dispatch({ type: 'awaiting-user' }));
      return { settings: ssoConnectionBody(this.profile.applicationName, token), userName: this.profile.userName ?? '' };
    } catch (error) {
      if (signal.aborted) throw error;
      const typed = toPatchbayError(error);
      this.log.info('icws.reconnect.sso-failed', { host: new URL(base).host, code: typed.code });
      return ssoFailureOutcome(typed.code, typed.message);
    }
  }

  /** One POST /icws/connection to one host, classified for the reconnect algorithm (step 4). */
  private async attemptConnection(base: string, signal: AbortSignal): Promise<{ outcome: AttemptOutcome; connection?: Connection }> {
    const prepared = await this.reconnectSettings(base, signal);
    if ('kind' in prepared) return { outcome: prepared };
    return attemptOnce(this.connectContext, base, prepared.settings, prepared.userName, signal, this.toBase);
  }

  /** [ICWS-19..23] reconnect over the alternate host list of the last POST /icws/connection. */
  private startReconnect(previous: Connection, reason: string | undefined): void {
    if (!this.credentials && !this.ssoIdentityProviderId) return;
    this.stopMessaging();
    const controller = new AbortController();
    this.reconnecting = controller;
    // [ICWS-05] the kept alternate host list of the last successful connection.
    const kept = alternateBases(this.log, previous.base, previous.alternateHosts, this.toBase);
    const hosts = reconnectHosts(kept, previous.base, profileBases(this.profile.servers));
    this.dispatch(reconnectingAction(reason));
    let established: Connection | undefined;
    reconnect({
      hosts,
      clock: this.clock,
      signal: controller.signal,
      attempt: async (host) => {
        if (this.profile.options.connectionMode === 'cloud') {
          // [ICWS-25] servers.json anew for every new connection: the template may have changed.
          const previousTemplate = this.cloudTemplate;
          await this.refreshCloud(controller.signal);
          if (previousTemplate && this.cloudTemplate !== previousTemplate) host = rebase(host, previousTemplate, this.cloudTemplate!);
        }
        const { outcome, connection } = await this.attemptConnection(host, controller.signal);
        established = connection;
        return outcome;
      },
      onSchedule: (schedule) => this.dispatch(reconnectingAction(reason, schedule, this.clock)),
      onAttempt: (host, outcome) => this.log.info('icws.reconnect.attempt', { host: new URL(host).host, outcome: outcome.kind }),
    })
      .then(async (result) => {
        if (controller.signal.aborted || result.kind === 'cancelled') return;
        this.reconnecting = undefined;
        if (result.kind === 'rejected') {
          // Step 4, 400: stop and show the server's error.
          this.credentials = this.ssoIdentityProviderId = undefined;
          return this.dispatch({ type: 'failed', error: { code: 'icws.reconnect.rejected', message: result.message, action: 'sign-in-again' } });
        }
        try {
          await this.establish(established!);
          this.log.info('icws.reconnected', { host: new URL(result.host).host, attempts: result.attempts });
        } catch (error) {
          this.dispatch({ type: 'failed', error: toPatchbayError(error).toContract() });
        }
      })
      .catch((error: unknown) => this.log.error('icws.reconnect.crashed', { error }));
  }

  /** [ICWS-24, ICWS-25] cloud mode: servers.json anew for every new connection. */
  private cloudTemplate: string | undefined;
  private async refreshCloud(signal?: AbortSignal): Promise<string[]> {
    const { template, bases } = await fetchCloudServers(this.connectContext, profileBases(this.profile.servers)[0]!, signal);
    this.cloudTemplate = template;
    return bases;
  }

  /** [ICWS-24] where calls before a connection go (sign-in options, SSO start): the profile's first
   *  server, or in cloud mode the first servers.json host through the service URL template. */
  private async firstBase(signal?: AbortSignal): Promise<string> {
    if (this.profile.options.connectionMode !== 'cloud') return profileBases(this.profile.servers)[0]!;
    return (await this.refreshCloud(signal))[0]!;
  }

  /** An alternate host name → a session base: same scheme and port, or the cloud template. */
  private readonly toBase: HostToBase = (current, host) => hostToBase(this.profile.options.connectionMode === 'cloud' ? this.cloudTemplate : undefined, current, host);

  /** [ICWS-06] try the profile's servers (or servers.json's), walking 503 alternate hosts in order until a 201. */
  private async connect(settings: string, userName: string, signal: AbortSignal): Promise<Connection> {
    const hosts = this.profile.options.connectionMode === 'cloud' ? await this.refreshCloud(signal) : profileBases(this.profile.servers);
    return walkHosts(this.connectContext, hosts, settings, userName, signal, this.toBase);
  }

  /** [ICWS-04] every authenticated call (./connect.ts sessionRequest); a 401 means the session is gone. */
  private async call(method: string, path: string, json?: unknown, signal?: AbortSignal): Promise<HttpResponse> {
    const connection = this.requireConnection();
    this.lastAuthenticatedAt = this.clock.now();
    const res = await sessionRequest(this.connectContext, connection, method, path, json, signal);
    if (res.status === 401) {
      void this.connectionLost();
      throw new PatchbayError('icws.session.lost', 'The connection to the server was lost.', { action: 'sign-in-again', details: { status: 401 } });
    }
    return res;
  }

  private requireConnection(): Connection {
    if (!this.connection) throw new PatchbayError('session.not-active', 'Sign in first.', { action: 'sign-in-again' });
    return this.connection;
  }

  private async loadStatuses(connection: Connection): Promise<void> {
    const { statuses, selectable } = await fetchStatuses((method, path, json) => this.call(method, path, json), connection.userId);
    this.statuses = statuses;
    this.dispatch({ type: 'states', states: selectable });
    // The subscription's first message can arrive before the list (both are asked for at once):
    // its state was "unknown" until now.
    if (this.userStatus) this.showUserStatus(this.userStatus);
  }

  /** Resolves true at the next user-status message, false after `waitMs`. */
  private statusArrived: (() => void) | undefined;
  private firstUserStatus(waitMs: number): Promise<boolean> {
    const wait = waitForArrival(this.clock, waitMs, () => (this.statusArrived = undefined));
    this.statusArrived = wait.arrive;
    return wait.arrived;
  }

  private async readUserStatus(): Promise<void> {
    await this.freshness.read(async (ticket) => {
      const status = await fetchUserStatus((method, path, json) => this.call(method, path, json), this.requireConnection().userId);
      if (this.freshness.current(ticket, 'status')) this.showUserStatus(status);
    });
  }

  private showUserStatus(status: UserStatus): void {
    this.userStatus = status;
    this.dispatch({ type: 'agent', agent: agentStateOf(status, this.statuses) });
  }

  async listStates(): Promise<SelectableState[]> {
    await this.loadStatuses(this.requireConnection());
    return this.current.selectableStates;
  }

  async setAgentState(stateId: string): Promise<void> {
    const connection = this.requireConnection();
    try {
      const res = await this.call('PUT', `/status/user-statuses/${encodeURIComponent(connection.userId)}`, { statusId: stateId });
      if (res.status !== 202 && res.status !== 200 && res.status !== 204) {
        throw serverError(res, safeErrorBody(res), 'icws.set-status.rejected', 'The server refused the status change.', 'none');
      }
      // 202 = accepted; read back so the screen is true even before the message arrives.
      await this.readUserStatus();
    } catch (error) {
      const typed = toPatchbayError(error);
      if (this.current.phase === 'active') this.dispatch({ type: 'error', error: typed.toContract() });
      throw typed;
    }
  }

  private startMessaging(transport: 'sse' | 'polling'): void {
    this.stopMessaging();
    this.messaging = new AbortController();
    runMessaging(this.messagingContext(), transport, this.profile.options.heartbeat, this.messaging.signal);
  }

  private stopMessaging(): void {
    this.messaging?.abort();
    this.messaging = undefined;
  }

  private messagingContext(): MessagingContext {
    return {
      http: this.http,
      clock: this.clock,
      log: this.log,
      language: this.profile.language,
      session: () => {
        const connection = this.requireConnection();
        return { url: messagesUrl(connection, this.profile.options.heartbeat), csrfToken: connection.csrfToken };
      },
      call: (method, path, json, signal) => this.call(method, path, json, signal),
      lastAuthenticatedAt: () => this.lastAuthenticatedAt,
      pollIntervalMs: this.profile.options.pollIntervalMs,
      onData: (data) => this.onMessageData(data),
      onUnauthorized: () => this.connectionLost(),
      onReopened: () => void this.readUserStatus().catch((error: unknown) => this.log.info('icws.status.reread-failed', { code: toPatchbayError(error).code })),
    };
  }

  private onMessageData(data: string): void {
    const read = readMessages(data, this.connection?.userId);
    if (!read) {
      this.log.warn('icws.message.bad-json', { length: data.length });
      return;
    }
    if (read.count > 0) this.dispatch({ type: 'event', at: new Date(this.clock.now()).toISOString() });
    for (const event of read.events) {
      if (event.kind === 'user-status') {
        this.freshness.event('status');
        this.showUserStatus(event.status);
        this.statusArrived?.();
      } else this.lost(event.reason, event.shouldReconnect); // [ICWS-18]
    }
  }

  /** [ICWS-17] on a 401 the connection resource still says why; show its localised reason. */
  private lostHandled = false;
  private async connectionLost(): Promise<void> {
    if (this.lostHandled || !this.connection) return;
    this.lostHandled = true;
    const { reason, shouldReconnect } = await readConnectionState(this.connectContext, this.connection);
    this.lostHandled = false;
    this.lost(reason, shouldReconnect);
  }

  private lost(reason: string | undefined, shouldReconnect: boolean | undefined): void {
    if (this.current.phase === 'failed' || this.current.phase === 'signed-out' || this.current.phase === 'reconnecting') return;
    this.stopMessaging();
    const previous = this.connection;
    this.log.warn('icws.connection.lost', { shouldReconnect });
    // [ICWS-19] reconnect automatically only when the server says so.
    if (previous && reconnectsAfterLoss(shouldReconnect, Boolean(this.credentials || this.ssoIdentityProviderId))) return this.startReconnect(previous, reason);
    this.dispatch({ type: 'failed', error: lostError(reason, shouldReconnect) });
  }

  async signOut(): Promise<void> {
    this.reconnecting?.abort();
    this.reconnecting = undefined;
    this.credentials = this.ssoIdentityProviderId = undefined;
    this.stopMessaging();
    const connection = this.connection;
    this.connection = undefined;
    // Signing out locally must not depend on the server answering.
    if (connection) await this.discard(connection);
    this.http.clearCookies();
    this.dispatch({ type: 'signed-out' });
  }

  cancel(): void {
    this.signInAbort?.abort();
    this.reconnecting?.abort();
    this.stopMessaging();
  }

  dispose(): void {
    this.cancel();
    this.credentials = this.ssoIdentityProviderId = undefined;
  }
}

export function createIcwsSession(context: PlatformContext): PlatformSession {
  return new IcwsSession(context);
}

