// The IdS lab's replies: its HTML error pages, JSON bodies and the form reader its POST endpoints share.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { htmlPage, mediaType, readBody, send, sendJson } from '../finesse/http-io.ts';

const MAX_FORM_BYTES = 512 * 1024;

/** Sends an HTML page and returns its status (for the request log). */
export function page(res: ServerResponse, status: number, title: string, message: string, headers: Record<string, string> = {}): number {
  send(res, status, 'text/html; charset=utf-8', htmlPage(title, message), { headers });
  return status;
}

export function json(res: ServerResponse, status: number, body: unknown): number {
  sendJson(res, status, body);
  return status;
}

/** The urlencoded form of a POST, or the status already answered (0 when the client went away). */
export async function readForm(req: IncomingMessage, res: ServerResponse): Promise<URLSearchParams | number> {
  if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded') return page(res, 415, 'Unsupported media type', 'Expected a form post.');
  const body = await readBody(req, MAX_FORM_BYTES);
  if (body.kind === 'too-large') return page(res, 413, 'Too large', 'The request body is too large.');
  if (body.kind === 'aborted') return 0;
  return new URLSearchParams(body.text);
}
