// GWS as a SAML SP (GWS-04): against the lab's own IdP over plain HTTP (forms parsed by the test),
// and against SimpleSAMLphp, the real third-party IdP, in Chromium (its post.js page needs JavaScript).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGwsLab } from '../../../lab/gws/index.ts';
import type { GwsLab } from '../../../lab/gws/index.ts';
import { simpleSamlPhpAvailable, startSimpleSamlPhp } from '../../rigs/simplesamlphp/ssp.ts';
import type { SimpleSamlPhp } from '../../rigs/simplesamlphp/ssp.ts';
import { Caller, parseForm } from './gws-helpers.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Workspace URL with ?authType=saml → SP → lab IdP login form → signed Response (auto-post page). */
async function toIdpForm(lab: GwsLab, c: Caller): Promise<{ action: string; fields: Record<string, string>; hops: number }> {
  const start = await c.follow('GET', '/ui/wwe/index.html?authType=saml');
  expect(start.url.startsWith(lab.idp!.ssoUrl)).toBe(true);
  return { ...parseForm(start.reply.text, start.url), hops: start.hops };
}

describe('with the lab IdP (plain HTTP)', () => {
  let lab: GwsLab;
  beforeAll(async () => {
    lab = await startGwsLab();
  }, 30_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('the ACS signs the user in with a fresh JSESSIONID and lands on Workspace; the API accepts the cookie [GWS-04]', async () => {
    const c = new Caller(lab.baseUrl);
    const login = await toIdpForm(lab, c);
    const posted = await c.call('POST', login.action, { form: { ...login.fields, username: 'agent1', password: 'agent1-lab-pw' } });
    const acs = parseForm(posted.text, login.action);
    expect(acs.action).toBe(lab.saml.acsUrl);
    expect(acs.fields['SAMLResponse']).toBeTruthy();
    const landed = await c.follow('POST', acs.action, { form: acs.fields });
    expect(new URL(landed.url).pathname).toBe('/ui/wwe/index.html');
    expect(landed.reply.text).toContain('Signed in as agent1');
    lab.clearRequests();
    const me = await c.call('GET', '/api/v2/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user: { userName: 'agent1' } });
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'session', user: 'agent1' });
    expect(lab.sessions()).toContainEqual({ userName: 'agent1', method: 'saml' });
    console.log(`round trips, GWS SAML sign-in over HTTP (lab IdP): ${login.hops + 1 + landed.hops + 1} (Workspace → SP → IdP form, credentials, ACS → Workspace, first API GET)`);
    // The IdP session makes the next round password-free.
    const silent = await c.follow('GET', '/saml/login');
    expect(parseForm(silent.reply.text, silent.url).action).toBe(lab.saml.acsUrl);
  });

  it('refuses a tampered, a replayed or an unsolicited response, signing no one in [GWS-04]', async () => {
    const c = new Caller(lab.baseUrl);
    const login = await toIdpForm(lab, c);
    const posted = await c.call('POST', login.action, { form: { ...login.fields, username: 'agent2', password: 'agent2-lab-pw' } });
    const acs = parseForm(posted.text, login.action);
    const xml = Buffer.from(acs.fields['SAMLResponse']!, 'base64').toString('utf8');
    const tampered = Buffer.from(xml.replace(/>agent2</g, '>agent1<')).toString('base64');
    expect(tampered).not.toBe(acs.fields['SAMLResponse']);
    const failuresBefore = lab.saml.failures.length;
    const bad = await c.call('POST', acs.action, { form: { ...acs.fields, SAMLResponse: tampered } });
    expect(bad.status).toBe(401);
    expect(bad.headers.getSetCookie()).toEqual([]);
    expect(lab.saml.failures.length).toBe(failuresBefore + 1);
    // node-saml consumed the request id on the failed attempt: even the genuine response is now refused.
    const replay = await c.call('POST', acs.action, { form: acs.fields });
    expect(replay.status).toBe(401);
    expect((await c.call('GET', '/api/v2/me')).json).toMatchObject({ statusCode: 20 });
    const unsolicited = await new Caller(lab.baseUrl).call('POST', '/saml/SSO', { form: { SAMLResponse: Buffer.from('<x/>').toString('base64') } });
    expect(unsolicited.status).toBe(401);
  });

  it('setIdpDown takes the lab IdP down (503) and back', async () => {
    lab.setIdpDown(true);
    try {
      const c = new Caller(lab.baseUrl);
      const down = await c.follow('GET', '/saml/login');
      expect(down.reply.status).toBe(503);
    } finally {
      lab.setIdpDown(false);
    }
    const up = await new Caller(lab.baseUrl).follow('GET', '/saml/login');
    expect(up.reply.status).toBe(200);
  });

  it('serves SP metadata naming the ACS', async () => {
    const res = await fetch(lab.saml.metadataUrl);
    const xml = await res.text();
    expect(xml).toContain(`entityID="${lab.saml.entityId}"`);
    expect(xml).toContain(`Location="${lab.saml.acsUrl}"`);
  });
});

describe.skipIf(!existsSync(CHROMIUM) || !simpleSamlPhpAvailable())('with SimpleSAMLphp in Chromium', () => {
  let browser: Browser;
  let ssp: SimpleSamlPhp;
  let lab: GwsLab;
  beforeAll(async () => {
    ssp = await startSimpleSamlPhp();
    lab = await startGwsLab({ samlIdp: { entityId: ssp.entityId, ssoUrl: ssp.ssoUrl, certificatePem: ssp.certificate } });
    await ssp.addServiceProvider({ entityId: lab.saml.entityId, acsUrl: lab.saml.acsUrl });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
    await ssp?.stop();
  });

  it('signs the agent in through SimpleSAMLphp\'s form; the JSESSIONID works on the API [GWS-04]', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${lab.baseUrl}/ui/wwe/index.html?authType=saml`);
      await page.fill('#username', 'agent1');
      await page.fill('#password', 'agent1-lab-pw');
      await Promise.all([page.waitForURL(`${lab.baseUrl}/ui/wwe/index.html`), page.click('#submit_button')]);
      await expect(page.locator('#signed-in-user').textContent()).resolves.toContain('agent1');
      const jsession = (await context.cookies(lab.baseUrl)).find((c) => c.name === 'JSESSIONID');
      expect(jsession).toBeDefined();
      const me = await fetch(`${lab.baseUrl}/api/v2/me`, { headers: { cookie: `JSESSIONID=${jsession!.value}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { user: { userName: string } }).user.userName).toBe('agent1');
      expect(lab.saml.failures).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('setIdpDown on an external IdP: the SP sends the browser nowhere reachable', async () => {
    lab.setIdpDown(true);
    try {
      const res = await fetch(`${lab.baseUrl}/saml/login`, { redirect: 'manual' });
      expect(res.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:9\//);
    } finally {
      lab.setIdpDown(false);
    }
    const res = await fetch(`${lab.baseUrl}/saml/login`, { redirect: 'manual' });
    expect(res.headers.get('location')!.startsWith(ssp.ssoUrl)).toBe(true);
  });
});
