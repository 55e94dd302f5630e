// GWS as a SAML 2.0 service provider (GWS-04), with @node-saml/node-saml. GWS uses Spring Security
// SAML; its paths are not documented, so the lab uses Spring's defaults (gws.md §1, INFERRED):
//   GET  /saml/login      starts the IdP round (AuthnRequest by HTTP-Redirect; ?target= where to land)
//   POST /saml/SSO        the AssertionConsumerService (HTTP-POST): a valid Response signs the user in
//                         with a fresh JSESSIONID (session fixation protection) and lands on
//                         /ui/wwe/index.html (Workspace Web Edition)
//   GET  /saml/metadata   this SP's metadata
// Trusts the IdP given at start (the lab's samlify IdP by default, or SimpleSAMLphp in tests).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import nodeSaml from '@node-saml/node-saml';
import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import { readBody } from '../http-io.ts';
import { escapeHtml, page, sendHtml } from '../saml/html.ts';
import { sessionCookie } from './http.ts';
import type { GwsStore } from './store.ts';

const { SAML, ValidateInResponseTo } = nodeSaml;
const NAMEID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const PENDING_MS = 15 * 60_000;
export const WWE_PATH = '/ui/wwe/index.html';

export interface GwsSamlIdpConfig {
  entityId: string;
  ssoUrl: string;
  certificatePem: string;
}

export interface GwsSamlFailure {
  time: string;
  reason: string;
}

export interface GwsSamlSp {
  readonly entityId: string;
  readonly acsUrl: string;
  readonly metadataUrl: string;
  readonly loginUrl: string;
  /** Validation failures, oldest first (node-saml's reason; never the assertion). */
  readonly failures: GwsSamlFailure[];
  setIdp(config: GwsSamlIdpConfig): void;
  /** Fault control for an IdP the lab does not run: AuthnRequests go to a closed local port. */
  setUnreachable(on: boolean): void;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

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
      if (!item || Date.now() - item.createdAt > PENDING_MS) return null;
      return item.value;
    },
    removeAsync: async (key) => {
      if (key === null) return null;
      return items.delete(key) ? key : null;
    },
  };
}

/** Only a local path may be a landing target (no open redirect). */
function safeTarget(value: string | null | undefined): string {
  return value && /^\/(?!\/)[A-Za-z0-9._~/?=&%-]*$/.test(value) ? value : WWE_PATH;
}

export function createSamlSp(baseUrl: string, store: GwsStore, idp: GwsSamlIdpConfig): GwsSamlSp {
  const entityId = `${baseUrl}/saml/metadata`;
  const acsUrl = `${baseUrl}/saml/SSO`;
  const cache = memoryCache();
  const failures: GwsSamlFailure[] = [];
  let current = { ...idp };
  let unreachable = false;

  const samlFor = (requestId?: string) =>
    new SAML({
      entryPoint: unreachable ? 'http://127.0.0.1:9/saml/sso' : current.ssoUrl,
      idpCert: current.certificatePem,
      idpIssuer: current.entityId,
      issuer: entityId,
      callbackUrl: acsUrl,
      identifierFormat: NAMEID_TRANSIENT,
      disableRequestedAuthnContext: true,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: true,
      validateInResponseTo: ValidateInResponseTo.always,
      cacheProvider: cache,
      acceptedClockSkewMs: 2_000,
      ...(requestId ? { generateUniqueId: () => requestId } : {}),
    });

  function fail(res: ServerResponse, status: number, reason: string, message: string): void {
    failures.push({ time: new Date().toISOString(), reason });
    if (failures.length > 200) failures.shift();
    sendHtml(res, status, page('Genesys Web Services — sign-in failed', `<h1>Sign-in failed</h1><p class="error" role="alert">${escapeHtml(message)}</p>`));
  }

  async function login(res: ServerResponse, url: URL): Promise<void> {
    const requestId = `_${randomUUID()}`;
    const location = await samlFor(requestId).getAuthorizeUrlAsync(safeTarget(url.searchParams.get('target')), undefined, {});
    res.writeHead(302, { Location: location, 'Cache-Control': 'no-cache, no-store', 'Content-Length': '0' });
    res.end();
  }

  async function acs(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, 512 * 1024);
    if (body.kind !== 'ok') return fail(res, 413, 'body too large', 'The SAML response is too large.');
    const form = new URLSearchParams(body.text);
    const samlResponse = form.get('SAMLResponse');
    if (!samlResponse) return fail(res, 400, 'no SAMLResponse', 'No SAML response was received.');
    let profile: Record<string, unknown> | null;
    try {
      const relayState = form.get('RelayState') ?? undefined;
      const result = await samlFor().validatePostResponseAsync({ SAMLResponse: samlResponse, ...(relayState === undefined ? {} : { RelayState: relayState }) });
      profile = result.profile as Record<string, unknown> | null;
    } catch (error) {
      return fail(res, 401, error instanceof Error ? error.message : 'invalid response', 'The identity provider\'s response could not be accepted.');
    }
    if (!profile) return fail(res, 401, 'no profile', 'The identity provider did not sign anyone in.');
    const uid = profile['uid'];
    const asserted = Array.isArray(uid) ? String(uid[0] ?? '') : typeof uid === 'string' ? uid : String(profile['nameID'] ?? '');
    const agent = [...store.agents.values()].find((a) => a.user.samlNameId !== undefined && a.user.samlNameId === asserted);
    if (!agent) return fail(res, 403, 'unknown user', 'The identity provider signed in a user who is not a Genesys user.');
    const session = store.createSession(agent.user.userName, 'saml');
    res.writeHead(302, {
      Location: safeTarget(form.get('RelayState')),
      'Set-Cookie': sessionCookie(session.id),
      'Cache-Control': 'no-cache, no-store',
      'Content-Length': '0',
    });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    if (url.pathname === '/saml/login' && method === 'GET') {
      req.resume();
      return login(res, url);
    }
    if (url.pathname === '/saml/SSO' && method === 'POST') return acs(req, res);
    req.resume();
    if (url.pathname === '/saml/metadata' && method === 'GET') {
      const xml = samlFor().generateServiceProviderMetadata(null, null);
      res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml', 'Cache-Control': 'no-cache' });
      res.end(xml);
      return;
    }
    sendHtml(res, 404, page('Not found', '<h1>Not found</h1>'));
  }

  return {
    entityId,
    acsUrl,
    metadataUrl: entityId,
    loginUrl: `${baseUrl}/saml/login`,
    failures,
    setIdp: (config) => {
      current = { ...config };
    },
    setUnreachable: (on) => {
      unreachable = on;
    },
    handle,
  };
}
