// The lab's own SAML 2.0 identity provider (DESIGN.md "The lab": it needs no PHP), built on samlify.
// SP-initiated Web Browser SSO (SAML profiles §4.1): the AuthnRequest arrives by HTTP-Redirect or
// HTTP-POST, the agent signs in on a real HTML form (lab users of lab/icws/fixture.ts), and the signed
// Response goes back by HTTP-POST from a page that submits itself from JavaScript, as SimpleSAMLphp's
// post.js does. An IdP session cookie makes the next login password-free. Fault controls: down (503),
// and a wrong password keeps the agent on the form with an error.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import * as samlify from 'samlify';
import { defaultUsers } from '../icws/fixture.ts';
import { firstHeader, isLoopback, parseCookies, readBody } from '../icws/http-io.ts';
import { autoPostPage, escapeHtml, page, sendHtml } from './html.ts';

const KEY_DIR = join(import.meta.dirname, 'keys');
/** Test-only key pair, committed on purpose (lab/saml/keys/README.md). Never use it anywhere real. */
export const LAB_IDP_KEY_FILE = join(KEY_DIR, 'lab-idp-test-only.key.pem');
export const LAB_IDP_CERT_FILE = join(KEY_DIR, 'lab-idp-test-only.cert.pem');

const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const NAMEID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const ATTR_BASIC = 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic';
const PENDING_LIFETIME_MS = 10 * 60_000;
const RESPONSE_LIFETIME_MS = 5 * 60_000;

export interface LabIdpUser {
  userId: string;
  /** Fixture password of a fake user; never logged. */
  password: string;
  displayName: string;
}

export interface LabIdpServiceProvider {
  entityId: string;
  /** The SP's AssertionConsumerService (HTTP-POST); an AuthnRequest naming another URL is refused. */
  acsUrl: string;
}

export interface LabIdpOptions {
  host?: string;
  port?: number;
  users?: LabIdpUser[];
  serviceProviders?: LabIdpServiceProvider[];
  /** Default: `<url>/saml/metadata`. */
  entityId?: string;
  /** Domain of the `user_principal` attribute (`<uid>@<domain>`). */
  principalDomain?: string;
}

export interface LabIdpRequestRecord {
  time: string;
  method: string;
  path: string;
  status: number;
}

export interface LabIdp {
  readonly url: string;
  readonly port: number;
  readonly entityId: string;
  /** SingleSignOnService for both bindings. */
  readonly ssoUrl: string;
  readonly metadataUrl: string;
  /** The signing certificate (PEM) an SP must trust. */
  readonly certificate: string;
  addServiceProvider(sp: LabIdpServiceProvider): void;
  /** Fault control: while down every page answers 503 with an error page. */
  setDown(down: boolean): void;
  /** Forget every IdP session (the next login asks for the password again). */
  endSessions(): void;
  /** Document requests (pages and form posts), oldest first. */
  readonly requests: LabIdpRequestRecord[];
  clearRequests(): void;
  /** How many times a password was checked, and how many were wrong. */
  readonly stats: { passwordChecks: number; wrongPasswords: number; responsesIssued: number };
  close(): Promise<void>;
}

interface Pending {
  sp: LabIdpServiceProvider;
  requestId: string;
  relayState: string | undefined;
  createdAt: number;
}

interface IdpSession {
  userId: string;
  nameId: string;
  sessionIndex: string;
  createdAt: number;
}

let validatorReady: Promise<void> | undefined;
type XmlLint = { validate(xml: string): Promise<unknown> };

/** node-xmllint re-instantiates its emscripten module on every call; each instance adds a process
 *  'uncaughtException' listener that rethrows (removed again here) and prints an empty line to
 *  stdout (swallowed: the run is synchronous, so nothing else can write meanwhile). */
async function validateXml(validator: XmlLint, xml: string): Promise<unknown> {
  const before = new Set(process.listeners('uncaughtException'));
  const write = process.stdout.write;
  let result: Promise<unknown>;
  try {
    process.stdout.write = (() => true) as typeof process.stdout.write;
    result = validator.validate(xml);
  } finally {
    process.stdout.write = write;
    for (const listener of process.listeners('uncaughtException')) if (!before.has(listener)) process.off('uncaughtException', listener);
  }
  return result;
}

/** samlify refuses to parse without a schema validator; xmllint is slow on its first call, so it is
 *  set and warmed once per process (simplesamlphp rig notes) — at the first SAML request, not at
 *  start: loading and warming the emscripten xmllint cost ~1 s of CPU, and most lab runs (the e2e
 *  specs without SSO, the CLI tests) never see a SAML request. */
export function warmSamlValidator(): Promise<void> {
  validatorReady ??= (async () => {
    const validator: XmlLint = await import('@authenio/samlify-node-xmllint');
    samlify.setSchemaValidator({ validate: (xml: string) => validateXml(validator, xml) });
    const probe =
      '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_w" Version="2.0" IssueInstant="2020-01-01T00:00:00Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>';
    await validateXml(validator, probe).catch(() => undefined);
  })();
  return validatorReady;
}

/** The AuthnRequest's Issuer, read before samlify parses it (it needs the SP entity first). */
function requestIssuer(xml: string): string | undefined {
  return /<(?:[A-Za-z0-9_-]+:)?Issuer\b[^>]*>\s*([^<\s][^<]*?)\s*<\//.exec(xml)?.[1];
}

function attr(xml: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(xml)?.[1];
}

function decodeRequest(binding: 'redirect' | 'post', samlRequest: string): string | undefined {
  try {
    const raw = Buffer.from(samlRequest, 'base64');
    return binding === 'redirect' ? inflateRawSync(raw).toString('utf8') : raw.toString('utf8');
  } catch {
    return undefined;
  }
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

// The Response template: samlify's default plus an AuthnStatement; attributes are appended by samlify
// from `attributes` ({attrUid}, {attrUserPrincipal}).
const RESPONSE_TEMPLATE =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}">' +
  '<saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status>' +
  '<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}">' +
  '<saml:Issuer>{Issuer}</saml:Issuer><saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID>' +
  '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{SubjectConfirmationDataNotOnOrAfter}" Recipient="{SubjectRecipient}" InResponseTo="{InResponseTo}"/></saml:SubjectConfirmation></saml:Subject>' +
  '<saml:Conditions NotBefore="{ConditionsNotBefore}" NotOnOrAfter="{ConditionsNotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
  '<saml:AuthnStatement AuthnInstant="{AuthnInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>' +
  '{AttributeStatement}</saml:Assertion></samlp:Response>';

export async function startLabIdp(options: LabIdpOptions = {}): Promise<LabIdp> {
  const host = options.host ?? '127.0.0.1';
  const users = new Map((options.users ?? defaultUsers()).map((u) => [u.userId, { userId: u.userId, password: u.password, displayName: u.displayName }]));
  const principalDomain = options.principalDomain ?? 'lab.example';
  const privateKey = readFileSync(LAB_IDP_KEY_FILE, 'utf8');
  const certificate = readFileSync(LAB_IDP_CERT_FILE, 'utf8');
  const serviceProviders = new Map<string, { config: LabIdpServiceProvider; entity: ReturnType<typeof samlify.ServiceProvider> }>();
  const pending = new Map<string, Pending>();
  const idpSessions = new Map<string, IdpSession>();
  const requests: LabIdpRequestRecord[] = [];
  const stats = { passwordChecks: 0, wrongPasswords: 0, responsesIssued: 0 };
  let down = false;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendHtml(res, 500, page('Lab identity provider — error', '<h1>Something went wrong</h1><p class="error">The identity provider failed to process the request.</p>'));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const ssoUrl = `${url}/saml/sso`;
  const metadataUrl = `${url}/saml/metadata`;
  const entityId = options.entityId ?? metadataUrl;

  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey,
    signingCert: certificate,
    isAssertionEncrypted: false,
    wantAuthnRequestsSigned: false,
    nameIDFormat: [NAMEID_TRANSIENT],
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    singleSignOnService: [
      { Binding: BINDING_REDIRECT, Location: ssoUrl },
      { Binding: BINDING_POST, Location: ssoUrl },
    ],
    singleLogoutService: [{ Binding: BINDING_REDIRECT, Location: `${url}/saml/logout` }],
    loginResponseTemplate: {
      context: RESPONSE_TEMPLATE,
      attributes: [
        { name: 'uid', valueTag: 'uid', nameFormat: ATTR_BASIC, valueXsiType: 'xs:string' },
        { name: 'user_principal', valueTag: 'user_principal', nameFormat: ATTR_BASIC, valueXsiType: 'xs:string' },
      ],
    },
  });

  function addServiceProvider(sp: LabIdpServiceProvider): void {
    const entity = samlify.ServiceProvider({
      entityID: sp.entityId,
      authnRequestsSigned: false,
      wantAssertionsSigned: true,
      // Sign the Response too (the rig notes: samlify signs the message only when asked).
      wantMessageSigned: true,
      assertionConsumerService: [{ Binding: BINDING_POST, Location: sp.acsUrl }],
    });
    serviceProviders.set(sp.entityId, { config: { ...sp }, entity });
  }
  for (const sp of options.serviceProviders ?? []) addServiceProvider(sp);

  function record(req: IncomingMessage, path: string, res: ServerResponse): void {
    const entry: LabIdpRequestRecord = { time: new Date().toISOString(), method: req.method ?? '', path, status: 0 };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
  }

  function errorPage(res: ServerResponse, status: number, title: string, message: string): void {
    sendHtml(res, status, page(`Lab identity provider — ${title}`, `<h1>${escapeHtml(title)}</h1><p class="error" role="alert">${escapeHtml(message)}</p>`));
  }

  function loginPage(res: ServerResponse, authState: string, sp: LabIdpServiceProvider, error?: string, userName = ''): void {
    const body =
      `<h1>Lab identity provider</h1><p>Sign in to continue to <b>${escapeHtml(new URL(sp.acsUrl).host)}</b>.</p>` +
      `<form method="post" action="/saml/login" id="login-form">` +
      `<input type="hidden" name="AuthState" value="${escapeHtml(authState)}">` +
      `<label for="username">User name</label><input id="username" name="username" autocomplete="username" required value="${escapeHtml(userName)}">` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>` +
      (error ? `<p class="error" id="login-error" role="alert">${escapeHtml(error)}</p>` : '') +
      `<button type="submit" id="login-submit">Sign in</button></form>`;
    sendHtml(res, 200, page('Lab identity provider — sign in', body));
  }

  function sessionOf(req: IncomingMessage): IdpSession | undefined {
    const id = parseCookies(firstHeader(req.headers.cookie)).get('lab_idp_session');
    return id === undefined ? undefined : idpSessions.get(id);
  }

  /** The signed Response, delivered by the self-submitting HTTP-POST page. */
  async function respond(res: ServerResponse, p: Pending, session: IdpSession, setCookie?: string): Promise<void> {
    const sp = serviceProviders.get(p.sp.entityId);
    if (!sp) return errorPage(res, 400, 'Unknown service provider', 'This service is not registered with the identity provider.');
    const now = new Date();
    const later = new Date(now.getTime() + RESPONSE_LIFETIME_MS);
    const id = `_${randomUUID()}`;
    const values: Record<string, string> = {
      ID: id,
      AssertionID: `_${randomUUID()}`,
      Destination: p.sp.acsUrl,
      Audience: p.sp.entityId,
      SubjectRecipient: p.sp.acsUrl,
      Issuer: entityId,
      IssueInstant: now.toISOString(),
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: now.toISOString(),
      ConditionsNotOnOrAfter: later.toISOString(),
      SubjectConfirmationDataNotOnOrAfter: later.toISOString(),
      NameIDFormat: NAMEID_TRANSIENT,
      NameID: session.nameId,
      InResponseTo: p.requestId,
      AuthnInstant: new Date(session.createdAt).toISOString(),
      SessionIndex: session.sessionIndex,
      attrUid: session.userId,
      attrUserPrincipal: `${session.userId}@${principalDomain}`,
    };
    const result = await idp.createLoginResponse(sp.entity, { extract: { request: { id: p.requestId } } }, 'post', {}, {
      customTagReplacement: (template: string) => ({
        id,
        context: template.replace(/\{([A-Za-z]+)\}/g, (whole, tag: string) => (tag in values ? xmlEscape(values[tag]!) : whole)),
      }),
    });
    stats.responsesIssued += 1;
    const fields: Record<string, string> = { SAMLResponse: result.context };
    if (p.relayState !== undefined) fields.RelayState = p.relayState;
    const { html, nonce } = autoPostPage('Lab identity provider — signing you in', p.sp.acsUrl, fields);
    sendHtml(res, 200, html, { nonce, ...(setCookie ? { headers: { 'Set-Cookie': setCookie } } : {}) });
  }

  /** SingleSignOnService, both bindings (SAML bindings §3.4 redirect, §3.5 POST). */
  async function sso(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let binding: 'redirect' | 'post';
    let params: URLSearchParams;
    if (req.method === 'GET') {
      binding = 'redirect';
      params = url.searchParams;
    } else if (req.method === 'POST') {
      binding = 'post';
      const body = await readBody(req, 256 * 1024);
      if (body.kind !== 'ok') return errorPage(res, 413, 'Request too large', 'The sign-in request is too large.');
      params = new URLSearchParams(body.text);
    } else {
      return errorPage(res, 405, 'Method not allowed', 'Use GET or POST.');
    }
    const samlRequest = params.get('SAMLRequest');
    if (!samlRequest) return errorPage(res, 400, 'No sign-in request', 'The service did not send a SAML authentication request.');
    const xml = decodeRequest(binding, samlRequest);
    const issuer = xml === undefined ? undefined : requestIssuer(xml);
    const sp = issuer === undefined ? undefined : serviceProviders.get(issuer);
    if (!xml || !sp) return errorPage(res, 400, 'Unknown service provider', 'This service is not registered with the identity provider.');
    await warmSamlValidator();
    const query: Record<string, string> = {};
    for (const [k, v] of params) query[k] = v;
    let requestId: string;
    try {
      const parsed = await idp.parseLoginRequest(sp.entity, binding, binding === 'redirect' ? { query, octetString: url.search.slice(1) } : { body: query });
      requestId = String((parsed.extract as { request?: { id?: string } }).request?.id ?? '');
    } catch {
      return errorPage(res, 400, 'Invalid sign-in request', 'The SAML authentication request could not be read.');
    }
    // SAML profiles §4.1.4.1: the ACS URL must be one registered for this SP.
    const acs = attr(xml, 'AssertionConsumerServiceURL');
    if (!requestId || (acs !== undefined && acs !== sp.config.acsUrl)) {
      return errorPage(res, 400, 'Invalid sign-in request', 'The request names an assertion consumer service this identity provider does not know.');
    }
    const p: Pending = { sp: sp.config, requestId, relayState: params.get('RelayState') ?? undefined, createdAt: Date.now() };
    const forceAuthn = attr(xml, 'ForceAuthn') === 'true';
    const session = forceAuthn ? undefined : sessionOf(req);
    if (session) return respond(res, p, session);
    const authState = randomBytes(18).toString('base64url');
    pending.set(authState, p);
    loginPage(res, authState, sp.config);
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return errorPage(res, 405, 'Method not allowed', 'Use the sign-in form.');
    const body = await readBody(req, 16 * 1024);
    if (body.kind !== 'ok') return errorPage(res, 413, 'Request too large', 'The form is too large.');
    const form = new URLSearchParams(body.text);
    const authState = form.get('AuthState') ?? '';
    const p = pending.get(authState);
    if (!p || Date.now() - p.createdAt > PENDING_LIFETIME_MS) {
      pending.delete(authState);
      return errorPage(res, 400, 'Sign-in expired', 'This sign-in page has expired. Go back to the application and start again.');
    }
    const userName = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const user = users.get(userName);
    stats.passwordChecks += 1;
    if (!user || user.password !== password) {
      stats.wrongPasswords += 1;
      return loginPage(res, authState, p.sp, 'Incorrect user name or password.', userName);
    }
    pending.delete(authState);
    const sessionId = randomBytes(24).toString('base64url');
    const session: IdpSession = { userId: user.userId, nameId: `_${randomBytes(16).toString('hex')}`, sessionIndex: `_${randomUUID()}`, createdAt: Date.now() };
    idpSessions.set(sessionId, session);
    // Path=/saml keeps the IdP cookie away from the SP's paths on the same loopback host (cookies
    // ignore ports, RFC 6265 §8.5).
    await respond(res, p, session, `lab_idp_session=${sessionId}; Path=/saml; HttpOnly; SameSite=Lax`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://lab.invalid');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const path = url.pathname;
    if (path === '/lab/down' && req.method === 'POST' && isLoopback(req.socket.remoteAddress)) {
      const body = await readBody(req, 1024);
      down = body.kind === 'ok' && /"down"\s*:\s*true/.test(body.text);
      res.writeHead(204).end();
      return;
    }
    record(req, path, res);
    if (down) {
      req.resume();
      return errorPage(res, 503, 'Service unavailable', 'The lab identity provider is temporarily unavailable. Try again later.');
    }
    if (path === '/saml/metadata' && req.method === 'GET') {
      const xml = idp.getMetadata();
      res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml', 'Cache-Control': 'no-cache' });
      res.end(xml);
      return;
    }
    if (path === '/saml/sso') return sso(req, res, url);
    if (path === '/saml/login') return login(req, res);
    if (path === '/saml/logout') {
      // Ends the IdP session (a plain sign-out page; SAML Single Logout messages are not emulated).
      req.resume();
      const id = parseCookies(firstHeader(req.headers.cookie)).get('lab_idp_session');
      if (id !== undefined) idpSessions.delete(id);
      return sendHtml(res, 200, page('Lab identity provider — signed out', '<h1>Signed out</h1><p>You are signed out of the lab identity provider.</p>'), {
        headers: { 'Set-Cookie': 'lab_idp_session=; Path=/saml; Max-Age=0; HttpOnly; SameSite=Lax' },
      });
    }
    req.resume();
    errorPage(res, 404, 'Not found', 'There is no such page on the identity provider.');
  }

  // Clean up abandoned sign-ins now and then.
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - PENDING_LIFETIME_MS;
    for (const [k, p] of pending) if (p.createdAt < cutoff) pending.delete(k);
  }, 60_000);
  sweeper.unref();

  return {
    url,
    port,
    entityId,
    ssoUrl,
    metadataUrl,
    certificate,
    addServiceProvider,
    setDown: (value) => {
      down = value;
    },
    endSessions: () => idpSessions.clear(),
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    stats,
    close: async () => {
      clearInterval(sweeper);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
