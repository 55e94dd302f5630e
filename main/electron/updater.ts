// Auto-update as IT decides (CARD-04): the machine policy can set the generic feed and switch
// updates off; an agent's own setting can switch them off where the policy does not decide.
// electron-updater is loaded only in a packaged app (it needs app-update.yml and the Electron runtime).
import { readFile } from 'node:fs/promises';
import type { Logger } from '../core/log.ts';

export interface UpdateSettings {
  enabled: boolean;
  /** The generic feed URL IT sets in the policy (overrides the one built into the installer). */
  feedUrl?: string;
}

export type UpdateDecision = { run: false; reason: string } | { run: true; feedUrl?: string };

/**
 * Who must have signed an update. On Windows electron-updater checks the downloaded installer's
 * Authenticode signature against `publisherName` in app-update.yml, and skips the check when there is
 * none (an unsigned build): such a build must not install updates at all (issue 8 item 13).
 * macOS (Squirrel.Mac) checks the update against the running app's own code signature.
 */
export interface UpdateSigning {
  platform: NodeJS.Platform;
  /** From app-update.yml (publisherNamesFromUpdateConfig); empty when the build was not signed. */
  publisherNames: readonly string[];
}

/** Pure: whether to look for updates, and where. */
export function updateDecision(updates: UpdateSettings, packaged: boolean, signing?: UpdateSigning): UpdateDecision {
  if (!packaged) return { run: false, reason: 'not a packaged build' };
  if (!updates.enabled) return { run: false, reason: 'updates are switched off (policy or settings)' };
  if (signing?.platform === 'win32' && signing.publisherNames.length === 0) {
    return { run: false, reason: 'this build is not code-signed, so updates could not be verified against the publisher' };
  }
  if (updates.feedUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(updates.feedUrl);
    } catch {
      return { run: false, reason: 'the policy update feed is not a valid URL' };
    }
    // Updates are code: only over https.
    if (url.protocol !== 'https:') return { run: false, reason: 'the policy update feed must be an https URL' };
    return { run: true, feedUrl: url.toString() };
  }
  return { run: true };
}

/**
 * The `publisherName` list electron-builder wrote into resources/app-update.yml (a YAML scalar or a
 * block list of scalars). Anything else reads as no publisher, so updates fail closed.
 */
export function publisherNamesFromUpdateConfig(yaml: string): string[] {
  const lines = yaml.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = lines.findIndex((line) => /^publisherName\s*:/.test(line));
  if (start < 0) return [];
  const unquote = (raw: string): string | undefined => {
    const text = raw.trim();
    const quoted = /^'(.*)'$/.exec(text) ?? /^"(.*)"$/.exec(text);
    if (quoted) return (quoted[1] ?? '').replace(/''/g, "'");
    // Flow collections, anchors, tags and block scalars are not what electron-builder writes.
    return text === '' || /^[[{&*!|>]/.test(text) ? undefined : text;
  };
  const inline = (lines[start] ?? '').replace(/^publisherName\s*:/, '').trim();
  if (inline !== '') {
    const name = unquote(inline);
    return name ? [name] : [];
  }
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (!item) break;
    const name = unquote(item[1] ?? '');
    if (!name) return [];
    names.push(name);
  }
  return names;
}

/** The signing facts of this installation; a missing or unreadable app-update.yml means unsigned. */
export async function readUpdateSigning(updateConfigPath: string, platform: NodeJS.Platform): Promise<UpdateSigning> {
  const text = await readFile(updateConfigPath, 'utf8').catch(() => '');
  return { platform, publisherNames: publisherNamesFromUpdateConfig(text) };
}

/** The part of electron-updater's AppUpdater this shell uses (tests pass a fake). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  /** Never install an older version from the feed (a downgrade can bring back a fixed hole). */
  allowDowngrade: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdatesAndNotify(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

/** Check now and every `intervalMs`; an update installs when the agent quits, never mid-shift. */
export function startUpdater(updater: UpdaterLike, decision: UpdateDecision, log: Logger, intervalMs = 4 * 60 * 60_000): () => void {
  if (!decision.run) {
    log.info('updates.off', { reason: decision.reason });
    return () => undefined;
  }
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  if (decision.feedUrl) updater.setFeedURL({ provider: 'generic', url: decision.feedUrl });
  updater.on('error', (error) => log.warn('updates.failed', { error }));
  updater.on('update-downloaded', (info) => log.info('updates.downloaded', { version: info.version }));
  const check = () => void updater.checkForUpdatesAndNotify().catch((error: unknown) => log.warn('updates.check-failed', { error }));
  check();
  const timer = setInterval(check, intervalMs);
  return () => clearInterval(timer);
}
