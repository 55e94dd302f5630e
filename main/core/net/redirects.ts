// Manual redirect following for HttpSession (undici 8 has no redirect option on `request`).
// Pure: given the request just made and a 3xx answer, what is the next request.
import { PatchbayError } from '../errors.ts';
import { hostPort } from './net-errors.ts';

/** RFC 9110 §15.4: the statuses that carry a Location to follow (300, 304, 305, 306 do not). */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export interface Hop {
  method: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

// Fetch spec "request-body-header name" plus Content-Length: they describe a body that is dropped.
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** Credentials that never cross an origin change (RFC 9110 §15.4, fetch spec §4.4 step 13). */
const ALWAYS_SENSITIVE = ['authorization', 'proxy-authorization'];

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/** Whether a hop carries credentials for the origin that the session can see: Authorization or one of
 *  the caller's sensitive headers (CSRF tokens). A body with credentials is flagged by the caller.
 *  (Proxy-Authorization is the proxy's, not the origin's: it is only dropped on an origin change.) */
export function carriesCredentials(hop: Hop, sensitiveHeaders: readonly string[] = []): boolean {
  return ['authorization', ...sensitiveHeaders.map((n) => n.toLowerCase())].some((name) => hop.headers[name] !== undefined);
}

/** The next hop after `status` + `location` answered `hop` at `current`. Throws net.bad-redirect
 *  for a Location that is not a usable http(s) URL, and net.credential-redirect when a request that
 *  carries credentials (`credentials`, or headers per carriesCredentials) would leave its origin or
 *  go from https to http (DESIGN.md trust boundaries; issue 8 item 3). */
export function nextHop(current: URL, hop: Hop, status: number, location: string, sensitiveHeaders: readonly string[] = [], credentials = false): { url: URL; hop: Hop } {
  let url: URL;
  try {
    url = new URL(location, current); // RFC 9110 §10.2.2: Location may be relative to the request URL
  } catch {
    throw badRedirect(current, status, 'an invalid address'); // no cause: it would carry the Location
  }
  // Never follow to file:, javascript:, data:, custom schemes… (fetch spec §4.4 step 7).
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRedirect(current, status, `a ${url.protocol.replace(/:$/, '')} address`);
  }
  url.hash = ''; // fragments are never sent
  const headers = { ...hop.headers };
  let { method, body } = hop;
  // RFC 9110 §15.4.2 (301), §15.4.3 (302): POST may become GET, and every client does it.
  // RFC 9110 §15.4.4 (303): anything but GET/HEAD becomes GET. The body and its headers go.
  if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET';
    body = undefined;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  // RFC 9110 §15.4.8 (307), §15.4.9 (308): method and body are kept as they are.
  const downgrade = current.protocol === 'https:' && url.protocol === 'http:';
  if (downgrade || url.origin !== current.origin) {
    // Credentials stay with the origin they were meant for, and never go to http: a credential
    // header (Authorization, CSRF), or a credential body that this hop would re-send (307/308), is
    // refused rather than stripped — the request cannot succeed without them. A body dropped by a
    // 303 (or a POST's 301/302) goes nowhere, so that bounce is followed (FIN-13 through IdS).
    if (carriesCredentials(hop, sensitiveHeaders) || (credentials && body !== undefined)) throw credentialRedirect(current, url, status, downgrade);
  }
  if (url.origin !== current.origin) {
    // Origin = scheme + host + port (RFC 6454). Credentials stay with the origin they were meant for.
    for (const name of [...ALWAYS_SENSITIVE, ...sensitiveHeaders.map((n) => n.toLowerCase())]) delete headers[name];
  }
  return { url, hop: { method, headers, ...(body === undefined ? {} : { body }) } };
}

function badRedirect(current: URL, status: number, what: string): PatchbayError {
  const host = hostPort(current);
  return new PatchbayError('net.bad-redirect', `The server at ${host} redirected to ${what}, which Patchbay does not follow.`, {
    action: 'contact-it',
    details: { host, status },
  });
}

function credentialRedirect(current: URL, to: URL, status: number, downgrade: boolean): PatchbayError {
  const host = hostPort(current);
  const target = hostPort(to);
  const what = downgrade ? `an unencrypted address (${target})` : `another server (${target})`;
  return new PatchbayError('net.credential-redirect', `The server at ${host} redirected a request carrying your sign-in to ${what}; Patchbay does not send credentials there.`, {
    action: 'contact-it',
    details: { host, to: target, status },
  });
}
