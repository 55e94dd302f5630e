// The IdS lab's public shapes: options, token sets, check results and the control surface tests use.
// Split from server.ts (one concern per file); server.ts re-exports them.
import type { KeyObject } from 'node:crypto';

export interface IdsIdpConfig {
  /** The IdP's SAML 2.0 single sign-on service URL. */
  entryPoint: string;
  /** The IdP's signing certificate(s) (PEM or bare base64), or its public key PEM. */
  cert: string | string[];
  /** How the AuthnRequest travels: 'post' (an auto-submitting form, as the UCCX SSO guide says) or 'redirect'. */
  authnRequestBinding?: 'post' | 'redirect';
  /** When set, the Response's Issuer must equal it. */
  idpIssuer?: string;
}

export interface IdsServerOptions {
  host?: string;
  port?: number;
  /** IdS FQDN: SAML entity id, Audience, SPNameQualifier and the tokens' `iss`. */
  fqdn?: string;
  /** The address browsers reach it at when a front sits before it (a WAN delay proxy,
   *  bench/wan-lab.ts): `url` and the ACS URL use it. Default: http://host:port. */
  publicUrl?: string;
  idp?: IdsIdpConfig;
  /** 300 s and 7200 s are the documented examples; scale down in tests (fractions allowed). */
  accessTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  /** Lifetime of the IdS browser session (cookie) that lets authorize skip the IdP. */
  sessionLifetimeSeconds?: number;
  /** ACS URL with `?metaAlias=/sp` (12.5(1)SU2+) or without (older). Both paths are always accepted. */
  acsMetaAlias?: boolean;
  /** [CCXDG] refresh needs both tokens valid: 'refuse' (default) a refresh once the access token expired. */
  refreshAfterAccessExpiry?: 'refuse' | 'allow';
  /** Epoch ms of the lab's (possibly skewed) clock. */
  clock?: () => number;
  /** Token signing key; generated (RSA 2048) when absent. */
  privateKey?: KeyObject;
}

export interface IdsTokenSet {
  accessToken: string;
  refreshToken: string;
  /** Seconds, rounded, at least 1. */
  expiresIn: number;
  userId: string;
  realm: string;
  userPrincipal: string;
}

export interface IdsAccessClaims {
  userId: string;
  realm: string;
  userPrincipal: string;
  jti: string;
  expiresAtMs: number;
}

export type IdsTokenCheck = { ok: true; claims: IdsAccessClaims } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' };

export type IdsRefreshResult =
  | { ok: true; tokens: IdsTokenSet }
  | { ok: false; reason: 'refresh-invalid' | 'refresh-expired' | 'revoked' | 'access-invalid' | 'access-expired' | 'mismatch' };

export interface IdsRefreshInput {
  refreshToken: string;
  accessToken?: string;
  user?: (userId: string) => boolean;
}

export interface IdsRequestRecord {
  time: string;
  method: string;
  path: string;
  hadSessionCookie: boolean;
  status: number;
}

export interface IdsLabServer {
  readonly url: string;
  readonly port: number;
  readonly fqdn: string;
  /** The ACS URL the AuthnRequest names (what an IdP's SP metadata must list). */
  readonly acsUrl: string;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  readonly accessTokenLifetimeSeconds: number;
  readonly refreshTokenLifetimeSeconds: number;
  /** SAML SP metadata (entity id = fqdn, ACS = acsUrl, transient NameID). */
  spMetadataXml(): string;
  setIdp(config: IdsIdpConfig | undefined): void;
  /** Fault: AuthnRequests point at a closed local port, as if the IdP host were down. */
  setIdpDown(down: boolean): void;
  registerClient(clientId: string, redirectUris: string[]): void;
  /** Authorization-code exchange (what Finesse does server-side after the relay). Single use. */
  exchangeCode(code: string, clientId: string, redirectUri: string): IdsTokenSet | undefined;
  /** `user` (when given) must accept the grant's user id, else 'mismatch' and nothing is minted. */
  refresh(input: IdsRefreshInput): IdsRefreshResult;
  /** Lab backdoor: a token pair as if `uid` had just signed in at the IdP (no browser, no SAML). */
  /** accessLifetimeSeconds: this grant's access token only (a test that must outlive a slow start). */
  issueTokensFor(identity: { uid: string; userPrincipal: string }, clientId?: string, accessLifetimeSeconds?: number): IdsTokenSet;
  verifyAccessToken(token: string): IdsTokenCheck;
  /** Fault/scale control: makes live tokens expire now. */
  expireTokens(filter?: { userId?: string; which?: 'access' | 'refresh' | 'all' }): number;
  revokeTokens(filter?: { userId?: string }): number;
  /** Forgets every IdS browser session, so the next authorize goes to the IdP again. */
  dropSessions(): void;
  readonly requests: IdsRequestRecord[];
  clearRequests(): void;
  close(): Promise<void>;
}

/** Who signed in at the IdP, as the IdS keeps it (realm = the UPN's domain). */
export interface Identity {
  uid: string;
  userPrincipal: string;
  realm: string;
}

export function identityOf(uid: string, userPrincipal: string): Identity {
  return { uid, userPrincipal, realm: userPrincipal.slice(userPrincipal.indexOf('@') + 1) };
}
