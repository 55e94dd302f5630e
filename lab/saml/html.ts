// Small HTML helpers of the lab's SAML pages (IdP login page, auto-post pages, ICWS return page).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A JSON value safe inside an inline <script> (no `</script>`, no U+2028/9 surprises). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Every lab page: no caching, a CSP that only lets the page's own nonce'd script run. */
export function sendHtml(res: ServerResponse, status: number, html: string, options: { nonce?: string; headers?: Record<string, string> } = {}): void {
  if (res.headersSent || res.destroyed) return;
  const script = options.nonce ? `'nonce-${options.nonce}'` : "'none'";
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(html)),
    'Cache-Control': 'no-cache, no-store',
    'Content-Security-Policy': `default-src 'none'; script-src ${script}; style-src 'unsafe-inline'; form-action *; base-uri 'none'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    ...(options.headers ?? {}),
  });
  res.end(html);
}

const STYLE =
  'body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}' +
  'label{display:block;margin:.8rem 0 .2rem}input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem}' +
  '.error{color:#b00020;font-weight:600}';

export function page(title: string, body: string, nonce?: string, script?: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    script && nonce ? `<script nonce="${nonce}">${script}</script>` : '',
    '</head><body><main>',
    body,
    '</main></body></html>',
  ].join('');
}

/** The HTTP-POST binding page: a form that submits itself from JavaScript on load (as
 *  SimpleSAMLphp's post.js does); without JavaScript the button is left to press. */
export function autoPostPage(title: string, action: string, fields: Record<string, string>): { html: string; nonce: string } {
  const nonce = newNonce();
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const body = `<h1>${escapeHtml(title)}</h1><form method="post" action="${escapeHtml(action)}">${inputs}<noscript><p>JavaScript is off: press the button to continue.</p></noscript><button type="submit">Continue</button></form>`;
  const script = "window.addEventListener('DOMContentLoaded',function(){document.forms[0].submit();});";
  return { html: page(title, body, nonce, script), nonce };
}
