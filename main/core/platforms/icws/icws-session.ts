// The ICWS adapter (seed 000, protocols/icws.md): icAuth sign-in with the host walk, selectable
// statuses, user status read/set, user-status subscription over server-sent events or short
// polling, connection-loss reason, sign-out.
import { createParser } from 'eventsource-parser';
import type { Profile, SelectableState, SignInOptions } from '../../../../preload/contract.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSession, type SessionView, type SignInInput } from '../platform.ts';
import { agentStateOf, selectableStates } from './agent-state.ts';
import { reconnect, type AttemptOutcome } from './reconnect.ts';
import { reduce, type IcwsAction } from './reducer.ts';
import { runIcwsSso, ssoConnectionBody } from './sso.ts';
import type { LoginWindow } from '../../auth/login-window.ts';
import {
  alternateHostUrl,
  chooseTransport,
  CONNECTION_STATE,
  cloudBase,
  cloudServers,
  ConnectionResponseSchema,
  ConnectionStateSchema,
  CSRF_HEADER,
  ErrorBodySchema,
  ServerInfoSchema,
  FeaturesSchema,
  ICWS_ACCEPT,
  ICWS_CONTENT_TYPE,
  icAuthConnectionBody,
  IcwsMessageSchema,
  StatusMessagesSchema,
  UserAccessSchema,
  UserStatusSchema,
  type StatusMessage,
} from './wire.ts';

/** Bound on the host walk so a 503 storm of ever-new alternate hosts cannot loop for ever. */
const MAX_HOSTS_PER_WALK = 32;
const STREAM_RETRY_MS = [1_000, 2_000, 5_000, 10_000];
/** No byte (event or ping comment) on the event stream for this long → reopen it. */
export const SSE_STALL_MS = 120_000;
/** seed 000, option 3: a heartbeat every 90 s when no other authenticated request went out. */
export const HEARTBEAT_INTERVAL_MS = 90_000;
/** An SSO reconnect first tries the IdP hidden: an IdP session that is still valid signs in with
 *  no page; one that waits this long needs the agent (then the window may show, 'awaiting-user'). */
export const SILENT_SSO_TIMEOUT_MS = 15_000;

interface Connection {
  base: string;
  sessionId: string;
  csrfToken: string;
  userId: string;
  /** [ICWS-05] kept for reconnecting (used by the reconnect algorithm). */
  alternateHosts: string[];
  messagingVersion: number | undefined;
}

export interface IcwsSessionOptions {
  /** Injected for tests; by default one HttpSession (cookie jar) per profile. */
  http?: HttpSession;
  /** How long an SSO reconnect waits on a hidden IdP page before asking the agent (default SILENT_SSO_TIMEOUT_MS). */
  silentSsoTimeoutMs?: number;
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

  constructor(context: PlatformContext, options: IcwsSessionOptions = {}) {
    this.loginWindow = context.loginWindow;
    this.silentSsoTimeoutMs = options.silentSsoTimeoutMs ?? SILENT_SSO_TIMEOUT_MS;
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
    const base = this.profile.servers[0]!.replace(/\/+$/, '');
    let allowIcAuth = true;
    let identityProviders: { id: string; label: string }[] = [];
    try {
      const res = await this.http.request({
        url: `${base}/icws/connection/server-info?singleSignOnCapabilities=saml2Post,saml2Redirect`,
        headers: { 'Accept-Language': this.profile.language, Accept: ICWS_ACCEPT },
        followRedirects: false,
      });
      const parsed = ServerInfoSchema.safeParse(jsonOrUndefined(res));
      if (res.status === 200 && parsed.success) {
        allowIcAuth = parsed.data.authentication?.allowIcAuth ?? true;
        identityProviders = (parsed.data.authentication?.identityProviders ?? []).map((p) => ({ id: p.identityProviderId, label: p.displayName ?? p.identityProviderId }));
      }
    } catch (error) {
      // Unreachable now: offer what the profile says; sign-in will report the real problem.
      this.log.info('icws.server-info.unavailable', { code: toPatchbayError(error).code });
    }
    return {
      credentialsForm: allowIcAuth && this.profile.authMode === 'password',
      identityProviders: this.profile.authMode === 'sso' || !allowIcAuth ? identityProviders : [],
      userNameRequired: allowIcAuth && this.profile.authMode === 'password',
      extensionRequired: false,
      ...(allowIcAuth ? {} : { note: 'This server allows single sign-on only.' }),
    };
  }

  async signIn(input: SignInInput): Promise<void> {
    // [ICWS-10..14] single sign-on: the IdP's page in the LoginWindow, then the token.
    if (input.sso !== undefined || (this.profile.authMode === 'sso' && !input.credentials)) return this.signInWithSso(input.sso?.identityProviderId);
    const credentials = input.credentials;
    const userName = credentials?.userName ?? this.profile.userName;
    if (!credentials || !userName) {
      const error = new PatchbayError('icws.sign-in.credentials-required', 'Enter your user name and password to sign in.', { action: 'sign-in-again' });
      this.dispatch({ type: 'failed', error: error.toContract() });
      throw error;
    }
    this.signInAbort = new AbortController();
    const signal = this.signInAbort.signal;
    this.dispatch({ type: 'connecting', server: this.profile.servers[0] ?? '' });
    try {
      const connection = await this.connect(icAuthConnectionBody(this.profile.applicationName, userName, credentials.password), userName, signal);
      this.credentials = { userName, password: credentials.password };
      await this.establish(connection);
    } catch (error) {
      const typed = signal.aborted
        ? new PatchbayError('session.cancelled', 'Sign-in was cancelled.', { action: 'none' })
        : toPatchbayError(error);
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
    if (!loginWindow) {
      const error = new PatchbayError('login.unavailable', 'Single sign-on needs a sign-in window, which this way of running Patchbay does not have.', { action: 'contact-it' });
      this.dispatch({ type: 'failed', error: error.toContract() });
      throw error;
    }
    this.signInAbort = new AbortController();
    const signal = this.signInAbort.signal;
    const base = this.profile.servers[0]!.replace(/\/+$/, '');
    this.dispatch({ type: 'connecting', server: base });
    try {
      const idp = identityProviderId ?? (await this.signInOptions()).identityProviders[0]?.id;
      if (!idp) throw new PatchbayError('icws.sso.no-identity-provider', 'The server offers no identity provider for single sign-on.', { action: 'contact-it' });
      const token = await runIcwsSso({
        http: this.http,
        loginWindow,
        base,
        identityProviderId: idp,
        profileId: this.profile.id,
        language: this.profile.language,
        signal,
        log: this.log,
        onPhase: (phase) => this.dispatch(phase === 'awaiting-user' ? { type: 'awaiting-user' } : { type: 'connecting', server: base }),
      });
      const connection = await this.connect(ssoConnectionBody(this.profile.applicationName, token), this.profile.userName ?? '', signal);
      await this.establish(connection);
      this.ssoIdentityProviderId = idp;
    } catch (error) {
      const typed = signal.aborted ? new PatchbayError('session.cancelled', 'Sign-in was cancelled.', { action: 'none' }) : toPatchbayError(error);
      this.stopMessaging();
      this.dispatch({ type: 'failed', error: typed.toContract() });
      throw typed;
    } finally {
      this.signInAbort = undefined;
    }
  }

  private displayNameValue: string | undefined;
  private get displayName(): { userDisplayName?: string } {
    return this.displayNameValue ? { userDisplayName: this.displayNameValue } : {};
  }

  /** After a 201 (sign-in or reconnect): statuses, subscription, messaging, user status → active. */
  private async establish(connection: Connection): Promise<void> {
    this.connection = connection;
    const transport = chooseTransport(connection.messagingVersion, this.profile.options.messaging);
    this.dispatch({ type: 'connected', server: connection.base, transport, ...this.displayName });
    await this.chooseStation(connection);
    await this.loadStatuses(connection);
    // Subscribe first, then read: a change between the two arrives as a message (isDelta:false replaces).
    await this.call('PUT', '/messaging/subscriptions/status/user-statuses', { userIds: [connection.userId] });
    this.startMessaging(transport);
    await this.readUserStatus();
    this.dispatch({ type: 'active' });
  }

  /** The profile's workstation, after every connect and reconnect (icws.md "station"). The server's
   *  refusal is shown verbatim and the new session is given back [ICWS-26]. */
  private async chooseStation(connection: Connection): Promise<void> {
    const workstation = this.profile.options.station;
    if (workstation === undefined) return;
    const res = await this.call('PUT', '/connection/station', {
      __type: 'urn:inin.com:connection:workstationSettings',
      workstation,
      supportedMediaTypes: [1],
      readyForInteractions: true,
    });
    if (res.status >= 200 && res.status < 300) return;
    const error = serverError(res, safeErrorBody(res), 'icws.station.rejected', `The server refused the station ${workstation}.`, 'contact-it');
    await this.discard(connection);
    throw error;
  }

  /** DELETE a session on the server (sign-out, or one that cannot be used); best effort. */
  private async discard(connection: Connection): Promise<void> {
    if (this.connection === connection) this.connection = undefined;
    try {
      await this.http.request({
        method: 'DELETE',
        url: `${connection.base}/icws/${connection.sessionId}/connection`,
        headers: { 'Accept-Language': this.profile.language, Accept: ICWS_ACCEPT, [CSRF_HEADER]: connection.csrfToken },
        followRedirects: false,
      });
    } catch (error) {
      this.log.info('icws.discard.failed', { code: toPatchbayError(error).code });
    }
  }

  /** [ICWS-14] a reconnect of an SSO session: SSO tokens are single use, so a new one from `base`
   *  — hidden first (a valid IdP session needs no page), then shown if the IdP needs the agent. */
  private async ssoToken(base: string, identityProviderId: string, signal: AbortSignal): Promise<string> {
    const loginWindow = this.loginWindow;
    if (!loginWindow) throw new PatchbayError('login.unavailable', 'Single sign-on needs a sign-in window.', { action: 'contact-it' });
    const common = { http: this.http, loginWindow, base, identityProviderId, profileId: this.profile.id, language: this.profile.language, signal, log: this.log };
    try {
      return await runIcwsSso({ ...common, visible: 'never', timeoutMs: this.silentSsoTimeoutMs });
    } catch (error) {
      if (signal.aborted || toPatchbayError(error).code !== 'login.timeout') throw error;
    }
    this.dispatch({ type: 'awaiting-user' });
    return runIcwsSso({ ...common, visible: 'when-needed' });
  }

  /** The connection settings of one reconnect attempt: the kept password, or a new SSO token. */
  private async reconnectSettings(base: string, signal: AbortSignal): Promise<{ settings: string; userName: string } | AttemptOutcome> {
    if (this.credentials) return { settings: icAuthConnectionBody(this.profile.applicationName, this.credentials.userName, this.credentials.password), userName: this.credentials.userName };
    const idp = this.ssoIdentityProviderId!;
    try {
      const token = await this.ssoToken(base, idp, signal);
      return { settings: ssoConnectionBody(this.profile.applicationName, token), userName: this.profile.userName ?? '' };
    } catch (error) {
      if (signal.aborted) throw error;
      const typed = toPatchbayError(error);
      this.log.info('icws.reconnect.sso-failed', { host: new URL(base).host, code: typed.code });
      // The agent closed the window or the IdP said no: stop and show; otherwise try the next host.
      if (['login.cancelled', 'icws.sso.cancelled', 'icws.sso.failed', 'login.unavailable'].includes(typed.code)) {
        return { kind: 'rejected', status: 400, message: typed.message };
      }
      return { kind: 'failed' };
    }
  }

  /** One POST /icws/connection to one host, classified for the reconnect algorithm (step 4). */
  private async attemptConnection(base: string, signal: AbortSignal): Promise<{ outcome: AttemptOutcome; connection?: Connection }> {
    const prepared = await this.reconnectSettings(base, signal);
    if ('kind' in prepared) return { outcome: prepared };
    const userName = prepared.userName;
    let res: HttpResponse;
    try {
      res = await this.postConnection(base, prepared.settings, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      return { outcome: { kind: 'failed' } };
    }
    const body = safeErrorBody(res);
    if (res.status === 201) {
      try {
        return { outcome: { kind: 'created' }, connection: await this.processConnection(base, res, userName) };
      } catch {
        return { outcome: { kind: 'failed', status: 201 } };
      }
    }
    if (res.status === 400) {
      return { outcome: { kind: 'rejected', status: 400, message: body?.message?.trim() || 'The server refused the connection.', ...(body?.errorId ? { errorId: body.errorId } : {}) } };
    }
    if (res.status === 503) return { outcome: { kind: 'unavailable', alternateHosts: (body?.alternateHostList ?? []).map((h) => this.hostToBase(base, h)) } };
    return { outcome: { kind: 'failed', status: res.status } };
  }

  /** [ICWS-19..23] reconnect over the alternate host list of the last POST /icws/connection. */
  private startReconnect(previous: Connection, reason: string | undefined): void {
    if (!this.credentials && !this.ssoIdentityProviderId) return;
    this.stopMessaging();
    const controller = new AbortController();
    this.reconnecting = controller;
    // [ICWS-05] the kept alternate host list; a server that sent none leaves us its own address and
    // the profile's servers (documented fallback).
    const hosts = previous.alternateHosts.length > 0
      ? previous.alternateHosts.map((h) => this.hostToBase(previous.base, h))
      : [previous.base, ...this.profile.servers.map((s) => s.replace(/\/+$/, ''))].filter((h, i, all) => all.indexOf(h) === i);
    const lostMessage = reason?.trim() ? reason : 'The connection to the server was lost.';
    this.dispatch({ type: 'reconnecting', error: { code: 'icws.connection.lost', message: lostMessage, action: 'none' }, attempt: 0 });
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
      onSchedule: (schedule) =>
        this.dispatch({
          type: 'reconnecting',
          error: { code: 'icws.connection.lost', message: lostMessage, action: 'none' },
          attempt: schedule.attempts,
          // The screen counts down against the wall clock; a scaled dev/test clock converts.
          nextAttemptAt: new Date(this.clock.toWallTime?.(schedule.nextAttemptAt) ?? schedule.nextAttemptAt).toISOString(),
          nextHost: new URL(schedule.nextHost).host,
        }),
      onAttempt: (host, outcome) => this.log.info('icws.reconnect.attempt', { host: new URL(host).host, outcome: outcome.kind }),
    })
      .then(async (result) => {
        if (controller.signal.aborted || result.kind === 'cancelled') return;
        this.reconnecting = undefined;
        if (result.kind === 'rejected') {
          // Step 4, 400: stop and show the server's error.
          this.credentials = undefined;
          this.ssoIdentityProviderId = undefined;
          this.dispatch({ type: 'failed', error: { code: 'icws.reconnect.rejected', message: result.message, action: 'sign-in-again' } });
          return;
        }
        try {
          await this.establish(established!);
          this.log.info('icws.reconnected', { host: new URL(result.host).host, attempts: result.attempts });
        } catch (error) {
          const typed = toPatchbayError(error);
          this.dispatch({ type: 'failed', error: typed.toContract() });
        }
      })
      .catch((error: unknown) => this.log.error('icws.reconnect.crashed', { error }));
  }

  private postConnection(base: string, settings: string, signal?: AbortSignal): Promise<HttpResponse> {
    return this.http.request({
      method: 'POST',
      url: `${base}/icws/connection?include=version,features`,
      headers: {
        // [ICWS-01] fixed for the session: every later call sends the same value.
        'Accept-Language': this.profile.language,
        'Content-Type': ICWS_CONTENT_TYPE,
        Accept: ICWS_ACCEPT,
      },
      body: settings,
      followRedirects: false,
      ...(signal ? { signal } : {}),
    });
  }

  /** [ICWS-06] try the profile's servers, walking 503 alternate hosts in order until a 201. */
  /** [ICWS-24, ICWS-25] cloud mode: GET <custom URL>/config/servers.json anew for every new
   *  connection; the service URL template turns host names into session bases. */
  private cloudTemplate: string | undefined;
  private async refreshCloud(signal?: AbortSignal): Promise<string[]> {
    const customUrl = this.profile.servers[0]!.replace(/\/+$/, '');
    const res = await this.http.request({ url: `${customUrl}/config/servers.json`, headers: { Accept: 'application/json' }, ...(signal ? { signal } : {}) });
    const servers = res.status === 200 ? cloudServers(jsonOrUndefined(res)) : undefined;
    if (!servers) {
      throw new PatchbayError('icws.cloud.bad-servers-json', 'The PureConnect Cloud address did not give a usable server list (config/servers.json).', {
        action: 'contact-it',
        details: { status: res.status },
      });
    }
    this.cloudTemplate = servers.template;
    return servers.hosts.map((host) => cloudBase(servers.template, host));
  }

  /** An alternate host name → a session base: same scheme and port, or the cloud template. */
  private hostToBase(current: string, host: string): string {
    return this.profile.options.connectionMode === 'cloud' && this.cloudTemplate ? cloudBase(this.cloudTemplate, host) : alternateHostUrl(current, host);
  }

  private async connect(settings: string, userName: string, signal: AbortSignal): Promise<Connection> {
    const hosts = this.profile.options.connectionMode === 'cloud' ? await this.refreshCloud(signal) : this.profile.servers.map((s) => s.replace(/\/+$/, ''));
    let lastError: PatchbayError | undefined;
    for (let i = 0; i < hosts.length && i < MAX_HOSTS_PER_WALK; i++) {
      const base = hosts[i]!;
      let res: HttpResponse;
      try {
        res = await this.postConnection(base, settings, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        lastError = toPatchbayError(error);
        this.log.info('icws.connect.host-failed', { host: new URL(base).host, code: lastError.code });
        continue;
      }
      if (res.status === 201) return this.processConnection(base, res, userName);
      const body = safeErrorBody(res);
      if (res.status === 503) {
        // seed 000: 503 + alternateHostList → continue with the listed hosts, in order.
        for (const host of body?.alternateHostList ?? []) {
          const url = this.hostToBase(base, host);
          if (!hosts.includes(url)) hosts.push(url);
        }
        lastError = serverError(res, body, 'icws.connect.unavailable', 'The server is not accepting connections.', 'retry');
        continue;
      }
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        // [ICWS-26] the server's own message, verbatim.
        throw serverError(res, body, 'icws.connect.rejected', 'The server refused the sign-in.', 'sign-in-again');
      }
      lastError = serverError(res, body, 'icws.connect.failed', `The server answered ${res.status}.`, 'retry');
    }
    throw lastError ?? new PatchbayError('icws.connect.no-server', 'No server is configured for this profile.', { action: 'contact-it' });
  }

  /** [ICWS-03] a 201 carries the session id, CSRF token, Location and the session cookie. */
  private async processConnection(base: string, res: HttpResponse, userName: string): Promise<Connection> {
    const parsed = ConnectionResponseSchema.safeParse(jsonOrUndefined(res));
    const sessionId = res.headers['inin-icws-session-id'] ?? (parsed.success ? parsed.data.sessionId : undefined);
    const csrfToken = res.headers[CSRF_HEADER.toLowerCase()] ?? (parsed.success ? parsed.data.csrfToken : undefined);
    if (!parsed.success || !sessionId || !csrfToken) {
      throw new PatchbayError('icws.connect.bad-response', 'The server accepted the sign-in but its answer was incomplete.', {
        action: 'contact-it',
        details: { status: res.status },
      });
    }
    const cookie = await this.http.cookieHeader(`${base}/icws/${sessionId}/connection`);
    if (!cookie.includes(`icws_${sessionId}=`)) {
      // [ICWS-04] without the session cookie no authenticated call could succeed.
      throw new PatchbayError('icws.connect.no-cookie', 'The server did not set a session cookie.', { action: 'contact-it' });
    }
    this.displayNameValue = parsed.data.userDisplayName;
    let messagingVersion = parsed.data.features?.find((f) => f.featureId === 'messaging')?.version;
    if (messagingVersion === undefined) {
      const features = await this.http.request({ url: `${base}/icws/connection/features`, headers: { 'Accept-Language': this.profile.language, Accept: ICWS_ACCEPT } });
      const list = FeaturesSchema.safeParse(jsonOrUndefined(features));
      messagingVersion = list.success ? list.data.featureInfoList.find((f) => f.featureId === 'messaging')?.version : undefined;
    }
    this.log.info('icws.connected', { host: new URL(base).host, sessionId, messagingVersion });
    return {
      base,
      sessionId,
      csrfToken,
      userId: parsed.data.userID ?? userName,
      alternateHosts: parsed.data.alternateHostList,
      messagingVersion,
    };
  }

  /** [ICWS-04] every authenticated call: session id in the URI, CSRF header, session cookie (jar). */
  private async call(method: string, path: string, json?: unknown, signal?: AbortSignal): Promise<HttpResponse> {
    const connection = this.requireConnection();
    this.lastAuthenticatedAt = this.clock.now();
    const res = await this.http.request({
      method,
      url: `${connection.base}/icws/${connection.sessionId}${path}`,
      headers: {
        'Accept-Language': this.profile.language,
        Accept: ICWS_ACCEPT,
        [CSRF_HEADER]: connection.csrfToken,
        ...(json === undefined ? {} : { 'Content-Type': ICWS_CONTENT_TYPE }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      sensitiveHeaders: [CSRF_HEADER],
      followRedirects: false,
      ...(signal ? { signal } : {}),
    });
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
    const [all, access] = await Promise.all([
      this.call('GET', '/status/status-messages'),
      this.call('GET', `/status/status-messages-user-access/${encodeURIComponent(connection.userId)}`),
    ]);
    const statuses = StatusMessagesSchema.safeParse(okJson(all, 'icws.status-messages.failed'));
    const allowed = UserAccessSchema.safeParse(okJson(access, 'icws.status-access.failed'));
    if (!statuses.success || !allowed.success) {
      throw new PatchbayError('icws.status-messages.bad-response', 'The server sent a status list Patchbay could not read.', { action: 'contact-it' });
    }
    this.statuses = statuses.data.statusMessageList;
    this.dispatch({ type: 'states', states: selectableStates(this.statuses, allowed.data.statusMessages) });
  }

  private async readUserStatus(): Promise<void> {
    const connection = this.requireConnection();
    const res = await this.call('GET', `/status/user-statuses/${encodeURIComponent(connection.userId)}`);
    const parsed = UserStatusSchema.safeParse(okJson(res, 'icws.user-status.failed'));
    if (!parsed.success) {
      throw new PatchbayError('icws.user-status.bad-response', 'The server sent a user status Patchbay could not read.', { action: 'contact-it' });
    }
    this.dispatch({ type: 'agent', agent: agentStateOf(parsed.data, this.statuses) });
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

  // ------------------------------------------------------------ messaging
  private startMessaging(transport: 'sse' | 'polling'): void {
    this.stopMessaging();
    const controller = new AbortController();
    this.messaging = controller;
    const loops = [transport === 'sse' ? this.runSse(controller.signal) : this.runPolling(controller.signal)];
    if (transport === 'sse' && this.profile.options.heartbeat) loops.push(this.runHeartbeat(controller.signal));
    for (const loop of loops) {
      loop.catch((error: unknown) => {
        if (!controller.signal.aborted) this.log.warn('icws.messaging.stopped', { error });
      });
    }
  }

  private stopMessaging(): void {
    this.messaging?.abort();
    this.messaging = undefined;
  }

  private messagesUrl(): string {
    const connection = this.requireConnection();
    // [ICWS-16] the heartbeat option is asked for on the messaging resource.
    const heartbeat = this.profile.options.heartbeat ? '?heartbeat=true' : '';
    return `${connection.base}/icws/${connection.sessionId}/messaging/messages${heartbeat}`;
  }

  /** [ICWS-16] POST …/messaging/heartbeat only when 90 s passed without another authenticated request. */
  private async runHeartbeat(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const idle = this.clock.now() - this.lastAuthenticatedAt;
      if (idle < HEARTBEAT_INTERVAL_MS) {
        await this.clock.sleep(HEARTBEAT_INTERVAL_MS - idle, signal).catch(() => undefined);
        continue;
      }
      try {
        const res = await this.call('POST', '/messaging/heartbeat', undefined, signal);
        if (res.status !== 204 && res.status !== 200) this.log.info('icws.heartbeat.unexpected', { status: res.status });
      } catch (error) {
        if (signal.aborted) return;
        const typed = toPatchbayError(error);
        if (typed.code === 'icws.session.lost') return;
        this.log.info('icws.heartbeat.failed', { code: typed.code });
        await this.clock.sleep(STREAM_RETRY_MS[1]!, signal).catch(() => undefined);
      }
    }
  }

  /** [ICWS-15] server-sent events: one ICWS message JSON per event; reconnect the stream on errors. */
  private async runSse(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let reopened = false;
    while (!signal.aborted) {
      let watchdog: TimerHandle | undefined;
      try {
        const connection = this.requireConnection();
        const stream = await this.http.stream({
          url: this.messagesUrl(),
          headers: { Accept: 'text/event-stream', 'Accept-Language': this.profile.language, [CSRF_HEADER]: connection.csrfToken },
          sensitiveHeaders: [CSRF_HEADER],
          followRedirects: false,
          signal,
        });
        if (stream.status === 401) {
          stream.close();
          await this.connectionLost();
          return;
        }
        if (stream.status !== 200) {
          stream.close();
          throw new PatchbayError('icws.messaging.failed', `The event stream answered ${stream.status}.`, { action: 'retry' });
        }
        failures = 0;
        // Events may have been missed while the stream was down: read the status again.
        if (reopened) void this.readUserStatus().catch((error: unknown) => this.log.info('icws.status.reread-failed', { code: toPatchbayError(error).code }));
        reopened = true;
        // A silent stream (no event, no ping) for SSE_STALL_MS is presumed dead (a NAT or proxy
        // dropped it without a FIN): reopen it rather than show a frozen status.
        const arm = () => {
          watchdog?.cancel();
          watchdog = this.clock.setTimeout(() => {
            this.log.info('icws.sse.stalled', { afterMs: SSE_STALL_MS });
            stream.close();
          }, SSE_STALL_MS);
        };
        arm();
        const parser = createParser({ onEvent: (event) => this.onMessageData(event.data) });
        const decoder = new TextDecoder();
        for await (const chunk of stream.body) {
          arm();
          parser.feed(decoder.decode(chunk, { stream: true }));
        }
      } catch (error) {
        if (signal.aborted) return;
        this.log.info('icws.sse.interrupted', { code: toPatchbayError(error).code });
      } finally {
        watchdog?.cancel();
      }
      if (signal.aborted) return;
      const delay = STREAM_RETRY_MS[Math.min(failures++, STREAM_RETRY_MS.length - 1)]!;
      await this.clock.sleep(delay, signal).catch(() => undefined);
    }
  }

  /** [ICWS-15] short polling: each GET resets the server's inactivity timer. */
  private async runPolling(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const res = await this.call('GET', '/messaging/messages', undefined, signal);
        if (res.status === 200) this.onMessageData(res.text());
      } catch (error) {
        if (signal.aborted) return;
        const typed = toPatchbayError(error);
        if (typed.code === 'icws.session.lost') return;
        this.log.info('icws.poll.failed', { code: typed.code });
      }
      await this.clock.sleep(this.profile.options.pollIntervalMs, signal).catch(() => undefined);
    }
  }

  private onMessageData(data: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      this.log.warn('icws.message.bad-json', { length: data.length });
      return;
    }
    const messages = Array.isArray(raw) ? raw : [raw];
    if (messages.length > 0) this.dispatch({ type: 'event', at: new Date(this.clock.now()).toISOString() });
    const userId = this.connection?.userId;
    for (const message of messages) {
      const parsed = IcwsMessageSchema.safeParse(message);
      if (!parsed.success) continue; // other message types are not this slice's business
      const m = parsed.data;
      if (m.__type === 'urn:inin.com:status:userStatusMessage') {
        const mine = m.userStatusList.find((u) => u.userId === userId);
        if (mine) this.dispatch({ type: 'agent', agent: agentStateOf(mine, this.statuses) });
      } else if (m.newConnectionState === CONNECTION_STATE.down) {
        // [ICWS-18] the message carries the same reason and shouldReconnect as GET connection.
        this.lost(m.reason, m.shouldReconnect);
      }
    }
  }

  /** [ICWS-17] on a 401 the connection resource still says why; show its localised reason. */
  private lostHandled = false;
  private async connectionLost(): Promise<void> {
    if (this.lostHandled || !this.connection) return;
    this.lostHandled = true;
    let reason: string | undefined;
    let shouldReconnect: boolean | undefined;
    try {
      const res = await this.http.request({
        url: `${this.connection.base}/icws/${this.connection.sessionId}/connection`,
        headers: { 'Accept-Language': this.profile.language, Accept: ICWS_ACCEPT, [CSRF_HEADER]: this.connection.csrfToken },
        followRedirects: false,
      });
      const parsed = ConnectionStateSchema.safeParse(jsonOrUndefined(res));
      if (res.status === 200 && parsed.success) {
        reason = parsed.data.reason;
        shouldReconnect = parsed.data.shouldReconnect;
      }
    } catch (error) {
      this.log.info('icws.connection-state.unavailable', { code: toPatchbayError(error).code });
    }
    this.lostHandled = false;
    this.lost(reason, shouldReconnect);
  }

  private lost(reason: string | undefined, shouldReconnect: boolean | undefined): void {
    if (this.current.phase === 'failed' || this.current.phase === 'signed-out' || this.current.phase === 'reconnecting') return;
    this.stopMessaging();
    const previous = this.connection;
    // [ICWS-19] reconnect automatically only when the server says so.
    if (shouldReconnect === true && previous && (this.credentials || this.ssoIdentityProviderId)) {
      this.log.warn('icws.connection.lost', { shouldReconnect });
      this.startReconnect(previous, reason);
      return;
    }
    this.log.warn('icws.connection.lost', { shouldReconnect });
    this.dispatch({
      type: 'failed',
      error: {
        code: 'icws.connection.lost',
        message: reason?.trim() ? reason : 'The connection to the server was lost.',
        action: shouldReconnect === false ? 'contact-it' : 'sign-in-again',
      },
    });
  }

  async signOut(): Promise<void> {
    this.reconnecting?.abort();
    this.reconnecting = undefined;
    this.credentials = undefined;
    this.ssoIdentityProviderId = undefined;
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
    this.credentials = undefined;
    this.ssoIdentityProviderId = undefined;
  }
}

export function createIcwsSession(context: PlatformContext): PlatformSession {
  return new IcwsSession(context);
}

/** A session base built from one cloud template, rebuilt with another (same host name). */
function rebase(base: string, from: string, to: string): string {
  const [prefix, suffix] = from.split('{host}') as [string, string];
  const trimmedSuffix = suffix.replace(/\/+$/, '');
  if (!base.startsWith(prefix)) return base;
  const host = base.slice(prefix.length, trimmedSuffix ? base.length - trimmedSuffix.length : undefined);
  return cloudBase(to, host);
}

function jsonOrUndefined(res: HttpResponse): unknown {
  try {
    return res.json();
  } catch {
    return undefined;
  }
}

function safeErrorBody(res: HttpResponse) {
  const parsed = ErrorBodySchema.safeParse(jsonOrUndefined(res));
  return parsed.success ? parsed.data : undefined;
}

function okJson(res: HttpResponse, code: string): unknown {
  if (res.status !== 200) throw serverError(res, safeErrorBody(res), code, `The server answered ${res.status}.`, 'retry');
  return jsonOrUndefined(res);
}

/** [ICWS-26] a server error body's message is shown verbatim; its errorId goes to the details. */
function serverError(
  res: HttpResponse,
  body: ReturnType<typeof safeErrorBody>,
  code: string,
  fallback: string,
  action: 'retry' | 'sign-in-again' | 'contact-it' | 'none',
): PatchbayError {
  return new PatchbayError(code, body?.message?.trim() ? body.message : fallback, {
    action,
    details: { status: res.status, errorId: body?.errorId },
  });
}
