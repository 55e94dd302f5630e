// The Genesys Cloud auth client against the lab (lab/genesys-cloud, written independently from the
// vendor docs): two readings of the protocol must agree — PKCE with an exactly registered loopback
// redirect, no scope parameter, scopes narrowed by the admin (GC-02), refresh tokens with rotation,
// silent re-authorization on the login session, and revocation with DELETE /api/v2/tokens/me.
import { afterEach, describe, expect, it } from 'vitest';
import { createLabCookieJar, labLogin, startGenesysCloudLab, type GenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import type { ExternalBrowser } from '../../../main/core/auth/external-browser.ts';
import type { LoginWindow } from '../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { createGenesysCloudAuth } from '../../../main/core/platforms/genesys-cloud/auth.ts';
import { MemorySecretStore, profileSecrets } from '../../../main/core/secrets/secret-store.ts';
import { ProfileSchema } from '../../../preload/contract.ts';

let lab: GenesysCloudLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

function setUp(lab: GenesysCloudLab, method: 'system-browser' | 'login-window') {
  const clock = new FakeClock(Date.now());
  const log = createLogger({ sink: memorySink(), level: 'debug', clock });
  const store = new MemorySecretStore();
  const user = lab.users[0]!;
  const jar = createLabCookieJar(); // the agent's browser: its login session carries over
  const roundTrips: number[] = [];
  const externalBrowser: ExternalBrowser = {
    open: async ({ url }) => {
      void labLogin(lab, user.userName, url, { jar, deliver: true }).then((r) => roundTrips.push(r.roundTrips + 1 /* loopback */));
    },
  };
  const loginWindow: LoginWindow = {
    run: async (request) => {
      const r = await labLogin(lab, user.userName, request.url, { jar });
      if (request.visible === 'never' && r.showedLoginForm) throw new Error('a hidden window cannot fill the form');
      roundTrips.push(r.roundTrips);
      return { completion: request.until[0]!, url: r.callbackUrl, status: 302, headers: {} };
    },
  };
  const profile = ProfileSchema.parse({
    id: 'lab-gc',
    name: 'Lab GC',
    platform: 'genesys-cloud',
    servers: [lab.apiBase],
    authMode: 'sso',
    userName: user.userName,
    options: { genesysCloud: { loginBase: lab.loginBase, clientId: lab.clientId, redirectUri: lab.redirectUri, loginMethod: method } },
  });
  const auth = createGenesysCloudAuth(
    { profile, clock, log, secrets: profileSecrets(store, profile.id), externalBrowser, loginWindow, createHttpSession: () => new HttpSession({ profileId: profile.id, log, clock }) },
    { startupMarginMs: 10 * 3600_000 },
  );
  return { auth, store, clock, user, roundTrips };
}

async function me(lab: GenesysCloudLab, token: string): Promise<number> {
  return (await fetch(`${lab.apiBase}/api/v2/users/me`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

describe('Genesys Cloud auth against the lab', () => {
  it('signs in through the system browser + loopback redirect; the API accepts the token; sign-out revokes it', async () => {
    lab = await startGenesysCloudLab();
    const { auth, roundTrips } = setUp(lab, 'system-browser');
    const info = await auth.signIn();
    expect(info.scopes).toEqual(expect.arrayContaining(['presence', 'routing', 'notifications']));
    expect(info.hasRefreshToken).toBe(false); // a PKCE public client, like Genesys's
    const token = await auth.accessToken();
    expect(await me(lab, token)).toBe(200);
    await auth.signOut();
    expect(await me(lab, token)).toBe(401);
    console.log(`[GC-AUTH figures] lab sign-in round trips (browser + loopback, excluding the token POST): ${JSON.stringify(roundTrips)}`);
  });

  it('GC-02: scopes the admin narrowed are named before anything else runs', async () => {
    lab = await startGenesysCloudLab();
    const { auth, user } = setUp(lab, 'login-window');
    await lab.setGrantedScopes(user.userName, ['users:readonly', 'presence', 'conversations:readonly']);
    await expect(auth.signIn()).rejects.toMatchObject({ code: 'genesys-cloud.scopes.missing', message: expect.stringContaining('routing, notifications') });
  });

  it('renews silently on the login session (no refresh token), and with refresh tokens on, rotates them into the keychain', async () => {
    lab = await startGenesysCloudLab();
    const plain = setUp(lab, 'login-window');
    await plain.auth.signIn();
    const t1 = await plain.auth.accessToken();
    const t2 = await plain.auth.accessToken({ fresh: true }); // the margin exceeds the lifetime: renew now
    expect(t2).not.toBe(t1);
    expect(await me(lab, t2)).toBe(200);
    expect(plain.store.size).toBe(0);
    plain.auth.dispose();
    await lab.close();

    lab = await startGenesysCloudLab({ refreshTokens: true });
    const withRefresh = setUp(lab, 'login-window');
    await withRefresh.auth.signIn();
    const r1 = await withRefresh.store.get('lab-gc', 'refresh-token');
    expect(r1).toBeTruthy();
    const t3 = await withRefresh.auth.accessToken({ fresh: true });
    const r2 = await withRefresh.store.get('lab-gc', 'refresh-token');
    expect(r2).toBeTruthy();
    expect(r2).not.toBe(r1);
    expect(await me(lab, t3)).toBe(200);
    withRefresh.auth.dispose();
  });
});
