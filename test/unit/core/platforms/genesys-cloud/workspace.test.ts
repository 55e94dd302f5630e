import { describe, expect, it } from 'vitest';
import { GENESYS_REGIONS, isAllowedOrigin, workspaceCsp, workspaceOrigins } from '../../../../../main/core/platforms/genesys-cloud/workspace/origins.ts';
import { close, initialView, readyTimedOut, renewed, step, type Incoming, type WorkspaceView } from '../../../../../main/core/platforms/genesys-cloud/workspace/protocol.ts';

const origins = workspaceOrigins({ region: 'mypurecloud.de' });
const from = (data: unknown, over: Partial<Incoming> = {}): Incoming => ({ origin: 'https://apps.mypurecloud.de', fromComponentFrame: true, data, ...over });
const T = (s: string) => `genesys-cloud-embed:${s}`;

function run(msgs: Incoming[], view: WorkspaceView = initialView) {
  const effects = [];
  for (const m of msgs) {
    const r = step(view, origins, m);
    view = r.view;
    effects.push(...r.effects);
  }
  return { view, effects };
}

describe('workspace origins and CSP', () => {
  it('GC-07: origins are exact hosts of the region; unknown regions are refused', () => {
    expect(origins).toEqual({ component: 'https://apps.mypurecloud.de', api: 'https://api.mypurecloud.de', streaming: 'wss://streaming.mypurecloud.de' });
    expect(() => workspaceOrigins({ region: 'evil.example' })).toThrow(/not a known/);
    expect(() => workspaceOrigins({ componentUrl: 'https://apps.mypurecloud.com', apiBase: 'http://127.0.0.1:1' })).toThrow(/loopback/);
  });

  it('GC-06: origin check is exact, no suffix, prefix or case games', () => {
    expect(isAllowedOrigin(origins, 'https://apps.mypurecloud.de')).toBe(true);
    for (const bad of ['https://evil.apps.mypurecloud.de', 'https://apps.mypurecloud.de.evil.com', 'http://apps.mypurecloud.de',
      'https://apps.mypurecloud.de:444', 'https://APPS.mypurecloud.de', 'https://api.mypurecloud.de', 'null', '*', undefined]) {
      expect(isAllowedOrigin(origins, bad)).toBe(false);
    }
  });

  it('GC-08: the CSP for every region names only that region\'s hosts, never a wildcard', () => {
    for (const region of GENESYS_REGIONS) {
      const csp = workspaceCsp(workspaceOrigins({ region }));
      const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
      expect(csp).not.toContain('*');
      expect(directives.get('frame-src')).toEqual([`https://apps.${region}`]);
      expect(directives.get('connect-src')).toEqual(["'self'", `https://api.${region}`, `wss://streaming.${region}`]);
      expect(directives.get('default-src')).toEqual(["'none'"]);
      for (const sources of directives.values()) {
        for (const s of sources) if (s.includes('://')) expect(s.endsWith(region)).toBe(true);
      }
    }
  });
});

describe('workspace handshake', () => {
  it('GC-10: nothing is believed before ready is acked; ready → ack then token', () => {
    const early = run([from({ type: T('session-start'), userId: 'u1' })]);
    expect(early.view).toEqual(initialView);
    expect(early.effects).toEqual([{ kind: 'ignored', reason: 'before-ack' }]);
    const r = run([from({ type: T('ready') }), from({ type: T('session-start'), userId: 'u1' }), from({ type: T('queue-position'), position: 2, total: 5 })]);
    expect(r.effects).toEqual([{ kind: 'send-ack' }, { kind: 'send-token' }]);
    expect(r.view).toMatchObject({ phase: 'active', userId: 'u1', queue: { position: 2, total: 5 } });
  });

  it('GC-06: hostile messages change nothing (wrong origin, other frame, malformed, replayed ready)', () => {
    const base = run([from({ type: T('ready') }), from({ type: T('session-start'), userId: 'u1' })]).view;
    const hostile: [Incoming, string][] = [
      [from({ type: T('session-start'), userId: 'mallory' }, { origin: 'https://evil.example' }), 'wrong-origin'],
      [from({ type: T('session-start'), userId: 'mallory' }, { origin: 'https://apps.mypurecloud.de.evil.example' }), 'wrong-origin'],
      [from({ type: T('session-start'), userId: 'mallory' }, { fromComponentFrame: false }), 'wrong-source'],
      [from({ type: T('queue-position'), position: 'x' }), 'malformed'],
      [from('not an object'), 'malformed'],
      [from({ type: T('session-start'), userId: 'u1', accessToken: 'x' }), 'malformed'],
      [from({ type: T('ready') }), 'replayed-ready'],
    ];
    for (const [m, reason] of hostile) {
      const r = step(base, origins, m);
      expect(r.view).toBe(base);
      expect(r.effects).toEqual([{ kind: 'ignored', reason }]);
    }
  });

  it('token-expiring asks for renewal; renewal returns to active; ready timeout degrades with a message', () => {
    const active = run([from({ type: T('ready') }), from({ type: T('session-start'), userId: 'u1' })]).view;
    const r = step(active, origins, from({ type: T('token-expiring'), expiresInSeconds: 60 }));
    expect(r.effects).toEqual([{ kind: 'renew-token' }]);
    expect(renewed(r.view).phase).toBe('active');
    expect(readyTimedOut(initialView)).toMatchObject({ phase: 'degraded', message: expect.stringMatching(/did not start/) });
    expect(readyTimedOut(active)).toBe(active);
    expect(step(close(active), origins, from({ type: T('queue-position'), position: 1, total: 1 })).effects).toEqual([{ kind: 'ignored', reason: 'after-close' }]);
  });
});
