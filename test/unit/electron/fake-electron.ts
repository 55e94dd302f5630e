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
  // WebContentsView parts (issue 12 workspace view).
  static #nextId = 1;
  readonly id = FakeWebContents.#nextId++;
  readonly loadedUrls: string[] = [];
  /** Set to make loadURL reject (a failed load). */
  loadError: Error | undefined;
  closeCalls = 0;
  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    this.url = url;
    if (this.loadError) throw this.loadError;
  }
  /** Like Electron: closing destroys the contents and emits 'destroyed'. */
  close(): void {
    this.closeCalls++;
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
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
  // Partition parts (issue 12 workspace view): a per-session protocol registry and storage clearing.
  readonly protocolHandlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  readonly protocol = {
    handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) => {
      // Like Electron: handling a scheme twice is an error.
      if (this.protocolHandlers.has(scheme)) throw new Error(`The scheme has been registered: ${scheme}`);
      this.protocolHandlers.set(scheme, handler);
    },
    unhandle: (scheme: string) => void this.protocolHandlers.delete(scheme),
    isProtocolHandled: (scheme: string) => this.protocolHandlers.has(scheme),
  };
  storageCleared = 0;
  cacheCleared = 0;
  async clearStorageData(): Promise<void> {
    this.storageCleared++;
  }
  async clearCache(): Promise<void> {
    this.cacheCleared++;
  }
}

/** A WebContentsView: its own webContents (whose session is the partition's), bounds, options. */
export class FakeWebContentsView extends EventEmitter {
  readonly options: { webPreferences?: Record<string, unknown> };
  readonly webContents = new FakeWebContents();
  bounds = { x: -1, y: -1, width: -1, height: -1 };
  constructor(options: { webPreferences?: Record<string, unknown> } = {}) {
    super();
    this.options = options;
  }
  setBounds(bounds: { x: number; y: number; width: number; height: number }): void {
    this.bounds = bounds;
  }
}

/** BaseWindow.contentView: the child views in order. */
export class FakeContentView {
  readonly children: unknown[] = [];
  addChildView(view: unknown): void {
    this.children.push(view);
  }
  removeChildView(view: unknown): void {
    const index = this.children.indexOf(view);
    if (index >= 0) this.children.splice(index, 1);
  }
}

/** ipcMain's `on` side: listeners per channel; tests emit with any sender they like. */
export class FakeIpcMainEvents {
  readonly listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)?.add(listener);
    return this;
  }
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, event: unknown, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(channel) ?? [])]) listener(event, ...args);
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
    readonly contentView = new FakeContentView();
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
  const ipcEvents = new FakeIpcMainEvents();
  const ipcMain = {
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => ipcEvents.on(channel, listener),
    removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => ipcEvents.removeListener(channel, listener),
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

  // Partitions: one session per name, as Electron's session.fromPartition.
  const partitions = new Map<string, FakeSession>();
  const session = {
    fromPartition: (partition: string) => {
      if (!partitions.has(partition)) partitions.set(partition, new FakeSession());
      return partitions.get(partition) as FakeSession;
    },
  };
  const views: FakeWebContentsView[] = [];
  class RecordedWebContentsView extends FakeWebContentsView {
    constructor(options: { webPreferences?: Record<string, unknown> } = {}) {
      super(options);
      views.push(this);
    }
  }

  // issue 13 item 10: Electron's globalShortcut (accelerator → callback).
  const globalShortcuts = new Map<string, () => void>();
  const globalShortcut = {
    register: (accelerator: string, callback: () => void) => {
      if (globalShortcuts.has(accelerator)) return false;
      globalShortcuts.set(accelerator, callback);
      return true;
    },
    unregister: (accelerator: string) => void globalShortcuts.delete(accelerator),
  };

  return {
    module: { app, BrowserWindow: FakeBrowserWindow, globalShortcut, ipcMain, net, protocol, Tray: FakeTray, Menu, Notification: FakeNotification, nativeImage, shell, session, WebContentsView: RecordedWebContentsView },
    globalShortcuts,
    ipcEvents,
    partitions,
    views,
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
