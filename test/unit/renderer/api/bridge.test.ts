// @vitest-environment happy-dom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bridgeConnection,
  bridgeUrl,
  createWsBridge,
  getBridge,
  loadBridgeSchemas,
  setBridge,
  takeBridgeSecret,
  wrapPreloadApi,
} from '../../../../renderer/api/bridge.ts';
import type { WsBridge } from '../../../../renderer/api/bridge.ts';
import type { PatchbayApi, SessionState } from '../../../../preload/contract.ts';
import { snapshot } from '../fake-api.ts';
import { FakeSocket } from './fake-socket.ts';

// The schemas are a lazy chunk; loaded here, frames are checked as they arrive (the wait before they
// are loaded is bridge-lazy-schemas.test.ts).
beforeAll(async () => {
  await loadBridgeSchemas();
});

const latest = (): FakeSocket => {
  const socket = FakeSocket.instances.at(-1);
  if (!socket) throw new Error('no socket opened');
  return socket;
};

describe('createWsBridge (browser-shell transport)', () => {
  let bridge: WsBridge | undefined;

  beforeEach(() => {
    FakeSocket.instances = [];
  });
  afterEach(() => {
    bridge?.close();
    bridge = undefined;
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('matches each result frame to its invoke by id when answers come out of order', async () => {
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    const socket = latest();
    socket.open();
    const list = bridge.invoke('profiles.list', {});
    const remove = bridge.invoke('profiles.remove', { profileId: 'x' });
    const [first, second] = socket.frames();
    expect(first).toMatchObject({ command: 'profiles.list', args: {} });
    expect(second).toMatchObject({ command: 'profiles.remove', args: { profileId: 'x' } });
    socket.receive({ kind: 'result', id: second?.id, result: { ok: true, value: { removed: true } } });
    socket.receive({ kind: 'result', id: first?.id, result: { ok: true, value: [] } });
    expect(await remove).toEqual({ ok: true, value: { removed: true } });
    expect(await list).toEqual({ ok: true, value: [] });
  });

  it('queues invokes made while connecting and sends them once the socket opens', async () => {
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    expect(bridge.connection.value).toBe('connecting');
    const pending = bridge.invoke('session.list', {});
    const socket = latest();
    expect(socket.sent).toHaveLength(0);
    socket.open();
    expect(bridge.connection.value).toBe('open');
    const frame = socket.frames()[0];
    expect(frame?.command).toBe('session.list');
    socket.receive({ kind: 'result', id: frame?.id, result: { ok: true, value: [] } });
    expect(await pending).toEqual({ ok: true, value: [] });
  });

  it('resolves pending invokes to bridge.disconnected when the socket drops, then reconnects with backoff', async () => {
    vi.useFakeTimers();
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket, initialDelayMs: 500 });
    latest().open();
    const pending = bridge.invoke('agent.setState', { profileId: 'lab-icws', stateId: 'Available' });
    latest().drop();
    const result = await pending;
    expect(result).toEqual({
      ok: false,
      error: { code: 'bridge.disconnected', message: expect.any(String), action: 'retry' },
    });
    expect(bridge.connection.value).toBe('closed');
    // While closed, an invoke answers at once rather than hanging.
    expect((await bridge.invoke('session.list', {})).ok).toBe(false);
    expect(FakeSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.instances).toHaveLength(2);
    expect(bridge.connection.value).toBe('connecting');
    latest().open();
    expect(bridge.connection.value).toBe('open');
  });

  it('doubles the reconnect delay after each failed attempt', async () => {
    vi.useFakeTimers();
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket, initialDelayMs: 100, maxDelayMs: 1_000 });
    latest().drop(); // attempt 1 fails → wait 100 ms
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.instances).toHaveLength(2);
    latest().drop(); // attempt 2 fails → wait 200 ms
    await vi.advanceTimersByTimeAsync(199);
    expect(FakeSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(3);
  });

  it('times out an unanswered invoke after 60 s with a typed error', async () => {
    vi.useFakeTimers();
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    latest().open();
    const pending = bridge.invoke('diagnostics.export', {});
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await pending).toEqual({ ok: false, error: { code: 'bridge.timeout', message: expect.any(String), action: 'retry' } });
  });

  it('passes a typed error result through unchanged', async () => {
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    latest().open();
    const pending = bridge.invoke('session.signOut', { profileId: 'lab-icws' });
    const error = { code: 'session.unknown-profile', message: 'No such profile', action: 'none' };
    latest().receive({ kind: 'result', id: latest().frames()[0]?.id, result: { ok: false, error } });
    expect(await pending).toEqual({ ok: false, error });
  });

  it('turns a result that breaks the command result schema into bridge.invalid-result', async () => {
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    latest().open();
    const pending = bridge.invoke('profiles.remove', { profileId: 'x' });
    latest().receive({ kind: 'result', id: latest().frames()[0]?.id, result: { ok: true, value: { removed: 'yes' } } });
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('bridge.invalid-result');
  });

  it('drops an invalid session.state event with a warning and delivers a valid one with contract defaults', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    latest().open();
    const seen: SessionState[] = [];
    bridge.on('session.state', (state) => seen.push(state));
    latest().receive({ kind: 'event', event: 'session.state', payload: { profileId: 'lab-icws', phase: 'dancing', seq: -1 } });
    expect(seen).toHaveLength(0);
    expect(warn).toHaveBeenCalledTimes(1);
    const valid: Partial<SessionState> = snapshot({ seq: 4 });
    delete valid.selectableStates; // defaulted by the schema
    latest().receive({ kind: 'event', event: 'session.state', payload: valid });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.selectableStates).toEqual([]);
  });

  it('drops frames that are not JSON or name an unknown event', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    latest().open();
    const seen: unknown[] = [];
    bridge.on('notice', (notice) => seen.push(notice));
    latest().receive('{not json');
    latest().receive({ kind: 'event', event: 'token.leak', payload: {} });
    expect(seen).toHaveLength(0);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('stops delivering to a listener after it unsubscribes', () => {
    bridge = createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    latest().open();
    const seen: unknown[] = [];
    const off = bridge.on('notice', (notice) => seen.push(notice));
    latest().receive({ kind: 'event', event: 'notice', payload: { level: 'info', message: 'one' } });
    off();
    latest().receive({ kind: 'event', event: 'notice', payload: { level: 'info', message: 'two' } });
    expect(seen).toEqual([{ level: 'info', message: 'one' }]);
  });
});

describe('the per-launch secret', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });
  afterEach(() => {
    setBridge(undefined);
    vi.unstubAllGlobals();
  });

  it('is taken from #secret= and removed from the visible URL', () => {
    history.replaceState(null, '', '/index.html?x=1#secret=s3cr3t-value');
    expect(takeBridgeSecret()).toBe('s3cr3t-value');
    expect(location.hash).toBe('');
    expect(location.href).not.toContain('s3cr3t');
    expect(location.search).toBe('?x=1');
  });

  it('survives a reload through sessionStorage once the hash is gone', () => {
    history.replaceState(null, '', '/#secret=abc123');
    takeBridgeSecret();
    expect(location.hash).toBe('');
    expect(takeBridgeSecret()).toBe('abc123');
  });

  it('goes into the bridge URL on the same host as the page', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:4711' }, 'a b')).toBe('ws://127.0.0.1:4711/bridge?secret=a%20b');
    expect(bridgeUrl({ protocol: 'https:', host: 'h:1' }, 'x')).toBe('wss://h:1/bridge?secret=x');
  });

  it('is used by getBridge when no preload API exists', () => {
    FakeSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    history.replaceState(null, '', '/#secret=launch-42');
    setBridge(undefined);
    getBridge();
    expect(latest().url).toBe(`ws://${location.host}/bridge?secret=launch-42`);
    expect(location.hash).toBe('');
    expect(bridgeConnection()).toBe('connecting');
    latest().open();
    expect(bridgeConnection()).toBe('open');
  });
});

describe('wrapPreloadApi (Electron transport)', () => {
  it('never throws to callers and validates preload events', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let emit: (payload: unknown) => void = () => {};
    const preload: PatchbayApi = {
      invoke: () => Promise.reject(new Error('ipc gone')),
      on: (_event, listener) => {
        emit = listener as (payload: unknown) => void;
        return () => {};
      },
    };
    const api = wrapPreloadApi(preload);
    const result = await api.invoke('session.list', {});
    expect(result).toEqual({ ok: false, error: { code: 'bridge.failed', message: expect.any(String), action: 'retry' } });
    const seen: unknown[] = [];
    api.on('notice', (notice) => seen.push(notice));
    emit({ level: 'loud', message: 1 });
    emit({ level: 'warning', message: 'Token renews soon' });
    expect(seen).toEqual([{ level: 'warning', message: 'Token renews soon' }]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
