// issue 8 item 2: the policy key allowedServerHosts (host names or ".domain" suffixes) is parsed
// like every other key: valid values apply, anything else is rejected with the reason.
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../../main/core/settings/policy.ts';

describe('policy allowedServerHosts', () => {
  it('applies host names and .domain suffixes (lower-cased)', () => {
    const { policy, rejected } = parsePolicy(JSON.stringify({ allowedServerHosts: ['Finesse-DR.backup.example.net', '.cc.example.org'] }));
    expect(rejected).toEqual([]);
    expect(policy.allowedServerHosts).toEqual(['finesse-dr.backup.example.net', '.cc.example.org']);
  });

  it('rejects URLs, wildcards and ports with the reason, and applies nothing of the key', () => {
    for (const bad of [['https://fin.example.com'], ['*.example.com'], ['fin.example.com:8445'], 'fin.example.com', [42]]) {
      const { policy, rejected } = parsePolicy(JSON.stringify({ allowedServerHosts: bad }));
      expect(policy.allowedServerHosts, JSON.stringify(bad)).toBeUndefined();
      expect(rejected.map((r) => r.key)).toEqual(['allowedServerHosts']);
    }
  });
});
