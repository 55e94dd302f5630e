// The IdS lab as a SAML SP in a real browser engine (Chromium runs the auto-submitting pages' JavaScript,
// FIN-04), against the tests' own IdP and against SimpleSAMLphp, the real third-party IdP.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinesseLab } from '../../../lab/finesse/lab.ts';
import type { FinesseLab } from '../../../lab/finesse/lab.ts';
import { simpleSamlPhpAvailable, startSimpleSamlPhp } from '../../rigs/simplesamlphp/ssp.ts';
import type { SimpleSamlPhp } from '../../rigs/simplesamlphp/ssp.ts';
import { call } from './finesse-helpers.ts';
import { startTestIdp } from './finesse-helpers.ts';
import type { TestIdp } from './finesse-helpers.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const hasChromium = existsSync(CHROMIUM);

/** Opens the token URL, signs in on the IdP's form, returns the token JSON the final response carried. */
async function browserSignIn(page: Page, lab: FinesseLab, form: { user: string; password: string; submit: string }, credentials: { username: string; password: string }): Promise<Record<string, unknown>> {
  const final = page.waitForResponse((r) => {
    const u = new URL(r.url());
    return u.pathname === '/desktop/sso/token' && u.searchParams.has('code');
  });
  await page.goto(`${lab.primary.url}/desktop/sso/token?cc_username=${credentials.username}&return_refresh_token=true`);
  await page.fill(form.user, credentials.username);
  await page.fill(form.password, credentials.password);
  await page.click(form.submit);
  const response = await final;
  expect(response.status()).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe.skipIf(!hasChromium)('in Chromium with the test IdP', () => {
  let browser: Browser;
  let idp: TestIdp;
  let lab: FinesseLab;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    idp = await startTestIdp({ accounts: [{ uid: 'sjefferson', userPrincipal: 'sjefferson@finesse.lab.invalid', password: 'sjefferson-idp-pw' }] });
    lab = await startFinesseLab();
    lab.setIdp({ entryPoint: idp.entryPoint, cert: idp.cert });
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
    await idp?.close();
  });

  it('completes the fetch hands-free past the auto-submitting pages (lab IdS in Chromium directly: what the client rules rely on)', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const json = await browserSignIn(page, lab, { user: 'input[name=username]', password: 'input[name=password]', submit: 'input[type=submit]' }, { username: 'sjefferson', password: 'sjefferson-idp-pw' });
      expect(json).toMatchObject({ user_id: 'sjefferson', expires_in: 300 });
      expect(typeof json['refresh_token']).toBe('string');
      const names = (await context.cookies()).map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining([`ids_session_${lab.ids.port}`, 'testidp']));
    } finally {
      await context.close();
    }
  });
});

describe.skipIf(!hasChromium || !simpleSamlPhpAvailable())('in Chromium with SimpleSAMLphp', () => {
  let browser: Browser;
  let ssp: SimpleSamlPhp;
  let lab: FinesseLab;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    ssp = await startSimpleSamlPhp({ users: [{ userName: 'sjefferson', password: 'sjefferson-idp-pw', uid: 'sjefferson' }] });
    lab = await startFinesseLab();
    await ssp.addServiceProvider({ entityId: lab.ids.fqdn, acsUrl: lab.ids.acsUrl });
    lab.setIdp({ entryPoint: ssp.ssoUrl, cert: ssp.certificate, idpIssuer: ssp.entityId });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
    await ssp?.stop();
  });

  it('accepts SimpleSAMLphp signed responses carrying uid and user_principal, and the token works on REST', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const json = await browserSignIn(page, lab, { user: '#username', password: '#password', submit: '#submit_button' }, { username: 'sjefferson', password: 'sjefferson-idp-pw' });
      expect(json['user_id']).toBe('sjefferson');
      expect(String(json['user_principal'])).toMatch(/^sjefferson@/);
      const rest = await call(`${lab.primary.url}/finesse/api/User/98411`, 'GET', { headers: { authorization: `Bearer ${String(json['token'])}` } });
      expect(rest.status).toBe(200);
    } finally {
      await context.close();
    }
  });

  it('also works with the HTTP-Redirect binding for the AuthnRequest', async () => {
    lab.setIdp({ entryPoint: ssp.ssoUrl, cert: ssp.certificate, idpIssuer: ssp.entityId, authnRequestBinding: 'redirect' });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const json = await browserSignIn(page, lab, { user: '#username', password: '#password', submit: '#submit_button' }, { username: 'sjefferson', password: 'sjefferson-idp-pw' });
      expect(json['user_id']).toBe('sjefferson');
    } finally {
      await context.close();
    }
  });
});
