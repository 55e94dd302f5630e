// The ICWS adapter against the lab ICWS server over real sockets (seed 000, RULES.md ICWS-xx).
import { afterEach, describe, expect, it } from 'vitest';
import { startIcwsServer, type IcwsLabServer } from '../../../lab/index.ts';
import { ProfileSchema, type Profile } from '../../../preload/contract.ts';
import { ScaledClock, systemClock, type Clock } from '../../../main/core/clock.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { IcwsSession } from '../../../main/core/platforms/icws/icws-session.ts';
import { waitFor } from '../../helpers/wait.ts';

const servers: IcwsLabServer[] = [];
const sessions: IcwsSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function lab(options: Parameters<typeof startIcwsServer>[0] = {}): Promise<IcwsLabServer> {
  const server = await startIcwsServer({ ssePingIntervalMs: 200, ...options });
  servers.push(server);
  return server;
}

function profileFor(urls: string[], extra: Partial<Profile> = {}): Profile {
  return ProfileSchema.parse({ id: 'it-icws', name: 'IT ICWS', platform: 'icws', servers: urls, authMode: 'password', userName: 'agent1', options: { pollIntervalMs: 250 }, ...extra });
}

function session(profile: Profile, clock: Clock = systemClock) {
  const sink = memorySink();
  const s = new IcwsSession({ profile, clock, log: createLogger({ sink, level: 'debug' }) });
  sessions.push(s);
  return { s, sink };
}

const agent1 = { credentials: { userName: 'agent1', password: 'agent1-lab-pw' } };
const sessionCalls = (server: IcwsLabServer) => server.requests.filter((r) => /^\/icws\/\d+\//.test(r.path));

describe('ICWS sign-in with user name and password', () => {
  it('signs in, lists the selectable statuses and reads the user status [ICWS-03]', async () => {
    const server = await lab();
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    expect(s.view.phase).toBe('active');
    expect(s.view.server).toBe(server.url);
    expect(s.view.userDisplayName).toBe('Ada Agent');
    expect(s.view.agent?.stateId).toBe(server.userStatus('agent1')?.statusId);
    const ids = s.view.selectableStates.map((st) => st.id);
    expect(ids).toContain('Available');
    expect(ids).toContain('Away from desk');
    expect(server.sessions()).toHaveLength(1);
  });

  it("takes the user's status from the subscription's first message, not a separate GET (issue 15 item 1)", async () => {
    for (const messagingVersion of [2, 1] as const) {
      const server = await lab({ messagingVersion });
      server.setUserStatus('agent1', 'At Lunch');
      const { s } = session(profileFor([server.url]));
      await s.signIn(agent1);
      expect(s.view.agent?.stateId).toBe(server.userStatus('agent1')?.statusId);
      expect(sessionCalls(server).filter((r) => r.method === 'GET' && r.path.includes('/status/user-statuses/'))).toEqual([]);
    }
  });

  it('sends the same Accept-Language on the connection and every later call [ICWS-01]', async () => {
    const server = await lab();
    const { s } = session(profileFor([server.url], { language: 'de-DE' }));
    await s.signIn(agent1);
    const icws = server.requests.filter((r) => r.path.startsWith('/icws/'));
    expect(icws.length).toBeGreaterThan(3);
    expect(new Set(icws.map((r) => r.acceptLanguage))).toEqual(new Set(['de-DE']));
    expect(server.sessions()[0]?.language).toMatch(/^de/i);
  });

  it('sends the session cookie and the CSRF header on every authenticated call [ICWS-04]', async () => {
    const server = await lab();
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    await s.setAgentState('Away from desk');
    await s.listStates();
    const calls = sessionCalls(server);
    expect(calls.length).toBeGreaterThanOrEqual(6);
    for (const call of calls) {
      expect({ path: call.path, cookie: call.hadCookie && call.cookieValid, csrf: call.hadCsrfHeader && call.csrfValid }).toEqual({ path: call.path, cookie: true, csrf: true });
    }
  });

  it("shows the server's own message when the credentials are wrong [ICWS-26]", async () => {
    const server = await lab();
    const { s, sink } = session(profileFor([server.url]));
    const error = await s.signIn({ credentials: { userName: 'agent1', password: 'wrong-password-xyz' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchbayError);
    expect((error as PatchbayError).message).toBe('The authentication process failed.');
    expect((error as PatchbayError).details.errorId).toBe('error.request.connection.authenticationFailure');
    expect(s.view.phase).toBe('failed');
    expect(s.view.lastError).toEqual({ code: 'icws.connect.rejected', message: 'The authentication process failed.', action: 'sign-in-again' });
    expect(JSON.stringify(sink.entries)).not.toContain('wrong-password-xyz');
  });

  it("shows the server's message when the I3_FEATURE_ICWS_SDK licence is missing [ICWS-26]", async () => {
    const server = await lab({ icwsSdkLicensed: false });
    const { s } = session(profileFor([server.url]));
    const error = (await s.signIn(agent1).catch((e: unknown) => e)) as PatchbayError;
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error.message).toMatch(/I3_FEATURE_ICWS_SDK license is not available/);
    expect(error.details.errorId).toBe('error.request.connection.licenseNotAvailable');
    expect(s.view.phase).toBe('failed');
    expect(s.view.lastError?.message).toBe(error.message);
    expect(server.sessions()).toEqual([]);
  });

  it('reports an unreachable server as a typed, retryable error', async () => {
    const server = await lab();
    const url = server.url;
    await server.close();
    servers.length = 0;
    const { s } = session(profileFor([url]));
    const error = (await s.signIn(agent1).catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('net.unreachable');
    expect(error.action).toBe('retry');
    expect(s.view.phase).toBe('failed');
  });

  it('walks the 503 alternate host list in order and stays on the host that accepted [ICWS-06, ICWS-07]', async () => {
    const first = await lab();
    const port = first.port;
    const second = await lab({ host: '127.0.0.2', port });
    first.setAcceptingConnections(false, ['127.0.0.3', '127.0.0.2']);
    const { s } = session(profileFor([first.url]));
    await s.signIn(agent1);
    expect(s.view.server).toBe(`http://127.0.0.2:${port}`);
    await s.setAgentState('Away from desk');
    // Nothing after the connection went to the first server.
    expect(first.requests.filter((r) => r.method !== 'POST' || r.path !== '/icws/connection')).toEqual([]);
    expect(sessionCalls(second).length).toBeGreaterThan(3);
  });

  it("tries a 503's alternate hosts next, before the profile's remaining servers [ICWS-06]", async () => {
    const first = await lab();
    const port = first.port;
    const alternate = await lab({ host: '127.0.0.3', port });
    const remaining = await lab();
    first.setAcceptingConnections(false, ['127.0.0.3']);
    const { s } = session(profileFor([first.url, remaining.url]));
    await s.signIn(agent1);
    expect(s.view.server).toBe(`http://127.0.0.3:${port}`);
    // The profile's second server was never asked: the listed host came first (issue 9 item 2).
    expect(remaining.requests.filter((r) => r.path === '/icws/connection')).toEqual([]);
    expect(alternate.sessions()).toHaveLength(1);
  });
});

describe('ICWS agent status', () => {
  it('sets a status the user may pick and shows it [ICWS-04]', async () => {
    const server = await lab();
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    await s.setAgentState('Away from desk');
    expect(server.userStatus('agent1')?.statusId).toBe('Away from desk');
    expect(s.view.agent).toMatchObject({ stateId: 'Away from desk', kind: 'not-ready', label: 'Away from desk' });
  });

  it('keeps the session and shows the server message when a status is refused', async () => {
    const server = await lab();
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    const error = (await s.setAgentState('No Such Status').catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('icws.set-status.rejected');
    expect(error.message.length).toBeGreaterThan(0);
    expect(s.view.phase).toBe('active');
    expect(s.view.lastError?.code).toBe('icws.set-status.rejected');
  });

  it("receives a supervisor's change over server-sent events [ICWS-15]", async () => {
    const server = await lab({ messagingVersion: 2 });
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    expect(s.view.connection?.transport).toBe('sse');
    await waitFor(() => server.sessions()[0]?.sseOpen, 'the SSE stream to open');
    server.setUserStatus('agent1', 'At Lunch', 'supervisor1');
    await waitFor(() => s.view.agent?.stateId === 'At Lunch', 'the pushed status');
    expect(s.view.connection?.lastEventAt).toBeDefined();
    // SSE, not polling: no JSON GET of the messages resource.
    expect(server.requests.filter((r) => r.path.endsWith('/messaging/messages') && !(r.accept ?? '').includes('text/event-stream'))).toEqual([]);
  });

  it("receives a supervisor's change by short polling when messaging is below 2 [ICWS-15]", async () => {
    const server = await lab({ messagingVersion: 1 });
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    expect(s.view.connection?.transport).toBe('polling');
    server.setUserStatus('agent1', 'In a Meeting', 'supervisor1');
    await waitFor(() => s.view.agent?.stateId === 'In a Meeting', 'the polled status');
    expect(server.requests.filter((r) => r.path.endsWith('/messaging/messages')).length).toBeGreaterThanOrEqual(1);
  });
});

describe('ICWS connection loss and sign-out', () => {
  it('shows the reason of a connectionStateChangeMessage [ICWS-18]', async () => {
    const server = await lab({ messagingVersion: 2 });
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    await waitFor(() => server.sessions()[0]?.sseOpen, 'the SSE stream to open');
    const sid = server.sessions()[0]!.sessionId;
    server.killSession(sid, { reason: 'You were logged on from another location.', shouldReconnect: false });
    await waitFor(() => s.view.phase === 'failed', 'the session to fail');
    expect(s.view.lastError).toMatchObject({ code: 'icws.connection.lost', message: 'You were logged on from another location.', action: 'contact-it' });
  });

  it('does not reconnect when the server leaves shouldReconnect out, by message or GET connection [ICWS-19]', async () => {
    for (const messagingVersion of [2, 1] as const) {
      const server = await lab({ messagingVersion });
      const { s } = session(profileFor([server.url]));
      await s.signIn(agent1);
      if (messagingVersion === 2) await waitFor(() => server.sessions()[0]?.sseOpen, 'the SSE stream to open');
      const phases: string[] = [];
      s.onView((v) => phases.push(v.phase));
      server.killSession(server.sessions()[0]!.sessionId, { reason: 'Ended by the administrator.' });
      await waitFor(() => s.view.phase === 'failed' || s.view.phase === 'reconnecting', 'the session to end');
      expect(phases).not.toContain('reconnecting');
      expect(s.view.lastError).toMatchObject({ code: 'icws.connection.lost', message: 'Ended by the administrator.', action: 'sign-in-again' });
      expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/icws/connection')).toHaveLength(1);
    }
  });

  it('after a 401 reads the reason from GET connection [ICWS-17]', async () => {
    const server = await lab({ messagingVersion: 1 });
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    const sid = server.sessions()[0]!.sessionId;
    server.killSession(sid, { reason: 'The server is switching over.', shouldReconnect: false });
    await waitFor(() => s.view.phase === 'failed', 'the session to fail');
    expect(s.view.lastError).toMatchObject({ message: 'The server is switching over.', action: 'contact-it' });
    expect(server.requests.some((r) => r.method === 'GET' && r.path === `/icws/${sid}/connection`)).toBe(true);
  });

  it('signs out with DELETE connection and ends the server session', async () => {
    const server = await lab();
    const { s } = session(profileFor([server.url]));
    await s.signIn(agent1);
    const sid = server.sessions()[0]!.sessionId;
    await s.signOut();
    expect(s.view.phase).toBe('signed-out');
    const del = server.requests.find((r) => r.method === 'DELETE' && r.path === `/icws/${sid}/connection`);
    expect(del?.status).toBe(204);
    expect(server.sessions().filter((x) => x.connectionState === 1)).toEqual([]);
  });
});

describe('ICWS reconnect and heartbeat (time scaled)', () => {
  it('reconnects to the backup after a switchover, with the status intact [ICWS-05, ICWS-19, ICWS-21]', async () => {
    const primary = await lab({ messagingVersion: 2, alternateHostList: ['127.0.0.2'] });
    const backup = await lab({ host: '127.0.0.2', port: primary.port, messagingVersion: 2, alternateHostList: ['127.0.0.1'] });
    // 200x: the seed's 15–25 s interval takes 75–125 ms.
    const { s } = session(profileFor([primary.url]), new ScaledClock(200));
    await s.signIn(agent1);
    await s.setAgentState('Away from desk');
    await waitFor(() => primary.sessions()[0]?.sseOpen, 'the SSE stream to open');
    // The switchover: the primary stops accepting and drops its sessions, allowing a reconnect.
    primary.setAcceptingConnections(false, ['127.0.0.2']);
    primary.killSession(primary.sessions()[0]!.sessionId, { reason: 'A switchover is in progress.', shouldReconnect: true });
    await waitFor(() => s.view.phase === 'reconnecting', 'reconnecting');
    expect(s.view.lastError?.message).toBe('A switchover is in progress.');
    expect(s.view.connection?.nextAttemptAt).toBeDefined();
    expect(s.view.connection?.nextHost).toBe(`127.0.0.2:${primary.port}`);
    await waitFor(() => s.view.phase === 'active', 'active again', 15_000);
    expect(s.view.server).toBe(`http://127.0.0.2:${primary.port}`);
    // The backup shares no state with the primary in the lab: the status shown is the server's.
    expect(s.view.agent?.stateId).toBe(backup.userStatus('agent1')?.statusId);
    // Re-subscribed on the new session: a supervisor change on the backup arrives.
    await waitFor(() => backup.sessions()[0]?.sseOpen, 'the SSE stream on the backup');
    backup.setUserStatus('agent1', 'At Lunch', 'supervisor1');
    await waitFor(() => s.view.agent?.stateId === 'At Lunch', 'the pushed status on the backup');
  });

  it('during a reconnect follows a 503\'s new host, and stops at its 400 instead of retrying for ever [ICWS-20, ICWS-21]', async () => {
    const primary = await lab({ messagingVersion: 2 });
    // A host the 503 names, which does not know the agent: 400 with the server's message.
    const refusing = await lab({ host: '127.0.0.3', port: primary.port, messagingVersion: 2, users: [] });
    const { s } = session(profileFor([primary.url]), new ScaledClock(200));
    await s.signIn(agent1);
    await waitFor(() => primary.sessions()[0]?.sseOpen, 'the SSE stream to open');
    primary.setAcceptingConnections(false, ['127.0.0.3']);
    primary.killSession(primary.sessions()[0]!.sessionId, { reason: 'A switchover is in progress.', shouldReconnect: true });
    await waitFor(() => s.view.phase === 'failed', 'the reconnect to stop at the 400', 15_000);
    expect(s.view.lastError?.message).toBe('The authentication process failed.');
    const posts = (server: IcwsLabServer) => server.requests.filter((r) => r.method === 'POST' && r.path === '/icws/connection').length;
    expect(posts(refusing)).toBe(1);
    expect(posts(primary)).toBe(2);
  });

  it('does not reconnect when the server says not to [ICWS-19]', async () => {
    const server = await lab({ messagingVersion: 2, alternateHostList: ['127.0.0.1'] });
    const { s } = session(profileFor([server.url]), new ScaledClock(200));
    await s.signIn(agent1);
    await waitFor(() => server.sessions()[0]?.sseOpen, 'the SSE stream to open');
    server.killSession(server.sessions()[0]!.sessionId, { reason: 'Your account was logged on elsewhere.', shouldReconnect: false });
    await waitFor(() => s.view.phase === 'failed', 'failed');
    await new Promise((r) => setTimeout(r, 300)); // > 2 scaled reconnect intervals
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/icws/connection')).toHaveLength(1);
  });

  it('sends heartbeats on the heartbeat option so the session outlives the inactivity timeout [ICWS-16]', async () => {
    const server = await lab({ messagingVersion: 2, inactivityTimeoutMs: 1_500 });
    // 100x: the 90 s heartbeat period takes 0.9 s; the lab's 1.5 s timeout would end a silent session.
    const { s } = session(profileFor([server.url], { options: { messaging: 'auto', heartbeat: true, pollIntervalMs: 1000, connectionMode: 'direct', rememberPassword: false } }), new ScaledClock(100));
    await s.signIn(agent1);
    await waitFor(() => server.sessions()[0]?.sseOpen, 'the SSE stream to open');
    expect(server.sessions()[0]?.heartbeatMode).toBe(true);
    await new Promise((r) => setTimeout(r, 3_500));
    const beats = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messaging/heartbeat'));
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.every((b) => b.status === 204 && b.csrfValid && b.cookieValid)).toBe(true);
    // Spacing on the lab's request log, in scaled seconds: an idle session beats about every 90 s,
    // never every few seconds (timers never fire early; only a floor, so a busy machine cannot flake it).
    const gaps = beats.slice(1).map((b, i) => ((Date.parse(b.time) - Date.parse(beats[i]!.time)) * 100) / 1000);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(60);
    expect(s.view.phase).toBe('active');
    expect(server.sessions()[0]?.connectionState).toBe(1);
  });
});

describe('ICWS sign-in options', () => {
  it('asks server-info with its SSO capabilities and lists the identity providers [ICWS-08]', async () => {
    const server = await lab();
    const { s } = session(profileFor([server.url], { authMode: 'sso' }));
    const options = await s.signInOptions();
    const asked = server.requests.find((r) => r.path === '/icws/connection/server-info');
    expect(asked?.query).toContain('singleSignOnCapabilities=saml2Post,saml2Redirect');
    expect(options.identityProviders.length).toBeGreaterThan(0);
    expect(options.credentialsForm).toBe(false);
  });

  it('does not offer the user-name/password form when the server disallows icAuth [ICWS-09]', async () => {
    const server = await lab({ allowIcAuth: false });
    const { s } = session(profileFor([server.url]));
    const options = await s.signInOptions();
    expect(options.credentialsForm).toBe(false);
    expect(options.identityProviders.length).toBeGreaterThan(0);
    expect(options.note).toMatch(/single sign-on only/);
  });

  it('offers the password form for a password profile on a server that allows it', async () => {
    const server = await lab();
    const { s } = session(profileFor([server.url]));
    expect(await s.signInOptions()).toMatchObject({ credentialsForm: true, userNameRequired: true, identityProviders: [] });
  });
});
