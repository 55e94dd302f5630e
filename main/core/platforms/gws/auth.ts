// GWS authentication, client side (seed 002: the server's chain Salesforce → Configuration Server
// basic → GWS basic → SAML → anonymous; protocols/gws.md §1). The profile says which method the
// contact center uses; after it, GET /api/v2/me must name a user, else the server fell through to
// anonymous and the sign-in fails saying which method was tried (GWS-05).
import { oauthFetch } from '../../auth/oauth-fetch.ts';
import * as oauth from 'oauth4webapi';
import type { LoginWindow, LoginWindowRequest } from '../../auth/login-window.ts';
import { PatchbayError } from '../../errors.ts';
import type { HttpSession } from '../../net/http-session.ts';
import type { ApiResult } from './api.ts';
import { statusError } from './api.ts';
import { MeSchema, STATUS, UserSchema, type GwsUser } from './wire.ts';

export type GwsAuthMethod = 'gws-basic' | 'config-server-basic' | 'saml' | 'salesforce';

export const METHOD_LABEL: Record<GwsAuthMethod, string> = {
  'gws-basic': 'Web Services (GWS) user name and password',
  'config-server-basic': 'Configuration Server user name and password',
  saml: 'SAML single sign-on',
  salesforce: 'Salesforce sign-in',
};

export const DEFAULT_SAML_LOGIN_PATH = '/saml/login';
/** Where the SP sends the browser after its ACS (Workspace Web Edition, protocols/gws.md §1). */
export const WWE_PATH = '/ui/wwe';
export const DEFAULT_SSO_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_SALESFORCE_SCOPE = 'id api';

/** RFC 7617: the basic header for both basic methods (GWS-02, GWS-03: the same header). */
export function basicAuthorization(userName: string, password: string): string {
  return `Basic ${Buffer.from(`${userName}:${password}`, 'utf8').toString('base64')}`;
}

/** GWS-05: the server answered as if anonymous after `method` was tried. */
export function anonymousError(method: GwsAuthMethod, why: string): PatchbayError {
  const basic = method === 'gws-basic' || method === 'config-server-basic';
  const message = `Sign-in with the ${METHOD_LABEL[method]} failed: the server treated Patchbay as an anonymous caller (${why}).${basic ? ' Check the user name and password.' : ''}`;
  return new PatchbayError(`gws.auth.anonymous`, message, { action: basic ? 'sign-in-again' : 'contact-it', details: { method } });
}

/** GWS-05: the me that proves the sign-in worked — 2xx, statusCode 0 and a user; anything else is
 *  the anonymous fall-through (statusCode 20, 401/403, or a me without a user) or a server error. */
export function checkSignedIn(method: GwsAuthMethod, result: ApiResult): GwsUser {
  const code = result.envelope?.statusCode;
  if (code === STATUS.notAuthenticated) return fail(`statusCode 20${result.envelope?.statusMessage ? `: ${result.envelope.statusMessage}` : ''}`);
  if (result.status === 401 || result.status === 403) return fail(`HTTP ${result.status} on GET /api/v2/me`);
  if (result.status >= 300 && result.status < 400) return fail(`GET /api/v2/me was redirected to a sign-in page`);
  if (result.status !== 200 || code !== STATUS.ok) throw statusError(result.envelope, result.status, 'Reading your user');
  const me = MeSchema.safeParse(result.json);
  const user = me.success ? UserSchema.safeParse(me.data.user) : undefined;
  if (!user?.success) return fail('GET /api/v2/me answered without a user');
  return user.data;

  function fail(why: string): never {
    throw anonymousError(method, why);
  }
}

/** The method the profile names, or the one its authMode implies. */
export function methodOf(authMode: 'password' | 'sso', configured: GwsAuthMethod | undefined): GwsAuthMethod {
  if (configured) return configured;
  return authMode === 'sso' ? 'saml' : 'gws-basic';
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/** Hosts the sign-in window may visit: the GWS servers, the profile's extra SSO hosts and `more`. */
export function allowedHosts(servers: readonly string[], extra: readonly string[] | undefined, more: readonly string[] = []): string[] {
  return [...new Set([...servers.map(hostOf), ...more, ...(extra ?? [])].map((h) => h.toLowerCase()))];
}

export interface WindowRun {
  loginWindow: LoginWindow;
  http: HttpSession;
  profileId: string;
  allowedHosts: string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called before the window opens ('awaiting-user') and after it closed ('signing-in'). */
  onPhase?: (phase: 'awaiting-user' | 'signing-in') => void;
}

async function runWindow(options: WindowRun, request: Pick<LoginWindowRequest, 'url' | 'until'>): Promise<{ url: string; status: number }> {
  options.onPhase?.('awaiting-user');
  try {
    return await options.loginWindow.run({
      ...request,
      profileId: options.profileId,
      visible: 'when-needed',
      timeoutMs: options.timeoutMs ?? DEFAULT_SSO_TIMEOUT_MS,
      jar: options.http.jar,
      allowedHosts: options.allowedHosts,
      title: 'Sign in',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    options.onPhase?.('signing-in');
  }
}

/** GWS-04: the SP-initiated SAML round in the LoginWindow. It ends when the browser lands on
 *  Workspace (/ui/wwe…) after the ACS; the window's cookies (JSESSIONID) are then in the jar. */
export async function runSamlLogin(options: WindowRun & { base: string; samlLoginPath?: string }): Promise<void> {
  const base = options.base.replace(/\/+$/, '');
  const result = await runWindow(options, { url: `${base}${options.samlLoginPath ?? DEFAULT_SAML_LOGIN_PATH}`, until: [{ urlPrefix: `${base}${WWE_PATH}` }] });
  if (result.status >= 400) {
    throw new PatchbayError('gws.saml.failed', `Single sign-on did not finish: the server answered HTTP ${result.status} after the identity provider.`, {
      action: 'retry',
      details: { status: result.status },
    });
  }
}

export interface SalesforceSettings {
  loginBase: string;
  clientId: string;
  redirectUri: string;
  sessionIdHeader: string;
  identityUrlHeader: string;
  scope?: string;
}

/** The two headers GWS-01 sends (header names configurable; defaults ssid / surl). */
export function salesforceHeaders(settings: Pick<SalesforceSettings, 'sessionIdHeader' | 'identityUrlHeader'>, sessionId: string, identityUrl: string): Record<string, string> {
  return { [settings.sessionIdHeader]: sessionId, [settings.identityUrlHeader]: identityUrl };
}


/** A credential URL is acceptable when it is https, or http on a loopback host (the lab). The WHATWG
 *  parser writes an IPv4 host as a dotted quad, so a DNS name such as 127.example.com is not loopback
 *  (RFC 8252 §8.3; found reviewing this line's mutants, issue 9). */
function acceptableUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)));
}

/** GWS-01: OAuth 2.0 authorization code + PKCE (RFC 7636) with Salesforce in the LoginWindow; returns
 *  the session id (access token) and the identity URL (`id` of the token response). The identity
 *  URL must be on the Salesforce host (or an allowed SSO host): GWS calls it with the session id. */
export async function runSalesforceLogin(options: WindowRun & { settings: SalesforceSettings }): Promise<{ sessionId: string; identityUrl: string }> {
  const s = options.settings;
  const issuer = new URL(s.loginBase);
  const insecure = issuer.protocol === 'http:' && acceptableUrl(issuer);
  const common = { [oauth.customFetch]: oauthFetch(options.http), ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const failed = (what: string, cause?: unknown) =>
    new PatchbayError('gws.salesforce.failed', `Salesforce sign-in failed: ${what}.`, { action: 'sign-in-again', ...(cause === undefined ? {} : { cause }) });

  let as: oauth.AuthorizationServer;
  try {
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...common, algorithm: 'oidc' }));
  } catch (error) {
    if (error instanceof PatchbayError) throw error;
    throw new PatchbayError('gws.salesforce.unavailable', `Salesforce at ${issuer.host} did not describe its sign-in endpoints.`, { action: 'contact-it', cause: error });
  }
  if (!as.authorization_endpoint) throw failed('the server names no authorization endpoint');
  const client: oauth.Client = { client_id: s.clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorize = new URL(as.authorization_endpoint);
  authorize.searchParams.set('response_type', 'code');
  authorize.searchParams.set('client_id', s.clientId);
  authorize.searchParams.set('redirect_uri', s.redirectUri);
  authorize.searchParams.set('scope', s.scope ?? DEFAULT_SALESFORCE_SCOPE);
  authorize.searchParams.set('state', state);
  authorize.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier)); // RFC 7636 §4.2
  authorize.searchParams.set('code_challenge_method', 'S256');

  const result = await runWindow({ ...options, allowedHosts: [...options.allowedHosts, authorize.host.toLowerCase()] }, { url: authorize.href, until: [{ redirectTo: s.redirectUri }] });
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, new URL(result.url), state);
  } catch (error) {
    const said = error instanceof oauth.AuthorizationResponseError ? (error.error_description ?? error.error) : 'the answer was not valid';
    throw failed(said, error);
  }
  let token: oauth.TokenEndpointResponse;
  try {
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, s.redirectUri, verifier, common);
    token = await oauth.processAuthorizationCodeResponse(as, client, response);
  } catch (error) {
    const said = error instanceof oauth.ResponseBodyError ? (error.error_description ?? error.error) : 'the code could not be exchanged';
    throw failed(said, error);
  }
  const identity = typeof token.id === 'string' ? token.id : undefined;
  if (!identity) throw failed('the token answer has no identity URL (id)');
  let identityUrl: URL;
  try {
    identityUrl = new URL(identity);
  } catch {
    throw failed('the identity URL is not a URL');
  }
  const allowed = new Set([issuer.host.toLowerCase(), ...options.allowedHosts]);
  if (!acceptableUrl(identityUrl) || !allowed.has(identityUrl.host.toLowerCase())) {
    throw new PatchbayError('gws.salesforce.identity-host', `Salesforce named an identity URL on ${identityUrl.host}, which this profile does not allow.`, { action: 'contact-it' });
  }
  return { sessionId: token.access_token, identityUrl: identityUrl.href };
}
