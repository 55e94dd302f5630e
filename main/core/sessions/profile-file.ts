// Profile files (one JSON profile per file, as `patchbay lab --profiles-out` writes them). A lab
// fixture may carry its fake user's password so the CLI can sign in headlessly (DESIGN.md
// "Profiles"); real profiles never hold a password.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fieldErrors, ProfileSchema, type Profile } from '../../../preload/contract.ts';
import { PatchbayError } from '../errors.ts';
import { decodeJsonText, parseJsonSafely } from '../settings/safe-json.ts';

export const ProfileFileSchema = ProfileSchema.safeExtend({ fixturePassword: z.string().min(1).optional() }).superRefine((file, ctx) => {
  // A password in a file is a lab fixture's fake one only (DESIGN.md "Profiles"; issue 8 item 4).
  if (file.fixturePassword !== undefined && file.lab !== true) {
    ctx.addIssue({ code: 'custom', path: ['fixturePassword'], message: 'only lab profiles (lab: true) may carry a fixture password' });
  }
});

export interface ProfileFile {
  profile: Profile;
  fixturePassword?: string;
}

/** Parses one profile file; bad input of any shape ends in a typed PatchbayError (issue 8 item 10:
 *  BOM allowed, depth-guarded, `__proto__`/`constructor` refused). */
export function parseProfileFile(text: string, source: string): ProfileFile {
  const result = parseJsonSafely(text);
  if (!result.ok) {
    if (result.problem === 'too-deep') throw new PatchbayError('profile-file.too-deep', `${source} is not a profile: ${result.reason}.`, { action: 'none' });
    throw new PatchbayError('profile-file.bad-json', `${source} is not valid JSON.`, { action: 'none' });
  }
  if (result.reserved.length > 0) {
    throw new PatchbayError('profile-file.invalid', `${source} is not a valid profile — ${result.reserved[0]}: a reserved name`, { action: 'none' });
  }
  const raw = result.value;
  const parsed = ProfileFileSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = Object.entries(fieldErrors(parsed.error)).map(([field, message]) => `${field}: ${message}`);
    throw new PatchbayError('profile-file.invalid', `${source} is not a valid profile — ${fields.join('; ')}`, { action: 'none' });
  }
  const { fixturePassword, ...profile } = parsed.data;
  return fixturePassword === undefined ? { profile } : { profile, fixturePassword };
}

export async function readProfileFile(path: string): Promise<ProfileFile> {
  let text: string;
  try {
    text = decodeJsonText(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PatchbayError('profile-file.unreadable', `Cannot read the profile file ${path}${code ? ` (${code})` : ''}.`, { action: 'none' });
  }
  return parseProfileFile(text, path);
}

export async function readProfileDir(dir: string): Promise<ProfileFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(names.map((name) => readProfileFile(join(dir, name))));
}
