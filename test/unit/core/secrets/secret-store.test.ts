import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { KeytarSecretStore, type KeytarLike } from '../../../../main/core/secrets/keytar-secret-store.ts';
import { keychainServiceFromEnv, openSecretStore } from '../../../../main/core/secrets/open-secret-store.ts';
import { deleteProfileSecrets, MemorySecretStore, profileSecrets, SECRET_SERVICE, secretAccount } from '../../../../main/core/secrets/secret-store.ts';

const TOKEN = 'rt-4f1c9a77-secret-value';

function fakeKeytar(failWith?: string): KeytarLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const fail = () => {
    if (failWith) throw new Error(failWith);
  };
  return {
    entries,
    async getPassword(service, account) {
      fail();
      return entries.get(`${service}/${account}`) ?? null;
    },
    async setPassword(service, account, password) {
      fail();
      entries.set(`${service}/${account}`, password);
    },
    async deletePassword(service, account) {
      fail();
      return entries.delete(`${service}/${account}`);
    },
  };
}

describe('MemorySecretStore', () => {
  it('keeps one value per profile and kind and deletes it', async () => {
    const store = new MemorySecretStore();
    await store.set('p1', 'refresh-token', TOKEN);
    await store.set('p1', 'password', 'pw');
    await store.set('p2', 'refresh-token', 'other');
    expect(await store.get('p1', 'refresh-token')).toBe(TOKEN);
    expect(await store.delete('p1', 'refresh-token')).toBe(true);
    expect(await store.get('p1', 'refresh-token')).toBeUndefined();
    expect(await store.delete('p1', 'refresh-token')).toBe(false);
    expect(await deleteProfileSecrets(store, 'p1')).toBe(true);
    expect(store.size).toBe(1);
    expect(await store.get('p2', 'refresh-token')).toBe('other');
  });
});

describe('profileSecrets', () => {
  it('stores refresh tokens and ignores passwords when only refresh tokens are allowed [CARD-02]', async () => {
    const store = new MemorySecretStore();
    const view = profileSecrets(store, 'p1');
    await view.set('refresh-token', TOKEN);
    await view.set('password', 'pw');
    expect(await store.get('p1', 'refresh-token')).toBe(TOKEN);
    expect(await store.get('p1', 'password')).toBeUndefined();
    expect(view.allows('password')).toBe(false);
  });

  it('stores a password when the policy and profile allow remembering it', async () => {
    const store = new MemorySecretStore();
    const view = profileSecrets(store, 'p1', { allow: ['refresh-token', 'password'] });
    await view.set('password', 'pw');
    expect(await view.get('password')).toBe('pw');
  });
});

describe('KeytarSecretStore', () => {
  it('uses service Patchbay and account <profileId>:<kind>', async () => {
    const keytar = fakeKeytar();
    const store = new KeytarSecretStore(keytar);
    await store.set('site-a', 'refresh-token', TOKEN);
    expect(SECRET_SERVICE).toBe('Patchbay');
    expect(secretAccount('site-a', 'refresh-token')).toBe('site-a:refresh-token');
    expect([...keytar.entries.keys()]).toEqual(['Patchbay/site-a:refresh-token']);
    expect(await store.get('site-a', 'refresh-token')).toBe(TOKEN);
    expect(await store.get('site-a', 'password')).toBeUndefined();
    expect(await store.delete('site-a', 'refresh-token')).toBe(true);
  });

  it('turns a keychain failure into secrets.keychain-failed without the secret in the message', async () => {
    const store = new KeytarSecretStore(fakeKeytar('Cannot create an item in a locked collection'));
    const error = await store.set('p', 'refresh-token', TOKEN).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'secrets.keychain-failed' });
    expect((error as Error).message).toMatch(/locked/);
    expect((error as Error).message).not.toContain(TOKEN);
  });
});

describe('openSecretStore', () => {
  const log = () => {
    const sink = memorySink();
    return { sink, log: createLogger({ sink, level: 'debug' }) };
  };

  it('uses the keychain when a probe write, read and delete succeed', async () => {
    const keytar = fakeKeytar();
    const { log: logger } = log();
    const opened = await openSecretStore({ log: logger, load: async () => keytar });
    expect(opened.store.backend).toBe('keychain');
    expect(opened.warning).toBeUndefined();
    expect(keytar.entries.size).toBe(0); // the probe cleaned up
  });

  it('two processes opening one keychain at once both get it (each probes its own entry)', async () => {
    const keytar = fakeKeytar();
    // Interleave: both write their probe before either reads it back.
    const slow: KeytarLike = {
      ...keytar,
      async setPassword(service, account, password) {
        await keytar.setPassword(service, account, password);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
    const [a, b] = await Promise.all([openSecretStore({ log: log().log, load: async () => slow }), openSecretStore({ log: log().log, load: async () => slow })]);
    expect([a.store.backend, b.store.backend]).toEqual(['keychain', 'keychain']);
    expect(keytar.entries.size).toBe(0);
  });

  it('a keychain service of its own from PATCHBAY_KEYCHAIN_SERVICE, never in a packaged app, never a strange name', async () => {
    expect(keychainServiceFromEnv({ PATCHBAY_KEYCHAIN_SERVICE: 'Patchbay e2e (w1)' }, false)).toBe('Patchbay e2e (w1)');
    expect(keychainServiceFromEnv({ PATCHBAY_KEYCHAIN_SERVICE: 'Patchbay e2e (w1)' }, true)).toBeUndefined();
    expect(keychainServiceFromEnv({}, false)).toBeUndefined();
    expect(keychainServiceFromEnv({ PATCHBAY_KEYCHAIN_SERVICE: '' }, false)).toBeUndefined();
    expect(keychainServiceFromEnv({ PATCHBAY_KEYCHAIN_SERVICE: 'a/b' }, false)).toBeUndefined();
    expect(keychainServiceFromEnv({ PATCHBAY_KEYCHAIN_SERVICE: 'x'.repeat(65) }, false)).toBeUndefined();
    const keytar = fakeKeytar();
    const opened = await openSecretStore({ log: log().log, load: async () => keytar, service: 'Patchbay e2e' });
    await opened.store.set('p1', 'refresh-token', TOKEN);
    expect([...keytar.entries.keys()]).toEqual([`Patchbay e2e/${secretAccount('p1', 'refresh-token')}`]);
  });

  it('degrades to memory with one warning when the collection is locked [CARD-02]', async () => {
    const { log: logger, sink } = log();
    const opened = await openSecretStore({ log: logger, load: async () => fakeKeytar('Cannot create an item in a locked collection') });
    expect(opened.store.backend).toBe('memory');
    expect(opened.warning).toMatchObject({ level: 'warning' });
    expect(opened.warning?.message).toMatch(/keychain is locked/);
    expect(opened.warning?.message).toMatch(/sign in again after Patchbay restarts/);
    expect(sink.entries.filter((e) => e.event === 'secrets.keychain-unavailable')).toHaveLength(1);
  });

  it('degrades to memory when there is no D-Bus session (no Secret Service)', async () => {
    const { log: logger } = log();
    const opened = await openSecretStore({ log: logger, load: async () => fakeKeytar('Cannot autolaunch D-Bus without X11 $DISPLAY') });
    expect(opened.store.backend).toBe('memory');
    expect(opened.warning?.message).toMatch(/no Secret Service is running/);
  });

  it('degrades to memory when keytar cannot be loaded', async () => {
    const { log: logger } = log();
    const opened = await openSecretStore({
      log: logger,
      load: async () => {
        throw Object.assign(new Error("Cannot find module 'keytar.node'"), { code: 'ERR_MODULE_NOT_FOUND' });
      },
    });
    expect(opened.store.backend).toBe('memory');
    expect(opened.warning?.message).toMatch(/could not be loaded/);
  });

  it('degrades to memory when the keychain never answers (an unlock prompt nobody sees)', async () => {
    const clock = new FakeClock();
    const hanging: KeytarLike = { getPassword: () => new Promise(() => {}), setPassword: () => new Promise(() => {}), deletePassword: async () => false };
    const { log: logger } = log();
    const opening = openSecretStore({ log: logger, load: async () => hanging, clock, timeoutMs: 1_000 });
    await clock.advance(1_000);
    const opened = await opening;
    expect(opened.store.backend).toBe('memory');
    expect(opened.warning?.message).toMatch(/did not answer in time/);
  });
});
