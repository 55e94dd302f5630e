// Structured logger (DESIGN.md "log.ts"). Redaction happens between the logger and its sink: every
// sink, built-in or custom, receives only redacted entries, whatever the caller passed in.
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  at: string;
  level: LogLevel;
  event: string;
  [field: string]: unknown;
}

export interface LogSink {
  write(entry: LogEntry): void;
}

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every entry (same sink, level and redaction). */
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  sink?: LogSink;
  /** Lowest level written (default 'info'). */
  level?: LogLevel;
  clock?: Clock;
}

export const REDACTED = '[redacted]';
export const REDACTED_JWT = '[redacted-jwt]';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Keys whose values are secrets, compared after lower-casing and dropping '-' and '_' so that
// `access_token`, `accessToken` and `Access-Token` all match.
const SECRET_KEYS = new Set(
  [
    'Authorization',
    'Proxy-Authorization',
    'Cookie',
    'Set-Cookie',
    'ININ-ICWS-CSRF-Token',
    'X-CSRF-TOKEN',
    'csrfToken',
    'ININ-STS-Token', // ICWS SAML: the header carrying the STS token (icws.md)
    'password',
    'token',
    'access_token',
    'refresh_token',
    'id_token',
    'code',
    'code_verifier',
    'client_secret',
    'SAMLResponse',
    'SAMLRequest',
    'singleSignOnToken',
    'authToken',
    'authTokenSeed',
    'secret',
    'fixturePassword',
    'ssid', // Salesforce session id header/cookie (GWS/Genesys Cloud embedded in Salesforce)
    'surl',
    'JSESSIONID', // Java servlet session cookie (Finesse, GWS)
    'X-XSRF-TOKEN',
  ].map(normaliseKey),
);

// Query/form parameter names whose values are secrets (RelayState and state are kept: they are
// correlation values, useful when reading a trace).
const SECRET_PARAMS = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
  'password',
  'SAMLResponse',
  'SAMLRequest',
  'singleSignOnToken',
  'authToken',
  'refresh-token', // Finesse IdS refresh form: token=…&refresh-token=…
  'csrfToken',
  'secret',
  'JSESSIONID', // also the ;jsessionid= path parameter
];

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normaliseKey(key));
}

// Error codes of our own (`net.timeout`) are logged under `code`; an OAuth authorization code is an
// opaque token and never a lower-case dotted identifier, so such values are kept.
const ERROR_CODE_SHAPE = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;
// `code: 400` in prose is a status, not a secret (no OAuth code is three digits).
const HTTP_STATUS = /^\d{3}$/;

// A JWT (three base64url parts) or a JWE (five: header.key.iv.ciphertext.tag, RFC 7516 §7.1; the
// key part is empty for `dir`): the first part a JSON header (`{"` → `eyJ`). All parts go, so the
// ciphertext and tag of a JWE are not left behind.
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}/g;
// An Authorization header written as a text line: whatever the scheme (Digest, Token, AWS4-…),
// keep the scheme name and drop the rest of the line (RFC 9110 §11.6.2). The token68 schemes are
// left to AUTH_SCHEME, which keeps the prose after the credential.
const AUTH_HEADER_LINE = /\b((?:Proxy-)?Authorization)(\s*:(?![ \t]*(?:Bearer|Basic|Negotiate|NTLM)\s)[ \t]*)(?:([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?=\s))?[^\r\n]*/gi;
// RFC 9110 §11: credentials after an auth scheme in free text.
const AUTH_SCHEME = /\b(Bearer|Basic|Negotiate|NTLM)(\s+)[A-Za-z0-9._~+/=-]+/gi;
// RFC 7616: Digest credentials are auth-params (username="…", response="…", …).
const DIGEST = /\b(Digest)(\s+)[A-Za-z0-9_-]+=(?:"(?:[^"\\]|\\.)*"|[^\s,]*)(?:\s*,\s*[A-Za-z0-9_-]+=(?:"(?:[^"\\]|\\.)*"|[^\s,]*))*/gi;
// `Token token="…"` / `Token <token68>` (Rails-style and Finesse-era APIs). Case-sensitive and
// long enough that prose such as "token refresh failed" is left alone.
const TOKEN_SCHEME = /\b(Token)(\s+)(?:token="[^"]*"|[A-Za-z0-9._~+/=-]{12,})/g;
// Secret headers written as text lines (`Set-Cookie: JSESSIONID=…`): the whole value goes.
const SECRET_HEADER_LINE = /(^|[^A-Za-z0-9-])(Set-Cookie2?|Cookie|ININ-ICWS-CSRF-Token|ININ-STS-Token|X-CSRF-TOKEN|X-XSRF-TOKEN|ssid|surl)(\s*:\s*)[^\r\n]*/gi;
// userinfo in a URL (`https://user:pass@host`).
const URL_USERINFO = /(\/\/[^/\s:@]+:)[^@/\s]+@/g;
// name=value in a query, fragment, form body, cookie header or `;jsessionid=` path parameter; the
// name is checked against the secret names (normalised, so refresh-token = refresh_token). A quoted
// value (`password="…"`, a quoted cookie value, RFC 6265 §4.1.1) goes whole, up to its closing quote
// or the end of the line: it used to leave `password=[redacted]"secret"` (issue 9, MUT-LOG).
const PARAM = /(^|[?&#;,\s"'(])([A-Za-z][A-Za-z0-9_.-]*)=("[^"\r\n]*"?|'[^'\r\n]*'?|[^&#;,\s"'<>]*)/g;
// JSON text inside a string (a logged body): "password":"…".
const JSON_STRING_MEMBER = /"([A-Za-z0-9_-]+)"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
// …and a secret written as a JSON number or literal ("pin":123456, "password":true is kept as a
// value too: only its name says it is secret).
const JSON_BARE_MEMBER = /"([A-Za-z0-9_-]+)"(\s*:\s*)(-?\d[\d.eE+-]*|true|false)/g;
// XML text (a Finesse or SOAP body): <password>…</password>, <ns:token>…</ns:token>.
const XML_ELEMENT = /<((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))(\s[^<>]*)?>([^<]*)<\/\1\s*>/g;
// Prose and config lines: `password: hunter2`, `token = abc` (with spaces; `name=value` is PARAM's).
const NAMED_VALUE = /(^|[\s,;{(\[])([A-Za-z][A-Za-z0-9_.-]*)(\s*:\s*|\s+=\s*)(?!\[redacted|[^\s,;)}\]]+\s+\[redacted)("[^"\r\n]*"?|'[^'\r\n]*'?|[^\s,;)}\]]+)/g;
// An HTML form field (an IdP's auto-submitting SAML form): <input name="SAMLResponse" value="…">,
// attributes in any order.
const INPUT_TAG = /<input\b[^>]*>/gi;
const INPUT_NAME = /\bname\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const INPUT_VALUE = /(\bvalue\s*=\s*)(?:"[^"]*"|'[^']*'|[^\s"'>]+)/gi;

/** Removes secrets from free text: JWTs/JWEs, auth-scheme credentials, secret header lines, URL
 *  userinfo, secret query/form/cookie parameter values, secret members of JSON text and secret
 *  fields of HTML forms. */
export function scrubString(s: string): string {
  const scrubbed = s
    .replace(JWT, REDACTED_JWT)
    .replace(INPUT_TAG, (tag) => {
      const m = INPUT_NAME.exec(tag);
      const name = m?.[1] ?? m?.[2] ?? m?.[3];
      return name !== undefined && isSecretKeyOrParam(name) ? tag.replace(INPUT_VALUE, `$1"${REDACTED}"`) : tag;
    })
    .replace(AUTH_HEADER_LINE, (_m, name: string, colon: string, scheme: string | undefined) => `${name}${colon}${scheme ? `${scheme} ` : ''}${REDACTED}`)
    .replace(SECRET_HEADER_LINE, (_m, lead: string, name: string, colon: string) => `${lead}${name}${colon}${REDACTED}`)
    .replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
    .replace(DIGEST, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
    .replace(TOKEN_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
    .replace(URL_USERINFO, `$1${REDACTED}@`);
  return scrubParams(scrubbed)
    .replace(JSON_STRING_MEMBER, (m, name: string, colon: string) => (isSecretKeyOrParam(name) ? `"${name}"${colon}"${REDACTED}"` : m))
    .replace(JSON_BARE_MEMBER, (m, name: string, colon: string) => (isSecretKeyOrParam(name) ? `"${name}"${colon}"${REDACTED}"` : m))
    .replace(XML_ELEMENT, (m, tag: string, local: string, attrs: string | undefined) => (isSecretKeyOrParam(local) ? `<${tag}${attrs ?? ''}>${REDACTED}</${tag}>` : m))
    .replace(NAMED_VALUE, (m, lead: string, name: string, sep: string, value: string) =>
      // Our own error codes (`code: net.timeout`) stay readable, as under the `code` key.
      isSecretKeyOrParam(name) && !ERROR_CODE_SHAPE.test(value) && !HTTP_STATUS.test(value) ? `${lead}${name}${sep}${REDACTED}` : m,
    );
}

// A plain replace would swallow the value of a harmless parameter and with it a secret one written
// inside it (`next=(http://127.0.0.1/cb?code=…`): after a harmless name, scanning resumes right
// after its '='.
function scrubParams(s: string): string {
  const re = new RegExp(PARAM.source, 'g');
  let out = '';
  let last = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const [whole, lead = '', name = ''] = m;
    if (isSecretKeyOrParam(name)) {
      out += `${s.slice(last, m.index)}${lead}${name}=${REDACTED}`;
      last = m.index + whole.length;
    } else {
      re.lastIndex = m.index + lead.length + name.length + 1;
    }
  }
  return out + s.slice(last);
}

function isSecretKeyOrParam(name: string): boolean {
  return isSecretKey(name) || SECRET_PARAMS.some((p) => p.toLowerCase() === name.toLowerCase());
}

/** A URL for logs and traces: secret query values replaced by "[redacted]", userinfo removed. */
export function redactUrl(url: string | URL): string {
  return scrubString(typeof url === 'string' ? url : url.href);
}

const MAX_DEPTH = 10;

/** A deep copy of `value` that is safe to log (see the rules above). */
export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return '[function]';
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too-deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return redactError(value, depth, seen);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof URL) return redactUrl(value);
    if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
    if (value instanceof Map) return redactEntries([...value.entries()].map(([k, v]) => [String(k), v]), depth, seen);
    if (value instanceof Set) return [...value].map((v) => redactValue(v, depth + 1, seen));
    if (Array.isArray(value)) {
      // A header tuple such as ['cookie', 'a=b'], or a flat raw-header list (Node's
      // `rawHeaders`, undici's `headers` array): [name, value, name, value, …].
      if (isFlatHeaderList(value)) return value.map((v, i) => (isSecretHeaderValue(value, i) ? REDACTED : redactValue(v, depth + 1, seen)));
      return value.map((v) => redactValue(v, depth + 1, seen));
    }
    if (isHeadersLike(value)) return redactEntries([...value.entries()], depth, seen);
    return redactEntries(Object.entries(value), depth, seen);
  } finally {
    seen.delete(value);
  }
}

function redactEntries(entries: [string, unknown][], depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    if (isSecretKey(key) && !(normaliseKey(key) === 'code' && typeof v === 'string' && ERROR_CODE_SHAPE.test(v))) {
      out[key] = REDACTED;
    } else {
      out[key] = redactValue(v, depth + 1, seen);
    }
  }
  return out;
}

// RFC 9110 §5.1 field-name characters.
const FIELD_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

// Header names that can follow a secret name in a list of names (a trace's `sentHeaders`):
// such a list is not [name, value] pairs, and no secret value is ever one of these words.
const COMMON_HEADER_NAMES = new Set(
  [
    'accept', 'accept-encoding', 'accept-language', 'authorization', 'cache-control', 'connection', 'content-length', 'content-type', 'cookie',
    'host', 'inin-icws-csrf-token', 'inin-icws-session-id', 'inin-sts-token', 'location', 'origin', 'pragma', 'proxy-authorization', 'referer',
    'set-cookie', 'user-agent', 'x-csrf-token', 'x-xsrf-token', 'x-requested-with',
  ],
);

/** [name, value, …] with every even item a field name and at least one secret name among them. */
function isFlatHeaderList(value: unknown[]): boolean {
  if (value.length < 2 || value.length % 2 !== 0) return false;
  let secret = false;
  for (let i = 0; i < value.length; i += 2) {
    const text = asText(value[i]);
    if (text === undefined || !FIELD_NAME.test(text)) return false;
    if (isSecretKey(text)) secret = true;
  }
  return secret;
}

/** Whether item i of a flat header list is a secret value: it follows a secret name and is not
 *  itself a header name (a list of names). A single [name, value] tuple always counts. */
function isSecretHeaderValue(list: unknown[], i: number): boolean {
  if (i % 2 !== 1 || !isSecretKey(asText(list[i - 1]) ?? '')) return false;
  if (list.length === 2) return true;
  const text = asText(list[i]);
  return text === undefined || !COMMON_HEADER_NAMES.has(text.toLowerCase());
}

function asText(item: unknown): string | undefined {
  return typeof item === 'string' ? item : item instanceof Uint8Array ? Buffer.from(item).toString('latin1') : undefined;
}

function isHeadersLike(value: object): value is { entries(): IterableIterator<[string, unknown]> } {
  return typeof Headers !== 'undefined' && value instanceof Headers;
}

// Errors become {name, code, message} with the message scrubbed; a PatchbayError adds its details,
// and the cause chain is kept (errors.ts: "the cause is kept for logs only").
function redactError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = typeof code === 'string' ? scrubString(code) : code;
  out.message = scrubString(String(error.message));
  const details = (error as { details?: unknown }).details;
  if (details && typeof details === 'object') out.details = redactValue(details, depth + 1, seen);
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = redactValue(cause, depth + 1, seen);
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? consoleSink(process.stderr);
  const min = LEVELS[options.level ?? 'info'];
  const clock = options.clock ?? systemClock;
  return makeLogger({}, sink, min, clock);
}

const RESERVED = new Set(['at', 'level', 'event']);

function makeLogger(base: Record<string, unknown>, sink: LogSink, min: number, clock: Clock): Logger {
  const write = (level: LogLevel, event: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const entry: LogEntry = { at: new Date(clock.now()).toISOString(), level, event: scrubString(event) };
    for (const source of [base, fields ?? {}]) {
      for (const [key, value] of Object.entries(source)) {
        if (!RESERVED.has(key)) entry[key] = value;
      }
    }
    const safe = redactEntries(Object.entries(entry), 0, new WeakSet()) as LogEntry;
    try {
      sink.write(safe);
    } catch {
      // A broken sink must never break the caller.
    }
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    child: (fields) => makeLogger({ ...base, ...fields }, sink, min, clock),
  };
}

/** Keeps entries in memory (tests). */
export function memorySink(): LogSink & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return { entries, write: (entry) => void entries.push(entry) };
}

/** Writes one JSON line per entry. Redacts again so it is safe even when used without a logger. */
export function consoleSink(stream: NodeJS.WritableStream = process.stderr): LogSink {
  return {
    write(entry) {
      stream.write(`${JSON.stringify(redact(entry))}\n`);
    },
  };
}

/** A logger that drops everything. */
export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
};
