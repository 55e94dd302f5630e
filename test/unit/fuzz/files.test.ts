// Fuzzing the files Patchbay reads (issue 8 item 15): the IT policy (JSONC), the settings document
// and profile files — with BOMs, reserved keys, deep nesting, and cut or spliced text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../../preload/contract.ts';
import { parseProfileFile } from '../../../main/core/sessions/profile-file.ts';
import { LOCKABLE_PROFILE_FIELDS, parsePolicy } from '../../../main/core/settings/policy.ts';
import { parseJsonSafely } from '../../../main/core/settings/safe-json.ts';
import { parseSettings, SettingsSchema } from '../../../main/core/settings/schema.ts';
import { FUZZ_TIMEOUT_MS, deepNesting, mutated, params, typedOrValue } from './harness.ts';

const reserved = fc.constantFrom('__proto__', 'constructor', 'prototype');
const profile = fc.record(
  {
    id: fc.oneof(fc.constantFrom('corp', 'site-1', 'Bad Id', ''), fc.string({ maxLength: 8 })),
    name: fc.string({ maxLength: 8 }),
    platform: fc.constantFrom('icws', 'finesse', 'gws', 'x'),
    servers: fc.oneof(fc.constant(['https://ic1.corp.example.com:8019']), fc.array(fc.webUrl(), { maxLength: 2 }), fc.jsonValue({ maxDepth: 2 })),
    authMode: fc.constantFrom('password', 'sso', 'x'),
    lab: fc.boolean(),
    options: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);
const key = fc.oneof(fc.constantFrom('profiles', 'profileDefaults', 'lockedProfileFields', 'allowUserProfiles', 'updates', 'caBundle', 'proxy', 'logLevel', 'rememberPassword', 'silentResume', 'version', 'network', '$schema'), reserved, fc.string({ maxLength: 6 }));
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(profile, { maxLength: 2 }),
  fc.array(fc.constantFrom(...LOCKABLE_PROFILE_FIELDS, 'nope'), { maxLength: 3 }),
  fc.dictionary(fc.oneof(fc.constantFrom(...LOCKABLE_PROFILE_FIELDS), reserved), fc.jsonValue({ maxDepth: 2 })),
  fc.constantFrom('direct', 'debug', '/etc/ca.pem', 2),
);
// JSON written by hand so reserved keys stay in the text (JSON.stringify of an object would drop __proto__).
const doc = fc.array(fc.tuple(key, value), { maxLength: 6 }).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`);
const decorated = fc.tuple(doc, fc.constantFrom('', '\uFEFF'), fc.constantFrom('', '// IT\n', '/* c */'), fc.constantFrom('', ',', ' ')).map(([d, bom, comment, trail]) => `${bom}${comment}${d}${trail}`);
const text = fc.oneof({ weight: 12, arbitrary: mutated(decorated) }, { weight: 1, arbitrary: deepNesting });

describe('policy, settings and profile files (fuzzed)', () => {
  it('parsePolicy never throws; what it applies is valid and nothing comes from a reserved key', () => {
    fc.assert(
      fc.property(text, (input) => {
        const { policy, rejected } = parsePolicy(input);
        for (const p of policy.profiles) expect(ProfileSchema.safeParse(p).success).toBe(true);
        for (const field of policy.lockedProfileFields) expect(Object.hasOwn(policy.profileDefaults, field)).toBe(true);
        expect(Object.getPrototypeOf(policy.profileDefaults)).toBe(Object.prototype);
        for (const r of rejected) expect(typeof r.reason).toBe('string');
        if (/"(__proto__|constructor|prototype)"\s*:/.test(input) && rejected.every((r) => r.key !== '(file)')) {
          expect(rejected.some((r) => /__proto__|constructor|prototype/.test(r.key))).toBe(true);
        }
      }),
      params(),
    );
    expect(({} as Record<string, unknown>).rememberPassword).toBeUndefined(); // nothing reached Object.prototype
  }, FUZZ_TIMEOUT_MS);

  it('settings: any document gives valid settings with its problems listed', () => {
    fc.assert(
      fc.property(text, (input) => {
        const parsed = parseJsonSafely(input);
        if (!parsed.ok) return;
        const { settings, problems } = parseSettings(parsed.value);
        expect(SettingsSchema.safeParse(settings).success).toBe(true);
        expect(problems.every((p) => typeof p === 'string')).toBe(true);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('parseProfileFile: a valid profile or a typed profile-file.* error', () => {
    const profileText = mutated(fc.tuple(profile, fc.option(reserved, { nil: undefined }), fc.constantFrom('', '\uFEFF')).map(([p, r, bom]) => `${bom}${r ? `{"${r}": {"lab": true}, ${JSON.stringify(p).slice(1)}` : JSON.stringify(p)}`));
    fc.assert(
      fc.property(fc.oneof({ weight: 12, arbitrary: profileText }, { weight: 1, arbitrary: deepNesting }), (input) => {
        typedOrValue(
          () => parseProfileFile(input, 'p.json'),
          (file) => expect(ProfileSchema.safeParse(file.profile).success).toBe(true),
          (error) => expect(error).toMatchObject({ code: expect.stringMatching(/^profile-file\./) }),
        );
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});
