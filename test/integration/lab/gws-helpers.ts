// Plain-HTTP helpers for the GWS lab tests: an agent-like caller with its own cookie jar (tough-cookie)
// that keeps the CSRF pair from GET responses and sends it on writes, and a form parser for the
// lab pages (login forms, auto-posting SAML pages). Not the Patchbay client.
import { createHash, randomBytes } from 'node:crypto';
import { CookieJar } from 'tough-cookie';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

export class Caller {
  readonly jar = new CookieJar();
  csrf: { name: string; value: string } | undefined;

  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  async call(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown; form?: Record<string, string>; csrf?: boolean } = {}): Promise<Reply> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (method !== 'GET' && options.csrf !== false && this.csrf) headers[this.csrf.name] = this.csrf.value;
    const res = await fetch(url, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
    for (const c of res.headers.getSetCookie()) await this.jar.setCookie(c, url);
    const name = res.headers.get('x-csrf-header');
    const value = res.headers.get('x-csrf-token');
    if (name && value) this.csrf = { name, value };
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** Follows redirects (GET after 30x), keeping cookies; the last reply and its URL. */
  async follow(method: string, url: string, options: { form?: Record<string, string> } = {}): Promise<{ reply: Reply; url: string; hops: number }> {
    let reply = await this.call(method, url, options);
    let hops = 1;
    let current = url.startsWith('http') ? url : `${this.base}${url}`;
    while (reply.status >= 300 && reply.status < 400 && reply.headers.get('location')) {
      current = new URL(reply.headers.get('location')!, current).toString();
      reply = await this.call('GET', current);
      hops += 1;
      if (hops > 20) throw new Error('redirect loop');
    }
    return { reply, url: current, hops };
  }

  async sessionId(): Promise<string | undefined> {
    return (await this.jar.getCookies(this.base)).find((c) => c.key === 'JSESSIONID')?.value;
  }
}

export function basic(userName: string, password: string): string {
  return `Basic ${Buffer.from(`${userName}:${password}`).toString('base64')}`;
}

/** The first form of an HTML page: action and its inputs (value attributes, entities decoded). */
export function parseForm(html: string, base: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = /\sname="([^"]*)"/.exec(input[0])?.[1];
    if (!name) continue;
    fields[decode(name)] = decode(/\svalue="([^"]*)"/.exec(input[0])?.[1] ?? '');
  }
  return { action: new URL(decode(form[1]!), base).toString(), fields };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Authorization code + PKCE on the Salesforce stand-in with its HTML login form; the token JSON. */
export async function salesforceLogin(sf: { loginBase: string; clientId: string; redirectUri: string }, userName: string, password: string): Promise<Record<string, unknown>> {
  const browser = new Caller(sf.loginBase);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(8).toString('hex');
  const authorize = `${sf.loginBase}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: sf.clientId, redirect_uri: sf.redirectUri, scope: 'api id', state, code_challenge: challenge, code_challenge_method: 'S256' })}`;
  const loginPage = await browser.follow('GET', authorize);
  const form = parseForm(loginPage.reply.text, loginPage.url);
  const done = await browser.follow('POST', form.action, { form: { ...form.fields, username: userName, pw: password } });
  const back = new URL(done.url);
  if (!done.url.startsWith(sf.redirectUri) || back.searchParams.get('state') !== state) throw new Error(`login did not return to the redirect URI: ${done.url} ${done.reply.text.slice(0, 200)}`);
  const token = await fetch(`${sf.loginBase}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: sf.redirectUri, client_id: sf.clientId, code_verifier: verifier }),
  });
  if (token.status !== 200) throw new Error(`token exchange failed: ${token.status} ${await token.text()}`);
  return (await token.json()) as Record<string, unknown>;
}
