// GC-02: the scopes the Genesys Cloud session needs, in one place, and the check of the granted
// `scope` against them right after the code exchange — so a missing one is named to the agent
// before a notification channel opens, instead of a 403 later (seed 004 "The Trap").
// Genesys scope names (protocols/genesys-cloud.md §6): a resource word with an optional `:readonly`;
// the full scope satisfies its `:readonly` form.
import { PatchbayError } from '../../errors.ts';

export interface RequiredScope {
  /** The scope name; any entry of `satisfiedBy` also satisfies it. */
  scope: string;
  satisfiedBy: readonly string[];
  /** What the agent would miss, in the error message. */
  purpose: string;
}

export const REQUIRED_SCOPES: readonly RequiredScope[] = Object.freeze([
  { scope: 'users:readonly', satisfiedBy: ['users:readonly', 'users'], purpose: 'your user and routing details' },
  { scope: 'presence', satisfiedBy: ['presence'], purpose: 'setting your presence' },
  { scope: 'routing', satisfiedBy: ['routing'], purpose: 'your routing status' },
  { scope: 'conversations:readonly', satisfiedBy: ['conversations:readonly', 'conversations'], purpose: 'your conversations' },
  { scope: 'notifications', satisfiedBy: ['notifications'], purpose: 'live updates' },
]);

/** RFC 6749 §3.3: space-delimited; an absent scope means "as requested" — Genesys names them always. */
export function parseScopes(scope: string | undefined): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(/\s+/).filter((s) => s.length > 0))];
}

/** The required scopes the granted set does not cover, in REQUIRED_SCOPES order. */
export function missingScopes(granted: readonly string[], required: readonly RequiredScope[] = REQUIRED_SCOPES): RequiredScope[] {
  const have = new Set(granted);
  return required.filter((r) => !r.satisfiedBy.some((s) => have.has(s)));
}

export function missingScopesError(missing: readonly RequiredScope[]): PatchbayError {
  const names = missing.map((m) => m.scope);
  const purposes = missing.map((m) => m.purpose).join(', ');
  return new PatchbayError(
    'genesys-cloud.scopes.missing',
    `Genesys Cloud did not grant Patchbay the permissions it needs (${names.join(', ')}), so ${purposes} would not work. Ask IT to add ${names.length === 1 ? 'this scope' : 'these scopes'} to the OAuth client.`,
    { action: 'contact-it', details: { missing: names.join(' ') } },
  );
}

/** GC-02: throws `genesys-cloud.scopes.missing` naming every missing scope; returns the granted list. */
export function checkGrantedScopes(scope: string | undefined): string[] {
  const granted = parseScopes(scope);
  const missing = missingScopes(granted);
  if (missing.length > 0) throw missingScopesError(missing);
  return granted;
}
