// Mutation testing (issue 9; DESIGN.md "Tests"): `npm run mutate` mutates the protocol logic and, for
// each mutant, runs the unit + integration tests related to the mutated files (`vitest related`), so
// a surviving mutant is a rule no test would notice breaking. docs/mutation.md has the scores and the
// reviewed list of equivalent survivors.
//
//   npm run mutate                                            # everything below (slow: hours on 2 cores)
//   npm run mutate -- --mutate main/core/auth/token-keeper.ts # one file (or a folder glob)
//   MUTATE_TESTS='test/unit/core/auth/token-keeper*.test.ts' npm run mutate -- --mutate main/core/auth/token-keeper.ts
//                                                             # only those tests (fast; a lower bound)
//
// Incremental: results are kept in reports/stryker-incremental.json, so a rerun only tests mutants
// whose code or tests changed (`-- --force` retests everything).
//
// Runners (docs/mutation.md "Runners"). Default `vitest5`: @stryker-mutator/vitest-runner with the
// Vitest 5 fix in stryker/vitest5-runner.mjs (9.6.1 alone selects tests by a name pattern Vitest 5
// never matches, so no test ran and every mutant "survived"). One Vitest instance for the whole run
// (stryker/vitest.mutant.config.mts) and, per mutant, only the tests that reached it: ~1.4 s a mutant
// instead of ~10 s. MUTATE_RUNNER=command starts Vitest once per mutant instead (the old way, slow,
// for cross-checking a result).
import { globSync } from 'node:fs';

const DEFAULT_MUTATE = [
  'main/core/platforms/**/*.ts',
  'main/core/auth/**/*.ts',
  'main/core/net/redirects.ts',
  'main/core/net/cookies.ts',
  'main/core/log.ts',
];

/** The --mutate / -m value Stryker was started with, else the default list. */
function mutatePatterns() {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if ((arg === '--mutate' || arg === '-m') && argv[i + 1]) return argv[i + 1].split(',');
    if (arg.startsWith('--mutate=')) return arg.slice('--mutate='.length).split(',');
  }
  return DEFAULT_MUTATE;
}

const expand = (patterns) => [...new Set(patterns.flatMap((p) => globSync(p.replace(/:\d[\d:-]*$/, '')).filter((f) => f.endsWith('.ts'))))].sort();
const mutatedFiles = expand(mutatePatterns().filter((p) => !p.startsWith('!')));
const chosenTests = process.env.MUTATE_TESTS ? expand(process.env.MUTATE_TESTS.split(',')) : undefined;
const vitest = 'node node_modules/vitest/vitest.mjs --config stryker/vitest.config.mts';
// No test for a mutant's file is a survivor, not a kill: --passWithNoTests.
const command = chosenTests
  ? `${vitest} run --reporter=dot --passWithNoTests ${chosenTests.join(' ')}`
  : `${vitest} related --run --reporter=dot --passWithNoTests ${mutatedFiles.join(' ')}`;

const runner = process.env.MUTATE_RUNNER === 'command'
  ? { testRunner: 'command', commandRunner: { command }, coverageAnalysis: 'off' }
  // MUTATE_TESTS → exactly those files; else Vitest picks the unit + integration tests related to the mutated files.
  : { testRunner: 'vitest5', vitest: { configFile: 'stryker/vitest.mutant.config.mts', related: !chosenTests }, coverageAnalysis: 'perTest' };
// Two people mutating at once: give each run its own incremental file and report directory.
const reportDir = process.env.MUTATE_REPORT_DIR ?? 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  ...runner,
  // Mutants that do not compile are dropped before any test runs. Its project is main/core only
  // (stryker/tsconfig.json); while someone's unfinished change breaks `tsc -b main`, add `--checkers ""`.
  checkers: ['typescript'],
  tsconfigFile: process.env.MUTATE_TSCONFIG ?? 'stryker/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: DEFAULT_MUTATE,
  // Mutants inside logger calls are reported as Ignored (stryker/ignore-log-calls.mjs, docs/mutation.md).
  plugins: ['@stryker-mutator/*', './stryker/ignore-log-calls.mjs', './stryker/vitest5-runner.mjs'],
  ignorers: ['log-calls'],
  incremental: true,
  incrementalFile: process.env.MUTATE_INCREMENTAL_FILE ?? 'reports/stryker-incremental.json',
  // The machine is shared (2 cores): one test runner and one checker.
  concurrency: 1,
  // Integration tests start lab servers: allow a slow run of a mutant before calling it a timeout.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  // Only what the tests need is copied into the sandbox (.stryker-tmp/, gitignored).
  ignorePatterns: ['.stryker-tmp*', 'dist', 'release', 'reports', 'test-results', 'artifacts', '.lab-profiles', '.tsbuild', 'test/e2e', 'test/electron'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `${reportDir}/mutation.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
};
