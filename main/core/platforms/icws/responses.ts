// Reading ICWS responses: lenient JSON, the error body, and the typed error shown for it
// (protocols/icws.md; [ICWS-26] a server's message is shown verbatim).
import { PatchbayError } from '../../errors.ts';
import type { HttpResponse } from '../../net/types.ts';
import { ErrorBodySchema, type IcwsErrorBody } from './wire.ts';

export function jsonOrUndefined(res: HttpResponse): unknown {
  try {
    return res.json();
  } catch {
    return undefined;
  }
}

export function safeErrorBody(res: HttpResponse): IcwsErrorBody | undefined {
  const parsed = ErrorBodySchema.safeParse(jsonOrUndefined(res));
  return parsed.success ? parsed.data : undefined;
}

export function okJson(res: HttpResponse, code: string): unknown {
  if (res.status !== 200) throw serverError(res, safeErrorBody(res), code, `The server answered ${res.status}.`, 'retry');
  return jsonOrUndefined(res);
}

/** Longest server message shown to the agent; a longer one is cut with an ellipsis. */
export const MAX_SERVER_MESSAGE = 300;

/** [ICWS-26] the server's text as the agent may see it: control and bidi-override characters
 *  dropped, whitespace collapsed, length capped (a hostile or broken server cannot flood the card). */
export function sanitizeServerMessage(text: string | undefined): string | undefined {
  const clean = (text ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!clean) return undefined;
  return clean.length > MAX_SERVER_MESSAGE ? `${clean.slice(0, MAX_SERVER_MESSAGE - 1)}…` : clean;
}

/** [ICWS-26] a server error body's message is shown (sanitized); its errorId goes to the details. */
export function serverError(
  res: HttpResponse,
  body: IcwsErrorBody | undefined,
  code: string,
  fallback: string,
  action: 'retry' | 'sign-in-again' | 'contact-it' | 'none',
): PatchbayError {
  return new PatchbayError(code, sanitizeServerMessage(body?.message) ?? fallback, {
    action,
    details: { status: res.status, errorId: body?.errorId },
  });
}
