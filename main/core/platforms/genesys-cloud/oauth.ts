// Genesys Cloud OAuth steps as small functions over oauth4webapi (GC-01, GC-03; RFC 8252, RFC 7636):
// where the login and API bases are, the authorize URL (Authorization Code + PKCE S256, `state`,
// the exact registered redirect_uri, the org/provider SSO hints), the callback check, the code
// exchange and the refresh grant as a public client (no secret, no Basic), and the mapping of every
// failure to a typed PatchbayError. Transport: the core's HttpSession (IT's trust store and proxy)
// behind oauth4webapi's customFetch; plain http only for a loopback lab.
import { oauthFetch, type OAuthFetch } from '../../auth/oauth-fetch.ts';
import * as oauth from 'oauth4webapi';
import type { Profile } from '../../../../preload/contract.ts';
import { PatchbayError } from '../../errors.ts';

export interface GenesysCloudEndpoints {
  /** https://login.<region> (or the profile's loginBase). */
  loginBase: string;
  /** https://api.<region> (profile.servers[0]). */
  apiBase: string;
  redirectUri: string;
  clientId: string;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  /** Plain http to a loopback host (the lab): oauth4webapi refuses it unless told. */
  insecureLoopback: boolean;
  hints: { org?: string; provider?: string };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function profileError(message: string): PatchbayError {
  return new PatchbayError('genesys-cloud.profile.invalid', message, { action: 'contact-it' });
}

function base(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw profileError(`The Genesys Cloud ${what} address in this profile is not a valid address.`);
  }
  // DESIGN.md trust boundaries: http only for loopback/lab.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw profileError(`The Genesys Cloud ${what} address must use https.`);
  }
  return url;
}

const trimSlash = (href: string) => href.replace(/\/+$/, '');

export function resolveEndpoints(profile: Profile): GenesysCloudEndpoints {
  const options = profile.options.genesysCloud;
  if (!options) throw profileError('This Genesys Cloud profile has no OAuth client settings (client id and redirect address).');
  const api = profile.servers[0];
  if (!api) throw profileError('This Genesys Cloud profile names no API address (https://api.<region>).');
  const loginRaw = options.loginBase ?? (options.region ? `https://login.${options.region}` : undefined);
  if (!loginRaw) throw profileError('This Genesys Cloud profile names neither a region nor a login address.');
  const login = base(loginRaw, 'login');
  const apiUrl = base(api, 'API');
  const loginBase = trimSlash(login.href);
  return {
    loginBase,
    apiBase: trimSlash(apiUrl.href),
    redirectUri: options.redirectUri,
    clientId: options.clientId,
    // Genesys publishes no discovery document: the endpoints are fixed paths (protocols/genesys-cloud.md §1).
    as: { issuer: loginBase, authorization_endpoint: `${loginBase}/oauth/authorize`, token_endpoint: `${loginBase}/oauth/token` },
    // GC-01: a public client — token_endpoint_auth_method none, never a secret.
    client: { client_id: options.clientId, token_endpoint_auth_method: 'none' },
    insecureLoopback: login.protocol === 'http:',
    hints: { ...(options.org ? { org: options.org } : {}), ...(options.provider ? { provider: options.provider } : {}) },
  };
}

export interface AuthorizeRequest {
  url: string;
  state: string;
  /** Kept in memory for the exchange only; never in a URL or a log (RFC 7636 §4.1). */
  codeVerifier: string;
}

/** GC-03: response_type=code, PKCE S256, state, the exact redirect_uri; no `scope` (Genesys sets
 *  scopes on the OAuth client), no secret. `prompt=login` forces the form (another agent). */
export async function buildAuthorizeRequest(ep: GenesysCloudEndpoints, extra: { loginHint?: string; prompt?: 'login' } = {}): Promise<AuthorizeRequest> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(ep.as.authorization_endpoint!);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', ep.clientId);
  url.searchParams.set('redirect_uri', ep.redirectUri);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  if (ep.hints.org) url.searchParams.set('org', ep.hints.org);
  if (ep.hints.provider) url.searchParams.set('provider', ep.hints.provider);
  if (extra.loginHint) url.searchParams.set('login_hint', extra.loginHint);
  if (extra.prompt) url.searchParams.set('prompt', extra.prompt);
  return { url: url.href, state, codeVerifier };
}

const withoutQuery = (url: URL) => `${url.origin}${url.pathname}`;

/** The callback: the exact redirect URI (GC-03), our `state`, and a code — or a typed error for
 *  `error=` (RFC 6749 §4.1.2.1). */
export function readCallback(ep: GenesysCloudEndpoints, callbackUrl: string, expectedState: string): URLSearchParams {
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    throw redirectMismatch();
  }
  if (withoutQuery(url) !== withoutQuery(new URL(ep.redirectUri))) throw redirectMismatch();
  try {
    return oauth.validateAuthResponse(ep.as, ep.client, url, expectedState);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) throw authorizeError(error.error, error.error_description);
    // OAuth "state" mismatch or missing code: a forged or stale callback (RFC 6749 §10.12).
    throw new PatchbayError('genesys-cloud.authorize.state-mismatch', 'The sign-in response did not belong to this sign-in. Sign in again.', {
      action: 'sign-in-again',
      cause: error,
    });
  }
}

function redirectMismatch(): PatchbayError {
  return new PatchbayError('genesys-cloud.redirect.mismatch', 'Genesys Cloud returned the sign-in to an address other than the registered redirect address. Ask IT to check the OAuth client\'s redirect URI.', {
    action: 'contact-it',
  });
}

function authorizeError(error: string, description: string | undefined): PatchbayError {
  const said = description ? ` (${description.replace(/\s+/g, ' ').slice(0, 160)})` : '';
  if (error === 'access_denied') {
    return new PatchbayError('genesys-cloud.authorize.denied', `Genesys Cloud refused the sign-in${said}.`, { action: 'sign-in-again', details: { error } });
  }
  if (error === 'temporarily_unavailable' || error === 'server_error') {
    return new PatchbayError('genesys-cloud.login.unavailable', `Genesys Cloud sign-in is unavailable right now${said}.`, { action: 'retry', details: { error } });
  }
  // invalid_request (e.g. a redirect_uri the client does not list), unauthorized_client, invalid_scope…
  return new PatchbayError('genesys-cloud.authorize.error', `Genesys Cloud refused the sign-in request: ${error}${said}. Ask IT to check the OAuth client.`, {
    action: 'contact-it',
    details: { error },
  });
}

export interface TokenResult {
  accessToken: string;
  refreshToken?: string;
  /** GC-09: as the server said; undefined when it did not say. */
  expiresInSec?: number;
  scope?: string;
  serverDateMs?: number;
}

type Fetch = OAuthFetch;

/** oauth4webapi's requests through the core's HttpSession (trust store, proxy, redacted trace). */
export const sessionFetch = oauthFetch;

function requestOptions(ep: GenesysCloudEndpoints, fetch: Fetch, signal?: AbortSignal): oauth.TokenEndpointRequestOptions {
  return { [oauth.customFetch]: fetch, ...(ep.insecureLoopback ? { [oauth.allowInsecureRequests]: true } : {}), ...(signal ? { signal } : {}) };
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), bounded to an hour. */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(0, seconds), 3_600_000);
}

export function rateLimited(waitMs: number | undefined): PatchbayError {
  const seconds = waitMs === undefined ? undefined : Math.ceil(waitMs / 1000);
  return new PatchbayError('genesys-cloud.rate-limited', `Genesys Cloud is busy and asked Patchbay to wait${seconds !== undefined ? ` ${seconds} s` : ''} before trying again.`, {
    action: 'retry',
    details: { status: 429, ...(waitMs !== undefined ? { retryAfterMs: waitMs } : {}) },
  });
}

/** Status checks oauth4webapi leaves to us: 429 (Retry-After honoured) and 5xx are transient. */
async function checkTransient(response: Response, nowMs: number): Promise<void> {
  if (response.status === 429) throw rateLimited(retryAfterMs(response.headers.get('retry-after'), nowMs));
  if (response.status >= 500) {
    throw new PatchbayError('genesys-cloud.login.unavailable', `The Genesys Cloud sign-in service answered ${response.status}. Patchbay will try again.`, {
      action: 'retry',
      details: { status: response.status },
    });
  }
}

export function tokenEndpointError(error: unknown, step: 'exchange' | 'refresh'): PatchbayError {
  if (error instanceof PatchbayError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    if (error.error === 'invalid_grant') {
      // Exchange: a used or expired code, or a PKCE/redirect mismatch. Refresh: revoked, expired or
      // a reused (rotated) refresh token — the grant is over either way.
      return new PatchbayError(
        'genesys-cloud.grant.invalid',
        step === 'refresh' ? 'Your Genesys Cloud sign-in has ended. Sign in again.' : 'Genesys Cloud did not accept the sign-in. Sign in again.',
        { action: 'sign-in-again', details: { error: error.error, status: error.status, step } },
      );
    }
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client') {
      return new PatchbayError('genesys-cloud.client.rejected', 'Genesys Cloud does not accept this profile\'s OAuth client. Ask IT to check the client id and its grant types.', {
        action: 'contact-it',
        details: { error: error.error, status: error.status, step },
      });
    }
    return new PatchbayError('genesys-cloud.token.failed', `Genesys Cloud refused the token request (${error.error}).`, {
      action: 'contact-it',
      details: { error: error.error, status: error.status, step },
    });
  }
  if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
    return new PatchbayError('genesys-cloud.token.bad-response', 'Genesys Cloud answered the token request with something Patchbay cannot use.', {
      action: 'contact-it',
      cause: error,
      details: { step, ...(typeof error.code === 'string' ? { reason: error.code } : {}) },
    });
  }
  return new PatchbayError('genesys-cloud.login.unreachable', 'Patchbay could not reach the Genesys Cloud sign-in service.', { action: 'retry', cause: error, details: { step } });
}

function tokenResult(response: oauth.TokenEndpointResponse, dateHeader: string | null): TokenResult {
  const date = dateHeader ? Date.parse(dateHeader) : NaN;
  const expires = typeof response.expires_in === 'number' && Number.isFinite(response.expires_in) && response.expires_in > 0 ? response.expires_in : undefined;
  return {
    accessToken: response.access_token,
    ...(typeof response.refresh_token === 'string' && response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(expires !== undefined ? { expiresInSec: expires } : {}),
    ...(typeof response.scope === 'string' ? { scope: response.scope } : {}),
    ...(Number.isFinite(date) ? { serverDateMs: date } : {}),
  };
}

/** GC-03: the code exchange — grant_type, code, code_verifier, client_id, redirect_uri; no secret. */
export async function exchangeCode(ep: GenesysCloudEndpoints, fetch: Fetch, params: URLSearchParams, codeVerifier: string, nowMs: () => number, signal?: AbortSignal): Promise<TokenResult> {
  try {
    const response = await oauth.authorizationCodeGrantRequest(ep.as, ep.client, oauth.None(), params, ep.redirectUri, codeVerifier, requestOptions(ep, fetch, signal));
    await checkTransient(response, nowMs());
    const date = response.headers.get('date');
    return tokenResult(await oauth.processAuthorizationCodeResponse(ep.as, ep.client, response), date);
  } catch (error) {
    throw tokenEndpointError(error, 'exchange');
  }
}

/** The refresh grant, when the org's client returns refresh tokens (rotation: the new one replaces it). */
export async function refreshGrant(ep: GenesysCloudEndpoints, fetch: Fetch, refreshToken: string, nowMs: () => number, signal?: AbortSignal): Promise<TokenResult> {
  try {
    const response = await oauth.refreshTokenGrantRequest(ep.as, ep.client, oauth.None(), refreshToken, requestOptions(ep, fetch, signal));
    await checkTransient(response, nowMs());
    const date = response.headers.get('date');
    return tokenResult(await oauth.processRefreshTokenResponse(ep.as, ep.client, response), date);
  } catch (error) {
    throw tokenEndpointError(error, 'refresh');
  }
}
