// GWS CSRF protection (protocols/gws.md §1): any GET answers X-CSRF-HEADER (the *name* of the header
// to send) and X-CSRF-TOKEN (its value); every POST/PUT/DELETE carries it for the life of the HTTP
// session, else 403 {"statusCode":3,"statusMessage":"Missing or invalid Csrf token"}.
import type { Envelope } from './wire.ts';

export const CSRF_NAME_HEADER = 'x-csrf-header';
export const CSRF_TOKEN_HEADER = 'x-csrf-token';
/** Header names allowed as the CSRF header (a server cannot make us send, say, Cookie or Host). */
const SAFE_HEADER_NAME = /^x-[a-z0-9-]{1,60}$/i;

export interface CsrfPair {
  /** The header name the server asked for (X-CSRF-TOKEN by default on GWS). */
  header: string;
  token: string;
}

/** The pair a GET answered with, if any. Lower-cased response header names (HttpSession). */
export function readCsrfPair(headers: Record<string, string>): CsrfPair | undefined {
  const token = headers[CSRF_TOKEN_HEADER]?.trim();
  if (!token) return undefined;
  const named = headers[CSRF_NAME_HEADER]?.trim();
  const header = named && SAFE_HEADER_NAME.test(named) ? named : 'X-CSRF-TOKEN';
  return { header, token };
}

/** Headers to add to a state-changing request. */
export function csrfHeaders(pair: CsrfPair | undefined): Record<string, string> {
  return pair ? { [pair.header]: pair.token } : {};
}

/** Does a request need the CSRF header? (GWS checks the unsafe methods only.) */
export function needsCsrf(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/** A 403 that means "the CSRF token was missing or wrong" (re-read the pair once, then fail). */
export function isCsrfRejection(status: number, envelope: Envelope | undefined): boolean {
  if (status !== 403) return false;
  return /csrf/i.test(envelope?.statusMessage ?? '');
}
