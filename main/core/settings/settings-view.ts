// The Settings panel's view of the agent's settings (contract `settings.get` / `settings.save`):
// locked keys show IT's value, the rest the agent's own; a proxy password never leaves main.
import type { SettingsPatch, SettingsView } from '../../../preload/contract.ts';
import { redactUrl } from '../log.ts';
import { effectiveSettings, updateUserSettings } from './effective.ts';
import type { Policy } from './policy.ts';
import type { Settings } from './schema.ts';
import type { SettingsStore } from './settings-store.ts';

export interface SettingsCommands {
  get(): SettingsView;
  /** Throws PatchbayError settings.locked / settings.invalid (the handler makes them Results). */
  save(patch: SettingsPatch): Promise<SettingsView>;
}

export function settingsView(settings: Settings, policy: Policy): SettingsView {
  const effective = effectiveSettings(settings, policy);
  const isLocked = (key: string) => effective.locked.includes(key);
  const network: SettingsView['settings']['network'] = {};
  if (isLocked('network.proxy')) {
    const proxy = effective.network.proxy;
    if (proxy === 'direct') network.proxy = 'direct';
    else if (proxy) {
      network.proxy = redactUrl(proxy.url);
      if (proxy.noProxy) network.noProxy = proxy.noProxy;
    }
  } else {
    if (settings.network.proxy) network.proxy = redactUrl(settings.network.proxy);
    if (settings.network.noProxy) network.noProxy = settings.network.noProxy;
  }
  const caBundle = isLocked('network.caBundle') ? effective.network.caBundle : settings.network.caBundle;
  if (caBundle) network.caBundle = caBundle;
  return {
    settings: {
      logLevel: effective.logLevel,
      network,
      updates: { enabled: effective.updates.enabled },
      ...(effective.language ? { language: effective.language } : {}),
      // Absent while the agent kept the defaults (the renderer fills DEFAULT_SHORTCUTS in).
      ...(settings.shortcuts ? { shortcuts: effective.shortcuts } : {}),
    },
    locked: [...effective.locked],
  };
}

export function settingsCommands(store: SettingsStore, policy: Policy): SettingsCommands {
  return {
    get: () => settingsView(store.get(), policy),
    save: async (patch) => settingsView(await updateUserSettings(store, patch, policy), policy),
  };
}
