// Why each skipped test skipped (issue 14 item 11), read from the Vitest and Playwright JSON reports,
// so `npm test` prints the reasons next to the skip count. Pure functions; test/run-all.ts prints them.
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
  testResults?: { name?: string; assertionResults?: { fullName?: string; title?: string; ancestorTitles?: string[]; status?: string }[] }[];
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
  specs?: { title?: string; tests?: { status?: string; annotations?: { type?: string; description?: string }[]; results?: { status?: string }[] }[] }[];
}

export function playwrightSkips(report: { suites?: PlaywrightSuite[] }): SkippedTest[] {
  const skipped: SkippedTest[] = [];
  const walk = (suite: PlaywrightSuite, path: string[]) => {
    const here = suite.title ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const status = test.status ?? test.results?.at(-1)?.status;
        if (status !== 'skipped') continue;
        const annotation = test.annotations?.find((a) => (a.type === 'skip' || a.type === 'fixme') && a.description);
        skipped.push({ name: [...here, spec.title ?? ''].join(' › '), reason: annotation?.description ?? reasonFromTitle(spec.title ?? '') ?? NO_REASON });
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  return skipped;
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
