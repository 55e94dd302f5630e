// issue 15 item 2: the browser shell sends one `session.state` frame per profile per tick — the last
// snapshot of that tick — so the renderer does not parse and render snapshots already replaced.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SessionState } from '../../../preload/contract.ts';
import { startBrowserShell, type BrowserShell } from '../../../main/browser-shell/server.ts';
import { createCore } from '../../../main/core/app-core.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { MemoryProfileStore } from '../../../main/core/sessions/profile-store.ts';

let shell: BrowserShell;
let manager: ReturnType<typeof createCore>['manager'];

beforeAll(async () => {
  const rendererDir = await mkdtemp(join(tmpdir(), 'pb-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Patchbay</title>');
  const log = createLogger({ sink: memorySink() });
  const core = createCore({ profiles: new MemoryProfileStore([]), log });
  manager = core.manager;
  shell = await startBrowserShell({ manager, handler: core.handler, log, rendererDir });
});

afterAll(async () => {
  await shell?.close();
});

const snapshot = (profileId: string, seq: number): SessionState => ({
  profileId,
  profileName: profileId,
  platform: 'icws',
  phase: 'active',
  selectableStates: [],
  seq,
  updatedAt: new Date(0).toISOString(),
});

/** The `session.state` frames a connected renderer receives while `act` runs (and shortly after). */
async function framesDuring(act: () => Promise<void> | void): Promise<{ profileId: string; seq: number }[]> {
  const ws = new WebSocket(`${shell.origin.replace('http', 'ws')}/bridge?secret=${shell.secret}`, { origin: shell.origin });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const frames: { profileId: string; seq: number }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { kind: string; event?: string; payload?: SessionState };
    if (frame.kind === 'event' && frame.event === 'session.state') frames.push({ profileId: frame.payload!.profileId, seq: frame.payload!.seq });
  });
  await act();
  // A ping's answer comes after every frame sent before it: then all frames are in.
  await new Promise<void>((resolve) => {
    ws.once('pong', () => resolve());
    ws.ping();
  });
  ws.close();
  return frames;
}

describe('browser shell session.state frames', () => {
  it('sends only the last snapshot of a profile published in the same tick', async () => {
    const frames = await framesDuring(() => {
      manager.stateEvents.emit(snapshot('a', 1));
      manager.stateEvents.emit(snapshot('a', 2));
      manager.stateEvents.emit(snapshot('b', 1));
      manager.stateEvents.emit(snapshot('a', 3));
    });
    expect(frames).toEqual([
      { profileId: 'a', seq: 3 },
      { profileId: 'b', seq: 1 },
    ]);
  });

  it('sends every snapshot published in separate ticks, in order', async () => {
    const frames = await framesDuring(async () => {
      manager.stateEvents.emit(snapshot('c', 1));
      await new Promise((r) => setImmediate(r));
      manager.stateEvents.emit(snapshot('c', 2));
      await new Promise((r) => setImmediate(r));
    });
    expect(frames).toEqual([
      { profileId: 'c', seq: 1 },
      { profileId: 'c', seq: 2 },
    ]);
  });
});
