// The user's own profiles (a writable store) shown together with read-only preloaded ones (the
// embedded lab's, later IT policy's). A preloaded profile cannot be changed or removed.
import type { Profile } from '../../../preload/contract.ts';
import { PatchbayError } from '../errors.ts';
import type { ProfileStore } from './profile-store.ts';

export class LayeredProfileStore implements ProfileStore {
  private readonly fixed: Map<string, Profile>;
  private readonly user: ProfileStore;
  constructor(fixed: Profile[], user: ProfileStore) {
    this.fixed = new Map(fixed.map((p) => [p.id, p]));
    this.user = user;
  }
  async list(): Promise<Profile[]> {
    const own = (await this.user.list()).filter((p) => !this.fixed.has(p.id));
    return [...this.fixed.values(), ...own];
  }
  async get(id: string): Promise<Profile | undefined> {
    return this.fixed.get(id) ?? this.user.get(id);
  }
  async save(profile: Profile): Promise<Profile> {
    if (this.fixed.has(profile.id)) {
      throw new PatchbayError('profiles.read-only', 'This profile is provided by the lab or by IT and cannot be changed here. Save it under a new name.', { action: 'none' });
    }
    return this.user.save(profile);
  }
  async remove(id: string): Promise<boolean> {
    if (this.fixed.has(id)) {
      throw new PatchbayError('profiles.read-only', 'This profile is provided by the lab or by IT and cannot be removed here.', { action: 'none' });
    }
    return this.user.remove(id);
  }
}
