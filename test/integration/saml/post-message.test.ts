// [ICWS-12] the pop-up option as a web application sees it, in Chromium: an application page opens
// the single sign-on start in a pop-up, the agent signs in on the IdP, and the return page posts
// `icwsSsoComplete` to its opener at exactly webBrowserApplicationOrigin. An opener from another
// origin receives nothing (the browser refuses the mismatched target origin). Against the lab IdP and
// SimpleSAMLphp.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleSamlPhpAvailable } from '../../rigs/simplesamlphp/ssp.ts';
import { IDP_ID, startSsoLab, type SsoLab } from './sso-lab.ts';

const APP_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>app</title></head><body><script>
window.received = [];
window.addEventListener('message', function (e) { window.received.push({ origin: e.origin, data: e.data }); });
</script></body></html>`;

async function appServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(APP_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const kinds = (['lab', 'ssp'] as const).filter((k) => k === 'lab' || simpleSamlPhpAvailable());

describe.each(kinds)('icwsSsoComplete postMessage, %s IdP [ICWS-12]', (kind) => {
  let lab: SsoLab;
  let browser: Browser;
  let appA: { origin: string; server: Server };
  let appB: { origin: string; server: Server };

  beforeAll(async () => {
    lab = await startSsoLab(kind);
    appA = await appServer();
    appB = await appServer();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
    for (const app of [appA, appB]) await new Promise((r) => app?.server.close(r));
  });

  /** Opens the start URL in a pop-up of `app`, as a web application would; returns the pop-up. */
  async function openSso(app: Page, origin: string): Promise<Page> {
    const url = `${lab.icws.url}/icws/connection/single-sign-on/identity-providers/${IDP_ID}?singleSignOnCapabilities=saml2Post,saml2Redirect&webBrowserApplicationOrigin=${encodeURIComponent(origin)}`;
    const [popup] = await Promise.all([app.context().waitForEvent('page'), app.evaluate((u) => void window.open(u, 'sso', 'width=500,height=600'), url)]);
    return popup;
  }

  it('posts the token to an opener at exactly webBrowserApplicationOrigin, and nothing to another origin', async () => {
    const context = await browser.newContext();
    try {
      // The application at origin A signs in: the agent fills the IdP form in the pop-up.
      const app = await context.newPage();
      await app.goto(`${appA.origin}/`);
      const popup = await openSso(app, appA.origin);
      await popup.locator(lab.form.user).fill('agent1');
      await popup.locator(lab.form.password).fill('agent1-lab-pw');
      await popup.locator(lab.form.submit).click();
      await app.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length > 0);
      const received = (await app.evaluate(() => (window as unknown as { received: { origin: string; data: string }[] }).received)) as { origin: string; data: string }[];
      expect(received).toHaveLength(1);
      expect(received[0]!.origin).toBe(lab.icws.url);
      expect(typeof received[0]!.data).toBe('string'); // JSON.stringify'd, as the seed says
      const message = JSON.parse(received[0]!.data) as { key: string; data: { token: string; errorMessage: string; errorId: string; httpStatus: number } };
      expect(message.key).toBe('icwsSsoComplete');
      expect(message.data).toMatchObject({ errorMessage: '', errorId: '', httpStatus: 200 });
      expect(message.data.token).toMatch(/^[\w-]{20,}$/);

      // An application at origin B starts a sign-in naming origin A: the IdP session signs in at
      // once, the return page posts to A, and the browser does not deliver it to B.
      const other = await context.newPage();
      await other.goto(`${appB.origin}/`);
      const popupB = await openSso(other, appA.origin);
      await popupB.waitForURL(`${lab.icws.url}/icws/connection/single-sign-on/return`);
      await popupB.waitForLoadState('load');
      expect(await popupB.content()).toContain(JSON.stringify(appA.origin)); // it did post, to A
      // Messages from one window arrive in order: once this sentinel is in, anything the return
      // page managed to deliver to B would be in too.
      await popupB.evaluate(() => window.opener.postMessage('sentinel', '*'));
      await other.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length > 0);
      const atB = (await other.evaluate(() => (window as unknown as { received: { data: string }[] }).received)) as { data: string }[];
      expect(atB.map((m) => m.data)).toEqual(['sentinel']);
    } finally {
      await context.close();
    }
  });
});
