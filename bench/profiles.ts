// Profiles the benches build for the client (parsed by the contract's schema, as the app does).
import { ProfileSchema, type Profile } from '../preload/contract.ts';

export interface GcEndpoints {
  api: string;
  login: string;
  clientId: string;
  redirectUri: string;
}

/** A Genesys Cloud profile signing in through the sign-in window (GC-02: code + PKCE on `login`). */
export function gcWindowProfile(id: string, name: string, userName: string, gc: GcEndpoints, extra: { lab?: true } = {}): Profile {
  return ProfileSchema.parse({
    id,
    name,
    platform: 'genesys-cloud',
    servers: [gc.api],
    authMode: 'sso',
    userName,
    ...extra,
    options: { genesysCloud: { loginBase: gc.login, clientId: gc.clientId, redirectUri: gc.redirectUri, loginMethod: 'login-window' } },
  });
}
