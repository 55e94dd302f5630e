// The Genesys Engage Web Services adapter (seed 002, protocols/gws.md, issue 11). It orchestrates:
// the profile's sign-in method (auth.ts) with the anonymous fall-through check (GWS-05), the CSRF
// pair (csrf.ts, api.ts), the agent's voice channel (agent-state.ts), CometD notifications
// (notifications.ts); the view changes only through reducer.ts.
import type { AgentState, Profile, SelectableState, SignInOptions } from '../../../../preload/contract.ts';
import type { LoginWindow } from '../../auth/login-window.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { HttpSession } from '../../net/http-session.ts';
import { Freshness, type ReadTicket } from '../freshness.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSession, type SessionView, type SignInInput } from '../platform.ts';
import { agentStateOf, applyCall, callOf, END_SESSION_BODY, processStartSession, selectableStates, startSessionBody, stateRequest, VOICE_PATH } from './agent-state.ts';
import { GwsApi } from './api.ts';
import {
  allowedHosts,
  basicAuthorization,
  checkSignedIn,
  METHOD_LABEL,
  methodOf,
  runSalesforceLogin,
  runSamlLogin,
  salesforceHeaders,
  type GwsAuthMethod,
} from './auth.ts';
import { readCsrfPair } from './csrf.ts';
import { GwsNotifications, NOTIFICATIONS_PATH, parseNotification, type LinkFailure, type NotificationsOptions } from './notifications.ts';
import { reduce, type GwsAction } from './reducer.ts';
import { agentStateSettings, ChannelsSchema, CallsSchema, MeSchema, parseCalls, STATUS, UserSchema, voiceUserState, type AgentStateSetting, type GwsCall, type GwsUser } from './wire.ts';

/** How long sign-in waits for the first CometD handshake. */
export const NOTIFICATIONS_START_TIMEOUT_MS = 20_000;
/** CometD failures the server blames on us (401/403) while GET /api/v2/me still works: after this
 *  many in a row the link is given up with a clear message instead of retrying for ever. */
export const MAX_REFUSED_LINK_FAILURES = 3;

export interface NotificationsLink {
  start(): void;
  /** Handshake again when the client gave up (the server advised reconnect: none). */
  restart(): void;
  stop(polite?: boolean): void;
}

export interface GwsSessionOptions {
  /** Injected for tests; by default the core's HttpSession for the profile. */
  http?: HttpSession;
  /** Injected for unit tests; by default CometD over the HttpSession. */
  linkFactory?: (options: NotificationsOptions) => NotificationsLink;
  /** CometD timings (integration tests shorten them). */
  cometd?: Pick<NotificationsOptions, 'maxNetworkDelayMs' | 'backoffIncrementMs' | 'maxBackoffMs'>;
}

export class GwsSession implements PlatformSession {
  private readonly profile: Profile;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly http: HttpSession;
  private readonly api: GwsApi;
  private readonly loginWindow: LoginWindow | undefined;
  private readonly options: GwsSessionOptions;
  private readonly listeners = new Listeners<SessionView>();
  private current: SessionView = SIGNED_OUT_VIEW;
  /** A read's answer never puts back a state older than a CometD event that came while it was out. */
  private readonly freshness = new Freshness<'agent', GwsCall>();
  private settings: AgentStateSetting[] = [];
  private link: NotificationsLink | undefined;
  private signInAbort: AbortController | undefined;
  private linkAttempts = 0;
  private refusedInARow = 0;
  private probing = false;
  private ended = true;
  private firstUp: { resolve: () => void; reject: (e: PatchbayError) => void } | undefined;
  /** Figures for the bench and tests (no secrets). */
  readonly stats = { signInRequests: 0, refreshes: 0 };

  constructor(context: PlatformContext, options: GwsSessionOptions = {}) {
    this.profile = context.profile;
    this.clock = context.clock;
    this.log = context.log.child({ platform: 'gws' });
    this.loginWindow = context.loginWindow;
    this.options = options;
    // Transport only from the core (DESIGN.md "Adapters get their transport from the core").
    this.http = options.http ?? context.createHttpSession?.({ log: this.log, clock: this.clock }) ?? new HttpSession({ profileId: context.profile.id, log: this.log, clock: this.clock });
    this.api = new GwsApi(this.http, this.profile.servers[0]!, this.log);
  }

  get view(): SessionView {
    return this.current;
  }

  onView(listener: (view: SessionView) => void): () => void {
    return this.listeners.add(listener);
  }

  private dispatch(action: GwsAction): void {
    this.current = reduce(this.current, action);
    this.listeners.emit(this.current);
  }

  private get method(): GwsAuthMethod {
    return methodOf(this.profile.authMode, this.profile.options.gws?.authMethod);
  }

  async signInOptions(): Promise<SignInOptions> {
    const method = this.method;
    const basic = method === 'gws-basic' || method === 'config-server-basic';
    return {
      credentialsForm: basic,
      identityProviders: basic ? [] : [{ id: method, label: METHOD_LABEL[method] }],
      userNameRequired: basic,
      // The place (DN) is asked on the form when the profile has none.
      extensionRequired: !this.profile.options.gws?.place,
      note: basic ? `Sign in with your ${METHOD_LABEL[method]}.` : `You will sign in on the ${method === 'saml' ? 'identity provider' : 'Salesforce'} page.`,
    };
  }

  async signIn(input: SignInInput): Promise<void> {
    this.signInAbort?.abort();
    const abort = new AbortController();
    this.signInAbort = abort;
    const signal = abort.signal;
    const method = this.method;
    // A sign-in again (after a failure or an ended session) starts from a clean link.
    this.teardown();
    this.ended = false;
    this.dispatch({ type: 'connecting', server: this.api.base });
    const before = this.api.requests;
    try {
      const place = input.extension ?? this.profile.options.gws?.place;
      if (!place) throw new PatchbayError('gws.sign-in.place-required', 'Enter your place (the phone you work at) to sign in.', { action: 'sign-in-again' });
      const user = await this.authenticate(method, input, signal);
      this.dispatch({ type: 'signed-in', server: this.api.base, userDisplayName: displayName(user) });
      this.settings = agentStateSettings(user.settings);
      // protocols/gws.md §2: StartContactCenterSession with the place and the voice channel.
      const started = await this.api.send('POST', '/api/v2/me', startSessionBody(place), signal);
      const partial = processStartSession(started);
      // CometD first, then the state: a change after the subscription arrives as an event, one
      // before it is in what the GET answers.
      await this.startLink(signal);
      await this.refresh(signal);
      this.stats.signInRequests = this.api.requests - before;
      this.dispatch({ type: 'active' });
      if (partial) this.dispatch({ type: 'error', error: partial.toContract() });
    } catch (error) {
      const typed = signal.aborted ? new PatchbayError('session.cancelled', 'Sign-in was cancelled.', { action: 'none' }) : toPatchbayError(error);
      this.teardown();
      this.dispatch({ type: 'failed', error: typed.toContract() });
      throw typed;
    } finally {
      if (this.signInAbort === abort) this.signInAbort = undefined;
    }
  }

  /** Seed 002: the profile's method, then GET /api/v2/me?subresources=* must name a user (GWS-05). */
  private async authenticate(method: GwsAuthMethod, input: SignInInput, signal: AbortSignal): Promise<GwsUser> {
    const gws = this.profile.options.gws;
    const hosts = allowedHosts(this.profile.servers, gws?.ssoAllowedHosts);
    const onPhase = (phase: 'awaiting-user' | 'signing-in') => this.dispatch(phase === 'awaiting-user' ? { type: 'awaiting-user' } : { type: 'connecting', server: this.api.base });
    let headers: Record<string, string> = {};
    if (method === 'gws-basic' || method === 'config-server-basic') {
      // GWS-02, GWS-03: the same basic header; the profile says which store checks it so errors name it.
      const userName = input.credentials?.userName ?? this.profile.userName;
      if (!input.credentials || !userName) throw new PatchbayError('gws.sign-in.credentials-required', 'Enter your user name and password to sign in.', { action: 'sign-in-again' });
      headers = { authorization: basicAuthorization(userName, input.credentials.password) };
    } else {
      const loginWindow = this.loginWindow;
      if (!loginWindow) throw new PatchbayError('login.unavailable', 'This sign-in needs a sign-in window, which this way of running Patchbay does not have.', { action: 'contact-it' });
      const run = { loginWindow, http: this.http, profileId: this.profile.id, allowedHosts: hosts, signal, onPhase };
      if (method === 'saml') {
        // GWS-04: the SP's SAML round in the LoginWindow; its JSESSIONID lands in the jar.
        await runSamlLogin({ ...run, base: this.api.base, ...(gws?.samlLoginPath ? { samlLoginPath: gws.samlLoginPath } : {}) });
      } else {
        // GWS-01: Salesforce OAuth (code + PKCE), then its session id and identity URL as headers.
        const sf = gws?.salesforce;
        if (!sf) throw new PatchbayError('gws.salesforce.not-configured', 'This profile has no Salesforce settings. Ask IT to add them.', { action: 'contact-it' });
        const sfHost = new URL(sf.loginBase).host.toLowerCase();
        const { sessionId, identityUrl } = await runSalesforceLogin({ ...run, allowedHosts: [...hosts, sfHost], settings: sf });
        headers = salesforceHeaders(sf, sessionId, identityUrl);
      }
    }
    const result = await this.api.raw('GET', '/api/v2/me?subresources=*', { headers, signal });
    return checkSignedIn(method, result);
  }

  /** Re-read the truth: me?subresources=* (settings, channels) and the calls (after a reconnect too). */
  private async refresh(signal?: AbortSignal): Promise<void> {
    this.stats.refreshes += 1;
    await this.freshness.read((ticket) => this.reread(ticket, signal));
  }

  private async reread(ticket: ReadTicket<'agent', GwsCall>, signal?: AbortSignal): Promise<void> {
    const me = GwsApi.expectOk(await this.api.raw('GET', '/api/v2/me?subresources=*', signal ? { signal } : {}), 'Reading your state');
    const parsed = MeSchema.safeParse(me.json);
    const user = parsed.success ? UserSchema.safeParse(parsed.data.user) : undefined;
    if (!parsed.success || !user?.success) throw this.sessionEnded('the server no longer names your user');
    const settings = agentStateSettings(user.data.settings ?? parsed.data.settings);
    if (settings.length > 0 || this.settings.length === 0) this.settings = settings;
    this.dispatch({ type: 'states', states: selectableStates(this.settings) });
    let userState = voiceUserState({ channels: user.data.channels ?? parsed.data.channels, devices: user.data.devices ?? parsed.data.devices });
    if (!userState) {
      const channels = GwsApi.expectOk(await this.api.raw('GET', '/api/v2/me/channels', signal ? { signal } : {}), 'Reading your channels');
      const list = ChannelsSchema.safeParse(channels.json);
      userState = list.success ? voiceUserState({ channels: list.data.channels }) : undefined;
    }
    // A CometD event that came while the read was out is newer than its answer.
    if (userState && this.freshness.current(ticket, 'agent')) this.setAgent(agentStateOf(userState));
    let calls = user.data.calls;
    if (!calls) {
      const res = await this.api.raw('GET', '/api/v2/me/calls', signal ? { signal } : {});
      const list = CallsSchema.safeParse(res.json);
      if (res.status === 200 && list.success && list.data.statusCode === STATUS.ok) calls = list.data.calls ?? [];
    }
    if (calls) {
      const read = parseCalls(calls).map(callOf).filter((c) => c !== undefined);
      this.dispatch({ type: 'calls', calls: ticket.items.reduce(applyCall, read) });
    }
  }

  private setAgent(agent: AgentState): void {
    const prev = this.current.agent;
    const same = prev && prev.stateId === agent.stateId && prev.reason === agent.reason;
    this.dispatch({ type: 'agent', agent: { ...agent, since: same && prev.since ? prev.since : new Date(this.clock.now()).toISOString() } });
  }

  // ------------------------------------------------------------------ notifications
  private async startLink(signal: AbortSignal): Promise<void> {
    const factory = this.options.linkFactory ?? ((o: NotificationsOptions) => new GwsNotifications(o));
    const up = new Promise<void>((resolve, reject) => (this.firstUp = { resolve, reject }));
    up.catch(() => undefined);
    this.link = factory({
      url: this.api.url(NOTIFICATIONS_PATH),
      http: this.http,
      clock: this.clock,
      log: this.log,
      ...(this.options.cometd ?? {}),
      // issue 11: cookies (from the jar) and the CSRF header on every CometD request.
      headers: () => (this.api.csrf ? { [this.api.csrf.header]: this.api.csrf.token } : {}),
      onResponseHeaders: (h) => {
        const pair = readCsrfPair(h);
        if (pair) this.api.csrf = pair;
      },
      onMessage: (channel, data) => this.onMessage(channel, data),
      onUp: (reestablish) => void this.onLinkUp(reestablish),
      onDown: (failure) => void this.onLinkDown(failure),
    });
    this.link.start();
    let timer: TimerHandle | undefined;
    const onAbort = () => this.firstUp?.reject(new PatchbayError('session.cancelled', 'Sign-in was cancelled.', { action: 'none' }));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      timer = this.clock.setTimeout(
        () => this.firstUp?.reject(new PatchbayError('gws.notifications.unavailable', 'The server did not open its notification channel (CometD) in time.', { action: 'retry' })),
        NOTIFICATIONS_START_TIMEOUT_MS,
      );
      await up;
    } finally {
      timer?.cancel();
      signal.removeEventListener('abort', onAbort);
      this.firstUp = undefined;
    }
  }

  private onMessage(channel: string, data: unknown): void {
    if (this.ended) return;
    const at = new Date(this.clock.now()).toISOString();
    const event = parseNotification(data);
    this.log.debug('gws.notification', { channel, kind: event?.kind ?? 'unparsed' });
    if (event?.kind === 'agent') {
      this.freshness.event('agent');
      this.setAgent(agentStateOf(event.userState));
    }
    if (event?.kind === 'call') {
      this.freshness.item(event.call);
      this.dispatch({ type: 'calls', calls: applyCall(this.current.calls ?? [], event.call) });
    }
    this.dispatch({ type: 'event', at });
  }

  private async onLinkUp(reestablish: boolean): Promise<void> {
    if (this.ended) return;
    this.refusedInARow = 0;
    this.dispatch({ type: 'link-up', at: new Date(this.clock.now()).toISOString() });
    if (this.firstUp) {
      this.firstUp.resolve();
      return;
    }
    if (!reestablish && this.current.phase === 'active') return;
    // issue 11: on reconnect re-read me?subresources=* so the screen is true.
    try {
      await this.refresh();
      if (this.ended) return;
      this.linkAttempts = 0;
      this.dispatch({ type: 'active' });
      this.log.info('gws.notifications.recovered', {});
    } catch (error) {
      this.failLink(toPatchbayError(error));
    }
  }

  private async onLinkDown(failure: LinkFailure): Promise<void> {
    if (this.ended) return;
    this.log.info('gws.notifications.down', { channel: failure.channel, httpCode: failure.httpCode, error: failure.error?.slice(0, 80) });
    const refused = failure.httpCode === 401 || failure.httpCode === 403 || /^40[13]::/.test(failure.error ?? '');
    if (refused && !this.probing) {
      // The server refused the CometD request: is the session still signed in? (GET /api/v2/me also
      // reads a fresh CSRF pair for the next request.)
      this.probing = true;
      try {
        const me = await this.api.raw('GET', '/api/v2/me');
        const code = me.envelope?.statusCode;
        if (code === STATUS.notAuthenticated || me.status === 401 || (me.status === 403 && !/csrf/i.test(me.envelope?.statusMessage ?? '')) || (me.status === 200 && !UserSchema.safeParse(MeSchema.safeParse(me.json).data?.user).success)) {
          this.failLink(this.sessionEnded(code === STATUS.notAuthenticated && me.envelope?.statusMessage ? me.envelope.statusMessage : 'it now treats Patchbay as not signed in'));
          return;
        }
        this.refusedInARow += 1;
        if (this.refusedInARow >= MAX_REFUSED_LINK_FAILURES) {
          this.failLink(new PatchbayError('gws.notifications.refused', `The server keeps refusing the notification channel (CometD${failure.httpCode ? `, HTTP ${failure.httpCode}` : ''}) although you are signed in.`, { action: 'contact-it' }));
          return;
        }
        // Still signed in (a stale CSRF token, say): the GET above read a fresh pair; try again.
        if (!this.ended) this.link?.restart();
      } catch (error) {
        this.log.info('gws.notifications.probe-failed', { code: toPatchbayError(error).code });
      } finally {
        this.probing = false;
      }
    }
    if (this.ended || this.firstUp) return;
    this.linkAttempts += 1;
    this.dispatch({
      type: 'reconnecting',
      attempt: this.linkAttempts,
      error: { code: 'gws.notifications.lost', message: 'The notification channel to the server was lost; reconnecting…', action: 'none' },
    });
  }

  private sessionEnded(why: string): PatchbayError {
    return new PatchbayError('gws.session.ended', `The server ended your GWS session (${why}). Sign in again.`, { action: 'sign-in-again' });
  }

  /** The session cannot carry on: stop the link (no retry loop) and show why. */
  private failLink(error: PatchbayError): void {
    if (this.firstUp) {
      this.firstUp.reject(error);
      return;
    }
    this.teardown();
    this.dispatch({ type: 'failed', error: error.toContract() });
  }

  // ------------------------------------------------------------------ agent state
  async listStates(): Promise<SelectableState[]> {
    return this.current.selectableStates;
  }

  async setAgentState(stateId: string, reasonId?: string): Promise<void> {
    try {
      if (this.current.phase !== 'active' && this.current.phase !== 'reconnecting') {
        throw new PatchbayError('gws.state.not-signed-in', 'Sign in before changing your state.', { action: 'none' });
      }
      const body = stateRequest(stateId, reasonId, this.settings);
      GwsApi.expectOk(await this.api.send('POST', VOICE_PATH, body), 'Changing your state');
      // The screen shows what the server says now (CometD confirms it too), unless a CometD event
      // came while the read was out: that one is newer.
      await this.freshness.read(async (ticket) => {
        const channels = await this.api.raw('GET', '/api/v2/me/channels');
        const list = ChannelsSchema.safeParse(channels.json);
        const userState = list.success ? voiceUserState({ channels: list.data.channels }) : undefined;
        if (userState && this.freshness.current(ticket, 'agent')) this.setAgent(agentStateOf(userState));
      });
      if (this.current.lastError) this.dispatch({ type: 'clear-error' });
    } catch (error) {
      const typed = toPatchbayError(error);
      if (this.current.phase === 'active') this.dispatch({ type: 'error', error: typed.toContract() });
      throw typed;
    }
  }

  // ------------------------------------------------------------------ ending
  async signOut(): Promise<void> {
    const wasSignedIn = !this.ended && (this.current.phase === 'active' || this.current.phase === 'reconnecting');
    this.teardown(true);
    if (wasSignedIn) {
      try {
        // protocols/gws.md §2: EndContactCenterSession logs out and invalidates the HTTP session.
        await this.api.send('POST', '/api/v2/me', END_SESSION_BODY);
      } catch (error) {
        // Signing out locally must not depend on the server answering.
        this.log.info('gws.sign-out.end-session-failed', { code: toPatchbayError(error).code });
      }
    }
    this.api.csrf = undefined;
    await this.http.clearCookies();
    this.dispatch({ type: 'signed-out' });
  }

  private teardown(polite = false): void {
    this.ended = true;
    const link = this.link;
    this.link = undefined;
    link?.stop(polite);
    this.linkAttempts = 0;
    this.refusedInARow = 0;
  }

  cancel(): void {
    this.signInAbort?.abort();
    this.teardown();
  }

  dispose(): void {
    this.cancel();
  }
}

function displayName(user: GwsUser): string {
  const full = [user.firstName, user.lastName].filter(Boolean).join(' ').trim();
  return full || user.userName;
}

export function createGwsSession(context: PlatformContext): PlatformSession {
  return new GwsSession(context);
}
