// The typed error a step throws or a promise rejects with: a test fails when there is none, or when
// it is not a PatchbayError (an uncaught TypeError is a bug, not a refusal).
import { expect } from 'vitest';
import { PatchbayError } from '../../main/core/errors.ts';

export function thrown(run: () => unknown): PatchbayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchbayError);
    return error as PatchbayError;
  }
  throw new Error('did not throw');
}

export async function rejection(promise: Promise<unknown>): Promise<PatchbayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PatchbayError);
  return error as PatchbayError;
}
