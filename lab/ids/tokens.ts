// IdS tokens: minting, checking, refresh, introspection and the lab's expire/revoke controls.
// Claims as shared/protocols/finesse.md §2 lists them; refresh rules from [CCXDG].
import { randomBytes, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt.ts';
import type { Identity, IdsLabServer, IdsRefreshInput, IdsRefreshResult, IdsTokenCheck, IdsTokenSet } from './types.ts';

interface TokenEntry {
  kind: 'access' | 'refresh';
  grantId: string;
  userId: string;
  expiresAtMs: number;
}

interface Grant {
  userId: string;
  realm: string;
  userPrincipal: string;
  clientId: string;
  refreshJti: string;
  latestAccessJti: string;
  revoked: boolean;
}

type Checked = { ok: true; entry: TokenEntry; jti: string; grant: Grant } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' };

export interface TokenStoreConfig {
  fqdn: string;
  /** Epoch ms of the lab's (possibly skewed) clock. */
  clock: () => number;
  privateKey: KeyObject;
  publicKey: KeyObject;
  accessLifetimeSeconds: number;
  refreshLifetimeSeconds: number;
  refuseAfterAccessExpiry: boolean;
}

export type TokenStore = Pick<IdsLabServer, 'refresh' | 'verifyAccessToken' | 'expireTokens' | 'revokeTokens'> & {
  issueTokens(identity: Identity, clientId: string, accessLifetimeSeconds?: number): IdsTokenSet;
};

export function randomToken(bytes = 20): string {
  return randomBytes(bytes).toString('hex');
}

export function createTokenStore(config: TokenStoreConfig): TokenStore {
  const { fqdn, clock, privateKey, publicKey, accessLifetimeSeconds: accessLifetime, refreshLifetimeSeconds: refreshLifetime } = config;
  const idsId = randomUUID();
  const tokens = new Map<string, TokenEntry>();
  const grants = new Map<string, Grant>();

  function issueTokens(identity: Identity, clientId: string, accessSeconds = accessLifetime): IdsTokenSet {
    const grantId = randomUUID();
    const refreshJti = randomUUID();
    const now = clock();
    const refreshToken = mint('refresh', identity, clientId, grantId, refreshJti, now, refreshLifetime);
    const accessJti = randomUUID();
    const accessToken = mint('access', identity, clientId, grantId, accessJti, now, accessSeconds);
    grants.set(grantId, { userId: identity.uid, realm: identity.realm, userPrincipal: identity.userPrincipal, clientId, refreshJti, latestAccessJti: accessJti, revoked: false });
    return { accessToken, refreshToken, expiresIn: Math.max(1, Math.round(accessSeconds)), userId: identity.uid, realm: identity.realm, userPrincipal: identity.userPrincipal };
  }

  /** Claims as finesse.md §2 lists them: `sub` is a JSON string; `expiry` is epoch ms. */
  function mint(kind: 'access' | 'refresh', identity: Identity, clientId: string, grantId: string, jti: string, now: number, lifetimeSeconds: number): string {
    const expiresAtMs = now + Math.round(lifetimeSeconds * 1000);
    tokens.set(jti, { kind, grantId, userId: identity.uid, expiresAtMs });
    const sub = {
      scope: ['ccc_onprem_apps'],
      rt: randomToken(20),
      user_id: identity.uid,
      realm: identity.realm,
      upn: identity.userPrincipal,
      ids_id: idsId,
      client_id: clientId,
      token: randomToken(16),
      expiry: expiresAtMs,
      usage: kind,
    };
    return signJwt({ iss: fqdn, sub: JSON.stringify(sub), exp: Math.ceil(expiresAtMs / 1000), iat: Math.floor(now / 1000), jti }, privateKey);
  }

  function check(tokenText: string, kind: 'access' | 'refresh'): Checked {
    const verified = verifyJwt(tokenText, publicKey);
    if (!verified.ok) return { ok: false, reason: 'invalid' };
    const { jti, sub } = verified.payload;
    if (typeof jti !== 'string' || typeof sub !== 'string') return { ok: false, reason: 'invalid' };
    let usage: unknown;
    try {
      usage = (JSON.parse(sub) as { usage?: unknown }).usage;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    const entry = tokens.get(jti);
    if (usage !== kind || entry === undefined || entry.kind !== kind) return { ok: false, reason: 'invalid' };
    const grant = grants.get(entry.grantId);
    if (grant === undefined) return { ok: false, reason: 'invalid' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (clock() >= entry.expiresAtMs) return { ok: false, reason: 'expired' };
    return { ok: true, entry, jti, grant };
  }

  function refresh(input: IdsRefreshInput): IdsRefreshResult {
    const r = check(input.refreshToken, 'refresh');
    if (!r.ok) return { ok: false, reason: r.reason === 'invalid' ? 'refresh-invalid' : r.reason === 'expired' ? 'refresh-expired' : 'revoked' };
    const grant = r.grant;
    if (grant.refreshJti !== r.jti) return { ok: false, reason: 'refresh-invalid' };
    if (input.user !== undefined && !input.user(grant.userId)) return { ok: false, reason: 'mismatch' };
    let accessJti = grant.latestAccessJti;
    if (input.accessToken !== undefined) {
      const verified = verifyJwt(input.accessToken, publicKey);
      const jti = verified.ok ? verified.payload['jti'] : undefined;
      const entry = typeof jti === 'string' ? tokens.get(jti) : undefined;
      if (entry === undefined || entry.kind !== 'access') return { ok: false, reason: 'access-invalid' };
      if (entry.grantId !== r.entry.grantId) return { ok: false, reason: 'mismatch' };
      accessJti = jti as string;
    }
    const access = tokens.get(accessJti);
    // [CCXDG] "Access Tokens can be refreshed only when both the current access token and the refresh
    // token are valid and not expired."
    if (config.refuseAfterAccessExpiry && (access === undefined || clock() >= access.expiresAtMs)) return { ok: false, reason: 'access-expired' };
    const identity: Identity = { uid: grant.userId, realm: grant.realm, userPrincipal: grant.userPrincipal };
    const newJti = randomUUID();
    const accessToken = mint('access', identity, grant.clientId, r.entry.grantId, newJti, clock(), accessLifetime);
    grant.latestAccessJti = newJti;
    return {
      ok: true,
      tokens: { accessToken, refreshToken: input.refreshToken, expiresIn: Math.max(1, Math.round(accessLifetime)), userId: identity.uid, realm: identity.realm, userPrincipal: identity.userPrincipal },
    };
  }

  function verifyAccessToken(tokenText: string): IdsTokenCheck {
    const r = check(tokenText, 'access');
    if (!r.ok) return r;
    return { ok: true, claims: { userId: r.grant.userId, realm: r.grant.realm, userPrincipal: r.grant.userPrincipal, jti: r.jti, expiresAtMs: r.entry.expiresAtMs } };
  }

  return {
    issueTokens,
    refresh,
    verifyAccessToken,
    expireTokens: (filter = {}) => {
      const which = filter.which ?? 'all';
      const now = clock();
      let count = 0;
      for (const entry of tokens.values()) {
        if (filter.userId !== undefined && entry.userId.toLowerCase() !== filter.userId.toLowerCase()) continue;
        if (which !== 'all' && entry.kind !== which) continue;
        if (entry.expiresAtMs > now) {
          entry.expiresAtMs = now - 1;
          count += 1;
        }
      }
      return count;
    },
    revokeTokens: (filter = {}) => {
      let count = 0;
      for (const grant of grants.values()) {
        if (filter.userId !== undefined && grant.userId.toLowerCase() !== filter.userId.toLowerCase()) continue;
        if (!grant.revoked) count += 1;
        grant.revoked = true;
      }
      return count;
    },
  };
}
