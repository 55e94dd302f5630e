// ICWS single sign-on, server side: the lab ICWS acts as a SAML 2.0 service provider
// (@node-saml/node-saml) of the lab IdP (lab/saml/idp.ts) or of SimpleSAMLphp. Written from seed 000
// ("Using Single Sign-on") and shared/protocols/icws.md §5:
//   GET  /icws/connection/single-sign-on/identity-providers/{id}?singleSignOnCapabilities=…
//        &webBrowserApplicationOrigin=… (pop-up option) | &redirectUri=… (redirect option)   [ICWS-10]
//   GET|POST /icws/connection/single-sign-on/return   the IdP's SAML response                [ICWS-11..13]
//   GET  /icws/connection/single-sign-on/response     the redirect option's token            [ICWS-13]
//   GET  /icws/connection/single-sign-on/metadata     this SP's metadata (lab convenience)
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import nodeSaml from '@node-saml/node-saml';
import type { CacheItem, CacheProvider, SamlConfig } from '@node-saml/node-saml';
import { autoPostPage, escapeHtml, newNonce, page, scriptJson, sendHtml } from '../saml/html.ts';
import { firstHeader, parseCookies, readBody, sendJson } from './http-io.ts';

const { SAML, ValidateInResponseTo } = nodeSaml;

export type LabSingleSignOnCapability = 'saml2Post' | 'saml2Redirect';

/** Where the lab ICWS sends agents to sign in, and whose signature it trusts. */
export interface LabSamlIdentityProviderConfig {
  /** The IdP's SingleSignOnService URL (used for both bindings). */
  entryPoint: string;
  /** The IdP's signing certificate(s), PEM. */
  idpCert: string | string[];
  /** When set, the Response's Issuer must be this entity id. */
  idpEntityId?: string;
  /** Attribute carrying the IC user id (default `uid`; the NameID when absent). */
  userIdAttribute?: string;
}

export interface LabIdentityProvider {
  identityProviderId: string;
  displayName: string;
  /** Bindings configured for this IdP ("SAML 2 Web Browser Post/Redirect" in Interaction Administrator). */
  capabilities: LabSingleSignOnCapability[];
  /** Without it the IdP is listed but a sign-in answers error.sso.request.identityProviderUnavailable. */
  saml?: LabSamlIdentityProviderConfig;
}

export interface LabSsoFailure {
  time: string;
  errorId: string;
  /** node-saml's reason (no assertion content), for tests of the negative cases. */
  reason: string;
}

export interface LabSsoControl {
  /** This SP's entity id (`<url>/icws/connection/single-sign-on/metadata`). */
  readonly entityId: string;
  /** AssertionConsumerService: `<url>/icws/connection/single-sign-on/return` (HTTP-POST). */
  readonly acsUrl: string;
  readonly metadataUrl: string;
  /** Points an identity provider at a SAML IdP (e.g. after the IdP started on its random port). */
  configureIdentityProvider(identityProviderId: string, saml: LabSamlIdentityProviderConfig): void;
  /** Fault control: an unavailable IdP answers error.sso.request.identityProviderUnavailable (503). */
  setIdentityProviderAvailable(identityProviderId: string, available: boolean): void;
  /** Fault control: leave the ININ-STS-Token header out of /return (a proxy stripping it). */
  setStsTokenHeader(send: boolean): void;
  /** Every failed SAML response, oldest first. */
  readonly failures: LabSsoFailure[];
}

export interface SsoEndpointsOptions {
  baseUrl: string;
  identityProviders: LabIdentityProvider[];
  issueToken(userId: string): string;
  knownUser(userId: string): boolean;
  maxBodyBytes: number;
  stsTokenHeader?: boolean;
}

export interface SsoEndpoints extends LabSsoControl {
  /** Handles `/icws/connection/single-sign-on/<rest>`. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, rest: string[]): Promise<void>;
  close(): void;
}

export const STS_TOKEN_HEADER = 'ININ-STS-Token';
const RESPONSE_COOKIE = 'icws_sso_response';
const SSO_PATH = '/icws/connection/single-sign-on';
const PENDING_LIFETIME_MS = 15 * 60_000;
const RESPONSE_RECORD_LIFETIME_MS = 5 * 60_000;
const NAMEID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

type Option = { kind: 'popup'; origin: string } | { kind: 'redirect'; redirectUri: string };

interface ErrorInfo {
  status: number;
  errorId: string;
  message: string;
}

const errors = {
  notFound: (id: string): ErrorInfo => ({ status: 404, errorId: 'error.request.resourceNotFound', message: `The identity provider '${id}' is not configured.` }),
  missing: (name: string): ErrorInfo => ({ status: 400, errorId: 'error.request.invalidRepresentation.missingProperty', message: `The required query parameter '${name}' is missing.` }),
  invalid: (message: string): ErrorInfo => ({ status: 400, errorId: 'error.request.invalidRepresentation', message }),
  noBinding: (): ErrorInfo => ({ status: 400, errorId: 'error.request.connection.singleSignOn.failure', message: 'The identity provider supports none of the requested single sign-on capabilities.' }),
  unavailable: (): ErrorInfo => ({ status: 503, errorId: 'error.sso.request.identityProviderUnavailable', message: 'The identity provider is not available.' }),
  authentication: (message = 'The identity provider could not authenticate the user.'): ErrorInfo => ({ status: 400, errorId: 'error.sso.authentication', message }),
  cancelled: (): ErrorInfo => ({ status: 400, errorId: 'error.sso.authentication.cancelled', message: 'The sign-in was cancelled at the identity provider.' }),
  noResponse: (): ErrorInfo => ({ status: 400, errorId: 'error.request.connection.singleSignOn.failure', message: 'No single sign-on response is available.' }),
};

/** node-saml's request-id cache (InResponseTo, replay): one per server, shared by every SAML instance. */
function memoryCache(): CacheProvider {
  const items = new Map<string, CacheItem>();
  return {
    saveAsync: async (key, value) => {
      if (items.has(key)) return null;
      const item = { value, createdAt: Date.now() };
      items.set(key, item);
      return item;
    },
    getAsync: async (key) => {
      const item = items.get(key);
      if (!item) return null;
      if (Date.now() - item.createdAt > PENDING_LIFETIME_MS) {
        items.delete(key);
        return null;
      }
      return item.value;
    },
    removeAsync: async (key) => {
      if (key === null) return null;
      const item = items.get(key);
      items.delete(key);
      return item ? key : null;
    },
  };
}

/** The request log keeps queries; SAML messages in them are not facts to keep. */
export function redactSamlQuery(query: string): string {
  const params = new URLSearchParams(query);
  const secret = ['SAMLResponse', 'SAMLRequest', 'Signature'].filter((name) => params.has(name));
  if (secret.length === 0) return query;
  for (const name of secret) params.set(name, '[redacted]');
  return params.toString();
}

/** A serialised origin: scheme://host[:port] and nothing else (HTML "serialization of an origin"). */
function isSerialisedOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return url.host !== '' && value === `${url.protocol}//${url.host}`;
  } catch {
    return false;
  }
}

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** RelayState as observed on real servers: `{idpId}|r:{redirectUri}`; the pop-up option `{idpId}|w:{origin}`. */
function relayStateOf(idpId: string, option: Option): string {
  return option.kind === 'redirect' ? `${idpId}|r:${option.redirectUri}` : `${idpId}|w:${option.origin}`;
}

function parseRelayState(value: string | null): { idpId: string; option: Option } | undefined {
  if (!value) return undefined;
  const bar = value.indexOf('|');
  if (bar <= 0) return undefined;
  const idpId = value.slice(0, bar);
  const rest = value.slice(bar + 1);
  if (rest.startsWith('r:') && isAbsoluteHttpUrl(rest.slice(2))) return { idpId, option: { kind: 'redirect', redirectUri: rest.slice(2) } };
  if (rest.startsWith('w:') && isSerialisedOrigin(rest.slice(2))) return { idpId, option: { kind: 'popup', origin: rest.slice(2) } };
  return undefined;
}

export function createSsoEndpoints(options: SsoEndpointsOptions): SsoEndpoints {
  const entityId = `${options.baseUrl}${SSO_PATH}/metadata`;
  const acsUrl = `${options.baseUrl}${SSO_PATH}/return`;
  const cache = memoryCache();
  const unavailable = new Set<string>();
  const failures: LabSsoFailure[] = [];
  /** AuthnRequest ID → what the sign-in started with (the RelayState must agree). */
  const pending = new Map<string, { idpId: string; relayState: string; createdAt: number }>();
  /** Redirect option: icws_sso_response cookie value → outcome, single use [ICWS-13]. */
  const responses = new Map<string, { token?: string; error?: ErrorInfo; createdAt: number }>();
  let stsTokenHeader = options.stsTokenHeader ?? true;

  const findIdp = (id: string) => options.identityProviders.find((p) => p.identityProviderId === id);

  function samlFor(idp: LabIdentityProvider, generateUniqueId?: () => string, postBinding = false): InstanceType<typeof SAML> {
    const saml = idp.saml!;
    const config: SamlConfig = {
      entryPoint: saml.entryPoint,
      idpCert: saml.idpCert,
      issuer: entityId,
      callbackUrl: acsUrl,
      identifierFormat: NAMEID_TRANSIENT,
      disableRequestedAuthnContext: true,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: true,
      // A replayed or unsolicited response has no pending request id (SAML profiles §4.1.4.5).
      validateInResponseTo: ValidateInResponseTo.always,
      cacheProvider: cache,
      acceptedClockSkewMs: 2_000,
      ...(saml.idpEntityId ? { idpIssuer: saml.idpEntityId } : {}),
      ...(generateUniqueId ? { generateUniqueId } : {}),
      // SAML bindings §3.5.4: an HTTP-POST message is base64 only, not deflated.
      ...(postBinding ? { authnRequestBinding: 'HTTP-POST', skipRequestCompression: true } : {}),
    };
    return new SAML(config);
  }

  function sendError(res: ServerResponse, error: ErrorInfo): void {
    sendJson(res, error.status, { errorId: error.errorId, message: error.message });
  }

  // ---- start [ICWS-10] -------------------------------------------------------------------------

  async function start(res: ServerResponse, url: URL, idpId: string): Promise<void> {
    const idp = findIdp(idpId);
    if (!idp) return sendError(res, errors.notFound(idpId));
    const requested = url.searchParams.get('singleSignOnCapabilities');
    if (!requested) return sendError(res, errors.missing('singleSignOnCapabilities'));
    // seed 000: capabilities are listed in order of preference; the first the IdP has wins.
    const binding = requested
      .split(',')
      .map((c) => c.trim())
      .find((c): c is LabSingleSignOnCapability => (c === 'saml2Post' || c === 'saml2Redirect') && idp.capabilities.includes(c));
    if (!binding) return sendError(res, errors.noBinding());
    const origin = url.searchParams.get('webBrowserApplicationOrigin');
    const redirectUri = url.searchParams.get('redirectUri');
    let option: Option;
    if (origin !== null && redirectUri !== null) return sendError(res, errors.invalid('Give either webBrowserApplicationOrigin or redirectUri, not both.'));
    if (origin !== null) {
      if (!isSerialisedOrigin(origin)) return sendError(res, errors.invalid("'webBrowserApplicationOrigin' must be an origin such as https://app.example.com."));
      option = { kind: 'popup', origin };
    } else if (redirectUri !== null) {
      if (!isAbsoluteHttpUrl(redirectUri)) return sendError(res, errors.invalid("'redirectUri' must be an absolute http(s) URL."));
      option = { kind: 'redirect', redirectUri };
    } else {
      return sendError(res, errors.missing('webBrowserApplicationOrigin'));
    }
    if (!idp.saml || unavailable.has(idpId)) return sendError(res, errors.unavailable());

    const requestId = `_${randomUUID()}`;
    const saml = samlFor(idp, () => requestId, binding === 'saml2Post');
    const relayState = relayStateOf(idpId, option);
    pending.set(requestId, { idpId, relayState, createdAt: Date.now() });
    if (binding === 'saml2Redirect') {
      // SAML bindings §3.4: the AuthnRequest deflated into the Location.
      const location = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
      res.writeHead(302, { Location: location, 'Cache-Control': 'no-cache, no-store', 'Content-Length': '0' });
      res.end();
      return;
    }
    // SAML bindings §3.5: a form that posts the AuthnRequest to the IdP by itself.
    const message = await saml.getAuthorizeMessageAsync(relayState, undefined, {});
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(message)) if (typeof v === 'string') fields[k] = v;
    const { html, nonce } = autoPostPage('Signing in…', idp.saml.entryPoint, fields);
    sendHtml(res, 200, html, { nonce });
  }

  // ---- return [ICWS-11, ICWS-12, ICWS-13] -------------------------------------------------------

  function fail(errorId: string, reason: string): void {
    failures.push({ time: new Date().toISOString(), errorId, reason });
    if (failures.length > 200) failures.shift();
  }

  /** Validates the SAML response; the user id or the error to report. */
  async function validate(idp: LabIdentityProvider, params: URLSearchParams, method: string, rawQuery: string, relayState: string): Promise<{ userId: string } | { error: ErrorInfo }> {
    const samlResponse = params.get('SAMLResponse');
    if (!samlResponse) {
      fail('error.sso.authentication', 'no SAMLResponse');
      return { error: errors.authentication('No SAML response was received from the identity provider.') };
    }
    const saml = samlFor(idp);
    let profile: Record<string, unknown> | null;
    try {
      const result =
        method === 'POST'
          ? await saml.validatePostResponseAsync({ SAMLResponse: samlResponse, RelayState: relayState })
          : await saml.validateRedirectAsync(Object.fromEntries(params), rawQuery);
      profile = result.profile as Record<string, unknown> | null;
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'invalid response';
      // An IdP that says "no" (a SAML status) is an authentication failure, as is a bad signature.
      const cancelled = /AuthnFailed|RequestDenied/.test(reason) && /cancel/i.test(reason);
      const info = cancelled ? errors.cancelled() : errors.authentication();
      fail(info.errorId, reason);
      return { error: info };
    }
    if (!profile) {
      fail('error.sso.authentication', 'no profile');
      return { error: errors.authentication() };
    }
    const inResponseTo = typeof profile['inResponseTo'] === 'string' ? profile['inResponseTo'] : /InResponseTo="([^"]+)"/.exec(Buffer.from(samlResponse, 'base64').toString('utf8'))?.[1];
    const started = inResponseTo ? pending.get(inResponseTo) : undefined;
    if (inResponseTo) pending.delete(inResponseTo);
    if (!started || started.relayState !== relayState || started.idpId !== idp.identityProviderId) {
      fail('error.sso.authentication', 'RelayState does not match the request');
      return { error: errors.authentication() };
    }
    const attribute = idp.saml?.userIdAttribute ?? 'uid';
    const raw = profile[attribute];
    const userId = Array.isArray(raw) ? String(raw[0] ?? '') : typeof raw === 'string' ? raw : String(profile['nameID'] ?? '');
    if (!userId || !options.knownUser(userId)) {
      fail('error.sso.authentication', 'unknown user');
      return { error: errors.authentication('The identity provider signed in a user who is not an IC user.') };
    }
    return { userId };
  }

  async function returnEndpoint(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    let params: URLSearchParams;
    if (method === 'POST') {
      const body = await readBody(req, options.maxBodyBytes);
      if (body.kind !== 'ok') return sendError(res, { status: 413, errorId: 'error.request.entityTooLarge', message: 'The SAML response is too large.' });
      params = new URLSearchParams(body.text);
    } else if (method === 'GET') {
      params = url.searchParams;
    } else {
      return sendError(res, { status: 405, errorId: 'error.request.methodNotAllowed', message: 'The method is not allowed on this resource.' });
    }
    const relayStateRaw = params.get('RelayState');
    const relay = parseRelayState(relayStateRaw);
    const idp = relay ? findIdp(relay.idpId) : undefined;
    let outcome: { userId: string } | { error: ErrorInfo };
    if (!relay || !idp || !idp.saml) {
      fail('error.sso.authentication', 'unknown RelayState');
      outcome = { error: errors.authentication('The single sign-on response does not belong to a sign-in this server started.') };
    } else {
      outcome = await validate(idp, params, method, url.search.slice(1), relayStateRaw!);
    }
    const token = 'userId' in outcome ? options.issueToken(outcome.userId) : undefined;
    const error = 'error' in outcome ? outcome.error : undefined;

    if (relay?.option.kind === 'redirect') {
      // [ICWS-13] back to the application; the outcome waits behind a cookie for GET …/response.
      const id = randomBytes(24).toString('base64url');
      responses.set(id, { ...(token ? { token } : {}), ...(error ? { error } : {}), createdAt: Date.now() });
      res.writeHead(302, {
        Location: relay.option.redirectUri,
        'Set-Cookie': `${RESPONSE_COOKIE}=${id}; Path=${SSO_PATH}; HttpOnly`,
        'Cache-Control': 'no-cache, no-store',
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    // [ICWS-11, ICWS-12] the pop-up option: the token in a header, and posted to the opener at
    // exactly webBrowserApplicationOrigin. An empty token means failure.
    const status = token ? 200 : (error?.status ?? 400);
    const data = { token: token ?? '', errorMessage: error?.message ?? '', errorId: error?.errorId ?? '', httpStatus: status };
    const origin = relay?.option.kind === 'popup' ? relay.option.origin : undefined;
    const nonce = newNonce();
    const script = origin
      ? `(function(){var message=JSON.stringify(${scriptJson({ key: 'icwsSsoComplete', data })});` +
        `if(window.opener&&!window.opener.closed){window.opener.postMessage(message,${scriptJson(origin)});}})();`
      : undefined;
    const body = token
      ? '<h1>Signed in</h1><p>Single sign-on is complete. You can close this window.</p>'
      : `<h1>Single sign-on failed</h1><p class="error" role="alert">${escapeHtml(data.errorMessage)}</p>`;
    sendHtml(res, status, page(token ? 'Single sign-on complete' : 'Single sign-on failed', body, nonce, script), {
      nonce,
      headers: token && stsTokenHeader ? { [STS_TOKEN_HEADER]: token } : {},
    });
  }

  // ---- response [ICWS-13] -----------------------------------------------------------------------

  function responseEndpoint(req: IncomingMessage, res: ServerResponse): void {
    const id = parseCookies(firstHeader(req.headers.cookie)).get(RESPONSE_COOKIE);
    const record = id === undefined ? undefined : responses.get(id);
    if (id !== undefined) responses.delete(id);
    const clear = { 'Set-Cookie': `${RESPONSE_COOKIE}=; Path=${SSO_PATH}; Max-Age=0; HttpOnly` };
    if (!record || Date.now() - record.createdAt > RESPONSE_RECORD_LIFETIME_MS) {
      const e = errors.noResponse();
      return sendJson(res, e.status, { errorId: e.errorId, message: e.message }, clear);
    }
    if (record.token) return sendJson(res, 200, { singleSignOnToken: record.token }, clear);
    const e = record.error ?? errors.authentication();
    sendJson(res, e.status, { errorId: e.errorId, message: e.message }, clear);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, rest: string[]): Promise<void> {
    const method = req.method ?? 'GET';
    const [first, second, ...more] = rest;
    if (first?.toLowerCase() === 'identity-providers' && second !== undefined && more.length === 0) {
      req.resume();
      if (method !== 'GET') return sendError(res, { status: 405, errorId: 'error.request.methodNotAllowed', message: 'The method is not allowed on this resource.' });
      return start(res, url, second);
    }
    if (first?.toLowerCase() === 'return' && second === undefined) return returnEndpoint(req, res, url);
    req.resume();
    if (first?.toLowerCase() === 'response' && second === undefined && method === 'GET') return responseEndpoint(req, res);
    if (first?.toLowerCase() === 'metadata' && second === undefined && method === 'GET') {
      const xml = samlFor({ identityProviderId: '', displayName: '', capabilities: [], saml: { entryPoint: `${options.baseUrl}/`, idpCert: 'none' } }).generateServiceProviderMetadata(null, null);
      res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml', 'Cache-Control': 'no-cache' });
      res.end(xml);
      return;
    }
    sendError(res, { status: 404, errorId: 'error.request.resourceNotFound', message: 'The requested resource does not exist.' });
  }

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [k, v] of pending) if (now - v.createdAt > PENDING_LIFETIME_MS) pending.delete(k);
    for (const [k, v] of responses) if (now - v.createdAt > RESPONSE_RECORD_LIFETIME_MS) responses.delete(k);
  }, 60_000);
  sweeper.unref();

  return {
    entityId,
    acsUrl,
    metadataUrl: entityId,
    failures,
    handle,
    configureIdentityProvider: (id, saml) => {
      const idp = findIdp(id);
      if (!idp) throw new Error(`lab: unknown identity provider ${id}`);
      idp.saml = { ...saml };
    },
    setIdentityProviderAvailable: (id, available) => {
      if (available) unavailable.delete(id);
      else unavailable.add(id);
    },
    setStsTokenHeader: (send) => {
      stsTokenHeader = send;
    },
    close: () => clearInterval(sweeper),
  };
}
