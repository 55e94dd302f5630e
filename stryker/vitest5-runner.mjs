// Stryker test runner `vitest5` (docs/mutation.md "Runners"): @stryker-mutator/vitest-runner 9.6.1
// made to work with Vitest 5. One Vitest instance serves every mutant and, with perTest coverage,
// only the tests that reach a mutant run for it: ~10× faster than starting Vitest per mutant.
//
// The bug it works around: the runner names a test "describe test" (parts joined by a space) and,
// for a mutant run, selects the covering tests with a testNamePattern built from those names. Vitest 5
// matches that pattern against `fullTestName`, whose parts are joined by " > ", so every test inside a
// describe is skipped, no test runs, and every mutant "survives" (the void run in docs/mutation.md).
// Here the ids the runner reports (dry-run tests, per-test coverage, killedBy) are renamed to
// "<file>#<fullTestName>", so the pattern the runner builds from them matches again.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginKind, declareFactoryPlugin } from '@stryker-mutator/api/plugin';

const require = createRequire(import.meta.url);
const runnerDir = dirname(require.resolve('@stryker-mutator/vitest-runner/package.json'));
const { strykerPlugins: original } = await import(pathToFileURL(join(runnerDir, 'dist/src/index.js')).href);
const { normalizeTestId, collectTestsFromSuite } = await import(pathToFileURL(join(runnerDir, 'dist/src/vitest-helpers.js')).href);
const { toRawTestId } = await import(pathToFileURL(join(runnerDir, 'dist/src/test-helpers.js')).href);
const vitestFactory = original.find((p) => p.name === 'vitest').factory;

/** Map of the runner's test id → an id whose name part is Vitest's own full test name. */
function renames(ctx) {
  const map = new Map();
  for (const file of ctx.state.getFiles()) {
    for (const test of collectTestsFromSuite(file)) {
      if (typeof test.fullTestName !== 'string') continue; // older Vitest: the runner's names work
      const id = normalizeTestId(toRawTestId(test));
      map.set(id, `${id.slice(0, id.indexOf('#'))}#${test.fullTestName}`);
    }
  }
  return map;
}

function createVitest5Runner(injector) {
  const runner = vitestFactory(injector);
  let map = new Map();
  const rename = (id) => map.get(id) ?? id;
  const dryRun = runner.dryRun.bind(runner);
  const mutantRun = runner.mutantRun.bind(runner);
  runner.dryRun = async (options) => {
    const result = await dryRun(options);
    map = renames(runner.ctx);
    if (result.status !== 'complete') return result;
    const tests = result.tests.map((t) => ({ ...t, id: rename(t.id), name: rename(t.id).slice(rename(t.id).indexOf('#') + 1) }));
    const coverage = result.mutantCoverage && {
      static: result.mutantCoverage.static,
      perTest: Object.fromEntries(Object.entries(result.mutantCoverage.perTest).map(([id, hits]) => [rename(id), hits])),
    };
    return { ...result, tests, mutantCoverage: coverage };
  };
  runner.mutantRun = async (options) => {
    const result = await mutantRun(options);
    return result.killedBy ? { ...result, killedBy: result.killedBy.map(rename) } : result;
  };
  return runner;
}
createVitest5Runner.inject = vitestFactory.inject;

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'vitest5', createVitest5Runner)];
