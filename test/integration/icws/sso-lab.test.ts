// The lab ICWS as a SAML 2.0 service provider (lab/icws/sso.ts) with the lab's samlify IdP, walked
// without a browser: every page's form is read and posted by the test (seed 000 "Using Single
// Sign-on"; RULES.md ICWS-08..14), plus the responses node-saml must refuse (tampered, replayed,
// unsolicited, foreign signature, mismatched RelayState).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import * as samlify from 'samlify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LAB_IDP_CERT_FILE, LAB_IDP_KEY_FILE } from '../../../lab/saml/idp.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import type { HttpResponse } from '../../../main/core/net/types.ts';
import { IDP_ID, readForm, startSsoLab, type SsoLab } from '../saml/sso-lab.ts';

const ORIGIN = 'http://127.0.0.1:43999';
const REDIRECT_URI = 'http://127.0.0.1/app/after-sso';
const SSO = '/icws/connection/single-sign-on';
const SSO_TYPE = 'urn:inin.com:connection:singleSignOnTokenConnectionRequestSettings';

let lab: SsoLab;
beforeAll(async () => {
  lab = await startSsoLab('lab');
});
afterAll(async () => {
  await lab.close();
});
beforeEach(() => {
  lab.icws.clearRequests();
  lab.icws.sso.failures.length = 0;
});

const get = (http: HttpSession, path: string, follow = false) =>
  http.request({ url: `${lab.icws.url}${path}`, headers: { 'Accept-Language': 'en-US' }, followRedirects: follow });

function postForm(http: HttpSession, url: string, fields: Record<string, string>): Promise<HttpResponse> {
  return http.request({
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    followRedirects: false,
  });
}

function startPath(params: Record<string, string>, idp = IDP_ID): string {
  return `${SSO}/identity-providers/${idp}?${new URLSearchParams(params).toString()}`;
}

/** Start → IdP → login form → the IdP's self-posting page: the SAMLResponse and RelayState to post. */
async function samlResponseFor(http: HttpSession, params: Record<string, string>, user = 'agent1', password = `${user}-lab-pw`): Promise<{ action: string; fields: Record<string, string> }> {
  const start = await get(http, startPath(params));
  let idpPage: HttpResponse;
  if (start.status === 302) {
    idpPage = await http.request({ url: start.headers.location!, followRedirects: false });
  } else {
    const form = readForm(start.text());
    idpPage = await postForm(http, form.action, form.fields);
  }
  let html = idpPage.text();
  if (html.includes('id="login-form"')) {
    const login = readForm(html);
    const res = await postForm(http, new URL(login.action, idpPage.url).href, { ...login.fields, username: user, password });
    html = res.text();
  }
  return readForm(html);
}

async function connectWith(http: HttpSession, token: string): Promise<HttpResponse> {
  return http.request({
    method: 'POST',
    url: `${lab.icws.url}/icws/connection`,
    headers: { 'Accept-Language': 'en-US', 'Content-Type': 'application/json' },
    json: { __type: SSO_TYPE, applicationName: 'lab test', singleSignOnToken: token },
    followRedirects: false,
  });
}

/** The icwsSsoComplete call of a return page: its message and target origin as written. */
function postMessageOf(html: string): { message: { key: string; data: Record<string, unknown> }; targetOrigin: string } {
  const m = /var message=JSON\.stringify\((\{.*?\})\);.*?postMessage\(message,("[^"]*")\)/s.exec(html);
  if (!m) throw new Error('no postMessage on the page');
  return { message: JSON.parse(m[1]!), targetOrigin: JSON.parse(m[2]!) };
}

describe('server-info and the start of single sign-on', () => {
  it('lists identity providers only for the named capabilities [ICWS-08]', async () => {
    const http = new HttpSession({ profileId: 't' });
    const ids = async (query: string) =>
      ((await get(http, `/icws/connection/server-info${query}`)).json() as { authentication: { identityProviders: { identityProviderId: string }[] } }).authentication.identityProviders.map((p) => p.identityProviderId);
    expect(await ids('')).toEqual([]);
    expect(await ids('?singleSignOnCapabilities=saml2Post')).toEqual([IDP_ID]);
    expect(await ids('?singleSignOnCapabilities=saml2Post,saml2Redirect')).toEqual([IDP_ID, 'redirect-only-idp']);
  });

  it('answers saml2Post first with a self-posting AuthnRequest form to the IdP [ICWS-10]', async () => {
    const res = await get(new HttpSession({ profileId: 't' }), startPath({ singleSignOnCapabilities: 'saml2Post,saml2Redirect', webBrowserApplicationOrigin: ORIGIN }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const form = readForm(res.text());
    expect(form.action).toBe(lab.labIdp!.ssoUrl);
    expect(form.fields.RelayState).toBe(`${IDP_ID}|w:${ORIGIN}`);
    const request = Buffer.from(form.fields.SAMLRequest!, 'base64').toString('utf8');
    expect(request).toContain('<samlp:AuthnRequest');
    expect(request).toContain(`AssertionConsumerServiceURL="${lab.icws.sso.acsUrl}"`);
    expect(request).toContain(`>${lab.icws.sso.entityId}</saml:Issuer>`);
    expect(res.text()).toContain('document.forms[0].submit()');
  });

  it('answers saml2Redirect first with a redirect carrying the deflated AuthnRequest [ICWS-10]', async () => {
    const res = await get(new HttpSession({ profileId: 't' }), startPath({ singleSignOnCapabilities: 'saml2Redirect,saml2Post', redirectUri: REDIRECT_URI }));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(lab.labIdp!.ssoUrl);
    expect(location.searchParams.get('RelayState')).toBe(`${IDP_ID}|r:${REDIRECT_URI}`);
    const request = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
    expect(request).toContain(`AssertionConsumerServiceURL="${lab.icws.sso.acsUrl}"`);
  });

  it('uses the only binding an IdP has, whatever the order [ICWS-10]', async () => {
    const res = await get(new HttpSession({ profileId: 't' }), startPath({ singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: ORIGIN }, 'redirect-only-idp'));
    expect(res.status).toBe(400);
    expect((res.json() as { errorId: string }).errorId).toBe('error.request.connection.singleSignOn.failure');
  });

  it.each([
    ['no capabilities', { webBrowserApplicationOrigin: ORIGIN }, 'error.request.invalidRepresentation.missingProperty'],
    ['neither origin nor redirectUri', { singleSignOnCapabilities: 'saml2Post' }, 'error.request.invalidRepresentation.missingProperty'],
    ['an origin with a path', { singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: `${ORIGIN}/app` }, 'error.request.invalidRepresentation'],
    ['both options', { singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: ORIGIN, redirectUri: REDIRECT_URI }, 'error.request.invalidRepresentation'],
    ['a relative redirectUri', { singleSignOnCapabilities: 'saml2Post', redirectUri: '/after' }, 'error.request.invalidRepresentation'],
  ])('refuses a start with %s [ICWS-10]', async (_name, params, errorId) => {
    const res = await get(new HttpSession({ profileId: 't' }), startPath(params));
    expect(res.status).toBe(400);
    expect((res.json() as { errorId: string }).errorId).toBe(errorId);
  });

  it('answers 404 for an unknown identity provider and 503 for an unavailable one', async () => {
    const http = new HttpSession({ profileId: 't' });
    const unknown = await get(http, startPath({ singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: ORIGIN }, 'nope'));
    expect(unknown.status).toBe(404);
    lab.icws.sso.setIdentityProviderAvailable(IDP_ID, false);
    try {
      const down = await get(http, startPath({ singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: ORIGIN }));
      expect(down.status).toBe(503);
      expect((down.json() as { errorId: string }).errorId).toBe('error.sso.request.identityProviderUnavailable');
    } finally {
      lab.icws.sso.setIdentityProviderAvailable(IDP_ID, true);
    }
  });
});

describe('the return of single sign-on', () => {
  it('returns the token in ININ-STS-Token and posts icwsSsoComplete to exactly the origin [ICWS-11, ICWS-12]', async () => {
    const http = new HttpSession({ profileId: 't' });
    const response = await samlResponseFor(http, { singleSignOnCapabilities: 'saml2Post,saml2Redirect', webBrowserApplicationOrigin: ORIGIN });
    expect(response.action).toBe(lab.icws.sso.acsUrl);
    const ret = await postForm(http, response.action, response.fields);
    expect(ret.status).toBe(200);
    expect(ret.headers['content-type']).toMatch(/^text\/html/);
    const token = ret.headers['inin-sts-token'];
    expect(token).toMatch(/^[\w-]{20,}$/);
    const { message, targetOrigin } = postMessageOf(ret.text());
    expect(targetOrigin).toBe(ORIGIN);
    expect(message).toEqual({ key: 'icwsSsoComplete', data: { token, errorMessage: '', errorId: '', httpStatus: 200 } });
    // [ICWS-14] the token signs in, once.
    expect((await connectWith(http, token!)).status).toBe(201);
    expect((await connectWith(http, token!)).status).toBe(400);
  });

  it('walks the redirect option: 302 to redirectUri with icws_sso_response, then GET …/response once [ICWS-13]', async () => {
    const http = new HttpSession({ profileId: 't' });
    const response = await samlResponseFor(http, { singleSignOnCapabilities: 'saml2Redirect', redirectUri: REDIRECT_URI }, 'agent2');
    const ret = await postForm(http, response.action, response.fields);
    expect(ret.status).toBe(302);
    expect(ret.headers.location).toBe(REDIRECT_URI);
    expect(ret.headers['inin-sts-token']).toBeUndefined();
    expect(ret.setCookie).toHaveLength(1);
    expect(ret.setCookie[0]).toMatch(/^icws_sso_response=[\w-]+; Path=\/icws\/connection\/single-sign-on; HttpOnly$/);
    const first = await get(http, `${SSO}/response`);
    expect(first.status).toBe(200);
    const { singleSignOnToken } = first.json() as { singleSignOnToken: string };
    expect((await connectWith(http, singleSignOnToken)).json()).toMatchObject({ userID: 'agent2' });
    const second = await get(http, `${SSO}/response`);
    expect(second.status).toBe(400);
    expect((second.json() as { errorId: string }).errorId).toBe('error.request.connection.singleSignOn.failure');
  });

  it('reports a refused response behind the cookie as a 400 from GET …/response [ICWS-13]', async () => {
    const http = new HttpSession({ profileId: 't' });
    const response = await samlResponseFor(http, { singleSignOnCapabilities: 'saml2Post', redirectUri: REDIRECT_URI });
    const tampered = Buffer.from(Buffer.from(response.fields.SAMLResponse!, 'base64').toString('utf8').replace('>agent1<', '>agent2<')).toString('base64');
    const ret = await postForm(http, response.action, { ...response.fields, SAMLResponse: tampered });
    expect(ret.status).toBe(302);
    const res = await get(http, `${SSO}/response`);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ errorId: 'error.sso.authentication', message: 'The identity provider could not authenticate the user.' });
  });

  it('refuses a tampered attribute: empty token, error page, no header', async () => {
    const http = new HttpSession({ profileId: 't' });
    const response = await samlResponseFor(http, { singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: ORIGIN });
    const xml = Buffer.from(response.fields.SAMLResponse!, 'base64').toString('utf8');
    expect(xml).toContain('>agent1<');
    const ret = await postForm(http, response.action, { ...response.fields, SAMLResponse: Buffer.from(xml.replace('>agent1<', '>supervisor1<')).toString('base64') });
    expect(ret.status).toBe(400);
    expect(ret.headers['inin-sts-token']).toBeUndefined();
    const { message, targetOrigin } = postMessageOf(ret.text());
    expect(targetOrigin).toBe(ORIGIN);
    expect(message.data).toEqual({ token: '', errorMessage: 'The identity provider could not authenticate the user.', errorId: 'error.sso.authentication', httpStatus: 400 });
    expect(lab.icws.sso.failures.map((f) => f.reason)).toEqual([expect.stringMatching(/signature/i)]);
  });

  it('refuses a replayed response (its request id is used up)', async () => {
    const http = new HttpSession({ profileId: 't' });
    const response = await samlResponseFor(http, { singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: ORIGIN });
    expect((await postForm(http, response.action, response.fields)).status).toBe(200);
    const replay = await postForm(http, response.action, response.fields);
    expect(replay.status).toBe(400);
    expect(replay.headers['inin-sts-token']).toBeUndefined();
    expect(lab.icws.sso.failures.map((f) => f.reason)).toEqual(['InResponseTo is not valid']);
  });

  it('refuses an unsolicited response (no request of ours behind it)', async () => {
    const idp = samlify.IdentityProvider({
      entityID: lab.labIdp!.entityId,
      privateKey: readFileSync(LAB_IDP_KEY_FILE, 'utf8'),
      signingCert: readFileSync(LAB_IDP_CERT_FILE, 'utf8'),
      singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: lab.labIdp!.ssoUrl }],
      nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:transient'],
    });
    const sp = samlify.ServiceProvider({
      entityID: lab.icws.sso.entityId,
      wantAssertionsSigned: true,
      wantMessageSigned: true,
      assertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: lab.icws.sso.acsUrl }],
    });
    // IdP-initiated: no InResponseTo.
    const unsolicited = await idp.createLoginResponse(sp, { extract: {} }, 'post', { email: 'agent1' });
    const http = new HttpSession({ profileId: 't' });
    const ret = await postForm(http, lab.icws.sso.acsUrl, { SAMLResponse: unsolicited.context, RelayState: `${IDP_ID}|w:${ORIGIN}` });
    expect(ret.status).toBe(400);
    expect(ret.headers['inin-sts-token']).toBeUndefined();
    expect(lab.icws.sso.failures.map((f) => f.reason)).toEqual(['InResponseTo is missing from response']);
  });

  it('refuses a response signed by another key', async () => {
    const http = new HttpSession({ profileId: 't' });
    const response = await samlResponseFor(http, { singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: ORIGIN });
    const keys = join(import.meta.dirname, '..', '..', 'rigs', 'simplesamlphp', 'keys');
    const xml = Buffer.from(response.fields.SAMLResponse!, 'base64').toString('utf8');
    // Re-sign assertion and message with the SimpleSAMLphp rig's key: valid signatures, wrong signer.
    const unsigned = xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '');
    const signing = {
      privateKey: readFileSync(join(keys, 'ssp-idp-test-only.key.pem'), 'utf8'),
      signingCert: readFileSync(join(keys, 'ssp-idp-test-only.cert.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''),
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    };
    type SignOptions = Parameters<typeof samlify.SamlLib.constructSAMLSignature>[0];
    const assertionSigned = samlify.SamlLib.constructSAMLSignature({
      ...signing,
      rawSamlMessage: unsigned,
      referenceTagXPath: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']",
      isBase64Output: false,
      signatureConfig: { prefix: 'ds', location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } },
    } as SignOptions);
    const resigned = samlify.SamlLib.constructSAMLSignature({
      ...signing,
      rawSamlMessage: assertionSigned,
      isMessageSigned: true,
      isBase64Output: true,
      signatureConfig: { prefix: 'ds', location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' } },
    } as SignOptions);
    expect(Buffer.from(resigned, 'base64').toString('utf8').match(/<ds:Signature /g)).toHaveLength(2);
    const ret = await postForm(http, response.action, { ...response.fields, SAMLResponse: resigned });
    expect(ret.status).toBe(400);
    expect(lab.icws.sso.failures.map((f) => f.reason)).toEqual([expect.stringMatching(/signature/i)]);
  });

  it('refuses a valid response whose RelayState names another origin than the request did', async () => {
    const http = new HttpSession({ profileId: 't' });
    const response = await samlResponseFor(http, { singleSignOnCapabilities: 'saml2Post', webBrowserApplicationOrigin: ORIGIN });
    const ret = await postForm(http, response.action, { ...response.fields, RelayState: `${IDP_ID}|w:http://127.0.0.1:9` });
    expect(ret.status).toBe(400);
    expect(ret.headers['inin-sts-token']).toBeUndefined();
    expect(postMessageOf(ret.text()).message.data.token).toBe('');
    expect(lab.icws.sso.failures.map((f) => f.reason)).toEqual(['RelayState does not match the request']);
  });

  it('answers a return without a SAML response with an error page', async () => {
    const res = await get(new HttpSession({ profileId: 't' }), `${SSO}/return`);
    expect(res.status).toBe(400);
    expect(res.text()).toContain('Single sign-on failed');
  });
});

describe('the lab request log', () => {
  it('keeps no SAML message from a return query', async () => {
    await get(new HttpSession({ profileId: 't' }), `${SSO}/return?SAMLResponse=PHNhbWw%2B&RelayState=${encodeURIComponent(`${IDP_ID}|w:${ORIGIN}`)}`);
    const entry = lab.icws.requests.find((r) => r.path === `${SSO}/return`);
    expect(entry?.query).toContain('SAMLResponse=%5Bredacted%5D');
    expect(entry?.query).not.toContain('PHNhbWw');
  });
});
