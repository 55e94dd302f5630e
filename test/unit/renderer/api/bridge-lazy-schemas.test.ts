// @vitest-environment happy-dom
// issue 15 item 5: the bridge's schemas (zod + the contract) load on first use, off the first paint.
// Frames that arrive before they are loaded wait and are then checked in arrival order: nothing
// reaches a listener or a caller unchecked (CARD-03), and nothing is lost or reordered.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PatchbayApi } from '../../../../preload/contract.ts';
import { FakeSocket } from './fake-socket.ts';

/** A fresh bridge module: its schemas not loaded yet, as on the first paint. */
async function freshBridge() {
  vi.resetModules();
  return import('../../../../renderer/api/bridge.ts');
}

describe('bridge schemas loaded lazily [CARD-03]', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('holds early frames until the schemas load, then checks them in arrival order', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bridge = await freshBridge();
    const ws = bridge.createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    const socket = FakeSocket.last!;
    socket.open();
    const seen: string[] = [];
    ws.on('notice', (notice) => seen.push(notice.message));
    socket.receive({ kind: 'event', event: 'notice', payload: { level: 'info', message: 'one' } });
    socket.receive({ kind: 'event', event: 'notice', payload: { level: 'loud', message: 2 } }); // breaks the schema
    socket.receive({ kind: 'event', event: 'notice', payload: { level: 'info', message: 'three' } });
    // Not yet checked: nothing delivered, nothing dropped.
    expect(seen).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    await bridge.loadBridgeSchemas();
    expect(seen).toEqual(['one', 'three']);
    expect(warn).toHaveBeenCalledTimes(1);
    // Loaded: a frame is checked and delivered as it arrives.
    socket.receive({ kind: 'event', event: 'notice', payload: { level: 'info', message: 'four' } });
    expect(seen).toEqual(['one', 'three', 'four']);
    ws.close();
  });

  it('checks the first result against the command schema once loaded', async () => {
    const bridge = await freshBridge();
    const ws = bridge.createWsBridge({ url: 'ws://127.0.0.1:1/bridge', WebSocketImpl: FakeSocket });
    const socket = FakeSocket.last!;
    socket.open();
    const remove = ws.invoke('profiles.remove', { profileId: 'x' });
    const id = (JSON.parse(socket.sent[0]!) as { id: number }).id;
    socket.receive({ kind: 'result', id, result: { ok: true, value: { removed: 'yes' } } });
    const result = await remove;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('bridge.invalid-result');
    ws.close();
  });

  it('Electron: holds preload events until loaded and never delivers an invalid one', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bridge = await freshBridge();
    let emit: (payload: unknown) => void = () => {};
    const preload: PatchbayApi = {
      invoke: () => Promise.resolve({ ok: true, value: { removed: 'yes' } }) as never, // breaks the result schema
      on: (_event, listener) => {
        emit = listener as (payload: unknown) => void;
        return () => {};
      },
    };
    const api = bridge.wrapPreloadApi(preload);
    const seen: string[] = [];
    api.on('notice', (notice) => seen.push(notice.message));
    emit({ level: 'loud', message: 1 });
    emit({ level: 'warning', message: 'Token renews soon' });
    expect(seen).toEqual([]);
    await bridge.loadBridgeSchemas();
    expect(seen).toEqual(['Token renews soon']);
    expect(warn).toHaveBeenCalledTimes(1);
    const result = await api.invoke('profiles.remove', { profileId: 'x' });
    expect(!result.ok && result.error.code).toBe('bridge.invalid-result');
  });
});
