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

/** [ICWS-26] a server error body's message is shown verbatim; its errorId goes to the details. */
export function serverError(
  res: HttpResponse,
  body: IcwsErrorBody | undefined,
  code: string,
  fallback: string,
  action: 'retry' | 'sign-in-again' | 'contact-it' | 'none',
): PatchbayError {
  return new PatchbayError(code, body?.message?.trim() ? body.message : fallback, {
    action,
    details: { status: res.status, errorId: body?.errorId },
  });
}
