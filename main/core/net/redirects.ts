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

/** The next hop after `status` + `location` answered `hop` at `current`. Throws net.bad-redirect
 *  for a Location that is not a usable http(s) URL. */
export function nextHop(current: URL, hop: Hop, status: number, location: string, sensitiveHeaders: readonly string[] = []): { url: URL; hop: Hop } {
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
