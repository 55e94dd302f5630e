// The shared axe check (helpers/axe.ts) really fails: low colour contrast, a nameless button and a
// duplicate id each make it throw, and a clean page passes (issue 13 items 10, 12).
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from './helpers/axe.ts';

const page = (body: string) => `<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Check</h1>${body}</main></body></html>`;

test('expectNoAxeViolations passes a clean page and fails on contrast, a nameless control and a duplicate id', async ({ page: p }) => {
  await p.setContent(page('<p style="color:#000;background:#fff">Readable</p>'));
  await expectNoAxeViolations(p, 'clean');
  for (const [name, body, rule] of [
    ['contrast', '<p style="color:#bbb;background:#fff">Faint</p>', /color-contrast/],
    ['button', '<button></button>', /button-name/],
    ['duplicate id', '<p id="x">a</p><p id="x">b</p>', /x ×2/],
  ] as const) {
    await p.setContent(page(body));
    const error = await expectNoAxeViolations(p, name).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error), name).toMatch(rule);
  }
});
