// issue 8 item 4: http:// servers only for loopback hosts or lab profiles, so a Basic password,
// XMPP PLAIN or a token never travels in clear text over the network.
import { describe, expect, it } from 'vitest';
import { fieldErrors, isCleartextAllowed, ProfileSchema } from '../../../preload/contract.ts';

const base = { id: 'site', name: 'Site', platform: 'finesse', authMode: 'password', userName: 'agent1' } as const;

describe('profile servers and clear text', () => {
  it('accepts https anywhere, and http only for 127.0.0.0/8, ::1 and localhost', () => {
    for (const ok of ['https://finesse.example.com', 'https://10.0.0.5:8445', 'http://127.0.0.1:8080', 'http://127.8.9.10', 'http://[::1]:8443', 'http://localhost:3000', 'http://LOCALHOST', 'http://lab.localhost']) {
      expect(ProfileSchema.safeParse({ ...base, servers: [ok] }).success, ok).toBe(true);
    }
    for (const bad of ['http://finesse.example.com', 'http://10.0.0.5:8082', 'http://192.168.1.20', 'http://[::2]', 'http://localhost.example.com', 'http://127.0.0.1.evil.example', 'http://0.0.0.0']) {
      const result = ProfileSchema.safeParse({ ...base, servers: ['https://a.example.com', bad] });
      expect(result.success, bad).toBe(false);
      if (!result.success) expect(fieldErrors(result.error)['servers.1']).toMatch(/https/);
    }
  });

  it('lets a lab profile (lab: true) use http on any host', () => {
    expect(ProfileSchema.safeParse({ ...base, servers: ['http://lab-finesse.internal:8082'], lab: true }).success).toBe(true);
    expect(ProfileSchema.safeParse({ ...base, servers: ['http://lab-finesse.internal:8082'], lab: false }).success).toBe(false);
  });

  it('isCleartextAllowed leaves unparseable addresses to the URL check', () => {
    expect(isCleartextAllowed('not a url')).toBe(true);
    expect(isCleartextAllowed('http://evil.example')).toBe(false);
  });
});
