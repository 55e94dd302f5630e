// Genesys Cloud's JSON replies and error shape `{message, code, status, contextId, details, errors}`
// (shared/protocols/genesys-cloud.md; codes as seen in public API answers, e.g. bad.credentials,
// too.many.requests, not.found, missing.any.scopes).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http-io.ts';

export interface GenesysErrorBody {
  message: string;
  code: string;
  status: number;
  contextId: string;
  details: unknown[];
  errors: unknown[];
}

export function genesysError(status: number, code: string, message: string): GenesysErrorBody {
  return { message, code, status, contextId: randomUUID(), details: [], errors: [] };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, genesysError(status, code, message), headers);
}

export function sendNoContent(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(204, { 'Cache-Control': 'no-store' });
  res.end();
}

export type JsonBody = { kind: 'ok'; value: unknown } | { kind: 'bad'; message: string } | { kind: 'too-large' };

/** A JSON request body (empty → undefined); only `application/json`. */
export async function readJsonBody(req: IncomingMessage, maxBytes = 64 * 1024): Promise<JsonBody> {
  const body = await readBody(req, maxBytes);
  if (body.kind === 'too-large') return { kind: 'too-large' };
  if (body.kind !== 'ok') return { kind: 'bad', message: 'The request body was not received.' };
  if (body.text.trim() === '') return { kind: 'ok', value: undefined };
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return { kind: 'bad', message: 'The request body must be application/json.' };
  try {
    return { kind: 'ok', value: JSON.parse(body.text) as unknown };
  } catch {
    return { kind: 'bad', message: 'The request body is not valid JSON.' };
  }
}
