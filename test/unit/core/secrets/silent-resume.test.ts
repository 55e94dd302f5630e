// SessionManager's secrets hooks (CARD-02): refresh tokens stored through PlatformContext.secrets,
// deleted on sign-out and profile removal, and silent resume at launch through resumeAll().
import { describe, expect, it } from 'vitest';
import { ProfileSchema, type Notice, type Profile } from '../../../../preload/contract.ts';
import { FakeClock } from '../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { nullLogger } from '../../../../main/core/log.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSession, type PlatformSessionFactory, type SessionView } from '../../../../main/core/platforms/platform.ts';
import { MemorySecretStore } from '../../../../main/core/secrets/secret-store.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';

const profile = (id: string): Profile => ProfileSchema.parse({ id, name: `Site ${id}`, platform: 'finesse', servers: ['https://finesse.example.com'], authMode: 'sso' });

type ResumeBehaviour = 'ok' | 'expired' | 'rejected' | 'unreachable' | 'none';

/** A stand-in adapter: signIn saves a refresh token, resume() uses it as told. */
function fakeFactory(behaviour: ResumeBehaviour, seen: { contexts: PlatformContext[]; resumedWith: (string | undefined)[] }): PlatformSessionFactory {
  return (context) => {
    seen.contexts.push(context);
    const views = new Listeners<SessionView>();
    let view: SessionView = SIGNED_OUT_VIEW;
    const set = (next: SessionView) => {
      view = next;
      views.emit(next);
    };
    const active: SessionView = { phase: 'active', selectableStates: [], server: 'https://finesse.example.com' };
    const session: PlatformSession = {
      get view() {
        return view;
      },
      signInOptions: async () => ({ credentialsForm: false, identityProviders: [], userNameRequired: false, extensionRequired: false }),
      signIn: async () => {
        set({ ...view, phase: 'signing-in' });
        await context.secrets?.set('refresh-token', `rt-for-${context.profile.id}`);
        set(active);
      },
      signOut: async () => set(SIGNED_OUT_VIEW),
      cancel: () => undefined,
      listStates: async () => [],
      setAgentState: async () => undefined,
      onView: (listener) => views.add(listener),
      dispose: () => undefined,
    };
    if (behaviour === 'none') return session;
    session.resume = async () => {
      const token = await context.secrets?.get('refresh-token');
      seen.resumedWith.push(token);
      set({ ...view, phase: 'signing-in' });
      if (behaviour === 'ok') {
        set(active);
        return true;
      }
      if (behaviour === 'expired') {
        set({ phase: 'failed', selectableStates: [], lastError: { code: 'finesse.token-expired', message: 'The refresh token has expired.', action: 'sign-in-again' } });
        return false;
      }
      if (behaviour === 'rejected') throw new PatchbayError('finesse.refresh-rejected', 'The server refused the saved sign-in.', { action: 'sign-in-again' });
      throw new PatchbayError('net.unreachable', 'Cannot reach finesse.example.com:443: connection refused.', { action: 'retry' });
    };
    return session;
  };
}

function setup(behaviour: ResumeBehaviour, secrets = new MemorySecretStore(), profiles = [profile('a')]) {
  const seen = { contexts: [] as PlatformContext[], resumedWith: [] as (string | undefined)[] };
  const manager = new SessionManager({
    profiles: new MemoryProfileStore(profiles),
    factories: { finesse: fakeFactory(behaviour, seen) },
    log: nullLogger,
    clock: new FakeClock(),
    secrets,
  });
  const notices: Notice[] = [];
  manager.notices.add((n) => notices.push(n));
  return { manager, secrets, seen, notices };
}

describe('SessionManager secrets [CARD-02]', () => {
  it('hands the adapter a per-profile secrets view that stores its refresh token in the store', async () => {
    const { manager, secrets, seen } = setup('ok');
    await manager.signIn('a');
    expect(seen.contexts[0]?.secrets).toBeDefined();
    expect(await secrets.get('a', 'refresh-token')).toBe('rt-for-a');
  });

  it('deletes the profile secrets on sign-out', async () => {
    const { manager, secrets } = setup('ok');
    await manager.signIn('a');
    await secrets.set('a', 'password', 'remembered');
    await manager.signOut('a');
    expect(await secrets.get('a', 'refresh-token')).toBeUndefined();
    expect(await secrets.get('a', 'password')).toBeUndefined();
  });

  it('deletes the profile secrets when the profile is removed ("forget this profile")', async () => {
    const { manager, secrets } = setup('ok');
    await manager.signIn('a');
    expect(await manager.removeProfile('a')).toBe(true);
    expect(secrets.size).toBe(0);
  });

  it('keeps the refresh token when the app quits without signing out, and resumes with it at the next start', async () => {
    const secrets = new MemorySecretStore();
    const first = setup('ok', secrets);
    await first.manager.signIn('a');
    await first.manager.shutdown({ signOut: false });
    expect(await secrets.get('a', 'refresh-token')).toBe('rt-for-a');

    const second = setup('ok', secrets);
    expect(await second.manager.resumeAll()).toEqual([{ profileId: 'a', outcome: 'resumed' }]);
    expect(second.seen.resumedWith).toEqual(['rt-for-a']);
    expect(second.manager.snapshot('a')?.phase).toBe('active');
    expect(second.notices).toEqual([]);
  });

  it('deletes an expired refresh token at resume and tells the agent why', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('a', 'refresh-token', 'old');
    const { manager, notices } = setup('expired', secrets);
    expect(await manager.resumeAll()).toEqual([{ profileId: 'a', outcome: 'expired', code: 'finesse.token-expired' }]);
    expect(await secrets.get('a', 'refresh-token')).toBeUndefined();
    expect(manager.snapshot('a')).toMatchObject({ phase: 'signed-out', lastError: { code: 'finesse.token-expired', action: 'sign-in-again' } });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ profileId: 'a', level: 'info' });
    expect(notices[0]?.message).toMatch(/The refresh token has expired.*sign in again/);
  });

  it('deletes a refresh token the server rejects at resume', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('a', 'refresh-token', 'revoked');
    const { manager, notices } = setup('rejected', secrets);
    expect(await manager.resumeAll()).toEqual([{ profileId: 'a', outcome: 'expired', code: 'finesse.refresh-rejected' }]);
    expect(await secrets.get('a', 'refresh-token')).toBeUndefined();
    expect(notices[0]?.message).toMatch(/server refused the saved sign-in/);
  });

  it('keeps the refresh token when the server cannot be reached at resume', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('a', 'refresh-token', 'still-good');
    const { manager, notices } = setup('unreachable', secrets);
    expect(await manager.resumeAll()).toEqual([{ profileId: 'a', outcome: 'failed', code: 'net.unreachable' }]);
    expect(await secrets.get('a', 'refresh-token')).toBe('still-good');
    expect(notices[0]).toMatchObject({ level: 'warning' });
    expect(notices[0]?.message).toMatch(/connection refused.*saved sign-in is kept/);
    expect(manager.snapshot('a')?.phase).toBe('signed-out');
  });

  it('leaves profiles alone whose platform has no resume (ICWS) or that have no token', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('a', 'refresh-token', 'x');
    const { manager } = setup('none', secrets, [profile('a'), profile('b')]);
    expect(await manager.resumeAll()).toEqual([{ profileId: 'a', outcome: 'unsupported' }]);
    expect(await secrets.get('a', 'refresh-token')).toBe('x');
  });

  it('stores no refresh token and drops a leftover one when the policy turns silent resume off', async () => {
    const secrets = new MemorySecretStore();
    const seen = { contexts: [] as PlatformContext[], resumedWith: [] as (string | undefined)[] };
    const manager = new SessionManager({
      profiles: new MemoryProfileStore([profile('a')]),
      factories: { finesse: fakeFactory('ok', seen) },
      log: nullLogger,
      secrets,
      allowSecret: () => false,
    });
    await manager.signIn('a');
    expect(await secrets.get('a', 'refresh-token')).toBeUndefined();
    await secrets.set('a', 'refresh-token', 'left-over');
    await manager.shutdown({ signOut: false });
    expect(await manager.resumeAll()).toEqual([{ profileId: 'a', outcome: 'not-allowed' }]);
    expect(await secrets.get('a', 'refresh-token')).toBeUndefined();
  });

  it('keeps start-up notices for windows that connect later', () => {
    const { manager, notices } = setup('ok');
    manager.notify({ level: 'warning', message: 'keychain unavailable' }, { sticky: true });
    manager.notify({ level: 'info', message: 'transient' });
    expect(notices).toHaveLength(2);
    expect(manager.stickyNotices()).toEqual([{ level: 'warning', message: 'keychain unavailable' }]);
  });
});
