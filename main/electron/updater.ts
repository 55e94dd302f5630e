// Auto-update as IT decides (CARD-04): the machine policy can set the generic feed and switch
// updates off; an agent's own setting can switch them off where the policy does not decide.
// electron-updater is loaded only in a packaged app (it needs app-update.yml and the Electron runtime).
import type { Logger } from '../core/log.ts';

export interface UpdateSettings {
  enabled: boolean;
  /** The generic feed URL IT sets in the policy (overrides the one built into the installer). */
  feedUrl?: string;
}

export type UpdateDecision = { run: false; reason: string } | { run: true; feedUrl?: string };

/** Pure: whether to look for updates, and where. */
export function updateDecision(updates: UpdateSettings, packaged: boolean): UpdateDecision {
  if (!packaged) return { run: false, reason: 'not a packaged build' };
  if (!updates.enabled) return { run: false, reason: 'updates are switched off (policy or settings)' };
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

/** The part of electron-updater's AppUpdater this shell uses (tests pass a fake). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
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
  if (decision.feedUrl) updater.setFeedURL({ provider: 'generic', url: decision.feedUrl });
  updater.on('error', (error) => log.warn('updates.failed', { error }));
  updater.on('update-downloaded', (info) => log.info('updates.downloaded', { version: info.version }));
  const check = () => void updater.checkForUpdatesAndNotify().catch((error: unknown) => log.warn('updates.check-failed', { error }));
  check();
  const timer = setInterval(check, intervalMs);
  return () => clearInterval(timer);
}
