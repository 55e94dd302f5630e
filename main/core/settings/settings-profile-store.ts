// The agent's own profiles, kept in the settings file, with the IT policy's locked fields enforced:
// a locked field always reads as IT's value, and saving a different value is refused with the
// field named (issue 5: "lock fields (the UI shows them locked)"). IT's preconfigured profiles are
// shown read-only by LayeredProfileStore (see policyProfiles).
import { isDeepStrictEqual } from 'node:util';
import type { Profile } from '../../../preload/contract.ts';
import { PatchbayError } from '../errors.ts';
import type { ProfileStore } from '../sessions/profile-store.ts';
import { emptyPolicy, type Policy } from './policy.ts';
import type { SettingsStore } from './settings-store.ts';

export class SettingsProfileStore implements ProfileStore {
  private readonly settings: SettingsStore;
  private readonly policy: Policy;

  constructor(settings: SettingsStore, policy: Policy = emptyPolicy()) {
    this.settings = settings;
    this.policy = policy;
  }

  async list(): Promise<Profile[]> {
    return this.settings.get().profiles.map((p) => this.withLocks(p));
  }

  async get(id: string): Promise<Profile | undefined> {
    const found = this.settings.get().profiles.find((p) => p.id === id);
    return found ? this.withLocks(found) : undefined;
  }

  async save(profile: Profile): Promise<Profile> {
    const exists = this.settings.get().profiles.some((p) => p.id === profile.id);
    if (!exists && !this.policy.allowUserProfiles) {
      throw new PatchbayError('profiles.not-allowed', 'Your IT department provides the profiles on this computer: new profiles cannot be added.', { action: 'contact-it' });
    }
    const changed = this.policy.lockedProfileFields.filter((field) => !isDeepStrictEqual(profile[field], this.policy.profileDefaults[field]));
    if (changed.length > 0) {
      throw new PatchbayError('profiles.locked-field', `${changed.join(', ')} ${changed.length === 1 ? 'is' : 'are'} set by your IT department and cannot be changed.`, {
        action: 'none',
        details: { fields: changed.join(',') },
      });
    }
    await this.settings.update((current) => ({ ...current, profiles: [...current.profiles.filter((p) => p.id !== profile.id), profile] }));
    return profile;
  }

  async remove(id: string): Promise<boolean> {
    let removed = false;
    await this.settings.update((current) => {
      const kept = current.profiles.filter((p) => p.id !== id);
      removed = kept.length !== current.profiles.length;
      return { ...current, profiles: kept };
    });
    return removed;
  }

  private withLocks(profile: Profile): Profile {
    if (this.policy.lockedProfileFields.length === 0) return profile;
    const out: Record<string, unknown> = { ...profile };
    for (const field of this.policy.lockedProfileFields) out[field] = this.policy.profileDefaults[field];
    return out as Profile;
  }
}

/** IT's preconfigured profiles, for LayeredProfileStore's read-only layer. */
export function policyProfiles(policy: Policy): Profile[] {
  return policy.profiles.map((p) => ({ ...p }));
}
