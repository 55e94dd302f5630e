// issue 13 item 5: "Show in folder" shows only the diagnostics zip Patchbay itself just wrote. The
// renderer names the path, so everything else — a path outside the diagnostics folder, `..`, a
// relative path, a non-string, a zip this run did not write — is a typed diagnostics.path-refused,
// never a call to the file manager.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bootCore } from '../../../../main/core/app-core.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { MemorySecretStore } from '../../../../main/core/secrets/secret-store.ts';
import { createCommandHandler } from '../../../../main/core/sessions/command-handler.ts';
import type { SessionManager } from '../../../../main/core/sessions/session-manager.ts';
import { revealablePath, WrittenDiagnostics } from '../../../../main/core/diagnostics/reveal.ts';
import { testDataDir } from '../../../integration/diagnostics/test-data.ts';

const DIR = resolve('/data/patchbay/diagnostics');
const ZIP = join(DIR, 'patchbay-diagnostics-20261206-2000.zip');
const WRITTEN = new Set([ZIP]);

function refusal(raw: unknown, written: ReadonlySet<string> = WRITTEN): PatchbayError {
  try {
    revealablePath(raw, DIR, written);
  } catch (error) {
    expect(error).toBeInstanceOf(PatchbayError);
    return error as PatchbayError;
  }
  throw new Error(`accepted ${String(raw)}`);
}

describe('revealablePath (issue 13 item 5)', () => {
  it('accepts the zip this run wrote inside the diagnostics folder', () => {
    expect(revealablePath(ZIP, DIR, WRITTEN)).toBe(ZIP);
  });

  it('refuses a path outside the diagnostics folder, even one this run "wrote"', () => {
    const outside = resolve('/etc/passwd');
    const error = refusal(outside, new Set([outside]));
    expect(error.code).toBe('diagnostics.path-refused');
    expect(error.details['reason']).toBe('outside');
    expect(refusal(resolve('/data/patchbay/diagnostics-evil/x.zip'), new Set([resolve('/data/patchbay/diagnostics-evil/x.zip')])).details['reason']).toBe('outside');
    // The folder itself, and a file in a subfolder, are not a zip Patchbay wrote there.
    expect(refusal(DIR, new Set([DIR])).details['reason']).toBe('outside');
  });

  it('refuses any `..` segment, also one that resolves back inside', () => {
    const sneaky = `${DIR}/../diagnostics/patchbay-diagnostics-20261206-2000.zip`;
    expect(refusal(sneaky).details['reason']).toBe('dot-dot');
    expect(refusal(`${DIR}/../../../etc/passwd`).details['reason']).toBe('dot-dot');
    expect(refusal(`${DIR}\\..\\x.zip`).details['reason']).toBe('dot-dot');
  });

  it('refuses a non-string, an empty, a relative or a NUL-carrying path', () => {
    for (const raw of [undefined, null, 42, {}, [ZIP], Buffer.from(ZIP)]) expect(refusal(raw).details['reason']).toBe('not-a-path');
    expect(refusal('').details['reason']).toBe('not-a-path');
    expect(refusal('patchbay-diagnostics-20261206-2000.zip').details['reason']).toBe('relative');
    expect(refusal(`${ZIP}\0.txt`).details['reason']).toBe('nul');
  });

  it('refuses a zip in the folder that this run did not write', () => {
    expect(refusal(join(DIR, 'other.zip')).details['reason']).toBe('not-written');
  });

  it('says so in plain words, with no path in the message', () => {
    const error = refusal(resolve('/home/agent/secret.txt'));
    expect(error.toContract()).toEqual({ code: 'diagnostics.path-refused', message: 'Patchbay can only show the diagnostics file it just saved.', action: 'none' });
  });

  it('WrittenDiagnostics remembers what it wrote', () => {
    const written = new WrittenDiagnostics(DIR);
    expect(() => written.check(ZIP)).toThrow(PatchbayError);
    written.remember(ZIP);
    expect(written.check(ZIP)).toBe(ZIP);
  });
});

describe('the diagnostics.reveal command', () => {
  const manager = {} as SessionManager;
  const log = createLogger({ sink: memorySink() });

  it('answers a non-string path with the typed contract error, before anything runs', async () => {
    const reveal = vi.fn(async () => ({ shown: true }));
    const handler = createCommandHandler(manager, log, { diagnosticsReveal: reveal });
    for (const path of [42, null, { path: ZIP }, '']) {
      const result = await handler('diagnostics.reveal', { path });
      expect(result).toMatchObject({ ok: false, error: { code: 'contract.invalid-arguments' } });
    }
    expect(reveal).not.toHaveBeenCalled();
  });

  it('is unavailable where the shell has no file manager (browser shell: "Copy path" instead)', async () => {
    const handler = createCommandHandler(manager, log, {});
    expect(await handler('diagnostics.reveal', { path: ZIP })).toMatchObject({ ok: false, error: { code: 'diagnostics.reveal-unavailable' } });
  });

  const dataDir = testDataDir('diagnostics-reveal');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('through the booted core: shows the zip just exported, refuses every other path', async () => {
    const shown: string[] = [];
    const core = await bootCore({
      dataDir,
      shell: 'electron',
      appVersion: '9.9.9-test',
      env: {},
      console: memorySink(),
      openSecrets: async () => ({ store: new MemorySecretStore() }),
      showItemInFolder: (path) => shown.push(path),
    });
    try {
      const exported = await core.handler('diagnostics.export', {});
      expect(exported).toMatchObject({ ok: true, value: { canReveal: true } });
      const path = (exported as { value: { path: string } }).value.path;
      for (const other of [join(dataDir, 'settings.json'), join(dataDir, 'diagnostics', 'x.zip'), `${join(dataDir, 'diagnostics')}/../diagnostics/${path.split(/[\\/]/).pop() ?? ''}`, '/etc/passwd']) {
        expect(await core.handler('diagnostics.reveal', { path: other })).toMatchObject({ ok: false, error: { code: 'diagnostics.path-refused' } });
      }
      expect(shown).toEqual([]);
      expect(await core.handler('diagnostics.reveal', { path })).toEqual({ ok: true, value: { shown: true } });
      expect(shown).toEqual([path]);
    } finally {
      await core.close();
    }
  });

  it('through the booted browser shell: no file manager, so export says canReveal false', async () => {
    const core = await bootCore({ dataDir, shell: 'browser-shell', appVersion: '9.9.9-test', env: {}, console: memorySink(), openSecrets: async () => ({ store: new MemorySecretStore() }) });
    try {
      const exported = await core.handler('diagnostics.export', {});
      expect(exported).toMatchObject({ ok: true, value: { canReveal: false } });
      const path = (exported as { value: { path: string } }).value.path;
      expect(await core.handler('diagnostics.reveal', { path })).toMatchObject({ ok: false, error: { code: 'diagnostics.reveal-unavailable' } });
    } finally {
      await core.close();
    }
  });
});
