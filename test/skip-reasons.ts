// Why each skipped test skipped (issue 14 item 11), and which tests failed, read from the Vitest and
// Playwright JSON reports, so `npm test` prints the reasons next to the skip count and names each
// failure in its last lines (CI keeps only the tail of a long log). Pure functions; test/run-all.ts prints them.
// Reasons come from the convention of this repository — a skipped block's title ends with
// "— skipped: <reason>" (Vitest) — and from Playwright's `test.skip(condition, description)` annotations.

export interface SkippedTest {
  name: string;
  reason: string;
}

const NO_REASON = 'no reason given in the test';

function reasonFromTitle(title: string): string | undefined {
  const match = /skipped:\s*(.+?)\s*\)?$/i.exec(title);
  return match?.[1];
}

interface VitestReport {
  testResults?: { name?: string; status?: string; message?: string; assertionResults?: { fullName?: string; title?: string; ancestorTitles?: string[]; status?: string; failureMessages?: string[] }[] }[];
}

export function vitestSkips(report: VitestReport): SkippedTest[] {
  const skipped: SkippedTest[] = [];
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status !== 'skipped' && test.status !== 'pending' && test.status !== 'todo') continue;
      const titles = [...(test.ancestorTitles ?? []), test.title ?? ''];
      const reason = titles.map(reasonFromTitle).find((r) => r !== undefined) ?? (test.status === 'todo' ? 'marked todo' : NO_REASON);
      skipped.push({ name: test.fullName ?? titles.join(' '), reason });
    }
  }
  return skipped;
}

interface PlaywrightSuite {
  title?: string;
  suites?: PlaywrightSuite[];
  specs?: { title?: string; file?: string; line?: number; tests?: { status?: string; annotations?: { type?: string; description?: string }[]; results?: { status?: string; error?: { message?: string } }[] }[] }[];
}

type PlaywrightTest = NonNullable<NonNullable<PlaywrightSuite['specs']>[number]['tests']>[number];

/** Every test of a Playwright report with its name (suite titles › spec title). */
function playwrightTests(report: { suites?: PlaywrightSuite[] }): { name: string; test: PlaywrightTest }[] {
  const tests: { name: string; test: PlaywrightTest }[] = [];
  const walk = (suite: PlaywrightSuite, path: string[]) => {
    const here = suite.title ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) for (const test of spec.tests ?? []) tests.push({ name: [...here, spec.title ?? ''].join(' › '), test });
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  return tests;
}

export function playwrightSkips(report: { suites?: PlaywrightSuite[] }): SkippedTest[] {
  return playwrightTests(report)
    .filter(({ test }) => (test.status ?? test.results?.at(-1)?.status) === 'skipped')
    .map(({ name, test }) => {
      const annotation = test.annotations?.find((a) => (a.type === 'skip' || a.type === 'fixme') && a.description);
      return { name, reason: annotation?.description ?? reasonFromTitle(name.split(' › ').at(-1) ?? '') ?? NO_REASON };
    });
}

/** "N skipped (not counted as passing)" and one line per reason with how many tests and an example. */
export function skipLines(skipped: SkippedTest[], count = skipped.length): string[] {
  const byReason = new Map<string, string[]>();
  for (const test of skipped) byReason.set(test.reason, [...(byReason.get(test.reason) ?? []), test.name]);
  const lines = [`${count} skipped (not counted as passing)${byReason.size > 0 ? ':' : ''}`];
  for (const [reason, names] of byReason) {
    lines.push(`  - ${reason} — ${names.length === 1 ? names[0] : `${names.length} tests, e.g. ${names[0]}`}`);
  }
  return lines;
}

/** A failed test, named so CI's last lines say which one failed (the log's middle may be cut). */
export interface FailedTest {
  name: string;
  /** The first line of the failure message, trimmed to 300 characters. */
  why: string;
}

// ANSI colour codes from the reporters would garble the summary.
const firstLine = (message: string | undefined): string => (message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '';

function relative(path: string | undefined, root: string | undefined): string {
  if (!path) return '';
  return root && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

export function vitestFailures(report: VitestReport, root?: string): FailedTest[] {
  const failures: FailedTest[] = [];
  for (const file of report.testResults ?? []) {
    const name = relative(file.name, root);
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedTests) failures.push({ name: `${name} › ${test.fullName ?? test.title ?? ''}`, why: firstLine(test.failureMessages?.[0]) });
    // A file that failed to load (or failed in a hook outside any test) has no failed test of its own.
    if (failedTests.length === 0 && file.status === 'failed') failures.push({ name, why: firstLine(file.message) || 'the file failed outside its tests' });
  }
  return failures;
}

export function playwrightFailures(report: { suites?: PlaywrightSuite[] }): FailedTest[] {
  return playwrightTests(report)
    .filter(({ test }) => test.status === 'unexpected' || test.status === 'flaky')
    .map(({ name, test }) => {
      const lastError = [...(test.results ?? [])].reverse().find((result) => result.error)?.error?.message;
      return { name: `${name}${test.status === 'flaky' ? ' (flaky: passed on retry)' : ''}`, why: firstLine(lastError) };
    });
}

/** "Failed tests:" and one line per failure with the first line of its message; nothing when none failed. */
export function failureLines(failures: FailedTest[]): string[] {
  if (failures.length === 0) return [];
  return ['Failed tests:', ...failures.flatMap((failure) => [`  - ${failure.name}`, ...(failure.why ? [`      ${failure.why}`] : [])])];
}
