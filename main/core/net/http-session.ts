// HttpSession (DESIGN.md "net/"): one per profile. undici for transport, a tough-cookie jar for
// cookies, redirects followed by hand, size and time limits, and a redacted trace of every hop.
import { request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import type { CookieJar } from 'tough-cookie';
import { PatchbayError } from '../errors.ts';
import { systemClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { nullLogger, redactUrl } from '../log.ts';
import type { Logger } from '../log.ts';
import type { HttpRequest, HttpResponse, HttpSessionOptions, HttpStream, TraceEntry } from './types.ts';
import { cookieHeaderFor, cookiePairsFor, createCookieJar, storeSetCookie } from './cookies.ts';
import { abortedError, classifyTransportError, hostPort, timeoutError } from './net-errors.ts';
import { coreDispatcher } from './proxy.ts';
import { isRedirect, nextHop } from './redirects.ts';
import type { Hop } from './redirects.ts';
import { concat, discard, firstHop, makeResponse, splitHeaders, startUrl, toUrl, type Final } from './http-parts.ts';
import { Control } from './request-control.ts';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Fetch spec §4.4 step 6: more than 20 redirects is a network error. */
export const DEFAULT_MAX_REDIRECTS = 20;
export const DEFAULT_TRACE_SIZE = 200;
/** A 3xx body is read (and dropped) up to this size before following the Location. */
const REDIRECT_BODY_LIMIT = 64 * 1024;

type Mode = 'buffer' | 'stream';

export class HttpSession {
  readonly profileId: string;
  /** The session's cookie jar (RFC 6265); the only source of Cookie headers. */
  readonly jar: CookieJar;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly traceSize: number;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly traceRing: TraceEntry[] = [];
  private readonly acceptLanguage: (() => string | undefined) | undefined;

  constructor(options: HttpSessionOptions & { log?: Logger; clock?: Clock }) {
    this.profileId = options.profileId;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.traceSize = Math.max(1, options.traceSize ?? DEFAULT_TRACE_SIZE);
    this.dispatcher = options.dispatcher;
    this.log = options.log ?? nullLogger;
    this.clock = options.clock ?? systemClock;
    this.jar = options.jar ?? createCookieJar();
    this.acceptLanguage = options.acceptLanguage;
  }

  /** The last `traceSize` hops, oldest first. */
  get trace(): readonly TraceEntry[] {
    return Object.freeze(this.traceRing.map((e) => ({ ...e, sentHeaders: [...e.sentHeaders] })));
  }

  /** The Cookie header the jar would send to `url` ('' when none). */
  async cookieHeader(url: string | URL): Promise<string> {
    return cookieHeaderFor(this.jar, toUrl(url), this.clock.now());
  }

  /** The cookies the jar would send to `url`, as name/value pairs. */
  async cookiePairs(url: string | URL): Promise<{ name: string; value: string }[]> {
    return cookiePairsFor(this.jar, toUrl(url), this.clock.now());
  }

  /** Stores a Set-Cookie value as if `url` had sent it; false when the cookie is ignored
   *  (bad syntax, public-suffix or foreign Domain, Secure over plain http…). */
  async setCookie(setCookieHeader: string, url: string | URL): Promise<boolean> {
    return (await this.store(setCookieHeader, toUrl(url))) === null;
  }

  async clearCookies(): Promise<void> {
    await this.jar.removeAllCookies();
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const ctl = this.control(req);
    try {
      const final = await this.exchange(req, ctl, 'buffer');
      const maxBytes = req.maxBytes ?? this.maxBytes;
      const body = await this.readBody(final, maxBytes, ctl);
      this.finish(final.entry, final.started);
      return makeResponse(final, body);
    } finally {
      ctl.dispose();
    }
  }

  /** For server-sent events: the time limit covers the wait for headers only, the body has no
   *  size cap and is read by the caller (close() ends it). */
  async stream(req: HttpRequest): Promise<HttpStream> {
    const ctl = this.control(req);
    let final: Final;
    try {
      final = await this.exchange(req, ctl, 'stream');
    } catch (error) {
      ctl.dispose();
      throw error;
    }
    ctl.stopTimer(); // headers are in: from here only the caller's signal or close() ends it
    this.finish(final.entry, final.started);
    const source = final.body;
    const url = final.url;
    let closed = false;
    const body = (async function* iterate(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of source) yield chunk as Uint8Array;
      } catch (error) {
        if (closed) return;
        if (ctl.callerAborted()) throw abortedError(url, error);
        throw classifyTransportError(error, url);
      } finally {
        ctl.dispose();
        discard(source);
      }
    })();
    return {
      status: final.status,
      headers: final.headers,
      url: final.url.href,
      body,
      close: () => {
        closed = true;
        ctl.abort();
        discard(source);
        ctl.dispose();
      },
    };
  }

  // ---- internals -------------------------------------------------------------------------

  private control(req: HttpRequest): Control {
    return new Control(this.clock, req.timeoutMs ?? this.timeoutMs, req.signal);
  }

  private async store(header: string, url: URL): Promise<string | null> {
    const rejection = await storeSetCookie(this.jar, header, url, this.clock.now());
    // Cookie names and values are never logged; the host is enough to investigate.
    if (rejection) this.log.debug('net.cookie-ignored', { host: hostPort(url), reason: rejection });
    return rejection;
  }

  private async exchange(req: HttpRequest, ctl: Control, mode: Mode): Promise<Final> {
    let url = startUrl(req.url);
    let hop = firstHop(req);
    const follow = req.followRedirects ?? true;
    const sensitive = req.sensitiveHeaders ?? [];
    const chain = [url.href];
    const seen = new Set<string>();
    let redirects = 0;

    for (;;) {
      const cookie = await this.cookieHeader(url);
      // Loop detection: the same request (method, URL and cookies) twice means the server will
      // answer the same way again. A cookie set on the way makes a revisit legitimate (SSO bounce).
      const key = `${hop.method} ${url.href}\n${cookie}`;
      if (seen.has(key)) {
        const host = hostPort(url);
        throw new PatchbayError('net.redirect-loop', `The server at ${host} keeps redirecting in a loop.`, {
          action: 'contact-it',
          details: { host, redirects },
        });
      }
      seen.add(key);

      const headers: Record<string, string> = { ...hop.headers };
      if (cookie) headers.cookie = cookie; // RFC 6265 §5.4: the jar's cookies for this hop's URL
      // The agent's language where the caller sets none (ICWS-01 sets the profile's own, fixed per session).
      const language = headers['accept-language'] === undefined ? this.acceptLanguage?.() : undefined;
      if (language) headers['accept-language'] = language;
      const started = this.clock.now();
      const entry: TraceEntry = {
        at: new Date(started).toISOString(),
        method: hop.method,
        url: redactUrl(url),
        ms: 0,
        sentHeaders: Object.keys(headers),
      };
      this.record(entry);

      let res: Dispatcher.ResponseData;
      try {
        res = await undiciRequest(url, {
          method: hop.method as Dispatcher.HttpMethod,
          headers,
          body: hop.body ?? null,
          signal: ctl.signal,
          // The core's network set-up, never Node's global dispatcher (issue 8 item 5).
          dispatcher: this.dispatcher ?? coreDispatcher(),
          // SSE streams idle between events: our own timer governs the wait for headers.
          ...(mode === 'stream' ? { bodyTimeout: 0 } : {}),
        });
      } catch (error) {
        throw this.fail(entry, started, ctl, url, error);
      }
      entry.status = res.statusCode;

      const { headers: resHeaders, setCookie } = splitHeaders(res.headers);
      // RFC 6265 §5.3: every response's Set-Cookie is stored, redirect hops included.
      for (const value of setCookie) await this.store(value, url);

      const location = resHeaders.location;
      if (follow && isRedirect(res.statusCode) && location !== undefined) {
        await res.body.dump({ limit: REDIRECT_BODY_LIMIT }).catch(() => undefined);
        redirects += 1;
        let next: { url: URL; hop: Hop };
        try {
          if (redirects > this.maxRedirects) {
            const host = hostPort(url);
            throw new PatchbayError('net.too-many-redirects', `The server at ${host} redirected more than ${this.maxRedirects} times.`, {
              action: 'contact-it',
              details: { host, status: res.statusCode },
            });
          }
          next = nextHop(url, hop, res.statusCode, location, sensitive, req.credentials === true);
        } catch (error) {
          if (error instanceof PatchbayError) entry.error = error.code;
          throw error;
        } finally {
          this.finish(entry, started);
        }
        url = next.url;
        hop = next.hop;
        chain.push(url.href);
        continue;
      }
      return { status: res.statusCode, headers: resHeaders, setCookie, url, chain, body: res.body, started, entry };
    }
  }

  private async readBody(final: Final, maxBytes: number, ctl: Control): Promise<Uint8Array> {
    const { body, url } = final;
    const tooLarge = () => {
      const host = hostPort(url);
      return new PatchbayError('net.body-too-large', `The answer from ${host} is larger than ${maxBytes} bytes.`, {
        action: 'contact-it',
        details: { host, status: final.status, maxBytes },
      });
    };
    // Refuse before reading when the server announces the size.
    const declared = Number(final.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      discard(body);
      throw this.fail(final.entry, final.started, ctl, url, tooLarge());
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for await (const chunk of body) {
        const bytes = chunk as Uint8Array;
        total += bytes.byteLength;
        if (total > maxBytes) {
          discard(body);
          throw tooLarge();
        }
        chunks.push(bytes);
      }
    } catch (error) {
      throw this.fail(final.entry, final.started, ctl, url, error);
    }
    return concat(chunks, total);
  }

  private fail(entry: TraceEntry, started: number, ctl: Control, url: URL, error: unknown): PatchbayError {
    let typed: PatchbayError;
    if (ctl.timedOut) typed = timeoutError(url, ctl.timeoutMs, error instanceof PatchbayError ? undefined : error);
    else if (ctl.callerAborted()) typed = abortedError(url);
    else typed = classifyTransportError(error, url);
    entry.error = typed.code;
    this.finish(entry, started);
    return typed;
  }

  private finish(entry: TraceEntry, started: number): void {
    entry.ms = Math.max(0, this.clock.now() - started);
    this.log.debug('net.hop', {
      method: entry.method,
      url: entry.url,
      status: entry.status,
      ms: entry.ms,
      sentHeaders: entry.sentHeaders,
      ...(entry.error ? { errorCode: entry.error } : {}),
    });
  }

  private record(entry: TraceEntry): void {
    this.traceRing.push(entry);
    while (this.traceRing.length > this.traceSize) this.traceRing.shift();
  }
}
