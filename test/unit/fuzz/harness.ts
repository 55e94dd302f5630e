// Shared set-up of the property-based tests (issue 8 item 15): every parser that takes server,
// file or IPC input ends in a valid value or a typed PatchbayError — never an uncaught exception.
// FUZZ_RUNS sets the number of generated inputs per property: 10,000 inside `npm test`, 200,000 with
// `npm run fuzz` (FUZZ_RUNS=N npm run fuzz for another count). FUZZ_SEED replays a failure
// fast-check reported.
import fc from 'fast-check';
import { expect } from 'vitest';
import { isPatchbayError } from '../../../main/core/errors.ts';

// Small generated values: parsers' edge cases are in shapes, not in megabyte inputs (the size caps
// have their own tests), and 10,000 runs per parser must fit the 2-core CI budget.
fc.configureGlobal({ baseSize: 'small' });

// `npm run fuzz` (npm_lifecycle_event = fuzz) defaults to 200,000; `npm test` to 10,000.
const DEFAULT_RUNS = process.env.npm_lifecycle_event === 'fuzz' ? 200_000 : 10_000;
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS) || DEFAULT_RUNS);
/** Generous: 200k inputs of the slowest parser on a 2-core machine. */
export const FUZZ_TIMEOUT_MS = Math.max(60_000, FUZZ_RUNS * 2);

export function params<T>(): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return { numRuns: FUZZ_RUNS, ...(seed === undefined ? {} : { seed }) };
}

/** Runs `parse`; a throw must be a PatchbayError (then `onError` may look closer), a value must pass
 *  `check`. */
export function typedOrValue<T>(parse: () => T, check: (value: T) => void, onError?: (error: unknown) => void): void {
  let value: T;
  try {
    value = parse();
  } catch (error) {
    expect(isPatchbayError(error), `not a PatchbayError: ${String(error)}`).toBe(true);
    onError?.(error);
    return;
  }
  check(value);
}

export async function typedOrValueAsync<T>(parse: () => Promise<T>, check: (value: T) => void): Promise<void> {
  let value: T;
  try {
    value = await parse();
  } catch (error) {
    expect(isPatchbayError(error), `not a PatchbayError: ${String(error)}`).toBe(true);
    return;
  }
  check(value);
}

/** Text that looks like its input format: a valid sample, mutated (cut, spliced, characters
 *  inserted) or not, or any string at all. */
export function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const noise = fc.string({ unit: fc.constantFrom('<', '>', '/', '&', ';', '"', "'", '{', '}', '[', ']', ':', ',', '\\', '\n', '\r', '\u0000', '\uFEFF', '\uD800', 'é', '=', '#', ' ', 'a', '0') });
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 3, arbitrary: fc.tuple(valid, fc.nat(), fc.nat()).map(([s, a, b]) => s.slice(0, a % (s.length + 1)) + s.slice(b % (s.length + 1))) },
    { weight: 3, arbitrary: fc.tuple(valid, fc.nat(), noise).map(([s, at, extra]) => s.slice(0, at % (s.length + 1)) + extra + s.slice(at % (s.length + 1))) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

/** Nesting far deeper than any real document (the depth guards). */
export const deepNesting = fc.tuple(fc.integer({ min: 65, max: 3000 }), fc.constantFrom('[', '{"a":', '<a>')).map(([n, open]) => {
  const close = open === '[' ? ']' : open === '<a>' ? '</a>' : '}';
  return open.repeat(n) + (open === '<a>' ? 'x' : '1') + close.repeat(n);
});
