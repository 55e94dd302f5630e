// The Electron workspace view (main/electron/workspace-view.ts, issue 12) under plain Node: a fake
// WebContentsView / partition / ipcMain, and the real preload logic (workspace-host-frame.ts) on a fake
// host page, joined so a message travels component frame → preload → main → core WorkspaceHost and back.
// It proves what the shell asks of Electron and how it routes; Electron's own behaviour is not (no binary).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../main/core/clock.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { WorkspaceHost } from '../../../main/core/platforms/genesys-cloud/workspace/host.ts';
import { workspaceCsp, workspaceOrigins, type WorkspaceOrigins } from '../../../main/core/platforms/genesys-cloud/workspace/origins.ts';
import type { Incoming } from '../../../main/core/platforms/genesys-cloud/workspace/protocol.ts';
import type { WorkspaceSurface } from '../../../main/core/platforms/genesys-cloud/workspace/surface.ts';
import {
  WORKSPACE_HOST_URL,
  WORKSPACE_MAX_MESSAGE_CHARS,
  WORKSPACE_MESSAGE_CHANNEL,
  WORKSPACE_POST_CHANNEL,
  WORKSPACE_SCHEME,
} from '../../../main/electron/workspace-channels.ts';
import { installWorkspaceHost, type HostMessageEvent } from '../../../main/electron/workspace-host-frame.ts';
import { createElectronWorkspaceShell, type ElectronWorkspaceDeps } from '../../../main/electron/workspace-view.ts';
import { componentFrameSrc } from '../../../main/electron/workspace-policy.ts';
import { APP_ORIGIN, isTrustedSender } from '../../../main/electron/policy.ts';
import { createFakeElectron, fakeEvent, type FakeWebContents, type FakeWebContentsView } from './fake-electron.ts';

const TOKEN = 'gc-access-token-4f1c9e0b7a';
const PROFILE = 'lab-gc agent/1';
const PRELOAD = '/opt/patchbay/resources/app.asar/dist/preload/workspace.cjs';
const T = (s: string) => `genesys-cloud-embed:${s}`;

function request(origins: WorkspaceOrigins, over: { componentUrl?: string } = {}) {
  const messages: Incoming[] = [];
  const gone: string[] = [];
  return {
    messages,
    gone,
    request: {
      profileId: PROFILE,
      // As the core's Workspaces passes it: the bare component origin.
      componentUrl: over.componentUrl ?? origins.component,
      origins,
      csp: workspaceCsp(origins),
      onMessage: (m: Incoming) => void messages.push(m),
      onGone: (reason: string) => void gone.push(reason),
    },
  };
}

function setUp(options: { packaged?: boolean; region?: string } = {}) {
  const fake = createFakeElectron();
  const window = new fake.module.BrowserWindow({});
  const sink = memorySink();
  const log = createLogger({ sink, level: 'debug' });
  const deps = { WebContentsView: fake.module.WebContentsView, session: fake.module.session, ipcMain: fake.module.ipcMain } as unknown as ElectronWorkspaceDeps;
  const shell = createElectronWorkspaceShell(deps, { window: () => (window.destroyed ? undefined : (window as never)), preloadPath: PRELOAD, packaged: options.packaged ?? false, log });
  const origins = workspaceOrigins({ region: options.region ?? 'mypurecloud.de' });
  return { fake, window, sink, shell, origins };
}

type Setup = ReturnType<typeof setUp>;

async function openOne(t: Setup, over: { componentUrl?: string } = {}) {
  const r = request(t.origins, over);
  const opened = await t.shell.open(r.request);
  const view = t.fake.views.at(-1) as FakeWebContentsView;
  return { ...r, opened, view, contents: view.webContents, session: t.fake.partitions.get(`workspace-lab-gc_agent_1`) };
}

/** The IPC event Electron would give main for a message from `contents`' frame at `url`. */
function ipcEvent(contents: FakeWebContents, url = WORKSPACE_HOST_URL, parent: unknown = null) {
  return { sender: contents, senderFrame: { url, parent } };
}

/** The preload on a fake host page whose iframe is the component; wired to the fake ipcMain and webContents.send. */
function hostPage(t: Setup, contents: FakeWebContents, componentSrc: string) {
  const posted: { message: unknown; targetOrigin: string }[] = [];
  const componentWindow = { postMessage: (message: unknown, targetOrigin: string) => void posted.push({ message, targetOrigin }) };
  const otherWindow = { postMessage: () => undefined };
  const listeners: ((event: HostMessageEvent) => void)[] = [];
  const postListeners: ((event: unknown, payload: unknown) => void)[] = [];
  installWorkspaceHost(
    { addEventListener: (_type, listener) => void listeners.push(listener), document: { getElementById: (id) => (id === 'component' ? { src: componentSrc, contentWindow: componentWindow } : null) } },
    {
      send: (channel, payload) => t.fake.ipcEvents.emit(channel, ipcEvent(contents), payload),
      on: (channel, listener) => void (channel === WORKSPACE_POST_CHANNEL && postListeners.push(listener)),
    },
  );
  // main's webContents.send reaches the preload's ipcRenderer.on (structured clone, as IPC does).
  const send = contents.send.bind(contents);
  contents.send = (...args: unknown[]) => {
    send(...args);
    for (const listener of postListeners) listener({}, structuredClone(args[1]));
  };
  const fromComponent = (data: unknown, origin = new URL(componentSrc).origin) => listeners.forEach((l) => l({ origin, source: componentWindow, data }));
  const fromOtherFrame = (data: unknown, origin = new URL(componentSrc).origin) => listeners.forEach((l) => l({ origin, source: otherWindow, data }));
  return { posted, fromComponent, fromOtherFrame };
}

describe('Electron workspace view: the view itself', () => {
  it('GC-04: a locked-down WebContentsView in its own in-memory partition with main\'s preload, over the main window', async () => {
    const t = setUp();
    const { view, opened } = await openOne(t);
    expect(view.options.webPreferences).toEqual({
      partition: 'workspace-lab-gc_agent_1',
      preload: PRELOAD,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: true,
    });
    expect(String(view.options.webPreferences?.partition)).not.toMatch(/^persist:/);
    expect(t.window.contentView.children).toEqual([view]);
    expect(view.bounds).toEqual({ x: 0, y: 0, width: 0, height: 0 }); // hidden until the pane reports its place
    expect(view.webContents.loadedUrls).toEqual([WORKSPACE_HOST_URL]);
    expect(opened.frameUrl).toBeUndefined(); // the renderer frames nothing in Electron
  });

  it('a packaged build: no DevTools in the view, and DevTools forced open are closed', async () => {
    const t = setUp({ packaged: true });
    const { view } = await openOne(t);
    expect(view.options.webPreferences).toMatchObject({ devTools: false });
    view.webContents.openDevTools();
    expect(view.webContents.devToolsOpen).toBe(false);
  });

  it('GC-08: the partition serves the host page with exactly the CSP the core computed, for several regions', async () => {
    for (const region of ['mypurecloud.com', 'mypurecloud.de', 'usw2.pure.cloud', 'mypurecloud.com.au']) {
      const t = setUp({ region });
      const { session, request: req } = await openOne(t);
      const handler = session?.protocolHandlers.get(WORKSPACE_SCHEME);
      if (!handler) throw new Error('patchbay-workspace:// not handled in the partition');
      for (const path of ['', 'host.css', 'nothing-here']) {
        const response = await handler(new Request(`${WORKSPACE_HOST_URL}${path}`));
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(csp, `${region} /${path}`).toBe(req.csp);
        const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
        expect(directives['frame-src']).toEqual([`https://apps.${region}`]);
        expect(directives['connect-src']).toEqual(["'self'", `https://api.${region}`, `wss://streaming.${region}`]);
        expect(csp).not.toContain('*');
      }
      // Only this partition knows the scheme: the main window's session serves none of it.
      expect(t.window.webContents.session).not.toBe(session);
    }
  });

  it('GC-04: the host page frames the component URL plus the host origin as `parent` (no token), sends no referrer and cannot navigate the host', async () => {
    const t = setUp();
    const { session } = await openOne(t, { componentUrl: 'https://apps.mypurecloud.de/embed?lang=de&x="<>' });
    const page = await (await session!.protocolHandlers.get(WORKSPACE_SCHEME)!(new Request(WORKSPACE_HOST_URL))).text();
    const src = /<iframe id="component"[^>]* src="([^"]*)"/.exec(page)?.[1]?.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(src).toBe('https://apps.mypurecloud.de/embed?lang=de&x=%22%3C%3E&parent=patchbay-workspace%3A%2F%2Fhost');
    expect(page).toContain('x=%22%3C%3E&amp;parent='); // attribute-escaped
    expect(page).toContain('referrerpolicy="no-referrer"');
    expect(page).toMatch(/sandbox="allow-scripts allow-same-origin allow-forms"/); // no allow-top-navigation
    expect(page).not.toContain('<script');
    const other = await session!.protocolHandlers.get(WORKSPACE_SCHEME)!(new Request('patchbay-workspace://elsewhere/'));
    expect(other.status).toBe(404);
  });

  it('GC-04: the host page cannot drive the app: the app\'s invoke channel refuses its origin; a `parent` in the component URL is replaced', () => {
    expect(isTrustedSender(WORKSPACE_HOST_URL, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender('app://patchbay/index.html', APP_ORIGIN)).toBe(true);
    expect(componentFrameSrc('https://apps.mypurecloud.de/?parent=https%3A%2F%2Fevil.example')).toBe('https://apps.mypurecloud.de/?parent=patchbay-workspace%3A%2F%2Fhost');
  });

  it('refuses a component URL that is not on the allowed component origin, and opening without a window', async () => {
    const t = setUp();
    await expect(t.shell.open(request(t.origins, { componentUrl: 'https://apps.mypurecloud.de.evil.example/' }).request)).rejects.toMatchObject({ code: 'workspace.invalid-component' });
    await expect(t.shell.open(request(t.origins, { componentUrl: 'javascript:alert(1)' }).request)).rejects.toBeInstanceOf(PatchbayError);
    expect(t.fake.views).toHaveLength(0);
    t.window.destroyed = true;
    await expect(t.shell.open(request(t.origins).request)).rejects.toMatchObject({ code: 'workspace.no-window' });
  });

  it('refuses navigation outside the host page and the component origin; denies new windows, <webview> and permissions', async () => {
    const t = setUp();
    const { contents, session } = await openOne(t);
    const nav = (name: string, fields: Record<string, unknown>) => {
      const event = fakeEvent(fields);
      contents.emit(name, event);
      return event.defaultPrevented;
    };
    expect(nav('will-navigate', { url: 'https://evil.example/' })).toBe(true);
    expect(nav('will-navigate', { url: 'app://patchbay/index.html' })).toBe(true);
    expect(nav('will-navigate', { url: WORKSPACE_HOST_URL })).toBe(false);
    const hostFrame = { parent: null };
    const componentFrame = { parent: hostFrame };
    const nestedFrame = { parent: componentFrame };
    expect(nav('will-frame-navigate', { url: 'https://apps.mypurecloud.de/next', isMainFrame: false, frame: componentFrame })).toBe(false);
    expect(nav('will-frame-navigate', { url: 'https://evil.example/', isMainFrame: false, frame: componentFrame })).toBe(true);
    expect(nav('will-frame-navigate', { url: 'https://apps.mypurecloud.com/', isMainFrame: false, frame: componentFrame })).toBe(true); // another region
    expect(nav('will-frame-navigate', { url: 'https://evil.example/', isMainFrame: true, frame: hostFrame })).toBe(true);
    expect(nav('will-frame-navigate', { url: 'https://login.mypurecloud.de/', isMainFrame: false, frame: nestedFrame })).toBe(false); // the component's own frames
    expect(nav('will-redirect', { url: 'https://evil.example/', isMainFrame: false, frame: componentFrame })).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://apps.mypurecloud.de/popup' })).toEqual({ action: 'deny' });
    const attach = fakeEvent({});
    contents.emit('will-attach-webview', attach, {}, {});
    expect(attach.defaultPrevented).toBe(true);
    const granted: boolean[] = [];
    session?.permissionRequestHandler?.(contents, 'media', (g) => void granted.push(g), {});
    expect(granted).toEqual([false]);
    expect(session?.permissionCheckHandler?.(contents, 'media', 'https://apps.mypurecloud.de', {})).toBe(false);
    // Logged by origin only.
    expect(JSON.stringify(t.sink.entries)).not.toContain('evil.example/');
  });

  it('setBounds places the view over the pane; unknown profiles are not placed', async () => {
    const t = setUp();
    const { view } = await openOne(t);
    expect(t.shell.setBounds(PROFILE, { x: 12, y: 80, width: 640, height: 480 })).toBe(true);
    expect(view.bounds).toEqual({ x: 12, y: 80, width: 640, height: 480 });
    expect(t.shell.setBounds('other', { x: 0, y: 0, width: 1, height: 1 })).toBe(false);
  });

  it('close removes and destroys the view, forgets the host page and clears the partition; idempotent', async () => {
    const t = setUp();
    const { opened, view, session, gone } = await openOne(t);
    opened.surface.close();
    opened.surface.close();
    expect(t.window.contentView.children).toEqual([]);
    expect(view.webContents.closeCalls).toBe(1);
    expect(view.webContents.isDestroyed()).toBe(true);
    expect(session?.protocolHandlers.has(WORKSPACE_SCHEME)).toBe(false);
    expect(session?.storageCleared).toBe(1);
    expect(session?.cacheCleared).toBe(1);
    expect(gone).toEqual([]); // our own close is not "gone"
    expect(t.shell.setBounds(PROFILE, { x: 0, y: 0, width: 10, height: 10 })).toBe(false);
    const sent = view.webContents.sent.length;
    opened.surface.post({ type: 'ack' }, t.origins.component);
    expect(view.webContents.sent).toHaveLength(sent);
  });

  it('a second open replaces the first view; the partition serves the new page', async () => {
    const t = setUp();
    const first = await openOne(t);
    const second = await openOne(t);
    expect(first.view.webContents.isDestroyed()).toBe(true);
    expect(t.window.contentView.children).toEqual([second.view]);
    expect(second.session?.protocolHandlers.has(WORKSPACE_SCHEME)).toBe(true);
  });

  it('reports the view gone on a crash, an outside destroy, a failed load or the window closing', async () => {
    const t = setUp();
    const crash = await openOne(t);
    crash.contents.emit('render-process-gone', fakeEvent({}), { reason: 'crashed', exitCode: 1 });
    expect(crash.gone).toEqual(['render-process-gone:crashed']);
    expect(crash.contents.isDestroyed()).toBe(true);
    expect(t.window.contentView.children).toEqual([]);

    const destroyed = await openOne(t);
    destroyed.contents.destroyed = true;
    destroyed.contents.emit('destroyed');
    expect(destroyed.gone).toEqual(['destroyed']);

    const failed = await openOne(t);
    failed.contents.emit('did-fail-load', fakeEvent({}), -3, 'ERR_ABORTED', WORKSPACE_HOST_URL, true);
    expect(failed.gone).toEqual([]);
    failed.contents.emit('did-fail-load', fakeEvent({}), -105, 'ERR_NAME_NOT_RESOLVED', WORKSPACE_HOST_URL, true);
    expect(failed.gone).toEqual(['load-failed']);

    const windowClosed = await openOne(t);
    t.window.emit('closed');
    expect(windowClosed.gone).toEqual(['window-closed']);
    expect(windowClosed.contents.isDestroyed()).toBe(true);
  });
});

describe('Electron workspace view: messages', () => {
  it('GC-06: forwards only what the view\'s own host page sends; other webContents, sub-frames, malformed and oversize payloads are dropped and logged once', async () => {
    const t = setUp();
    const { contents, messages } = await openOne(t);
    const payload = { origin: t.origins.component, fromComponentFrame: true, data: { type: T('ready') } };
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(contents), payload);
    expect(messages).toEqual([payload]);

    const stranger = t.fake.windows[0]!.webContents; // the main window's renderer, for one
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(stranger), payload);
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(stranger), payload);
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(contents, 'https://apps.mypurecloud.de/', { parent: null }), payload);
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(contents, 'app://patchbay/index.html'), payload);
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(contents), { ...payload, extra: 1 });
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(contents), { origin: 7, fromComponentFrame: true, data: {} });
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(contents), 'not an object');
    t.fake.ipcEvents.emit(WORKSPACE_MESSAGE_CHANNEL, ipcEvent(contents), { ...payload, data: 'x'.repeat(WORKSPACE_MAX_MESSAGE_CHARS + 1) });
    expect(messages).toHaveLength(1);
    const dropped = t.sink.entries.filter((e) => e.event === 'workspace.ipc-dropped').map((e) => e.reason);
    expect(dropped).toEqual(['unknown-sender', 'wrong-frame', 'malformed', 'oversize']);
  });

  it('GC-07: post sends to the view only with the exact component origin; "*" and other origins are refused and logged', async () => {
    const t = setUp();
    const { opened, contents } = await openOne(t);
    opened.surface.post({ type: 'ack', status: 'received' }, 'https://apps.mypurecloud.de');
    expect(contents.sent).toEqual([[WORKSPACE_POST_CHANNEL, { message: { type: 'ack', status: 'received' }, targetOrigin: 'https://apps.mypurecloud.de' }]]);
    for (const target of ['*', 'https://apps.mypurecloud.com', 'https://apps.mypurecloud.de/', 'http://apps.mypurecloud.de', '/']) {
      opened.surface.post({ type: T('token'), accessToken: TOKEN }, target);
    }
    expect(contents.sent).toHaveLength(1);
    expect(t.sink.entries.filter((e) => e.event === 'workspace.post-refused')).toHaveLength(5);
    expect(JSON.stringify(t.sink.entries)).not.toContain(TOKEN);
  });

  it('GC-07: the preload posts to the component frame only with its exact origin, whatever main asks', () => {
    const t = setUp();
    const contents = t.fake.windows[0]!.webContents;
    const page = hostPage(t, contents, 'https://apps.mypurecloud.de/?parent=x');
    for (const targetOrigin of ['*', 'https://apps.mypurecloud.com', 'https://evil.example', 7]) contents.send(WORKSPACE_POST_CHANNEL, { message: { type: 'x' }, targetOrigin });
    contents.send(WORKSPACE_POST_CHANNEL, 'garbage');
    expect(page.posted).toEqual([]);
    contents.send(WORKSPACE_POST_CHANNEL, { message: { type: 'ack' }, targetOrigin: 'https://apps.mypurecloud.de' });
    expect(page.posted).toEqual([{ message: { type: 'ack' }, targetOrigin: 'https://apps.mypurecloud.de' }]);
  });

  it('GC-06: the preload marks which frame sent a message and drops oversize or unserialisable ones', async () => {
    const t = setUp();
    const { contents, messages } = await openOne(t);
    const page = hostPage(t, contents, 'https://apps.mypurecloud.de/');
    page.fromComponent({ type: T('ready') });
    page.fromOtherFrame({ type: T('ready') });
    page.fromComponent({ type: T('ready') }, 'https://evil.example');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    page.fromComponent(cyclic);
    page.fromComponent('y'.repeat(WORKSPACE_MAX_MESSAGE_CHARS + 10));
    expect(messages).toEqual([
      { origin: 'https://apps.mypurecloud.de', fromComponentFrame: true, data: { type: T('ready') } },
      { origin: 'https://apps.mypurecloud.de', fromComponentFrame: false, data: { type: T('ready') } },
      { origin: 'https://evil.example', fromComponentFrame: true, data: { type: T('ready') } },
    ]);
  });

  it('GC-04 / GC-07: end to end with the core\'s WorkspaceHost — ack, then the token only by postMessage to the exact component origin; never in a URL, the page or a log', async () => {
    const t = setUp();
    const clock = new FakeClock(0);
    const core: { host?: WorkspaceHost } = {};
    const r = request(t.origins);
    const opened = await t.shell.open({ ...r.request, onMessage: (m) => core.host?.receive(m) });
    const surface: WorkspaceSurface = opened.surface;
    const view = t.fake.views.at(-1)!;
    const host = new WorkspaceHost({
      origins: t.origins,
      clock,
      log: createLogger({ sink: t.sink, level: 'debug', clock }),
      port: { post: (m, o) => surface.post(m, o) },
      accessToken: async () => TOKEN,
      onView: () => undefined,
    });
    core.host = host;
    const page = hostPage(t, view.webContents, r.request.componentUrl);
    page.fromOtherFrame({ type: T('ready') }); // right origin, wrong frame: nothing
    page.fromComponent({ type: T('ready') }, 'https://apps.mypurecloud.com'); // wrong origin: nothing
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(page.posted).toEqual([]);
    page.fromComponent({ type: T('ready') });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(page.posted).toEqual([
      { message: { type: 'ack', status: 'received' }, targetOrigin: 'https://apps.mypurecloud.de' },
      { message: { type: T('token'), accessToken: TOKEN }, targetOrigin: 'https://apps.mypurecloud.de' },
    ]);
    page.fromComponent({ type: T('session-start'), userId: 'agent-1' });
    expect(host.view.phase).toBe('active');
    // Nowhere else: URLs the view loaded, the page it was served, the log.
    const session = t.fake.partitions.get('workspace-lab-gc_agent_1')!;
    const served = await (await session.protocolHandlers.get(WORKSPACE_SCHEME)!(new Request(WORKSPACE_HOST_URL))).text();
    expect(view.webContents.loadedUrls.join(' ')).not.toContain(TOKEN);
    expect(served).not.toContain(TOKEN);
    expect(JSON.stringify(t.sink.entries)).not.toContain(TOKEN);
    expect(JSON.stringify(host.view)).not.toContain(TOKEN);
    surface.close();
  });
});
