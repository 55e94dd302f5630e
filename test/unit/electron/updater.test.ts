import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { startUpdater, updateDecision, type UpdaterLike } from '../../../main/electron/updater.ts';

describe('auto-update decision (IT policy) [CARD-04]', () => {
  it('never runs outside a packaged build', () => {
    expect(updateDecision({ enabled: true }, false)).toEqual({ run: false, reason: 'not a packaged build' });
  });

  it('stays off when policy or settings switch updates off', () => {
    expect(updateDecision({ enabled: false, feedUrl: 'https://updates.corp.example.com/patchbay' }, true).run).toBe(false);
  });

  it("uses IT's https feed, and refuses a plain-http or malformed one", () => {
    expect(updateDecision({ enabled: true, feedUrl: 'https://updates.corp.example.com/patchbay' }, true)).toEqual({ run: true, feedUrl: 'https://updates.corp.example.com/patchbay' });
    expect(updateDecision({ enabled: true, feedUrl: 'http://updates.corp.example.com/' }, true)).toMatchObject({ run: false, reason: expect.stringContaining('https') });
    expect(updateDecision({ enabled: true, feedUrl: 'not a url' }, true)).toMatchObject({ run: false });
    expect(updateDecision({ enabled: true }, true)).toEqual({ run: true });
  });
});

describe('startUpdater', () => {
  function fake() {
    const calls: string[] = [];
    const updater: UpdaterLike = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      setFeedURL: (o: { url: string }) => void calls.push(`feed ${o.url}`),
      checkForUpdatesAndNotify: async () => void calls.push('check'),
      on: () => updater,
    };
    return { updater, calls };
  }

  it("points the updater at IT's feed, installs on quit only, and checks", () => {
    const { updater, calls } = fake();
    const stop = startUpdater(updater, { run: true, feedUrl: 'https://updates.corp.example.com/patchbay' }, createLogger({ sink: memorySink() }));
    stop();
    expect(calls).toEqual(['feed https://updates.corp.example.com/patchbay', 'check']);
    expect(updater.autoInstallOnAppQuit).toBe(true);
  });

  it('does nothing when the decision says off, and logs why', () => {
    const { updater, calls } = fake();
    const sink = memorySink();
    startUpdater(updater, { run: false, reason: 'updates are switched off (policy or settings)' }, createLogger({ sink }))();
    expect(calls).toEqual([]);
    expect(sink.entries.some((e) => e.event === 'updates.off')).toBe(true);
  });
});
