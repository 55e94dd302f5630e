// What applies: the user's settings with the IT policy on top. A key the policy sets is locked —
// the UI shows it read-only and the core ignores the user's value for it.
import type { LogLevel } from '../log.ts';
import type { Policy, PolicyProxy } from './policy.ts';
import type { Settings } from './schema.ts';

export interface EffectiveNetwork {
  caBundle?: string;
  /** Explicit proxy; 'direct' = none at all; undefined = HTTPS_PROXY / NO_PROXY from the environment. */
  proxy?: PolicyProxy;
}

export interface EffectiveSettings {
  logLevel: LogLevel;
  network: EffectiveNetwork;
  updates: { enabled: boolean; feedUrl?: string };
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
    locked,
  };
}
