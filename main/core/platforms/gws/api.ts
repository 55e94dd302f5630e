// The GWS REST calls over the profile's HttpSession (DESIGN.md "net/"): the CSRF pair read from GETs
// and sent on every unsafe request (csrf.ts), statusCode envelopes turned into typed errors with the
// server's own message (protocols/gws.md §2). Redirects are never followed with credentials.
import { PatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import { csrfHeaders, isCsrfRejection, needsCsrf, readCsrfPair, type CsrfPair } from './csrf.ts';
import { envelopeOf, STATUS, type Envelope } from './wire.ts';

export interface ApiResult {
  status: number;
  /** Parsed JSON body (undefined when not JSON). */
  json: unknown;
  envelope: Envelope | undefined;
  response: HttpResponse;
}

const STATUS_NAMES: Record<number, string> = {
  1: 'missing-parameter',
  2: 'invalid-state',
  3: 'forbidden',
  4: 'internal-error',
  5: 'no-permission',
  6: 'not-found',
  7: 'partial-success',
  8: 'password-change-required',
  9: 'processing-incomplete',
  10: 'validation-error',
  11: 'read-only',
  12: 'retrieve-failed',
  13: 'create-failed',
  14: 'delete-failed',
  15: 'update-failed',
  16: 'assign-failed',
  17: 'unassign-failed',
  18: 'exists',
  19: 'in-use',
  20: 'not-authenticated',
};

/** Every non-zero statusCode → a typed error carrying the server's statusMessage (issue 11). */
export function statusError(envelope: Envelope | undefined, httpStatus: number, what: string): PatchbayError {
  const code = envelope?.statusCode;
  const said = envelope?.statusMessage?.trim();
  const name = code === undefined ? `http-${httpStatus}` : (STATUS_NAMES[code] ?? `status-${code}`);
  const action =
    code === STATUS.notAuthenticated || code === STATUS.passwordChangeRequired
      ? 'sign-in-again'
      : code === STATUS.internalError || code === STATUS.processingIncomplete || httpStatus >= 500
        ? 'retry'
        : code === STATUS.invalidForState
          ? 'none'
          : 'contact-it';
  const message = said ? `${what}: ${said}` : `${what}: the server answered ${code === undefined ? `HTTP ${httpStatus}` : `statusCode ${code}`}.`;
  return new PatchbayError(`gws.status.${name}`, message, { action, details: { httpStatus, ...(code === undefined ? {} : { statusCode: code }) } });
}

export function csrfError(): PatchbayError {
  return new PatchbayError('gws.csrf.rejected', 'The server refused the request: Missing or invalid Csrf token (it was read again once and still refused).', {
    action: 'sign-in-again',
  });
}

function jsonOf(res: HttpResponse): unknown {
  if (res.body.byteLength === 0) return undefined;
  try {
    return res.json();
  } catch {
    return undefined;
  }
}

export class GwsApi {
  readonly base: string;
  readonly http: HttpSession;
  private readonly log: Logger;
  /** The current CSRF pair: read from every GET, sent on every POST/PUT/DELETE. */
  csrf: CsrfPair | undefined;
  /** Authenticated requests counted for the sign-in round-trip figure (bench). */
  requests = 0;

  constructor(http: HttpSession, base: string, log: Logger) {
    this.http = http;
    this.base = base.replace(/\/+$/, '');
    this.log = log;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** One request; GETs refresh the CSRF pair. `extraHeaders` carries the sign-in credentials. */
  async raw(method: string, path: string, options: { json?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<ApiResult> {
    const upper = method.toUpperCase();
    const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}), ...(needsCsrf(upper) ? csrfHeaders(this.csrf) : {}) };
    this.requests += 1;
    const response = await this.http.request({
      method: upper,
      url: this.url(path),
      headers,
      ...(options.json === undefined ? {} : { json: options.json }),
      followRedirects: false,
      sensitiveHeaders: this.csrf ? [this.csrf.header] : [],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const pair = readCsrfPair(response.headers);
    if (pair) this.csrf = pair;
    const json = jsonOf(response);
    return { status: response.status, json, envelope: envelopeOf(json), response };
  }

  /** A state-changing call. A CSRF rejection re-reads the pair with one GET and retries once; a
   *  second rejection is a typed error (issue 11 "Session and CSRF"). */
  async send(method: string, path: string, json: unknown, signal?: AbortSignal): Promise<ApiResult> {
    let result = await this.raw(method, path, { json, ...(signal ? { signal } : {}) });
    if (isCsrfRejection(result.status, result.envelope)) {
      this.log.info('gws.csrf.reread', { path });
      await this.raw('GET', '/api/v2/me', signal ? { signal } : {});
      result = await this.raw(method, path, { json, ...(signal ? { signal } : {}) });
      if (isCsrfRejection(result.status, result.envelope)) throw csrfError();
    }
    return result;
  }

  /** A GET or send whose answer must be statusCode 0 (or one of `accept`). */
  static expectOk(result: ApiResult, what: string, accept: number[] = []): ApiResult {
    const code = result.envelope?.statusCode;
    if (result.status >= 200 && result.status < 300 && (code === STATUS.ok || (code !== undefined && accept.includes(code)))) return result;
    throw statusError(result.envelope, result.status, what);
  }
}
