// The ICWS lab's request plumbing: the per-request context, JSON body reading with ICWS's error
// replies (413/415/400), property checks, and replies that record their status in the request log.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { icwsErrors } from './errors.ts';
import type { IcwsErrorReply } from './errors.ts';
import { isJsonContentType, readBody, sendEmpty, sendJson } from './http-io.ts';
import type { LabRequestRecord, Session } from './types.ts';

/** What a handler needs about one request. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  record: LabRequestRecord | null;
}

/** Sentinel: the body could not be read and an error reply has been sent. */
export const REPLIED = Symbol('replied');

export type JsonObject = Record<string, unknown>;

/** Reads a JSON body (the server binds its size cap). */
export type ReadJson = (ctx: Ctx, options?: { lenientType?: boolean }) => Promise<unknown>;

export type SessionHandler = (ctx: Ctx, session: Session, params: string[]) => void | Promise<void>;

export interface SessionRoute {
  path: string[];
  methods: Record<string, SessionHandler>;
  csrf?: 'required' | 'if-present';
  /** Answers even when the session is down [ICWS-17]. */
  whenDown?: boolean;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A required non-empty string property, or the ICWS error for it. */
export function requiredString(body: JsonObject, name: string): string | IcwsErrorReply {
  const value = body[name];
  if (value === undefined || value === null || value === '') return icwsErrors.missingProperty(name);
  if (typeof value !== 'string') return icwsErrors.invalidRepresentation(`The property '${name}' must be a string.`, name);
  return value;
}

export function optionalString(body: JsonObject, name: string): string | undefined | IcwsErrorReply {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return icwsErrors.invalidRepresentation(`The property '${name}' must be a string.`, name);
  return value;
}

export function isError(value: unknown): value is IcwsErrorReply {
  return isObject(value) && typeof value['status'] === 'number' && isObject(value['body']);
}

export function reply(ctx: Ctx, status: number, body: unknown, headers?: Record<string, string>): void {
  if (ctx.record) ctx.record.status = status;
  sendJson(ctx.res, status, body, headers);
}

export function replyEmpty(ctx: Ctx, status: number, headers?: Record<string, string>): void {
  if (ctx.record) ctx.record.status = status;
  sendEmpty(ctx.res, status, headers);
}

export function fail(ctx: Ctx, error: IcwsErrorReply): void {
  const headers: Record<string, string> = { ...(error.headers ?? {}) };
  // A 413 or a body not read to the end leaves the connection in an unknown state: close it.
  if (error.status === 413) headers['Connection'] = 'close';
  reply(ctx, error.status, error.body, headers);
}

/** Reads a JSON body: 413 over the cap, 415 for a non-JSON media type, 400 when malformed. */
export async function readJson(ctx: Ctx, maxBodyBytes: number, options: { lenientType?: boolean } = {}): Promise<unknown> {
  const body = await readBody(ctx.req, maxBodyBytes);
  if (body.kind === 'too-large') {
    fail(ctx, icwsErrors.entityTooLarge(maxBodyBytes));
    return REPLIED;
  }
  if (body.kind === 'aborted') {
    ctx.res.destroy();
    return REPLIED;
  }
  if (options.lenientType && body.text.trim() === '') return {};
  if (!options.lenientType && !isJsonContentType(ctx.req.headers['content-type'])) {
    fail(ctx, icwsErrors.unsupportedMediaType());
    return REPLIED;
  }
  if (body.text.trim() === '') {
    fail(ctx, icwsErrors.invalidRepresentation('The request body is empty.'));
    return REPLIED;
  }
  try {
    return JSON.parse(body.text) as unknown;
  } catch {
    fail(ctx, icwsErrors.invalidRepresentation('The request body is not valid JSON.'));
    return REPLIED;
  }
}
