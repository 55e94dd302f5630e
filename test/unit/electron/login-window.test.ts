// The Electron LoginWindow adapter under plain Node: its pure conversions, and its wiring driven by
// fakes of BrowserWindow / session / debugger (what Electron itself does is proven only where an
// Electron binary exists; this proves what the adapter asks of it and how it reads the answers).
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { LoginWindowRequest } from '../../../main/core/auth/login-window.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { nullLogger } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import {
  browserCookieToElectron,
  createElectronLoginWindow,
  electronCookieToBrowser,
  flattenHeaders,
  LOGIN_WEB_PREFERENCES,
  partitionFor,
  type ElectronLoginWindowDeps,
} from '../../../main/electron/login-window.ts';

describe('pure parts', () => {
  it('gives every profile its own persistent partition', () => {
    expect(partitionFor('lab-icws-agent1')).toBe('persist:profile-lab-icws-agent1');
    expect(partitionFor('a/b c')).toBe('persist:profile-a_b_c');
  });

  it('runs sign-in pages sandboxed, isolated, without Node', () => {
    expect(LOGIN_WEB_PREFERENCES).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(LOGIN_WEB_PREFERENCES).not.toHaveProperty('preload');
  });

  it('converts cookies both ways, keeping host-only versus domain cookies', () => {
    const hostOnly = electronCookieToBrowser({ name: 'a', value: '1', domain: '127.0.0.1', hostOnly: true, path: '/saml', httpOnly: true, secure: false, session: true, sameSite: 'lax' });
    expect(hostOnly).toEqual({ name: 'a', value: '1', domain: '127.0.0.1', path: '/saml', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' });
    expect(browserCookieToElectron(hostOnly!)).toEqual({ url: 'http://127.0.0.1/saml', name: 'a', value: '1', path: '/saml', secure: false, httpOnly: true, sameSite: 'lax' });
    const domain = electronCookieToBrowser({ name: 'b', value: '2', domain: '.example.com', hostOnly: false, path: '/', secure: true, expirationDate: 1_900_000_000.5, sameSite: 'no_restriction' });
    expect(domain).toMatchObject({ domain: '.example.com', expires: 1_900_000_000, sameSite: 'None' });
    expect(browserCookieToElectron(domain!)).toMatchObject({ url: 'https://example.com/', domain: 'example.com', expirationDate: 1_900_000_000, sameSite: 'no_restriction' });
  });

  it('flattens webRequest headers to lower-case names', () => {
    expect(flattenHeaders({ 'ININ-STS-Token': ['t'], 'Set-Cookie': ['a=1', 'b=2'], Vary: ['A', 'B'] })).toEqual({ 'inin-sts-token': 't', 'set-cookie': 'a=1\nb=2', vary: 'A, B' });
  });
});

// ---- fakes ---------------------------------------------------------------------------------------

type BeforeRequest = (d: { url: string; resourceType: string; webContentsId: number }, cb: (r: { cancel?: boolean }) => void) => void;
type HeadersReceived = (d: { url: string; resourceType: string; webContentsId: number; statusCode: number; responseHeaders: Record<string, string[]> }, cb: (r: object) => void) => void;

class FakeSession {
  beforeRequest: BeforeRequest | null = null;
  headersReceived: HeadersReceived | null = null;
  readonly store: Array<Record<string, unknown>> = [];
  readonly webRequest = {
    onBeforeRequest: (_filter: unknown, listener: BeforeRequest | null) => (this.beforeRequest = listener ?? null),
    onHeadersReceived: (_filter: unknown, listener: HeadersReceived | null) => (this.headersReceived = listener ?? null),
  };
  readonly cookies = {
    get: async () => this.store.map((c) => ({ ...c })),
    set: async (details: Record<string, unknown>) => {
      const host = new URL(String(details.url)).hostname;
      this.store.push({ name: details.name, value: details.value, domain: details.domain ? `.${String(details.domain)}` : host, hostOnly: !details.domain, path: details.path, secure: details.secure, httpOnly: details.httpOnly, session: true, sameSite: details.sameSite });
    },
  };
  setPermissionRequestHandler(): void {}
  setPermissionCheckHandler(): void {}
}

class FakeDebugger extends EventEmitter {
  attached = false;
  readonly bodies = new Map<string, string>();
  attach(): void {
    this.attached = true;
  }
  detach(): void {
    this.attached = false;
  }
  async sendCommand(method: string, params?: { requestId: string }): Promise<unknown> {
    if (method === 'Network.getResponseBody') return { body: this.bodies.get(params!.requestId) ?? '', base64Encoded: false };
    return {};
  }
}

class FakeContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeContents.nextId++;
  readonly debugger = new FakeDebugger();
  loaded: string[] = [];
  setWindowOpenHandler(): void {}
}

class FakeBrowserWindow extends EventEmitter {
  static last: FakeBrowserWindow | undefined;
  readonly webContents = new FakeContents();
  readonly options: BrowserWindowConstructorOptions;
  destroyed = false;
  visible = false;
  constructor(options: BrowserWindowConstructorOptions) {
    super();
    this.options = options;
    FakeBrowserWindow.last = this;
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.loaded.push(url);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isVisible(): boolean {
    return this.visible;
  }
  show(): void {
    this.visible = true;
  }
  title = '';
  menu: unknown = 'default';
  setMenu(menu: unknown): void {
    this.menu = menu;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

function setup() {
  const sessions = new Map<string, FakeSession>();
  const deps = {
    BrowserWindow: FakeBrowserWindow,
    session: { fromPartition: (p: string) => sessions.get(p) ?? sessions.set(p, new FakeSession()).get(p)! },
  } as unknown as ElectronLoginWindowDeps;
  return { window: createElectronLoginWindow(deps, { log: nullLogger }), sessions };
}

const request = (extra: Partial<LoginWindowRequest> = {}): LoginWindowRequest => ({
  url: 'https://ic.example.com/icws/connection/single-sign-on/identity-providers/x?singleSignOnCapabilities=saml2Post',
  profileId: 'p1',
  visible: 'always',
  timeoutMs: 5_000,
  until: [{ responseHeader: 'ININ-STS-Token' }],
  ...extra,
});

const tick = () => new Promise((r) => setImmediate(r));

describe('the Electron LoginWindow, driven by fakes', () => {
  it('opens a sandboxed window in the profile partition, completes on the header with the body, syncs cookies', async () => {
    const { window, sessions } = setup();
    const http = new HttpSession({ profileId: 'p1' });
    await http.setCookie('seed=1; Path=/', 'https://ic.example.com/');
    const run = window.run(request({ jar: http.jar }));
    await tick();
    const win = FakeBrowserWindow.last!;
    const ses = sessions.get('persist:profile-p1')!;
    expect(win.options.webPreferences).toMatchObject({ ...LOGIN_WEB_PREFERENCES, partition: 'persist:profile-p1' });
    expect(win.options.webPreferences).not.toHaveProperty('preload');
    expect(win.webContents.loaded).toEqual([request().url]);
    expect(ses.store.map((c) => c.name)).toEqual(['seed']);
    // The IdP set a session cookie during the journey.
    await ses.cookies.set({ url: 'https://idp.example.com/saml', name: 'idp_session', value: 'abc', path: '/saml', secure: true, httpOnly: true });
    const url = 'https://ic.example.com/icws/connection/single-sign-on/return';
    win.webContents.debugger.emit('message', {}, 'Network.responseReceived', { requestId: 'r1', response: { url } });
    win.webContents.debugger.bodies.set('r1', '<title>done</title>');
    ses.headersReceived!({ url, resourceType: 'mainFrame', webContentsId: win.webContents.id, statusCode: 200, responseHeaders: { 'ININ-STS-Token': ['tok'] } }, () => undefined);
    win.webContents.debugger.emit('message', {}, 'Network.loadingFinished', { requestId: 'r1' });
    const result = await run;
    expect(result).toEqual({ completion: { responseHeader: 'ININ-STS-Token' }, url, status: 200, headers: { 'inin-sts-token': 'tok' }, body: '<title>done</title>' });
    expect(win.destroyed).toBe(true);
    expect(ses.beforeRequest).toBeNull(); // listeners removed: the session's webRequest is shared
    expect(await http.cookieHeader('https://idp.example.com/saml/sso')).toBe('idp_session=abc');
  });

  it('is a clean app window whose title is the host of the current page, not the page title (issue 13 item 8)', async () => {
    const { window } = setup();
    const run = window.run(request({ title: 'Sign in to Lab' }));
    run.catch(() => undefined);
    await tick();
    const win = FakeBrowserWindow.last!;
    expect(win.menu).toBeNull();
    expect(win.options.autoHideMenuBar).toBe(true);
    expect(win.options.title).toBe('Sign in — ic.example.com');
    win.webContents.emit('did-navigate', {}, 'https://idp.example.com:8443/saml/sso?SAMLRequest=x');
    expect(win.title).toBe('Sign in — idp.example.com:8443');
    let prevented = false;
    win.emit('page-title-updated', { preventDefault: () => (prevented = true) }, 'Trust me — bank.example');
    expect(prevented).toBe(true);
    win.webContents.emit('did-navigate', {}, 'https://ic.example.com/icws/return');
    expect(win.title).toBe('Sign in — ic.example.com');
    win.destroy();
  });

  it('cancels a main-frame request to a host not allowed, redirect hops included', async () => {
    const { window, sessions } = setup();
    const run = window.run(request({ allowedHosts: ['ic.example.com', 'idp.example.com'] }));
    run.catch(() => undefined);
    await tick();
    const ses = sessions.get('persist:profile-p1')!;
    const id = FakeBrowserWindow.last!.webContents.id;
    const answers: Array<{ cancel?: boolean }> = [];
    ses.beforeRequest!({ url: 'https://idp.example.com/sso', resourceType: 'mainFrame', webContentsId: id }, (r) => answers.push(r));
    ses.beforeRequest!({ url: 'https://cdn.other.net/app.js', resourceType: 'script', webContentsId: id }, (r) => answers.push(r));
    ses.beforeRequest!({ url: 'https://evil.example.net/phish', resourceType: 'mainFrame', webContentsId: id }, (r) => answers.push(r));
    expect(answers).toEqual([{}, {}, { cancel: true }]);
    const error = (await run.catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('login.failed');
    expect(error.message).toContain('evil.example.net');
  });

  it('stops at a redirectTo URL without loading it', async () => {
    const { window, sessions } = setup();
    const run = window.run(request({ until: [{ redirectTo: 'http://127.0.0.1/patchbay/done' }] }));
    await tick();
    const answers: Array<{ cancel?: boolean }> = [];
    sessions.get('persist:profile-p1')!.beforeRequest!({ url: 'http://127.0.0.1/patchbay/done?x=1', resourceType: 'mainFrame', webContentsId: FakeBrowserWindow.last!.webContents.id }, (r) => answers.push(r));
    expect(answers).toEqual([{ cancel: true }]);
    expect((await run).url).toBe('http://127.0.0.1/patchbay/done?x=1');
  });

  it('ends with login.cancelled when the agent closes the window, and login.failed on a load error', async () => {
    const { window } = setup();
    const closed = window.run(request());
    await tick();
    FakeBrowserWindow.last!.emit('closed');
    expect(((await closed.catch((e: unknown) => e)) as PatchbayError).code).toBe('login.cancelled');

    const failing = window.run(request({ profileId: 'p2' }));
    await tick();
    FakeBrowserWindow.last!.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', 'https://ic.example.com/', true); // replaced navigation: ignored
    FakeBrowserWindow.last!.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', 'https://idp.example.com/', true);
    const error = (await failing.catch((e: unknown) => e)) as PatchbayError;
    expect(error.code).toBe('login.failed');
    expect(error.message).toBe('The sign-in page at idp.example.com could not be opened (ERR_CONNECTION_REFUSED).');
  });
});
