// Argument parsing for every `patchbay` command: node:util parseArgs (strict), `--help`/`-h` on each
// command, and the documented, stable exit codes (issue 14 items 1 and 4).
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { PatchbayError } from '../core/errors.ts';

/** Exit codes, documented in every `--help` and in README; never renumbered (monitors read them). */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, configuration: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Error codes that mean "the command line is wrong" (2) or "the set-up is wrong" (3); the rest is 1. */
const CONFIGURATION = [/^profile-file\./, /^cli\.config/, /^cli\.credentials-missing$/, /^cli\.data-dir-missing$/, /^cli\.no-keychain$/, /^start\.bad-time-scale$/, /^start\.renderer-missing$/, /^lab\.not-installed$/];

export function exitCodeOf(error: PatchbayError): ExitCode {
  if (error.code === 'cli.usage') return EXIT.usage;
  if (CONFIGURATION.some((pattern) => pattern.test(error.code))) return EXIT.configuration;
  return EXIT.checkFailed;
}

export function usageError(message: string): PatchbayError {
  return new PatchbayError('cli.usage', message, { action: 'none' });
}

export type Values<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>>['values'];
export type Parsed<T extends ParseArgsOptionsConfig> = { help: true } | { help: false; values: Values<T> };

/** Parses `argv` against `options` plus `--help`/`-h`. Asking for help wins over any other mistake
 *  on the line (so `probe --bogus --help` still shows the help); a wrong option is a usage error. */
export function parseCommand<T extends ParseArgsOptionsConfig>(argv: string[], options: T): Parsed<T> {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    return { help: false, values: values as Values<T> };
  } catch (error) {
    // parseArgs throws TypeErrors with codes ERR_PARSE_ARGS_*; their messages name the option.
    throw usageError(error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '.') : String(error));
  }
}

/** A whole number of seconds in [min, max], else a usage error naming the option. */
export function secondsOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) throw usageError(`--${name} takes a number of seconds between ${min} and ${max}.`);
  return value;
}

export function choiceOption<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) throw usageError(`--${name} takes one of: ${choices.join(', ')} (not "${raw}").`);
  return raw as T;
}
