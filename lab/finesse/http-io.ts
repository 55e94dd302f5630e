// The Finesse lab's replies (XML, redirects, auto-posting pages); the generic node:http helpers are
// shared with the other emulators (lab/http-io.ts).
import type { ServerResponse } from 'node:http';

export { firstHeader, isLoopback, parseCookies, readBody, type BodyResult } from '../http-io.ts';

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.split(';')[0]?.trim().toLowerCase();
}

export interface ReplyOptions {
  headers?: Record<string, string | string[]>;
  /** Value of the `Date` header (the lab's possibly skewed clock). */
  date?: Date;
}

export function send(res: ServerResponse, status: number, contentType: string | undefined, body: string, options: ReplyOptions = {}): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | string[]> = {
    'Cache-Control': 'no-cache, no-store',
    'Content-Length': String(Buffer.byteLength(body)),
    ...(contentType === undefined ? {} : { 'Content-Type': contentType }),
    ...(options.date === undefined ? {} : { Date: options.date.toUTCString() }),
    ...options.headers,
  };
  res.writeHead(status, headers);
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, options: ReplyOptions = {}): void {
  send(res, status, 'application/json;charset=UTF-8', JSON.stringify(body), options);
}

export function redirect(res: ServerResponse, location: string, options: ReplyOptions & { status?: 302 | 303 } = {}): void {
  send(res, options.status ?? 302, undefined, '', { ...options, headers: { ...options.headers, Location: location } });
}

/** Minimal HTML escaping for text and attribute values of the lab's own pages. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page whose single form submits itself from JavaScript on load (like SAML HTTP-POST pages). */
export function autoPostPage(title: string, action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}"/>`)
    .join('');
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body onload="document.forms[0].submit()"><noscript><p>JavaScript is off: press Continue.</p></noscript>` +
    `<form method="post" action="${escapeHtml(action)}">${inputs}<input type="submit" value="Continue"/></form>` +
    `<script>document.forms[0].style.display="none";</script></body></html>`
  );
}

export function htmlPage(title: string, message: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}
