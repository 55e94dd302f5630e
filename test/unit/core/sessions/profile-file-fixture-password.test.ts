// issue 8 item 4: a profile file may carry `fixturePassword` only when it is a lab profile (the
// lab's fake users); a real profile file with a password is refused with a typed error.
import { describe, expect, it } from 'vitest';
import { isPatchbayError } from '../../../../main/core/errors.ts';
import { parseProfileFile } from '../../../../main/core/sessions/profile-file.ts';

const profile = { id: 'site', name: 'Site', platform: 'icws', servers: ['https://ic1.example.com:8019'], authMode: 'password', userName: 'agent1' };

describe('profile files and fixture passwords', () => {
  it('keeps the fixture password of a lab profile', () => {
    const file = parseProfileFile(JSON.stringify({ ...profile, servers: ['http://127.0.0.1:8018'], lab: true, fixturePassword: 'agent1-lab-pw' }), 'lab.json');
    expect(file.fixturePassword).toBe('agent1-lab-pw');
    expect(file.profile).not.toHaveProperty('fixturePassword');
  });

  it('refuses a fixture password in a profile that is not a lab profile, without echoing it', () => {
    for (const extra of [{}, { lab: false }]) {
      let error: unknown;
      try {
        parseProfileFile(JSON.stringify({ ...profile, ...extra, fixturePassword: 'real-Secret-1' }), 'site.json');
      } catch (e) {
        error = e;
      }
      expect(isPatchbayError(error) && error.code).toBe('profile-file.invalid');
      expect((error as Error).message).toContain('fixturePassword');
      expect((error as Error).message).not.toContain('real-Secret-1');
    }
  });

  it('refuses an http server on a non-loopback host in a real profile file', () => {
    expect(() => parseProfileFile(JSON.stringify({ ...profile, servers: ['http://ic1.example.com:8018'] }), 'site.json')).toThrow(expect.objectContaining({ code: 'profile-file.invalid' }));
    expect(parseProfileFile(JSON.stringify(profile), 'site.json').fixturePassword).toBeUndefined();
  });
});
