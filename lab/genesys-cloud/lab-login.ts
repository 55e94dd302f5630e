// labLogin: "be the agent" on the lab's login page without a browser. Given the authorize URL a client
// built, it follows the login server's redirects, fills the form with the user's password and stops
// at the redirect to the registered redirect URI (optionally delivering it to the client's loopback
// listener). A cookie jar keeps the login session, so a second call signs in silently.
import type { GenesysCloudLabUser } from './fixture.ts';

export interface LabCookieJar {
  /** name → value of the login server's cookies (paths ignored: the login server is one host). */
  readonly cookies: Map<string, string>;
}

export function createLabCookieJar(): LabCookieJar {
  return { cookies: new Map() };
}

export interface LabLoginResult {
  /** The redirect the login server sent towards the app (`?code&state` or `?error&error_description`). */
  callbackUrl: string;
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
  /** HTTP requests made to the login server (round trips of this sign-in). */
  roundTrips: number;
  /** False when the login session answered without the form (silent re-authorization). */
  showedLoginForm: boolean;
  /** With `deliver`: what the app's loopback listener answered. */
  delivered?: { status: number; body: string };
}

export interface LabLoginOptions {
  /** Default: the lab user's fixture password. */
  password?: string;
  jar?: LabCookieJar;
  /** GET the callback URL (the client's loopback listener) and report its answer. */
  deliver?: boolean;
  /** Press "Cancel" on the login page instead of signing in. */
  cancel?: boolean;
}

const MAX_STEPS = 20;

function storeCookies(jar: LabCookieJar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => {
      const [key = '', v = ''] = a.split('=');
      const k = key.trim().toLowerCase();
      return (k === 'expires' && Date.parse(v) <= Date.now()) || (k === 'max-age' && Number(v) <= 0);
    });
    if (expired || value === '') jar.cookies.delete(name);
    else jar.cookies.set(name, value);
  }
}

function cookieHeader(jar: LabCookieJar): Record<string, string> {
  if (jar.cookies.size === 0) return {};
  return { Cookie: [...jar.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
}

function attribute(html: string, pattern: RegExp): string | undefined {
  const raw = pattern.exec(html)?.[1];
  return raw?.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

export async function labLogin(
  lab: { readonly redirectUri: string; readonly users: readonly GenesysCloudLabUser[] },
  userName: string,
  authorizeUrl: string,
  options: LabLoginOptions = {},
): Promise<LabLoginResult> {
  const user = lab.users.find((u) => u.userName === userName || u.email === userName);
  const password = options.password ?? user?.password;
  if (password === undefined) throw new Error(`labLogin: unknown lab user ${userName}`);
  const jar = options.jar ?? createLabCookieJar();
  const redirect = new URL(lab.redirectUri);
  let url = new URL(authorizeUrl);
  let init: { method: string; body?: string; headers?: Record<string, string> } = { method: 'GET' };
  let roundTrips = 0;
  let showedLoginForm = false;
  let posted = false;

  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, ...cookieHeader(jar) } });
    roundTrips += 1;
    storeCookies(jar, response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.origin === redirect.origin && next.pathname === redirect.pathname) {
        const q = next.searchParams;
        const result: LabLoginResult = { callbackUrl: next.href, roundTrips, showedLoginForm };
        const fields = { code: q.get('code'), state: q.get('state'), error: q.get('error'), errorDescription: q.get('error_description') };
        for (const [key, value] of Object.entries(fields)) if (value !== null) Object.assign(result, { [key]: value });
        if (options.deliver === true) {
          const answer = await fetch(next, { redirect: 'manual' });
          result.delivered = { status: answer.status, body: await answer.text() };
        }
        return result;
      }
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const html = await response.text();
    const action = attribute(html, /<form[^>]*action="([^"]*)"/);
    if (response.status !== 200 || action === undefined) {
      throw new Error(`labLogin: the login server answered ${response.status} at ${url.pathname}: ${html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`);
    }
    if (posted) throw new Error('labLogin: the login page refused the credentials');
    showedLoginForm = true;
    if (options.cancel === true) {
      const cancel = attribute(html, /<a href="([^"]*)">Cancel<\/a>/);
      if (cancel === undefined) throw new Error('labLogin: no Cancel link on the login page');
      url = new URL(cancel, url);
      init = { method: 'GET' };
      continue;
    }
    posted = true;
    url = new URL(action, url);
    init = { method: 'POST', body: new URLSearchParams({ username: userName, password }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('labLogin: too many redirects');
}
