// Accessibility check for every e2e journey (issue 13 item 10): axe-core over the whole page with the
// WCAG 2.x A/AA rules plus best practices, colour contrast included (item 12). Any violation fails
// the test, with the rule ids, their impact and the offending selectors in the message.
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export interface AxeOptions {
  /** CSS selectors left out of the scan (e.g. a third-party frame the app does not own). */
  exclude?: string[];
}

/** Runs axe on `page` and fails on any violation; `label` names the point of the journey. */
export async function expectNoAxeViolations(page: Page, label: string, options: AxeOptions = {}): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  const results = await builder.analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`,
  );
  expect(summary, `axe violations at "${label}"`).toEqual([]);
  await expectNoDuplicateIds(page, label);
}

/** No id used twice in the page (label/aria references would point at the wrong element). */
export async function expectNoDuplicateIds(page: Page, label: string): Promise<void> {
  const duplicates = await page.evaluate(() => {
    const seen = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([id, count]) => `${id} ×${count}`);
  });
  expect(duplicates, `duplicate ids at "${label}"`).toEqual([]);
}
