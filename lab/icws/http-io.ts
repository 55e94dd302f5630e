// The ICWS lab's JSON replies; the generic node:http helpers are shared with the other emulators
// (lab/http-io.ts).
import type { ServerResponse } from 'node:http';

export { firstHeader, isLoopback, parseCookies, readBody, type BodyResult } from '../http-io.ts';

export const ICWS_CONTENT_TYPE = 'application/vnd.inin.icws+JSON; charset=utf-8';

/** application/json or application/vnd.inin.icws+json, any case, any parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const mediaType = header.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json' || mediaType === 'application/vnd.inin.icws+json';
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': ICWS_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, no-store',
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Cache-Control': 'no-cache, no-store', ...headers });
  res.end();
}
