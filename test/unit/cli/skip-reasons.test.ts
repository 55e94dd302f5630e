// `npm test` prints why each skipped test skipped (issue 14 item 11): test/skip-reasons.ts.
import { describe, expect, it } from 'vitest';
import { failureLines, playwrightFailures, playwrightSkips, skipLines, vitestFailures, vitestSkips } from '../../skip-reasons.ts';

describe('skip reasons', () => {
  it('reads the reason from a skipped Vitest block title and counts per reason', () => {
    const skipped = vitestSkips({
      testResults: [
        {
          assertionResults: [
            { fullName: 'keychain (gnome-keyring) — skipped: dbus-run-session is not installed stores', title: 'stores', ancestorTitles: ['keychain (gnome-keyring) — skipped: dbus-run-session is not installed'], status: 'skipped' },
            { fullName: 'keychain — skipped: dbus-run-session is not installed resumes', title: 'resumes', ancestorTitles: ['keychain — skipped: dbus-run-session is not installed'], status: 'skipped' },
            { fullName: 'a passes', title: 'passes', ancestorTitles: ['a'], status: 'passed' },
            { fullName: 'b bare', title: 'bare', ancestorTitles: ['b'], status: 'skipped' },
          ],
        },
      ],
    });
    expect(skipped.map((s) => s.reason)).toEqual(['dbus-run-session is not installed', 'dbus-run-session is not installed', 'no reason given in the test']);
    expect(skipLines(skipped)).toEqual([
      '3 skipped (not counted as passing):',
      '  - dbus-run-session is not installed — 2 tests, e.g. keychain (gnome-keyring) — skipped: dbus-run-session is not installed stores',
      '  - no reason given in the test — b bare',
    ]);
  });

  it("reads Playwright's skip annotation", () => {
    const skipped = playwrightSkips({
      suites: [{ title: 'silent-resume.spec.ts', specs: [{ title: 'resumes at start', tests: [{ status: 'skipped', annotations: [{ type: 'skip', description: 'no keychain: gnome-keyring is not running' }] }] }, { title: 'ok', tests: [{ status: 'expected' }] }] }],
    });
    expect(skipped).toEqual([{ name: 'silent-resume.spec.ts › resumes at start', reason: 'no keychain: gnome-keyring is not running' }]);
  });

  it('says 0 skipped with no list', () => {
    expect(skipLines([])).toEqual(['0 skipped (not counted as passing)']);
  });

  it('names each failed Vitest test with the first line of its message, and a file that failed outside its tests', () => {
    const failures = vitestFailures(
      {
        testResults: [
          { name: '/repo/test/a.test.ts', status: 'failed', assertionResults: [{ fullName: 'a fails', status: 'failed', failureMessages: ['\u001b[31mAssertionError: expected 1 to be 2\u001b[39m\n    at a.test.ts:3'] }, { fullName: 'a passes', status: 'passed' }] },
          { name: '/repo/test/b.test.ts', status: 'failed', message: 'Hook timed out in 20000ms', assertionResults: [] },
          { name: '/repo/test/c.test.ts', status: 'passed', assertionResults: [{ fullName: 'c passes', status: 'passed' }] },
        ],
      },
      '/repo',
    );
    expect(failures).toEqual([
      { name: 'test/a.test.ts › a fails', why: 'AssertionError: expected 1 to be 2' },
      { name: 'test/b.test.ts', why: 'Hook timed out in 20000ms' },
    ]);
    expect(failureLines(failures)).toEqual(['Failed tests:', '  - test/a.test.ts › a fails', '      AssertionError: expected 1 to be 2', '  - test/b.test.ts', '      Hook timed out in 20000ms']);
  });

  it('names each unexpected or flaky Playwright test with its last error', () => {
    const failures = playwrightFailures({
      suites: [{ title: 'x.spec.ts', specs: [{ title: 'breaks', tests: [{ status: 'unexpected', results: [{ status: 'failed', error: { message: 'Error: timed out\nmore' } }] }] }, { title: 'fine', tests: [{ status: 'expected' }] }, { title: 'wobbles', tests: [{ status: 'flaky', results: [{ status: 'failed', error: { message: 'once' } }, { status: 'passed' }] }] }] }],
    });
    expect(failures).toEqual([
      { name: 'x.spec.ts › breaks', why: 'Error: timed out' },
      { name: 'x.spec.ts › wobbles (flaky: passed on retry)', why: 'once' },
    ]);
    expect(failureLines([])).toEqual([]);
  });
});
