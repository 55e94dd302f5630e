// The lean Vitest config `npm run mutate` starts once per mutant (stryker.config.mjs): the project's
// unit + integration tests without the Vue plugin (no renderer code is mutated) and with threads,
// which start faster than forks.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: ['test/unit/renderer/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
  },
});
