// The browser shell's ExternalBrowser (a page in the LoginWindow's Chromium) through a whole Genesys
// Cloud sign-in against oidc-provider: the test attaches over CDP and acts as the agent on the login
// page, the page lands on the one-shot loopback listener, the code is exchanged; a second sign-in
// rides on the browser's login session with no form (RFC 8252: the system browser keeps its cookies).
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChromiumExternalBrowser, type ChromiumExternalBrowser } from '../../../main/browser-shell/external-browser.ts';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { createGenesysCloudAuth } from '../../../main/core/platforms/genesys-cloud/auth.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { FIXTURE_USER, startOidcFixture, type OidcFixture } from '../genesys-cloud/oidc-fixture.ts';

const log = createLogger({ sink: memorySink(), level: 'debug' });
let fixture: OidcFixture;
let window: ChromiumLoginWindow;
let external: ChromiumExternalBrowser;
let cdp: Browser | undefined;

beforeAll(async () => {
  fixture = await startOidcFixture();
  window = createChromiumLoginWindow({ log, headless: true, remoteDebuggingPort: 0 });
  external = createChromiumExternalBrowser({ chromium: window, log });
});
afterAll(async () => {
  await cdp?.close().catch(() => undefined);
  await external.close();
  await window.close();
  await fixture.close();
});

function auth() {
  const profile = ProfileSchema.parse({
    id: 'gc-shell',
    name: 'Genesys Cloud',
    platform: 'genesys-cloud',
    servers: [fixture.loginBase],
    authMode: 'sso',
    options: { genesysCloud: { loginBase: fixture.loginBase, clientId: fixture.clientId, redirectUri: fixture.redirectUri, loginMethod: 'system-browser' } },
  });
  return createGenesysCloudAuth({ profile, clock: systemClock, log, externalBrowser: external, createHttpSession: () => new HttpSession({ profileId: profile.id, log }) }, { signInTimeoutMs: 30_000 });
}

async function pageAt(prefix: string): Promise<Page> {
  for (let i = 0; i < 400; i++) {
    if (window.cdpEndpoint) {
      cdp ??= await chromium.connectOverCDP(window.cdpEndpoint);
      const page = cdp
        .contexts()
        .flatMap((c) => c.pages())
        .find((p) => p.url().startsWith(prefix));
      if (page) return page;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no page at ${prefix}`);
}

describe('browser shell ExternalBrowser', () => {
  it('the agent signs in on the login page in the "system browser"; the loopback redirect completes the sign-in', async () => {
    const a = auth();
    const signingIn = a.signIn();
    const login = await pageAt(`${fixture.loginBase}/login/`);
    await login.locator('input[name=username]').fill(FIXTURE_USER.userName);
    await login.locator('input[name=password]').fill(FIXTURE_USER.password);
    await login.locator('button[type=submit]').click();
    const info = await signingIn;
    expect(info.scopes).toContain('notifications');
    // The browser tab ends on our "return to Patchbay" page, with no token in its URL (GC-04).
    const landed = await pageAt(fixture.redirectUri);
    await landed.waitForLoadState('domcontentloaded');
    expect(await landed.textContent('body')).toContain('return to Patchbay');
    expect(landed.url()).not.toMatch(/access_token|refresh_token/);
    a.dispose();
  }, 30_000);

  it('a second sign-in rides on the browser\'s login session: no form, straight back', async () => {
    const before = fixture.requests.filter((r) => r.path.startsWith('/login/')).length;
    const b = auth();
    await b.signIn();
    expect(fixture.requests.filter((r) => r.path.startsWith('/login/')).length).toBe(before);
    b.dispose();
  }, 30_000);

  it('refuses anything but a web page', async () => {
    await expect(external.open({ url: 'file:///etc/passwd', profileId: 'p' })).rejects.toMatchObject({ code: 'login.failed' });
  });
});
