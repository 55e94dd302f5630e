import { describe, expect, it } from 'vitest';
import { defaultSettings, parseSettings, SETTINGS_VERSION } from '../../../../main/core/settings/schema.ts';

const profile = { id: 'site', name: 'Site', platform: 'icws', servers: ['https://ic1.example.com:8019'], authMode: 'password', userName: 'agent1' };

describe('settings schema', () => {
  it('has defaults for every setting and the current version', () => {
    expect(defaultSettings()).toEqual({ version: SETTINGS_VERSION, profiles: [], logLevel: 'info', network: {}, updates: { enabled: true } });
  });

  it('migrates the foundation profiles.json (version 1) to the current version, filling defaults', () => {
    const parsed = parseSettings({ version: 1, profiles: [profile] });
    expect(parsed.problems).toEqual([]);
    expect(parsed.fromVersion).toBe(1);
    expect(parsed.settings.version).toBe(2);
    expect(parsed.settings.profiles[0]).toMatchObject({ id: 'site', language: 'en-US', options: { messaging: 'auto' } });
    expect(parsed.settings.logLevel).toBe('info');
  });

  it('treats a file without a version as version 1', () => {
    expect(parseSettings({ profiles: [profile] }).settings.profiles).toHaveLength(1);
  });

  it('drops an invalid profile and keeps the valid ones, naming the field', () => {
    const bad = { ...profile, id: 'bad', servers: ['ftp://nope'] };
    const parsed = parseSettings({ version: 2, profiles: [profile, bad] });
    expect(parsed.settings.profiles.map((p) => p.id)).toEqual(['site']);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatch(/^profiles\[1\] \(bad\): servers\.0: Enter a full http\(s\) address/);
  });

  it('[ICWS-01] keeps a stored profile whose language is no longer accepted, with the default language and a named problem', () => {
    const old = { ...profile, id: 'old', language: 'english' };
    const parsed = parseSettings({ version: 2, profiles: [old] });
    expect(parsed.settings.profiles).toHaveLength(1);
    expect(parsed.settings.profiles[0]).toMatchObject({ id: 'old', userName: 'agent1', language: 'en-US' });
    expect(parsed.problems).toEqual(['profiles[0] (old): language: not a language Patchbay offers (reset to en-US)']);
  });

  it('still drops a profile with a bad language and another bad field (only a language-only failure is repaired)', () => {
    const bad = { ...profile, id: 'bad', language: 'english', servers: ['ftp://nope'] };
    const parsed = parseSettings({ version: 2, profiles: [bad] });
    expect(parsed.settings.profiles).toEqual([]);
    expect(parsed.problems[0]).toMatch(/profile dropped/);
  });

  it('drops a second profile with the same id', () => {
    const parsed = parseSettings({ version: 2, profiles: [profile, { ...profile, name: 'Again' }] });
    expect(parsed.settings.profiles).toHaveLength(1);
    expect(parsed.problems[0]).toMatch(/same id/);
  });

  it('resets an invalid setting to its default and reports unknown keys', () => {
    const parsed = parseSettings({ version: 2, logLevel: 'loud', network: { proxy: 'socks://x' }, extra: true });
    expect(parsed.settings.logLevel).toBe('info');
    expect(parsed.settings.network).toEqual({});
    expect(parsed.problems).toEqual([
      expect.stringMatching(/^logLevel: .*reset to the default/),
      expect.stringMatching(/^network: proxy: Use a proxy address/),
      'extra: unknown setting (dropped)',
    ]);
  });

  it('reports a file that is not an object', () => {
    expect(parseSettings([1, 2]).problems).toEqual(['the file is not a JSON object']);
  });

  it('reads what it knows from a file written by a newer version and says so', () => {
    const parsed = parseSettings({ version: SETTINGS_VERSION + 1, profiles: [profile], future: 1 });
    expect(parsed.settings.profiles).toHaveLength(1);
    expect(parsed.problems[0]).toMatch(/newer Patchbay/);
  });

  it('never quotes a value in a problem', () => {
    const parsed = parseSettings({ version: 2, logLevel: 'hunter2-not-a-level', network: { proxy: 'http://u:hunter2@x/path' } });
    expect(parsed.problems.join(' ')).not.toContain('hunter2');
  });
});
