// The workspace orchestrator (issue 12): SessionManager + Workspaces over a fake shell surface and a fake
// clock. What the shell is asked for, what the component is sent, what the renderer is told.
import { describe, expect, it } from 'vitest';
import { ProfileSchema, WorkspaceViewSchema, type Profile, type WorkspaceView } from '../../../../preload/contract.ts';
import { FakeClock } from '../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import { Listeners, type PlatformSession, type SessionView } from '../../../../main/core/platforms/platform.ts';
import type { WorkspaceShellPort, WorkspaceSurfaceRequest } from '../../../../main/core/platforms/genesys-cloud/workspace/surface.ts';
import { createCommandHandler } from '../../../../main/core/sessions/command-handler.ts';
import { MemoryProfileStore } from '../../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../../main/core/sessions/session-manager.ts';

const TOKEN = 'gc-lab-access-token-0123456789';
const T = (s: string) => `genesys-cloud-embed:${s}`;
const gc: Profile = ProfileSchema.parse({
  id: 'gc',
  name: 'GC',
  platform: 'genesys-cloud',
  servers: ['https://api.mypurecloud.ie'],
  authMode: 'sso',
  options: { genesysCloud: { clientId: 'client-1', redirectUri: 'http://127.0.0.1:48620/callback', region: 'mypurecloud.ie' } },
});
const icws: Profile = ProfileSchema.parse({ id: 'ic', name: 'IC', platform: 'icws', servers: ['https://ic.example.com:8019'], authMode: 'sso' });

/** A scripted session; the GC one can hand a token (EmbeddableSession). */
function scripted(embeddable: boolean, fresh: string[]): PlatformSession {
  const listeners = new Listeners<SessionView>();
  let view: SessionView = { phase: 'signed-out', selectableStates: [] };
  const set = (next: SessionView) => listeners.emit((view = next));
  const session: PlatformSession & { embeddedAccessToken?: (o: { fresh: boolean; renew?: boolean }) => Promise<string> } = {
    get view() {
      return view;
    },
    signInOptions: async () => ({ credentialsForm: false, identityProviders: [], userNameRequired: false, extensionRequired: false }),
    signIn: async () => set({ phase: 'active', selectableStates: [] }),
    signOut: async () => set({ phase: 'signed-out', selectableStates: [] }),
    cancel() {},
    listStates: async () => [],
    setAgentState: async () => {},
    onView: (l) => listeners.add(l),
    dispose() {},
  };
  if (embeddable)
    session.embeddedAccessToken = async (o) => {
      fresh.push(o.fresh && !o.renew ? 'fresh' : o.renew ? 'renew' : 'cached');
      return TOKEN;
    };
  return session;
}

function setup(options: { shell?: boolean } = {}) {
  const clock = new FakeClock(1_700_000_000_000);
  const sink = memorySink();
  const log = createLogger({ sink, level: 'debug', clock });
  const fresh: string[] = [];
  const requests: WorkspaceSurfaceRequest[] = [];
  const posts: [unknown, string][] = [];
  let closed = 0;
  const bounds: unknown[] = [];
  const shell: WorkspaceShellPort = {
    async open(request) {
      requests.push(request);
      return { frameUrl: 'http://127.0.0.1:5555/host?n=once', surface: { post: (m, o) => posts.push([m, o]), close: () => void closed++ } };
    },
    setBounds: (_id, b) => (bounds.push(b), true),
  };
  const manager = new SessionManager({
    profiles: new MemoryProfileStore([gc, icws]),
    factories: { 'genesys-cloud': () => scripted(true, fresh), icws: () => scripted(false, fresh) },
    log,
    clock,
    workspaceReadyTimeoutMs: 10_000,
    ...(options.shell === false ? {} : { workspaceShell: shell }),
  });
  const views: WorkspaceView[] = [];
  manager.workspaces.events.add((v) => views.push(v));
  const send = (data: unknown, over: { origin?: string; fromComponentFrame?: boolean } = {}) =>
    requests.at(-1)!.onMessage({ origin: 'https://apps.mypurecloud.ie', fromComponentFrame: true, data, ...over });
  return { clock, sink, manager, handler: createCommandHandler(manager, log), fresh, requests, posts, views, bounds, send, closedCount: () => closed };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Workspaces (issue 12)', () => {
  it('GC-07 / GC-08 / GC-05: opens a surface for the region with its exact origins and CSP, hands a fresh token only by post to the component origin', async () => {
    const t = setup();
    await t.manager.signIn('gc');
    const result = await t.handler('workspace.open', { profileId: 'gc', bounds: { x: 0, y: 10, width: 400, height: 300 } });
    expect(result).toMatchObject({ ok: true, value: { profileId: 'gc', phase: 'waiting-ready', frameUrl: 'http://127.0.0.1:5555/host?n=once' } });
    const request = t.requests[0]!;
    expect(request.componentUrl).toBe('https://apps.mypurecloud.ie');
    expect(request.csp).toContain('frame-src https://apps.mypurecloud.ie');
    expect(request.csp).not.toContain('*');
    expect(t.bounds).toEqual([{ x: 0, y: 10, width: 400, height: 300 }]);

    t.send({ type: T('ready') });
    await flush();
    expect(t.fresh).toEqual(['fresh']); // GC-05
    expect(t.posts).toEqual([
      [{ type: 'ack', status: 'received' }, 'https://apps.mypurecloud.ie'],
      [{ type: T('token'), accessToken: TOKEN }, 'https://apps.mypurecloud.ie'],
    ]);
    t.send({ type: T('session-start'), userId: 'u-1' });
    t.send({ type: T('queue-position'), position: 2, total: 5 });
    expect(t.manager.workspaces.view('gc')).toMatchObject({ phase: 'active', userId: 'u-1', queue: { position: 2, total: 5 } });
  });

  it('GC-04: no workspace.state view carries the token, and each is a valid contract view with its time', async () => {
    const t = setup();
    await t.manager.signIn('gc');
    await t.manager.openWorkspace('gc');
    t.send({ type: T('ready') });
    await flush();
    t.send({ type: T('session-start'), userId: 'u-1' });
    t.send({ type: T('token-expiring') });
    await flush();
    expect(t.fresh).toEqual(['fresh', 'renew']); // GC-05; token-expiring refreshes now (seed 004)
    expect(t.views.map((v) => v.phase)).toEqual(['opening', 'waiting-ready', 'waiting-session', 'active', 'renewing', 'active']);
    for (const view of t.views) expect(WorkspaceViewSchema.safeParse(view).success).toBe(true);
    expect(JSON.stringify(t.views)).not.toContain(TOKEN);
    expect(JSON.stringify(t.sink.entries)).not.toContain(TOKEN);
  });

  it('GC-10: a component that never says ready degrades with a clear message on the fake clock', async () => {
    const t = setup();
    await t.manager.signIn('gc');
    await t.manager.openWorkspace('gc');
    await t.clock.advance(9_999);
    expect(t.manager.workspaces.view('gc').phase).toBe('waiting-ready');
    await t.clock.advance(1);
    expect(t.manager.workspaces.view('gc')).toMatchObject({ phase: 'degraded', message: expect.stringMatching(/did not start/) });
    expect(t.posts).toEqual([]);
  });

  it('GC-06: messages of another origin or another frame change nothing', async () => {
    const t = setup();
    await t.manager.signIn('gc');
    await t.manager.openWorkspace('gc');
    t.send({ type: T('ready') }, { origin: 'https://apps.mypurecloud.com' });
    t.send({ type: T('ready') }, { fromComponentFrame: false });
    await flush();
    expect(t.posts).toEqual([]);
    expect(t.manager.workspaces.view('gc').phase).toBe('waiting-ready');
  });

  it('typed errors: not Genesys Cloud, not active, no shell', async () => {
    const t = setup();
    expect(await t.handler('workspace.open', { profileId: 'gc' })).toMatchObject({ ok: false, error: { code: 'session.not-active', action: 'sign-in-again' } });
    await t.manager.signIn('ic');
    expect(await t.handler('workspace.open', { profileId: 'ic' })).toMatchObject({ ok: false, error: { code: 'workspace.not-genesys-cloud' } });
    const bare = setup({ shell: false });
    await bare.manager.signIn('gc');
    expect(await bare.handler('workspace.open', { profileId: 'gc' })).toMatchObject({ ok: false, error: { code: 'workspace.unavailable' } });
    expect(t.requests).toEqual([]);
  });

  it('closes on workspace.close, sign-out and profile removal: surface gone, a closed view published', async () => {
    const t = setup();
    await t.manager.signIn('gc');
    await t.manager.openWorkspace('gc');
    expect(await t.handler('workspace.close', { profileId: 'gc' })).toMatchObject({ ok: true, value: { phase: 'closed' } });
    expect(t.closedCount()).toBe(1);
    await t.manager.openWorkspace('gc');
    await t.manager.signOut('gc');
    expect(t.closedCount()).toBe(2);
    expect(t.views.at(-1)).toMatchObject({ profileId: 'gc', phase: 'closed' });
    // A closed workspace believes nothing more.
    t.send({ type: T('ready') });
    await flush();
    expect(t.posts).toEqual([]);
    // Removing the profile closes its workspace too.
    await t.manager.signIn('gc');
    await t.manager.openWorkspace('gc');
    await t.manager.removeProfile('gc');
    expect(t.closedCount()).toBe(3);
    expect(t.manager.workspaces.view('gc').phase).toBe('closed');
  });

  it('a surface that goes away by itself closes the workspace', async () => {
    const t = setup();
    await t.manager.signIn('gc');
    await t.manager.openWorkspace('gc');
    t.requests[0]!.onGone('the workspace page closed');
    expect(t.manager.workspaces.view('gc').phase).toBe('closed');
    expect(t.closedCount()).toBe(1);
  });

  it('an error from the shell is typed and leaves a degraded view, no token asked', async () => {
    const t = setup();
    await t.manager.signIn('gc');
    (t.manager as unknown as { workspaces: { options: { shell: WorkspaceShellPort } } }).workspaces.options.shell = {
      open: async () => {
        throw new PatchbayError('workspace.host-down', 'The workspace host is not running.');
      },
      setBounds: () => false,
    };
    await expect(t.manager.openWorkspace('gc')).rejects.toMatchObject({ code: 'workspace.host-down' });
    expect(t.manager.workspaces.view('gc')).toMatchObject({ phase: 'degraded', message: 'The workspace host is not running.' });
    expect(t.fresh).toEqual([]);
  });
});
