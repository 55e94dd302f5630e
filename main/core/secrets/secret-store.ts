// The SecretStore port (DESIGN.md "secrets/", CARD-02): refresh tokens and, only where allowed,
// remembered passwords live here and nowhere else — never in settings, logs, the renderer or a file
// of ours. One interface so the keychain backend can change in one file (keytar is archived
// upstream: rigs/toolchain.md).

export const SECRET_KINDS = ['refresh-token', 'password'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

/** The OS keychain's "service" for every Patchbay entry; the "account" is `<profileId>:<kind>`. */
export const SECRET_SERVICE = 'Patchbay';

export function secretAccount(profileId: string, kind: SecretKind): string {
  return `${profileId}:${kind}`;
}

export interface SecretStore {
  /** 'keychain' = the OS keychain; 'memory' = this process only (tests, or a locked/missing keychain). */
  readonly backend: 'keychain' | 'memory';
  get(profileId: string, kind: SecretKind): Promise<string | undefined>;
  set(profileId: string, kind: SecretKind, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(profileId: string, kind: SecretKind): Promise<boolean>;
}

/** Deletes every kind of secret a profile has (sign-out, "forget this profile"). */
export async function deleteProfileSecrets(store: SecretStore, profileId: string): Promise<boolean> {
  let any = false;
  for (const kind of SECRET_KINDS) {
    if (await store.delete(profileId, kind)) any = true;
  }
  return any;
}

/** One profile's view of the store, handed to its platform adapter (PlatformContext.secrets). */
export interface ProfileSecrets {
  get(kind: SecretKind): Promise<string | undefined>;
  /** Stores a secret; a kind the policy does not allow (e.g. 'password' without "remember
   *  password") is silently not stored, so adapters need no policy logic of their own. */
  set(kind: SecretKind, value: string): Promise<void>;
  delete(kind: SecretKind): Promise<boolean>;
  /** Whether `set(kind, …)` would store anything. */
  allows(kind: SecretKind): boolean;
}

export interface ProfileSecretsOptions {
  /** Kinds that may be stored (default: refresh tokens only; passwords need policy + profile consent). */
  allow?: readonly SecretKind[];
}

export function profileSecrets(store: SecretStore, profileId: string, options: ProfileSecretsOptions = {}): ProfileSecrets {
  const allowed = new Set<SecretKind>(options.allow ?? ['refresh-token']);
  return {
    get: (kind) => (allowed.has(kind) ? store.get(profileId, kind) : Promise.resolve(undefined)),
    set: async (kind, value) => {
      if (!allowed.has(kind)) return;
      await store.set(profileId, kind, value);
    },
    delete: (kind) => store.delete(profileId, kind),
    allows: (kind) => allowed.has(kind),
  };
}

/** Secrets held in this process only: unit tests, and the degraded mode when the OS keychain is
 *  locked or missing (never a plaintext file instead). */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory' as const;
  private readonly values = new Map<string, string>();

  async get(profileId: string, kind: SecretKind): Promise<string | undefined> {
    return this.values.get(secretAccount(profileId, kind));
  }
  async set(profileId: string, kind: SecretKind, value: string): Promise<void> {
    this.values.set(secretAccount(profileId, kind), value);
  }
  async delete(profileId: string, kind: SecretKind): Promise<boolean> {
    return this.values.delete(secretAccount(profileId, kind));
  }
  /** Number of stored entries (tests). */
  get size(): number {
    return this.values.size;
  }
}
