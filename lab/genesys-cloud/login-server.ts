// login.<region> of the Genesys Cloud lab: oidc-provider (a real third-party authorization server)
// behind a small node:http front that adds what Genesys does differently
// (shared/protocols/genesys-cloud.md §1): no `scope` parameter (scopes are set on the OAuth client by
// the admin), exact redirect-URI matching, no consent page, `GET /logout?client_id&redirect_uri`,
// and a login page with the lab's users.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import Provider, { interactionPolicy } from 'oidc-provider';
import type { Configuration, JWK, KoaContextWithOIDC } from 'oidc-provider';
import { parseCookies, readBody } from '../http-io.ts';
import { createLabOidcStore } from './adapter.ts';
import type { LabOidcStore } from './adapter.ts';
import { KNOWN_SCOPES, LAB_CONFIDENTIAL_CLIENT_ID, LAB_CONFIDENTIAL_CLIENT_SECRET, LAB_PUBLIC_CLIENT_ID, LAB_PUBLIC_CLIENT_NAME } from './fixture.ts';
import type { GenesysCloudLabUser } from './fixture.ts';
import { loginFormPage, noticePage } from './login-html.ts';

/** A stored test key set (lab fixture, not a secret of anything real): RSA keygen at every start would
 *  cost 0.15–0.45 s. */
const LAB_JWKS = JSON.parse(readFileSync(new URL('./lab-jwks.json', import.meta.url), 'utf8')) as { keys: JWK[] };

export interface LoginRequestRecord {
  server: 'login';
  time: number;
  method: string;
  path: string;
  status: number;
}

export interface LoginServerOptions {
  host: string;
  redirectUri: string;
  tokenLifetimeSec: number;
  refreshTokens: boolean;
  users: GenesysCloudLabUser[];
  /** The scopes a user is granted now (setGrantedScopes). */
  scopesOf(userId: string): string[];
  record(entry: LoginRequestRecord): void;
}

export interface LoginServer {
  readonly url: string;
  readonly provider: Provider;
  readonly store: LabOidcStore;
  setLoginAvailable(on: boolean): void;
  setTokenLifetime(sec: number): void;
  tokenLifetime(): number;
  /** Rewrites the scopes of the user's live grants (tokens issued from now on carry them). */
  applyGrantedScopes(userId: string): Promise<void>;
  /** Revokes every token of these grants and the grants themselves. */
  revokeGrants(grantIds: string[]): Promise<void>;
  close(): Promise<void>;
}

const REQUESTED_SCOPE = KNOWN_SCOPES.join(' ');
const SPACE_SCOPES = new Set<string>(KNOWN_SCOPES);

/** Genesys redirects straight back with a login session (no consent page, native client or not):
 *  the only consent check left asks for a grant when the session has none for this client. */
function labPolicy(): interactionPolicy.DefaultPolicy {
  const policy = interactionPolicy.base();
  const consent = policy.get('consent');
  if (consent === undefined) throw new Error('oidc-provider: no consent prompt');
  consent.checks.clear();
  consent.checks.add(
    new interactionPolicy.Check('no_grant', 'no scopes granted to this client yet', 'consent_required', (ctx: KoaContextWithOIDC) => {
      const grant = ctx.oidc.grant;
      if (grant === undefined) return interactionPolicy.Check.REQUEST_PROMPT;
      return grant.getOIDCScopeFiltered(ctx.oidc.requestParamOIDCScopes) === '' ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}

function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(html)), ...headers });
  res.end(html);
}

/** oidc-provider always adds RFC 9207's `iss` to the redirect; Genesys Cloud sends only `code` and
 *  `state` (§1), so the lab drops it: a client that required `iss` would fail against the real service. */
function stripIssuerFromRedirect(res: ServerResponse, redirectUri: string): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => {
    if (name.toLowerCase() === 'location' && typeof value === 'string' && value.startsWith(redirectUri)) {
      const target = new URL(value);
      target.searchParams.delete('iss');
      return setHeader(name, target.href);
    }
    return setHeader(name, value);
  };
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startLoginServer(options: LoginServerOptions): Promise<LoginServer> {
  let loginAvailable = true;
  let lifetime = options.tokenLifetimeSec;
  const store = createLabOidcStore();
  const userById = (id: string): GenesysCloudLabUser | undefined => options.users.find((u) => u.id === id);
  const userByLogin = (name: string): GenesysCloudLabUser | undefined => {
    const wanted = name.trim().toLowerCase();
    return options.users.find((u) => u.userName.toLowerCase() === wanted || u.email.toLowerCase() === wanted);
  };

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => sendHtml(res, 503, noticePage('Starting', 'The lab login server is starting.'));
  const server = createServer((req, res) => handler(req, res));
  const port = await listen(server, options.host);
  const url = `http://${options.host}:${port}`;

  const grantTypes = options.refreshTokens ? ['authorization_code', 'refresh_token'] : ['authorization_code'];
  const configuration: Configuration = {
    adapter: store.factory,
    clients: [
      {
        client_id: LAB_PUBLIC_CLIENT_ID,
        client_name: LAB_PUBLIC_CLIENT_NAME,
        // 'web', not 'native': oidc-provider lets native clients use any loopback port (RFC 8252 §7.3);
        // Genesys Cloud matches the registered redirect URI exactly.
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        redirect_uris: [options.redirectUri],
        grant_types: grantTypes,
        response_types: ['code'],
      },
      {
        client_id: LAB_CONFIDENTIAL_CLIENT_ID,
        client_secret: LAB_CONFIDENTIAL_CLIENT_SECRET,
        client_name: 'Lab server integration (confidential)',
        application_type: 'web',
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [options.redirectUri],
        grant_types: grantTypes,
        response_types: ['code'],
      },
    ],
    jwks: LAB_JWKS,
    cookies: { keys: ['patchbay-lab-gc-cookie-key-1'] },
    routes: { authorization: '/oauth/authorize', token: '/oauth/token', jwks: '/oauth/jwks', end_session: '/oauth/end-session' },
    scopes: [...KNOWN_SCOPES],
    claims: {},
    extraParams: ['org', 'provider'],
    responseTypes: ['code'],
    pkce: { required: () => true }, // GC-03, RFC 7636: S256 only in oidc-provider 9
    allowOmittingSingleRegisteredRedirectUri: false,
    clockTolerance: 0, // an expired token is expired (servers.md: the default 15 s keeps them alive)
    rotateRefreshToken: true, // a reused refresh token → invalid_grant and the grant is revoked
    issueRefreshToken: (_ctx, client) => options.refreshTokens && client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: () => lifetime,
      AuthorizationCode: 300,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
      IdToken: 3600,
    },
    interactions: { url: (_ctx, interaction) => `/login/${interaction.uid}`, policy: labPolicy() },
    findAccount: (_ctx, sub) => (userById(sub) === undefined ? undefined : { accountId: sub, claims: () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      revocation: { enabled: false },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = noticePage('Genesys Cloud (lab) — sign-in error', `${out.error}: ${out.error_description ?? ''}`);
    },
  };
  const provider = new Provider(url, configuration);
  const callback = provider.callback();

  const grantFor = async (accountId: string, clientId: string, grantId: string | undefined): Promise<string | undefined> => {
    const scopes = options.scopesOf(accountId).filter((s) => SPACE_SCOPES.has(s));
    if (scopes.length === 0) return undefined;
    const existing = grantId === undefined ? undefined : await provider.Grant.find(grantId);
    const grant = existing?.accountId === accountId ? existing : new provider.Grant({ accountId, clientId });
    grant.openid = { scope: scopes.join(' ') };
    return grant.save();
  };

  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, rest: string): Promise<void> => {
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      sendHtml(res, 400, noticePage('Sign-in expired', 'This sign-in page is no longer valid. Start the sign-in again from Patchbay.'));
      return;
    }
    if (details.uid !== uid) {
      sendHtml(res, 400, noticePage('Sign-in expired', 'This sign-in page does not belong to this browser session.'));
      return;
    }
    const params = details.params as Record<string, string | undefined>;
    const clientId = params.client_id ?? '';
    const action = `/login/${uid}`;
    const form = (error?: string): string =>
      loginFormPage({
        action,
        cancelHref: `/login/${uid}/abort`,
        ...(params.login_hint === undefined ? {} : { loginHint: params.login_hint }),
        ...(params.org === undefined ? {} : { org: params.org }),
        ...(params.provider === undefined ? {} : { provider: params.provider }),
        ...(error === undefined ? {} : { error }),
      });
    if (rest === '/abort') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled the login.' }, { mergeWithLastSubmission: false });
      return;
    }
    if (rest !== '') {
      sendHtml(res, 404, noticePage('Not found', 'No such page.'));
      return;
    }
    if (details.prompt.name === 'consent') {
      // Genesys shows no consent page for the org's own clients: grant what the admin assigned.
      const accountId = details.session?.accountId;
      const grantId = accountId === undefined ? undefined : await grantFor(accountId, clientId, details.grantId);
      const result = grantId === undefined ? { error: 'access_denied', error_description: 'The OAuth client has no scopes for this user.' } : { consent: { grantId } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
      return;
    }
    if (req.method === 'GET') {
      sendHtml(res, 200, form());
      return;
    }
    if (req.method !== 'POST') {
      sendHtml(res, 405, noticePage('Method not allowed', 'Use the form.'), { Allow: 'GET, POST' });
      return;
    }
    const body = await readBody(req, 16 * 1024);
    if (body.kind !== 'ok') {
      sendHtml(res, 413, noticePage('Too large', 'The form was too large.'));
      return;
    }
    const fields = new URLSearchParams(body.text);
    const user = userByLogin(fields.get('username') ?? '');
    if (user === undefined || fields.get('password') !== user.password) {
      sendHtml(res, 200, form('The email or password is incorrect.'));
      return;
    }
    const grantId = await grantFor(user.id, clientId, details.grantId);
    if (grantId === undefined) {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The OAuth client has no scopes for this user.' }, { mergeWithLastSubmission: false });
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.id }, consent: { grantId } }, { mergeWithLastSubmission: false });
  };

  /** `GET /logout?client_id&redirect_uri` ends the login session (the browser's cookie), §1. */
  const logout = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    const sessionId = parseCookies(req.headers.cookie).get('_session');
    if (sessionId !== undefined) {
      const session = await provider.Session.find(sessionId);
      await session?.destroy();
    }
    const expired = ['_session', '_session.sig'].map((name) => `${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax`);
    const redirectUri = query.get('redirect_uri');
    if (redirectUri !== null && redirectUri === options.redirectUri && query.get('client_id') === LAB_PUBLIC_CLIENT_ID) {
      res.writeHead(302, { Location: redirectUri, 'Set-Cookie': expired, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    sendHtml(res, 200, noticePage('Signed out', 'You are signed out of Genesys Cloud (lab).'), { 'Set-Cookie': expired });
  };

  handler = (req, res) => {
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    const started = Date.now();
    res.once('finish', () => options.record({ server: 'login', time: started, method: req.method ?? 'GET', path, status: res.statusCode }));
    const loginRoute = path === '/oauth/authorize' || path.startsWith('/oauth/authorize/') || path.startsWith('/login/') || path === '/oauth/token';
    if (!loginAvailable && loginRoute) {
      if (path === '/oauth/token') {
        const body = JSON.stringify({ error: 'temporarily_unavailable', error_description: 'Login is temporarily unavailable.' });
        res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '30', 'Content-Length': String(Buffer.byteLength(body)) });
        res.end(body);
      } else {
        sendHtml(res, 503, noticePage('Genesys Cloud is unavailable', 'Login is temporarily unavailable. Try again later.'), { 'Retry-After': '30' });
      }
      return;
    }
    const fail = (error: unknown): void => {
      if (!res.headersSent) sendHtml(res, 500, noticePage('Lab error', error instanceof Error ? error.message : String(error)));
      else res.destroy();
    };
    if (path === '/logout') {
      logout(req, res, requestUrl.searchParams).catch(fail);
      return;
    }
    const login = /^\/login\/([A-Za-z0-9_-]{1,64})(\/abort)?$/.exec(path);
    if (login !== null) {
      interaction(req, res, login[1] ?? '', login[2] ?? '').catch(fail);
      return;
    }
    if (path.startsWith('/login/')) {
      sendHtml(res, 404, noticePage('Not found', 'No such page.'));
      return;
    }
    if (path === '/oauth/authorize' && req.method === 'GET' && !requestUrl.searchParams.has('scope')) {
      // Genesys clients send no scope: the client's assigned scopes apply (the grant narrows them).
      requestUrl.searchParams.set('scope', REQUESTED_SCOPE);
      req.url = `${requestUrl.pathname}${requestUrl.search}`;
    }
    if (path.startsWith('/oauth/authorize')) stripIssuerFromRedirect(res, options.redirectUri);
    callback(req, res);
  };

  return {
    url,
    provider,
    store,
    setLoginAvailable: (on) => {
      loginAvailable = on;
    },
    setTokenLifetime: (sec) => {
      if (!Number.isInteger(sec) || sec < 1) throw new Error('token lifetime must be a whole number of seconds ≥ 1');
      lifetime = sec;
    },
    tokenLifetime: () => lifetime,
    applyGrantedScopes: async (userId) => {
      const scopes = options.scopesOf(userId).join(' ');
      for (const grantId of store.grantsOf(userId)) {
        const grant = await provider.Grant.find(grantId);
        if (grant === undefined) continue;
        grant.openid = { scope: scopes };
        await grant.save();
      }
    },
    revokeGrants: async (grantIds) => {
      for (const grantId of grantIds) {
        await provider.AccessToken.revokeByGrantId(grantId);
        await provider.RefreshToken.revokeByGrantId(grantId);
        await provider.AuthorizationCode.revokeByGrantId(grantId);
        const grant = await provider.Grant.find(grantId);
        await grant?.destroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
