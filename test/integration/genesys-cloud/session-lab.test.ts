// The Genesys Cloud session (GC-SESSION) through the real client — auth.ts (oauth4webapi), the
// HttpSession, undici's WebSocket — against the Genesys Cloud lab over real sockets: sign-in on the
// lab login page through the loopback redirect, presence both ways, routing status, conversations,
// socket_closing rotation with nothing missed, dropped sockets, expired channels, token revocation,
// 429 with Retry-After, and a lost sign-in ending in the clear prompt (GC-09).
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileSchema, type Profile } from '../../../preload/contract.ts';
import type { ExternalBrowser } from '../../../main/core/auth/external-browser.ts';
import type { LoginWindow } from '../../../main/core/auth/login-window.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { BACK_TO_IDLE_ID } from '../../../main/core/platforms/genesys-cloud/agent-state.ts';
import { createGenesysCloudAuth } from '../../../main/core/platforms/genesys-cloud/auth.ts';
import { createGenesysCloudSession, GenesysCloudSession } from '../../../main/core/platforms/genesys-cloud/genesys-cloud-session.ts';
import type { PlatformContext, SessionView } from '../../../main/core/platforms/platform.ts';
import { platformFactories } from '../../../main/core/platforms/registry.ts';
import { createLabCookieJar, labLogin, startGenesysCloudLab, type GenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function waitFor(what: string, check: () => boolean, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function start(labOptions: Parameters<typeof startGenesysCloudLab>[0] = {}, agent: { away?: boolean } = {}) {
  const lab = await startGenesysCloudLab({ heartbeatIntervalMs: 200, socketClosingGraceMs: 2_000, ...labOptions });
  cleanups.push(() => lab.close());
  const { fixturePassword: _pw, ...raw } = lab.profiles()[0]!;
  const profile: Profile = ProfileSchema.parse(raw);
  const jar = createLabCookieJar();
  const logins: string[] = [];
  // The agent's browser: the lab login page, then the redirect to Patchbay's loopback listener.
  const externalBrowser: ExternalBrowser = {
    open: async ({ url }) => {
      logins.push(url);
      if (agent.away) return;
      void labLogin(lab, 'gc-agent1', url, { jar, deliver: true }).catch(() => undefined);
    },
  };
  // The hidden sign-in window of a silent re-authorization: it comes back on the login session's
  // cookie alone; a page that needs the agent cannot be answered in a hidden window.
  const loginWindow: LoginWindow = {
    run: async (request) => {
      if (agent.away && request.visible !== 'never') throw new PatchbayError('login.timeout', 'The sign-in did not finish.', { action: 'sign-in-again' });
      const result = await labLogin(lab, 'gc-agent1', request.url, { jar });
      if (result.showedLoginForm && request.visible === 'never') throw new PatchbayError('login.timeout', 'The sign-in needs the agent.', { action: 'sign-in-again' });
      return { completion: request.until[0]!, url: result.callbackUrl, status: 303, headers: {} };
    },
  };
  const sink = memorySink();
  const log = createLogger({ sink });
  const http = new HttpSession({ profileId: profile.id, log, clock: systemClock });
  const context: PlatformContext = { profile, clock: systemClock, log, externalBrowser, loginWindow, createHttpSession: () => http };
  const auth = createGenesysCloudAuth(context, { http, signInTimeoutMs: 3_000, silentTimeoutMs: 1_000 });
  const session = new GenesysCloudSession(context, { auth, http, stream: { pingIntervalMs: 300, watchdogMs: 2_000, connectTimeoutMs: 3_000, reconnectDelaysMs: [0, 200, 500] } });
  cleanups.push(() => session.dispose());
  const views: SessionView[] = [];
  session.onView((v) => views.push(v));
  return { lab, session, views, logins, sink, agent, http, context };
}

const userState = (lab: GenesysCloudLab) => lab.state().users.find((u) => u.userName === 'gc-agent1')!;

describe('Genesys Cloud session against the lab', () => {
  it('is the registry adapter for genesys-cloud profiles', () => {
    expect(platformFactories['genesys-cloud']).toBe(createGenesysCloudSession);
  });

  it('signs in on the lab login page through the loopback redirect and shows the agent', async () => {
    const { session, lab, logins, views } = await start();
    await session.signIn({});
    expect(logins).toHaveLength(1);
    expect(views.some((v) => v.phase === 'awaiting-user')).toBe(true);
    expect(session.view).toMatchObject({ phase: 'active', userDisplayName: 'Gia Agent', connection: { transport: 'websocket' } });
    expect(session.view.selectableStates.some((s) => s.label === 'On Queue' && s.kind === 'ready')).toBe(true);
    expect(session.view.agent?.label).toBeTruthy();
    expect(userState(lab).channels).toBe(1);
    expect(session.view.token?.expiresAt).toBeDefined();
  });

  it('changes presence both ways: Patchbay → Genesys and a supervisor → Patchbay', async () => {
    const { session, lab } = await start();
    await session.signIn({});
    const onQueue = session.view.selectableStates.find((s) => s.label === 'On Queue')!;
    await session.setAgentState(onQueue.id);
    expect(userState(lab).presence?.replace(/[^A-Za-z]/g, '').toUpperCase()).toBe('ONQUEUE');
    expect(session.view.agent).toMatchObject({ label: 'On Queue' });
    lab.setPresence('gc-agent1', 'Break');
    await waitFor('the Break presence on screen', () => session.view.agent?.label === 'Break');
    expect(session.view.agent?.kind).toBe('not-ready');
  });

  it('shows Not Responding and goes back to Idle in one step', async () => {
    const { session, lab } = await start();
    await session.signIn({});
    await session.setAgentState(session.view.selectableStates.find((s) => s.label === 'On Queue')!.id);
    lab.setRoutingStatus('gc-agent1', 'NOT_RESPONDING');
    await waitFor('Not Responding', () => session.view.agent?.reason === 'Not Responding');
    expect(session.view.agent?.quickAction?.stateId).toBe(BACK_TO_IDLE_ID);
    await session.setAgentState(BACK_TO_IDLE_ID);
    expect(userState(lab).routingStatus).toBe('IDLE');
    expect(session.view.agent?.reason).toBe('Idle');
  });

  it('shows a conversation while it lasts', async () => {
    const { session, lab } = await start();
    await session.signIn({});
    const id = lab.startConversation('gc-agent1', { ani: 'tel:+15550001111' });
    await waitFor('the conversation', () => (session.view.calls ?? []).some((c) => c.id === id));
    expect(session.view.calls?.find((c) => c.id === id)).toMatchObject({ direction: 'inbound', from: '+15550001111' });
    lab.endConversation(id);
    await waitFor('the conversation to go', () => (session.view.calls ?? []).length === 0);
  });

  it('opens a new socket on socket_closing and misses no event', async () => {
    const { session, lab } = await start();
    await session.signIn({});
    const before = lab.streamingStats.connections;
    expect(lab.socketClosing('gc-agent1')).toBe(1);
    await waitFor('a second socket', () => lab.streamingStats.connections === before + 1);
    for (const presence of ['Break', 'Meal', 'Available']) {
      lab.setPresence('gc-agent1', presence);
      await waitFor(presence, () => session.view.agent?.label === presence);
    }
    expect(lab.streamingStats.dropped).toBe(0);
    expect(session.view.phase).toBe('active');
  });

  it('reconnects after a dropped socket and re-reads what changed meanwhile', async () => {
    const { session, lab, views } = await start();
    await session.signIn({});
    lab.dropSockets();
    lab.setPresence('gc-agent1', 'Meeting');
    await waitFor('the re-read presence', () => session.view.agent?.label === 'Meeting');
    expect(views.some((v) => v.phase === 'reconnecting')).toBe(true);
    await waitFor('active again', () => session.view.phase === 'active');
  });

  it('opens a new channel when the old one expires ({"result":"404"})', async () => {
    const { session, lab } = await start();
    await session.signIn({});
    lab.expireChannels();
    await waitFor('a new channel', () => lab.streamingStats.connections >= 2 && session.view.phase === 'active');
    lab.setPresence('gc-agent1', 'Training');
    await waitFor('events on the new channel', () => session.view.agent?.label === 'Training');
  });

  it('replaces a channel before it expires, with no event lost across the renewals', async () => {
    const { session, lab } = await start({ channelLifetimeSec: 2 });
    await session.signIn({});
    const presences = ['Break', 'Meal', 'Available', 'Training', 'Meeting', 'Away'];
    for (const presence of presences) {
      await new Promise((r) => setTimeout(r, 600));
      lab.setPresence('gc-agent1', presence);
      await waitFor(presence, () => session.view.agent?.label === presence);
    }
    expect(lab.streamingStats.connections).toBeGreaterThanOrEqual(3);
    // Lost, not dropped: a replaced channel stays subscribed until its topics are DELETEd after its
    // socket closed, so it may drop an event its successor delivers (seen under load).
    expect(lab.streamingStats.lost).toBe(0);
    expect(session.view.phase).toBe('active');
  });

  it('honours Retry-After on a 429 and carries on', async () => {
    const { session, lab } = await start();
    await session.signIn({});
    lab.rateLimit(1, 1);
    await session.setAgentState(session.view.selectableStates.find((s) => s.label === 'Available')!.id);
    expect(session.view.agent?.label).toBe('Available');
    expect(lab.requests.filter((r) => r.server === 'api' && r.status === 429).length).toBe(1);
  });

  it('GC-09: a revoked token the agent does not renew ends in one clear prompt, the state kept as not current', async () => {
    const { session, lab, agent, logins } = await start();
    await session.signIn({});
    agent.away = true; // the agent does not come back to the login page…
    lab.setLoginAvailable(false); // …and the login service cannot renew silently either
    await lab.revokeTokens('gc-agent1');
    await waitFor('the sign-in prompt', () => session.view.phase === 'failed', 15_000);
    expect(session.view.lastError).toMatchObject({ code: 'genesys-cloud.auth.sign-in-required', action: 'sign-in-again' });
    expect(session.view.agent?.stale).toBe(true);
    const requests = lab.requests.length;
    const shown = logins.length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(lab.requests.length).toBe(requests);
    expect(logins.length).toBe(shown);
  });

  it('a second device taking the only channel: one reconnect with a clear message, then a plain stop (no ping-pong)', async () => {
    const first = await start({ maxChannelsPerUser: 1 });
    await first.session.signIn({});
    // The same user on another device: its own auth and session against the same lab.
    const { lab } = first;
    const other = new GenesysCloudSession(first.context, {
      auth: createGenesysCloudAuth(first.context, { http: first.http, signInTimeoutMs: 3_000 }),
      http: first.http,
      stream: { pingIntervalMs: 300, watchdogMs: 2_000, reconnectDelaysMs: [0, 200, 500] },
    });
    cleanups.push(() => other.dispose());
    await other.signIn({});
    await waitFor('one of them to stop', () => first.session.view.phase === 'failed' || other.view.phase === 'failed', 15_000);
    const stopped = first.session.view.phase === 'failed' ? first.session : other;
    expect(stopped.view.lastError).toMatchObject({ code: 'genesys-cloud.notifications.evicted', action: 'sign-in-again' });
    expect(stopped.view.lastError?.message).toMatch(/another app or device/);
    const survivor = stopped === other ? first.session : other;
    lab.setPresence('gc-agent1', 'Meeting');
    await waitFor('the survivor to see events', () => survivor.view.phase === 'active' && survivor.view.agent?.label === 'Meeting');
    // No ping-pong: nobody opens another channel or socket afterwards.
    const connections = lab.streamingStats.connections;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(lab.streamingStats.connections).toBe(connections);
    expect(stopped.view.phase).toBe('failed');
  });

  it("the org's idle-token timeout: a silent renewal when the agent's login session allows, else a prompt that says why", async () => {
    const { session, lab, agent } = await start();
    await session.signIn({});
    lab.setIdleTokenTimeout(1);
    await new Promise((r) => setTimeout(r, 1_300));
    await session.setAgentState(session.view.selectableStates.find((s) => s.label === 'Available')!.id);
    expect(session.view).toMatchObject({ phase: 'active', agent: { label: 'Available' } });
    agent.away = true;
    lab.setLoginAvailable(false);
    await new Promise((r) => setTimeout(r, 1_300));
    await expect(session.setAgentState(session.view.selectableStates.find((s) => s.label === 'Break')!.id)).rejects.toMatchObject({ action: 'sign-in-again' });
    expect(session.view).toMatchObject({ phase: 'failed', agent: { stale: true }, lastError: { code: 'genesys-cloud.auth.sign-in-required' } });
    expect(session.view.lastError?.message).toMatch(/period without use/);
  });

  it('sign-out revokes the token and closes the channel socket', async () => {
    const { session, lab } = await start();
    await session.signIn({});
    await session.signOut();
    expect(session.view.phase).toBe('signed-out');
    expect(lab.requests.some((r) => r.server === 'api' && r.method === 'DELETE' && r.path === '/api/v2/tokens/me')).toBe(true);
  });
});
