import { describe, expect, it } from 'vitest';
import { checkGrantedScopes, missingScopes, parseScopes, REQUIRED_SCOPES } from '../../../../../main/core/platforms/genesys-cloud/scopes.ts';

describe('Genesys Cloud scopes', () => {
  it('GC-02: every required scope granted passes; a broader scope covers its :readonly form', () => {
    expect(checkGrantedScopes('users:readonly presence routing conversations:readonly notifications')).toHaveLength(5);
    expect(checkGrantedScopes('users presence routing conversations notifications organization:readonly')).toHaveLength(6);
  });

  it('GC-02: each missing scope is named in a typed error', () => {
    for (const required of REQUIRED_SCOPES) {
      const granted = REQUIRED_SCOPES.filter((r) => r !== required).map((r) => r.scope).join(' ');
      let thrown: unknown;
      try {
        checkGrantedScopes(granted);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, required.scope).toMatchObject({ code: 'genesys-cloud.scopes.missing', action: 'contact-it', details: { missing: required.scope } });
      expect((thrown as Error).message).toContain(required.scope);
    }
  });

  it('GC-02: a :readonly grant does not satisfy a scope that needs writing (presence, routing)', () => {
    expect(missingScopes(parseScopes('users:readonly presence:readonly routing:readonly conversations notifications')).map((m) => m.scope)).toEqual(['presence', 'routing']);
  });

  it('parses space-separated scopes, ignoring repeats and extra spaces', () => {
    expect(parseScopes('  a  b a\tc ')).toEqual(['a', 'b', 'c']);
    expect(parseScopes(undefined)).toEqual([]);
  });
});
