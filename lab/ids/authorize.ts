// The IdS browser flow: /authorize (IdS session cookie or an AuthnRequest to the IdP), the SAML ACS,
// the uniqueId relay page and the single-use authorization codes Finesse exchanges ([CCXDG],
// shared/protocols/finesse.md §2–3).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SAML } from '@node-saml/node-saml';
import { autoPostPage, parseCookies, redirect, send } from '../finesse/http-io.ts';
import { page, readForm } from './pages.ts';
import { identityFromProfile } from './saml-sp.ts';
import { randomToken } from './tokens.ts';
import type { Identity, IdsIdpConfig, IdsTokenSet } from './types.ts';

const CODE_LIFETIME_MS = 60_000;
export const PENDING_LIFETIME_MS = 10 * 60_000;

interface IdsSession {
  id: string;
  identity?: Identity;
  authenticatedUntil?: number;
}

interface PendingAuthorize {
  sessionId: string;
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  createdAt: number;
}

export interface BrowserFlowConfig {
  /** The IdS's public base URL (the relay form posts there). */
  url: string;
  cookieName: string;
  sessionLifetimeMs: number;
  idp: () => IdsIdpConfig | undefined;
  saml: (config: IdsIdpConfig) => SAML;
  issueTokens: (identity: Identity, clientId: string) => IdsTokenSet;
}

export interface BrowserFlow {
  authorize(req: IncomingMessage, res: ServerResponse, u: URL): Promise<number>;
  acs(req: IncomingMessage, res: ServerResponse): Promise<number>;
  relay(req: IncomingMessage, res: ServerResponse): Promise<number>;
  exchangeCode(code: string, clientId: string, redirectUri: string): IdsTokenSet | undefined;
  registerClient(clientId: string, redirectUris: string[]): void;
  dropSessions(): void;
}

/** The client's redirect_uri with the code and the state it sent. */
export function codeRedirect(redirectUri: string, code: string, state: string | undefined): string {
  const target = new URL(redirectUri);
  target.searchParams.set('code', code);
  if (state !== undefined) target.searchParams.set('state', state);
  return target.toString();
}

/** Why an authorize request is refused before any session or IdP work, or undefined when it may go on. */
export function authorizeQueryError(q: URLSearchParams, clients: ReadonlyMap<string, string[]>): { title: string; message: string } | undefined {
  const allowed = clients.get(q.get('client_id') ?? '');
  if (allowed === undefined) return { title: 'Invalid client', message: 'The client_id is not registered with this Identity Service.' };
  if (!allowed.includes(q.get('redirect_uri') ?? '')) return { title: 'Invalid redirect', message: 'The redirect_uri is not registered for this client.' };
  if (q.get('response_type') !== 'code') return { title: 'Unsupported response type', message: 'Only response_type=code is supported.' };
  return undefined;
}

export function createBrowserFlow(config: BrowserFlowConfig): BrowserFlow {
  const clients = new Map<string, string[]>();
  const sessions = new Map<string, IdsSession>();
  const pending = new Map<string, PendingAuthorize>();
  const relays = new Map<string, string>(); // uniqueId -> pending id
  const codes = new Map<string, { clientId: string; redirectUri: string; identity: Identity; expiresAt: number }>();

  function sessionOf(req: IncomingMessage): IdsSession | undefined {
    const id = parseCookies(req.headers.cookie).get(config.cookieName);
    return id === undefined ? undefined : sessions.get(id);
  }

  function sessionCookie(id: string): string {
    // No SameSite attribute: the ACS is reached by a cross-origin POST from the IdP's page.
    return `${config.cookieName}=${id}; Path=/ids; HttpOnly`;
  }

  function issueCode(p: PendingAuthorize, identity: Identity): string {
    const code = randomToken(16);
    codes.set(code, { clientId: p.clientId, redirectUri: p.redirectUri, identity, expiresAt: Date.now() + CODE_LIFETIME_MS });
    return codeRedirect(p.redirectUri, code, p.state);
  }

  function sweep(): void {
    const now = Date.now();
    for (const [k, v] of pending) if (now - v.createdAt > PENDING_LIFETIME_MS) pending.delete(k);
    for (const [k, v] of relays) if (!pending.has(v)) relays.delete(k);
    for (const [k, v] of codes) if (now > v.expiresAt) codes.delete(k);
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, u: URL): Promise<number> {
    const q = u.searchParams;
    const refused = authorizeQueryError(q, clients);
    if (refused !== undefined) return page(res, 400, refused.title, refused.message);
    sweep();
    let session = sessionOf(req);
    const headers: Record<string, string> = {};
    if (session === undefined) {
      session = { id: randomToken(24) };
      sessions.set(session.id, session);
      headers['Set-Cookie'] = sessionCookie(session.id);
    }
    const p: PendingAuthorize = { sessionId: session.id, clientId: q.get('client_id') ?? '', redirectUri: q.get('redirect_uri') ?? '', state: q.get('state') ?? undefined, createdAt: Date.now() };
    // An IdS session still valid: straight back with a code, no IdP round trip (silent refresh path).
    if (session.identity !== undefined && (session.authenticatedUntil ?? 0) > Date.now()) {
      redirect(res, issueCode(p, session.identity), { headers });
      return 302;
    }
    const idp = config.idp();
    if (idp === undefined) return page(res, 503, 'No identity provider', 'This Identity Service has no identity provider configured.', headers);
    const relayId = randomToken(16);
    pending.set(relayId, p);
    const saml = config.saml(idp);
    if (idp.authnRequestBinding === 'redirect') {
      const location = await saml.getAuthorizeUrlAsync(relayId, undefined, {});
      redirect(res, location, { headers });
      return 302;
    }
    const form = await saml.getAuthorizeFormAsync(relayId, undefined, {});
    send(res, 200, 'text/html; charset=utf-8', form, { headers });
    return 200;
  }

  async function acs(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const form = await readForm(req, res);
    if (typeof form === 'number') return form;
    const samlResponse = form.get('SAMLResponse');
    const relayId = form.get('RelayState') ?? '';
    if (samlResponse === null || samlResponse === '') return page(res, 400, 'SAML error', 'The SAMLResponse is missing.');
    sweep();
    const p = pending.get(relayId);
    const idp = config.idp();
    if (p === undefined || idp === undefined) return page(res, 400, 'SAML error', 'Unknown or expired RelayState (the sign-in took too long or was replayed).');
    let profile: Record<string, unknown> | null;
    try {
      profile = (await config.saml(idp).validatePostResponseAsync({ SAMLResponse: samlResponse })).profile as Record<string, unknown> | null;
    } catch {
      // Never echo the assertion or the validator's detail (it may quote attribute values).
      return page(res, 400, 'SAML error', 'The SAML response was rejected (signature, audience, recipient, time window or InResponseTo).');
    }
    if (profile === null) return page(res, 400, 'SAML error', 'The SAML response carried no assertion.');
    const identity = identityFromProfile(profile);
    if (identity === undefined) {
      return page(res, 400, 'SAML error', 'The assertion lacks the uid and user_principal attributes the Identity Service requires.');
    }
    const session = sessionOf(req);
    if (session === undefined || session.id !== p.sessionId) {
      return page(res, 400, 'Session error', 'The Identity Service session cookie is missing or belongs to another sign-in.');
    }
    session.identity = identity;
    session.authenticatedUntil = Date.now() + config.sessionLifetimeMs;
    const uniqueId = randomToken(16);
    relays.set(uniqueId, relayId);
    send(res, 200, 'text/html; charset=utf-8', autoPostPage('Identity Service', `${config.url}/ids/relay`, { uniqueId }));
    return 200;
  }

  async function relay(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const form = await readForm(req, res);
    if (typeof form === 'number') return form;
    const relayId = relays.get(form.get('uniqueId') ?? '');
    const p = relayId === undefined ? undefined : pending.get(relayId);
    const session = sessionOf(req);
    if (p === undefined || relayId === undefined) return page(res, 400, 'Relay error', 'Unknown or used uniqueId.');
    if (session === undefined || session.id !== p.sessionId || session.identity === undefined) {
      return page(res, 400, 'Session error', 'The Identity Service session cookie is missing or belongs to another sign-in.');
    }
    relays.delete(form.get('uniqueId') ?? '');
    pending.delete(relayId);
    redirect(res, issueCode(p, session.identity));
    return 302;
  }

  function exchangeCode(code: string, clientId: string, redirectUri: string): IdsTokenSet | undefined {
    sweep();
    const entry = codes.get(code);
    codes.delete(code);
    if (entry === undefined || entry.clientId !== clientId || entry.redirectUri !== redirectUri) return undefined;
    return config.issueTokens(entry.identity, clientId);
  }

  return {
    authorize,
    acs,
    relay,
    exchangeCode,
    registerClient: (clientId, redirectUris) => {
      clients.set(clientId, [...redirectUris]);
    },
    dropSessions: () => {
      sessions.clear();
    },
  };
}
