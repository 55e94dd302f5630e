// The Genesys Cloud adapter (issue 10; seed 004; protocols/genesys-cloud.md): sign-in through the
// GenesysCloudAuth port (PKCE, renewal — auth.ts), then the user, presence definitions, the
// notification stream (./notifications.ts), presence / routing status / conversations on screen.
// This class only orchestrates: wire shapes in ./wire.ts, requests in ./api.ts, mapping in
// ./agent-state.ts, and the view changes only through ./reducer.ts.
// Tokens (GC-04): asked of the port per request, put in an Authorization header only, never kept,
// never in a URL, a log line or the view.
import type { Call, SelectableState, SignInOptions } from '../../../../preload/contract.ts';
import type { Clock } from '../../clock.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSession, type SessionView, type SignInInput } from '../platform.ts';
import { agentStateOf, applyConversation, BACK_TO_IDLE_ID, callsOf, selectableStates } from './agent-state.ts';
import * as api from './api.ts';
import { createGenesysCloudAuth } from './auth.ts';
import { Freshness } from '../freshness.ts';
import type { GenesysCloudAuth, GenesysCloudAuthEvent, GenesysCloudGrantInfo } from './auth-port.ts';
import { NotificationStream, type GcSocketFactory, type NotificationStreamOptions, type StreamStatus } from './notifications.ts';
import { reduce, type GenesysCloudAction } from './reducer.ts';
import { undiciSocketFactory } from './socket.ts';
import { renewalRetrying, SIGN_IN_PENDING, signInOptionsFor, signInRequired, signInSoon, clockTime, tokenTimes } from './sign-in-status.ts';
import { ConversationEventSchema, parseWith, PresenceEventSchema, RoutingStatusEventSchema, type Conversation, type PresenceDefinition, type RoutingStatus, type UserPresence } from './wire.ts';

export type StreamTimings = Pick<NotificationStreamOptions, 'pingIntervalMs' | 'watchdogMs' | 'connectTimeoutMs' | 'renewBeforeMs' | 'reconnectDelaysMs' | 'evictionWindowMs'>;

export interface GenesysCloudSessionOptions {
  auth: GenesysCloudAuth;
  /** The profile's HttpSession (tests: a scripted stand-in). */
  http?: Pick<HttpSession, 'request'>;
  socketFactory?: GcSocketFactory;
  stream?: StreamTimings;
}

export class GenesysCloudSession implements PlatformSession {
  private readonly context: PlatformContext;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly auth: GenesysCloudAuth;
  private readonly http: Pick<HttpSession, 'request'>;
  private readonly socketFactory: GcSocketFactory;
  private readonly timings: StreamTimings;
  private readonly apiBase: string;
  private readonly language: string;
  private readonly listeners = new Listeners<SessionView>();
  private current: SessionView = SIGNED_OUT_VIEW;
  private stream: NotificationStream | undefined;
  private userId: string | undefined;
  private definitions: PresenceDefinition[] = [];
  private presence: UserPresence | undefined;
  private routing: RoutingStatus | undefined;
  /** A read's answer never puts back a value older than an event that came while it was out. */
  private readonly freshness = new Freshness<'presence' | 'routing', Conversation>();
  private signInAbort: AbortController | undefined;
  private unsubscribeAuth: (() => void) | undefined;
  /** GC-09: once the sign-in is lost nothing runs until the agent signs in again. */
  private authLost = false;
  /** GC-09: the token lapsed while the visible sign-in runs; auth is kept alive for its outcome. */
  private awaitingSignIn = false;
  /** The last 401 the API gave (idle timeout or not), to say why when renewal then fails. */
  private lastRefusal: PatchbayError | undefined;

  constructor(context: PlatformContext, options: GenesysCloudSessionOptions) {
    this.context = context;
    this.clock = context.clock;
    this.log = context.log.child({ platform: 'genesys-cloud' });
    this.auth = options.auth;
    this.http = options.http ?? context.createHttpSession?.() ?? api.missingHttp();
    this.socketFactory = options.socketFactory ?? undiciSocketFactory(context.dispatcher);
    this.timings = options.stream ?? {};
    this.apiBase = api.apiBaseOf(context.profile.servers[0]);
    this.language = context.profile.language;
  }

  get view(): SessionView {
    return this.current;
  }

  /** Issue 12: the token for the embedded component, handed over by the core's WorkspaceHost only. */
  embeddedAccessToken(options: { fresh: boolean; renew?: boolean }): Promise<string> {
    if (this.current.phase !== 'active') return Promise.reject(new PatchbayError('session.not-active', 'Sign in to Genesys Cloud first.', { action: 'sign-in-again' }));
    return this.auth.accessToken({ fresh: options.fresh, ...(options.renew ? { renew: true } : {}) }); // GC-05
  }

  onView(listener: (view: SessionView) => void): () => void {
    return this.listeners.add(listener);
  }

  private dispatch(action: GenesysCloudAction): void {
    this.current = reduce(this.current, action);
    this.listeners.emit(this.current);
  }

  async signInOptions(): Promise<SignInOptions> {
    return signInOptionsFor(this.context.profile.options.genesysCloud?.loginMethod);
  }

  // ------------------------------------------------------------------ sign-in
  async signIn(_input: SignInInput = {}): Promise<void> {
    if (this.current.phase === 'active' && this.current.lastError?.action === 'sign-in-again') {
      // Asked to sign in ahead of a lapse: a new grant in place, the agent's state untouched.
      const info = await this.auth.signIn();
      if (!this.authLost) {
        this.dispatch({ type: 'clear-error', codePrefix: 'genesys-cloud.auth' });
        this.showToken(this.auth.info);
        return;
      }
      // GC-09: the token lapsed while the agent was signing in (the stream was stopped, the state
      // marked stale): this one sign-in restores everything — stream reopened, state re-read.
      this.awaitingSignIn = false; // the keeper's own sign-in, when it completes later, restores nothing twice
      await this.run(async (signal) => {
        this.showToken(info);
        await this.establish(signal);
      });
      return;
    }
    await this.run(async (signal) => {
      this.dispatch({ type: 'awaiting-user' });
      const info = await this.auth.signIn({ signal });
      this.dispatch({ type: 'signing-in' });
      this.showToken(info);
      await this.establish(signal);
    });
  }

  /** Silent resume at launch: the port's saved refresh token, never a prompt. */
  async resume(): Promise<boolean> {
    let resumed = false;
    await this.run(async (signal) => {
      resumed = await this.auth.resume();
      if (!resumed) {
        this.teardown();
        this.dispatch({ type: 'signed-out' });
        return;
      }
      this.showToken(this.auth.info);
      await this.establish(signal);
    });
    return resumed;
  }

  private async run(body: (signal: AbortSignal) => Promise<void>): Promise<void> {
    this.authLost = false;
    this.signInAbort = new AbortController();
    const signal = this.signInAbort.signal;
    this.unsubscribeAuth ??= this.auth.onEvent((event) => this.onAuthEvent(event));
    this.dispatch({ type: 'connecting', server: this.apiBase });
    try {
      await body(signal);
      // GC-09: a lapse reported while this sign-in ran (suspend()) is superseded by it: everything is
      // re-established, so the session follows the port's events again (else a later loss went unseen).
      this.authLost = false;
      this.awaitingSignIn = false;
    } catch (error) {
      const failure = signal.aborted
        ? new PatchbayError('genesys-cloud.sign-in.cancelled', 'Sign-in was cancelled.', { action: 'none' })
        : toPatchbayError(error);
      this.teardown();
      this.dispatch({ type: 'failed', error: failure.toContract() });
      throw failure;
    } finally {
      this.signInAbort = undefined;
    }
  }

  /** The user, the presence list, the notification stream (before the reads, so nothing falls
   *  between them), then presence, routing status and conversations. */
  private async establish(signal: AbortSignal): Promise<void> {
    const user = api.readUser(await this.call(api.usersMe(), signal));
    this.userId = user.id;
    this.dispatch({ type: 'connected', ...(user.name ? { userDisplayName: user.name } : {}) });
    this.definitions = api.readDefinitions(await this.call(api.presenceDefinitions(), signal));
    this.dispatch({ type: 'states', states: selectableStates(this.definitions, this.language) });
    this.stream = this.createStream(user.id);
    await this.stream.start();
    if (signal.aborted) throw signal.reason;
    await this.resync(signal);
    this.dispatch({ type: 'active' });
  }

  private createStream(userId: string): NotificationStream {
    return new NotificationStream({
      clock: this.clock,
      log: this.log,
      topics: api.topicsFor(userId),
      // GC-05 (seed 004): the token is renewed right before the channel starts, so it cannot lapse mid start-up.
      createChannel: async () => api.readChannel(await this.call(api.createChannel(), undefined, { fresh: true })),
      subscribe: async (channelId, topics) => void (await this.call(api.putSubscriptions(channelId, topics))),
      unsubscribe: async (channelId) => void (await this.call(api.deleteSubscriptions(channelId))),
      checkUri: (uri) => api.checkConnectUri(uri, this.apiBase),
      socketFactory: this.socketFactory,
      onEvent: (topic, body) => this.onEvent(topic, body),
      onStatus: (status) => this.onStreamStatus(status),
      onResync: () => this.resync(),
      onTokenRevoked: () => this.tokenRevoked(),
      ...this.timings,
    });
  }

  /** Presence, routing status and conversations as the server has them now. */
  private async resync(signal?: AbortSignal): Promise<void> {
    const userId = this.requireUser();
    await this.freshness.read(async (ticket) => {
      const [presence, routing, conversations] = await Promise.all([
        this.call(api.getPresence(userId), signal).then(api.readPresence),
        this.call(api.getRoutingStatus(userId), signal).then(api.readRoutingStatus),
        this.call(api.conversations(), signal).then(api.readConversations),
      ]);
      // An event that came while the reads were out is newer than their answers.
      if (this.freshness.current(ticket, 'presence')) this.presence = presence;
      if (this.freshness.current(ticket, 'routing')) this.routing = routing;
      this.showAgent();
      const calls = ticket.items.reduce<Call[]>((list, conversation) => applyConversation(list, conversation, userId), callsOf(conversations, userId));
      this.dispatch({ type: 'calls', calls });
    });
  }

  // ------------------------------------------------------------------ requests
  /** One API call with a bearer token from the port (GC-04: header only). 401 → the port renews
   *  once and the call is repeated; 429 → wait Retry-After and repeat (bounded). */
  private async call(request: api.ApiRequest, signal?: AbortSignal, tokenOptions: { fresh?: boolean } = {}): Promise<HttpResponse> {
    let renewed = false;
    for (let rateLimited = 0; ; ) {
      const token = await this.auth.accessToken({ ...tokenOptions, ...(signal ? { signal } : {}) });
      const res = await this.http.request({
        method: request.method,
        url: `${this.apiBase}${request.path}`,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(request.json !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(request.json !== undefined ? { json: request.json } : {}),
        followRedirects: false, // a credentialed request never follows a redirect (DESIGN.md trust boundaries)
        ...(signal ? { signal } : {}),
      });
      if (res.status >= 200 && res.status < 300) {
        if (renewed) this.lastRefusal = undefined;
        return res;
      }
      const error = api.responseError(res, request, this.clock.now());
      const step = api.refusalStep(res.status, error, { renewed, rateLimited });
      if (step.kind === 'renew') {
        renewed = true;
        this.lastRefusal = error;
        await this.invalidate(error.code === 'genesys-cloud.token.idle' ? 'idle' : '401');
        continue;
      }
      if (step.kind === 'wait') {
        rateLimited++;
        this.log.info('genesys-cloud.rate-limited', { step: request.what, waitMs: step.ms });
        await this.clock.sleep(step.ms, signal);
        continue;
      }
      if (step.authLost) this.loseAuth(error);
      throw error;
    }
  }

  /** The server refused the token: the port renews now, or the sign-in is lost (GC-09). */
  private async invalidate(reason: string): Promise<void> {
    try {
      await this.auth.invalidate(reason);
    } catch (error) {
      const failure = toPatchbayError(error);
      this.loseAuth(failure);
      throw failure;
    }
  }

  private async tokenRevoked(): Promise<boolean> {
    try {
      await this.invalidate('token_revoked');
      return !this.authLost;
    } catch {
      return false;
    }
  }

  // ------------------------------------------------------------------ agent state
  async listStates(): Promise<SelectableState[]> {
    if (this.current.phase !== 'active') return this.current.selectableStates;
    this.definitions = api.readDefinitions(await this.call(api.presenceDefinitions()));
    const states = selectableStates(this.definitions, this.language);
    this.dispatch({ type: 'states', states });
    return states;
  }

  async setAgentState(stateId: string): Promise<void> {
    if (this.current.phase !== 'active') {
      throw new PatchbayError('genesys-cloud.not-active', 'Sign in to Genesys Cloud before changing your status.', { action: 'sign-in-again' });
    }
    const userId = this.requireUser();
    try {
      await this.freshness.read(async (ticket) => {
        if (stateId === BACK_TO_IDLE_ID) {
          // §3: Not Responding → Idle is a routing-status change, not a presence change.
          const routing = api.readRoutingStatus(await this.call(api.setRoutingStatus(userId, 'IDLE')));
          if (this.freshness.current(ticket, 'routing')) this.routing = routing;
        } else {
          if (!this.definitions.some((d) => d.id === stateId)) {
            throw new PatchbayError('genesys-cloud.state.unknown', 'That status is not available in your organisation.', { action: 'none' });
          }
          const presence = api.readPresence(await this.call(api.setPresence(userId, stateId)));
          if (this.freshness.current(ticket, 'presence')) this.presence = presence;
        }
      });
      this.showAgent();
    } catch (error) {
      const failure = toPatchbayError(error);
      if (!this.authLost) this.dispatch({ type: 'error', error: failure.toContract() });
      throw failure;
    }
  }

  private showAgent(): void {
    if (!this.presence) return;
    this.dispatch({ type: 'agent', agent: agentStateOf(this.presence, this.routing, this.definitions, this.language) });
  }

  private onEvent(topic: string, body: unknown): void {
    this.dispatch({ type: 'event', at: new Date(this.clock.now()).toISOString() });
    const userId = this.userId;
    if (!userId) return;
    try {
      if (topic === `v2.users.${userId}.presence`) {
        this.presence = parseWith(PresenceEventSchema, body, 'a presence update');
        this.freshness.event('presence');
        this.showAgent();
      } else if (topic === `v2.users.${userId}.routingStatus`) {
        this.routing = parseWith(RoutingStatusEventSchema, body, 'a routing-status update').routingStatus;
        this.freshness.event('routing');
        this.showAgent();
      } else if (topic === `v2.users.${userId}.conversations`) {
        const conversation = parseWith(ConversationEventSchema, body, 'a conversation update');
        this.freshness.item(conversation);
        this.dispatch({ type: 'calls', calls: applyConversation(this.current.calls ?? ([] as Call[]), conversation, userId) });
      }
    } catch (error) {
      this.log.warn('genesys-cloud.event.unreadable', { topic: topic.replace(userId, '{id}'), code: toPatchbayError(error).code });
    }
  }

  private onStreamStatus(status: StreamStatus): void {
    if (this.authLost) return;
    switch (status.state) {
      case 'online':
        if (status.rotated) this.dispatch({ type: 'reconnected' });
        return;
      case 'reconnecting':
        this.dispatch({ type: 'reconnecting', attempt: status.attempt, nextAttemptAt: new Date(status.nextAttemptAt).toISOString() });
        return;
      case 'warning':
        this.dispatch({ type: 'error', error: status.error.toContract() });
        return;
      case 'offline':
        if (status.error) {
          // Nothing left to keep a token for: renewal stops too (a new sign-in starts afresh).
          this.auth.dispose();
          this.dispatch({ type: 'failed', error: status.error.toContract() });
        }
        return;
    }
  }

  // ------------------------------------------------------------------ renewal (GC-09)
  private onAuthEvent(event: GenesysCloudAuthEvent): void {
    if (this.awaitingSignIn) {
      // GC-09: the sign-in that was running when the token lapsed has its outcome.
      if (event.kind === 'renewed') void this.restore(event.info);
      else if (event.kind === 'renewal-failed' && event.final) this.loseAuth(event.error);
      return;
    }
    if (this.authLost) return;
    if (event.kind === 'renewal-failed' && event.signInPending === true) {
      this.suspend();
      return;
    }
    switch (event.kind) {
      case 'renewed':
        this.showToken(event.info);
        this.dispatch({ type: 'clear-error', codePrefix: 'genesys-cloud.auth' });
        return;
      case 'renewal-failed':
        if (event.final) {
          this.loseAuth(event.error);
          return;
        }
        this.dispatch({ type: 'error', error: renewalRetrying(event.nextAttemptAt ? this.timeOf(event.nextAttemptAt) : undefined) });
        return;
      case 'sign-in-needed':
        this.dispatch({ type: 'error', error: signInSoon(this.timeOf(event.deadline)) });
        return;
    }
  }

  /** GC-09: the token lapsed while the visible sign-in is still open: stop the stream, mark the
   *  state stale, keep auth (and so the agent's sign-in) alive; its completion restores everything. */
  private suspend(): void {
    if (this.current.phase === 'signed-out') return;
    this.authLost = true;
    this.awaitingSignIn = true;
    this.log.warn('genesys-cloud.auth.lapsed-during-sign-in', {});
    this.teardown();
    this.dispatch({ type: 'auth-pending', error: SIGN_IN_PENDING });
  }

  /** After the pending sign-in: the start-up reads again and a new stream (as signIn() does). */
  private async restore(info: GenesysCloudGrantInfo): Promise<void> {
    this.awaitingSignIn = false;
    if (this.signInAbort) return; // a sign-in already re-establishes
    await this.run(async (signal) => (this.showToken(info), await this.establish(signal))).catch((error: unknown) =>
      this.log.warn('genesys-cloud.restore-failed', { code: toPatchbayError(error).code }),
    );
  }

  /** GC-09 (seed 004 Edge Case 1): renewal failed for good. Stop everything (no loop continues),
   *  keep the last known state on screen marked not current, and say plainly what to do. */
  private loseAuth(cause: PatchbayError): void {
    if ((this.authLost && !this.awaitingSignIn) || this.current.phase === 'signed-out') return;
    this.authLost = true;
    this.awaitingSignIn = false;
    this.log.warn('genesys-cloud.auth.lost', { code: cause.code, refusal: this.lastRefusal?.code });
    this.stream?.stop();
    this.stream = undefined;
    this.auth.dispose();
    const idle = cause.code === 'genesys-cloud.token.idle' || this.lastRefusal?.code === 'genesys-cloud.token.idle';
    this.dispatch({ type: 'auth-lost', error: signInRequired(idle) });
  }

  private showToken(info: GenesysCloudGrantInfo | undefined): void {
    this.dispatch({ type: 'token', ...tokenTimes(info, this.clock.toWallTime?.bind(this.clock)) });
  }

  private timeOf(at: number): string {
    return clockTime(at, this.language, this.clock.toWallTime?.bind(this.clock));
  }

  // ------------------------------------------------------------------ ending
  async signOut(): Promise<void> {
    this.signInAbort?.abort();
    this.teardown();
    try {
      await this.auth.signOut(); // DELETE /api/v2/tokens/me and the keychain entries
    } catch (error) {
      this.log.info('genesys-cloud.sign-out.revoke-failed', { code: toPatchbayError(error).code });
    }
    this.dispatch({ type: 'signed-out' });
  }

  cancel(): void {
    this.signInAbort?.abort(new PatchbayError('genesys-cloud.sign-in.cancelled', 'Sign-in was cancelled.'));
  }

  dispose(): void {
    this.signInAbort?.abort();
    this.teardown();
    this.unsubscribeAuth?.();
    this.unsubscribeAuth = undefined;
    this.auth.dispose();
  }

  private teardown(): void {
    this.stream?.stop();
    this.stream = undefined;
  }

  private requireUser(): string {
    if (!this.userId) throw new PatchbayError('genesys-cloud.not-active', 'Sign in to Genesys Cloud first.', { action: 'sign-in-again' });
    return this.userId;
  }
}

/** The registry's factory: one HttpSession (IT's trust store and proxy) shared by the OAuth side
 *  (./auth.ts) and the API calls. */
export function createGenesysCloudSession(context: PlatformContext): PlatformSession {
  const http =
    context.createHttpSession?.() ??
    new HttpSession({
      profileId: context.profile.id,
      log: context.log,
      clock: context.clock,
      ...(context.dispatcher ? { dispatcher: context.dispatcher } : {}),
      ...(context.acceptLanguage ? { acceptLanguage: context.acceptLanguage } : {}), // issue 13 item 11
    });
  const auth = createGenesysCloudAuth(context, { http });
  return new GenesysCloudSession(context, { auth, http });
}
