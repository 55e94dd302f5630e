// Child process of keychain.test.ts, run inside a D-Bus session with gnome-keyring. Prints one JSON
// line with what it saw. Never prints a secret value: only whether values matched.
import keytarModule from 'keytar';
import { ProfileSchema } from '../../../preload/contract.ts';
import { nullLogger } from '../../../main/core/log.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformSession, type PlatformSessionFactory, type SessionView } from '../../../main/core/platforms/platform.ts';
import { openSecretStore } from '../../../main/core/secrets/open-secret-store.ts';
import { SECRET_SERVICE } from '../../../main/core/secrets/secret-store.ts';
import { MemoryProfileStore } from '../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../main/core/sessions/session-manager.ts';

const [mode, token = ''] = process.argv.slice(2);
const keytar = keytarModule as unknown as { findCredentials(service: string): Promise<{ account: string; password: string }[]> };

const profile = ProfileSchema.parse({ id: 'keyring-site', name: 'Keyring site', platform: 'finesse', servers: ['https://finesse.example.com'], authMode: 'sso' });

// A stand-in platform whose sign-in yields the refresh token given on the command line and whose
// resume() succeeds only with that same token read back from the keychain.
const factory: PlatformSessionFactory = (context) => {
  const views = new Listeners<SessionView>();
  let view: SessionView = SIGNED_OUT_VIEW;
  const set = (next: SessionView) => {
    view = next;
    views.emit(next);
  };
  return {
    get view() {
      return view;
    },
    signInOptions: async () => ({ credentialsForm: false, identityProviders: [], userNameRequired: false, extensionRequired: false }),
    signIn: async () => {
      await context.secrets?.set('refresh-token', token);
      set({ phase: 'active', selectableStates: [] });
    },
    resume: async () => {
      const saved = await context.secrets?.get('refresh-token');
      if (saved !== token) return false;
      set({ phase: 'active', selectableStates: [] });
      return true;
    },
    signOut: async () => set(SIGNED_OUT_VIEW),
    cancel: () => undefined,
    listStates: async () => [],
    setAgentState: async () => undefined,
    onView: (listener) => views.add(listener),
    dispose: () => undefined,
  } satisfies PlatformSession;
};

async function accounts(): Promise<string[]> {
  try {
    return (await keytar.findCredentials(SECRET_SERVICE)).map((c) => c.account).sort();
  } catch {
    return [];
  }
}

const opened = await openSecretStore({ log: nullLogger, timeoutMs: 5_000 });
const manager = new SessionManager({ profiles: new MemoryProfileStore([profile]), factories: { finesse: factory }, log: nullLogger, secrets: opened.store });
const out: Record<string, unknown> = { backend: opened.store.backend, warning: opened.warning?.message };

if (mode === 'sign-in-and-quit') {
  await manager.signIn(profile.id);
  await manager.shutdown({ signOut: false });
  out.accounts = await accounts();
} else if (mode === 'resume') {
  out.outcomes = await manager.resumeAll();
  out.phase = manager.snapshot(profile.id)?.phase;
  out.accounts = await accounts();
} else if (mode === 'sign-out') {
  await manager.signOut(profile.id);
  out.accounts = await accounts();
} else if (mode === 'store-kinds') {
  await opened.store.set('p1', 'refresh-token', token);
  await opened.store.set('p1', 'password', `${token}-pw`);
  out.accounts = await accounts();
  out.readBack = (await opened.store.get('p1', 'refresh-token')) === token;
  out.deleted = await opened.store.delete('p1', 'refresh-token');
  await opened.store.delete('p1', 'password');
  out.after = await accounts();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
