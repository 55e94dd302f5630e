// The browser shell's WebSocket carries the whole contract: it must refuse a client without the
// per-launch secret or from a foreign Origin, and answer bad input with typed errors.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveStaticPath, startBrowserShell, type BrowserShell } from '../../../main/browser-shell/server.ts';
import { createCore } from '../../../main/core/app-core.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { MemoryProfileStore } from '../../../main/core/sessions/profile-store.ts';

const sink = memorySink();
let shell: BrowserShell;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'pb-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Patchbay</title>');
  const log = createLogger({ sink });
  const profile = { id: 'p1', name: 'P1', platform: 'icws' as const, servers: ['http://127.0.0.1:9'], authMode: 'password' as const, language: 'en-US', applicationName: 'Patchbay', options: { messaging: 'auto' as const, heartbeat: false, pollIntervalMs: 1000, connectionMode: 'direct' as const, rememberPassword: false } };
  const { manager, handler } = createCore({ profiles: new MemoryProfileStore([profile]), log });
  shell = await startBrowserShell({ manager, handler, log, rendererDir });
});

afterAll(async () => {
  await shell?.close();
});

function connect(query: string, origin: string | undefined): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${shell.origin.replace('http', 'ws')}/bridge${query}`, origin ? { origin } : {});
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', () => resolve({}));
  });
}

function invoke(ws: WebSocket, frame: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('browser shell WebSocket', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(shell.origin).hostname).toBe('127.0.0.1');
  });

  it('refuses a client without the secret, and logs it', async () => {
    const result = await connect('', shell.origin);
    expect(result.ws).toBeUndefined();
    expect(result.status).toBe(403);
    expect(sink.entries.some((e) => e.event === 'browser-shell.connection-refused' && e.reason === 'missing or wrong secret')).toBe(true);
  });

  it('refuses a client with a wrong secret', async () => {
    expect((await connect('?secret=guess', shell.origin)).status).toBe(403);
  });

  it('refuses a client with the right secret from a foreign Origin', async () => {
    const result = await connect(`?secret=${shell.secret}`, 'http://evil.example');
    expect(result.status).toBe(403);
    expect(sink.entries.some((e) => e.event === 'browser-shell.connection-refused' && e.reason === 'foreign origin')).toBe(true);
  });

  it('accepts the secret from its own origin and answers commands', async () => {
    const { ws } = await connect(`?secret=${shell.secret}`, shell.origin);
    expect(ws).toBeDefined();
    const reply = (await invoke(ws!, { id: 1, command: 'profiles.list', args: {} })) as { kind: string; id: number; result: { ok: boolean; value: { id: string }[] } };
    expect(reply).toMatchObject({ kind: 'result', id: 1, result: { ok: true } });
    expect(reply.result.value.map((p) => p.id)).toEqual(['p1']);
    ws!.close();
  });

  it('answers invalid contract arguments and malformed frames with typed errors', async () => {
    const { ws } = await connect(`?secret=${shell.secret}`, shell.origin);
    expect(await invoke(ws!, { id: 2, command: 'agent.setState', args: { profileId: 'p1' } })).toMatchObject({ id: 2, result: { ok: false, error: { code: 'contract.invalid-arguments' } } });
    expect(await invoke(ws!, { id: 3, command: 'no.such', args: {} })).toMatchObject({ id: 3, result: { ok: false, error: { code: 'contract.unknown-command' } } });
    expect(await invoke(ws!, 'not json')).toMatchObject({ id: -1, result: { ok: false, error: { code: 'contract.bad-frame' } } });
    expect(await invoke(ws!, { id: 4, command: 'profiles.list', args: {}, extra: 1 })).toMatchObject({ id: 4, result: { ok: false, error: { code: 'contract.bad-frame' } } });
    ws!.close();
  });

  it('serves the renderer with a CSP and refuses paths outside it', async () => {
    const res = await fetch(`${shell.origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${shell.origin}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect(resolveStaticPath('/srv/r', '/../../etc/passwd')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/%2e%2e/x')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
  });
});
