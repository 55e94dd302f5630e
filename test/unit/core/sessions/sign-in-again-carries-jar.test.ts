// issue 13 item 7: "Sign in again" after a failed session continues the failed session's cookie jar,
// so the sign-in window (seeded from that jar) finds the IdP session of the shift and the agent is not
// asked for the IdP password again. Sign-out and cancel end the shift's jar.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import type { HttpSession } from '../../../../main/core/net/http-session.ts';
import type { PlatformContext, PlatformSession } from '../../../../main/core/platforms/platform.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';
import { fakePlatformSession } from './fake-platform-session.ts';

const profile = { id: 'corp-a', name: 'Corp A', platform: 'icws' as const, servers: ['https://ic1.example.com:8019'], authMode: 'sso' as const, language: 'en-US', applicationName: 'Patchbay', options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false } };
const IDP = 'https://idp.example.com/';

/** A platform session whose sign-in plays the sign-in window: it records whether the IdP cookie was
 *  already in its jar (the IdP session reused), else the IdP sets it. Sign-out clears the jar. */
function idpSession(context: PlatformContext, seen: boolean[], fail: { next: boolean }): PlatformSession {
  const http: HttpSession = context.createHttpSession!({});
  return fakePlatformSession({
    onSignIn: async () => {
      const had = (await http.jar.getCookies(IDP)).some((c) => c.key === 'idp_session');
      seen.push(had);
      if (!had) await http.jar.setCookie('idp_session=shift; Path=/; Secure; HttpOnly', IDP);
      if (!fail.next) return undefined;
      fail.next = false;
      return { phase: 'failed', selectableStates: [], lastError: { code: 'icws.connection.lost', message: 'lost', action: 'sign-in-again' } };
    },
    onSignOut: () => http.clearCookies(),
  });
}

function setup() {
  const seen: boolean[] = [];
  const fail = { next: false };
  const manager = new SessionManager({
    profiles: new MemoryProfileStore([profile]),
    factories: { icws: (context) => idpSession(context, seen, fail) },
    log: createLogger({ sink: memorySink() }),
    clock: new FakeClock(),
  });
  return { manager, seen, fail };
}

describe('sign in again after a failed session keeps the IdP session of the shift (issue 13 item 7)', () => {
  it('continues the failed session jar: the second sign-in finds the IdP cookie', async () => {
    const { manager, seen, fail } = setup();
    fail.next = true;
    await manager.signIn('corp-a', {});
    await manager.signIn('corp-a', {});
    expect(seen).toEqual([false, true]);
  });

  it('starts clean after a sign-out and after a cancel', async () => {
    const { manager, seen } = setup();
    await manager.signIn('corp-a', {});
    await manager.signOut('corp-a');
    await manager.signIn('corp-a', {});
    await manager.cancel('corp-a');
    await manager.signIn('corp-a', {});
    expect(seen).toEqual([false, false, false]);
  });
});
