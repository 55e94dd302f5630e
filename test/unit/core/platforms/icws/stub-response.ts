// A canned HttpResponse for the ICWS unit tests' stub transports (shared helper; was duplicated in
// connect-rules.test.ts and icws-rules.test.ts, duplicate D13). A string body is sent as given,
// anything else as JSON.
import type { HttpResponse } from '../../../../../main/core/net/types.ts';

export function response(status: number, json?: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = json === undefined ? '' : typeof json === 'string' ? json : JSON.stringify(json);
  return {
    status,
    headers,
    setCookie: [],
    url: '',
    chain: [''],
    body: new TextEncoder().encode(text),
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  } as HttpResponse;
}
