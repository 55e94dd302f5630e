// Small node:http helpers of the Finesse lab: bounded bodies, cookies, replies, loopback check.
// Independent of the ICWS lab's copy so each emulator can change on its own.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/** Reads at most `maxBytes`; past that the rest is drained (bounded) so the 413 reaches the client. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      tooLarge = true;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        if (size > maxBytes * 16) {
          req.pause();
          settle({ kind: 'too-large' });
        }
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => settle(tooLarge ? { kind: 'too-large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle(tooLarge ? { kind: 'too-large' } : { kind: 'aborted' }));
  });
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.split(';')[0]?.trim().toLowerCase();
}

/** Cookie header → name/value map (RFC 6265 §5.4 syntax; first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
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
