// Small raw-HTTP helpers for the ICWS lab tests. undici `request` sends only the headers given
// (fetch would add `Accept-Language: *` on its own, hiding a missing header).
import { createParser } from 'eventsource-parser';
import { request } from 'undici';
import type { IcwsLabServer } from '../../../lab/icws/server.ts';

export const IC_AUTH = 'urn:inin.com:connection:icAuthConnectionRequestSettings';
export const ICWS_JSON = 'application/vnd.inin.icws+JSON; charset=utf-8';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | object } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = ICWS_JSON;
  }
  const res = await request(`${base}${path}`, { method: method as 'GET', headers, ...(body === undefined ? {} : { body }) });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

export interface LabSession {
  sessionId: string;
  csrfToken: string;
  /** `icws_{sid}=value`, ready for a Cookie header. */
  cookie: string;
  setCookie: string;
  response: RawResponse;
}

export function setCookieOf(res: RawResponse): string {
  const value = res.headers['set-cookie'];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) throw new Error('no Set-Cookie');
  return first;
}

export async function login(
  server: IcwsLabServer,
  userID = 'agent1',
  password = `${userID}-lab-pw`,
  language = 'en-US',
  query = '',
): Promise<LabSession> {
  const response = await call(server.url, 'POST', `/icws/connection${query}`, {
    headers: { 'accept-language': language },
    body: { __type: IC_AUTH, applicationName: 'lab test', userID, password },
  });
  if (response.status !== 201) throw new Error(`login failed: ${response.status} ${response.text}`);
  const body = response.json as { sessionId: string; csrfToken: string };
  const setCookie = setCookieOf(response);
  return { sessionId: body.sessionId, csrfToken: body.csrfToken, cookie: setCookie.split(';')[0]!, setCookie, response };
}

export function auth(s: LabSession, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie: s.cookie, 'inin-icws-csrf-token': s.csrfToken, 'accept-language': 'en-US', ...extra };
}

export interface SseStream {
  status: number;
  contentType: string | undefined;
  events: unknown[];
  comments: string[];
  /** Resolves with the first event (old or new) that matches. */
  next(predicate: (event: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  nextComment(predicate: (comment: string) => boolean, timeoutMs?: number): Promise<string>;
  ended(): Promise<void>;
  close(): void;
}

export async function openStream(server: IcwsLabServer, s: LabSession, query = '', headers: Record<string, string> = {}): Promise<SseStream> {
  const res = await request(`${server.url}/icws/${s.sessionId}/messaging/messages${query}`, {
    method: 'GET',
    headers: { cookie: s.cookie, accept: 'text/event-stream', 'accept-language': 'en-US', ...headers },
  });
  const events: unknown[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  let done = false;
  const parser = createParser({
    onEvent: (e) => {
      events.push(JSON.parse(e.data));
      wake();
    },
    onComment: (c) => {
      comments.push(c);
      wake();
    },
  });
  res.body.setEncoding('utf8');
  res.body.on('data', (chunk: string) => parser.feed(chunk));
  const finish = (): void => {
    done = true;
    wake();
  };
  res.body.on('end', finish);
  res.body.on('close', finish);
  res.body.on('error', finish);
  function waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found !== undefined) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${timeoutMs} ms; events: ${JSON.stringify(events)}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }
  const ct = res.headers['content-type'];
  return {
    status: res.statusCode,
    contentType: Array.isArray(ct) ? ct[0] : ct,
    events,
    comments,
    next: (predicate, timeoutMs = 5000) => waitFor(() => events.find(predicate), 'matching event', timeoutMs),
    nextComment: (predicate, timeoutMs = 5000) => waitFor(() => comments.find(predicate), 'matching comment', timeoutMs),
    ended: () => waitFor(() => (done ? true : undefined), 'end of stream', 5000).then(() => undefined),
    close: () => res.body.destroy(),
  };
}

/** Polls `check` on the event loop until it returns a value (no timing is asserted). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
