// Data directories of tests live under one known root so the secret scan run at the end of
// `npm test` (test/scan-secrets.ts) reads everything the app wrote: test-results/data/ unless
// PATCHBAY_TEST_DATA_ROOT says otherwise. Other tests should do the same (see the scan's header).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const TEST_DATA_ROOT = process.env.PATCHBAY_TEST_DATA_ROOT ?? join(REPO_ROOT, 'test-results', 'data');

export function testDataDir(prefix: string): string {
  mkdirSync(TEST_DATA_ROOT, { recursive: true });
  return mkdtempSync(join(TEST_DATA_ROOT, `${prefix}-`));
}
