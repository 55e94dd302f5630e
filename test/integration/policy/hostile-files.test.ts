// Issue 8 item 10 on disk and through the real start-up: a policy saved by PowerShell 5 (BOM) keeps
// its locks; a policy nested 200k levels deep is logged and marked rejected while the app starts; a
// settings file with a BOM, reserved keys or 200k levels loads (or is set aside) without a crash.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootCore, type BootedCore } from '../../../main/core/app-core.ts';
import { readProfileFile } from '../../../main/core/sessions/profile-file.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { MemorySecretStore } from '../../../main/core/secrets/secret-store.ts';
import { loadPolicy } from '../../../main/core/settings/policy.ts';
import { openSettingsStore } from '../../../main/core/settings/settings-store.ts';
import { testDataDir } from '../diagnostics/test-data.ts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const DEEP = 200_000;
const deep = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const profile = { id: 'site', name: 'Site', platform: 'icws', servers: ['https://ic1.example.com:8019'], authMode: 'password', userName: 'agent1' };
const booted: BootedCore[] = [];
afterAll(async () => {
  for (const core of booted) await core.close();
});

describe('IT policy files', () => {
  it('applies a policy saved as UTF-8 with a BOM: the locks hold (they do not fail open)', () => {
    const dir = testDataDir('policy-bom');
    const path = join(dir, 'policy.json');
    writeFileSync(path, Buffer.concat([BOM, Buffer.from(JSON.stringify({ profileDefaults: { servers: ['https://ic1.corp.example.com:8019'] }, lockedProfileFields: ['servers'], allowUserProfiles: false }))]));
    const load = loadPolicy({ path, platform: 'linux' });
    expect(load.rejected).toEqual([]);
    expect(load.policy.lockedProfileFields).toEqual(['servers']);
    expect(load.policy.allowUserProfiles).toBe(false);
  });

  it('starts the app with a 200k-level policy marked rejected, and logs why', async () => {
    const dataDir = testDataDir('policy-deep');
    const path = join(dataDir, 'policy.json');
    writeFileSync(path, `{"logLevel": "debug", "profiles": ${deep}}`);
    const core = await bootCore({
      dataDir,
      shell: 'browser-shell',
      appVersion: '0.0.0-test',
      env: { PATCHBAY_POLICY_FILE: path },
      console: memorySink(),
      openSecrets: async () => ({ store: new MemorySecretStore() }),
    });
    booted.push(core);
    expect(core.policy.rejected).toEqual([{ key: '(file)', reason: expect.stringContaining('nested more than 64 levels deep') }]);
    expect(core.policy.policy.logLevel).toBeUndefined();
    const view = await core.handler('policy.get', {});
    expect(view).toMatchObject({ ok: true, value: { rejected: [{ key: '(file)' }] } });
    const log = readFileSync(join(dataDir, 'logs', 'patchbay.log'), 'utf8');
    expect(log).toMatch(/"event":"policy\.rejected-keys".*nested more than 64 levels deep/);
  });
});

function openSettings(dir: string) {
  const sink = memorySink();
  return { ...openSettingsStore({ dir, log: createLogger({ sink, level: 'debug' }), clock: new FakeClock(Date.UTC(2026, 4, 1)) }), sink };
}

describe('settings files', () => {
  it('loads a settings file with a BOM (and conf can open it)', async () => {
    const dir = testDataDir('settings-bom');
    writeFileSync(join(dir, 'settings.json'), Buffer.concat([BOM, Buffer.from(JSON.stringify({ version: 2, profiles: [profile], logLevel: 'warn' }))]));
    const { store, notices } = openSettings(dir);
    expect(notices).toEqual([]);
    expect(store.get()).toMatchObject({ logLevel: 'warn', profiles: [{ id: 'site' }] });
    await store.update((s) => ({ ...s, logLevel: 'error' }));
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ logLevel: 'error', profiles: [{ id: 'site' }] });
  });

  it('drops and reports __proto__ / constructor keys', () => {
    const dir = testDataDir('settings-proto');
    writeFileSync(join(dir, 'settings.json'), `{"version": 2, "__proto__": {"logLevel": "debug"}, "constructor": 1, "profiles": [${JSON.stringify(profile)}]}`);
    const { store, notices } = openSettings(dir);
    expect(store.get().logLevel).toBe('info');
    expect(store.get().profiles.map((p) => p.id)).toEqual(['site']);
    expect(notices[0]?.message).toMatch(/__proto__: a reserved name \(dropped\).*constructor: a reserved name \(dropped\)/);
  });

  it('sets a 200k-level settings file aside, logs it and starts from defaults', () => {
    const dir = testDataDir('settings-deep');
    writeFileSync(join(dir, 'settings.json'), `{"version": 2, "profiles": ${deep}}`);
    const { store, notices, sink } = openSettings(dir);
    expect(store.get().profiles).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(sink.entries.some((e) => e.event === 'settings.corrupt')).toBe(true);
    expect(readdirSync(dir).some((name) => name.startsWith('settings.corrupt-'))).toBe(true);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });
});

describe('profile files', () => {
  it('reads a profile file with a BOM and refuses a 200k-level one with a typed error', async () => {
    const dir = testDataDir('profile-files');
    writeFileSync(join(dir, 'bom.json'), Buffer.concat([BOM, Buffer.from(JSON.stringify(profile))]));
    writeFileSync(join(dir, 'deep.json'), `{"id": "x", "options": ${deep}}`);
    expect((await readProfileFile(join(dir, 'bom.json'))).profile.id).toBe('site');
    await expect(readProfileFile(join(dir, 'deep.json'))).rejects.toMatchObject({ code: 'profile-file.too-deep' });
  });
});
