// The embedded Genesys workspace over real sockets (issue 12): the Genesys Cloud lab (real OAuth sign-in),
// the emulated component on its own origin (lab/genesys-cloud-component), the browser shell's host page on
// a third origin (main/browser-shell/workspace-host.ts), and a stand-in renderer page on a fourth origin,
// all in real Chromium. The core's Workspaces drives the protocol; the tests watch what crosses each line.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBrowserWorkspaceHost, type BrowserWorkspaceHost } from '../../../main/browser-shell/workspace-host.ts';
import { createLabCookieJar, labLogin, startGenesysCloudLab, type GenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import { startComponentLab, type ComponentLab } from '../../../lab/genesys-cloud-component/index.ts';
import type { LoginWindow } from '../../../main/core/auth/login-window.ts';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { createGenesysCloudAuth } from '../../../main/core/platforms/genesys-cloud/auth.ts';
import { MemorySecretStore, profileSecrets } from '../../../main/core/secrets/secret-store.ts';
import type { EmbeddableSession } from '../../../main/core/platforms/genesys-cloud/workspace/surface.ts';
import { Workspaces } from '../../../main/core/sessions/workspaces.ts';
import { ProfileSchema, type Profile, type WorkspaceView } from '../../../preload/contract.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
});
afterAll(async () => {
  await browser?.close();
});

interface Rig {
  lab: GenesysCloudLab;
  component: ComponentLab;
  host: BrowserWorkspaceHost;
  renderer: Server;
  rendererOrigin: string;
  workspaces: Workspaces;
  profile: Profile;
  sink: ReturnType<typeof memorySink>;
  /** Every token the session handed out (read here, in main, for the assertions only). */
  handed: string[];
  views: WorkspaceView[];
  page: Page;
  urls: string[];
  session: EmbeddableSession;
}
let rig: Rig | undefined;
afterEach(async () => {
  if (!rig) return;
  rig.workspaces.closeAll();
  await rig.page.close();
  await rig.host.close();
  await new Promise<void>((r) => rig!.renderer.close(() => r()));
  await rig.component.close();
  await rig.lab.close();
  rig = undefined;
});

async function setUp(options: { readyTimeoutMs?: number } = {}): Promise<Rig> {
  const sink = memorySink();
  const log = createLogger({ sink, level: 'debug', clock: systemClock });
  const lab = await startGenesysCloudLab();
  const component = await startComponentLab({ apiBase: lab.apiBase, expiringAfterMs: 800 });
  const user = lab.users[0]!;
  const jar = createLabCookieJar();
  const loginWindow: LoginWindow = {
    run: async (request) => {
      const r = await labLogin(lab, user.userName, request.url, { jar });
      return { completion: request.until[0]!, url: r.callbackUrl, status: 302, headers: {} };
    },
  };
  const profile = ProfileSchema.parse({
    id: 'lab-gc', name: 'Lab GC', platform: 'genesys-cloud', servers: [lab.apiBase], authMode: 'sso', userName: user.userName,
    options: { genesysCloud: { loginBase: lab.loginBase, clientId: lab.clientId, redirectUri: lab.redirectUri, loginMethod: 'login-window', componentUrl: component.origin } },
  });
  const auth = createGenesysCloudAuth(
    { profile, clock: systemClock, log, secrets: profileSecrets(new MemorySecretStore(), profile.id), loginWindow, createHttpSession: () => new HttpSession({ profileId: profile.id, log, clock: systemClock }) },
    { startupMarginMs: 10 * 3600_000 },
  );
  await auth.signIn();
  const handed: string[] = [];
  // The renderer stand-in: another loopback origin that frames the host page, like the browser shell.
  const renderer = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>renderer</title><iframe id="ws" src="${src.replace(/"/g, '')}" style="width:600px;height:400px"></iframe>`);
  });
  await new Promise<void>((r) => renderer.listen(0, '127.0.0.1', () => r()));
  const rendererOrigin = `http://127.0.0.1:${(renderer.address() as AddressInfo).port}`;
  const host = createBrowserWorkspaceHost();
  await host.start(log);
  host.setRendererOrigin(rendererOrigin);
  const workspaces = new Workspaces({ shell: host, clock: systemClock, log, ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}) });
  const views: WorkspaceView[] = [];
  workspaces.events.add((v) => views.push(v));
  const page = await browser.newPage();
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  // seed 004 GC-05: the session's own auth, renewed right before each hand-over.
  const session: EmbeddableSession = {
    embeddedAccessToken: async (o) => {
      const token = await auth.accessToken({ fresh: o.fresh });
      handed.push(token);
      return token;
    },
  };
  rig = { lab, component, host, renderer, rendererOrigin, workspaces, profile, sink, handed, views, page, urls, session };
  return rig;
}

async function open(r: Rig): Promise<{ frameUrl: string; opened: number }> {
  const opened = Date.now();
  const view = await r.workspaces.openFor(r.profile, r.session);
  expect(view.frameUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/host\?n=/);
  await r.page.goto(`${r.rendererOrigin}/?src=${encodeURIComponent(view.frameUrl!)}`);
  return { frameUrl: view.frameUrl!, opened };
}
const phase = (r: Rig) => r.workspaces.view(r.profile.id).phase;
const ignored = (r: Rig, kind: string) => r.sink.entries.filter((e) => e.event === 'workspace.message.ignored' && JSON.stringify(e).includes(kind));
function frameOf(r: Rig, origin: string): Frame {
  const f = r.page.frames().find((x) => x.url().startsWith(origin));
  if (!f) throw new Error(`no frame of ${origin}`);
  return f;
}

describe('Genesys workspace through the browser shell host page (real Chromium, lab component, GC lab)', () => {
  it('GC-04 / GC-05: handshake, fresh token handed over only by postMessage, renewal on token-expiring; no token in any URL or log', async () => {
    const r = await setUp();
    const { opened } = await open(r);
    await expect.poll(() => phase(r), { timeout: 15_000 }).toBe('active');
    console.log(`[bench] open workspace → component session-start: ${Date.now() - opened} ms (lab, loopback)`);
    expect(r.workspaces.view(r.profile.id).userId).toBe(r.lab.users[0]!.id);
    // token-expiring (800 ms after session-start) → a second fresh token, accepted by the component.
    await expect.poll(() => r.component.validations.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => phase(r), { timeout: 5_000 }).toBe('active');
    expect(r.component.validations.slice(0, 2)).toEqual(['ok', 'ok']);
    expect(r.handed.length).toBeGreaterThanOrEqual(2);
    expect(new Set(r.handed).size).toBe(r.handed.length); // GC-05: each hand-over a fresh token
    expect(r.views.map((v) => v.phase)).toEqual(expect.arrayContaining(['opening', 'waiting-ready', 'waiting-session', 'active', 'renewing']));
    for (const token of r.handed) {
      for (const url of r.urls) expect(url).not.toContain(token);
      expect(JSON.stringify(r.views)).not.toContain(token);
      expect(JSON.stringify(r.sink.entries)).not.toContain(token);
    }
    // The renderer's own page (another origin) cannot read the host page: cross-origin access throws.
    const readable = await r.page.evaluate(() => {
      try {
        return String((document.getElementById('ws') as HTMLIFrameElement).contentWindow!.document.body.innerHTML);
      } catch {
        return 'blocked';
      }
    });
    expect(readable).toBe('blocked');
  });

  it('GC-06 / GC-10: a replayed ready, a foreign origin, a message from the wrong frame and a malformed one are ignored and logged once each', async () => {
    const r = await setUp();
    r.component.controls.replayReady = true;
    r.component.controls.wrongOrigin = true;
    await open(r);
    await expect.poll(() => phase(r), { timeout: 15_000 }).toBe('active');
    await expect.poll(() => ignored(r, 'replayed-ready').length, { timeout: 5_000 }).toBe(1);
    await expect.poll(() => ignored(r, 'wrong-origin').length, { timeout: 5_000 }).toBe(1);
    // A child frame of the component's own origin (right origin, wrong source), then the component sending garbage.
    const componentFrame = frameOf(r, r.component.origin);
    for (let i = 0; i < 3; i++) {
      await componentFrame.evaluate(() => {
        const child = document.createElement('iframe');
        child.srcdoc = `<script>parent.parent.postMessage({ type: 'genesys-cloud-embed:session-start', userId: 'mallory' }, '*')</` + 'script>';
        document.body.append(child);
      });
      await componentFrame.evaluate(() => window.parent.postMessage({ type: 'genesys-cloud-embed:queue-position', position: 'x' }, '*'));
    }
    await expect.poll(() => ignored(r, 'wrong-source').length, { timeout: 5_000 }).toBe(1);
    await expect.poll(() => ignored(r, 'malformed').length, { timeout: 5_000 }).toBe(1);
    expect(r.workspaces.view(r.profile.id).userId).toBe(r.lab.users[0]!.id); // never mallory
    expect(JSON.stringify(r.sink.entries)).not.toContain('mallory');
  });

  it('GC-10: a silent component times out to a clear message', async () => {
    const r = await setUp({ readyTimeoutMs: 1_500 });
    r.component.controls.silent = true;
    await open(r);
    await expect.poll(() => phase(r), { timeout: 10_000 }).toBe('degraded');
    expect(r.workspaces.view(r.profile.id).message).toMatch(/did not start/);
    expect(r.handed).toEqual([]);
  });

  it('the host page URL works once; its channel takes only the host page Origin, once; only the renderer may frame it (GC-08)', async () => {
    const r = await setUp();
    const { frameUrl } = await open(r);
    await expect.poll(() => phase(r), { timeout: 15_000 }).toBe('active');
    expect((await fetch(frameUrl)).status).toBe(403); // nonce consumed
    const nonce = new URL(frameUrl).searchParams.get('n')!;
    const channel = (origin: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${r.host.origin.replace('http', 'ws')}/channel?n=${nonce}`, { origin });
        ws.on('open', () => (ws.close(), resolve('open')));
        ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.on('error', () => resolve('error'));
      });
    expect(await channel(r.rendererOrigin)).toBe('403'); // the renderer never gets the token's channel
    expect(await channel(r.host.origin)).toBe('403'); // and a second channel is refused
    // A second open gets a new page whose CSP names the exact component origin and the renderer as its only ancestor.
    r.workspaces.close(r.profile.id);
    const again = await r.workspaces.openFor(r.profile, r.session);
    const res = await fetch(again.frameUrl!);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-src ${r.component.origin}`);
    expect(csp).toContain(`frame-ancestors ${r.rendererOrigin}`);
    expect(csp).not.toMatch(/\*/);
  });
});
