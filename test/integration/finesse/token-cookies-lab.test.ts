// FIN-15 through the real client over real sockets: a FinesseSession signs in in the Chromium
// LoginWindow (a test acting as the agent on the lab IdP's page through the window's CDP port)
// against a lab Finesse in its older-release, cookie-only mode — the token JSON's `token` and
// `refresh_token` are empty, the tokens and cc_username come as session cookies (seed 003 TAC note) —
// and then refreshes silently in both documented forms, the tokens again only in cookies.
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFinesseLab, type FinesseLab } from '../../../lab/finesse/lab.ts';
import { defaultFinesseUsers } from '../../../lab/finesse/fixture.ts';
import { startLabIdp, type LabIdp } from '../../../lab/saml/idp.ts';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import type { LoginWindow, LoginWindowRequest } from '../../../main/core/auth/login-window.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { MemorySecretStore, profileSecrets } from '../../../main/core/secrets/secret-store.ts';
import { FinesseSession } from '../../../main/core/platforms/finesse/finesse-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { waitFor } from '../../helpers/wait.ts';
import { Agent, LAB_IDP_FORM } from '../saml/sso-lab.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
const users = defaultFinesseUsers('UCCX');
const agent3 = users.find((u) => u.loginName === 'agent3')!;

describe.skipIf(!existsSync(CHROMIUM))('Finesse tokens in session cookies (older releases) [FIN-15]', () => {
  const sink = memorySink();
  const log = createLogger({ sink, level: 'debug' });
  let window: ChromiumLoginWindow;
  let agent: Agent;
  let idp: LabIdp;
  let finesse: FinesseLab;
  const sessions: FinesseSession[] = [];
  const runs: LoginWindowRequest[] = [];
  const recording: LoginWindow = { run: (request) => (runs.push(request), window.run(request)) };

  beforeAll(async () => {
    window = createChromiumLoginWindow({ log, headless: true, remoteDebuggingPort: 0 });
    agent = new Agent(() => window.cdpEndpoint);
    idp = await startLabIdp({ principalDomain: 'finesse.lab.invalid', users: users.map((u) => ({ userId: u.idpUid, password: u.idpPassword, displayName: u.loginName })) });
    // 6 s access tokens: the client refreshes at 75 % (FIN-12), so a refresh happens within seconds.
    finesse = await startFinesseLab({ deploymentType: 'UCCX', systemAuthMode: 'SSO', users, tokensIn: 'cookie', ccUsernameSource: 'cookie', accessTokenLifetimeSeconds: 6, forcedLogoutMs: 5_000, ctiDelayMs: 20 });
    idp.addServiceProvider({ entityId: finesse.ids.fqdn, acsUrl: finesse.ids.acsUrl });
    finesse.setIdp({ entryPoint: idp.ssoUrl, cert: idp.certificate });
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    await agent.forget();
    idp.endSessions();
    finesse.clearRequests();
    sink.entries.length = 0;
    runs.length = 0;
  });
  afterAll(async () => {
    await agent?.disconnect();
    await window?.close();
    await finesse?.close();
    await idp?.close();
  });

  const keychain = new MemorySecretStore();

  function session(refreshForm: 'get' | 'post'): FinesseSession {
    const profile = ProfileSchema.parse({ id: `fin15-${refreshForm}`, name: 'Finesse 12.0', platform: 'finesse', servers: finesse.servers, authMode: 'sso', userName: 'agent3' });
    const s = new FinesseSession(
      { profile, clock: systemClock, log, loginWindow: recording, secrets: profileSecrets(keychain, profile.id) },
      { finesse: { ssoUserIn: 'cookie', refreshForm, pingIntervalMs: 2_000, stateConfirmTimeoutMs: 5_000 } },
    );
    sessions.push(s);
    return s;
  }

  async function signIn(refreshForm: 'get' | 'post'): Promise<FinesseSession> {
    const s = session(refreshForm);
    const flow = s.signIn({ sso: { userName: 'agent3' }, extension: agent3.extensions[0]! });
    // A sign-in that fails before the IdP page reports its own error, not the agent's "no page". The
    // sign-in may complete while the submit click is still settling (the window closes under it):
    // what matters is that the agent reached the IdP's form first.
    let reachedForm = false;
    const acting = actOnIdpPage(() => (reachedForm = true));
    acting.catch(() => undefined);
    await Promise.race([
      flow.then(() => {
        if (!reachedForm) throw new Error('signed in without the IdP page');
      }),
      acting,
    ]);
    await flow;
    return s;
  }

  /** The agent on the IdP's form; a cold Chromium on a busy machine may take a while to show it. */
  async function actOnIdpPage(onForm: () => void): Promise<void> {
    const page = await agent.page(idp.url, 45_000);
    await page.locator(LAB_IDP_FORM.user).fill(agent3.idpUid, { timeout: 10_000 });
    await page.locator(LAB_IDP_FORM.password).fill(agent3.idpPassword, { timeout: 10_000 });
    onForm();
    await page.locator(LAB_IDP_FORM.submit).click({ timeout: 10_000 });
  }

  const tokenRequests = () => finesse.requests.filter((r) => r.path === '/desktop/sso/token');

  for (const form of ['get', 'post'] as const) {
    it(`signs in and refreshes (${form.toUpperCase()} form) with the tokens only in session cookies [FIN-15, FIN-13]`, async () => {
      const s = await signIn(form);
      expect(s.view.phase).toBe('active');
      // The sign-in: cc_username as a cookie, not in the URL; the token answer came with empty body fields.
      const [start, answer] = tokenRequests();
      expect(start).toMatchObject({ method: 'GET', cookies: expect.arrayContaining(['cc_username']) });
      expect(start!.query ?? '').not.toContain('cc_username');
      expect(answer).toMatchObject({ method: 'GET', status: 200 });
      expect(answer!.query).toContain('code=');
      // A window with a persistent store on disk (Electron) drops the token cookies once they are in the jar.
      expect(runs[0]?.forgetCookies).toEqual(['token', 'refresh_token']);

      // Two silent refreshes (6 s tokens, 75 %) whose answers again carry the token only as a cookie.
      await waitFor(() => (s.diagnostics.tokenStats?.refreshes ?? 0) >= 2, 'two refreshes', 15_000);
      // Silent refreshes over the client's HttpSession, not a fallback through the sign-in window.
      const strategies = sink.entries.filter((e) => e.event === 'finesse.sso.refreshed').map((e) => e['strategy']);
      expect(new Set(strategies)).toEqual(new Set([`finesse-refresh-${form}`]));
      const refreshes = tokenRequests().filter((r) => (form === 'get' ? /(^|&)refresh-token=/.test(r.query ?? '') : r.method === 'POST'));
      expect(refreshes.length).toBeGreaterThanOrEqual(2);
      for (const r of refreshes) {
        expect(r.status).toBe(200);
        // Seed 003: the refresh names the user and the refresh token; an older release reads
        // cc_username (and may read the tokens) from its session cookies, which the jar forwards (FIN-02).
        expect(r.cookies).toEqual(expect.arrayContaining(['cc_username', 'token', 'refresh_token']));
        if (form === 'post') expect(r.contentType).toBe('application/x-www-form-urlencoded');
      }
      // The refreshed access token is what REST now accepts (FIN-11): the first one has expired by now.
      await s.setAgentState('READY');
      expect(finesse.userState(agent3.loginId).state).toBe('READY');
      expect(s.view.lastError).toBeUndefined();

      // No token value in the logs or the view (the cookies' values stay in the jar and the keychain entry).
      expect(JSON.stringify(sink.entries)).not.toMatch(JWT);
      expect(JSON.stringify(s.view)).not.toMatch(JWT);
    }, 60_000);
  }

  it('resumes at the next launch from the keychain: the refresh token that came as a cookie was kept [FIN-15, CARD-02]', async () => {
    const first = await signIn('get');
    await waitFor(() => keychain.size > 0, 'the keychain entry', 5_000);
    expect(await keychain.get('fin15-get', 'refresh-token')).toMatch(JWT);
    first.dispose(); // the app quits without signing out; the jar (memory) is gone with it
    const windowRuns = runs.length;
    finesse.clearRequests();
    const next = session('get');
    expect(await next.resume()).toBe(true);
    expect(next.view.phase).toBe('active');
    expect(runs.length).toBe(windowRuns); // silent: no sign-in window
    const refresh = finesse.requests.find((r) => r.path === '/desktop/sso/token');
    expect(refresh).toMatchObject({ method: 'GET', status: 200, cookies: ['cc_username'] });
    await next.setAgentState('READY');
    expect(finesse.userState(agent3.loginId).state).toBe('READY');
  }, 60_000);
});
