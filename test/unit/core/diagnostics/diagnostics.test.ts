import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { buildDiagnosticsZip, diagnosticsFileName, scrubLogText } from '../../../../main/core/diagnostics/export.ts';
import { createRendererLogGate } from '../../../../main/core/diagnostics/renderer-log.ts';
import { createLogger, memorySink, nullLogger } from '../../../../main/core/log.ts';
import { Listeners, type PlatformSessionFactory, type SessionView } from '../../../../main/core/platforms/platform.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';
import { parsePolicy } from '../../../../main/core/settings/policy.ts';
import { defaultSettings } from '../../../../main/core/settings/schema.ts';
import type { Profile } from '../../../../preload/contract.ts';

describe('diagnostics zip', () => {
  it('redacts every part again on the way in', async () => {
    const { policy, rejected } = parsePolicy(JSON.stringify({ proxy: { url: 'http://it:proxy-pw-1@proxy.corp:3128' } }));
    const { zip, files } = await buildDiagnosticsZip({
      appVersion: '1.2.3',
      shell: 'test',
      createdAt: '2026-01-01T00:00:00.000Z',
      settings: defaultSettings(),
      policy: { path: '/etc/patchbay/policy.json', found: true, policy, rejected },
      sessions: [{ lastError: { code: 'x', message: 'failed at https://h/cb?code=abc-code-99', action: 'retry' } } as never],
      traces: [{ profileId: 'p', entries: [{ at: '', method: 'GET', url: 'https://h/?access_token=tok-77', ms: 1, sentHeaders: [] }] }],
      notes: ['could not read /x?token=note-tok-5'],
    });
    expect(files).toContain('README.txt');
    const text = Object.values(unzipSync(zip)).map((b) => strFromU8(b)).join('\n');
    for (const secret of ['proxy-pw-1', 'abc-code-99', 'tok-77', 'note-tok-5']) expect(text).not.toContain(secret);
    expect(text).toContain('1.2.3');
  });

  it('redacts log lines again, JSON or not', () => {
    const text = scrubLogText('{"event":"x","cookie":"icws_1=abc"}\nplain Bearer abcdefghijkl123 line\n');
    expect(text).toBe('{"event":"x","cookie":"[redacted]"}\nplain Bearer [redacted] line\n');
  });

  it('names the zip by time, safe on every file system', () => {
    expect(diagnosticsFileName(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('patchbay-diagnostics-2026-01-02T03-04-05-006Z.zip');
  });
});

describe('session-state transitions', () => {
  const profile = { id: 'p', name: 'P', platform: 'icws' } as Profile;
  const views = new Listeners<SessionView>();
  const factory: PlatformSessionFactory = () => ({
    view: { phase: 'signed-out', selectableStates: [] },
    signInOptions: async () => ({ credentialsForm: true, identityProviders: [], userNameRequired: true, extensionRequired: false }),
    signIn: async () => {
      for (let i = 0; i < 5; i++) views.emit({ phase: 'reconnecting', selectableStates: [], connection: { transport: 'sse', reconnectAttempt: i } });
      views.emit({ phase: 'active', selectableStates: [], agent: { kind: 'ready', stateId: 'Available', label: 'Available' } });
      views.emit({ phase: 'active', selectableStates: [], agent: { kind: 'ready', stateId: 'Available', label: 'Available' } });
    },
    signOut: async () => undefined,
    cancel: () => undefined,
    listStates: async () => [],
    setAgentState: async () => undefined,
    onView: (l) => views.add(l),
    dispose: () => undefined,
  });

  it('keeps the last N changes (not repeated snapshots) and logs each', async () => {
    const sink = memorySink();
    const manager = new SessionManager({ profiles: new MemoryProfileStore([profile]), factories: { icws: factory }, log: createLogger({ sink }), clock: new FakeClock(), transitionHistory: 4 });
    await manager.signIn('p');
    const transitions = manager.recentTransitions();
    expect(transitions).toHaveLength(4);
    expect(transitions.map((t) => [t.phase, t.reconnectAttempt ?? t.agentState])).toEqual([
      ['reconnecting', 2],
      ['reconnecting', 3],
      ['reconnecting', 4],
      ['active', 'Available'],
    ]);
    expect(sink.entries.filter((e) => e.event === 'session.transition')).toHaveLength(6);
  });
});

describe('renderer log gate', () => {
  it('lets a burst through, then drops lines until the bucket refills, and reports the drop', async () => {
    const clock = new FakeClock();
    const sink = memorySink();
    const gate = createRendererLogGate({ log: createLogger({ sink, clock }), clock, burst: 3, perSecond: 1 });
    const results = Array.from({ length: 5 }, (_, i) => gate({ level: 'error', message: `boom ${i}` }));
    expect(results).toEqual([true, true, true, false, false]);
    await clock.advance(1_000);
    expect(gate({ level: 'info', message: 'x'.repeat(5000), context: { password: 'pw-from-renderer' } })).toBe(true);
    expect(sink.entries.map((e) => e.event)).toEqual(['renderer.log', 'renderer.log', 'renderer.log', 'renderer.log-dropped', 'renderer.log']);
    const last = sink.entries.at(-1)!;
    expect(last.source).toBe('renderer');
    expect((last.message as string).length).toBeLessThan(2100);
    expect(JSON.stringify(last)).not.toContain('pw-from-renderer');
    expect(sink.entries[3]).toMatchObject({ dropped: 2 });
  });

  it('never throws for a logger that drops everything', () => {
    expect(createRendererLogGate({ log: nullLogger })({ level: 'warn', message: 'x' })).toBe(true);
  });
});
