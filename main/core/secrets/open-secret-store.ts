// Picks the secret store at start: the OS keychain when it works, else memory-only with ONE clear
// warning — never a plaintext file (CARD-02). "Works" is proven by a write + read + delete of a
// probe entry: a locked Secret Service answers reads (null) but refuses writes.
import { randomUUID } from 'node:crypto';
import type { Notice } from '../../../preload/contract.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { describeKeychainProblem, KeytarSecretStore, loadKeytar, type KeytarLike } from './keytar-secret-store.ts';
import { MemorySecretStore, SECRET_SERVICE, type SecretStore } from './secret-store.ts';

export interface OpenSecretStoreOptions {
  log: Logger;
  /** How to get keytar (tests pass a fake or a failing loader). */
  load?: () => Promise<KeytarLike>;
  service?: string;
  /** A keychain that shows an unlock prompt nobody answers must not stall start-up (default 5 s). */
  timeoutMs?: number;
  clock?: Clock;
}

export interface OpenedSecretStore {
  store: SecretStore;
  /** Set when the store degraded to memory-only: show it once to the agent. */
  warning?: Notice;
}

// One probe entry per start: two Patchbay processes on one keychain (the app and an IT admin's
// `patchbay probe`) must not read each other's probe and both degrade to memory-only.
const probeAccount = (): string => `__patchbay-probe-${randomUUID()}__`;

/** Development and tests only (like PATCHBAY_POLICY_FILE): PATCHBAY_KEYCHAIN_SERVICE names a keychain
 *  "service" of its own, so parallel test apps on one keyring do not share the lab profiles' entries.
 *  A packaged app always uses SECRET_SERVICE; a name outside [A-Za-z0-9 ._()-]{1,64} is ignored. */
export function keychainServiceFromEnv(env: NodeJS.ProcessEnv, packaged: boolean): string | undefined {
  const named = env.PATCHBAY_KEYCHAIN_SERVICE;
  if (packaged || named === undefined || !/^[A-Za-z0-9 ._()-]{1,64}$/.test(named)) return undefined;
  return named;
}

export async function openSecretStore(options: OpenSecretStoreOptions): Promise<OpenedSecretStore> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const service = options.service ?? SECRET_SERVICE;
  try {
    const keytar = await withTimeout((options.load ?? loadKeytar)(), options.timeoutMs ?? 5_000, clock);
    const probe = randomUUID();
    const account = probeAccount();
    await withTimeout(keytar.setPassword(service, account, probe), options.timeoutMs ?? 5_000, clock);
    const back = await withTimeout(keytar.getPassword(service, account), options.timeoutMs ?? 5_000, clock);
    await keytar.deletePassword(service, account).catch(() => false);
    if (back !== probe) throw new Error('the keychain did not return what was written');
    log.info('secrets.keychain-ready', { service });
    return { store: new KeytarSecretStore(keytar, service) };
  } catch (error) {
    const reason = describeKeychainProblem(error);
    log.warn('secrets.keychain-unavailable', { reason, error });
    return {
      store: new MemorySecretStore(),
      warning: {
        level: 'warning',
        message: `The system keychain is not available: ${reason}. Saved sign-ins are kept in memory only, so you will have to sign in again after Patchbay restarts.`,
      },
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error('keychain timed out')), ms);
    promise.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (error: unknown) => {
        timer.cancel();
        reject(error);
      },
    );
  });
}
