// Mutation testing (issue 9; DESIGN.md "Tests"): `npm run mutate` mutates the protocol logic and runs
// the unit + integration tests that import the mutated file (vitest "related" mode, per-test coverage),
// so a surviving mutant is a rule no test would notice breaking. docs/mutation.md has the scores and the
// reviewed list of equivalent survivors.
//
// One file or folder: `npm run mutate -- --mutate main/core/auth/token-keeper.ts` (the CLI flag
// replaces the list below). Incremental: results are kept in reports/stryker-incremental.json, so a
// rerun only tests mutants whose code or covering tests changed (`-- --force` retests everything).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.mts', related: true },
  // Mutants that do not compile are dropped before any test runs (the sources are strict TypeScript).
  checkers: ['typescript'],
  tsconfigFile: 'main/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'main/core/platforms/**/*.ts',
    'main/core/auth/**/*.ts',
    'main/core/net/redirects.ts',
    'main/core/net/cookies.ts',
    'main/core/log.ts',
  ],
  // Mutants inside logger calls are reported as Ignored (stryker/ignore-log-calls.mjs, docs/mutation.md).
  plugins: ['@stryker-mutator/*', './stryker/ignore-log-calls.mjs'],
  ignorers: ['log-calls'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The machine is shared (2 cores): one test runner and one checker.
  concurrency: 1,
  // Integration tests start lab servers: allow a slow first run of a mutant before calling it a timeout.
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // Only what the tests need is copied into the sandbox (.stryker-tmp/, gitignored).
  ignorePatterns: ['dist', 'release', 'reports', 'test-results', 'artifacts', '.lab-profiles', '.tsbuild', 'test/e2e', 'test/electron'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
};
