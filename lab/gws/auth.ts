// The GWS authentication chain, in seed 002's order, first success wins:
//   1. Salesforce: both headers (session id + identity URL) — validated by calling the identity URL
//      with the session id, as the real server does                                   [GWS-01]
//   2. Configuration Server: Basic header, only while enabled for the contact center  [GWS-02]
//   3. Web Services: Basic header against GWS's own users                            [GWS-03]
//   4. SAML: the session the ACS created (JSESSIONID)                                [GWS-04]
//   else anonymous: unprotected endpoints only                                       [GWS-05]
// A valid JSESSIONID of an earlier sign-in (any method) authenticates like step 4 (Spring Security
// keeps the authentication in the HTTP session).
import type { IncomingMessage } from 'node:http';
import { firstHeader, parseCookies } from '../http-io.ts';
import { SESSION_COOKIE } from './http.ts';
import type { AuthMethod, GwsSession, GwsStore } from './store.ts';

export type ChainStep = 'salesforce' | 'config-server' | 'gws-basic' | 'session';

export interface AuthResult {
  /** undefined = anonymous. */
  session?: GwsSession;
  /** The session is new: send Set-Cookie. */
  created: boolean;
  /** Which step authenticated. */
  by?: ChainStep;
  /** Steps entered and failed, in order (for the request log). */
  failed: ChainStep[];
}

export interface AuthConfig {
  store: GwsStore;
  configServerAuth(): boolean;
  salesforceHeaders: { sessionId: string; identityUrl: string };
  /** Only identity URLs on this origin are called (the lab never reaches other hosts). */
  salesforceOrigin(): string | undefined;
  /** Where the lab itself reaches that origin when it is a proxy's (the stand-in's own address): GWS
   *  calls Salesforce on its own network, not over the agent's WAN. Default: the origin itself. */
  salesforceDirectOrigin?(): string | undefined;
}

/** `Authorization: Basic …` → user name and password (RFC 7617); undefined when absent or malformed. */
export function parseBasic(header: string | undefined): { userName: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { userName: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function cookieSession(req: IncomingMessage, store: GwsStore): GwsSession | undefined {
  const id = parseCookies(firstHeader(req.headers.cookie)).get(SESSION_COOKIE);
  return id === undefined ? undefined : store.sessions.get(id);
}

/** GET the identity URL with the session id as a bearer token; the Salesforce user name or undefined. */
async function salesforceUser(sessionId: string, identityUrl: string, allowedOrigin: string | undefined, directOrigin: string | undefined): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(identityUrl);
  } catch {
    return undefined;
  }
  if (allowedOrigin === undefined || url.origin !== allowedOrigin) return undefined;
  if (directOrigin !== undefined) url = new URL(`${url.pathname}${url.search}`, directOrigin);
  try {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${sessionId}`, Accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    if (res.status !== 200) {
      await res.arrayBuffer();
      return undefined;
    }
    const body = (await res.json()) as { username?: unknown };
    return typeof body.username === 'string' ? body.username : undefined;
  } catch {
    return undefined;
  }
}

export async function authenticate(req: IncomingMessage, config: AuthConfig): Promise<AuthResult> {
  const { store } = config;
  const failed: ChainStep[] = [];
  const existing = cookieSession(req, store);
  const signIn = (userName: string, method: AuthMethod, by: ChainStep): AuthResult => {
    // The cookie's session is kept when it belongs to the same user; else a new one (a new JSESSIONID).
    if (existing && existing.userName === userName) return { session: existing, created: false, by, failed };
    return { session: store.createSession(userName, method), created: true, by, failed };
  };

  // 1. Salesforce [GWS-01]
  const sid = firstHeader(req.headers[config.salesforceHeaders.sessionId.toLowerCase()]);
  const surl = firstHeader(req.headers[config.salesforceHeaders.identityUrl.toLowerCase()]);
  if (sid && surl) {
    const sfUser = await salesforceUser(sid, surl, config.salesforceOrigin(), config.salesforceDirectOrigin?.());
    const agent = sfUser === undefined ? undefined : [...store.agents.values()].find((a) => a.user.salesforceUser === sfUser);
    if (agent) return signIn(agent.user.userName, 'salesforce', 'salesforce');
    failed.push('salesforce');
  }

  const basic = parseBasic(firstHeader(req.headers.authorization));
  // 2. Configuration Server [GWS-02]
  if (basic && config.configServerAuth()) {
    const user = store.agent(basic.userName)?.user;
    if (user?.configServerPassword !== undefined && user.configServerPassword === basic.password) return signIn(user.userName, 'config-server', 'config-server');
    failed.push('config-server');
  }
  // 3. Web Services [GWS-03]
  if (basic) {
    const user = store.agent(basic.userName)?.user;
    if (user?.gwsPassword !== undefined && user.gwsPassword === basic.password) return signIn(user.userName, 'gws-basic', 'gws-basic');
    failed.push('gws-basic');
  }
  // 4. The session (SAML's ACS, or an earlier sign-in) [GWS-04]
  if (existing) return { session: existing, created: false, by: 'session', failed };
  // Anonymous [GWS-05]
  return { created: false, failed };
}
