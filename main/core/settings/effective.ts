// What applies: the user's settings with the IT policy on top. A key the policy sets is locked —
// the UI shows it read-only and the core ignores the user's value for it.
import { DEFAULT_SHORTCUTS } from '../../../preload/contract.ts';
import { PatchbayError } from '../errors.ts';
import type { LogLevel } from '../log.ts';
import type { Policy, PolicyProxy } from './policy.ts';
import { describe, SettingsSchema, type Settings } from './schema.ts';
import type { SettingsStore } from './settings-store.ts';

export interface EffectiveNetwork {
  caBundle?: string;
  /** Explicit proxy; 'direct' = none at all; undefined = HTTPS_PROXY / NO_PROXY from the environment. */
  proxy?: PolicyProxy;
}

export interface EffectiveSettings {
  logLevel: LogLevel;
  network: EffectiveNetwork;
  updates: { enabled: boolean; feedUrl?: string };
  /** The app's language; absent = the OS locale (issue 13 item 11). */
  language?: 'en' | 'de';
  /** Ready / Not Ready shortcuts, defaults filled in; '' = off (issue 13 item 10). */
  shortcuts: { ready: string; notReady: string };
  /** Dotted setting keys the policy sets (read-only for the agent). */
  locked: string[];
}

export function effectiveSettings(settings: Settings, policy: Policy): EffectiveSettings {
  const locked: string[] = [];
  const pick = <T>(key: string, fromPolicy: T | undefined, fromUser: T): T => {
    if (fromPolicy === undefined) return fromUser;
    locked.push(key);
    return fromPolicy;
  };
  const userProxy: PolicyProxy | undefined = settings.network.proxy
    ? { url: settings.network.proxy, ...(settings.network.noProxy ? { noProxy: settings.network.noProxy } : {}) }
    : undefined;
  const proxy = pick<PolicyProxy | undefined>('network.proxy', policy.proxy, userProxy);
  if (policy.proxy !== undefined) locked.push('network.noProxy');
  const caBundle = pick<string | undefined>('network.caBundle', policy.caBundle, settings.network.caBundle);
  const logLevel = pick<LogLevel>('logLevel', policy.logLevel, settings.logLevel);
  const enabled = pick<boolean>('updates.enabled', policy.updates.enabled, settings.updates.enabled);
  if (policy.updates.feedUrl !== undefined) locked.push('updates.feedUrl');
  return {
    logLevel,
    network: { ...(caBundle ? { caBundle } : {}), ...(proxy ? { proxy } : {}) },
    updates: { enabled, ...(policy.updates.feedUrl ? { feedUrl: policy.updates.feedUrl } : {}) },
    ...(settings.language ? { language: settings.language } : {}),
    shortcuts: { ...DEFAULT_SHORTCUTS, ...settings.shortcuts },
    locked,
  };
}

/** The settings an agent may change in the app (profiles have their own commands). */
export interface UserSettingsPatch {
  logLevel?: LogLevel;
  network?: { proxy?: string | null; noProxy?: string | null; caBundle?: string | null };
  updates?: { enabled?: boolean };
  /** null = follow the OS locale again. */
  language?: 'en' | 'de' | null;
  /** '' = off, null = back to the default (issue 13 item 10). */
  shortcuts?: { ready?: string | null | undefined; notReady?: string | null | undefined };
}

/** Applies an agent's change, refusing keys the IT policy sets (PatchbayError settings.locked); the
 *  network part applies at the next start. Validation errors name the field (settings.invalid). */
export async function updateUserSettings(store: SettingsStore, patch: UserSettingsPatch, policy: Policy): Promise<Settings> {
  const locked = new Set(effectiveSettings(store.get(), policy).locked);
  const touched = [
    ...(patch.logLevel !== undefined ? ['logLevel'] : []),
    ...(patch.language !== undefined ? ['language'] : []),
    ...Object.keys(patch.network ?? {}).map((k) => `network.${k}`),
    ...Object.keys(patch.updates ?? {}).map((k) => `updates.${k}`),
    ...Object.keys(patch.shortcuts ?? {}).map((k) => `shortcuts.${k}`),
  ];
  const refused = touched.filter((key) => locked.has(key));
  if (refused.length > 0) {
    throw new PatchbayError('settings.locked', `${refused.join(', ')} ${refused.length === 1 ? 'is' : 'are'} set by your IT department and cannot be changed.`, { action: 'none' });
  }
  const next = (current: Settings): Settings => {
    const network: Record<string, unknown> = { ...current.network };
    for (const [key, value] of Object.entries(patch.network ?? {})) {
      if (value === null || value === '') delete network[key];
      else network[key] = value;
    }
    const shortcuts: Record<string, string> = { ...current.shortcuts };
    for (const [key, value] of Object.entries(patch.shortcuts ?? {})) {
      if (value === null) delete shortcuts[key];
      else if (value !== undefined) shortcuts[key] = value;
    }
    const base: Settings = { ...current, shortcuts };
    if (Object.keys(shortcuts).length === 0) delete base.shortcuts;
    if (patch.language === null) delete base.language;
    else if (patch.language !== undefined) base.language = patch.language;
    return {
      ...base,
      ...(patch.logLevel !== undefined ? { logLevel: patch.logLevel } : {}),
      network: network as Settings['network'],
      updates: { ...current.updates, ...patch.updates },
    };
  };
  const candidate = SettingsSchema.safeParse(next(store.get()));
  if (!candidate.success) {
    throw new PatchbayError('settings.invalid', `Invalid settings — ${describe(candidate.error)}`, { action: 'none' });
  }
  return store.update(next);
}
