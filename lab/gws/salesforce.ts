// A Salesforce stand-in for GWS-01: an OAuth 2.0 authorization server (oidc-provider) on Salesforce's
// paths, whose token response carries what Salesforce's does — `access_token` (the session id),
// `instance_url`, `id` (the identity URL {loginBase}/id/<org id>/<user id>), `issued_at` — and the
// identity URL itself, which answers the user JSON to `Authorization: Bearer <session id>` (or
// `OAuth <session id>`) and 403 `Bad_OAuth_Token` otherwise (Salesforce "Identity URLs").
// Public client, authorization code with PKCE (S256); login on a plain HTML form; no consent page.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { createLabOidcStore } from '../genesys-cloud/adapter.ts';
import { readBody } from '../http-io.ts';
import { escapeHtml, page, sendHtml } from '../saml/html.ts';
import type { GwsLabUser } from './fixture.ts';

export const SALESFORCE_ORG_ID = '00DLAB0000000001AAA';
export const SALESFORCE_CLIENT_ID = 'patchbay-lab-gws-connected-app';
// The lab's committed test-only signing keys and Map storage, shared with the Genesys Cloud lab.
const JWKS = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'genesys-cloud', 'lab-jwks.json'), 'utf8')) as { keys: object[] };

export interface SalesforceStandInOptions {
  /** Where clients reach the stand-in when a proxy sits in front (bench/wan-lab.ts): the OAuth issuer,
   *  the redirect URI, the identity URLs and instance_url name it, so no absolute URL bypasses the
   *  proxy (a client checks the discovery's issuer against the URL it asked, RFC 8414 §3.3).
   *  Default: the server's own address. */
  publicBaseUrl?: string;
}

export interface SalesforceStandIn {
  /** The public base (publicBaseUrl, else the server's own address). */
  readonly loginBase: string;
  /** The server's own address (what a proxy in front of it targets). */
  readonly directBase: string;
  readonly clientId: string;
  /** Salesforce's own page for desktop apps (…/services/oauth2/success); the client stops there. */
  readonly redirectUri: string;
  identityUrlOf(userName: string): string | undefined;
  /** Fault control: the login page and token endpoint answer 503. */
  setDown(down: boolean): void;
  /** Identity URL calls, oldest first (status only). */
  readonly identityCalls: { time: string; status: number }[];
  close(): Promise<void>;
}

interface SfAccount {
  userId: string;
  userName: string;
  password: string;
  displayName: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store' });
  res.end(text);
}

export async function startSalesforceStandIn(users: GwsLabUser[], host = '127.0.0.1', options: SalesforceStandInOptions = {}): Promise<SalesforceStandIn> {
  const accounts = users
    .filter((u) => u.salesforceUser !== undefined && u.salesforcePassword !== undefined)
    .map((u, i): SfAccount => ({ userId: `005LAB${String(i + 1).padStart(9, '0')}AAA`, userName: u.salesforceUser!, password: u.salesforcePassword!, displayName: `${u.firstName} ${u.lastName}` }));
  const byId = new Map(accounts.map((a) => [a.userId, a]));
  const identityCalls: { time: string; status: number }[] = [];
  let down = false;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const directBase = `http://${host}:${(server.address() as AddressInfo).port}`;
  const loginBase = (options.publicBaseUrl ?? directBase).replace(/\/+$/, '');
  const redirectUri = `${loginBase}/services/oauth2/success`;
  const identityUrl = (a: SfAccount) => `${loginBase}/id/${SALESFORCE_ORG_ID}/${a.userId}`;

  const oidc = new Provider(loginBase, {
    clients: [
      {
        client_id: SALESFORCE_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    adapter: createLabOidcStore().factory,
    jwks: JWKS as never,
    scopes: ['openid', 'api', 'id', 'refresh_token', 'web'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    routes: { authorization: '/services/oauth2/authorize', token: '/services/oauth2/token', revocation: '/services/oauth2/revoke', jwks: '/id/keys', userinfo: '/services/oauth2/userinfo' },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: async (_ctx, id) => {
      const a = byId.get(id);
      return a ? { accountId: id, claims: async () => ({ sub: id, preferred_username: a.userName, name: a.displayName }) } : undefined;
    },
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('refresh_token'),
    ttl: { AccessToken: 2 * 3600, AuthorizationCode: 60, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, RefreshToken: 24 * 3600 },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Salesforce (lab) — error', `<h1>Sign-in error</h1><p class="error" role="alert">${escapeHtml(String(out['error_description'] ?? out['error'] ?? 'error'))}</p>`);
    },
  });
  // Salesforce's token response: access_token is the session id; add id, instance_url, issued_at.
  oidc.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    const token = typeof body?.['access_token'] === 'string' ? await oidc.AccessToken.find(body['access_token']) : undefined;
    const account = token ? byId.get(token.accountId) : undefined;
    if (!body || !account) return;
    body['id'] = identityUrl(account);
    body['instance_url'] = loginBase;
    body['issued_at'] = String(Date.now());
  });
  const callback = oidc.callback();

  async function sessionAccount(header: string | undefined): Promise<SfAccount | undefined> {
    const match = header === undefined ? null : /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header);
    if (!match) return undefined;
    const token = await oidc.AccessToken.find(match[1]!);
    return token ? byId.get(token.accountId) : undefined;
  }

  function loginPage(res: ServerResponse, uid: string, error?: string, userName = ''): void {
    const body =
      `<h1>Salesforce (lab)</h1><p>Log in to allow Patchbay to reach Genesys.</p>` +
      `<form method="post" action="/interaction/${escapeHtml(uid)}/login" id="login-form">` +
      `<label for="username">Username</label><input id="username" name="username" autocomplete="username" required value="${escapeHtml(userName)}">` +
      `<label for="password">Password</label><input id="password" name="pw" type="password" autocomplete="current-password" required>` +
      (error ? `<p class="error" id="error" role="alert">${escapeHtml(error)}</p>` : '') +
      `<button type="submit" id="Login">Log In</button></form>`;
    sendHtml(res, 200, page('Salesforce (lab) — log in', body));
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await oidc.interactionDetails(req, res);
    if (details.uid !== uid) return sendHtml(res, 400, page('Salesforce (lab)', '<h1>Session expired</h1>'));
    const finish = async (accountId: string) => {
      const grant = details.grantId ? ((await oidc.Grant.find(details.grantId)) ?? new oidc.Grant({ accountId, clientId: String(details.params['client_id']) })) : new oidc.Grant({ accountId, clientId: String(details.params['client_id']) });
      grant.addOIDCScope(String(details.params['scope'] ?? ''));
      const grantId = await grant.save();
      await oidc.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    };
    if (details.prompt.name === 'consent' && details.session?.accountId) {
      req.resume();
      return finish(details.session.accountId); // no consent page: the connected app is pre-authorised
    }
    if (action === 'login' && req.method === 'POST') {
      const body = await readBody(req, 16 * 1024);
      const form = new URLSearchParams(body.kind === 'ok' ? body.text : '');
      const userName = (form.get('username') ?? '').trim();
      const account = accounts.find((a) => a.userName === userName);
      if (!account || account.password !== (form.get('pw') ?? '')) return loginPage(res, uid, 'Please check your username and password. If you still can\'t log in, contact your Salesforce administrator.', userName);
      return finish(account.userId);
    }
    req.resume();
    loginPage(res, uid);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', loginBase);
    const path = url.pathname;
    if (down && !path.startsWith('/id/')) {
      req.resume();
      return sendHtml(res, 503, page('Salesforce (lab) — unavailable', '<h1>Service unavailable</h1><p class="error" role="alert">Salesforce is down for maintenance.</p>'));
    }
    const idMatch = /^\/id\/([^/]+)\/([^/]+)$/.exec(path);
    if (idMatch && req.method === 'GET') {
      req.resume();
      const account = await sessionAccount(req.headers.authorization);
      const ok = account !== undefined && idMatch[1] === SALESFORCE_ORG_ID && idMatch[2] === account.userId;
      identityCalls.push({ time: new Date().toISOString(), status: ok ? 200 : 403 });
      if (!ok) {
        res.writeHead(403, { 'Content-Type': 'text/plain', 'Content-Length': '15' });
        res.end('Bad_OAuth_Token');
        return;
      }
      return sendJson(res, 200, {
        id: identityUrl(account),
        asserted_user: true,
        user_id: account.userId,
        organization_id: SALESFORCE_ORG_ID,
        username: account.userName,
        nick_name: account.userName.split('@')[0],
        display_name: account.displayName,
        email: account.userName,
        active: true,
        user_type: 'STANDARD',
        language: 'en_US',
        locale: 'en_US',
      });
    }
    if (path === '/services/oauth2/success') {
      req.resume();
      return sendHtml(res, 200, page('Salesforce (lab) — success', '<h1>Remote Access Application Authorization</h1><p>You can close this window.</p>'));
    }
    const interactionMatch = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(path);
    if (interactionMatch) return interaction(req, res, interactionMatch[1]!, interactionMatch[2]);
    callback(req, res);
  }

  return {
    loginBase,
    directBase,
    clientId: SALESFORCE_CLIENT_ID,
    redirectUri,
    identityUrlOf: (userName) => {
      const u = users.find((x) => x.userName === userName);
      const a = u ? accounts.find((x) => x.userName === u.salesforceUser) : undefined;
      return a ? identityUrl(a) : undefined;
    },
    setDown: (value) => {
      down = value;
    },
    identityCalls,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
