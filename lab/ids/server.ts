// The Cisco Identity Service (IdS) lab: an OAuth authorization server for Finesse that is itself a
// SAML 2.0 service provider of a configurable IdP (the lab IdP, SimpleSAMLphp, …). Written from the
// Finesse developer guide, the UCCX SSO design guide and public captures (shared/protocols/finesse.md
// §2–3), never from the client. Production listens on https 8553; the lab serves plain http on
// loopback. Endpoints and inferred choices: lab/README.md "Cisco IdS".
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAML, generateServiceProviderMetadata } from '@node-saml/node-saml';
import type { CacheProvider, SamlConfig } from '@node-saml/node-saml';
import { autoPostPage, htmlPage, isLoopback, mediaType, parseCookies, readBody, redirect, send, sendJson } from '../finesse/http-io.ts';
import { signJwt, verifyJwt } from './jwt.ts';

export interface IdsIdpConfig {
  /** The IdP's SAML 2.0 single sign-on service URL. */
  entryPoint: string;
  /** The IdP's signing certificate(s) (PEM or bare base64), or its public key PEM. */
  cert: string | string[];
  /** How the AuthnRequest travels: 'post' (an auto-submitting form, as the UCCX SSO guide says) or 'redirect'. */
  authnRequestBinding?: 'post' | 'redirect';
  /** When set, the Response's Issuer must equal it. */
  idpIssuer?: string;
}

export interface IdsServerOptions {
  host?: string;
  port?: number;
  /** IdS FQDN: SAML entity id, Audience, SPNameQualifier and the tokens' `iss`. */
  fqdn?: string;
  /** The address browsers reach it at when a front sits before it (a WAN delay proxy,
   *  bench/wan-lab.ts): `url` and the ACS URL use it. Default: http://host:port. */
  publicUrl?: string;
  idp?: IdsIdpConfig;
  /** 300 s and 7200 s are the documented examples; scale down in tests (fractions allowed). */
  accessTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  /** Lifetime of the IdS browser session (cookie) that lets authorize skip the IdP. */
  sessionLifetimeSeconds?: number;
  /** ACS URL with `?metaAlias=/sp` (12.5(1)SU2+) or without (older). Both paths are always accepted. */
  acsMetaAlias?: boolean;
  /** [CCXDG] refresh needs both tokens valid: 'refuse' (default) a refresh once the access token expired. */
  refreshAfterAccessExpiry?: 'refuse' | 'allow';
  /** Epoch ms of the lab's (possibly skewed) clock. */
  clock?: () => number;
  /** Token signing key; generated (RSA 2048) when absent. */
  privateKey?: KeyObject;
}

export interface IdsTokenSet {
  accessToken: string;
  refreshToken: string;
  /** Seconds, rounded, at least 1. */
  expiresIn: number;
  userId: string;
  realm: string;
  userPrincipal: string;
}

export interface IdsAccessClaims {
  userId: string;
  realm: string;
  userPrincipal: string;
  jti: string;
  expiresAtMs: number;
}

export type IdsTokenCheck = { ok: true; claims: IdsAccessClaims } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' };

export type IdsRefreshResult =
  | { ok: true; tokens: IdsTokenSet }
  | { ok: false; reason: 'refresh-invalid' | 'refresh-expired' | 'revoked' | 'access-invalid' | 'access-expired' | 'mismatch' };

export interface IdsRequestRecord {
  time: string;
  method: string;
  path: string;
  hadSessionCookie: boolean;
  status: number;
}

export interface IdsLabServer {
  readonly url: string;
  readonly port: number;
  readonly fqdn: string;
  /** The ACS URL the AuthnRequest names (what an IdP's SP metadata must list). */
  readonly acsUrl: string;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  readonly accessTokenLifetimeSeconds: number;
  readonly refreshTokenLifetimeSeconds: number;
  /** SAML SP metadata (entity id = fqdn, ACS = acsUrl, transient NameID). */
  spMetadataXml(): string;
  setIdp(config: IdsIdpConfig | undefined): void;
  /** Fault: AuthnRequests point at a closed local port, as if the IdP host were down. */
  setIdpDown(down: boolean): void;
  registerClient(clientId: string, redirectUris: string[]): void;
  /** Authorization-code exchange (what Finesse does server-side after the relay). Single use. */
  exchangeCode(code: string, clientId: string, redirectUri: string): IdsTokenSet | undefined;
  /** `user` (when given) must accept the grant's user id, else 'mismatch' and nothing is minted. */
  refresh(input: { refreshToken: string; accessToken?: string; user?: (userId: string) => boolean }): IdsRefreshResult;
  /** Lab backdoor: a token pair as if `uid` had just signed in at the IdP (no browser, no SAML). */
  issueTokensFor(identity: { uid: string; userPrincipal: string }, clientId?: string): IdsTokenSet;
  verifyAccessToken(token: string): IdsTokenCheck;
  /** Fault/scale control: makes live tokens expire now. */
  expireTokens(filter?: { userId?: string; which?: 'access' | 'refresh' | 'all' }): number;
  revokeTokens(filter?: { userId?: string }): number;
  /** Forgets every IdS browser session, so the next authorize goes to the IdP again. */
  dropSessions(): void;
  readonly requests: IdsRequestRecord[];
  clearRequests(): void;
  close(): Promise<void>;
}

interface TokenEntry {
  kind: 'access' | 'refresh';
  grantId: string;
  userId: string;
  expiresAtMs: number;
}

interface Grant {
  userId: string;
  realm: string;
  userPrincipal: string;
  clientId: string;
  refreshJti: string;
  latestAccessJti: string;
  revoked: boolean;
}

interface Identity {
  uid: string;
  userPrincipal: string;
  realm: string;
}

interface IdsSession {
  id: string;
  identity?: Identity;
  authenticatedUntil?: number;
}

interface PendingAuthorize {
  sessionId: string;
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  createdAt: number;
}

const MAX_FORM_BYTES = 512 * 1024;
const CODE_LIFETIME_MS = 60_000;
const PENDING_LIFETIME_MS = 10 * 60_000;
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

function token(bytes = 20): string {
  return randomBytes(bytes).toString('hex');
}

/** node-saml's InResponseTo cache: request ids are single use and expire. */
function memoryCache(ttlMs: number): CacheProvider {
  const items = new Map<string, { value: string; createdAt: number }>();
  const sweep = (): void => {
    const now = Date.now();
    for (const [k, v] of items) if (now - v.createdAt > ttlMs) items.delete(k);
  };
  return {
    saveAsync: async (key, value) => {
      sweep();
      if (items.has(key)) return null;
      const item = { value, createdAt: Date.now() };
      items.set(key, item);
      return item;
    },
    getAsync: async (key) => {
      sweep();
      return items.get(key)?.value ?? null;
    },
    removeAsync: async (key) => {
      if (key === null) return null;
      const item = items.get(key);
      items.delete(key);
      return item?.value ?? null;
    },
  };
}

function firstValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** A local port that nothing listens on (IdP-down fault). */
async function closedPort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startIdsServer(options: IdsServerOptions = {}): Promise<IdsLabServer> {
  const host = options.host ?? '127.0.0.1';
  const fqdn = options.fqdn ?? 'ids.lab.invalid';
  const clock = options.clock ?? Date.now;
  const accessLifetime = options.accessTokenLifetimeSeconds ?? 300;
  const refreshLifetime = options.refreshTokenLifetimeSeconds ?? 7200;
  const sessionLifetimeMs = (options.sessionLifetimeSeconds ?? 8 * 3600) * 1000;
  const refuseAfterAccessExpiry = (options.refreshAfterAccessExpiry ?? 'refuse') === 'refuse';
  const privateKey = options.privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const idsId = randomUUID();

  let idp = options.idp;
  let idpDown = false;
  const deadEntryPoint = `http://${host}:${await closedPort(host)}/idp-down`;
  const samlCache = memoryCache(PENDING_LIFETIME_MS);

  const clients = new Map<string, string[]>();
  const sessions = new Map<string, IdsSession>();
  const pending = new Map<string, PendingAuthorize>();
  const relays = new Map<string, string>(); // uniqueId -> pending id
  const codes = new Map<string, { clientId: string; redirectUri: string; identity: Identity; expiresAt: number }>();
  const tokens = new Map<string, TokenEntry>();
  const grants = new Map<string, Grant>();
  const requests: IdsRequestRecord[] = [];

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = options.publicUrl ?? `http://${host}:${port}`;
  // Cookies ignore ports: every lab server on 127.0.0.1 shares one cookie namespace, so the name
  // carries the port (production IdS hosts differ by name instead).
  const SESSION_COOKIE = `ids_session_${port}`;
  const acsUrl = `${url}/ids/saml/response${(options.acsMetaAlias ?? true) ? '?metaAlias=/sp' : ''}`;

  function samlFor(config: IdsIdpConfig): SAML {
    // [CCXDG] IdS expectations: Issuer and Audience = IdS FQDN, transient NameID with SPNameQualifier,
    // whole Response signed (the assertion alone is not enough), nothing encrypted.
    const samlConfig: SamlConfig = {
      callbackUrl: acsUrl,
      entryPoint: idpDown ? deadEntryPoint : config.entryPoint,
      issuer: fqdn,
      audience: fqdn,
      idpCert: config.cert,
      identifierFormat: TRANSIENT,
      spNameQualifier: fqdn,
      wantAuthnResponseSigned: true,
      wantAssertionsSigned: false,
      disableRequestedAuthnContext: true,
      validateInResponseTo: 'always' as SamlConfig['validateInResponseTo'],
      requestIdExpirationPeriodMs: PENDING_LIFETIME_MS,
      cacheProvider: samlCache,
      acceptedClockSkewMs: 5_000,
      // SAML bindings §3.5.4: HTTP-POST carries the message base64 only, not DEFLATEd.
      ...(config.authnRequestBinding === 'redirect' ? {} : { authnRequestBinding: 'HTTP-POST', skipRequestCompression: true }),
      ...(config.idpIssuer === undefined ? {} : { idpIssuer: config.idpIssuer }),
    };
    return new SAML(samlConfig);
  }

  function sessionOf(req: IncomingMessage): IdsSession | undefined {
    const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    return id === undefined ? undefined : sessions.get(id);
  }

  function sessionCookie(id: string): string {
    // No SameSite attribute: the ACS is reached by a cross-origin POST from the IdP's page.
    return `${SESSION_COOKIE}=${id}; Path=/ids; HttpOnly`;
  }

  function issueTokens(identity: Identity, clientId: string): IdsTokenSet {
    const grantId = randomUUID();
    const refreshJti = randomUUID();
    const now = clock();
    const refreshToken = mint('refresh', identity, clientId, grantId, refreshJti, now, refreshLifetime);
    const accessJti = randomUUID();
    const accessToken = mint('access', identity, clientId, grantId, accessJti, now, accessLifetime);
    grants.set(grantId, { userId: identity.uid, realm: identity.realm, userPrincipal: identity.userPrincipal, clientId, refreshJti, latestAccessJti: accessJti, revoked: false });
    return { accessToken, refreshToken, expiresIn: Math.max(1, Math.round(accessLifetime)), userId: identity.uid, realm: identity.realm, userPrincipal: identity.userPrincipal };
  }

  /** Claims as finesse.md §2 lists them: `sub` is a JSON string; `expiry` is epoch ms. */
  function mint(kind: 'access' | 'refresh', identity: Identity, clientId: string, grantId: string, jti: string, now: number, lifetimeSeconds: number): string {
    const expiresAtMs = now + Math.round(lifetimeSeconds * 1000);
    tokens.set(jti, { kind, grantId, userId: identity.uid, expiresAtMs });
    const sub = {
      scope: ['ccc_onprem_apps'],
      rt: token(20),
      user_id: identity.uid,
      realm: identity.realm,
      upn: identity.userPrincipal,
      ids_id: idsId,
      client_id: clientId,
      token: token(16),
      expiry: expiresAtMs,
      usage: kind,
    };
    return signJwt({ iss: fqdn, sub: JSON.stringify(sub), exp: Math.ceil(expiresAtMs / 1000), iat: Math.floor(now / 1000), jti }, privateKey);
  }

  function check(tokenText: string, kind: 'access' | 'refresh'): { ok: true; entry: TokenEntry; jti: string; grant: Grant } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' } {
    const verified = verifyJwt(tokenText, publicKey);
    if (!verified.ok) return { ok: false, reason: 'invalid' };
    const { jti, sub } = verified.payload;
    if (typeof jti !== 'string' || typeof sub !== 'string') return { ok: false, reason: 'invalid' };
    let usage: unknown;
    try {
      usage = (JSON.parse(sub) as { usage?: unknown }).usage;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    const entry = tokens.get(jti);
    if (usage !== kind || entry === undefined || entry.kind !== kind) return { ok: false, reason: 'invalid' };
    const grant = grants.get(entry.grantId);
    if (grant === undefined) return { ok: false, reason: 'invalid' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (clock() >= entry.expiresAtMs) return { ok: false, reason: 'expired' };
    return { ok: true, entry, jti, grant };
  }

  function issueCode(p: PendingAuthorize, identity: Identity): string {
    const code = token(16);
    codes.set(code, { clientId: p.clientId, redirectUri: p.redirectUri, identity, expiresAt: Date.now() + CODE_LIFETIME_MS });
    const target = new URL(p.redirectUri);
    target.searchParams.set('code', code);
    if (p.state !== undefined) target.searchParams.set('state', p.state);
    return target.toString();
  }

  function sweep(): void {
    const now = Date.now();
    for (const [k, v] of pending) if (now - v.createdAt > PENDING_LIFETIME_MS) pending.delete(k);
    for (const [k, v] of relays) if (!pending.has(v)) relays.delete(k);
    for (const [k, v] of codes) if (now > v.expiresAt) codes.delete(k);
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, u: URL): Promise<number> {
    const q = u.searchParams;
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    const allowed = clients.get(clientId);
    if (allowed === undefined) return page(res, 400, 'Invalid client', 'The client_id is not registered with this Identity Service.');
    if (!allowed.includes(redirectUri)) return page(res, 400, 'Invalid redirect', 'The redirect_uri is not registered for this client.');
    if (q.get('response_type') !== 'code') return page(res, 400, 'Unsupported response type', 'Only response_type=code is supported.');
    sweep();
    let session = sessionOf(req);
    const headers: Record<string, string> = {};
    if (session === undefined) {
      session = { id: token(24) };
      sessions.set(session.id, session);
      headers['Set-Cookie'] = sessionCookie(session.id);
    }
    const p: PendingAuthorize = { sessionId: session.id, clientId, redirectUri, state: q.get('state') ?? undefined, createdAt: Date.now() };
    // An IdS session still valid: straight back with a code, no IdP round trip (silent refresh path).
    if (session.identity !== undefined && (session.authenticatedUntil ?? 0) > Date.now()) {
      redirect(res, issueCode(p, session.identity), { headers });
      return 302;
    }
    if (idp === undefined) return page(res, 503, 'No identity provider', 'This Identity Service has no identity provider configured.', headers);
    const relayId = token(16);
    pending.set(relayId, p);
    const saml = samlFor(idp);
    if (idp.authnRequestBinding === 'redirect') {
      const location = await saml.getAuthorizeUrlAsync(relayId, undefined, {});
      redirect(res, location, { headers });
      return 302;
    }
    const form = await saml.getAuthorizeFormAsync(relayId, undefined, {});
    send(res, 200, 'text/html; charset=utf-8', form, { headers });
    return 200;
  }

  async function readForm(req: IncomingMessage, res: ServerResponse): Promise<URLSearchParams | number> {
    if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded') return page(res, 415, 'Unsupported media type', 'Expected a form post.');
    const body = await readBody(req, MAX_FORM_BYTES);
    if (body.kind === 'too-large') return page(res, 413, 'Too large', 'The request body is too large.');
    if (body.kind === 'aborted') return 0;
    return new URLSearchParams(body.text);
  }

  async function acs(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const form = await readForm(req, res);
    if (typeof form === 'number') return form;
    const samlResponse = form.get('SAMLResponse');
    const relayId = form.get('RelayState') ?? '';
    if (samlResponse === null || samlResponse === '') return page(res, 400, 'SAML error', 'The SAMLResponse is missing.');
    sweep();
    const p = pending.get(relayId);
    if (p === undefined || idp === undefined) return page(res, 400, 'SAML error', 'Unknown or expired RelayState (the sign-in took too long or was replayed).');
    let profile: Record<string, unknown> | null;
    try {
      profile = (await samlFor(idp).validatePostResponseAsync({ SAMLResponse: samlResponse })).profile as Record<string, unknown> | null;
    } catch {
      // Never echo the assertion or the validator's detail (it may quote attribute values).
      return page(res, 400, 'SAML error', 'The SAML response was rejected (signature, audience, recipient, time window or InResponseTo).');
    }
    if (profile === null) return page(res, 400, 'SAML error', 'The SAML response carried no assertion.');
    const uid = firstValue(profile['uid']);
    const upn = firstValue(profile['user_principal']);
    // [CCXDG] the IdS requires both attributes.
    if (uid === undefined || uid === '' || upn === undefined || !upn.includes('@')) {
      return page(res, 400, 'SAML error', 'The assertion lacks the uid and user_principal attributes the Identity Service requires.');
    }
    const session = sessionOf(req);
    if (session === undefined || session.id !== p.sessionId) {
      return page(res, 400, 'Session error', 'The Identity Service session cookie is missing or belongs to another sign-in.');
    }
    session.identity = { uid, userPrincipal: upn, realm: upn.slice(upn.indexOf('@') + 1) };
    session.authenticatedUntil = Date.now() + sessionLifetimeMs;
    const uniqueId = token(16);
    relays.set(uniqueId, relayId);
    send(res, 200, 'text/html; charset=utf-8', autoPostPage('Identity Service', `${url}/ids/relay`, { uniqueId }));
    return 200;
  }

  async function relay(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const form = await readForm(req, res);
    if (typeof form === 'number') return form;
    const relayId = relays.get(form.get('uniqueId') ?? '');
    const p = relayId === undefined ? undefined : pending.get(relayId);
    const session = sessionOf(req);
    if (p === undefined || relayId === undefined) return page(res, 400, 'Relay error', 'Unknown or used uniqueId.');
    if (session === undefined || session.id !== p.sessionId || session.identity === undefined) {
      return page(res, 400, 'Session error', 'The Identity Service session cookie is missing or belongs to another sign-in.');
    }
    relays.delete(form.get('uniqueId') ?? '');
    pending.delete(relayId);
    redirect(res, issueCode(p, session.identity));
    return 302;
  }

  function exchangeCode(code: string, clientId: string, redirectUri: string): IdsTokenSet | undefined {
    sweep();
    const entry = codes.get(code);
    codes.delete(code);
    if (entry === undefined || entry.clientId !== clientId || entry.redirectUri !== redirectUri) return undefined;
    return issueTokens(entry.identity, clientId);
  }

  function refresh(input: { refreshToken: string; accessToken?: string; user?: (userId: string) => boolean }): IdsRefreshResult {
    const r = check(input.refreshToken, 'refresh');
    if (!r.ok) return { ok: false, reason: r.reason === 'invalid' ? 'refresh-invalid' : r.reason === 'expired' ? 'refresh-expired' : 'revoked' };
    const grant = r.grant;
    if (grant.refreshJti !== r.jti) return { ok: false, reason: 'refresh-invalid' };
    if (input.user !== undefined && !input.user(grant.userId)) return { ok: false, reason: 'mismatch' };
    let accessJti = grant.latestAccessJti;
    if (input.accessToken !== undefined) {
      const verified = verifyJwt(input.accessToken, publicKey);
      const jti = verified.ok ? verified.payload['jti'] : undefined;
      const entry = typeof jti === 'string' ? tokens.get(jti) : undefined;
      if (entry === undefined || entry.kind !== 'access') return { ok: false, reason: 'access-invalid' };
      if (entry.grantId !== r.entry.grantId) return { ok: false, reason: 'mismatch' };
      accessJti = jti as string;
    }
    const access = tokens.get(accessJti);
    // [CCXDG] "Access Tokens can be refreshed only when both the current access token and the refresh
    // token are valid and not expired."
    if (refuseAfterAccessExpiry && (access === undefined || clock() >= access.expiresAtMs)) return { ok: false, reason: 'access-expired' };
    const identity: Identity = { uid: grant.userId, realm: grant.realm, userPrincipal: grant.userPrincipal };
    const newJti = randomUUID();
    const accessToken = mint('access', identity, grant.clientId, r.entry.grantId, newJti, clock(), accessLifetime);
    grant.latestAccessJti = newJti;
    return {
      ok: true,
      tokens: { accessToken, refreshToken: input.refreshToken, expiresIn: Math.max(1, Math.round(accessLifetime)), userId: identity.uid, realm: identity.realm, userPrincipal: identity.userPrincipal },
    };
  }

  function verifyAccessToken(tokenText: string): IdsTokenCheck {
    const r = check(tokenText, 'access');
    if (!r.ok) return r;
    return { ok: true, claims: { userId: r.grant.userId, realm: r.grant.realm, userPrincipal: r.grant.userPrincipal, jti: r.jti, expiresAtMs: r.entry.expiresAtMs } };
  }

  async function tokenEndpoint(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const form = await readForm(req, res);
    if (typeof form === 'number') return form;
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const set = exchangeCode(form.get('code') ?? '', form.get('client_id') ?? '', form.get('redirect_uri') ?? '');
      if (set === undefined) return json(res, 400, { error: 'invalid_grant' });
      return json(res, 200, { access_token: set.accessToken, refresh_token: set.refreshToken, expires_in: set.expiresIn, token_type: 'Bearer' });
    }
    if (grantType === 'refresh_token') {
      const r = refresh({ refreshToken: form.get('refresh_token') ?? '' });
      if (!r.ok) return json(res, 400, { error: 'invalid_grant' });
      return json(res, 200, { access_token: r.tokens.accessToken, expires_in: r.tokens.expiresIn, token_type: 'Bearer' });
    }
    return json(res, 400, { error: 'unsupported_grant_type' });
  }

  function page(res: ServerResponse, status: number, title: string, message: string, headers: Record<string, string> = {}): number {
    send(res, status, 'text/html; charset=utf-8', htmlPage(title, message), { headers });
    return status;
  }

  function json(res: ServerResponse, status: number, body: unknown): number {
    sendJson(res, status, body);
    return status;
  }

  function spMetadataXml(): string {
    return generateServiceProviderMetadata({ issuer: fqdn, callbackUrl: acsUrl, identifierFormat: TRANSIENT, wantAssertionsSigned: false });
  }

  async function route(req: IncomingMessage, res: ServerResponse, u: URL): Promise<number> {
    const path = u.pathname;
    const method = req.method ?? 'GET';
    if (path === '/ids/v1/oauth/authorize' && method === 'GET') return authorize(req, res, u);
    if (path === '/ids/saml/response' && method === 'POST') return acs(req, res);
    if (path === '/ids/relay' && method === 'POST') return relay(req, res);
    if (path === '/ids/v1/oauth/token' && method === 'POST') return tokenEndpoint(req, res);
    if (path === '/ids/v1/keys/token/public' && method === 'GET') {
      send(res, 200, 'application/x-pem-file', publicKeyPem);
      return 200;
    }
    if (path === '/ids/saml/metadata' && method === 'GET') {
      send(res, 200, 'application/samlmetadata+xml', spMetadataXml());
      return 200;
    }
    if (path.startsWith('/lab/ids/') && method === 'POST') {
      if (!isLoopback(req.socket.remoteAddress)) return json(res, 403, { error: 'loopback only' });
      if (path === '/lab/ids/sessions/drop') {
        api.dropSessions();
        return json(res, 200, { dropped: true });
      }
    }
    return page(res, 404, 'Not found', 'No such Identity Service endpoint.');
  }

  server.on('request', (req, res) => {
    let u: URL;
    try {
      u = new URL(req.url ?? '/', url);
    } catch {
      page(res, 400, 'Bad request', 'Bad request URI.');
      return;
    }
    const record: IdsRequestRecord = { time: new Date().toISOString(), method: req.method ?? 'GET', path: u.pathname, hadSessionCookie: parseCookies(req.headers.cookie).has(SESSION_COOKIE), status: 0 };
    if (!u.pathname.startsWith('/lab/')) requests.push(record);
    if (requests.length > 10_000) requests.splice(0, 1_000);
    route(req, res, u).then(
      (status) => {
        record.status = status;
      },
      () => {
        record.status = 500;
        page(res, 500, 'Internal error', 'The Identity Service lab failed on this request.');
      },
    );
  });

  const api: IdsLabServer = {
    url,
    port,
    fqdn,
    acsUrl,
    publicKey,
    publicKeyPem,
    accessTokenLifetimeSeconds: accessLifetime,
    refreshTokenLifetimeSeconds: refreshLifetime,
    spMetadataXml,
    setIdp: (config) => {
      idp = config;
    },
    setIdpDown: (down) => {
      idpDown = down;
    },
    registerClient: (clientId, redirectUris) => {
      clients.set(clientId, [...redirectUris]);
    },
    exchangeCode,
    refresh,
    issueTokensFor: (identity, clientId = 'lab-backdoor') =>
      issueTokens({ uid: identity.uid, userPrincipal: identity.userPrincipal, realm: identity.userPrincipal.slice(identity.userPrincipal.indexOf('@') + 1) }, clientId),
    verifyAccessToken,
    expireTokens: (filter = {}) => {
      const which = filter.which ?? 'all';
      const now = clock();
      let count = 0;
      for (const entry of tokens.values()) {
        if (filter.userId !== undefined && entry.userId.toLowerCase() !== filter.userId.toLowerCase()) continue;
        if (which !== 'all' && entry.kind !== which) continue;
        if (entry.expiresAtMs > now) {
          entry.expiresAtMs = now - 1;
          count += 1;
        }
      }
      return count;
    },
    revokeTokens: (filter = {}) => {
      let count = 0;
      for (const grant of grants.values()) {
        if (filter.userId !== undefined && grant.userId.toLowerCase() !== filter.userId.toLowerCase()) continue;
        if (!grant.revoked) count += 1;
        grant.revoked = true;
      }
      return count;
    },
    dropSessions: () => {
      sessions.clear();
    },
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}
