// Where the settings file lives and how it is written: one interface, `conf` under Node and
// electron-store under Electron (electron-store is conf with Electron defaults: same file format,
// rigs/toolchain.md). Both write atomically (temp file + rename, conf's `atomically`). A corrupt
// file is moved aside as `<name>.corrupt-<timestamp>.json`, reported, and defaults load.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Conf from 'conf';
import type { Notice } from '../../../preload/contract.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { decodeJsonText, parseJsonSafely } from './safe-json.ts';
import { defaultSettings, parseSettings, SettingsSchema, type Settings } from './schema.ts';

/** The part of conf / electron-store used here. */
export interface SettingsBackend {
  readonly path: string;
  /** Reading parses the file (throws SyntaxError on bad JSON); assigning writes it atomically. */
  store: Record<string, unknown>;
}

export interface SettingsBackendOptions {
  /** Directory of the file (the app's user data directory). */
  cwd: string;
  /** File name without `.json`. */
  configName: string;
}

export type SettingsBackendFactory = (options: SettingsBackendOptions) => SettingsBackend;

/** Plain Node (browser shell, CLI, tests). Electron passes an electron-store factory with the same
 *  options (main/electron/main.ts). */
export const confBackend: SettingsBackendFactory = ({ cwd, configName }) =>
  new Conf<Record<string, unknown>>({ cwd, configName, projectName: 'patchbay', configFileMode: 0o600, clearInvalidConfig: false });

export interface SettingsStore {
  /** The settings file. */
  readonly path: string;
  /** The current settings (validated). */
  get(): Settings;
  /** Applies a change, validates the result and writes it; concurrent updates run one at a time. */
  update(change: (current: Settings) => Settings): Promise<Settings>;
}

export interface OpenSettingsOptions {
  dir: string;
  backend?: SettingsBackendFactory;
  configName?: string;
  log: Logger;
  clock?: Clock;
}

export interface OpenedSettings {
  store: SettingsStore;
  /** Problems met while loading (corrupt file set aside, keys dropped, migration): show them once. */
  notices: Notice[];
}

/** The foundation's profiles file, imported once into the settings file (then renamed). */
export const LEGACY_PROFILES_FILE = 'profiles.json';

export function openSettingsStore(options: OpenSettingsOptions): OpenedSettings {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const configName = options.configName ?? 'settings';
  const notices: Notice[] = [];
  // conf parses the file in its constructor (and throws on bad JSON): check it first.
  const path = join(options.dir, `${configName}.json`);
  let raw: unknown;
  let legacy = false;
  let reserved: string[] = [];
  if (existsSync(path)) {
    try {
      const read = readJsonFile(path);
      raw = read.value;
      reserved = read.reserved;
      // conf/electron-store parse the file again with JSON.parse: give them one without a BOM.
      if (read.hadBom) writeFileSync(path, JSON.stringify(raw, null, '\t'), { mode: 0o600 });
    } catch (error) {
      // Unreadable: move it aside whole and start from defaults.
      const aside = setAside(path, clock, 'move');
      log.error('settings.corrupt', { file: path, keptAs: aside, error });
      notices.push({
        level: 'warning',
        message: `Your settings file could not be read, so Patchbay started with default settings. The old file was kept as ${aside ? basename(aside) : 'a backup'} next to it.`,
      });
      raw = undefined;
    }
  } else {
    const legacyPath = join(options.dir, LEGACY_PROFILES_FILE);
    if (existsSync(legacyPath)) {
      try {
        const read = readJsonFile(legacyPath);
        raw = read.value;
        reserved = read.reserved;
        legacy = true;
      } catch (error) {
        log.warn('settings.legacy-unreadable', { file: legacyPath, error });
      }
    }
  }
  const backend = (options.backend ?? confBackend)({ cwd: options.dir, configName });
  const fileName = basename(backend.path);

  let settings: Settings;
  if (raw === undefined) {
    settings = defaultSettings();
  } else {
    const parsed = parseSettings(raw);
    // `__proto__` and friends were never data: report them with the other dropped keys.
    parsed.problems.push(...reserved.map((key) => `${key}: a reserved name (dropped)`));
    settings = parsed.settings;
    if (parsed.problems.length > 0) {
      const aside = legacy ? undefined : setAside(backend.path, clock, 'copy');
      log.warn('settings.repaired', { file: backend.path, problems: parsed.problems, keptAs: aside });
      notices.push({
        level: 'warning',
        message: `Some settings in ${legacy ? LEGACY_PROFILES_FILE : fileName} were not valid and were left out: ${parsed.problems.join('; ')}.${aside ? ` The original file was kept as ${basename(aside)}.` : ''}`,
      });
    }
    const needsWrite = legacy || parsed.problems.length > 0 || parsed.fromVersion !== settings.version;
    if (needsWrite) {
      backend.store = settings as unknown as Record<string, unknown>;
      log.info('settings.migrated', { file: backend.path, fromVersion: parsed.fromVersion ?? 1, toVersion: settings.version });
    }
    if (legacy) {
      const legacyPath = join(options.dir, LEGACY_PROFILES_FILE);
      try {
        renameSync(legacyPath, `${legacyPath}.migrated`);
      } catch (error) {
        log.warn('settings.legacy-rename-failed', { file: legacyPath, error });
      }
    }
  }
  return { store: new BackedSettingsStore(backend, settings), notices };
}

class BackedSettingsStore implements SettingsStore {
  private readonly backend: SettingsBackend;
  private current: Settings;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(backend: SettingsBackend, initial: Settings) {
    this.backend = backend;
    this.current = initial;
  }

  get path(): string {
    return this.backend.path;
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  update(change: (current: Settings) => Settings): Promise<Settings> {
    const run = async () => {
      const next = SettingsSchema.parse(change(structuredClone(this.current)));
      this.backend.store = next as unknown as Record<string, unknown>;
      this.current = next;
      return structuredClone(next);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** A settings/profiles file as data: BOM decoded, depth-guarded, reserved keys left out (issue 8
 *  item 10). Throws a SyntaxError for text that is not such a document (the caller sets it aside). */
export function readJsonFile(path: string): { value: unknown; reserved: string[]; hadBom: boolean } {
  const bytes = readFileSync(path);
  const hadBom = (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) || (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const result = parseJsonSafely(decodeJsonText(bytes));
  if (!result.ok) throw new SyntaxError(`${basename(path)}: ${result.reason}`);
  return { value: result.value, reserved: result.reserved, hadBom };
}

/** `<name>.corrupt-<timestamp>.json` beside the file (Windows-safe timestamp). */
export function corruptBackupPath(path: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const name = basename(path).replace(/\.json$/i, '');
  return join(dirname(path), `${name}.corrupt-${stamp}.json`);
}

function setAside(path: string, clock: Clock, how: 'move' | 'copy'): string | undefined {
  const target = corruptBackupPath(path, clock.now());
  try {
    if (how === 'move') renameSync(path, target);
    else copyFileSync(path, target);
    return target;
  } catch {
    return undefined;
  }
}

/** How many valid profiles the settings file (or the foundation's profiles.json) holds, without
 *  writing anything — `patchbay start` decides with it whether to start the embedded lab. */
export function countStoredProfiles(dir: string, configName = 'settings'): number {
  for (const file of [`${configName}.json`, LEGACY_PROFILES_FILE]) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    try {
      return parseSettings(readJsonFile(path).value).settings.profiles.length;
    } catch {
      return 0;
    }
  }
  return 0;
}
