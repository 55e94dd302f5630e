// The user's settings file (DESIGN.md "settings/"): a zod schema with defaults and a `version`,
// migrations from every older version, and a salvaging parser — a bad key or a bad profile is
// dropped and reported, never a crash (issue 5 "Settings and profiles").
import { z } from 'zod';
import { fieldErrors, ProfileSchema, ShortcutSchema, type Profile } from '../../../preload/contract.ts';

export const SETTINGS_VERSION = 2;

export const LogLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);

/** http(s)://host[:port] of a forward proxy; user:password@ is allowed (the logs redact it). */
export const ProxyUrlSchema = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname === '/' || url.pathname === '') && !url.search;
    } catch {
      return false;
    }
  }, 'Use a proxy address such as http://proxy.example.com:3128');

/** A comma-separated NO_PROXY list (host names, .domain suffixes, host:port, *). */
export const NoProxySchema = z.string().trim().max(4000, 'At most 4000 characters');

export const CaBundlePathSchema = z
  .string()
  .trim()
  .min(1, 'A file path is required')
  .refine((value) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(value), 'Use an absolute path to a PEM file');

export const NetworkSettingsSchema = z
  .object({
    proxy: ProxyUrlSchema.optional(),
    noProxy: NoProxySchema.optional(),
    caBundle: CaBundlePathSchema.optional(),
  })
  .strict();

// The app's own language (issue 13 item 11); absent = the OS locale.
export const UiLanguageSchema = z.enum(['en', 'de']);

export const UpdateSettingsSchema = z.object({ enabled: z.boolean().default(true) }).strict();

// Ready / Not Ready keyboard shortcuts (issue 13 item 10); absent = the default, '' = off.
export const ShortcutSettingsSchema = z.object({ ready: ShortcutSchema.optional(), notReady: ShortcutSchema.optional() }).strict();

// Each top-level key is parsed on its own (see parseSettings), so each carries its own default.
export const SETTINGS_FIELDS = {
  profiles: z.array(ProfileSchema).default([]),
  logLevel: LogLevelSchema.default('info'),
  network: NetworkSettingsSchema.default({}),
  updates: UpdateSettingsSchema.default({ enabled: true }),
  language: UiLanguageSchema.optional(),
  shortcuts: ShortcutSettingsSchema.optional(),
} as const;

export const SettingsSchema = z.object({ version: z.literal(SETTINGS_VERSION), ...SETTINGS_FIELDS }).strict();
export type Settings = z.infer<typeof SettingsSchema>;

export function defaultSettings(): Settings {
  return SettingsSchema.parse({ version: SETTINGS_VERSION });
}

type Doc = Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n document into version n+1. */
export const MIGRATIONS: Record<number, (doc: Doc) => Doc> = {
  // v1 = the foundation's profiles.json ({version: 1, profiles}); v2 adds logLevel, network and
  // updates, whose defaults fill in below.
  1: (doc) => ({ ...doc, version: 2 }),
};

export interface ParsedSettings {
  settings: Settings;
  /** What was dropped or reset, one line each (no values: a value could be anything). */
  problems: string[];
  /** The version the document said it was (undefined when absent). */
  fromVersion: number | undefined;
}

/** Migrates and validates a settings document key by key; whatever is invalid is dropped (profiles
 *  one by one) and listed in `problems`. */
export function parseSettings(raw: unknown): ParsedSettings {
  const problems: string[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings: defaultSettings(), problems: ['the file is not a JSON object'], fromVersion: undefined };
  }
  let doc: Doc = { ...(raw as Doc) };
  const declared = doc.version;
  let version: number;
  if (declared === undefined) {
    version = 1; // the foundation's file had no other shape
  } else if (typeof declared === 'number' && Number.isInteger(declared) && declared >= 1) {
    version = declared;
  } else {
    problems.push('version: not a positive whole number');
    version = 1;
  }
  if (version > SETTINGS_VERSION) {
    problems.push(`version: written by a newer Patchbay (settings version ${version}); unknown parts were set aside`);
  }
  while (version < SETTINGS_VERSION) {
    const migrate = MIGRATIONS[version];
    if (!migrate) {
      problems.push(`version: no migration from version ${version}`);
      break;
    }
    doc = migrate(doc);
    version += 1;
  }

  const out: Doc = { version: SETTINGS_VERSION };
  for (const [key, schema] of Object.entries(SETTINGS_FIELDS)) {
    if (key === 'profiles') {
      out.profiles = parseProfiles(doc.profiles, problems);
      continue;
    }
    const parsed = schema.safeParse(doc[key]);
    if (parsed.success) out[key] = parsed.data;
    else {
      problems.push(`${key}: ${describe(parsed.error)} (reset to the default)`);
      out[key] = schema.parse(undefined);
    }
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'version' && !Object.hasOwn(SETTINGS_FIELDS, key)) problems.push(`${key}: unknown setting (dropped)`);
  }
  return { settings: SettingsSchema.parse(out), problems, fromVersion: typeof declared === 'number' ? declared : undefined };
}

function parseProfiles(value: unknown, problems: string[]): Profile[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push('profiles: not a list (reset to none)');
    return [];
  }
  const out: Profile[] = [];
  const seen = new Set<string>();
  value.forEach((item, index) => {
    let parsed = ProfileSchema.safeParse(item);
    const label = profileLabel(item, index);
    // A profile saved before ICWS-01's language check may hold a tag we no longer accept ("english"):
    // keep the profile and fall back to the default language rather than drop the agent's whole profile.
    if (!parsed.success && onlyLanguageFails(parsed.error) && item && typeof item === 'object') {
      const { language: _rejected, ...rest } = item as Record<string, unknown>;
      parsed = ProfileSchema.safeParse(rest);
      if (parsed.success) problems.push(`${label}: language: not a language Patchbay offers (reset to ${parsed.data.language})`);
    }
    if (!parsed.success) {
      problems.push(`${label}: ${describe(parsed.error)} (profile dropped)`);
      return;
    }
    if (seen.has(parsed.data.id)) {
      problems.push(`${label}: a second profile with the same id (dropped)`);
      return;
    }
    seen.add(parsed.data.id);
    out.push(parsed.data);
  });
  return out;
}

function onlyLanguageFails(error: z.ZodError): boolean {
  return error.issues.length > 0 && error.issues.every((issue) => issue.path.length === 1 && issue.path[0] === 'language');
}

export function profileLabel(item: unknown, index: number): string {
  const id = item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string' ? (item as { id: string }).id : undefined;
  return id && /^[a-z0-9][a-z0-9._-]{0,63}$/.test(id) ? `profiles[${index}] (${id})` : `profiles[${index}]`;
}

/** zod issues as "field: message; …" — zod's messages name the rule, never the value. */
export function describe(error: z.ZodError): string {
  return Object.entries(fieldErrors(error))
    .map(([field, message]) => (field === '(root)' ? message : `${field}: ${message}`))
    .join('; ');
}
