// `npm test` prints why each skipped test skipped (issue 14 item 11): test/skip-reasons.ts.
import { describe, expect, it } from 'vitest';
import { playwrightSkips, skipLines, vitestSkips } from '../../skip-reasons.ts';

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
});
