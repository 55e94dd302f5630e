// GWS replies: statusCode envelopes (shared/protocols/gws.md §2), the session cookie, the CSRF pair.
import type { ServerResponse } from 'node:http';

/** statusCode values of GWS API v2 (gws.md §2). */
export const STATUS = {
  ok: 0,
  missingParameter: 1,
  invalidState: 2,
  forbidden: 3,
  internalError: 4,
  noPermission: 5,
  notFound: 6,
  partialSuccess: 7,
  validationError: 10,
  notAuthenticated: 20,
} as const;

/** HTTP status the lab sends with each statusCode (INFERRED: the docs give the envelopes, not these). */
export function httpStatusOf(statusCode: number): number {
  switch (statusCode) {
    case 0:
    case 7:
      return 200;
    case 3:
    case 5:
      return 403;
    case 4:
      return 500;
    case 6:
      return 404;
    case 20:
      return 401;
    default:
      return 400;
  }
}

export const CSRF_HEADER_NAME = 'X-CSRF-TOKEN';
export const CSRF_MESSAGE = 'Missing or invalid Csrf token';
export const SESSION_COOKIE = 'JSESSIONID';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, no-store',
    ...headers,
  });
  res.end(text);
}

/** `{"statusCode":n,"statusMessage":…}` with its HTTP status. */
export function sendStatus(res: ServerResponse, statusCode: number, statusMessage: string, headers: Record<string, string | string[]> = {}): void {
  sendJson(res, httpStatusOf(statusCode), { statusCode, statusMessage }, headers);
}

export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly`;
}

export function clearSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly`;
}
