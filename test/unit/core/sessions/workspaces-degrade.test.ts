// The core's workspace manager (issue 12), scripted surface, fake clock: a degraded workspace gives its
// surface up (an Electron view must not cover the pane's message and sign-in button); reopening makes a new one.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import type { WorkspaceShellPort, WorkspaceSurfaceRequest } from '../../../../main/core/platforms/genesys-cloud/workspace/surface.ts';
import { Workspaces } from '../../../../main/core/sessions/workspaces.ts';
import { ProfileSchema, type WorkspaceView } from '../../../../preload/contract.ts';

const TOKEN = 'gc-token-that-must-stay-in-main';
const T = (s: string) => `genesys-cloud-embed:${s}`;
const profile = ProfileSchema.parse({
  id: 'gc', name: 'GC', platform: 'genesys-cloud', servers: ['https://api.mypurecloud.de'], authMode: 'sso',
  options: { genesysCloud: { region: 'mypurecloud.de', clientId: 'c', redirectUri: 'http://127.0.0.1:48620/callback' } },
});

function setUp(token: () => Promise<string> = async () => TOKEN) {
  const clock = new FakeClock(0);
  const posts: [unknown, string][] = [];
  const requests: WorkspaceSurfaceRequest[] = [];
  let closed = 0;
  const shell: WorkspaceShellPort = {
    open: async (request) => {
      requests.push(request);
      return { frameUrl: 'http://127.0.0.1:1/host?n=x', surface: { post: (m, o) => posts.push([m, o]), close: () => void closed++ } };
    },
    setBounds: () => false,
  };
  const workspaces = new Workspaces({ shell, clock, log: createLogger({ sink: memorySink(), clock }), readyTimeoutMs: 5_000 });
  const views: WorkspaceView[] = [];
  workspaces.events.add((v) => views.push(v));
  const session = { embeddedAccessToken: token };
  const send = (data: unknown) => requests.at(-1)!.onMessage({ origin: 'https://apps.mypurecloud.de', fromComponentFrame: true, data });
  return { clock, posts, requests, views, workspaces, session, send, closed: () => closed };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Workspaces: a degraded workspace', () => {
  it('a failed renewal degrades with words for the agent and gives the surface up; opening again makes a new one', async () => {
    let calls = 0;
    const t = setUp(async () => {
      calls++;
      if (calls === 1) return TOKEN;
      throw new PatchbayError('genesys-cloud.renewal-failed', 'no', { action: 'sign-in-again' });
    });
    await t.workspaces.openFor(profile, t.session);
    t.send({ type: T('ready') });
    await flush();
    t.send({ type: T('token-expiring'), expiresInSeconds: 30 });
    for (let i = 0; i < 10; i++) {
      await t.clock.advance(10_000);
      await flush();
    }
    expect(t.workspaces.view('gc').phase).toBe('degraded');
    expect(t.workspaces.view('gc').message).toMatch(/sign in again/i);
    expect(t.closed()).toBe(1);
    await t.workspaces.openFor(profile, t.session);
    expect(t.requests).toHaveLength(2);
  });
});
