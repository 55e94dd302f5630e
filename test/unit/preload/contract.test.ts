import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Commands, Events, fieldErrors, ProfileSchema, SessionStateSchema } from '../../../preload/contract.ts';

/** Every key of a zod object schema, recursively, as dotted paths. */
function keysOf(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { def: { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[] } }).def;
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, value]) => [prefix + key, ...keysOf(value, `${prefix}${key}.`)]);
  }
  if (def.innerType) return keysOf(def.innerType, prefix);
  if (def.element) return keysOf(def.element, prefix);
  if (def.options) return def.options.flatMap((o) => keysOf(o, prefix));
  return [];
}

describe('the contract', () => {
  it('has no token, cookie or password field in any result or event [CARD-03]', () => {
    const schemas: z.ZodType[] = [...Object.values(Events), ...Object.values(Commands).map((c) => c.result as z.ZodType)];
    const keys = schemas.flatMap((s) => keysOf(s));
    expect(keys).toContain('token.expiresAt'); // the walk does reach nested keys
    // Switches and facts about where secrets live (not secrets) are the only allowed names.
    const flags = new Set(['options.rememberPassword', 'rememberPasswordAllowed', 'secretsBackend']);
    const secretLooking = keys.filter((k) => !flags.has(k) && /password|cookie|csrf|secret|accesstoken|refreshtoken|assertion/i.test(k.replace(/[._-]/g, '')));
    expect(secretLooking).toEqual([]);
    // The one "token" key carries times only (signInBy: FIN-14's deadline to sign in again).
    expect([...new Set(keys.filter((k) => k.startsWith('token.')))].sort()).toEqual(['token.expiresAt', 'token.refreshAt', 'token.signInBy']);
  });

  it('rejects unknown fields in a session snapshot (strict)', () => {
    const base = { profileId: 'p', profileName: 'P', platform: 'icws', phase: 'active', seq: 1, updatedAt: '2026-01-01T00:00:00.000Z' };
    expect(SessionStateSchema.safeParse(base).success).toBe(true);
    expect(SessionStateSchema.safeParse({ ...base, accessToken: 'x' }).success).toBe(false);
  });

  it('carries calls with only addresses, direction, state and time, and rejects other call fields (strict)', () => {
    const base = { profileId: 'p', profileName: 'P', platform: 'finesse', phase: 'active', seq: 1, updatedAt: '2026-01-01T00:00:00.000Z' };
    const call = { id: '16777301', direction: 'inbound', from: '5551234', to: '1001001', state: 'ACTIVE', since: '2026-01-01T00:00:00.000Z' };
    expect(SessionStateSchema.safeParse({ ...base, calls: [call] }).success).toBe(true);
    expect(SessionStateSchema.safeParse({ ...base, calls: [{ ...call, direction: 'sideways' }] }).success).toBe(false);
    expect(SessionStateSchema.safeParse({ ...base, calls: [{ ...call, callVariables: 'x' }] }).success).toBe(false);
  });

  it('gives a per-field error for each bad profile field', () => {
    const result = ProfileSchema.safeParse({ id: 'Bad Id', name: '', platform: 'icws', servers: ['ftp://x', 'https://user:pw@ic.example.com'], authMode: 'password' });
    expect(result.success).toBe(false);
    if (result.success) return;
    const errors = fieldErrors(result.error);
    expect(Object.keys(errors).sort()).toEqual(['id', 'name', 'servers.0', 'servers.1']);
    expect(errors['servers.1']).toMatch(/without user name or password/);
  });

  it('fills profile defaults (language, options) for a minimal profile', () => {
    const profile = ProfileSchema.parse({ id: 'site-a', name: 'Site A', platform: 'icws', servers: ['https://ic1.example.com:8019'], authMode: 'password' });
    expect(profile.language).toBe('en-US');
    expect(profile.options).toEqual({ messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct', rememberPassword: false });
  });

  it('accepts only real, offered language tags, in canonical form [ICWS-01]', () => {
    const withLanguage = (language: string) =>
      ProfileSchema.safeParse({ id: 'site-a', name: 'Site A', platform: 'icws', servers: ['https://ic1.example.com:8019'], authMode: 'password', language });
    for (const bad of ['english', 'zzzzzzzz', 'xx-YY', 'en_US', 'not a tag']) expect(withLanguage(bad).success, bad).toBe(false);
    expect(withLanguage('de-de').data?.language).toBe('de-DE');
    expect(withLanguage('fr-CA').data?.language).toBe('fr-CA');
    expect(fieldErrors(withLanguage('english').error!)['language']).toMatch(/language tag such as en-US/);
  });
});
