// The settings file on disk through conf (the same format electron-store writes): atomic writes,
// owner-only mode, migration of the foundation's profiles.json, and a corrupt file set aside.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileSchema, type Profile } from '../../../preload/contract.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { corruptBackupPath, countStoredProfiles, openSettingsStore } from '../../../main/core/settings/settings-store.ts';
import { testDataDir } from '../diagnostics/test-data.ts';

const profile: Profile = ProfileSchema.parse({ id: 'site', name: 'Site', platform: 'icws', servers: ['https://ic1.example.com:8019'], authMode: 'password', userName: 'agent1' });

function open(dir: string) {
  const sink = memorySink();
  const clock = new FakeClock(Date.UTC(2026, 4, 1, 12, 0, 0));
  return { ...openSettingsStore({ dir, log: createLogger({ sink, level: 'debug' }), clock }), sink };
}

describe('settings file', () => {
  it('starts from defaults without writing when no file exists', () => {
    const dir = testDataDir('settings-empty');
    const { store, notices } = open(dir);
    expect(store.get().profiles).toEqual([]);
    expect(notices).toEqual([]);
    expect(store.path).toBe(join(dir, 'settings.json'));
  });

  it('writes the whole document with its version, readable by the owner only (conf; electron-store shares the format) [CARD-05]', async () => {
    const dir = testDataDir('settings-write');
    const { store } = open(dir);
    await store.update((s) => ({ ...s, profiles: [profile], logLevel: 'warn' }));
    const onDisk = JSON.parse(readFileSync(store.path, 'utf8')) as Record<string, unknown>;
    expect(onDisk).toMatchObject({ version: 2, logLevel: 'warn', profiles: [profile] });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    // Atomic: no temp file left behind.
    expect(readdirSync(dir)).toEqual(['settings.json']);
    expect(open(dir).store.get().profiles).toEqual([profile]);
    expect(countStoredProfiles(dir)).toBe(1);
  });

  it('runs concurrent updates one after the other', async () => {
    const dir = testDataDir('settings-concurrent');
    const { store } = open(dir);
    await Promise.all(
      ['a', 'b', 'c'].map((id) => store.update((s) => ({ ...s, profiles: [...s.profiles, { ...profile, id }] }))),
    );
    expect(open(dir).store.get().profiles.map((p) => p.id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses an update that breaks the schema and keeps the file as it was', async () => {
    const dir = testDataDir('settings-invalid-update');
    const { store } = open(dir);
    await store.update((s) => ({ ...s, logLevel: 'error' }));
    await expect(store.update((s) => ({ ...s, logLevel: 'loud' as 'info' }))).rejects.toThrow();
    expect(open(dir).store.get().logLevel).toBe('error');
  });

  it('moves an unreadable file aside as settings.corrupt-<time>.json, reports it and loads defaults', () => {
    const dir = testDataDir('settings-corrupt');
    writeFileSync(join(dir, 'settings.json'), '{"version": 2, "profiles": [ {');
    const { store, notices, sink } = open(dir);
    const aside = corruptBackupPath(join(dir, 'settings.json'), Date.UTC(2026, 4, 1, 12, 0, 0));
    expect(aside).toBe(join(dir, 'settings.corrupt-2026-05-01T12-00-00-000Z.json'));
    expect(readFileSync(aside, 'utf8')).toBe('{"version": 2, "profiles": [ {');
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
    expect(store.get().profiles).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/could not be read.*default settings.*settings\.corrupt-2026-05-01T12-00-00-000Z\.json/);
    expect(sink.entries.some((e) => e.event === 'settings.corrupt' && e.level === 'error')).toBe(true);
  });

  it('keeps a copy of a file with invalid parts, drops only those parts and reports them', () => {
    const dir = testDataDir('settings-partial');
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ version: 2, profiles: [profile, { ...profile, id: 'x', authMode: 'magic' }], logLevel: 'warn' }));
    const { store, notices } = open(dir);
    expect(store.get().profiles.map((p) => p.id)).toEqual(['site']);
    expect(store.get().logLevel).toBe('warn');
    expect(notices[0]?.message).toMatch(/profiles\[1\] \(x\): authMode/);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
    // The repaired document is what is on disk now.
    expect((JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { profiles: unknown[] }).profiles).toHaveLength(1);
  });

  it('imports the foundation profiles.json once, then keeps it as profiles.json.migrated', () => {
    const dir = testDataDir('settings-legacy');
    writeFileSync(join(dir, 'profiles.json'), JSON.stringify({ version: 1, profiles: [profile] }));
    expect(countStoredProfiles(dir)).toBe(1);
    const { store, notices } = open(dir);
    expect(notices).toEqual([]);
    expect(store.get().profiles).toEqual([profile]);
    expect(existsSync(join(dir, 'profiles.json'))).toBe(false);
    expect(existsSync(join(dir, 'profiles.json.migrated'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ version: 2, profiles: [profile] });
  });
});
