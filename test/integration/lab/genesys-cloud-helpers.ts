// Helpers for the Genesys Cloud lab tests: a PKCE sign-in with oauth4webapi through the lab's login
// page (labLogin), plain API calls, and a WebSocket that collects frames. No Patchbay client code.
import * as oauth from 'oauth4webapi';
import WebSocket from 'ws';
import { labLogin } from '../../../lab/genesys-cloud/index.ts';
import type { GenesysCloudLab, LabCookieJar, LabLoginResult } from '../../../lab/genesys-cloud/index.ts';

export interface Pkce {
  verifier: string;
  state: string;
  authorizeUrl: string;
}

export async function authorizeUrl(lab: GenesysCloudLab, extra: Record<string, string> = {}, redirectUri = lab.redirectUri): Promise<Pkce> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(`${lab.loginBase}/oauth/authorize`);
  // No `scope` parameter: Genesys scopes are set on the OAuth client by the admin.
  url.search = new URLSearchParams({
    client_id: lab.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  }).toString();
  return { verifier, state, authorizeUrl: url.href };
}

export function authServer(lab: GenesysCloudLab): oauth.AuthorizationServer {
  return { issuer: lab.loginBase, authorization_endpoint: `${lab.loginBase}/oauth/authorize`, token_endpoint: `${lab.loginBase}/oauth/token` };
}

export const insecure = { [oauth.allowInsecureRequests]: true } as const;

export async function exchange(lab: GenesysCloudLab, pkce: Pkce, login: LabLoginResult): Promise<oauth.TokenEndpointResponse> {
  const as = authServer(lab);
  const client = { client_id: lab.clientId };
  const params = oauth.validateAuthResponse(as, client, new URL(login.callbackUrl), pkce.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, lab.redirectUri, pkce.verifier, insecure);
  return oauth.processAuthorizationCodeResponse(as, client, response);
}

export interface SignedIn {
  tokens: oauth.TokenEndpointResponse;
  login: LabLoginResult;
}

export async function signIn(lab: GenesysCloudLab, userName = 'gc-agent1', jar?: LabCookieJar): Promise<SignedIn> {
  const pkce = await authorizeUrl(lab);
  const login = await labLogin(lab, userName, pkce.authorizeUrl, jar === undefined ? {} : { jar });
  return { tokens: await exchange(lab, pkce, login), login };
}

export async function refresh(lab: GenesysCloudLab, refreshToken: string): Promise<oauth.TokenEndpointResponse> {
  const as = authServer(lab);
  const client = { client_id: lab.clientId };
  const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, insecure);
  return oauth.processRefreshTokenResponse(as, client, response);
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function api(lab: GenesysCloudLab, token: string | undefined, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${lab.apiBase}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

export async function control(lab: GenesysCloudLab, name: string, body: unknown = {}): Promise<ApiAnswer> {
  const res = await fetch(`${lab.apiBase}/lab/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

export interface Frame {
  topicName?: string;
  version?: string;
  eventBody?: Record<string, unknown>;
  result?: string;
}

/** A WebSocket to a channel that keeps every frame and can wait for one. */
export class FrameSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #waiters = new Set<() => void>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const wake of this.#waiters) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string): Promise<FrameSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new FrameSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** The first frame (from `from` on) matching, or a rejection after `guardMs` (a hang guard, not a timing check). */
  waitFor(match: (frame: Frame) => boolean, from = 0, guardMs = 5_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.frames.slice(from).find(match);
        if (found === undefined) return false;
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`no matching frame; got ${JSON.stringify(this.frames.slice(from))}`));
      }, guardMs);
      this.#waiters.add(wake);
      check();
    });
  }

  events(topicName: string): Frame[] {
    return this.frames.filter((f) => f.topicName === topicName);
  }

  close(): void {
    this.ws.terminate();
  }
}

export function userId(lab: GenesysCloudLab, userName: string): string {
  const user = lab.users.find((u) => u.userName === userName);
  if (user === undefined) throw new Error(`no lab user ${userName}`);
  return user.id;
}
