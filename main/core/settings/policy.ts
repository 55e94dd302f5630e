// IT policy (issue 5 "IT policy"): one read-only, machine-wide JSON file (comments allowed) that can
// preconfigure profiles, lock profile fields, set the update feed or turn updates off, set the CA
// bundle, the proxy and the log level. Patchbay never writes it. An invalid policy still applies
// its valid keys; every rejected key is reported with the reason. resources/policy.example.jsonc
// documents the format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ProfileSchema, type Notice, type Profile } from '../../../preload/contract.ts';
import type { LogLevel } from '../log.ts';
import { policyFileTrust, powershellFileOwnerPort, type FileOwnerPort } from './file-trust.ts';
import { decodeJsonText, MAX_JSON_DEPTH, parseJsonSafely } from './safe-json.ts';
import { CaBundlePathSchema, describe, LogLevelSchema, NoProxySchema, profileLabel, ProxyUrlSchema } from './schema.ts';

/** Profile fields IT may preset and lock for the agents' own profiles. */
export const LOCKABLE_PROFILE_FIELDS = ['platform', 'servers', 'authMode', 'language', 'applicationName', 'options'] as const;
export type LockableProfileField = (typeof LOCKABLE_PROFILE_FIELDS)[number];

export type PolicyProxy = { url: string; noProxy?: string } | 'direct';

export interface Policy {
  /** Preconfigured profiles: shown to every agent, read-only. */
  profiles: Profile[];
  /** Values the agents' own new profiles start with (and must keep, for locked fields). */
  profileDefaults: Partial<Pick<Profile, LockableProfileField>>;
  lockedProfileFields: LockableProfileField[];
  /** false: agents use IT's profiles only. */
  allowUserProfiles: boolean;
  updates: { enabled?: boolean; feedUrl?: string };
  caBundle?: string;
  /** An explicit proxy, or 'direct' to ignore HTTPS_PROXY/NO_PROXY from the environment. */
  proxy?: PolicyProxy;
  logLevel?: LogLevel;
  /** Whether a profile may keep its password in the keychain ("remember password"). Default false. */
  rememberPassword: boolean;
  /** Whether refresh tokens are kept for a silent sign-in at the next start. Default true. */
  silentResume: boolean;
  /** Hosts (exact names, or ".domain" suffixes) a platform may name for failover beyond the profile
   *  server's own parent domain — Finesse SystemInfo nodes (issue 8 item 2). https only. */
  allowedServerHosts?: string[];
}

export interface RejectedPolicyKey {
  key: string;
  reason: string;
}

export interface PolicyLoad {
  /** Where the policy was looked for. */
  path: string;
  /** Whether a policy file exists there. */
  found: boolean;
  policy: Policy;
  rejected: RejectedPolicyKey[];
}

export function emptyPolicy(): Policy {
  return { profiles: [], profileDefaults: {}, lockedProfileFields: [], allowUserProfiles: true, updates: {}, rememberPassword: false, silentResume: true };
}

/** The machine-wide location per OS; PATCHBAY_POLICY_FILE overrides it (tests, staging) unless the
 *  app is packaged: an agent can set a user environment variable, so an installed app must not let one
 *  replace IT's policy. */
export function policyPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, allowOverride = true): string {
  if (allowOverride && env.PATCHBAY_POLICY_FILE) return env.PATCHBAY_POLICY_FILE;
  if (platform === 'win32') return join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'Patchbay', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Patchbay/policy.json';
  return '/etc/patchbay/policy.json';
}

export interface LoadPolicyOptions {
  path?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Who owns the file and who may write it; on Windows the policy is read only when IT alone can
   *  (issue 8 item 11). Default: Get-Acl through PowerShell on win32, no check elsewhere (/etc and
   *  /Library are writable by root only). */
  fileOwner?: FileOwnerPort;
  /** False in a packaged app: PATCHBAY_POLICY_FILE is ignored. Default true (dev, tests, CLI). */
  allowPathOverride?: boolean;
}

/** Never throws: whatever is wrong with the file becomes a rejected '(file)' entry (logged by the
 *  caller), and the app starts with the keys that could be applied. */
export function loadPolicy(options: LoadPolicyOptions = {}): PolicyLoad {
  const platform = options.platform ?? process.platform;
  const path = options.path ?? policyPath(platform, options.env, options.allowPathOverride ?? true);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, found: false, policy: emptyPolicy(), rejected: [] };
    return { path, found: true, policy: emptyPolicy(), rejected: [{ key: '(file)', reason: `cannot be read (${code ?? 'error'})` }] };
  }
  const fileOwner = options.fileOwner ?? (platform === 'win32' ? powershellFileOwnerPort : undefined);
  if (fileOwner) {
    const trust = policyFileTrust(path, fileOwner);
    if (!trust.trusted) {
      return {
        path,
        found: true,
        policy: emptyPolicy(),
        rejected: [{ key: '(file)', reason: `not trusted: ${trust.reason}; no part of the policy was applied (IT: let only Administrators and SYSTEM own and change the file and its folder)` }],
      };
    }
  }
  // PowerShell 5 writes a byte-order mark (UTF-8 or UTF-16): decode it, never reject the file for it.
  return { path, found: true, ...parsePolicy(decodeJsonText(bytes)) };
}

const UpdatesSchema = z
  .object({
    enabled: z.boolean().optional(),
    feedUrl: z
      .string()
      .trim()
      .refine((value) => {
        try {
          return new URL(value).protocol === 'https:';
        } catch {
          return false;
        }
      }, 'Use an https:// address')
      .optional(),
  })
  .strict();

const ProxySchema = z.union([
  z.literal('direct'),
  z.object({ url: ProxyUrlSchema, noProxy: NoProxySchema.optional() }).strict(),
]);

// Scalar keys: one schema each, applied independently.
const SCALAR_KEYS = {
  allowUserProfiles: z.boolean(),
  updates: UpdatesSchema,
  caBundle: CaBundlePathSchema,
  proxy: ProxySchema,
  logLevel: LogLevelSchema,
  rememberPassword: z.boolean(),
  silentResume: z.boolean(),
  allowedServerHosts: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, 'Use host names such as finesse-b.corp.example.com, or .corp.example.com for a whole domain'),
    )
    .max(64, 'At most 64 hosts'),
} as const;

const KNOWN_KEYS = new Set(['$schema', 'profiles', 'profileDefaults', 'lockedProfileFields', ...Object.keys(SCALAR_KEYS)]);

/** Parses policy text key by key: what is valid applies, what is not is listed with the reason. */
export function parsePolicy(text: string): { policy: Policy; rejected: RejectedPolicyKey[] } {
  const policy = emptyPolicy();
  const rejected: RejectedPolicyKey[] = [];
  const result = parseJsonSafely(text, { jsonc: true });
  if (!result.ok) {
    // A syntax error makes every value after it doubtful, and 200k levels of nesting is no policy:
    // apply nothing.
    const reason =
      result.problem === 'too-deep'
        ? `${result.reason} (at most ${MAX_JSON_DEPTH}); no part of the policy was applied`
        : `not valid JSON (${result.reason}); no part of the policy was applied`;
    rejected.push({ key: '(file)', reason });
    return { policy, rejected };
  }
  const raw = result.value;
  // `__proto__` and friends are never applied (they would reach a prototype, not a setting).
  for (const key of result.reserved) rejected.push({ key, reason: 'a reserved name, ignored' });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    rejected.push({ key: '(file)', reason: 'the policy must be a JSON object' });
    return { policy, rejected };
  }
  const doc = raw as Record<string, unknown>;

  for (const key of Object.keys(doc)) {
    if (!KNOWN_KEYS.has(key)) rejected.push({ key, reason: 'unknown policy key' });
  }

  for (const [key, schema] of Object.entries(SCALAR_KEYS)) {
    if (!Object.hasOwn(doc, key)) continue;
    const parsed = schema.safeParse(doc[key]);
    if (!parsed.success) {
      rejected.push({ key, reason: describe(parsed.error) });
      continue;
    }
    (policy as unknown as Record<string, unknown>)[key] = parsed.data;
  }

  if (Object.hasOwn(doc, 'profiles')) {
    if (!Array.isArray(doc.profiles)) rejected.push({ key: 'profiles', reason: 'must be a list of profiles' });
    else {
      const seen = new Set<string>();
      doc.profiles.forEach((item, index) => {
        const parsed = ProfileSchema.safeParse(item);
        const label = profileLabel(item, index);
        if (!parsed.success) rejected.push({ key: label, reason: describe(parsed.error) });
        else if (seen.has(parsed.data.id)) rejected.push({ key: label, reason: 'a second profile with the same id' });
        else if (parsed.data.lab) rejected.push({ key: label, reason: '"lab" profiles cannot come from the policy' });
        else {
          seen.add(parsed.data.id);
          policy.profiles.push(parsed.data);
        }
      });
    }
  }

  if (Object.hasOwn(doc, 'profileDefaults')) {
    const defaults = doc.profileDefaults;
    if (defaults === null || typeof defaults !== 'object' || Array.isArray(defaults)) {
      rejected.push({ key: 'profileDefaults', reason: 'must be an object' });
    } else {
      for (const [field, value] of Object.entries(defaults)) {
        if (!(LOCKABLE_PROFILE_FIELDS as readonly string[]).includes(field)) {
          rejected.push({ key: `profileDefaults.${field}`, reason: `not a field IT can preset (use one of ${LOCKABLE_PROFILE_FIELDS.join(', ')})` });
          continue;
        }
        const schema = ProfileSchema.shape[field as LockableProfileField];
        const parsed = schema.safeParse(value);
        if (!parsed.success) rejected.push({ key: `profileDefaults.${field}`, reason: describe(parsed.error) });
        else (policy.profileDefaults as Record<string, unknown>)[field] = parsed.data;
      }
    }
  }

  if (Object.hasOwn(doc, 'lockedProfileFields')) {
    const locked = doc.lockedProfileFields;
    if (!Array.isArray(locked)) rejected.push({ key: 'lockedProfileFields', reason: 'must be a list of field names' });
    else {
      locked.forEach((field, index) => {
        const key = `lockedProfileFields[${index}]`;
        if (typeof field !== 'string' || !(LOCKABLE_PROFILE_FIELDS as readonly string[]).includes(field)) {
          rejected.push({ key, reason: `not a lockable field (use one of ${LOCKABLE_PROFILE_FIELDS.join(', ')})` });
        } else if (!Object.hasOwn(policy.profileDefaults, field)) {
          rejected.push({ key, reason: `"${field}" is locked but profileDefaults gives it no valid value` });
        } else if (!policy.lockedProfileFields.includes(field as LockableProfileField)) {
          policy.lockedProfileFields.push(field as LockableProfileField);
        }
      });
    }
  }
  return { policy, rejected };
}

/** The one notice for a policy with rejected keys (nothing when it is fine or absent). */
export function policyNotice(load: PolicyLoad): Notice | undefined {
  if (load.rejected.length === 0) return undefined;
  const list = load.rejected.map((r) => `${r.key}: ${r.reason}`).join('; ');
  return {
    level: 'warning',
    message: `The IT policy ${load.path} has settings Patchbay could not use, so they were ignored (the rest applies): ${list}. Please tell your IT department.`,
  };
}
