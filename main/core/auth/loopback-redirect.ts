// The one-shot loopback redirect listener (RFC 8252 §7.3, §8.3): binds 127.0.0.1 only, on the port
// IT registered (Genesys matches redirect URIs exactly), accepts exactly one callback on the
// registered path carrying the expected `state`, answers a small "return to Patchbay" page and
// closes. Anything else — another path, another Host, a missing or forged state, a second callback —
// is refused and never ends the wait. Timers go through the Clock; the query (code, state) is never
// logged.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock.ts';
import { PatchbayError } from '../errors.ts';
import { nullLogger, type Logger } from '../log.ts';
import { loginCancelled, loginTimeout } from './login-window-support.ts';

export interface LoopbackRedirectOptions {
  /** The registered redirect URI, `http://127.0.0.1:<port>/<path>`. */
  redirectUri: string;
  /** The authorization request's `state` (RFC 6749 §10.12): only a callback carrying it is accepted. */
  state: string;
  clock: Clock;
  timeoutMs: number;
  signal?: AbortSignal;
  log?: Logger;
  /** The page's words (default: English "return to Patchbay"). */
  page?: { title: string; message: string };
}

export interface LoopbackRedirect {
  /** The port actually bound (the registered one; 0 in the URI only in tests). */
  readonly port: number;
  /** The callback URL (`?code&state` or `?error&state`), once; rejects on timeout or cancel. */
  readonly result: Promise<URL>;
  /** Stop listening (a pending result rejects with login.cancelled). */
  close(): Promise<void>;
}

const DEFAULT_PAGE = { title: 'Patchbay sign-in', message: 'You are signed in. You can close this tab and return to Patchbay.' };

export function parseLoopbackRedirect(redirectUri: string): { port: number; path: string } {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw badRedirect(redirectUri);
  }
  // RFC 8252 §8.3: the loopback IP literal, never "localhost" (which a resolver may send elsewhere).
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.port === '' || url.search !== '' || url.hash !== '') throw badRedirect(redirectUri);
  return { port: Number(url.port), path: url.pathname };
}

function badRedirect(redirectUri: string): PatchbayError {
  return new PatchbayError('login.redirect-invalid', 'The profile\'s redirect address must be a loopback address such as http://127.0.0.1:48620/callback.', {
    action: 'contact-it',
    details: { redirectUri },
  });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, message: string, close: boolean): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    // The callback URL carries the code: nothing may cache it or pass it on as a Referer.
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

/** Starts listening; resolves once bound (rejects `login.redirect-port-busy` when the port is taken). */
export async function listenForRedirect(options: LoopbackRedirectOptions): Promise<LoopbackRedirect> {
  const { port: wanted, path } = parseLoopbackRedirect(options.redirectUri);
  const log = (options.log ?? nullLogger).child({ component: 'loopback-redirect' });
  const text = options.page ?? DEFAULT_PAGE;
  if (options.signal?.aborted) throw loginCancelled();

  let settled = false;
  let resolveResult!: (url: URL) => void;
  let rejectResult!: (error: PatchbayError) => void;
  const result = new Promise<URL>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // A caller that only closes (cancel) must not leave an unhandled rejection behind.
  result.catch(() => undefined);

  const server = createServer({ requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => onRequest(req, res));
  let bound = 0;
  const timer: { handle?: TimerHandle } = {};

  const shutdown = (): Promise<void> =>
    new Promise((done) => {
      timer.handle?.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      if (!server.listening) return done();
      server.close(() => done());
      server.closeIdleConnections();
    });

  const settle = (outcome: { url: URL } | { error: PatchbayError }): void => {
    if (settled) return;
    settled = true;
    if ('url' in outcome) resolveResult(outcome.url);
    else rejectResult(outcome.error);
  };

  function onAbort(): void {
    settle({ error: loginCancelled() });
    void shutdown();
  }

  function refuse(res: ServerResponse, status: number, reason: string): void {
    log.info('loopback.refused', { reason, status });
    page(res, status, 'Patchbay sign-in', 'This sign-in response was not expected. Return to Patchbay and sign in again if needed.', true);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (settled) return refuse(res, 410, 'already-completed'); // a second callback on a kept-alive connection
    if (req.method !== 'GET') return refuse(res, 405, 'method');
    // A page elsewhere cannot reach us under another name (DNS rebinding): the Host is our literal.
    if (req.headers.host !== `127.0.0.1:${bound}`) return refuse(res, 421, 'host');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${bound}`);
    } catch {
      return refuse(res, 400, 'url');
    }
    if (url.pathname !== path) return refuse(res, 404, 'path');
    const state = url.searchParams.get('state');
    // RFC 6749 §10.12: a callback without our state is forged (or from an older attempt).
    if (state === null || !sameSecret(state, options.state)) return refuse(res, 400, 'state');
    if (!url.searchParams.has('code') && !url.searchParams.has('error')) return refuse(res, 400, 'no-code');
    const failed = url.searchParams.has('error');
    page(res, 200, text.title, failed ? 'The sign-in did not complete. Return to Patchbay for details.' : text.message, true);
    log.info('loopback.callback', { outcome: failed ? 'error' : 'code' });
    settle({ url });
    // Close once the page is on its way: the port stops answering, a second callback is refused.
    res.on('finish', () => {
      void shutdown();
      server.closeAllConnections();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new PatchbayError('login.redirect-port-busy', `Port ${wanted} on this computer, where the sign-in returns to Patchbay, is used by another program. Close it and try again, or ask IT.`, {
              action: 'contact-it',
              details: { port: wanted, reason: error.code },
            })
          : new PatchbayError('login.redirect-unavailable', 'Patchbay could not listen for the sign-in to return.', { action: 'retry', cause: error }),
      );
    });
    server.listen({ host: '127.0.0.1', port: wanted, exclusive: true }, () => resolve());
  });
  const address = server.address();
  bound = typeof address === 'object' && address ? address.port : wanted;
  server.on('error', (error) => log.warn('loopback.server-error', { message: error.message }));

  timer.handle = options.clock.setTimeout(() => {
    settle({ error: loginTimeout(options.timeoutMs) });
    void shutdown();
  }, options.timeoutMs);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    port: bound,
    result,
    close: async () => {
      settle({ error: loginCancelled() });
      await shutdown();
      server.closeAllConnections();
    },
  };
}
