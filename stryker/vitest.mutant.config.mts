// The Vitest config of the `vitest5` runner (stryker.config.mjs, docs/mutation.md "Runners"): one
// Vitest instance for the whole mutation run. Lean on purpose: no Vue plugin (no renderer code is
// mutated), no globalSetup, no coverage; the test files are MUTATE_TESTS (comma-separated globs)
// or else the unit + integration tests (the runner then keeps those related to the mutated files).
// The runner adds its own setup file and runs, per mutant, only the tests that reached it in the
// initial run, stopping at the first failure. `isolate: false` was tried: no measurable gain.
import { defineConfig } from 'vitest/config';

const chosen = process.env.MUTATE_TESTS?.split(',').map((g) => g.trim()).filter(Boolean);

export default defineConfig({
  test: {
    include: chosen?.length ? chosen : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: ['test/unit/renderer/**', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
  },
});
