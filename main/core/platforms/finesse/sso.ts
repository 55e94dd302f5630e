// Finesse SSO through Cisco IdS (seeds 001, 003; protocols/finesse.md §2): the token fetch in the
// LoginWindow and the refresh strategies TokenKeeper runs in order — silent over HttpSession (both
// documented forms), then a hidden window, then a visible one (FIN-13).
import type { LoginWindow, LoginWindowResult } from '../../auth/login-window.ts';
import type { RefreshContext, RefreshStrategy, TokenGrant } from '../../auth/token-keeper.ts';
import type { Clock } from '../../clock.ts';
import { PatchbayError } from '../../errors.ts';
import type { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import type { FinesseOptions } from './options.ts';
import { REFRESH_TOKEN_COOKIE, ssoTokenFrom, TOKEN_COOKIE } from './token-cookies.ts';
import { jwtExpiry, ssoRefreshGetUrl, ssoRefreshPostBody, ssoTokenUrl, type SsoToken } from './wire.ts';

export const SIGN_IN_WINDOW_TIMEOUT_MS = 10 * 60_000;
export const HIDDEN_WINDOW_TIMEOUT_MS = 30_000;

export interface SsoContext {
  http: HttpSession;
  clock: Clock;
  loginWindow: LoginWindow | undefined;
  profileId: string;
  options: FinesseOptions;
  /** The active node's origin (REST and token calls follow failover). */
  origin: () => string;
  /** cc_username: the loginName or peripheralId the agent gave (FIN-07). */
  userName: string;
  /** Hosts of every configured node, for the window's allow-list. */
  nodeHosts: string[];
}

export function grantOf(token: SsoToken, serverDate: string | undefined, obtainedAt?: number): TokenGrant {
  const accessExp = jwtExpiry(token.token);
  const refreshExp = token.refreshToken ? jwtExpiry(token.refreshToken) : undefined;
  const parsed = serverDate ? Date.parse(serverDate) : Number.NaN;
  // FIN-12/14 without a Date header: the server's "now" is the access token's exp less its
  // expires_in, so the skew is still measured from when the response arrived (issue 9 item 6).
  const date = Number.isFinite(parsed) ? parsed : accessExp !== undefined ? (accessExp - token.expiresIn) * 1000 : Number.NaN;
  return {
    accessToken: token.token,
    ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
    expiresInSec: token.expiresIn,
    ...(accessExp !== undefined ? { expiresAtServerMs: accessExp * 1000 } : {}),
    ...(refreshExp !== undefined ? { refreshExpiresAtServerMs: refreshExp * 1000 } : {}),
    ...(Number.isFinite(date) ? { serverDateMs: date } : {}),
    ...(obtainedAt !== undefined ? { obtainedAt } : {}),
  };
}

/** FIN-15: in cookie mode, cc_username travels as a cookie on the Finesse origin. */
async function prepareUserCookie(ctx: SsoContext): Promise<void> {
  if (ctx.options.ssoUserIn !== 'cookie') return;
  await ctx.http.setCookie(`cc_username=${encodeURIComponent(ctx.userName)}; Path=/`, ctx.origin());
}

/** The token of a `/desktop/sso/token` answer at `url`: the body's, or (FIN-15, older releases)
 *  the session cookies that answer left in the jar. `stale`: the access token being replaced. */
async function answerToken(ctx: SsoContext, body: string, url: string, stale: string | undefined): Promise<SsoToken> {
  return ssoTokenFrom(body, await ctx.http.cookiePairs(url), stale);
}

/** Runs the LoginWindow on the token URL until the JSON arrives from the network (FIN-01..04, 07, 08). */
export async function windowToken(
  ctx: SsoContext,
  visible: 'never' | 'when-needed' | 'always',
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
  stale?: string,
): Promise<{ token: SsoToken; result: LoginWindowResult; obtainedAt: number }> {
  if (!ctx.loginWindow) {
    throw new PatchbayError('login.unavailable', 'Single sign-on needs a sign-in window, which this Patchbay (command line) cannot open.', {
      action: 'contact-it',
    });
  }
  await prepareUserCookie(ctx);
  const origin = ctx.origin();
  const result = await ctx.loginWindow.run({
    url,
    profileId: ctx.profileId,
    visible,
    timeoutMs,
    // The final JSON is read from the network response, not from the rendered page.
    until: [{ jsonResponseAt: new URL('/desktop/sso/token', origin).href }],
    jar: ctx.http.jar,
    ...(ctx.options.ssoAllowedHosts ? { allowedHosts: [...ctx.nodeHosts, ...ctx.options.ssoAllowedHosts] } : {}),
    // The Finesse nodes: where the flow starts; IdS and IdP hosts are learned from them.
    profileHosts: ctx.nodeHosts,
    title: 'Sign in to Cisco Finesse',
    // FIN-15: token cookies live in the jar (memory) and the keychain, never in a browser profile.
    forgetCookies: [TOKEN_COOKIE, REFRESH_TOKEN_COOKIE],
    ...(signal ? { signal } : {}),
  });
  const obtainedAt = ctx.clock.now();
  if (result.status !== 200) {
    throw new PatchbayError('finesse.sso.failed', `The sign-in service answered ${result.status}.`, { action: 'sign-in-again', details: { status: result.status } });
  }
  // The window wrote its cookies back to the jar before it returned (login-window.ts `jar`).
  return { token: await answerToken(ctx, result.body ?? '', new URL('/desktop/sso/token', origin).href, stale), result, obtainedAt };
}

export function signInUrl(ctx: SsoContext): string {
  return ssoTokenUrl(ctx.origin(), ctx.userName, ctx.options.ssoUserIn);
}

/** How a silent refresh answer is judged: 200 JSON → grant; a web page → needs the browser;
 *  4xx → refused (not retried); 5xx/429 → transient (retried with backoff). */
async function refreshResult(ctx: SsoContext, res: HttpResponse, startedAt: number, stale: string): Promise<TokenGrant> {
  if (res.status === 200) {
    const type = res.headers['content-type'] ?? '';
    if (/html/i.test(type)) {
      throw new PatchbayError('finesse.sso.refresh-needs-browser', 'The refresh led to a sign-in page.', { action: 'none', details: { status: 200 } });
    }
    return grantOf(await answerToken(ctx, res.text(), res.url, stale), res.headers.date, startedAt);
  }
  if (res.status >= 500 || res.status === 429) {
    throw new PatchbayError('finesse.sso.refresh-unavailable', `The sign-in service answered ${res.status}.`, { action: 'retry', details: { status: res.status } });
  }
  throw new PatchbayError('finesse.sso.refresh-refused', `The sign-in service refused the refresh (${res.status}).`, { action: 'none', details: { status: res.status } });
}

function requireRefreshToken(context: RefreshContext): string {
  if (!context.refreshToken) throw new PatchbayError('finesse.sso.no-refresh-token', 'No refresh token.', { action: 'none' });
  return context.refreshToken;
}

/** [DG125 193] POST form body token + refresh-token. */
export function silentPostStrategy(ctx: SsoContext): RefreshStrategy {
  return {
    name: 'finesse-refresh-post',
    modes: ['refresh'],
    async run(context) {
      const refreshToken = requireRefreshToken(context);
      const startedAt = ctx.clock.now();
      const res = await ctx.http.request({
        method: 'POST',
        url: new URL('/desktop/sso/token', ctx.origin()).href,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: ssoRefreshPostBody(context.accessToken, refreshToken),
        // The body holds both tokens: a redirect to another origin or to http is refused (issue 8 item 3).
        credentials: true,
        signal: context.signal,
      });
      return refreshResult(ctx, res, startedAt, context.accessToken);
    },
  };
}

/** [TAC] GET cc_username + refresh-token (FIN-13). */
export function silentGetStrategy(ctx: SsoContext): RefreshStrategy {
  return {
    name: 'finesse-refresh-get',
    modes: ['refresh'],
    async run(context) {
      const refreshToken = requireRefreshToken(context);
      await prepareUserCookie(ctx);
      const startedAt = ctx.clock.now();
      const res = await ctx.http.request({
        url: ssoRefreshGetUrl(ctx.origin(), ctx.userName, refreshToken),
        headers: { Accept: 'application/json' },
        signal: context.signal,
      });
      return refreshResult(ctx, res, startedAt, context.accessToken);
    },
  };
}

/** A hidden window: the refresh URL while the refresh token is valid, else a fresh token fetch that
 *  completes without the agent while the IdP session lasts. */
export function hiddenWindowStrategy(ctx: SsoContext): RefreshStrategy {
  return {
    name: 'finesse-window-hidden',
    modes: ['refresh', 'renew'],
    async run(context) {
      const url = context.mode === 'refresh' && context.refreshToken ? ssoRefreshGetUrl(ctx.origin(), ctx.userName, context.refreshToken) : signInUrl(ctx);
      const { token, result, obtainedAt } = await windowToken(ctx, 'never', url, HIDDEN_WINDOW_TIMEOUT_MS, context.signal, context.accessToken);
      return grantOf(token, result.headers.date, obtainedAt);
    },
  };
}

/** The visible window: the agent signs in again on the IdP page (FIN-09, FIN-14). */
export function visibleWindowStrategy(ctx: SsoContext, onOpen?: () => void): RefreshStrategy {
  return {
    name: 'finesse-window',
    modes: ['renew'],
    interactive: true,
    async run(context) {
      onOpen?.();
      const { token, result, obtainedAt } = await windowToken(ctx, 'always', signInUrl(ctx), SIGN_IN_WINDOW_TIMEOUT_MS, context.signal, context.accessToken);
      return grantOf(token, result.headers.date, obtainedAt);
    },
  };
}

export function refreshStrategies(ctx: SsoContext, onVisible?: () => void): RefreshStrategy[] {
  const silent =
    ctx.options.refreshForm === 'post'
      ? [silentPostStrategy(ctx)]
      : ctx.options.refreshForm === 'get'
        ? [silentGetStrategy(ctx)]
        : [silentPostStrategy(ctx), silentGetStrategy(ctx)];
  return [...silent, hiddenWindowStrategy(ctx), visibleWindowStrategy(ctx, onVisible)];
}
