// A real oidc-provider as Genesys Cloud's login.<region> for the auth integration tests (GC-AUTH),
// independent of lab/genesys-cloud: a public PKCE client with one exact redirect URI ('web', so
// oidc-provider does not apply RFC 8252's any-port rule — Genesys does not either), no `scope` from
// the client (the admin's scopes apply), refresh tokens on/off with rotation, a login form, plus
// DELETE /api/v2/tokens/me. It records every request (method, path, query, body, Authorization) so
// tests can assert what the client sent (GC-01, GC-03, GC-04) and count round trips.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

export const FIXTURE_CLIENT_ID = 'patchbay-gc-test-client';
export const FIXTURE_USER = { userName: 'gc-test-agent', password: 'gc-test-agent-pw', id: 'user-0001' };
export const ALL_SCOPES = ['users:readonly', 'presence', 'routing', 'conversations', 'notifications'];

export interface RecordedRequest {
  server: 'login' | 'api';
  method: string;
  path: string;
  query: string;
  body: string;
  authorization: string | undefined;
}

export interface OidcFixture {
  loginBase: string;
  redirectUri: string;
  clientId: string;
  provider: Provider;
  requests: RecordedRequest[];
  setScopes(scopes: string[]): void;
  setTokenLifetime(sec: number): void;
  /** The next `count` token requests answer 429 with this Retry-After. */
  rateLimitToken(count: number, retryAfterSec: number): void;
  /** The next authorize ends with `?error=…&state=…` at the redirect URI. */
  denyNextAuthorize(error: string): void;
  /** Whether the access token is still accepted. */
  tokenValid(accessToken: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html><head><title>Login</title></head><body>${body}</body></html>`);
}

export async function startOidcFixture(options: { tokenLifetimeSec?: number; refreshTokens?: boolean; redirectPath?: string } = {}): Promise<OidcFixture> {
  let lifetime = options.tokenLifetimeSec ?? 3600;
  let scopes = [...ALL_SCOPES];
  let limited = { count: 0, retryAfterSec: 0 };
  let deny: string | undefined;
  const requests: RecordedRequest[] = [];
  const redirectUri = `http://127.0.0.1:${await freePort()}${options.redirectPath ?? '/oauth/callback'}`;
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => undefined;
  const server = createServer((req, res) => {
    // The provider reads the body itself: buffer it for the record and hand it back as a stream.
    void readBody(req).then((body) => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const loginBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const policy = interactionPolicy.base();
  const consent = policy.get('consent')!;
  consent.checks.clear(); // Genesys shows no consent page: the admin assigned the scopes…
  consent.checks.add(
    // …but a session whose grant is gone (revoked, reuse detected) needs a new one (made silently).
    new interactionPolicy.Check('no_grant', 'no grant for this client', 'consent_required', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.grant === undefined || ctx.oidc.grant.getOIDCScopeFiltered(ctx.oidc.requestParamOIDCScopes) === ''
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
  );
  const refresh = options.refreshTokens ?? false;
  const provider = new Provider(loginBase, {
    clients: [
      {
        client_id: FIXTURE_CLIENT_ID,
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        grant_types: refresh ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
        response_types: ['code'],
      },
    ],
    routes: { authorization: '/oauth/authorize', token: '/oauth/token' },
    scopes: ['users', ...ALL_SCOPES, 'conversations:readonly'],
    claims: {},
    responseTypes: ['code'],
    pkce: { required: () => true },
    clockTolerance: 0,
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx: KoaContextWithOIDC, client) => refresh && client.grantTypeAllowed('refresh_token'),
    ttl: { AccessToken: () => lifetime, AuthorizationCode: 120, Interaction: 600, Session: 3600, Grant: 3600, RefreshToken: 3600 },
    interactions: { url: (_ctx, interaction) => `/login/${interaction.uid}`, policy },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    features: { devInteractions: { enabled: false }, userinfo: { enabled: false } },
    cookies: { keys: ['gc-auth-test-cookie-key'] },
  });
  const callback = provider.callback();

  const finishLogin = async (req: IncomingMessage, res: ServerResponse, uid: string, body: string) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return html(res, 400, 'stale');
    if (req.method === 'GET' && details.prompt.name === 'login') {
      return html(res, 200, `<form method="post"><input name="username"><input name="password" type="password"><button type="submit">Sign in</button></form>`);
    }
    let accountId = details.session?.accountId;
    if (details.prompt.name === 'login') {
      const form = new URLSearchParams(body);
      if (form.get('username') !== FIXTURE_USER.userName || form.get('password') !== FIXTURE_USER.password) return html(res, 200, 'wrong password');
      accountId = FIXTURE_USER.id;
    }
    const grant = new provider.Grant({ accountId: accountId!, clientId: FIXTURE_CLIENT_ID });
    grant.addOIDCScope(scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: accountId! }, consent: { grantId } }, { mergeWithLastSubmission: false });
  };

  handler = (req, res, body) => {
    const url = new URL(req.url ?? '/', loginBase);
    const api = url.pathname.startsWith('/api/');
    requests.push({ server: api ? 'api' : 'login', method: req.method ?? 'GET', path: url.pathname, query: url.search, body, authorization: req.headers.authorization });
    const fail = (error: unknown) => {
      if (!res.headersSent) html(res, 500, String(error));
    };
    if (url.pathname === '/api/v2/tokens/me' && req.method === 'DELETE') {
      void (async () => {
        const token = await provider.AccessToken.find((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        if (!token) return void res.writeHead(401).end();
        await provider.AccessToken.revokeByGrantId(token.grantId!);
        await provider.RefreshToken.revokeByGrantId(token.grantId!);
        res.writeHead(204).end();
      })().catch(fail);
      return;
    }
    const login = /^\/login\/([\w-]+)$/.exec(url.pathname);
    if (login) return void finishLogin(req, res, login[1]!, body).catch(fail);
    if (url.pathname === '/oauth/token' && limited.count > 0) {
      limited.count -= 1;
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(limited.retryAfterSec) });
      return void res.end(JSON.stringify({ message: 'Rate limit exceeded', code: 'too.many.requests', status: 429 }));
    }
    if (url.pathname === '/oauth/authorize' && deny !== undefined) {
      const error = deny;
      deny = undefined;
      const to = new URL(redirectUri);
      to.searchParams.set('error', error);
      to.searchParams.set('state', url.searchParams.get('state') ?? '');
      return void res.writeHead(302, { Location: to.href }).end();
    }
    if (url.pathname === '/oauth/authorize' && !url.searchParams.has('scope')) {
      url.searchParams.set('scope', ALL_SCOPES.join(' ')); // the client sends none, like Genesys's
      req.url = `${url.pathname}${url.search}`;
    }
    // Replay the buffered body for oidc-provider's own parser.
    const replay = req as IncomingMessage & { body?: unknown };
    if (body) replay.body = Object.fromEntries(new URLSearchParams(body));
    callback(req, res);
  };

  return {
    loginBase,
    redirectUri,
    clientId: FIXTURE_CLIENT_ID,
    provider,
    requests,
    setScopes: (s) => void (scopes = [...s]),
    setTokenLifetime: (sec) => void (lifetime = sec),
    rateLimitToken: (count, retryAfterSec) => void (limited = { count, retryAfterSec }),
    denyNextAuthorize: (error) => void (deny = error),
    tokenValid: async (token) => (await provider.AccessToken.find(token)) !== undefined,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The agent in a browser: follows redirects with its own cookies (a login session carries over
 *  between calls, like a real browser profile), fills the login form when it appears unless
 *  `interactive` is false, and returns the URL the browser was finally sent to at the redirect URI. */
export function browserAgent(fixture: OidcFixture) {
  const cookies = new Map<string, string>();
  let requests = 0;
  async function walk(start: string, options: { interactive: boolean }): Promise<string> {
    let url = start;
    let method = 'GET';
    let body: string | undefined;
    for (let hops = 0; hops < 20; hops++) {
      if (url.startsWith(fixture.redirectUri.replace(/\/[^/]*$/, '/')) && url.split('?')[0] === fixture.redirectUri) return url;
      requests += 1;
      const res = await fetch(url, {
        method,
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(body ? { body } : {}),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq).trim();
        const value = pair!.slice(eq + 1).trim();
        if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') cookies.delete(name);
        else cookies.set(name, value);
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).href;
        method = 'GET';
        body = undefined;
        continue;
      }
      const text = await res.text();
      if (res.status === 200 && text.includes('name="password"')) {
        if (!options.interactive) throw Object.assign(new Error('the login form needs the agent'), { needsAgent: true });
        method = 'POST';
        body = new URLSearchParams({ username: FIXTURE_USER.userName, password: FIXTURE_USER.password }).toString();
        continue;
      }
      throw new Error(`the browser stopped at ${res.status} ${url}`);
    }
    throw new Error('too many redirects');
  }
  return {
    walk,
    get requests() {
      return requests;
    },
    forgetCookies: () => cookies.clear(),
  };
}
