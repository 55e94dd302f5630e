// The workspace view's production preload (dist/preload/workspace.cjs, issue 12): the single-file CJS
// bundle of main/electron/workspace-preload.ts, run the way a sandboxed preload runs (a plain script whose
// `require` knows 'electron' only) on a fake host page. It must need nothing else, expose nothing to the
// page, and carry messages both ways under the GC-06/GC-07 checks.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkspacePreload } from '../../../main/electron/build/bundle-preload.ts';
import { WORKSPACE_MESSAGE_CHANNEL, WORKSPACE_POST_CHANNEL } from '../../../main/electron/workspace-channels.ts';

let code: string;

beforeAll(async () => {
  const path = await bundleWorkspacePreload({ outDir: mkdtempSync(join(tmpdir(), 'patchbay-workspace-preload-')) });
  code = readFileSync(path, 'utf8');
}, 60_000);

function load() {
  const required: string[] = [];
  const sent: [string, unknown][] = [];
  const ipcListeners = new Map<string, (event: unknown, payload: unknown) => void>();
  const exposed: string[] = [];
  const posted: [unknown, string][] = [];
  const componentWindow = { postMessage: (m: unknown, o: string) => void posted.push([m, o]) };
  const messageListeners: ((event: { origin: string; source: unknown; data: unknown }) => void)[] = [];
  const electron = {
    ipcRenderer: { send: (channel: string, payload: unknown) => void sent.push([channel, payload]), on: (channel: string, l: (event: unknown, payload: unknown) => void) => void ipcListeners.set(channel, l) },
    contextBridge: { exposeInMainWorld: (key: string) => void exposed.push(key) },
  };
  const globals = {
    addEventListener: (type: string, listener: (typeof messageListeners)[number]) => void (type === 'message' && messageListeners.push(listener)),
    document: { getElementById: (id: string) => (id === 'component' ? { src: 'http://127.0.0.7:4321/?parent=patchbay-workspace%3A%2F%2Fhost', contentWindow: componentWindow } : null) },
    URL,
    JSON,
  };
  const module = { exports: {} };
  runInNewContext(code, {
    ...globals,
    globalThis: globals,
    require: (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require "${id}"`);
    },
    module,
    exports: module.exports,
  });
  // The bundle reads globalThis of its own context: give the listeners registered there to the test.
  return { required, sent, ipcListeners, exposed, posted, componentWindow, messageListeners };
}

describe('workspace preload bundle', () => {
  it('requires only electron and exposes nothing to the host page', () => {
    const p = load();
    expect(p.required).toEqual(['electron']);
    expect(p.exposed).toEqual([]);
    expect(code).not.toMatch(/require\(["']\.\.?\//);
    expect(code).not.toContain('zod');
  });

  it('GC-06: forwards each message with its origin and whether the component frame sent it', () => {
    const p = load();
    expect(p.messageListeners.length).toBeGreaterThan(0);
    for (const l of p.messageListeners) l({ origin: 'http://127.0.0.7:4321', source: p.componentWindow, data: { type: 'genesys-cloud-embed:ready' } });
    for (const l of p.messageListeners) l({ origin: 'http://127.0.0.7:4321', source: {}, data: { type: 'genesys-cloud-embed:ready' } });
    expect(p.sent).toEqual([
      [WORKSPACE_MESSAGE_CHANNEL, { origin: 'http://127.0.0.7:4321', fromComponentFrame: true, data: { type: 'genesys-cloud-embed:ready' } }],
      [WORKSPACE_MESSAGE_CHANNEL, { origin: 'http://127.0.0.7:4321', fromComponentFrame: false, data: { type: 'genesys-cloud-embed:ready' } }],
    ]);
  });

  it('GC-07: posts main\'s messages to the component frame with its exact origin only', () => {
    const p = load();
    const post = p.ipcListeners.get(WORKSPACE_POST_CHANNEL);
    if (!post) throw new Error('no post listener');
    post({}, { message: { type: 'ack' }, targetOrigin: '*' });
    post({}, { message: { type: 'ack' }, targetOrigin: 'http://127.0.0.8:4321' });
    post({}, { message: { type: 'ack' }, targetOrigin: 'http://127.0.0.7:4321' });
    expect(p.posted).toEqual([[{ type: 'ack' }, 'http://127.0.0.7:4321']]);
  });
});
