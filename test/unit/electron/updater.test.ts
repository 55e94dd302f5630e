import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publisherNamesFromUpdateConfig, readUpdateSigning, startUpdater, updateDecision, type UpdaterLike } from '../../../main/electron/updater.ts';

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

describe('updates verified against the publisher (issue 8 item 13)', () => {
  const enabled = { enabled: true };

  it('refuses updates on Windows when the build names no publisher (electron-updater would skip the signature check)', () => {
    expect(updateDecision(enabled, true, { platform: 'win32', publisherNames: [] })).toMatchObject({ run: false, reason: expect.stringContaining('not code-signed') });
    expect(updateDecision(enabled, true, { platform: 'win32', publisherNames: ['Patchbay Inc.'] })).toEqual({ run: true });
  });

  it('leaves macOS (Squirrel.Mac checks the app’s own signature) and Linux to their updaters', () => {
    expect(updateDecision(enabled, true, { platform: 'darwin', publisherNames: [] })).toEqual({ run: true });
    expect(updateDecision(enabled, true, { platform: 'linux', publisherNames: [] })).toEqual({ run: true });
  });

  it('reads publisherName as electron-builder writes it into app-update.yml', () => {
    const listed = 'provider: generic\nurl: https://updates.example.invalid/patchbay\npublisherName:\n  - Patchbay Inc.\n  - \'CN=Patchbay, O=Patchbay Inc.\'\nupdaterCacheDirName: patchbay-updater\n';
    expect(publisherNamesFromUpdateConfig(listed)).toEqual(['Patchbay Inc.', 'CN=Patchbay, O=Patchbay Inc.']);
    expect(publisherNamesFromUpdateConfig('\uFEFFpublisherName: "Patchbay Inc."\r\nprovider: generic\r\n')).toEqual(['Patchbay Inc.']);
    expect(publisherNamesFromUpdateConfig("publisherName: 'It''s us'\n")).toEqual(["It's us"]);
  });

  it('reads no publisher from an unsigned build’s config or a shape it does not expect (fails closed)', () => {
    expect(publisherNamesFromUpdateConfig('provider: generic\nurl: https://updates.example.invalid/patchbay\n')).toEqual([]);
    expect(publisherNamesFromUpdateConfig('publisherName: [a, b]\n')).toEqual([]);
    expect(publisherNamesFromUpdateConfig('publisherName:\n  - \n')).toEqual([]);
    expect(publisherNamesFromUpdateConfig('publisherName: |\n  x\n')).toEqual([]);
    expect(publisherNamesFromUpdateConfig('')).toEqual([]);
  });

  it('treats a missing app-update.yml as unsigned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchbay-upd-'));
    expect(await readUpdateSigning(join(dir, 'app-update.yml'), 'win32')).toEqual({ platform: 'win32', publisherNames: [] });
    writeFileSync(join(dir, 'app-update.yml'), 'publisherName:\n  - Patchbay Inc.\n');
    expect(await readUpdateSigning(join(dir, 'app-update.yml'), 'win32')).toEqual({ platform: 'win32', publisherNames: ['Patchbay Inc.'] });
  });
});

describe('startUpdater', () => {
  function fake() {
    const calls: string[] = [];
    const updater: UpdaterLike = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      allowDowngrade: true,
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
    expect(updater.allowDowngrade).toBe(false);
  });

  it('does nothing when the decision says off, and logs why', () => {
    const { updater, calls } = fake();
    const sink = memorySink();
    startUpdater(updater, { run: false, reason: 'updates are switched off (policy or settings)' }, createLogger({ sink }))();
    expect(calls).toEqual([]);
    expect(sink.entries.some((e) => e.event === 'updates.off')).toBe(true);
  });
});
