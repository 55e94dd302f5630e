// "Show in folder" for a diagnostics zip (issue 13 item 5). The renderer names the file, so the path
// is untrusted input: only a zip Patchbay itself wrote in this run, inside its own diagnostics
// folder, may be shown — never an arbitrary renderer-chosen path (a compromised page must not make
// the file manager open, or probe, anything else on the machine).
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { PatchbayError } from '../errors.ts';

function refused(reason: string): PatchbayError {
  return new PatchbayError('diagnostics.path-refused', 'Patchbay can only show the diagnostics file it just saved.', { action: 'none', details: { reason } });
}

/** The path to show, or diagnostics.path-refused: a string, absolute, no `..` segment, inside `dir`,
 *  and one of the files this run wrote (`written`). */
export function revealablePath(raw: unknown, dir: string, written: ReadonlySet<string>): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return throwing(refused('not-a-path'));
  if (raw.includes('\0')) return throwing(refused('nul'));
  if (!isAbsolute(raw)) return throwing(refused('relative'));
  // Checked on the raw text, before resolve() folds it away: `dir/../dir/x.zip` is refused too.
  if (raw.split(/[\\/]/).includes('..')) return throwing(refused('dot-dot'));
  const path = resolve(raw);
  const inside = relative(resolve(dir), path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.includes(sep)) return throwing(refused('outside'));
  if (!written.has(path)) return throwing(refused('not-written'));
  return path;
}

function throwing(error: PatchbayError): never {
  throw error;
}

/** Remembers the zips this run wrote and checks a path against them. */
export class WrittenDiagnostics {
  private readonly written = new Set<string>();
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  remember(path: string): void {
    this.written.add(resolve(path));
  }

  check(raw: unknown): string {
    return revealablePath(raw, this.dir, this.written);
  }
}
