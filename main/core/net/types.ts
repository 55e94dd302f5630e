// The HttpSession's public shape (DESIGN.md "net/"): what platform adapters program against.
import type { CookieJar } from 'tough-cookie';
import type { Dispatcher } from 'undici';

export interface HttpRequest {
  method?: string;
  url: string | URL;
  /** Request headers. Cookie is always computed from the jar and must not be set here. */
  headers?: Record<string, string>;
  /** Raw body; or `json` (serialised with JSON.stringify, Content-Type left to the caller's headers
   *  or application/json). */
  body?: string | Uint8Array;
  json?: unknown;
  /** Follow redirects (default true, cap 20). When false the 3xx is returned as is. */
  followRedirects?: boolean;
  /** Response-size cap in bytes (default from the session, 5 MiB). */
  maxBytes?: number;
  /** Whole-request time limit in ms (default from the session, 30 s). */
  timeoutMs?: number;
  /** Headers that must not cross an origin change on a redirect, on top of Authorization
   *  (e.g. ININ-ICWS-CSRF-Token, X-CSRF-Token). */
  sensitiveHeaders?: string[];
  /** The request carries credentials in a way the session cannot see (a password or token in the
   *  body). Such a request — and any with Authorization or one of `sensitiveHeaders` — refuses a
   *  redirect to another origin or from https to http (net.credential-redirect). */
  credentials?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", " except set-cookie (array). */
  headers: Record<string, string>;
  setCookie: string[];
  /** Final URL after redirects. */
  url: string;
  /** Every URL visited, first to last (length 1 when no redirect). */
  chain: string[];
  body: Uint8Array;
  text(): string;
  /** Parses JSON; throws PatchbayError code `net.bad-json` (no body text in the message). */
  json(): unknown;
}

/** A streaming response (server-sent events); the body is consumed by the caller. */
export interface HttpStream {
  status: number;
  headers: Record<string, string>;
  url: string;
  body: AsyncIterable<Uint8Array>;
  /** Abort the underlying request. */
  close(): void;
}

export interface TraceEntry {
  at: string;
  method: string;
  /** URL with query values of secret-looking parameters replaced by "[redacted]". */
  url: string;
  status?: number;
  ms: number;
  /** Header names sent (values never recorded). */
  sentHeaders: string[];
  error?: string;
}

export interface HttpSessionOptions {
  profileId: string;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  dispatcher?: Dispatcher;
  /** How many trace entries to keep (ring buffer, default 200). */
  traceSize?: number;
  /** The agent's language for requests that set no Accept-Language themselves (issue 13 item 11);
   *  read at each request, so a change in Settings applies to the next one. */
  acceptLanguage?: () => string | undefined;
  /** A jar to continue instead of a new one: the failed session's, so that "Sign in again" in the
   *  same shift finds the IdP session the sign-in window left there (issue 13 item 7). */
  jar?: CookieJar;
}
