// electron-builder.yml: validated by electron-builder's own schema (offline), and a real `--dir`
// pack against a stand-in Electron dist proves what lands in app.asar (toolchain.md: real targets
// download and fail here; --dir with -c.electronDist works offline).
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN_FILE, PRELOAD_FILE, RENDERER_DIR, ICON_FILE, WORKSPACE_PRELOAD_FILE } from '../../../main/electron/paths.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const require = createRequire(join(ROOT, 'package.json'));

// app-builder-lib has no "exports" map, so its config module can be required by path.
interface Configuration {
  [key: string]: unknown;
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown };

// @electron/fuses' sentinel, and Electron's default wire ('1' on, '0' off) before any flip.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ELECTRON_DEFAULT_FUSES = '10110001';

let config: Configuration;
beforeAll(async () => {
  config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
});

function fileFilters(): string[] {
  const files = config.files as Array<{ filter?: string[] } | string>;
  return files.flatMap((entry) => (typeof entry === 'string' ? [entry] : (entry.filter ?? [])));
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own configuration validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would fail that validation when an option is wrong (the check has teeth)', async () => {
    await expect(validateConfiguration({ ...config, nsis: { oneClick: 'sometimes' } }, new DebugLogger(false))).rejects.toThrow(/oneClick/);
  });

  it('names the app and skips the native rebuild (keytar is N-API) [CARD-04]', () => {
    expect(config).toMatchObject({ appId: 'com.patchbay.desktop', productName: 'Patchbay', npmRebuild: false, directories: { output: 'release' } });
  });

  it('starts the built main process, the same file package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main?: string };
    expect((config.extraMetadata as { main?: string }).main).toBe(MAIN_FILE);
    expect(pkg.main).toBe(MAIN_FILE);
  });

  it('builds an NSIS installer with a choice, a DMG, an AppImage and a deb [CARD-04]', () => {
    const targets = (platform: string) =>
      ((config[platform] as { target: Array<string | { target: string }> }).target ?? []).map((t) => (typeof t === 'string' ? t : t.target));
    expect(targets('win')).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ oneClick: false });
    expect(targets('mac')).toEqual(['dmg']);
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
  });

  it('publishes to a generic update feed placeholder that IT overrides', () => {
    expect(config.publish).toEqual([{ provider: 'generic', url: 'https://updates.example.invalid/patchbay' }]);
  });

  it('ships only the build and excludes the lab, tests, benchmarks, sources and maps', () => {
    const filters = fileFilters();
    expect(filters).toEqual(expect.arrayContaining(['dist/**/*', 'package.json', 'resources/**/*']));
    expect(filters).toEqual(expect.arrayContaining(['!lab{,/**/*}', '!test{,/**/*}', '!bench{,/**/*}', '!**/*.ts', '!**/*.map']));
    expect(filters.filter((f) => !f.startsWith('!'))).toEqual(['dist/**/*', 'package.json', 'resources/**/*']);
  });

  it('flips the Electron fuses that lock the shipped binary down (issue 8 item 13)', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('signs on Windows with SHA-256 + timestamp and verifies updates against the publisher (issue 8 item 13)', () => {
    expect(config.win).toMatchObject({ verifyUpdateCodeSignature: true, signtoolOptions: { signingHashAlgorithms: ['sha256'] } });
    expect((config.win as { signtoolOptions: { rfc3161TimeStampServer?: string } }).signtoolOptions.rfc3161TimeStampServer).toMatch(/^https?:\/\//);
  });

  it('uses the hardened runtime on macOS with the entitlements file in resources/ (issue 8 item 13)', () => {
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true, entitlements: 'resources/entitlements.mac.plist', entitlementsInherit: 'resources/entitlements.mac.plist' });
    const plist = readFileSync(join(ROOT, 'resources/entitlements.mac.plist'), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    // The fewest Electron needs; never a debugger attach or library-validation switch-off.
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('keeps certificates and passwords out of the config: they come from the environment', () => {
    const text = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    for (const key of ['cscLink', 'cscKeyPassword', 'certificateFile', 'certificatePassword', 'certificateSha1', 'identity', 'forceCodeSigning']) {
      expect(text, key).not.toMatch(new RegExp(`^\\s*${key}\\s*:`, 'm'));
    }
  });

  it('unpacks keytar’s native module from the asar', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/keytar/**/*.node']));
  });
});

describe('packaging with --dir and a stand-in Electron', () => {
  let entries: string[];
  let unpacked: string;
  let fuses: Record<string, number | string>;

  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), 'patchbay-pack-'));
    const project = join(base, 'project');
    const write = (path: string, text = 'x') => {
      mkdirSync(dirname(join(project, path)), { recursive: true });
      writeFileSync(join(project, path), text);
    };
    // The real manifest and config; stand-in build output and the folders that must stay out.
    write('package.json', readFileSync(join(ROOT, 'package.json'), 'utf8'));
    write('electron-builder.yml', readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));
    cpSync(join(ROOT, 'resources'), join(project, 'resources'), { recursive: true });
    for (const path of [MAIN_FILE, `${MAIN_FILE}.map`, 'dist/main/core/log.js', PRELOAD_FILE, 'dist/preload/index.js', 'dist/preload/contract.js', WORKSPACE_PRELOAD_FILE, 'dist/main/electron/workspace-preload.js', 'dist/main/electron/workspace-view.js']) write(path);
    write(`${RENDERER_DIR}/index.html`, '<!doctype html>');
    write('dist/main/electron/build/bundle-preload.js');
    for (const path of ['lab/icws/server.ts', 'lab/icws/server.js', 'test/unit/a.test.ts', 'bench/b.js', 'main/electron/main.ts', 'preload/index.ts', 'dist/lab/x.js']) write(path);
    symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
    const electronDist = join(base, 'electron-dist');
    mkdirSync(electronDist);
    // A stand-in binary carrying Electron's fuse wire with Electron's own defaults, so the pack really
    // flips fuses (@electron/fuses finds the sentinel; order: RunAsNode, CookieEncryption, NodeOptions,
    // NodeCliInspect, EmbeddedAsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocolPrivileges).
    writeFileSync(join(electronDist, 'electron'), `#!/bin/sh\n# ${FUSE_SENTINEL}\x01\x08${ELECTRON_DEFAULT_FUSES}\n`, 'latin1');
    chmodSync(join(electronDist, 'electron'), 0o755);
    const electronPkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
    writeFileSync(join(electronDist, 'version'), electronPkg.version);
    const output = join(base, 'release');
    await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules/electron-builder/cli.js'), '--linux', '--dir', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
      { cwd: project, env: { ...process.env, CI: '1' }, maxBuffer: 16 * 1024 * 1024 },
    );
    const asar = require('@electron/asar') as { listPackage(path: string, options?: object): string[] };
    entries = asar.listPackage(join(output, 'linux-unpacked/resources/app.asar'), {}).map((p) => p.replace(/\\/g, '/'));
    unpacked = join(output, 'linux-unpacked/resources/app.asar.unpacked');
    const { getCurrentFuseWire } = require('@electron/fuses') as { getCurrentFuseWire(path: string): Promise<Record<string, number | string>> };
    fuses = await getCurrentFuseWire(join(output, 'linux-unpacked/patchbay'));
  }, 120_000);

  it('flips the fuses in the packaged binary: no run-as-node, NODE_OPTIONS or --inspect; cookie encryption, asar only + integrity (issue 8 item 13)', () => {
    const on = 49; // '1'
    const off = 48; // '0'
    expect([0, 1, 2, 3, 4, 5, 7].map((index) => fuses[index])).toEqual([off, on, off, off, on, on, off]);
    // The one fuse we leave alone keeps Electron's default.
    expect(fuses[6]).toBe(off);
  });

  it('leaves the signing entitlements out of the app', () => {
    expect(entries).not.toContain('/resources/entitlements.mac.plist');
    expect(entries).toContain('/resources/policy.example.jsonc');
  });

  it('packs the main process, the preload bundle, the renderer, package.json and the icon', () => {
    for (const path of [MAIN_FILE, PRELOAD_FILE, WORKSPACE_PRELOAD_FILE, 'dist/main/electron/workspace-view.js', `${RENDERER_DIR}/index.html`, 'dist/main/core/log.js', 'dist/preload/contract.js', 'package.json', ICON_FILE]) {
      expect(entries, path).toContain(`/${path}`);
    }
  });

  it('leaves the lab, tests and benchmarks out of the installer (DESIGN.md "The lab": never packaged)', () => {
    const own = entries.filter((p) => !p.startsWith('/node_modules/'));
    expect(own.filter((p) => /^\/(dist\/)?(lab|test|bench)(\/|$)/.test(p))).toEqual([]);
  });

  it('leaves TypeScript sources, source maps, build scripts and the unusable ESM preload out', () => {
    const own = entries.filter((p) => !p.startsWith('/node_modules/'));
    expect(own.filter((p) => p.endsWith('.ts') || p.endsWith('.map'))).toEqual([]);
    expect(own).not.toContain('/dist/preload/index.js');
    expect(own).not.toContain('/dist/main/electron/workspace-preload.js'); // issue 12: Electron loads workspace.cjs
    expect(own.some((p) => p.startsWith('/dist/main/electron/build'))).toBe(false);
    expect(own.some((p) => p.startsWith('/main') || p.startsWith('/preload'))).toBe(false);
  });

  it('puts keytar’s native module next to the asar, where it can be loaded', () => {
    expect(existsSync(join(unpacked, 'node_modules/keytar/build/Release/keytar.node'))).toBe(true);
  });
});
