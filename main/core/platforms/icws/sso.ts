// ICWS single sign-on, client side (seed 000 "Using Single Sign-on"; shared/protocols/icws.md §5).
// A desktop client uses the pop-up option and reads the token from the ININ-STS-Token header of
// /single-sign-on/return [ICWS-11]; the redirect option (redirectUri → GET …/single-sign-on/response)
// is the fallback [ICWS-13]. The IdP's pages run in the shell's LoginWindow (a real browser engine:
// redirects, cookies, self-submitting forms). Pure request builders + one flow function.
import { z } from 'zod';
import type { LoginWindow, LoginWindowRequest, LoginWindowResult } from '../../auth/login-window.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import { nullLogger, type Logger } from '../../log.ts';
import type { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import { ErrorBodySchema, ICWS_ACCEPT } from './wire.ts';

/** [ICWS-08, ICWS-10] both SAML bindings, HTTP-POST preferred (seed 000 recommends it first). */
export const SSO_CAPABILITIES = 'saml2Post,saml2Redirect';
/** [ICWS-11] the header of /single-sign-on/return that carries the token. */
export const STS_TOKEN_HEADER = 'ININ-STS-Token';
/** webBrowserApplicationOrigin of a desktop client. No page of ours is the login window's opener, so
 *  the return page's postMessage [ICWS-12] reaches nobody; loopback, so it never names a third party. */
export const DESKTOP_APPLICATION_ORIGIN = 'http://127.0.0.1';
/** redirectUri of the redirect option: the LoginWindow stops on it before it loads (nothing listens). */
export const DESKTOP_REDIRECT_URI = 'http://127.0.0.1/patchbay/icws-sso-complete';
export const DEFAULT_SSO_TIMEOUT_MS = 5 * 60_000;

const SSO_PATH = '/icws/connection/single-sign-on';

function trimBase(base: string): string {
  return base.replace(/\/+$/, '');
}

/** [ICWS-10] the pop-up option's start URL. */
export function identityProvidersUrl(base: string, identityProviderId: string, origin: string = DESKTOP_APPLICATION_ORIGIN): string {
  const query = new URLSearchParams({ singleSignOnCapabilities: SSO_CAPABILITIES, webBrowserApplicationOrigin: origin });
  return `${trimBase(base)}${SSO_PATH}/identity-providers/${encodeURIComponent(identityProviderId)}?${query.toString().replace(/%2C/g, ',')}`;
}

/** [ICWS-10, ICWS-13] the redirect option's start URL. */
export function identityProvidersRedirectUrl(base: string, identityProviderId: string, redirectUri: string = DESKTOP_REDIRECT_URI): string {
  const query = new URLSearchParams({ singleSignOnCapabilities: SSO_CAPABILITIES, redirectUri });
  return `${trimBase(base)}${SSO_PATH}/identity-providers/${encodeURIComponent(identityProviderId)}?${query.toString().replace(/%2C/g, ',')}`;
}

/** [ICWS-13] where the redirect option's token waits (behind the icws_sso_response cookie). */
export function ssoResponseUrl(base: string): string {
  return `${trimBase(base)}${SSO_PATH}/response`;
}

/** [ICWS-14] the connection settings for POST /icws/connection. */
export function ssoConnectionBody(applicationName: string, singleSignOnToken: string): string {
  return JSON.stringify({ __type: 'urn:inin.com:connection:singleSignOnTokenConnectionRequestSettings', applicationName, singleSignOnToken });
}

const SsoCompleteDataSchema = z
  .object({ token: z.string().default(''), errorMessage: z.string().default(''), errorId: z.string().default(''), httpStatus: z.number().optional() })
  .loose();
export type SsoCompleteData = z.infer<typeof SsoCompleteDataSchema>;
const SsoResponseSchema = z.object({ singleSignOnToken: z.string().min(1) }).loose();

/** [ICWS-12] the `icwsSsoComplete` data a return page carries in its script, if it can be found. */
export function parseSsoCompletePage(html: string | undefined): SsoCompleteData | undefined {
  if (!html) return undefined;
  const m = /["']?key["']?\s*:\s*["']icwsSsoComplete["']\s*,\s*["']?data["']?\s*:\s*(\{[^{}]*\})/.exec(html);
  if (!m) return undefined;
  try {
    const parsed = SsoCompleteDataSchema.safeParse(JSON.parse(m[1]!));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The server's (or IdP's) error as a PatchbayError; the message is theirs, never a token. */
export function ssoError(status: number, errorId: string | undefined, message: string | undefined): PatchbayError {
  const said = message?.trim();
  if (errorId === 'error.sso.authentication.cancelled') {
    return new PatchbayError('icws.sso.cancelled', said || 'The sign-in was cancelled at the identity provider.', { action: 'sign-in-again', details: { status, errorId } });
  }
  if (errorId === 'error.sso.request.identityProviderUnavailable') {
    return new PatchbayError('icws.sso.unavailable', said || 'The identity provider is not available.', { action: 'retry', details: { status, errorId } });
  }
  return new PatchbayError('icws.sso.failed', said || 'Single sign-on did not complete.', { action: 'sign-in-again', details: { status, errorId } });
}

type Outcome = { token: string } | { error: PatchbayError } | { fallback: string };

function jsonError(result: { status: number; body?: string }): { errorId?: string; message?: string } {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(result.body ?? ''));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** [ICWS-11] what a pop-up run's completion means: the header's token, the page's error, or a
 *  reason to try the redirect option. */
export function popupOutcome(result: LoginWindowResult): Outcome {
  if ('jsonResponseAt' in result.completion) {
    const body = jsonError(result);
    // The start request itself was refused: parameters this server does not take → redirect option.
    if (result.status === 400 && body.errorId?.startsWith('error.request.invalidRepresentation')) return { fallback: 'pop-up option refused' };
    return { error: ssoError(result.status, body.errorId, body.message) };
  }
  const token = result.headers[STS_TOKEN_HEADER.toLowerCase()]?.trim();
  if (token) return { token };
  // seed 000: an empty token means failure, with errorMessage/errorId in the page's message.
  const data = parseSsoCompletePage(result.body);
  if (data && !data.token && (data.errorId || data.errorMessage)) return { error: ssoError(data.httpStatus ?? result.status, data.errorId || undefined, data.errorMessage) };
  if (result.status >= 400) return { error: ssoError(result.status, undefined, undefined) };
  // A success page without the header (stripped on the way?): the redirect option still works.
  return { fallback: 'no ININ-STS-Token header' };
}

export interface IcwsSsoOptions {
  /** The profile's HttpSession: its jar seeds the window and receives its cookies. */
  http: HttpSession;
  loginWindow: LoginWindow;
  /** The ICWS server, e.g. https://ic1.example.com:8019 (the connect URL's origin). */
  base: string;
  identityProviderId: string;
  profileId: string;
  /** The profile's Accept-Language (fixed for the session, ICWS-01). */
  language: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Default 'when-needed': an IdP session that signs in silently shows nothing. */
  visible?: LoginWindowRequest['visible'];
  /** 'auto' (default): pop-up option, then the redirect option when the pop-up cannot deliver. */
  option?: 'auto' | 'popup' | 'redirect';
  /** Hosts the window may visit (the IdP's); the ICWS host is added. Default: any http(s) host. */
  allowedHosts?: string[];
  /** Called before the window opens ('awaiting-user') and after it closed ('signing-in'). */
  onPhase?: (phase: 'awaiting-user' | 'signing-in') => void;
  log?: Logger;
}

/** Runs the SAML sign-in in the LoginWindow and returns the single sign-on token for
 *  `POST /icws/connection` with {@link ssoConnectionBody} [ICWS-10, 11, 13, 14]. Throws a
 *  PatchbayError: icws.sso.failed | icws.sso.cancelled | icws.sso.unavailable (the server's or the
 *  IdP's own message), login.cancelled | login.timeout | login.failed | login.unavailable. */
export async function runIcwsSso(options: IcwsSsoOptions): Promise<string> {
  const log = (options.log ?? nullLogger).child({ step: 'icws.sso' });
  const base = trimBase(options.base);
  const option = options.option ?? 'auto';
  const allowedHosts = options.allowedHosts && options.allowedHosts.length > 0 ? [...options.allowedHosts, new URL(base).host] : undefined;
  const common = {
    profileId: options.profileId,
    visible: options.visible ?? 'when-needed',
    timeoutMs: options.timeoutMs ?? DEFAULT_SSO_TIMEOUT_MS,
    jar: options.http.jar,
    title: 'Sign in',
    // The ICWS server: where the flow starts and the only host ININ-STS-Token is taken from.
    profileHosts: [new URL(base).host],
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  } satisfies Omit<LoginWindowRequest, 'url' | 'until'>;

  const runWindow = async (request: LoginWindowRequest): Promise<LoginWindowResult> => {
    options.onPhase?.('awaiting-user');
    try {
      return await options.loginWindow.run(request);
    } finally {
      options.onPhase?.('signing-in');
    }
  };

  if (option !== 'redirect') {
    const result = await runWindow({
      ...common,
      url: identityProvidersUrl(base, options.identityProviderId),
      // [ICWS-11] done on the token header; the return page without it, or a JSON error from the
      // start request, ends the run too so the agent sees the reason instead of a stuck window.
      until: [{ responseHeader: STS_TOKEN_HEADER }, { urlPrefix: `${base}${SSO_PATH}/return` }, { jsonResponseAt: `${base}${SSO_PATH}/` }],
    });
    const outcome = popupOutcome(result);
    if ('token' in outcome) {
      log.info('icws.sso.token-received', { option: 'popup' });
      return outcome.token;
    }
    if ('error' in outcome) throw outcome.error;
    if (option === 'popup') throw ssoError(result.status, undefined, 'The server did not deliver a single sign-on token.');
    log.info('icws.sso.fallback-to-redirect', { reason: outcome.fallback });
  }
  return redirectOption(options, base, common, runWindow, log);
}

/** [ICWS-14] a reconnect's new single-use token: hidden first (a valid IdP session needs no page);
 *  when the hidden page times out the IdP needs the agent, so `onAwaitingUser` and show it. */
export async function reconnectSsoToken(options: IcwsSsoOptions, silentTimeoutMs: number, onAwaitingUser: () => void): Promise<string> {
  try {
    return await runIcwsSso({ ...options, visible: 'never', timeoutMs: silentTimeoutMs });
  } catch (error) {
    if (options.signal?.aborted || toPatchbayError(error).code !== 'login.timeout') throw error;
  }
  onAwaitingUser();
  return runIcwsSso({ ...options, visible: 'when-needed' });
}

/** [ICWS-13] the redirect option: the window stops at redirectUri; the token is then fetched with the
 *  icws_sso_response cookie the window left in the jar. */
async function redirectOption(
  options: IcwsSsoOptions,
  base: string,
  common: Omit<LoginWindowRequest, 'url' | 'until'>,
  runWindow: (request: LoginWindowRequest) => Promise<LoginWindowResult>,
  log: Logger,
): Promise<string> {
  const result = await runWindow({
    ...common,
    url: identityProvidersRedirectUrl(base, options.identityProviderId),
    until: [{ redirectTo: DESKTOP_REDIRECT_URI }, { jsonResponseAt: `${base}${SSO_PATH}/` }],
  });
  if ('jsonResponseAt' in result.completion) {
    const body = jsonError(result);
    throw ssoError(result.status, body.errorId, body.message);
  }
  const res: HttpResponse = await options.http.request({
    url: ssoResponseUrl(base),
    headers: { 'Accept-Language': options.language, Accept: ICWS_ACCEPT },
    followRedirects: false,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let json: unknown;
  try {
    json = res.json();
  } catch {
    json = undefined;
  }
  if (res.status === 200) {
    const parsed = SsoResponseSchema.safeParse(json);
    if (parsed.success) {
      log.info('icws.sso.token-received', { option: 'redirect' });
      return parsed.data.singleSignOnToken;
    }
    throw new PatchbayError('icws.sso.bad-response', 'The server answered the single sign-on without a token.', { action: 'contact-it', details: { status: 200 } });
  }
  const body = ErrorBodySchema.safeParse(json);
  throw ssoError(res.status, body.success ? body.data.errorId : undefined, body.success ? body.data.message : undefined);
}
