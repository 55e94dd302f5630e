// The Cisco Identity Service (IdS) lab: an OAuth authorization server for Finesse that is itself a
// SAML 2.0 service provider of a configurable IdP (the lab IdP, SimpleSAMLphp, …). Written from the
// Finesse developer guide, the UCCX SSO design guide and public captures (shared/protocols/finesse.md
// §2–3), never from the client. Production listens on https 8553; the lab serves plain http on
// loopback. Endpoints and inferred choices: lab/README.md "Cisco IdS".
// This file wires the concerns together: browser flow (authorize.ts), SAML SP (saml-sp.ts), tokens
// (tokens.ts), replies (pages.ts); it owns the socket, the routes, the request log and the controls.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopback, parseCookies, send } from '../finesse/http-io.ts';
import { PENDING_LIFETIME_MS, createBrowserFlow } from './authorize.ts';
import { json, page, readForm } from './pages.ts';
import { closedPort, memoryCache, samlFor, spMetadata } from './saml-sp.ts';
import { createTokenStore } from './tokens.ts';
import type { TokenStore } from './tokens.ts';
import { identityOf } from './types.ts';
import type { IdsIdpConfig, IdsLabServer, IdsRequestRecord, IdsServerOptions } from './types.ts';

export type { IdsAccessClaims, IdsIdpConfig, IdsLabServer, IdsRefreshResult, IdsRequestRecord, IdsServerOptions, IdsTokenCheck, IdsTokenSet } from './types.ts';

/** POST /ids/v1/oauth/token: the code exchange and the refresh grant over HTTP. */
async function tokenEndpoint(req: IncomingMessage, res: ServerResponse, exchangeCode: IdsLabServer['exchangeCode'], store: TokenStore): Promise<number> {
  const form = await readForm(req, res);
  if (typeof form === 'number') return form;
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const set = exchangeCode(form.get('code') ?? '', form.get('client_id') ?? '', form.get('redirect_uri') ?? '');
    if (set === undefined) return json(res, 400, { error: 'invalid_grant' });
    return json(res, 200, { access_token: set.accessToken, refresh_token: set.refreshToken, expires_in: set.expiresIn, token_type: 'Bearer' });
  }
  if (grantType === 'refresh_token') {
    const r = store.refresh({ refreshToken: form.get('refresh_token') ?? '' });
    if (!r.ok) return json(res, 400, { error: 'invalid_grant' });
    return json(res, 200, { access_token: r.tokens.accessToken, expires_in: r.tokens.expiresIn, token_type: 'Bearer' });
  }
  return json(res, 400, { error: 'unsupported_grant_type' });
}

export async function startIdsServer(options: IdsServerOptions = {}): Promise<IdsLabServer> {
  const host = options.host ?? '127.0.0.1';
  const fqdn = options.fqdn ?? 'ids.lab.invalid';
  const accessLifetime = options.accessTokenLifetimeSeconds ?? 300;
  const refreshLifetime = options.refreshTokenLifetimeSeconds ?? 7200;
  const privateKey = options.privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const store = createTokenStore({
    fqdn,
    clock: options.clock ?? Date.now,
    privateKey,
    publicKey,
    accessLifetimeSeconds: accessLifetime,
    refreshLifetimeSeconds: refreshLifetime,
    refuseAfterAccessExpiry: (options.refreshAfterAccessExpiry ?? 'refuse') === 'refuse',
  });

  let idp = options.idp;
  let idpDown = false;
  const deadEntryPoint = `http://${host}:${await closedPort(host)}/idp-down`;
  const samlCache = memoryCache(PENDING_LIFETIME_MS);
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

  const flow = createBrowserFlow({
    url,
    cookieName: SESSION_COOKIE,
    sessionLifetimeMs: (options.sessionLifetimeSeconds ?? 8 * 3600) * 1000,
    idp: () => idp,
    saml: (config: IdsIdpConfig) =>
      samlFor(config, { fqdn, acsUrl, entryPoint: idpDown ? deadEntryPoint : config.entryPoint, cache: samlCache, requestLifetimeMs: PENDING_LIFETIME_MS }),
    issueTokens: store.issueTokens,
  });

  async function route(req: IncomingMessage, res: ServerResponse, u: URL): Promise<number> {
    const path = u.pathname;
    const method = req.method ?? 'GET';
    if (path === '/ids/v1/oauth/authorize' && method === 'GET') return flow.authorize(req, res, u);
    if (path === '/ids/saml/response' && method === 'POST') return flow.acs(req, res);
    if (path === '/ids/relay' && method === 'POST') return flow.relay(req, res);
    if (path === '/ids/v1/oauth/token' && method === 'POST') return tokenEndpoint(req, res, flow.exchangeCode, store);
    if (path === '/ids/v1/keys/token/public' && method === 'GET') {
      send(res, 200, 'application/x-pem-file', publicKeyPem);
      return 200;
    }
    if (path === '/ids/saml/metadata' && method === 'GET') {
      send(res, 200, 'application/samlmetadata+xml', spMetadata(fqdn, acsUrl));
      return 200;
    }
    if (path.startsWith('/lab/ids/') && method === 'POST') {
      if (!isLoopback(req.socket.remoteAddress)) return json(res, 403, { error: 'loopback only' });
      if (path === '/lab/ids/sessions/drop') {
        flow.dropSessions();
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

  return {
    url,
    port,
    fqdn,
    acsUrl,
    publicKey,
    publicKeyPem,
    accessTokenLifetimeSeconds: accessLifetime,
    refreshTokenLifetimeSeconds: refreshLifetime,
    spMetadataXml: () => spMetadata(fqdn, acsUrl),
    setIdp: (config) => {
      idp = config;
    },
    setIdpDown: (down) => {
      idpDown = down;
    },
    registerClient: flow.registerClient,
    exchangeCode: flow.exchangeCode,
    refresh: store.refresh,
    issueTokensFor: (identity, clientId = 'lab-backdoor', accessLifetimeSeconds) => store.issueTokens(identityOf(identity.uid, identity.userPrincipal), clientId, accessLifetimeSeconds),
    verifyAccessToken: store.verifyAccessToken,
    expireTokens: store.expireTokens,
    revokeTokens: store.revokeTokens,
    dropSessions: flow.dropSessions,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
