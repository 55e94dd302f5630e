// The OS keychain through keytar (macOS Keychain, Windows Credential Manager, libsecret / Secret
// Service on Linux). Service `Patchbay`, account `<profileId>:<kind>` (secret-store.ts).
import { PatchbayError } from '../errors.ts';
import { SECRET_SERVICE, secretAccount, type SecretKind, type SecretStore } from './secret-store.ts';

/** The part of keytar's API we use (lets tests hand in a fake). */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export async function loadKeytar(): Promise<KeytarLike> {
  // keytar is CommonJS: its functions sit on the default export.
  const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & KeytarLike;
  return mod.default ?? mod;
}

export class KeytarSecretStore implements SecretStore {
  readonly backend = 'keychain' as const;
  private readonly keytar: KeytarLike;
  private readonly service: string;

  constructor(keytar: KeytarLike, service = SECRET_SERVICE) {
    this.keytar = keytar;
    this.service = service;
  }

  async get(profileId: string, kind: SecretKind): Promise<string | undefined> {
    try {
      return (await this.keytar.getPassword(this.service, secretAccount(profileId, kind))) ?? undefined;
    } catch (error) {
      throw keychainError('read', error);
    }
  }

  async set(profileId: string, kind: SecretKind, value: string): Promise<void> {
    try {
      await this.keytar.setPassword(this.service, secretAccount(profileId, kind), value);
    } catch (error) {
      throw keychainError('write', error);
    }
  }

  async delete(profileId: string, kind: SecretKind): Promise<boolean> {
    try {
      return await this.keytar.deletePassword(this.service, secretAccount(profileId, kind));
    } catch (error) {
      throw keychainError('delete', error);
    }
  }
}

// The keychain's own message names the problem (locked collection, no D-Bus) and never the secret;
// it is still kept as the cause (logs only), not in the user-facing text.
function keychainError(what: 'read' | 'write' | 'delete', cause: unknown): PatchbayError {
  return new PatchbayError('secrets.keychain-failed', `The system keychain could not ${what} a saved sign-in (${describeKeychainProblem(cause)}).`, {
    action: 'contact-it',
    cause,
  });
}

/** A short reason for a keychain failure, for the one warning the agent sees. */
export function describeKeychainProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|dbus/i.test(message)) return 'no Secret Service is running (no D-Bus session)';
  if (/org\.freedesktop\.secrets|was not provided by any \.service|ServiceUnknown/i.test(message)) return 'no Secret Service is installed';
  if (/locked|prompt|dismissed/i.test(message)) return 'the keychain is locked';
  if (/collection\/login|does not exist at path|No such (object|collection)/i.test(message)) return 'no keychain has been set up for this user';
  if (/Cannot find module|ERR_MODULE_NOT_FOUND|ERR_DLOPEN_FAILED|invalid ELF|\.node/i.test(message)) return 'the keychain module could not be loaded';
  if (/timed out/i.test(message)) return 'the keychain did not answer in time';
  return 'the keychain refused the request';
}
