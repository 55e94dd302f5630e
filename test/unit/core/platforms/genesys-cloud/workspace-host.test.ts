import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { WorkspaceHost } from '../../../../../main/core/platforms/genesys-cloud/workspace/host.ts';
import { workspaceOrigins } from '../../../../../main/core/platforms/genesys-cloud/workspace/origins.ts';
import type { WorkspaceView } from '../../../../../main/core/platforms/genesys-cloud/workspace/protocol.ts';

const origins = workspaceOrigins({ region: 'mypurecloud.com' });
const T = (s: string) => `genesys-cloud-embed:${s}`;
const TOKEN = 'lab-secret-token-value';

function setUp(tokens: (() => Promise<string>)[] = []) {
  const clock = new FakeClock(0);
  const sink = memorySink();
  const posts: [unknown, string][] = [];
  const views: WorkspaceView[] = [];
  const fresh: boolean[] = [];
  const host = new WorkspaceHost({
    origins, clock, log: createLogger({ sink, level: 'debug', clock }),
    port: { post: (m, o) => posts.push([m, o]) },
    accessToken: async ({ fresh: f }) => { fresh.push(f); return (tokens.shift() ?? (async () => TOKEN))(); },
    onView: (v) => views.push(v), readyTimeoutMs: 10_000, retryDelayMs: 1000,
  });
  const send = (data: unknown, over: { origin?: string; fromComponentFrame?: boolean } = {}) =>
    host.receive({ origin: origins.component, fromComponentFrame: true, data, ...over });
  return { clock, sink, posts, views, fresh, host, send };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('WorkspaceHost', () => {
  it('GC-07 / GC-05: acks then posts a fresh token only to the exact component origin; views carry no token', async () => {
    const t = setUp();
    t.send({ type: T('ready') });
    await flush();
    expect(t.posts).toEqual([[{ type: 'ack', status: 'received' }, 'https://apps.mypurecloud.com'], [{ type: T('token'), accessToken: TOKEN }, 'https://apps.mypurecloud.com']]);
    expect(t.fresh).toEqual([true]);
    t.send({ type: T('session-start'), userId: 'u1' });
    expect(t.host.view.phase).toBe('active');
    expect(JSON.stringify(t.views)).not.toContain(TOKEN);
  });

  it('GC-10: a component that never sends ready degrades to a clear message', async () => {
    const t = setUp();
    await t.clock.advance(10_000);
    expect(t.host.view).toMatchObject({ phase: 'degraded', message: expect.stringMatching(/did not start/) });
    expect(t.posts).toEqual([]);
  });

  it('hostile messages are logged once per kind, never with their payload', async () => {
    const t = setUp();
    for (let i = 0; i < 5; i++) t.send({ type: T('session-start'), userId: 'mallory' }, { origin: 'https://evil.example' });
    const warns = t.sink.entries.filter((e) => e.event === 'workspace.message.ignored');
    expect(warns).toHaveLength(1);
    expect(JSON.stringify(warns)).not.toContain('mallory');
    expect(t.host.view.phase).toBe('waiting-ready');
  });

  it('token-expiring renews with bounded retries, then degrades with a sign-in message', async () => {
    const fail = async () => { throw new PatchbayError('genesys-cloud.renewal.failed', 'no'); };
    const t = setUp([async () => TOKEN, fail, fail, fail]);
    t.send({ type: T('ready') });
    await flush();
    t.send({ type: T('session-start'), userId: 'u1' });
    t.send({ type: T('token-expiring') });
    await flush();
    await t.clock.advance(1000);
    await flush();
    await t.clock.advance(2000);
    await flush();
    expect(t.fresh).toEqual([true, true, true, true]);
    expect(t.host.view).toMatchObject({ phase: 'degraded', message: expect.stringMatching(/Sign in again/) });
  });
});
