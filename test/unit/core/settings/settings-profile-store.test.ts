import { describe, expect, it } from 'vitest';
import { ProfileSchema, type Profile } from '../../../../preload/contract.ts';
import { parsePolicy } from '../../../../main/core/settings/policy.ts';
import { defaultSettings, type Settings } from '../../../../main/core/settings/schema.ts';
import { policyProfiles, SettingsProfileStore } from '../../../../main/core/settings/settings-profile-store.ts';
import type { SettingsStore } from '../../../../main/core/settings/settings-store.ts';
import { LayeredProfileStore } from '../../../../main/core/sessions/layered-profile-store.ts';

function memorySettings(initial: Settings = defaultSettings()): SettingsStore & { writes: number } {
  let current = structuredClone(initial);
  const store = {
    path: '/virtual/settings.json',
    writes: 0,
    get: () => structuredClone(current),
    update: async (change: (s: Settings) => Settings) => {
      current = change(structuredClone(current));
      store.writes += 1;
      return structuredClone(current);
    },
  };
  return store;
}

const mine: Profile = ProfileSchema.parse({ id: 'mine', name: 'Mine', platform: 'icws', servers: ['https://ic1.corp.example.com:8019'], authMode: 'sso' });

const policyText = JSON.stringify({
  profiles: [{ ...mine, id: 'corp', name: 'Corp' }],
  profileDefaults: { servers: ['https://ic1.corp.example.com:8019'], authMode: 'sso' },
  lockedProfileFields: ['servers', 'authMode'],
});

describe('SettingsProfileStore', () => {
  it('saves, lists and removes the agent profiles in the settings file', async () => {
    const settings = memorySettings();
    const store = new SettingsProfileStore(settings);
    await store.save(mine);
    expect(settings.get().profiles).toEqual([mine]);
    expect(await store.get('mine')).toEqual(mine);
    expect(await store.remove('mine')).toBe(true);
    expect(await store.remove('mine')).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('refuses a profile that changes a field IT locked, naming the field', async () => {
    const { policy } = parsePolicy(policyText);
    const store = new SettingsProfileStore(memorySettings(), policy);
    await expect(store.save(mine)).resolves.toEqual(mine);
    const error = await store.save({ ...mine, servers: ['https://rogue.example.com'], authMode: 'password' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'profiles.locked-field', message: 'servers, authMode are set by your IT department and cannot be changed.' });
  });

  it('reads locked fields as the IT value even from a profile saved before the policy', async () => {
    const { policy } = parsePolicy(policyText);
    const settings = memorySettings({ ...defaultSettings(), profiles: [{ ...mine, servers: ['https://old.example.com'], authMode: 'password' }] });
    const store = new SettingsProfileStore(settings, policy);
    expect(await store.get('mine')).toMatchObject({ servers: ['https://ic1.corp.example.com:8019'], authMode: 'sso' });
  });

  it('refuses new profiles when IT does not allow the agent own profiles', async () => {
    const { policy } = parsePolicy('{"allowUserProfiles": false}');
    const store = new SettingsProfileStore(memorySettings(), policy);
    await expect(store.save(mine)).rejects.toMatchObject({ code: 'profiles.not-allowed' });
  });

  it('shows IT profiles read-only through LayeredProfileStore', async () => {
    const { policy } = parsePolicy(policyText);
    const layered = new LayeredProfileStore(policyProfiles(policy), new SettingsProfileStore(memorySettings(), policy));
    await layered.save(mine);
    expect((await layered.list()).map((p) => p.id)).toEqual(['corp', 'mine']);
    await expect(layered.save({ ...mine, id: 'corp' })).rejects.toMatchObject({ code: 'profiles.read-only' });
    await expect(layered.remove('corp')).rejects.toMatchObject({ code: 'profiles.read-only' });
  });
});
