// Helpers for the Finesse/IdS lab tests: raw HTTP calls, a scripted cookie-keeping "browser" that
// follows redirects and submits HTML forms (happy-dom parses them), and a minimal SAML IdP signing
// its Responses with xml-crypto (the tests' own IdP; the lab's IdS is its SP).
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { Window } from 'happy-dom';
import { CookieJar } from 'tough-cookie';
import { request } from 'undici';
import { SignedXml } from 'xml-crypto';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function header(res: RawResponse, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** undici `request` sends exactly the headers given (fetch would add its own). */
export async function call(url: string, method = 'GET', options: { headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const res = await request(url, { method: method as 'GET', headers: options.headers ?? {}, ...(options.body === undefined ? {} : { body: options.body }) });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function xmlHeaders(authorization: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization, 'content-type': 'application/xml', ...extra };
}

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, processEntities: true });

/** Parsed XML: nested records read by property path in assertions (their shape is what is tested). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped by nature; every use is asserted
export type ParsedXml = Record<string, any>;

/** Parses XML from the lab (the tests trust it: entity processing only for the predefined ones). */
export function parseXml(text: string): ParsedXml {
  return xmlParser.parse(text) as ParsedXml;
}

export async function waitFor<T>(read: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------------------------------------
// Scripted browser: cookies (tough-cookie), manual redirects, HTML forms submitted as a browser
// would after JavaScript auto-submits them. Records every request URL (round trips).

export interface Step {
  method: string;
  url: string;
  status: number;
}

export interface Credentials {
  username: string;
  password: string;
}

export class ScriptedBrowser {
  readonly jar = new CookieJar();
  readonly steps: Step[] = [];

  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<RawResponse> {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { accept: 'text/html,application/json' };
    const cookie = await this.jar.getCookieString(url);
    if (cookie !== '') headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await call(url, method, { headers, ...(body === undefined ? {} : { body }) });
    const setCookie = res.headers['set-cookie'];
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie]) await this.jar.setCookie(c, url);
    this.steps.push({ method, url, status: res.status });
    return res;
  }

  /**
   * Follows redirects and submits forms until a non-HTML answer (the token JSON) or an error page.
   * Forms with a password field are filled with `credentials` (the IdP login page).
   */
  async run(startUrl: string, credentials?: Credentials, maxSteps = 20): Promise<RawResponse> {
    let res = await this.fetch(startUrl);
    let url = startUrl;
    for (let i = 0; i < maxSteps; i += 1) {
      if (res.status >= 300 && res.status < 400) {
        const location = header(res, 'location');
        if (location === undefined) return res;
        url = new URL(location, url).toString();
        res = await this.fetch(url);
        continue;
      }
      const type = header(res, 'content-type') ?? '';
      if (res.status !== 200 || !type.startsWith('text/html')) return res;
      const form = parseForm(res.text, url);
      if (form === undefined) return res;
      if (form.hasPassword) {
        if (credentials === undefined) return res;
        form.fields['username'] = credentials.username;
        form.fields['password'] = credentials.password;
      }
      url = form.action;
      res = form.method === 'post' ? await this.fetch(url, { method: 'POST', form: form.fields }) : await this.fetch(`${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(form.fields).toString()}`);
    }
    throw new Error('too many steps');
  }
}

export function parseForm(html: string, baseUrl: string): { action: string; method: string; fields: Record<string, string>; hasPassword: boolean } | undefined {
  const window = new Window();
  try {
    const doc = new window.DOMParser().parseFromString(html, 'text/html');
    const form = doc.querySelector('form');
    if (form === null) return undefined;
    const fields: Record<string, string> = {};
    let hasPassword = false;
    for (const input of form.querySelectorAll('input')) {
      const name = input.getAttribute('name');
      const type = (input.getAttribute('type') ?? 'text').toLowerCase();
      if (type === 'password') hasPassword = true;
      if (name === null || type === 'submit') continue;
      fields[name] = input.getAttribute('value') ?? '';
    }
    return { action: new URL(form.getAttribute('action') ?? baseUrl, baseUrl).toString(), method: (form.getAttribute('method') ?? 'get').toLowerCase(), fields, hasPassword };
  } finally {
    void window.happyDOM.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Test IdP: SAML 2.0 HTTP-Redirect and HTTP-POST bindings in, HTTP-POST out, the whole Response
// signed (RSA-SHA256, exclusive c14n) as Cisco IdS wants. Attributes uid and user_principal.

export interface TestIdpAccount {
  uid: string;
  userPrincipal: string;
  password: string;
}

export interface TestIdpOptions {
  accounts: TestIdpAccount[];
  /** Negative cases. */
  omitUserPrincipal?: boolean;
  signing?: 'response' | 'assertion' | 'none';
  tamper?: boolean;
}

export interface TestIdp {
  url: string;
  entryPoint: string;
  /** Public key PEM (node-saml accepts it as idpCert). */
  cert: string;
  issuer: string;
  options: TestIdpOptions;
  /** Requests that reached the IdP. */
  hits: string[];
  close(): Promise<void>;
}

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';

function esc(v: string): string {
  return v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function autoPost(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}"/>`)
    .join('');
  return `<!DOCTYPE html><html><body onload="document.forms[0].submit()"><form method="post" action="${esc(action)}">${inputs}<input type="submit" value="Go"/></form></body></html>`;
}

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'pem' }).toString();
  const sessions = new Map<string, string>(); // cookie → uid
  const requests = new Map<string, { id: string; acs: string; issuer: string; relayState: string }>();
  const hits: string[] = [];
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, processEntities: false });
  let url = '';
  const issuer = () => `${url}/metadata`;

  function response(account: TestIdpAccount, req: { id: string; acs: string; issuer: string }): string {
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60_000);
    const before = new Date(now.getTime() - 60_000);
    const rid = `_${randomBytes(16).toString('hex')}`;
    const aid = `_${randomBytes(16).toString('hex')}`;
    const attrs = [`<saml:Attribute Name="uid"><saml:AttributeValue>${esc(account.uid)}</saml:AttributeValue></saml:Attribute>`];
    if (!options.omitUserPrincipal) attrs.push(`<saml:Attribute Name="user_principal"><saml:AttributeValue>${esc(account.userPrincipal)}</saml:AttributeValue></saml:Attribute>`);
    const assertion =
      `<saml:Assertion xmlns:saml="${SAML_NS}" ID="${aid}" Version="2.0" IssueInstant="${now.toISOString()}">` +
      `<saml:Issuer>${esc(issuer())}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient" SPNameQualifier="${esc(req.issuer)}">_${randomBytes(8).toString('hex')}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${later.toISOString()}" Recipient="${esc(req.acs)}" InResponseTo="${esc(req.id)}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${before.toISOString()}" NotOnOrAfter="${later.toISOString()}"><saml:AudienceRestriction><saml:Audience>${esc(req.issuer)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${aid}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attrs.join('')}</saml:AttributeStatement></saml:Assertion>`;
    let xml =
      `<samlp:Response xmlns:samlp="${SAMLP_NS}" xmlns:saml="${SAML_NS}" ID="${rid}" Version="2.0" IssueInstant="${now.toISOString()}" Destination="${esc(req.acs)}" InResponseTo="${esc(req.id)}">` +
      `<saml:Issuer>${esc(issuer())}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
    const mode = options.signing ?? 'response';
    if (mode !== 'none') {
      const target = mode === 'response' ? 'Response' : 'Assertion';
      const sig = new SignedXml({ privateKey: keyPem, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#' });
      sig.addReference({ xpath: `//*[local-name(.)='${target}']`, transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'], digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256' });
      sig.computeSignature(xml, { location: { reference: `//*[local-name(.)='${target}']/*[local-name(.)='Issuer']`, action: 'after' } });
      xml = sig.getSignedXml();
    }
    if (options.tamper) xml = xml.replace(`>${esc(account.uid)}<`, '>someone-else<');
    return Buffer.from(xml).toString('base64');
  }

  function loginPage(key: string): string {
    return `<!DOCTYPE html><html><body><form method="post" action="${esc(url)}/login"><input type="hidden" name="req" value="${esc(key)}"/><input name="username"/><input type="password" name="password"/><input type="submit" value="Sign in"/></form></body></html>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    hits.push(`${req.method} ${u.pathname}`);
    const cookies = new Map((req.headers.cookie ?? '').split(';').map((p) => p.trim().split('=') as [string, string]));
    const html = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
    };
    if (u.pathname === '/sso') {
      let samlRequest: string | null;
      let relayState: string;
      let xml: string;
      if (req.method === 'POST') {
        const form = new URLSearchParams(await readAll(req));
        samlRequest = form.get('SAMLRequest');
        relayState = form.get('RelayState') ?? '';
        xml = Buffer.from(samlRequest ?? '', 'base64').toString('utf8');
      } else {
        samlRequest = u.searchParams.get('SAMLRequest');
        relayState = u.searchParams.get('RelayState') ?? '';
        xml = inflateRawSync(Buffer.from(samlRequest ?? '', 'base64')).toString('utf8');
      }
      const parsed = parser.parse(xml) as { AuthnRequest?: ParsedXml };
      const authn = parsed.AuthnRequest;
      if (authn === undefined) return html(400, 'no AuthnRequest');
      const entry = { id: String(authn['@_ID']), acs: String(authn['@_AssertionConsumerServiceURL']), issuer: String(authn.Issuer?.['#text'] ?? authn.Issuer), relayState };
      const uid = sessions.get(cookies.get('testidp') ?? '');
      const account = options.accounts.find((a) => a.uid === uid);
      if (account !== undefined) return html(200, autoPost(entry.acs, { SAMLResponse: response(account, entry), RelayState: relayState }));
      const key = randomBytes(8).toString('hex');
      requests.set(key, entry);
      return html(200, loginPage(key));
    }
    if (u.pathname === '/login' && req.method === 'POST') {
      const form = new URLSearchParams(await readAll(req));
      const entry = requests.get(form.get('req') ?? '');
      const account = options.accounts.find((a) => a.uid === form.get('username') && a.password === form.get('password'));
      if (entry === undefined) return html(400, 'unknown request');
      if (account === undefined) return html(200, loginPage(form.get('req') ?? ''));
      requests.delete(form.get('req') ?? '');
      const sid = randomBytes(12).toString('hex');
      sessions.set(sid, account.uid);
      return html(200, autoPost(entry.acs, { SAMLResponse: response(account, entry), RelayState: entry.relayState }), { 'set-cookie': `testidp=${sid}; Path=/; HttpOnly` });
    }
    html(404, 'not found');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    entryPoint: `${url}/sso`,
    cert,
    get issuer() {
      return issuer();
    },
    options,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
