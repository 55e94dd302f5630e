// The one way the renderer talks to the main process (DESIGN.md "The contract", CARD-03).
// Electron: the preload exposes `window.patchbay` (contextBridge). Browser shell: a loopback
// WebSocket carrying WsClientFrame / WsServerFrame. Either way callers get a PatchbayApi whose
// invoke never throws and whose events are validated against the contract's schemas.
// The schemas (and zod) are a lazy chunk (bridge-schemas.ts, issue 15 item 5): frames that arrive
// before it is loaded wait for it, in order; none is delivered unchecked.
import { readonly, shallowRef } from 'vue';
import type { Ref } from 'vue';
import type {
  CommandArgs,
  CommandName,
  CommandResult,
  ContractError,
  EventName,
  EventPayload,
  PatchbayApi,
  Result,
  WsClientFrame,
} from '../../preload/contract.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/** The WebSocket surface the transport needs; the DOM WebSocket fits it, so does a test fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketConstructor = new (url: string) => SocketLike;

export interface WsBridgeOptions {
  url: string;
  WebSocketImpl?: SocketConstructor;
  /** An invoke with no answer after this long resolves to `bridge.timeout`. */
  timeoutMs?: number;
  /** Reconnect backoff: first delay, doubled per failed attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface WsBridge extends PatchbayApi {
  readonly connection: Readonly<Ref<ConnectionStatus>>;
  /** Stop for good: no reconnect, pending invokes resolve to `bridge.disconnected`. */
  close(): void;
}

export const INVOKE_TIMEOUT_MS = 60_000;
const SOCKET_OPEN = 1;
const SECRET_STORAGE_KEY = 'patchbay.bridge-secret';

type Schemas = typeof import('./bridge-schemas.ts');
let schemas: Schemas | undefined;
let schemasLoading: Promise<Schemas> | undefined;

/** Loads the bridge's schemas once (the first invoke or frame starts it); tests await it. */
export function loadBridgeSchemas(): Promise<Schemas> {
  schemasLoading ??= import('./bridge-schemas.ts').then(
    (loaded) => (schemas = loaded),
    (error: unknown) => {
      schemasLoading = undefined; // the next frame or invoke tries again
      throw error;
    },
  );
  return schemasLoading;
}

/** Runs checks in arrival order: at once when the schemas are loaded and nothing waits, else after
 *  the ones before it, once they are. */
function inOrder(): (task: (s: Schemas) => void) => void {
  const waiting: ((s: Schemas) => void)[] = [];
  return (task) => {
    if (schemas && waiting.length === 0) return task(schemas);
    waiting.push(task);
    if (waiting.length > 1) return;
    loadBridgeSchemas().then(
      (loaded) => {
        while (waiting.length > 0) waiting.shift()!(loaded);
      },
      () => {
        // Unchecked frames are never delivered: drop them (a pending invoke then times out, typed).
        console.warn(`[bridge] dropped ${waiting.length} frame(s): the contract's schemas did not load`);
        waiting.length = 0;
      },
    );
  };
}

function bridgeError(code: string, message: string, action: ContractError['action'] = 'retry'): Result<never> {
  return { ok: false, error: { code, message, action } };
}

const disconnected = (): Result<never> =>
  bridgeError('bridge.disconnected', 'The connection to Patchbay was lost before it answered. Try again.');

/** Check a wire result against the command's result schema (applies the contract's defaults). */
function checkResult<C extends CommandName>(s: Schemas, command: C, raw: unknown): Result<CommandResult<C>> {
  const wire = s.WireResultSchema.safeParse(raw);
  if (!wire.success) return bridgeError('bridge.invalid-result', `Patchbay sent an unreadable answer to ${command}.`, 'none');
  if (!wire.data.ok) return { ok: false, error: wire.data.error };
  const value = s.Commands[command].result.safeParse(wire.data.value);
  if (!value.success) return bridgeError('bridge.invalid-result', `Patchbay sent an unexpected answer to ${command}.`, 'none');
  return { ok: true, value: value.data as CommandResult<C> };
}

/** Event fan-out shared by both transports; payloads are validated before any listener sees them. */
class EventHub {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit(s: Schemas, event: string, payload: unknown): void {
    if (!Object.hasOwn(s.Events, event)) {
      console.warn(`[bridge] dropped an unknown event "${event}"`);
      return;
    }
    const name = event as EventName;
    const parsed = s.Events[name].safeParse(payload);
    if (!parsed.success) {
      // Paths only: payloads carry no secrets by contract, but the log need not echo them either.
      const paths = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
      console.warn(`[bridge] dropped an invalid "${name}" event (${paths})`);
      return;
    }
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        (listener as (payload: unknown) => void)(parsed.data);
      } catch (error) {
        console.error(`[bridge] a "${name}" listener failed`, error);
      }
    }
  }
}

interface Pending {
  command: CommandName;
  frame: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (result: Result<unknown>) => void;
}

/** The browser-shell transport: one WebSocket, request/response by id, reconnect with backoff. */
export function createWsBridge(options: WsBridgeOptions): WsBridge {
  const Impl = options.WebSocketImpl ?? (globalThis.WebSocket as unknown as SocketConstructor);
  const timeoutMs = options.timeoutMs ?? INVOKE_TIMEOUT_MS;
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const connection = shallowRef<ConnectionStatus>('connecting');
  const hub = new EventHub();
  const checked = inOrder();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: SocketLike | undefined;
  let failedAttempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  function settle(id: number, result: Result<unknown>): void {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  }

  function flush(): void {
    for (const entry of pending.values()) {
      if (entry.sent || !socket || socket.readyState !== SOCKET_OPEN) continue;
      socket.send(entry.frame);
      entry.sent = true;
      entry.frame = ''; // session.signIn frames carry a password: hold them no longer than needed

    }
  }

  function onMessage(data: unknown): void {
    let frame: unknown;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      console.warn('[bridge] dropped a frame that is not JSON');
      return;
    }
    checked((s) => {
      const parsed = s.ServerFrameSchema.safeParse(frame);
      if (!parsed.success) {
        console.warn('[bridge] dropped a frame of unknown shape');
        return;
      }
      if (parsed.data.kind === 'event') {
        hub.emit(s, parsed.data.event, parsed.data.payload);
        return;
      }
      const entry = pending.get(parsed.data.id);
      if (!entry) return; // answer to an invoke that already timed out
      settle(parsed.data.id, checkResult(s, entry.command, parsed.data.result));
    });
  }

  function scheduleReconnect(): void {
    if (stopped || reconnectTimer) return;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** failedAttempts);
    failedAttempts += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect();
    }, delay);
  }

  function connect(): void {
    if (stopped) return;
    connection.value = 'connecting';
    let ws: SocketLike;
    try {
      ws = new Impl(options.url);
    } catch (error) {
      console.warn('[bridge] could not open the WebSocket', error);
      connection.value = 'closed';
      for (const id of [...pending.keys()]) settle(id, disconnected());
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      failedAttempts = 0;
      connection.value = 'open';
      flush();
    };
    ws.onmessage = (event) => {
      if (socket === ws) onMessage(event.data);
    };
    ws.onerror = () => {
      // A close event always follows; the reconnect is decided there.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      connection.value = 'closed';
      // Nothing is replayed on a new socket: the agent decides whether to repeat a command.
      for (const id of [...pending.keys()]) settle(id, disconnected());
      scheduleReconnect();
    };
  }

  function invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>> {
    if (stopped || connection.value === 'closed') return Promise.resolve(disconnected());
    loadBridgeSchemas().catch(() => undefined); // the answer will need them: fetch while the command runs
    const id = nextId++;
    const clientFrame: WsClientFrame = { id, command, args };
    let frame: string;
    try {
      frame = JSON.stringify(clientFrame);
    } catch {
      return Promise.resolve(bridgeError('bridge.invalid-arguments', `The arguments of ${command} cannot be sent.`, 'none'));
    }
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => settle(id, bridgeError('bridge.timeout', `Patchbay did not answer ${command} within ${Math.round(timeoutMs / 1000)} s.`)),
        timeoutMs,
      );
      pending.set(id, { command, frame, sent: false, timer, resolve: resolve as (result: Result<unknown>) => void });
      try {
        flush();
      } catch {
        settle(id, disconnected());
      }
    });
  }

  function close(): void {
    stopped = true;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const ws = socket;
    socket = undefined;
    connection.value = 'closed';
    for (const id of [...pending.keys()]) settle(id, disconnected());
    ws?.close(1000, 'closed by the renderer');
  }

  connect();
  return {
    invoke,
    on: (event, listener) => hub.on(event, listener),
    connection: readonly(connection),
    close,
  };
}

/**
 * Wrap the preload's API so the renderer sees the same guarantees on both transports:
 * invoke never throws and results and events match the contract.
 */
export function wrapPreloadApi(api: PatchbayApi): PatchbayApi {
  const hub = new EventHub();
  const checked = inOrder();
  const subscribed = new Set<EventName>();
  return {
    async invoke(command, args) {
      try {
        const loading = loadBridgeSchemas();
        const raw: unknown = await api.invoke(command, args);
        return checkResult(await loading, command, raw);
      } catch {
        return bridgeError('bridge.failed', `Patchbay could not run ${command}.`);
      }
    },
    on(event, listener) {
      if (!subscribed.has(event)) {
        subscribed.add(event);
        api.on(event, (payload) => checked((s) => hub.emit(s, event, payload)));
      }
      return hub.on(event, listener);
    },
  };
}

export interface SecretSources {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
}

/**
 * The browser shell's per-launch secret arrives once as `#secret=<value>`. Keep it in
 * sessionStorage so a reload still works, and take it out of the visible URL (and history).
 */
export function takeBridgeSecret(sources: SecretSources = defaultSecretSources()): string | undefined {
  const hash = sources.location.hash.replace(/^#/, '');
  const fromHash = hash ? new URLSearchParams(hash).get('secret') : null;
  if (fromHash) {
    try {
      sources.storage?.setItem(SECRET_STORAGE_KEY, fromHash);
    } catch {
      // Storage disabled: the secret still works for this page load.
    }
    sources.history.replaceState(sources.history.state, '', `${sources.location.pathname}${sources.location.search}`);
    return fromHash;
  }
  try {
    return sources.storage?.getItem(SECRET_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function defaultSecretSources(): SecretSources {
  let storage: Storage | undefined;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = undefined;
  }
  return { location: window.location, history: window.history, storage };
}

/** `ws(s)://<same host>/bridge?secret=<secret>` for the page the renderer was served from. */
export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>, secret: string | undefined): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = secret ? `?secret=${encodeURIComponent(secret)}` : '';
  return `${scheme}://${location.host}/bridge${query}`;
}

// ------------------------------------------------------------------ the app-wide instance
const alwaysOpen: Readonly<Ref<ConnectionStatus>> = readonly(shallowRef<ConnectionStatus>('open'));
// Wrapped in an object: a ref of a ref would unwrap. Reading it in a computed tracks both.
const connectionSource = shallowRef<{ ref: Readonly<Ref<ConnectionStatus>> }>({ ref: alwaysOpen });
let instance: PatchbayApi | undefined;
let hasSecret = true;

declare global {
  interface Window {
    patchbay?: PatchbayApi;
  }
}

/** The bridge for this window: Electron's preload API when present, else the browser-shell WebSocket. */
export function getBridge(): PatchbayApi {
  if (instance) return instance;
  if (typeof window !== 'undefined' && window.patchbay) {
    instance = wrapPreloadApi(window.patchbay);
    connectionSource.value = { ref: alwaysOpen };
    return instance;
  }
  const secret = takeBridgeSecret();
  hasSecret = secret !== undefined;
  const ws = createWsBridge({ url: bridgeUrl(window.location, secret) });
  connectionSource.value = { ref: ws.connection };
  instance = ws;
  return instance;
}

/** The bridge's connection status (always 'open' under Electron). */
export function bridgeConnection(): ConnectionStatus {
  return connectionSource.value.ref.value;
}

/** False when the browser shell was opened without its per-launch secret (the UI says how to fix it). */
export function bridgeHasSecret(): boolean {
  return hasSecret;
}

/** Replace the app-wide bridge (tests, and the e2e harness); undefined resets it. */
export function setBridge(api: PatchbayApi | undefined): void {
  if (instance && instance !== api && 'close' in instance && typeof instance.close === 'function') {
    (instance as WsBridge).close();
  }
  instance = api;
  hasSecret = true;
  const connection = api && 'connection' in api ? (api as WsBridge).connection : alwaysOpen;
  connectionSource.value = { ref: connection };
}
