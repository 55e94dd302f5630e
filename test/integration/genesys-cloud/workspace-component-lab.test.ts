// The emulated embedded component (lab/genesys-cloud-component) over real sockets: it serves its page from
// its own loopback origin and validates a token — received only in a POST body, never in a URL (GC-04) —
// by asking the Genesys Cloud lab's API over HTTP; a stale or bogus token gets the seed's AuthenticationError: 401.
import { afterEach, describe, expect, it } from 'vitest';
import { startComponentLab, type ComponentLab } from '../../../lab/genesys-cloud-component/index.ts';
import { createLabCookieJar, labLogin, startGenesysCloudLab, type GenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import type { ExternalBrowser } from '../../../main/core/auth/external-browser.ts';
import type { LoginWindow } from '../../../main/core/auth/login-window.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { createGenesysCloudAuth } from '../../../main/core/platforms/genesys-cloud/auth.ts';
import { workspaceCsp, workspaceOrigins } from '../../../main/core/platforms/genesys-cloud/workspace/origins.ts';
import { MemorySecretStore, profileSecrets } from '../../../main/core/secrets/secret-store.ts';
import { ProfileSchema } from '../../../preload/contract.ts';

let lab: GenesysCloudLab | undefined;
let component: ComponentLab | undefined;
afterEach(async () => {
  await component?.close();
  await lab?.close();
  lab = undefined;
  component = undefined;
});

function auth(lab: GenesysCloudLab) {
  const clock = new FakeClock(Date.now());
  const log = createLogger({ sink: memorySink(), level: 'debug', clock });
  const user = lab.users[0]!;
  const jar = createLabCookieJar();
  const externalBrowser: ExternalBrowser = { open: async ({ url }) => { void labLogin(lab, user.userName, url, { jar, deliver: true }); } };
  const loginWindow: LoginWindow = {
    run: async (request) => {
      const r = await labLogin(lab, user.userName, request.url, { jar });
      return { completion: request.until[0]!, url: r.callbackUrl, status: 302, headers: {} };
    },
  };
  const profile = ProfileSchema.parse({
    id: 'lab-gc', name: 'Lab GC', platform: 'genesys-cloud', servers: [lab.apiBase], authMode: 'sso', userName: user.userName,
    options: { genesysCloud: { loginBase: lab.loginBase, clientId: lab.clientId, redirectUri: lab.redirectUri, loginMethod: 'login-window' } },
  });
  return createGenesysCloudAuth(
    { profile, clock, log, secrets: profileSecrets(new MemorySecretStore(), profile.id), externalBrowser, loginWindow, createHttpSession: () => new HttpSession({ profileId: profile.id, log, clock }) },
    { startupMarginMs: 10 * 3600_000 },
  );
}

const validate = (token: string) => fetch(`${component!.origin}/validate`, { method: 'POST', body: token });

describe('Genesys Cloud embedded component lab', () => {
  it('serves the component on its own loopback origin; the lab origins pass the workspace origin rules', async () => {
    lab = await startGenesysCloudLab();
    component = await startComponentLab({ apiBase: lab.apiBase });
    expect(new URL(component.origin).hostname).not.toBe(new URL(lab.apiBase).hostname);
    const page = await fetch(`${component.origin}/?parent=${encodeURIComponent('http://127.0.0.9:1')}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/component.js');
    const origins = workspaceOrigins({ componentUrl: component.origin, apiBase: lab.apiBase });
    expect(origins.component).toBe(component.origin);
    expect(workspaceCsp(origins)).toContain(`frame-src ${component.origin}`);
  });

  it('a fresh token from the session is accepted (user id from the API); a bogus one gets AuthenticationError: 401', async () => {
    lab = await startGenesysCloudLab();
    component = await startComponentLab({ apiBase: lab.apiBase });
    const a = auth(lab);
    await a.signIn();
    const token = await a.accessToken({ fresh: true });
    const ok = await validate(token);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { userId: string }).userId).toBe(lab.users[0]!.id);
    const bad = await validate('not-a-token');
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('AuthenticationError: 401');
    expect(component.validations).toEqual(['ok', 'rejected']);
  });

  it('fault control rejectStale: a token already handed over once is refused; a revoked token is refused', async () => {
    lab = await startGenesysCloudLab();
    component = await startComponentLab({ apiBase: lab.apiBase });
    const a = auth(lab);
    await a.signIn();
    const token = await a.accessToken();
    expect((await fetch(`${component.origin}/lab/rejectStale`, { method: 'POST' })).status).toBe(204);
    expect((await validate(token)).status).toBe(200);
    expect((await validate(token)).status).toBe(401);
    await lab.revokeTokens(lab.users[0]!.userName);
    await fetch(`${component.origin}/lab/rejectStale?on=false`, { method: 'POST' });
    expect((await validate(token)).status).toBe(401);
    const state = (await (await fetch(`${component.origin}/lab/state`)).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ rejectStale: false, silent: false });
  });
});
