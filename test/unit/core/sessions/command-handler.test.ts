import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { Listeners, type PlatformSession, type SessionView } from '../../../../main/core/platforms/platform.ts';
import { createCommandHandler } from '../../../../main/core/sessions/command-handler.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';

const profile = { id: 'lab-a', name: 'Lab A', platform: 'icws' as const, servers: ['http://127.0.0.1:1'], authMode: 'password' as const, language: 'en-US', applicationName: 'Patchbay', options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false } };

/** A scripted adapter: the unit under test is the manager + handler, not a platform. */
function scripted(outcome: 'active' | 'reject'): PlatformSession {
  const listeners = new Listeners<SessionView>();
  let view: SessionView = { phase: 'signed-out', selectableStates: [] };
  const set = (next: SessionView) => {
    view = next;
    listeners.emit(view);
  };
  return {
    get view() {
      return view;
    },
    async signInOptions() {
      return { credentialsForm: true, identityProviders: [], userNameRequired: true, extensionRequired: false };
    },
    async signIn() {
      set({ phase: 'signing-in', selectableStates: [] });
      if (outcome === 'reject') {
        const error = new PatchbayError('icws.connect.rejected', 'The authentication process failed.', { action: 'sign-in-again' });
        set({ phase: 'failed', selectableStates: [], lastError: error.toContract() });
        throw error;
      }
      set({ phase: 'active', selectableStates: [{ id: 'Available', label: 'Available', kind: 'ready', reasons: [], reasonRequired: false }] });
    },
    async signOut() {
      set({ phase: 'signed-out', selectableStates: [] });
    },
    cancel() {},
    async listStates() {
      return view.selectableStates;
    },
    async setAgentState(stateId: string) {
      set({ ...view, agent: { kind: 'ready', stateId, label: stateId } });
    },
    onView: (l) => listeners.add(l),
    dispose() {},
  };
}

function setup(outcome: 'active' | 'reject' = 'active') {
  const sink = memorySink();
  const log = createLogger({ sink });
  const manager = new SessionManager({ profiles: new MemoryProfileStore([profile]), factories: { icws: () => scripted(outcome) }, log, clock: new FakeClock() });
  return { manager, handler: createCommandHandler(manager, log), sink };
}

describe('command handler', () => {
  it('answers an unknown command with a typed error instead of throwing', async () => {
    const { handler } = setup();
    expect(await handler('fs.readFile', {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'contract.unknown-command' }) });
    expect(await handler('__proto__', {})).toMatchObject({ ok: false, error: { code: 'contract.unknown-command' } });
  });

  it('answers invalid arguments with a typed error naming the field', async () => {
    const { handler } = setup();
    const result = await handler('agent.setState', { profileId: 'lab-a', stateId: 42 });
    expect(result).toMatchObject({ ok: false, error: { code: 'contract.invalid-arguments', action: 'none' } });
    if (!result.ok) expect(result.error.message).toMatch(/stateId/);
    expect(await handler('session.signIn', { profileId: 'lab-a', extra: true })).toMatchObject({ ok: false, error: { code: 'contract.invalid-arguments' } });
  });

  it('never echoes a password in an invalid-arguments error', async () => {
    const { handler, sink } = setup();
    const result = await handler('session.signIn', { profileId: 'lab-a', credentials: { userName: 'a', password: 'hunter2-secret', more: 1 } });
    expect(JSON.stringify(result)).not.toContain('hunter2-secret');
    expect(JSON.stringify(sink.entries)).not.toContain('hunter2-secret');
  });

  it('publishes snapshots with increasing seq and returns the active state', async () => {
    const { handler, manager } = setup();
    const seen: number[] = [];
    manager.stateEvents.add((s) => seen.push(s.seq));
    const result = await handler('session.signIn', { profileId: 'lab-a', credentials: { userName: 'agent1', password: 'pw' } });
    expect(result).toMatchObject({ ok: true, value: { phase: 'active', profileId: 'lab-a', platform: 'icws' } });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('turns a rejected sign-in into the server message with its action', async () => {
    const { handler, manager } = setup('reject');
    const result = await handler('session.signIn', { profileId: 'lab-a', credentials: { userName: 'agent1', password: 'bad' } });
    expect(result).toEqual({ ok: false, error: { code: 'icws.connect.rejected', message: 'The authentication process failed.', action: 'sign-in-again' } });
    expect(manager.snapshot('lab-a')?.phase).toBe('failed');
  });

  it('refuses agent commands before sign-in', async () => {
    const { handler } = setup();
    expect(await handler('agent.setState', { profileId: 'lab-a', stateId: 'Available' })).toMatchObject({ ok: false, error: { code: 'session.not-active', action: 'sign-in-again' } });
  });

  it('reports an unknown profile', async () => {
    const { handler } = setup();
    expect(await handler('session.signIn', { profileId: 'nope' })).toMatchObject({ ok: false, error: { code: 'profiles.not-found' } });
  });
});

describe('session.retryNow (issue 13 item 2)', () => {
  function reconnectingSession(retry: (() => boolean) | undefined): PlatformSession {
    const base = scripted('active');
    let reconnecting = false;
    const session: PlatformSession = {
      get view(): SessionView {
        return reconnecting ? { ...base.view, phase: 'reconnecting' } : base.view;
      },
      signInOptions: (hint) => base.signInOptions(hint),
      async signIn(input) {
        await base.signIn(input);
        reconnecting = true;
      },
      signOut: () => base.signOut(),
      cancel: () => base.cancel(),
      listStates: () => base.listStates(),
      setAgentState: (id, reason) => base.setAgentState(id, reason),
      onView: (l) => base.onView(l),
      dispose: () => base.dispose(),
    };
    if (retry) session.retryNow = retry;
    return session;
  }

  function managerWith(session: PlatformSession) {
    const log = createLogger({ sink: memorySink() });
    const manager = new SessionManager({ profiles: new MemoryProfileStore([profile]), factories: { icws: () => session }, log, clock: new FakeClock() });
    return createCommandHandler(manager, log);
  }

  it('is refused while not reconnecting, refused where the platform owns the schedule, and brings the attempt forward otherwise', async () => {
    let calls = 0;
    const withRetry = managerWith(reconnectingSession(() => (calls++, true)));
    expect(await withRetry('session.retryNow', { profileId: 'lab-a' })).toMatchObject({ ok: false, error: { code: 'session.not-reconnecting' } });
    await withRetry('session.signIn', { profileId: 'lab-a', credentials: { userName: 'a', password: 'p' } });
    expect(await withRetry('session.retryNow', { profileId: 'lab-a' })).toMatchObject({ ok: true });
    expect(calls).toBe(1);

    const withoutRetry = managerWith(reconnectingSession(undefined));
    await withoutRetry('session.signIn', { profileId: 'lab-a', credentials: { userName: 'a', password: 'p' } });
    expect(await withoutRetry('session.retryNow', { profileId: 'lab-a' })).toMatchObject({ ok: false, error: { code: 'session.retry-not-allowed' } });
  });
});

describe('call.act (issue 13 item 9)', () => {
  function managerWith(session: PlatformSession) {
    const log = createLogger({ sink: memorySink() });
    const manager = new SessionManager({ profiles: new MemoryProfileStore([profile]), factories: { icws: () => session }, log, clock: new FakeClock() });
    return createCommandHandler(manager, log);
  }

  it('is a typed error when signed out or where the platform has no call control, and passes the call and action through otherwise', async () => {
    const plain = managerWith(scripted('active'));
    expect(await plain('call.act', { profileId: 'lab-a', callId: 'D1', action: 'answer' })).toMatchObject({ ok: false, error: { code: 'session.not-active' } });
    await plain('session.signIn', { profileId: 'lab-a', credentials: { userName: 'a', password: 'p' } });
    expect(await plain('call.act', { profileId: 'lab-a', callId: 'D1', action: 'answer' })).toMatchObject({ ok: false, error: { code: 'call.not-supported' } });
    expect(await plain('call.act', { profileId: 'lab-a', callId: 'D1', action: 'transfer' } as never)).toMatchObject({ ok: false });

    const seen: string[] = [];
    const withCalls = scripted('active');
    withCalls.actOnCall = async (callId, action) => {
      seen.push(`${callId}:${action}`);
    };
    const handler = managerWith(withCalls);
    await handler('session.signIn', { profileId: 'lab-a', credentials: { userName: 'a', password: 'p' } });
    expect(await handler('call.act', { profileId: 'lab-a', callId: 'D1', action: 'hold' })).toMatchObject({ ok: true, value: { profileId: 'lab-a', phase: 'active' } });
    expect(seen).toEqual(['D1:hold']);
  });
});
