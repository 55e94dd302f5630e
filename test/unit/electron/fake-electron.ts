// A stand-in for the `electron` module, for tests that vi.mock('electron') so Electron glue can be
// driven under plain Node (the real module would try to download the binary). It records calls in
// order; it proves our wiring, not Electron's behaviour (test/electron/ does that where a binary exists).
import { EventEmitter } from 'node:events';

export type Call = [name: string, ...args: unknown[]];

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  url = '';
  destroyed = false;
  readonly sent: unknown[][] = [];
  readonly session = new FakeSession();
  devToolsOpen = false;
  openDevTools(): void {
    this.devToolsOpen = true;
    this.emit('devtools-opened');
  }
  closeDevTools(): void {
    this.devToolsOpen = false;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
}

export class FakeSession {
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | undefined;
  permissionCheckHandler: ((contents: unknown, permission: string, origin: string, details: unknown) => boolean) | undefined;
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
}

/** A cancellable event like Electron's. */
export function fakeEvent<T extends object>(fields: T): T & { defaultPrevented: boolean; preventDefault(): void } {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export function createFakeElectron() {
  const calls: Call[] = [];
  const record = (name: string, ...args: unknown[]) => calls.push([name, ...args]);
  const windows: FakeBrowserWindow[] = [];

  class FakeBrowserWindow extends EventEmitter {
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((w) => !w.destroyed);
    }
    readonly options: Record<string, unknown>;
    readonly webContents = new FakeWebContents();
    destroyed = false;
    minimized = false;
    shown = false;
    focused = false;
    loaded: string[] = [];
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      windows.push(this);
      record('BrowserWindow', options);
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      this.webContents.url = url;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.minimized = false;
    }
    show(): void {
      this.shown = true;
    }
    focus(): void {
      this.focused = true;
    }
  }

  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  let lock = true;

  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: () => {
      record('app.requestSingleInstanceLock');
      return lock;
    },
    enableSandbox: () => record('app.enableSandbox'),
    whenReady: () => {
      record('app.whenReady');
      return ready;
    },
    getAppPath: () => '/opt/patchbay/resources/app.asar',
    getVersion: () => '0.1.0',
    getName: () => 'Patchbay',
    /** Tests flip it to act as a packaged build. */
    isPackaged: false,
    getPath: (name: string) => `/home/agent/.config/Patchbay#${name}`,
    quit: () => record('app.quit'),
    exit: (code: number) => record('app.exit', code),
    setAppUserModelId: (id: string) => record('app.setAppUserModelId', id),
  });

  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const protocol = {
    registerSchemesAsPrivileged: (schemes: unknown) => record('protocol.registerSchemesAsPrivileged', schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      record('protocol.handle', scheme);
      protocolHandlers.set(scheme, handler);
    },
  };

  const ipcHandlers = new Map<string, (...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: (channel: string, handler: (...args: unknown[]) => unknown) => {
      record('ipcMain.handle', channel);
      ipcHandlers.set(channel, handler);
    },
    removeHandler: (channel: string) => {
      record('ipcMain.removeHandler', channel);
      ipcHandlers.delete(channel);
    },
  };

  // Tray, menus and notifications are recorded apart from `calls` (their order is not the app's).
  const trays: FakeTray[] = [];
  const notifications: { title: string; body: string; shown: boolean }[] = [];
  class FakeTray extends EventEmitter {
    image: unknown;
    tooltip = '';
    title = '';
    menu: unknown;
    destroyed = false;
    constructor(image: unknown) {
      super();
      this.image = image;
      trays.push(this);
    }
    setImage(image: unknown): void {
      this.image = image;
    }
    setToolTip(text: string): void {
      this.tooltip = text;
    }
    setTitle(title: string): void {
      this.title = title;
    }
    setContextMenu(menu: unknown): void {
      this.menu = menu;
    }
    destroy(): void {
      if (this.destroyed) throw new Error('Object has been destroyed');
      this.destroyed = true;
    }
  }
  const applicationMenus: { template: unknown[] }[] = [];
  const Menu = {
    buildFromTemplate: (template: unknown[]) => ({ template }),
    setApplicationMenu: (menu: { template: unknown[] }) => void applicationMenus.push(menu),
  };
  class FakeNotification extends EventEmitter {
    static isSupported(): boolean {
      return true;
    }
    readonly record: { title: string; body: string; shown: boolean };
    constructor(options: { title: string; body: string }) {
      super();
      this.record = { title: options.title, body: options.body, shown: false };
      notifications.push(this.record);
    }
    show(): void {
      this.record.shown = true;
    }
  }
  const nativeImage = { createFromBuffer: (buffer: Buffer) => ({ png: buffer }) };

  const openedExternally: string[] = [];
  const shell = {
    openExternal: async (url: string, options?: { activate?: boolean }) => {
      record('shell.openExternal', url, options);
      openedExternally.push(url);
    },
  };

  const net = { fetch: async (url: string) => new Response(`file body of ${url}`, { headers: { 'Content-Type': 'text/html' } }) };

  return {
    module: { app, BrowserWindow: FakeBrowserWindow, ipcMain, net, protocol, Tray: FakeTray, Menu, Notification: FakeNotification, nativeImage, shell },
    openedExternally,
    calls,
    trays,
    notifications,
    applicationMenus,
    windows,
    protocolHandlers,
    ipcHandlers,
    ready: () => resolveReady(),
    denyLock: () => {
      lock = false;
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
