// Finesse's side of SSO: `/desktop/sso/token` — the fetch (redirect to IdS authorize, then the code
// comes back here and the JSON token body goes out) and the refresh in both documented forms
// (DG 12.5 POST body token + refresh-token; the TAC note's GET cc_username + refresh-token).
// Seeds 001/003, shared/protocols/finesse.md §2. Inferred parts: lab/README.md "SSO".
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IdsRefreshResult, IdsTokenSet } from '../ids/server.ts';
import type { FinesseCluster, FinesseRequestRecord, UserRuntime } from './cluster.ts';
import { mediaType, parseCookies, readBody, redirect, sendJson } from './http-io.ts';

export interface SsoSettings {
  /** FIN-15: 'cookie' emulates 11.6/12.0, where cc_username travelled only as a cookie. */
  ccUsernameSource: 'query-or-cookie' | 'cookie';
  /** FIN-07: refuse a fetch that does not name the user (the DG's own example omits it; the seeds require it). */
  requireCcUsername: boolean;
  /** FIN-13: 'always' sends every refresh through IdS authorize (a bounce that needs the IdS cookie). */
  refreshBounce: 'never' | 'always';
  /** FIN-15 (seed 003: "in older releases we used to store the cc_username and tokens in session
   *  cookies"): 'cookie' answers the token JSON with empty `token`/`refresh_token` and sends the
   *  tokens and cc_username as session cookies; a refresh may then name its tokens by cookie. */
  tokensIn: 'body' | 'cookie';
}

/** INFERRED cookie names (no source names them): the JSON body's own field names (seed 001). */
export const TOKEN_COOKIE = 'token';
export const REFRESH_TOKEN_COOKIE = 'refresh_token';
export const CC_USERNAME_COOKIE = 'cc_username';

export interface SsoNode {
  readonly cluster: FinesseCluster;
  /** This node's token URL: the redirect_uri registered with the IdS. */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly stateCookie: string;
  readonly settings: SsoSettings;
  readonly pending: Map<string, PendingSso>;
}

export type PendingSso =
  | { kind: 'fetch'; loginId: string | undefined; returnRefreshToken: boolean; createdAt: number }
  | { kind: 'refresh'; loginId: string | undefined; refreshToken: string; accessToken: string | undefined; createdAt: number };

const PENDING_LIFETIME_MS = 10 * 60_000;

function reply(node: SsoNode, res: ServerResponse, record: FinesseRequestRecord, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  record.status = status;
  sendJson(res, status, body, { date: new Date(node.cluster.now()), headers });
}

/** INFERRED error body: the DG lists only the statuses (400/401/500). */
function fail(node: SsoNode, res: ServerResponse, record: FinesseRequestRecord, status: 400 | 401 | 503, message: string): void {
  reply(node, res, record, status, { errorType: status === 400 ? 'Bad Request' : status === 401 ? 'Unauthorized' : 'Service Unavailable', errorMessage: message });
}

function ccUsername(node: SsoNode, req: IncomingMessage, q: URLSearchParams): string | undefined {
  const fromQuery = node.settings.ccUsernameSource === 'cookie' ? null : q.get('cc_username');
  if (fromQuery !== null && fromQuery !== '') return fromQuery;
  const cookie = parseCookies(req.headers.cookie).get(CC_USERNAME_COOKIE);
  if (cookie === undefined || cookie === '') return undefined;
  try {
    return decodeURIComponent(cookie);
  } catch {
    return undefined;
  }
}

/** Seed 001 step 4 body: token, refresh_token (when asked), expires_in, user_id, realm, user_principal — no token_type. */
function tokenBody(node: SsoNode, tokens: IdsTokenSet, withRefresh: boolean): Record<string, unknown> {
  // FIN-15 older releases: the fields stay, empty; the values travel as cookies (tokenCookies).
  const inBody = node.settings.tokensIn === 'body';
  return {
    token: inBody ? tokens.accessToken : '',
    ...(withRefresh ? { refresh_token: inBody ? tokens.refreshToken : '' } : {}),
    expires_in: tokens.expiresIn,
    user_id: tokens.userId,
    realm: tokens.realm,
    user_principal: tokens.userPrincipal,
  };
}

/** FIN-15: session cookies (no Expires, Path=/ so every desktop and REST path carries them). */
function tokenCookies(node: SsoNode, tokens: IdsTokenSet, withRefresh: boolean, userName: string | undefined): string[] {
  if (node.settings.tokensIn === 'body') return [];
  const secure = node.tokenUrl.startsWith('https:') ? '; Secure' : '';
  const cookie = (name: string, value: string) => `${name}=${value}; Path=/; HttpOnly${secure}`;
  return [
    cookie(TOKEN_COOKIE, tokens.accessToken),
    ...(withRefresh ? [cookie(REFRESH_TOKEN_COOKIE, tokens.refreshToken)] : []),
    ...(userName === undefined ? [] : [cookie(CC_USERNAME_COOKIE, encodeURIComponent(userName))]),
  ];
}

/** The answer carrying a token pair, with any cookies of the request's own (the state cookie's clearing). */
function replyTokens(node: SsoNode, res: ServerResponse, record: FinesseRequestRecord, tokens: IdsTokenSet, withRefresh: boolean, userName: string | undefined, setCookies: string[] = []): void {
  const cookies = [...setCookies, ...tokenCookies(node, tokens, withRefresh, userName)];
  reply(node, res, record, 200, tokenBody(node, tokens, withRefresh), cookies.length > 0 ? { 'Set-Cookie': cookies } : {});
}

function refreshFailure(result: Extract<IdsRefreshResult, { ok: false }>): string {
  switch (result.reason) {
    case 'refresh-expired':
      return 'The refresh token has expired; sign in again';
    case 'access-expired':
      return 'The access token has expired; it can be refreshed only while both tokens are valid';
    case 'revoked':
      return 'The tokens were revoked; sign in again';
    case 'mismatch':
      return 'The tokens do not belong to this user';
    default:
      return 'Invalid token';
  }
}

function sweep(node: SsoNode): void {
  const now = Date.now();
  for (const [k, v] of node.pending) if (now - v.createdAt > PENDING_LIFETIME_MS) node.pending.delete(k);
}

function toAuthorize(node: SsoNode, res: ServerResponse, record: FinesseRequestRecord, pending: PendingSso): void {
  sweep(node);
  const state = randomBytes(16).toString('hex');
  node.pending.set(state, pending);
  const target = new URL(`${node.cluster.options.ids.url}/ids/v1/oauth/authorize`);
  target.searchParams.set('response_type', 'code');
  target.searchParams.set('client_id', node.clientId);
  target.searchParams.set('redirect_uri', node.tokenUrl);
  target.searchParams.set('state', state);
  record.status = 302;
  redirect(res, target.toString(), {
    date: new Date(node.cluster.now()),
    headers: { 'Set-Cookie': `${node.stateCookie}=${state}; Path=/desktop/sso; HttpOnly; SameSite=Lax` },
  });
}

function sameUser(node: SsoNode, loginId: string | undefined): (userId: string) => boolean {
  return (userId) => loginId === undefined || node.cluster.byName(userId)?.user.loginId === loginId;
}

function doRefresh(node: SsoNode, res: ServerResponse, record: FinesseRequestRecord, loginId: string | undefined, refreshToken: string, accessToken: string | undefined, setCookies: string[] = []): void {
  const result = node.cluster.options.ids.refresh({ refreshToken, ...(accessToken === undefined ? {} : { accessToken }), user: sameUser(node, loginId) });
  if (!result.ok) return fail(node, res, record, 401, refreshFailure(result));
  // [CI] the refresh answer carries no new refresh_token.
  replyTokens(node, res, record, result.tokens, false, undefined, setCookies);
}

/** FIN-15: in the older-release mode a token not named in the query or form may come as a cookie. */
function fromCookie(node: SsoNode, req: IncomingMessage, name: string): string | undefined {
  if (node.settings.tokensIn !== 'cookie') return undefined;
  const value = parseCookies(req.headers.cookie).get(name);
  return value === undefined || value === '' ? undefined : value;
}

function resolveUser(node: SsoNode, res: ServerResponse, record: FinesseRequestRecord, name: string | undefined): UserRuntime | undefined | null {
  if (name === undefined) return undefined;
  const u = node.cluster.byName(name);
  if (u === undefined) {
    fail(node, res, record, 401, 'Unknown cc_username');
    return null;
  }
  if (node.cluster.effectiveAuthMode(u) !== 'SSO') {
    fail(node, res, record, 400, 'The user is not an SSO user');
    return null;
  }
  return u;
}

async function returnLeg(node: SsoNode, req: IncomingMessage, res: ServerResponse, record: FinesseRequestRecord, q: URLSearchParams): Promise<void> {
  const state = q.get('state') ?? '';
  const cookieState = parseCookies(req.headers.cookie).get(node.stateCookie);
  const clear = [`${node.stateCookie}=; Path=/desktop/sso; Max-Age=0; HttpOnly; SameSite=Lax`];
  // FIN-02: the state cookie set on the way out must come back with the code.
  if (cookieState === undefined || cookieState !== state) return fail(node, res, record, 401, 'The SSO state cookie is missing or does not match');
  const pending = node.pending.get(state);
  node.pending.delete(state);
  if (pending === undefined) return fail(node, res, record, 400, 'Unknown or expired SSO state');
  const code = q.get('code');
  if (code === null || code === '') return fail(node, res, record, 401, 'The Identity Service returned no authorization code');
  const tokens = node.cluster.options.ids.exchangeCode(code, node.clientId, node.tokenUrl);
  if (tokens === undefined) return fail(node, res, record, 401, 'The authorization code was refused');
  const u = node.cluster.byName(tokens.userId);
  if (u === undefined || node.cluster.effectiveAuthMode(u) !== 'SSO') return fail(node, res, record, 401, 'The signed-in user is not an SSO user of this Finesse');
  if (pending.loginId !== undefined && pending.loginId !== u.user.loginId) return fail(node, res, record, 401, 'The signed-in user does not match cc_username');
  if (pending.kind === 'refresh') {
    doRefresh(node, res, record, pending.loginId, pending.refreshToken, pending.accessToken, clear);
    return;
  }
  replyTokens(node, res, record, tokens, pending.returnRefreshToken, u.user.loginName, clear);
}

/** `/desktop/sso/token`; false when the path is something else. */
export async function handleSso(node: SsoNode, req: IncomingMessage, res: ServerResponse, url: URL, record: FinesseRequestRecord): Promise<boolean> {
  if (url.pathname !== '/desktop/sso/token') return false;
  const method = req.method ?? 'GET';
  // Names only, never values: what a test may check about the cookies a client forwarded (FIN-02, FIN-15).
  record.cookies = [...parseCookies(req.headers.cookie).keys()];
  if (node.cluster.options.systemAuthMode === 'NON_SSO') {
    fail(node, res, record, 400, 'Single sign-on is not enabled on this system');
    return true;
  }
  if (method === 'POST') {
    // DG 12.5 "Refresh Existing Access Token": form body token + refresh-token.
    if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded') {
      fail(node, res, record, 400, 'Content-Type must be application/x-www-form-urlencoded');
      return true;
    }
    const body = await readBody(req, 64 * 1024);
    if (body.kind !== 'ok') {
      fail(node, res, record, 400, 'Unreadable request body');
      return true;
    }
    const form = new URLSearchParams(body.text);
    const accessToken = form.get('token') || fromCookie(node, req, TOKEN_COOKIE);
    const refreshToken = form.get('refresh-token') || fromCookie(node, req, REFRESH_TOKEN_COOKIE);
    if (accessToken === undefined || refreshToken === undefined) {
      fail(node, res, record, 400, 'token and refresh-token are required');
      return true;
    }
    const named = ccUsername(node, req, url.searchParams) ?? form.get('cc_username') ?? undefined;
    const u = resolveUser(node, res, record, named === '' ? undefined : named);
    if (u === null) return true;
    if (node.settings.refreshBounce === 'always') {
      toAuthorize(node, res, record, { kind: 'refresh', loginId: u?.user.loginId, refreshToken, accessToken, createdAt: Date.now() });
      return true;
    }
    doRefresh(node, res, record, u?.user.loginId, refreshToken, accessToken);
    return true;
  }
  if (method !== 'GET') {
    record.status = 405;
    sendJson(res, 405, { errorType: 'Method Not Allowed', errorMessage: 'GET or POST' }, { headers: { Allow: 'GET, POST' } });
    return true;
  }
  const q = url.searchParams;
  if (q.has('code') || q.has('error')) {
    await returnLeg(node, req, res, record, q);
    return true;
  }
  const name = ccUsername(node, req, q);
  // TAC note: refresh-token in the query; FIN-15 older releases: a present but empty one names the cookie.
  const refreshToken = q.has('refresh-token') ? q.get('refresh-token') || fromCookie(node, req, REFRESH_TOKEN_COOKIE) || '' : null;
  if (refreshToken !== null) {
    // TAC note: GET ?cc_username=<agent>&refresh-token=<refresh token>.
    if (name === undefined) {
      fail(node, res, record, 400, 'cc_username is required');
      return true;
    }
    const u = resolveUser(node, res, record, name);
    if (u === null || u === undefined) return true;
    if (node.settings.refreshBounce === 'always') {
      toAuthorize(node, res, record, { kind: 'refresh', loginId: u.user.loginId, refreshToken, accessToken: undefined, createdAt: Date.now() });
      return true;
    }
    doRefresh(node, res, record, u.user.loginId, refreshToken, undefined);
    return true;
  }
  if (name === undefined && node.settings.requireCcUsername) {
    fail(node, res, record, 400, 'cc_username is required (query parameter or cookie)');
    return true;
  }
  const u = resolveUser(node, res, record, name);
  if (u === null) return true;
  toAuthorize(node, res, record, { kind: 'fetch', loginId: u?.user.loginId, returnRefreshToken: q.get('return_refresh_token') === 'true', createdAt: Date.now() });
  return true;
}
