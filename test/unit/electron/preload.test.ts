// The production preload: the single-file CJS bundle of preload/index.ts, run the way a sandboxed
// preload runs (a plain script whose `require` knows 'electron' only) against a fake electron.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type PatchbayApi } from '../../../preload/contract.ts';
import { bundlePreload } from '../../../main/electron/build/bundle-preload.ts';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

function fakeElectron(invokeImpl: (channel: string, ...args: unknown[]) => Promise<unknown>) {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<IpcListener>>();
  const ipcRenderer = {
    invoke: invokeImpl,
    on(channel: string, listener: IpcListener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: IpcListener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer,
  };
  const emit = (channel: string, frame: unknown) => {
    for (const listener of [...(listeners.get(channel) ?? [])]) listener({ sender: ipcRenderer, senderId: 0 }, frame);
  };
  return { electron, exposed, listeners, emit };
}

let code: string;
const required: string[] = [];

function load(invokeImpl: (channel: string, ...args: unknown[]) => Promise<unknown>) {
  const fake = fakeElectron(invokeImpl);
  const module = { exports: {} };
  runInNewContext(code, {
    require: (id: string) => {
      required.push(id);
      if (id === 'electron') return fake.electron;
      throw new Error(`a sandboxed preload cannot require "${id}"`);
    },
    module,
    exports: module.exports,
  });
  const api = fake.exposed.get('patchbay') as PatchbayApi;
  return { ...fake, api };
}

beforeAll(async () => {
  const path = await bundlePreload({ outDir: mkdtempSync(join(tmpdir(), 'patchbay-preload-')) });
  code = readFileSync(path, 'utf8');
}, 60_000);

describe('preload bundle', () => {
  it('is one CommonJS file that requires only electron (sandboxed preloads cannot load relative modules)', () => {
    const requires = [...code.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toContain('zod');
  });

  it('uses the contract channel names', () => {
    expect(code).toContain(JSON.stringify(IPC_INVOKE_CHANNEL));
    expect(code).toContain(JSON.stringify(IPC_EVENT_CHANNEL));
  });

  it('exposes exactly window.patchbay with invoke and on, and nothing else', () => {
    const { exposed, api } = load(async () => ({ ok: true, value: [] }));
    expect([...exposed.keys()]).toEqual(['patchbay']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(required).toContain('electron');
  });

  it('sends invoke over the contract invoke channel and resolves main’s Result', async () => {
    const calls: unknown[][] = [];
    const { api } = load(async (...args) => {
      calls.push(args);
      return { ok: true, value: [{ id: 'p1' }] };
    });
    const result = await api.invoke('profiles.list', {});
    expect(calls).toEqual([[IPC_INVOKE_CHANNEL, 'profiles.list', {}]]);
    expect(result).toEqual({ ok: true, value: [{ id: 'p1' }] });
  });

  it('resolves bridge.failed without the IPC error text when the IPC itself fails', async () => {
    const { api } = load(async () => {
      throw new Error("Error invoking remote method 'patchbay:invoke': secret-detail");
    });
    const result = await api.invoke('session.signOut', { profileId: 'p1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'bridge.failed', action: 'retry' } });
    expect(JSON.stringify(result)).not.toContain('secret-detail');
  });

  it('delivers only frames of the subscribed event, payload only, until unsubscribed', () => {
    const { api, emit, listeners } = load(async () => ({ ok: true, value: null }));
    const seen: unknown[][] = [];
    const off = api.on('notice', (...args: unknown[]) => seen.push(args));
    emit(IPC_EVENT_CHANNEL, { event: 'session.state', payload: { profileId: 'p1' } });
    emit(IPC_EVENT_CHANNEL, { event: 'notice', payload: { level: 'info', message: 'hi' } });
    emit(IPC_EVENT_CHANNEL, null);
    emit(IPC_EVENT_CHANNEL, 'notice');
    emit('some-other-channel', { event: 'notice', payload: { level: 'info', message: 'other channel' } });
    // The listener gets the payload alone: the IpcRendererEvent (whose sender is ipcRenderer) stays behind.
    expect(seen).toEqual([[{ level: 'info', message: 'hi' }]]);
    off();
    expect(listeners.get(IPC_EVENT_CHANNEL)?.size ?? 0).toBe(0);
    emit(IPC_EVENT_CHANNEL, { event: 'notice', payload: { level: 'info', message: 'late' } });
    expect(seen).toHaveLength(1);
  });
});
