// Finesse REST responses (protocols/finesse.md §4): the typed errors made from them. Finesse's
// ApiErrors message is shown; its wording decides the state-change error kinds.
import { PatchbayError } from '../../errors.ts';
import type { HttpRequest, HttpResponse } from '../../net/types.ts';
import { apiErrorMessage, FINESSE_XML, parseApiErrors } from './wire.ts';

export function okBody(res: HttpResponse, code: string, fallback: string): string {
  if (res.status === 200) return res.text();
  throw responseError(res, code, fallback);
}

export function responseError(res: HttpResponse, code: string, fallback: string): PatchbayError {
  const message = apiErrorMessage(parseApiErrors(res.text()));
  return new PatchbayError(code, message ? `${fallback} (${message})` : `${fallback} (${res.status})`, { action: 'retry', details: { status: res.status } });
}

/** A REST answer that is not success, as the error the session raises (401 and 503 apply to every call). */
export function restError(res: HttpResponse, basicSignIn: boolean): PatchbayError | undefined {
  if (res.status === 401) {
    const message = apiErrorMessage(parseApiErrors(res.text()));
    if (basicSignIn) return new PatchbayError('finesse.sign-in.rejected', 'Finesse did not accept the user ID or password.', { action: 'sign-in-again', details: { status: 401 } });
    return new PatchbayError('finesse.unauthorized', message ? `Finesse refused the request: ${message}` : 'Finesse refused the sign-in.', { action: 'sign-in-again', details: { status: 401 } });
  }
  if (res.status === 503) return new PatchbayError('finesse.out-of-service', 'Finesse is out of service at the moment.', { action: 'retry', details: { status: 503 } });
  return undefined;
}

/** A state-change PUT refused synchronously: a missing reason code, or Finesse's own message. */
export function stateChangeError(res: HttpResponse): PatchbayError | undefined {
  if (res.status === 202 || res.status === 200 || res.status === 204) return undefined;
  const message = apiErrorMessage(parseApiErrors(res.text()));
  // Finesse words it "reasonCodeId …" or "… requires a valid reason code."
  if (message && /reason\s*code/i.test(message)) {
    return new PatchbayError('finesse.state.reason-required', 'Finesse needs a reason for this state.', { action: 'none', details: { status: res.status } });
  }
  return new PatchbayError('finesse.state.rejected', message ? `Finesse refused the change: ${message}` : `Finesse refused the change (${res.status}).`, {
    action: 'none',
    details: { status: res.status },
  });
}

export interface RestOptions {
  signal?: AbortSignal | undefined;
  /** [DG125 22] echoed in the notification that carries the outcome. */
  requestId?: string;
  /** A 401 here means the user ID or password was wrong (the first call of a Basic sign-in). */
  unauthorized?: 'sign-in';
}

/** One Finesse REST request (FIN-11: the Authorization header on every call; no redirects followed). */
export function restRequest(origin: string, method: 'GET' | 'PUT' | 'POST', path: string, authorization: string, body: string | undefined, options: RestOptions): HttpRequest {
  const headers: Record<string, string> = { Accept: FINESSE_XML, Authorization: authorization };
  if (body !== undefined) headers['Content-Type'] = FINESSE_XML;
  if (options.requestId) headers.requestId = options.requestId;
  return {
    method,
    url: `${origin}${path}`,
    headers,
    ...(body !== undefined ? { body } : {}),
    followRedirects: false,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
