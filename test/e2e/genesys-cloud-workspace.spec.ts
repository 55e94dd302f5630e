// The embedded Genesys workspace in the browser shell (issue 12): an agent signed in to the lab's Genesys
// Cloud opens the pane; the component (lab/genesys-cloud-component, its own origin) is framed by a host
// page on a third origin; handshake, token hand-over by postMessage only, events shown, the token-expiring
// renewal, hostile messages ignored. Then the proof of GC-04: the token the component received (read from
// its own validation request) is nowhere in the renderer's Pinia state, its DOM, the messages its window
// received, or any URL any frame requested.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { connectAgent, pageWith, SHOTS, startApp, type RunningApp } from './helpers/app.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';

const PROFILE = 'lab-gc-agent2-window';
const USER = 'gc-agent2';
let app: RunningApp | undefined;

test.beforeAll(async () => {
  app = await startApp({ cdp: true });
});
test.afterAll(async () => {
  await app?.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(app!.launchUrl);
  await page.getByTestId(`profile-item-${PROFILE}`).click();
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/waiting for you/i, { timeout: 15_000 });
  const agent = await connectAgent(app!.cdpPort);
  try {
    const login = await pageWith(agent, 'input[name=password]');
    await login.locator('input[name=username]').fill(USER);
    await login.locator('input[name=password]').fill('gc-agent2-lab-pw');
    await login.locator('button[type=submit]').click();
  } finally {
    await agent.close();
  }
  await expect(page.getByTestId('session-phase')).toHaveText(/signed in/i, { timeout: 20_000 });
}

/** Everything the renderer holds or saw, as text: Pinia state (Maps included), its DOM, window messages. */
async function rendererText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const replacer = (_key: string, value: unknown) => (value instanceof Map ? [...value.entries()] : value instanceof Set ? [...value] : value);
    const app = (document.querySelector('#app') as (Element & { __vue_app__?: { config: { globalProperties: { $pinia?: { state: { value: unknown } } } } } }) | null)?.__vue_app__;
    const pinia = app?.config.globalProperties.$pinia?.state.value;
    const messages = (window as unknown as { __seenMessages?: string[] }).__seenMessages ?? [];
    return JSON.stringify({ pinia, messages }, replacer) + document.documentElement.outerHTML;
  });
}

test('the Genesys workspace opens in place: handshake, events, renewal, hostile messages ignored, and no token in the renderer [GC-04, GC-05, GC-06, GC-08, GC-10]', async ({ page }) => {
  test.setTimeout(120_000);
  // Every message the renderer's own window receives (GC-04: none may carry the token).
  // Every message the renderer's own window receives — postMessage and every frame of its WebSocket to
  // main, so a token that passed through the renderer even for a moment is caught (GC-04). The top
  // window only: the host page (its own origin, a child frame) legitimately relays the token.
  await page.addInitScript(() => {
    if (window.top !== window) return;
    const seen: string[] = [];
    (window as unknown as { __seenMessages: string[] }).__seenMessages = seen;
    window.addEventListener('message', (event) => seen.push(JSON.stringify(event.data ?? null)));
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.addEventListener('message', (event) => seen.push(String(event.data)));
      }
    };
  });
  const urls: string[] = [];
  const tokens: string[] = [];
  let hostCsp = '';
  page.on('request', (request) => {
    urls.push(request.url());
    // The component's own check of the token it was handed: the only place the test learns it.
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/validate') tokens.push(request.postData() ?? '');
  });
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/host') hostCsp = response.headers()['content-security-policy'] ?? '';
  });

  await signIn(page);
  const opened = Date.now();
  await page.getByTestId('workspace-toggle').click();
  await expect(page.getByTestId('workspace-phase')).toHaveText('Workspace ready', { timeout: 20_000 });
  console.log(`open workspace → session-start: ${Date.now() - opened} ms`);
  await expect(page.getByTestId('workspace-queue')).toHaveText('1 of 7');
  await expect(page.getByTestId('workspace-last-interaction')).toHaveText('lab-interaction-1');

  // Three origins: the renderer, the host page (its own port), the component (its own address).
  const frame = page.getByTestId('workspace-frame');
  const hostUrl = new URL((await frame.getAttribute('src'))!);
  expect(hostUrl.origin).not.toBe(new URL(page.url()).origin);
  const componentFrame = page.frames().find((f) => new URL(f.url()).pathname === '/' && f.parentFrame()?.url().startsWith(hostUrl.origin));
  expect(componentFrame, 'the component frame inside the host page').toBeTruthy();
  const componentOrigin = new URL(componentFrame!.url()).origin;
  expect(componentOrigin).not.toBe(hostUrl.origin);
  // GC-08: the host page's CSP names the exact component origin, no wildcard; only the renderer may frame it.
  expect(hostCsp).toContain(`frame-src ${componentOrigin}`);
  expect(hostCsp).not.toContain('*');
  expect(hostCsp).toContain(`frame-ancestors ${new URL(page.url()).origin}`);

  // token-expiring (the lab sends it 1.5 s after session-start) → a fresh token is handed over (GC-05).
  await expect.poll(() => tokens.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('workspace-phase')).toHaveText('Workspace ready');
  expect(new Set(tokens).size, 'each hand-over a freshly renewed token').toBe(tokens.length);
  await expectNoAxeViolations(page, 'genesys-cloud-workspace');
  await page.screenshot({ path: join(SHOTS, 'genesys-cloud-workspace.png'), fullPage: true });
  // The pane is labelled and keyboard-usable: axe on it (the component's own page is the vendor's, not ours).
  const axe = await new AxeBuilder({ page }).include('[data-testid="workspace"]').exclude('[data-testid="workspace-frame"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  await page.getByTestId('workspace-toggle').focus();
  await expect(page.getByTestId('workspace-toggle')).toHaveAttribute('aria-expanded', 'true');

  // Hostile: a replayed ready and a frame of another origin sending session-start / ready (GC-06, GC-10).
  await fetch(`${componentOrigin}/lab/replayReady`, { method: 'POST' });
  await fetch(`${componentOrigin}/lab/wrongOrigin`, { method: 'POST' });
  await page.getByTestId('workspace-toggle').click(); // close
  await expect(page.getByTestId('workspace')).toHaveCount(0);
  await page.getByTestId('workspace-toggle').click(); // open again: the component replays ready, a hostile frame posts
  await expect(page.getByTestId('workspace-phase')).toHaveText('Workspace ready', { timeout: 20_000 });
  await page.waitForTimeout(1_000); // the replayed ready (300 ms) and the hostile frame's messages arrive
  await expect(page.getByTestId('workspace-phase')).toHaveText(/Workspace ready|Renewing/);
  await fetch(`${componentOrigin}/lab/replayReady?on=false`, { method: 'POST' });
  await fetch(`${componentOrigin}/lab/wrongOrigin?on=false`, { method: 'POST' });
  const log = readFileSync(join(app!.dataDir, 'logs', 'patchbay.log'), 'utf8');
  expect(log).toMatch(/workspace\.message\.ignored[^\n]*replayed-ready/);
  expect(log).toMatch(/workspace\.message\.ignored[^\n]*(wrong-origin|wrong-source)/);

  // GC-04: the token never reached the renderer, a URL or the log.
  expect(tokens.length).toBeGreaterThanOrEqual(2);
  const seen = await rendererText(page);
  expect(seen, 'the capture saw the workspace.state events').toContain('workspace.state');
  for (const token of tokens) {
    expect(token.length).toBeGreaterThan(16);
    expect(seen).not.toContain(token);
    for (const url of urls) expect(url).not.toContain(token);
    expect(log).not.toContain(token);
  }

  await page.getByTestId('signout').click();
  await expect(page.getByTestId('session-phase')).toHaveText(/signed out/i, { timeout: 15_000 });
  await expect(page.getByTestId('workspace')).toHaveCount(0);
});
