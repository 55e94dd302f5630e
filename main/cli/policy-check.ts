// `patchbay policy check [--file F]` (issue 14 item 7): IT tests a machine policy before rolling it
// out. The same parser the app uses (main/core/settings/policy.ts) reads it; the effective settings
// (policy over a fresh user's defaults) and every rejected key with its reason are printed; exit 1
// on any rejection, so a deployment pipeline can gate on it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PatchbayError } from '../core/errors.ts';
import { effectiveSettings } from '../core/settings/effective.ts';
import { loadPolicy, policyPath } from '../core/settings/policy.ts';
import { defaultSettings } from '../core/settings/schema.ts';
import { EXIT, parseCommand, usageError } from './args.ts';
import { commandHelp } from './help.ts';

export async function policy(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(commandHelp('policy'));
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (sub !== 'check') throw usageError(`There is no "policy ${sub}": use patchbay policy check [--file FILE].`);
  const parsed = parseCommand(rest, { file: { type: 'string' }, json: { type: 'boolean' } });
  if (parsed.help) {
    process.stdout.write(commandHelp('policy'));
    return EXIT.ok;
  }
  const path = parsed.values.file !== undefined ? resolve(parsed.values.file) : policyPath();
  // A policy that is absent is "no policy" to the app, but a file IT names must exist.
  if (!existsSync(path)) {
    throw new PatchbayError('cli.config.policy-missing', `There is no policy file at ${path}.`, { action: 'none' });
  }
  const load = loadPolicy({ path });
  const effective = effectiveSettings(defaultSettings(), load.policy);
  const p = load.policy;
  const result = {
    path: load.path,
    valid: load.rejected.length === 0,
    rejected: load.rejected,
    effective: {
      logLevel: effective.logLevel,
      network: effective.network,
      updates: effective.updates,
      locked: effective.locked,
      profiles: p.profiles.map((profile) => ({ id: profile.id, name: profile.name, platform: profile.platform, servers: profile.servers })),
      profileDefaults: p.profileDefaults,
      lockedProfileFields: p.lockedProfileFields,
      allowUserProfiles: p.allowUserProfiles,
      rememberPassword: p.rememberPassword,
      silentResume: p.silentResume,
    },
  };
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const lines = [`Policy ${load.path}: ${result.valid ? 'valid' : `${load.rejected.length} key${load.rejected.length === 1 ? '' : 's'} rejected (the app ignores them; the rest applies)`}`];
    for (const r of load.rejected) lines.push(`  rejected ${r.key}: ${r.reason}`);
    lines.push('Effective settings:');
    for (const [key, value] of Object.entries(result.effective)) lines.push(`  ${key}: ${JSON.stringify(value)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return result.valid ? EXIT.ok : EXIT.checkFailed;
}
