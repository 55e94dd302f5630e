// Issue 8 item 10: the policy, settings and profile files survive hostile input — own-key checks
// (`__proto__`, `constructor`), a depth guard (200k levels), a byte-order mark (PowerShell 5) that
// must not make locks fail open. Pure parsing here; the files on disk in
// test/integration/policy/hostile-files.test.ts.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { parseProfileFile } from '../../../../main/core/sessions/profile-file.ts';
import { parsePolicy } from '../../../../main/core/settings/policy.ts';
import { decodeJsonText, nestingDepth, parseJsonSafely } from '../../../../main/core/settings/safe-json.ts';

const DEEP = 200_000;
const deep = (inner: string) => `${'['.repeat(DEEP)}${inner}${']'.repeat(DEEP)}`;
const profile = { id: 'corp', name: 'Corp', platform: 'icws', servers: ['https://ic1.corp.example.com:8019'], authMode: 'sso' };
const LOCKING_POLICY = JSON.stringify({ profileDefaults: { servers: ['https://ic1.corp.example.com:8019'] }, lockedProfileFields: ['servers'], rememberPassword: false });

describe('policy own-key checks', () => {
  it('does not apply keys reached through __proto__ and reports the reserved name', () => {
    const { policy, rejected } = parsePolicy('{"__proto__": {"rememberPassword": true, "proxy": "direct", "allowUserProfiles": false}}');
    expect(policy.rememberPassword).toBe(false);
    expect(policy.proxy).toBeUndefined();
    expect(policy.allowUserProfiles).toBe(true);
    expect(rejected).toEqual([{ key: '__proto__', reason: 'a reserved name, ignored' }]);
    expect(Object.getPrototypeOf({})).toEqual({}); // nothing reached Object.prototype
  });

  it('rejects constructor and prototype keys, nested ones too, and applies the rest', () => {
    const { policy, rejected } = parsePolicy(JSON.stringify({ constructor: { x: 1 }, logLevel: 'warn', profileDefaults: { prototype: 1, language: 'de-DE' } }));
    expect(policy.logLevel).toBe('warn');
    expect(policy.profileDefaults).toEqual({ language: 'de-DE' });
    expect(rejected).toEqual([
      { key: 'constructor', reason: 'a reserved name, ignored' },
      { key: 'profileDefaults.prototype', reason: 'a reserved name, ignored' },
    ]);
  });

  it('does not treat a lock as valid because its default is inherited', () => {
    const { policy, rejected } = parsePolicy('{"profileDefaults": {"__proto__": {"servers": ["https://evil.example.com"]}}, "lockedProfileFields": ["servers"]}');
    expect(policy.lockedProfileFields).toEqual([]);
    expect(policy.profileDefaults).toEqual({});
    expect(rejected.map((r) => r.key)).toEqual(['profileDefaults.__proto__', 'lockedProfileFields[0]']);
  });
});

describe('depth guard', () => {
  it('counts nesting without recursion and skips brackets in strings and comments', () => {
    expect(nestingDepth('{"a": "[[[[", "b": [1, {"c": 2}]} // [[[\n/* {{{ */')).toBe(3);
    expect(nestingDepth(deep('1'))).toBe(DEEP);
  });

  it('turns 200k levels of nesting in a policy into a rejected file, not a crash', () => {
    const { policy, rejected } = parsePolicy(`{"profiles": ${deep('1')}}`);
    expect(policy.profiles).toEqual([]);
    expect(rejected).toEqual([{ key: '(file)', reason: expect.stringMatching(/^nested more than 64 levels deep .*no part of the policy was applied$/) }]);
  });

  it('turns 200k levels in a profile file into a typed error', () => {
    const attempt = () => parseProfileFile(`{"id": "x", "options": ${deep('{}')}}`, 'deep.json');
    expect(attempt).toThrow(PatchbayError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'profile-file.too-deep' }));
  });

  it('keeps ordinary documents', () => {
    expect(parseJsonSafely('{"a": [1, {"b": null}], "c": "x"}')).toEqual({ ok: true, value: { a: [1, { b: null }], c: 'x' }, reserved: [] });
  });
});

describe('byte-order marks (PowerShell 5)', () => {
  it('applies a policy saved as UTF-8 with a BOM: its locks hold', () => {
    const text = decodeJsonText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LOCKING_POLICY)]));
    const { policy, rejected } = parsePolicy(text);
    expect(rejected).toEqual([]);
    expect(policy.lockedProfileFields).toEqual(['servers']);
  });

  it('applies a policy the BOM was left in (parsePolicy of raw text) and one saved as UTF-16 LE or BE', () => {
    expect(parsePolicy(`\uFEFF${LOCKING_POLICY}`).policy.lockedProfileFields).toEqual(['servers']);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(LOCKING_POLICY, 'utf16le')]);
    expect(parsePolicy(decodeJsonText(le)).policy.lockedProfileFields).toEqual(['servers']);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(LOCKING_POLICY, 'utf16le').swap16()]);
    expect(parsePolicy(decodeJsonText(be)).policy.lockedProfileFields).toEqual(['servers']);
  });

  it('reads a profile file with a BOM', () => {
    expect(parseProfileFile(`\uFEFF${JSON.stringify(profile)}`, 'p.json').profile.id).toBe('corp');
  });
});

describe('profile file own keys', () => {
  it('refuses __proto__ and constructor with a typed error', () => {
    for (const text of [`{"__proto__": {"lab": true}, ${JSON.stringify(profile).slice(1)}`, JSON.stringify({ ...profile, options: { constructor: {} } })]) {
      expect(() => parseProfileFile(text, 'p.json')).toThrow(expect.objectContaining({ code: 'profile-file.invalid' }));
    }
  });
});
