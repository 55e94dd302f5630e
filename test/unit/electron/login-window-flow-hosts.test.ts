// issue 8 item 6, Electron adapter (driven by fakes): with no ssoAllowedHosts the window allows the
// profile's host and the IdP host it redirects to, refuses a host an IdP page goes to by itself, and
// completes on ININ-STS-Token only from the profile's host [ICWS-11].
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { PatchbayError } from '../../../main/core/errors.ts';
import { nullLogger } from '../../../main/core/log.ts';
import { createElectronLoginWindow, type ElectronLoginWindowDeps } from '../../../main/electron/login-window.ts';

type Details = { url: string; resourceType: string; webContentsId: number; statusCode?: number; responseHeaders?: Record<string, string[]> };
type Listener = (d: Details, cb: (r: { cancel?: boolean }) => void) => void;

class FakeSession {
  beforeRequest: Listener | null = null;
  headersReceived: Listener | null = null;
  readonly webRequest = {
    onBeforeRequest: (_f: unknown, l: Listener | null) => (this.beforeRequest = l),
    onHeadersReceived: (_f: unknown, l: Listener | null) => (this.headersReceived = l),
  };
  readonly cookies = { get: async () => [], set: async () => undefined };
  setPermissionRequestHandler(): void {}
  setPermissionCheckHandler(): void {}
}

class FakeContents extends EventEmitter {
  static nextId = 100;
  readonly id = FakeContents.nextId++;
  current = '';
  readonly debugger = {
    attach: () => {
      throw new Error('no debugger here');
    },
  };
  getURL(): string {
    return this.current;
  }
  setWindowOpenHandler(): void {}
}

class FakeWindow extends EventEmitter {
  static last: FakeWindow | undefined;
  readonly webContents = new FakeContents();
  destroyed = false;
  constructor() {
    super();
    FakeWindow.last = this;
  }
  async loadURL(): Promise<void> {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isVisible(): boolean {
    return false;
  }
  show(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  title = '';
  menu: unknown = 'default';
  setMenu(menu: unknown): void {
    this.menu = menu;
  }
  setTitle(title: string): void {
    this.title = title;
  }
}

const ICWS = 'https://ic.example.com';
const tick = () => new Promise((r) => setImmediate(r));

async function start() {
  const ses = new FakeSession();
  const deps = { BrowserWindow: FakeWindow, session: { fromPartition: () => ses } } as unknown as ElectronLoginWindowDeps;
  const run = createElectronLoginWindow(deps, { log: nullLogger }).run({ url: `${ICWS}/sso/start`, profileId: 'p', visible: 'never', timeoutMs: 5_000, until: [{ responseHeader: 'ININ-STS-Token' }], profileHosts: ['ic.example.com'] });
  run.catch(() => undefined);
  await tick();
  const win = FakeWindow.last!;
  const id = win.webContents.id;
  const request = (url: string) => {
    let answer: { cancel?: boolean } = {};
    ses.beforeRequest!({ url, resourceType: 'mainFrame', webContentsId: id }, (r) => (answer = r));
    return answer;
  };
  const response = (url: string, statusCode: number, responseHeaders: Record<string, string[]>) =>
    ses.headersReceived!({ url, resourceType: 'mainFrame', webContentsId: id, statusCode, responseHeaders }, () => undefined);
  return { run, win, request, response };
}

describe('the Electron sign-in window without ssoAllowedHosts', () => {
  it('allows the IdP the profile host redirects to, and refuses a host the IdP page goes to by itself', async () => {
    const { run, win, request, response } = await start();
    expect(request(`${ICWS}/sso/start`)).toEqual({});
    response(`${ICWS}/sso/start`, 302, { Location: ['https://idp.example.org/sso'] });
    expect(request('https://idp.example.org/sso')).toEqual({});
    win.webContents.current = 'https://idp.example.org/sso';
    expect(request('https://phish.example.net/')).toEqual({ cancel: true });
    expect(((await run.catch((e: unknown) => e)) as PatchbayError).code).toBe('login.failed');
  });

  it('completes on ININ-STS-Token from the profile host only [ICWS-11]', async () => {
    const { run, response } = await start();
    response('https://idp.example.org/acs', 200, { 'ININ-STS-Token': ['planted'] });
    await tick();
    response(`${ICWS}/sso/return`, 200, { 'ININ-STS-Token': ['real'] });
    expect((await run).headers['inin-sts-token']).toBe('real');
  });
});
