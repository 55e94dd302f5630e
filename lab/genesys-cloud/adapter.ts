// oidc-provider storage for one lab instance. oidc-provider's built-in memory adapter shares one
// module-wide LRU of 1,000 entries between all providers in a process, which a long bench or many
// labs in one test worker could evict from; this one is a plain Map per lab, and lets the lab find
// a user's grants (revokeTokens, setGrantedScopes).
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

const EXPIRED_TOKEN_RETENTION_SEC = 3600;

interface Entry {
  payload: AdapterPayload;
  /** Date.now() ms after which the entry is gone; Infinity without a lifetime. */
  expiresAt: number;
}

export interface LabOidcStore {
  factory: AdapterFactory;
  /** Grant ids of an account (live grants only). */
  grantsOf(accountId: string): string[];
  /** Every live grant id with its account. */
  grants(): { grantId: string; accountId: string }[];
  clear(): void;
}

export function createLabOidcStore(): LabOidcStore {
  const entries = new Map<string, Entry>();
  /** Session uid → session id. */
  const sessionUids = new Map<string, string>();
  /** grantId → keys of tokens/codes of that grant. */
  const grantMembers = new Map<string, Set<string>>();

  const live = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  class MapAdapter implements Adapter {
    readonly name: string;
    constructor(name: string) {
      this.name = name;
    }

    private key(id: string): string {
      return `${this.name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      // Access tokens stay findable an hour past expiry so the API can tell "expired" from "unknown"
      // (oidc-provider's find checks `exp` itself).
      const retainSec = this.name === 'AccessToken' ? EXPIRED_TOKEN_RETENTION_SEC : 0;
      entries.set(key, { payload, expiresAt: typeof expiresIn === 'number' ? Date.now() + (expiresIn + retainSec) * 1000 : Infinity });
      if (this.name === 'Session' && typeof payload.uid === 'string') sessionUids.set(payload.uid, id);
      if (this.name !== 'Grant' && typeof payload.grantId === 'string') {
        const members = grantMembers.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        grantMembers.set(payload.grantId, members);
      }
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return live(this.key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = sessionUids.get(uid);
      return id === undefined ? undefined : live(this.key(id));
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined; // no device flow in the lab
    }

    async consume(id: string): Promise<void> {
      const entry = entries.get(this.key(id));
      if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grantMembers.get(grantId) ?? []) entries.delete(key);
      grantMembers.delete(grantId);
    }
  }

  const grants = (): { grantId: string; accountId: string }[] => {
    const found: { grantId: string; accountId: string }[] = [];
    for (const key of entries.keys()) {
      if (!key.startsWith('Grant:')) continue;
      const payload = live(key);
      if (payload !== undefined && typeof payload.accountId === 'string') found.push({ grantId: key.slice('Grant:'.length), accountId: payload.accountId });
    }
    return found;
  };

  return {
    factory: (name: string) => new MapAdapter(name),
    grants,
    grantsOf: (accountId) => grants().filter((g) => g.accountId === accountId).map((g) => g.grantId),
    clear: () => {
      entries.clear();
      sessionUids.clear();
      grantMembers.clear();
    },
  };
}
