// HttpSession's pure pieces (DESIGN.md "net/"): URL checks, the first hop from a request, response
// headers, body bytes and the HttpResponse the caller gets.
import type { Dispatcher } from 'undici';
import { PatchbayError } from '../errors.ts';
import { hostPort } from './net-errors.ts';
import type { Hop } from './redirects.ts';
import type { HttpRequest, HttpResponse, TraceEntry } from './types.ts';

/** The last hop of an exchange: the response whose body the caller reads. */
export interface Final {
  status: number;
  headers: Record<string, string>;
  setCookie: string[];
  url: URL;
  chain: string[];
  body: Dispatcher.ResponseData['body'];
  started: number;
  entry: TraceEntry;
}

export function toUrl(url: string | URL): URL {
  try {
    return typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    throw new PatchbayError('net.bad-url', 'The address is not a valid URL.', { action: 'contact-it' });
  }
}

export function startUrl(input: string | URL): URL {
  const url = toUrl(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PatchbayError('net.bad-url', `Only http and https addresses are supported (got ${url.protocol.replace(/:$/, '')}).`, {
      action: 'contact-it',
    });
  }
  url.hash = '';
  return url;
}

export function firstHop(req: HttpRequest): Hop {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const lower = name.toLowerCase();
    // RFC 6265 §5.4: the Cookie header comes from the jar only, so that what is sent always
    // matches Domain/Path/Secure/expiry and follows redirects correctly.
    if (lower === 'cookie') {
      throw new PatchbayError('net.cookie-header-forbidden', 'Cookies are sent from the session jar; do not pass a Cookie header.', {
        action: 'none',
      });
    }
    headers[lower] = value;
  }
  if (req.json !== undefined && req.body !== undefined) {
    throw new PatchbayError('net.bad-request', 'A request has either a body or json, not both.', { action: 'none' });
  }
  let body = req.body;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    if (headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  }
  const method = (req.method ?? 'GET').toUpperCase();
  return { method, headers, ...(body === undefined ? {} : { body }) };
}

/** Lower-cased names; repeated headers joined with ", "; Set-Cookie kept apart as a list
 *  (RFC 9110 §5.3: Set-Cookie cannot be combined). */
export function splitHeaders(raw: Record<string, string | string[] | undefined>): { headers: Record<string, string>; setCookie: string[] } {
  const headers: Record<string, string> = {};
  let setCookie: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'set-cookie') setCookie = Array.isArray(value) ? [...value] : [value];
    else headers[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { headers, setCookie };
}

/** Destroys a response body we no longer want; its 'error' (an AbortError) is expected. */
export function discard(body: Dispatcher.ResponseData['body']): void {
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}

export function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export function makeResponse(final: Final, body: Uint8Array): HttpResponse {
  const host = hostPort(final.url);
  const status = final.status;
  return {
    status,
    headers: final.headers,
    setCookie: final.setCookie,
    url: final.url.href,
    chain: final.chain,
    body,
    text: () => new TextDecoder('utf-8').decode(body),
    json: () => {
      try {
        return JSON.parse(new TextDecoder('utf-8').decode(body)) as unknown;
      } catch {
        // No cause: the parser's message quotes the body.
        throw new PatchbayError('net.bad-json', `The server at ${host} sent an answer that is not valid JSON.`, {
          action: 'contact-it',
          details: { host, status },
        });
      }
    },
  };
}
