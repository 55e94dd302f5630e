// Request traces for diagnostics: an adapter that makes its HttpSession through
// PlatformContext.createHttpSession gets the core's dispatcher, and its redacted trace is kept by the
// SessionManager (live and after the session ends) and lands in the zip without secrets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../../preload/contract.ts';
import { buildDiagnosticsZip } from '../../../main/core/diagnostics/export.ts';
import { nullLogger } from '../../../main/core/log.ts';
import { createDispatcher, type CreatedDispatcher } from '../../../main/core/net/proxy.ts';
import { Listeners, SIGNED_OUT_VIEW, type PlatformContext, type PlatformSessionFactory, type SessionView } from '../../../main/core/platforms/platform.ts';
import { MemoryProfileStore } from '../../../main/core/sessions/profile-store.ts';
import { SessionManager } from '../../../main/core/sessions/session-manager.ts';
import { startForwardProxy, type ForwardProxy } from '../proxy/forward-proxy.ts';

const CODE = 'oauth-code-7731';
const BEARER = 'bearer-value-55aa';

let server: ReturnType<typeof createServer>;
let base: string;
let proxy: ForwardProxy;
let network: CreatedDispatcher;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy = await startForwardProxy();
  network = createDispatcher({ proxy: { url: proxy.url }, env: {} });
});

afterAll(async () => {
  await network.close();
  await proxy.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const profile = { id: 'traced', name: 'Traced', platform: 'finesse', servers: ['https://x.example.com'], authMode: 'sso', language: 'en-US', applicationName: 'Patchbay', options: {} } as unknown as Profile;

// Signs in by calling the local server through context.createHttpSession().
const factory: PlatformSessionFactory = (context: PlatformContext) => {
  const views = new Listeners<SessionView>();
  let view: SessionView = SIGNED_OUT_VIEW;
  const http = context.createHttpSession!();
  return {
    get view() {
      return view;
    },
    signInOptions: async () => ({ credentialsForm: false, identityProviders: [], userNameRequired: false, extensionRequired: false }),
    signIn: async () => {
      await http.request({ url: `${base}/callback?code=${CODE}&state=ok`, headers: { authorization: `Bearer ${BEARER}` } });
      view = { phase: 'active', selectableStates: [] };
      views.emit(view);
    },
    signOut: async () => {
      view = SIGNED_OUT_VIEW;
      views.emit(view);
    },
    cancel: () => undefined,
    listStates: async () => [],
    setAgentState: async () => undefined,
    onView: (l) => views.add(l),
    dispose: () => undefined,
  };
};

describe('request traces for diagnostics', () => {
  it('uses the core dispatcher and keeps the redacted trace after the session ends', async () => {
    const manager = new SessionManager({ profiles: new MemoryProfileStore([profile]), factories: { finesse: factory }, log: nullLogger, dispatcher: network.dispatcher });
    await manager.signIn('traced');
    // The proxy saw it: the adapter's HttpSession got the core's dispatcher.
    expect(proxy.hits.map((h) => h.method)).toEqual(['GET']);
    expect(manager.recentTraces()).toHaveLength(1);
    await manager.signOut('traced');
    const traces = manager.recentTraces();
    expect(traces).toHaveLength(1);
    expect(traces[0]?.entries[0]).toMatchObject({ method: 'GET', status: 200, url: `${base}/callback?code=[redacted]&state=ok`, sentHeaders: ['authorization'] });

    const { zip } = await buildDiagnosticsZip({ appVersion: '1', shell: 'test', createdAt: new Date().toISOString(), traces, transitions: manager.recentTransitions() });
    const text = Object.values(unzipSync(zip)).map((bytes) => strFromU8(bytes)).join('\n');
    expect(text).toContain('/callback?code=[redacted]&state=ok');
    expect(text).not.toContain(CODE);
    expect(text).not.toContain(BEARER);
    expect(manager.recentTransitions().map((t) => t.phase)).toEqual(['active', 'signed-out']);
  });
});
