// The lab's own SAML IdP (lab/saml/idp.ts) over real sockets, walked without a browser: what it
// answers for AuthnRequests of registered and unknown SPs, its login form, its session cookie, its
// signed Response (uid + user_principal) and its fault control.
import { deflateRawSync } from 'node:zlib';
import nodeSaml from '@node-saml/node-saml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabIdp, type LabIdp } from '../../../lab/saml/idp.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { readForm } from './sso-lab.ts';

const SP = { entityId: 'urn:patchbay:test-sp', acsUrl: 'http://127.0.0.1:9/acs' };
let idp: LabIdp;

beforeAll(async () => {
  idp = await startLabIdp({ serviceProviders: [SP] });
});
afterAll(async () => {
  await idp.close();
});

function sp(options: { acsUrl?: string; issuer?: string } = {}) {
  return new nodeSaml.SAML({
    entryPoint: idp.ssoUrl,
    idpCert: idp.certificate,
    idpIssuer: idp.entityId,
    issuer: options.issuer ?? SP.entityId,
    callbackUrl: options.acsUrl ?? SP.acsUrl,
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    disableRequestedAuthnContext: true,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
  });
}

function postForm(http: HttpSession, url: string, fields: Record<string, string>) {
  return http.request({ method: 'POST', url, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), followRedirects: false });
}

describe('the lab SAML IdP', () => {
  it('publishes its metadata with both SSO bindings and its signing certificate', async () => {
    const res = await new HttpSession({ profileId: 't' }).request({ url: idp.metadataUrl });
    expect(res.status).toBe(200);
    const xml = res.text();
    expect(xml).toContain(`entityID="${idp.entityId}"`);
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${idp.ssoUrl}"`);
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${idp.ssoUrl}"`);
    expect(xml).toContain(idp.certificate.replace(/-----[^-]+-----|\s/g, '').slice(0, 60));
  });

  it('shows a login form, keeps the agent there on a wrong password, and answers a signed Response with uid and user_principal', async () => {
    const http = new HttpSession({ profileId: 't' });
    const saml = sp();
    const page = await http.request({ url: await saml.getAuthorizeUrlAsync('relay-1', undefined, {}), followRedirects: false });
    expect(page.status).toBe(200);
    expect(page.text()).toContain('id="login-form"');
    const form = readForm(page.text());
    const wrong = await postForm(http, new URL(form.action, idp.url).href, { ...form.fields, username: 'agent1', password: 'nope' });
    expect(wrong.status).toBe(200);
    expect(wrong.text()).toContain('Incorrect user name or password.');
    const listeners = process.listeners('uncaughtException').length;
    const ok = await postForm(http, new URL(form.action, idp.url).href, { ...readForm(wrong.text()).fields, username: 'agent1', password: 'agent1-lab-pw' });
    expect(ok.status).toBe(200);
    expect(ok.setCookie.some((c) => /^lab_idp_session=[\w-]+; Path=\/saml; HttpOnly; SameSite=Lax$/.test(c))).toBe(true);
    const post = readForm(ok.text());
    expect(post.action).toBe(SP.acsUrl);
    expect(post.fields.RelayState).toBe('relay-1');
    expect(ok.text()).toContain('document.forms[0].submit()');
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: post.fields.SAMLResponse! });
    expect(profile?.['uid']).toBe('agent1');
    expect(profile?.['user_principal']).toBe('agent1@lab.example');
    expect(profile?.nameIDFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:transient');
    expect(profile?.issuer).toBe(idp.entityId);
    // node-xmllint adds a process listener per validation; the IdP removes them again.
    expect(process.listeners('uncaughtException').length).toBe(listeners);

    // The IdP session: the next request (HTTP-POST binding this time) needs no password.
    const checks = idp.stats.passwordChecks;
    const second = sp();
    const message = await new nodeSaml.SAML({ ...second.options, authnRequestBinding: 'HTTP-POST', skipRequestCompression: true }).getAuthorizeMessageAsync('relay-2', undefined, {});
    const silent = await postForm(http, idp.ssoUrl, message as Record<string, string>);
    expect(readForm(silent.text()).action).toBe(SP.acsUrl);
    expect(idp.stats.passwordChecks).toBe(checks);
  });

  it('refuses an AuthnRequest from an unknown SP or for another ACS URL', async () => {
    const http = new HttpSession({ profileId: 't' });
    const unknown = await http.request({ url: await sp({ issuer: 'urn:someone-else' }).getAuthorizeUrlAsync('', undefined, {}) });
    expect(unknown.status).toBe(400);
    expect(unknown.text()).toContain('Unknown service provider');
    const otherAcs = await http.request({ url: await sp({ acsUrl: 'http://127.0.0.1:9/elsewhere' }).getAuthorizeUrlAsync('', undefined, {}) });
    expect(otherAcs.status).toBe(400);
    expect(otherAcs.text()).toContain('assertion consumer service this identity provider does not know');
    const garbage = await http.request({ url: `${idp.ssoUrl}?SAMLRequest=${encodeURIComponent(deflateRawSync('<not-saml/>').toString('base64'))}` });
    expect(garbage.status).toBe(400);
  });

  it('refuses a login form whose AuthState is unknown', async () => {
    const res = await postForm(new HttpSession({ profileId: 't' }), `${idp.url}/saml/login`, { AuthState: 'made-up', username: 'agent1', password: 'agent1-lab-pw' });
    expect(res.status).toBe(400);
    expect(res.text()).toContain('This sign-in page has expired.');
  });

  it('answers every page with 503 while down', async () => {
    idp.setDown(true);
    try {
      const res = await new HttpSession({ profileId: 't' }).request({ url: await sp().getAuthorizeUrlAsync('', undefined, {}) });
      expect(res.status).toBe(503);
      expect(res.text()).toContain('<title>Lab identity provider — Service unavailable</title>');
    } finally {
      idp.setDown(false);
    }
  });
});
