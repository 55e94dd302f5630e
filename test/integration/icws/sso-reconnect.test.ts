// An SSO session that loses its connection with shouldReconnect true: SSO tokens are single use, so
// each reconnect attempt gets a new one through the LoginWindow — hidden while the IdP session lasts,
// shown (phase 'awaiting-user') when the IdP needs the agent — then posts
// singleSignOnTokenConnectionRequestSettings [ICWS-14, ICWS-19]. Chromium LoginWindow + lab IdP.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import { ScaledClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { IcwsSession } from '../../../main/core/platforms/icws/icws-session.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { waitFor } from '../../helpers/wait.ts';
import { Agent, IDP_ID, startSsoLab, type SsoLab } from '../saml/sso-lab.ts';

// Chromium's sign-in page on a loaded 2-core machine can take well over the 20 s default to appear.
vi.setConfig({ testTimeout: 60_000 });

const sink = memorySink();
const log = createLogger({ sink, level: 'debug' });
let window: ChromiumLoginWindow;
let agent: Agent;
let lab: SsoLab;
const sessions: IcwsSession[] = [];

beforeAll(async () => {
  window = createChromiumLoginWindow({ log, headless: true, remoteDebuggingPort: 0 });
  agent = new Agent(() => window.cdpEndpoint);
  lab = await startSsoLab('lab');
});
afterAll(async () => {
  await agent.disconnect();
  await window.close();
  await lab.close();
});
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  await agent.forget();
});

/** `silentSsoTimeoutMs`: how long the hidden window may try before the agent is asked. A silent
 *  reconnect that must succeed gets a generous bound (a busy CI machine once took more than 3 s for
 *  the hidden Chromium round); the test of the window giving up keeps a short one. */
async function signedInSso(http: HttpSession, silentSsoTimeoutMs: number): Promise<IcwsSession> {
  const profile = ProfileSchema.parse({ id: 'it-sso-reconnect', name: 'IT SSO', platform: 'icws', servers: [lab.icws.url], authMode: 'sso', userName: 'agent1' });
  const s = new IcwsSession({ profile, clock: new ScaledClock(200), log, loginWindow: window }, { http, silentSsoTimeoutMs });
  sessions.push(s);
  const signIn = s.signIn({ sso: { identityProviderId: IDP_ID } });
  signIn.catch(() => undefined);
  await agent.signIn(lab.idpUrl, lab.form, 'agent1', 'agent1-lab-pw');
  await signIn;
  expect(s.view.phase).toBe('active');
  return s;
}

/** Ends every live lab session (earlier tests' disposed sessions included) allowing a reconnect. */
function switchOver(): void {
  for (const x of lab.icws.sessions()) if (x.connectionState === 1) lab.icws.killSession(x.sessionId, { reason: 'Switching over.', shouldReconnect: true });
}

const ssoConnections = () => lab.icws.requests.filter((r) => r.method === 'POST' && r.path === '/icws/connection' && r.status === 201);

describe('ICWS SSO session reconnect', () => {
  it('reconnects with a new SSO token, silently while the IdP session lasts [ICWS-14, ICWS-19]', async () => {
    const http = new HttpSession({ profileId: 'it-sso-reconnect', log });
    const s = await signedInSso(http, 15_000);
    const checks = lab.labIdp!.stats.passwordChecks;
    const connected = ssoConnections().length;
    await waitFor(() => lab.icws.sessions().some((x) => x.connectionState === 1 && x.sseOpen), 'the SSE stream');
    const phases: string[] = [];
    s.onView((v) => phases.push(v.phase));
    switchOver();
    await waitFor(() => s.view.phase === 'reconnecting', 'reconnecting');
    await waitFor(() => s.view.phase === 'active', 'active again', 30_000);
    // A second 201 from a new token; the agent typed nothing and no window asked for them.
    expect(ssoConnections().length).toBe(connected + 1);
    expect(lab.labIdp!.stats.passwordChecks).toBe(checks);
    expect(phases).not.toContain('awaiting-user');
    expect(phases).not.toContain('failed');
  });

  it('asks the agent (awaiting-user) when the IdP session is gone, then reconnects [ICWS-14]', async () => {
    const http = new HttpSession({ profileId: 'it-sso-reconnect-2', log });
    const s = await signedInSso(http, 3_000);
    await agent.forget();
    const checks = lab.labIdp!.stats.passwordChecks;
    // The IdP session ends (its cookie leaves the jar): the hidden try will wait in vain. The loss
    // still arrives as a connectionStateChangeMessage on the open stream [ICWS-18].
    await waitFor(() => lab.icws.sessions().some((x) => x.connectionState === 1 && x.sseOpen), 'the SSE stream');
    http.clearCookies();
    switchOver();
    await waitFor(() => s.view.phase === 'reconnecting', 'reconnecting');
    await waitFor(() => s.view.phase === 'awaiting-user', 'awaiting-user', 20_000);
    await agent.signIn(lab.idpUrl, lab.form, 'agent1', 'agent1-lab-pw');
    await waitFor(() => s.view.phase === 'active', 'active again', 20_000);
    expect(lab.labIdp!.stats.passwordChecks).toBe(checks + 1);
  });
});
