import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveSettings, updateUserSettings } from '../../../../main/core/settings/effective.ts';
import { emptyPolicy, parsePolicy, policyNotice, policyPath } from '../../../../main/core/settings/policy.ts';
import { defaultSettings } from '../../../../main/core/settings/schema.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const profile = { id: 'corp', name: 'Corp', platform: 'icws', servers: ['https://ic1.corp.example.com:8019'], authMode: 'sso' };

describe('policy location', () => {
  it('uses the machine-wide path of each OS', () => {
    expect(policyPath('win32', { ProgramData: 'C:\\ProgramData' })).toBe(join('C:\\ProgramData', 'Patchbay', 'policy.json'));
    expect(policyPath('darwin', {})).toBe('/Library/Application Support/Patchbay/policy.json');
    expect(policyPath('linux', {})).toBe('/etc/patchbay/policy.json');
  });

  it('lets PATCHBAY_POLICY_FILE override it', () => {
    expect(policyPath('linux', { PATCHBAY_POLICY_FILE: '/tmp/p.json' })).toBe('/tmp/p.json');
  });

  it('ignores PATCHBAY_POLICY_FILE in an installed app (an agent could set it to replace IT policy)', () => {
    expect(policyPath('linux', { PATCHBAY_POLICY_FILE: '/tmp/p.json' }, false)).toBe('/etc/patchbay/policy.json');
    expect(policyPath('win32', { PATCHBAY_POLICY_FILE: 'C:\\Users\\a\\p.json', ProgramData: 'C:\\ProgramData' }, false)).toBe(join('C:\\ProgramData', 'Patchbay', 'policy.json'));
  });
});

describe('parsePolicy', () => {
  it('accepts the commented example in resources/ with nothing rejected', () => {
    const { policy, rejected } = parsePolicy(readFileSync(join(root, 'resources', 'policy.example.jsonc'), 'utf8'));
    expect(rejected).toEqual([]);
    expect(policy.profiles.map((p) => p.id)).toEqual(['corp-icws']);
    expect(policy.lockedProfileFields).toEqual(['servers', 'authMode']);
    expect(policy.proxy).toEqual({ url: 'http://proxy.corp.example.com:3128', noProxy: 'localhost,127.0.0.1,.corp.example.com' });
    expect(policy.caBundle).toBe('/etc/patchbay/corp-ca.pem');
    expect(policy.updates).toEqual({ enabled: true, feedUrl: 'https://updates.corp.example.com/patchbay/' });
    expect(policy.logLevel).toBe('info');
  });

  it('applies the valid keys and rejects the others with a reason each', () => {
    const text = JSON.stringify({
      profiles: [profile, { ...profile, id: 'Bad Id' }, { ...profile, name: 'dup' }],
      logLevel: 'chatty',
      caBundle: 'relative/ca.pem',
      proxy: { url: 'http://proxy.corp:3128' },
      updates: { enabled: false, feedUrl: 'http://insecure.example.com/' },
      lockedProfileFields: ['servers', 'userName', 'language'],
      profileDefaults: { servers: ['https://ic1.corp.example.com:8019'], id: 'x' },
      telemetry: true,
    });
    const { policy, rejected } = parsePolicy(text);
    expect(policy.profiles.map((p) => p.id)).toEqual(['corp']);
    expect(policy.proxy).toEqual({ url: 'http://proxy.corp:3128' });
    expect(policy.logLevel).toBeUndefined();
    expect(policy.caBundle).toBeUndefined();
    expect(policy.updates).toEqual({});
    expect(policy.lockedProfileFields).toEqual(['servers']);
    expect(policy.profileDefaults).toEqual({ servers: ['https://ic1.corp.example.com:8019'] });
    const byKey = Object.fromEntries(rejected.map((r) => [r.key, r.reason]));
    expect(Object.keys(byKey).sort()).toEqual(
      ['caBundle', 'lockedProfileFields[1]', 'lockedProfileFields[2]', 'logLevel', 'profileDefaults.id', 'profiles[1]', 'profiles[2] (corp)', 'telemetry', 'updates'].sort(),
    );
    expect(byKey.telemetry).toBe('unknown policy key');
    expect(byKey.caBundle).toMatch(/absolute path/);
    expect(byKey.updates).toMatch(/https/);
    expect(byKey['profiles[1]']).toMatch(/^id: /);
    expect(byKey['profiles[2] (corp)']).toMatch(/same id/);
    expect(byKey['lockedProfileFields[2]']).toMatch(/profileDefaults gives it no valid value/);
  });

  it('applies nothing from a file with a syntax error and says where', () => {
    const { policy, rejected } = parsePolicy('{\n  "logLevel": "warn",\n  "caBundle": \n}');
    expect(policy).toEqual(emptyPolicy());
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatch(/not valid JSON \(ValueExpected at line 4, column 1\)/);
  });

  it('accepts "direct" as the proxy and comments with trailing commas', () => {
    expect(parsePolicy('{ /* IT */ "proxy": "direct", }').policy.proxy).toBe('direct');
  });

  it('makes one notice naming the file and each rejected key', () => {
    const load = { path: '/etc/patchbay/policy.json', found: true, ...parsePolicy('{"logLevel": 3, "nope": 1}') };
    const notice = policyNotice(load);
    expect(notice?.level).toBe('warning');
    expect(notice?.message).toMatch(/\/etc\/patchbay\/policy\.json/);
    expect(notice?.message).toMatch(/logLevel: Invalid option/);
    expect(notice?.message).toMatch(/nope: unknown policy key/);
    expect(policyNotice({ path: 'x', found: false, policy: emptyPolicy(), rejected: [] })).toBeUndefined();
  });
});

describe('effectiveSettings', () => {
  it('lets the policy win and lists what it locks', () => {
    const settings = { ...defaultSettings(), logLevel: 'debug' as const, network: { proxy: 'http://mine:8080', caBundle: '/home/me/ca.pem' } };
    const { policy } = parsePolicy(JSON.stringify({ logLevel: 'warn', proxy: 'direct', updates: { enabled: false, feedUrl: 'https://u.example.com/' } }));
    const effective = effectiveSettings(settings, policy);
    expect(effective.logLevel).toBe('warn');
    expect(effective.network).toEqual({ proxy: 'direct', caBundle: '/home/me/ca.pem' });
    expect(effective.updates).toEqual({ enabled: false, feedUrl: 'https://u.example.com/' });
    expect(effective.locked.sort()).toEqual(['logLevel', 'network.noProxy', 'network.proxy', 'updates.enabled', 'updates.feedUrl']);
  });

  it('uses the user settings where the policy is silent', () => {
    const settings = { ...defaultSettings(), network: { proxy: 'http://mine:8080', noProxy: '.local' } };
    const effective = effectiveSettings(settings, emptyPolicy());
    expect(effective.network.proxy).toEqual({ url: 'http://mine:8080', noProxy: '.local' });
    expect(effective.locked).toEqual([]);
  });
});

describe('updateUserSettings', () => {
  function memoryStore() {
    let current = defaultSettings();
    return {
      path: '/virtual/settings.json',
      get: () => structuredClone(current),
      update: async (change: (s: typeof current) => typeof current) => (current = change(structuredClone(current))),
    };
  }

  it('changes what the policy leaves to the agent and clears a value with null', async () => {
    const store = memoryStore();
    await updateUserSettings(store, { logLevel: 'debug', network: { proxy: 'http://mine:8080', noProxy: '.local' } }, emptyPolicy());
    const next = await updateUserSettings(store, { network: { noProxy: null } }, emptyPolicy());
    expect(next.logLevel).toBe('debug');
    expect(next.network).toEqual({ proxy: 'http://mine:8080' });
  });

  it('refuses keys the policy sets, naming them', async () => {
    const { policy } = parsePolicy('{"proxy": "direct", "logLevel": "warn"}');
    await expect(updateUserSettings(memoryStore(), { logLevel: 'debug', network: { proxy: 'http://x:1' } }, policy)).rejects.toMatchObject({
      code: 'settings.locked',
      message: 'logLevel, network.proxy are set by your IT department and cannot be changed.',
    });
  });

  it('refuses an invalid value with the field named', async () => {
    await expect(updateUserSettings(memoryStore(), { network: { caBundle: 'relative.pem' } }, emptyPolicy())).rejects.toMatchObject({
      code: 'settings.invalid',
      message: expect.stringMatching(/network\.caBundle: Use an absolute path/),
    });
  });
});
