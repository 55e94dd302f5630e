// Where profiles live. The full settings layer (schema versions, IT policy, electron-store) is a
// later issue; this is the interface it will implement, plus a memory store and a JSON-file store.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ProfileSchema, type Profile } from '../../../preload/contract.ts';
import { PatchbayError } from '../errors.ts';

export interface ProfileStore {
  list(): Promise<Profile[]>;
  get(id: string): Promise<Profile | undefined>;
  save(profile: Profile): Promise<Profile>;
  remove(id: string): Promise<boolean>;
}

export class MemoryProfileStore implements ProfileStore {
  private readonly profiles = new Map<string, Profile>();
  constructor(initial: Profile[] = []) {
    for (const profile of initial) this.profiles.set(profile.id, profile);
  }
  async list(): Promise<Profile[]> {
    return [...this.profiles.values()];
  }
  async get(id: string): Promise<Profile | undefined> {
    return this.profiles.get(id);
  }
  async save(profile: Profile): Promise<Profile> {
    this.profiles.set(profile.id, profile);
    return profile;
  }
  async remove(id: string): Promise<boolean> {
    return this.profiles.delete(id);
  }
}

const ProfilesFileSchema = z.object({ version: z.literal(1), profiles: z.array(ProfileSchema) });

/** Profiles in one JSON file, written atomically (temp file + rename). */
export class FileProfileStore implements ProfileStore {
  private readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  private async readAll(): Promise<Profile[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new PatchbayError('settings.unreadable', `Cannot read the profiles file ${this.path}.`, { action: 'contact-it', cause: error });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new PatchbayError('settings.corrupt', `The profiles file ${this.path} is not valid JSON.`, { action: 'contact-it', cause: error });
    }
    const parsed = ProfilesFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new PatchbayError('settings.corrupt', `The profiles file ${this.path} does not match the expected format.`, { action: 'contact-it' });
    }
    return parsed.data.profiles;
  }
  private async writeAll(profiles: Profile[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ version: 1, profiles }, null, 2), { mode: 0o600 });
    await rename(temp, this.path);
  }
  async list(): Promise<Profile[]> {
    return this.readAll();
  }
  async get(id: string): Promise<Profile | undefined> {
    return (await this.readAll()).find((p) => p.id === id);
  }
  async save(profile: Profile): Promise<Profile> {
    const all = (await this.readAll()).filter((p) => p.id !== profile.id);
    all.push(profile);
    await this.writeAll(all);
    return profile;
  }
  async remove(id: string): Promise<boolean> {
    const all = await this.readAll();
    const kept = all.filter((p) => p.id !== id);
    if (kept.length === all.length) return false;
    await this.writeAll(kept);
    return true;
  }
}
