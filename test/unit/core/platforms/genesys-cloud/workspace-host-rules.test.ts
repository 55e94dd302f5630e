// WorkspaceHost (workspace/host.ts) beyond the happy path (issue 9, MUT-GC3): GC-10 the ready timer's
// default and its end at the handshake, GC-05 what the hand-over asks of the session (fresh; renew on
// token-expiring), the bounded retries and their spacing, nothing posted after close, one view per change.
// isEmbeddable (workspace/surface.ts). Fake clock, no frames.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { WorkspaceHost, type WorkspaceHostDeps } from '../../../../../main/core/platforms/genesys-cloud/workspace/host.ts';
import { workspaceOrigins } from '../../../../../main/core/platforms/genesys-cloud/workspace/origins.ts';
import type { WorkspaceView } from '../../../../../main/core/platforms/genesys-cloud/workspace/protocol.ts';
import { isEmbeddable } from '../../../../../main/core/platforms/genesys-cloud/workspace/surface.ts';

const origins = workspaceOrigins({ region: 'mypurecloud.com' });
const T = (s: string) => `genesys-cloud-embed:${s}`;
const fail = async (): Promise<string> => {
  throw new PatchbayError('genesys-cloud.sign-in-needed', 'no', { action: 'sign-in-again' });
};

function setUp(tokens: (() => Promise<string>)[] = [], extra: Partial<WorkspaceHostDeps> = {}) {
  const clock = new FakeClock(0);
  const sink = memorySink();
  const posts: [unknown, string][] = [];
  const views: WorkspaceView[] = [];
  const asked: { fresh: boolean; renew?: boolean }[] = [];
  const host = new WorkspaceHost({
    origins,
    clock,
    log: createLogger({ sink, level: 'debug', clock }),
    port: { post: (m, o) => posts.push([m, o]) },
    accessToken: async (options) => {
      asked.push(options);
      return (tokens.shift() ?? (async () => `tok-${asked.length}`))();
    },
    onView: (v) => views.push(v),
    ...extra,
  });
  const send = (data: unknown) => host.receive({ origin: origins.component, fromComponentFrame: true, data });
  return { clock, sink, posts, views, asked, host, send };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('WorkspaceHost: the ready timer (GC-10)', () => {
  it('GC-10: without readyTimeoutMs the component has 15 s to say ready', async () => {
    const t = setUp();
    await t.clock.advance(14_999);
    expect(t.host.view.phase).toBe('waiting-ready');
    await t.clock.advance(1);
    expect(t.host.view.phase).toBe('degraded');
  });

  it('a component that said ready is not degraded later by the ready timer', async () => {
    const t = setUp();
    t.send({ type: T('ready') });
    await flush();
    await t.clock.advance(60_000);
    expect(t.host.view.phase).toBe('waiting-session');
  });

  it('close ends the ready timer and announces the closed view once', async () => {
    const t = setUp();
    t.host.close();
    expect(t.views.map((v) => v.phase)).toEqual(['waiting-ready', 'closed']);
    await t.clock.advance(60_000);
    expect(t.views.map((v) => v.phase)).toEqual(['waiting-ready', 'closed']);
  });
});

describe('WorkspaceHost: the token hand-over (GC-05, seed 004)', () => {
  it('GC-05: the first hand-over asks for a fresh token; token-expiring asks for a renewal now', async () => {
    const t = setUp();
    t.send({ type: T('ready') });
    await flush();
    t.send({ type: T('session-start'), userId: 'u1' });
    t.send({ type: T('token-expiring') });
    await flush();
    expect(t.asked).toEqual([{ fresh: true }, { fresh: true, renew: true }]);
    expect(t.posts.at(-1)).toEqual([{ type: T('token'), accessToken: 'tok-2' }, origins.component]);
    expect(t.host.view.phase).toBe('active');
  });

  it('the first hand-over is tried once: a failure degrades at once with the sign-in message', async () => {
    const t = setUp([fail]);
    t.send({ type: T('ready') });
    await flush();
    expect(t.asked).toHaveLength(1);
    expect(t.host.view).toMatchObject({ phase: 'degraded', message: 'Your Genesys Cloud sign-in could not be renewed. Sign in again to reopen the workspace.' });
    expect(t.sink.entries.filter((e) => e.event === 'workspace.token.failed').map((e) => [e['attempt'], e['code']])).toEqual([[1, 'genesys-cloud.sign-in-needed']]);
  });

  it('renewal retries three times by default, 2 s then 4 s apart, and posts the token that finally comes', async () => {
    const t = setUp([async () => 'tok-first', fail, fail]);
    t.send({ type: T('ready') });
    await flush();
    t.send({ type: T('session-start'), userId: 'u1' });
    t.send({ type: T('token-expiring') });
    await flush();
    expect(t.asked).toHaveLength(2);
    await t.clock.advance(1_999);
    await flush();
    expect(t.asked).toHaveLength(2);
    await t.clock.advance(1);
    await flush();
    expect(t.asked).toHaveLength(3);
    await t.clock.advance(3_999);
    await flush();
    expect(t.asked).toHaveLength(3);
    await t.clock.advance(1);
    await flush();
    expect(t.asked).toHaveLength(4);
    expect(t.posts.at(-1)).toEqual([{ type: T('token'), accessToken: 'tok-4' }, origins.component]);
    expect(t.host.view.phase).toBe('active');
  });

  it('maxRenewals bounds the attempts', async () => {
    const t = setUp([async () => 'tok-first', fail, fail], { maxRenewals: 2, retryDelayMs: 10 });
    t.send({ type: T('ready') });
    await flush();
    t.send({ type: T('session-start'), userId: 'u1' });
    t.send({ type: T('token-expiring') });
    await flush();
    await t.clock.advance(10);
    await flush();
    await t.clock.advance(1_000);
    await flush();
    expect(t.asked).toHaveLength(3);
    expect(t.host.view.phase).toBe('degraded');
  });

  it('GC-04: nothing is posted once the pane closed while the token was on its way', async () => {
    let release!: (token: string) => void;
    const t = setUp([() => new Promise<string>((resolve) => (release = resolve))]);
    t.send({ type: T('ready') });
    t.host.close();
    release('late-token');
    await flush();
    expect(t.posts.filter(([m]) => (m as { type: string }).type === T('token'))).toEqual([]);
    expect(t.host.view.phase).toBe('closed');
  });

  it('a message that changes nothing announces no view', async () => {
    const t = setUp();
    t.send({ type: T('session-start'), userId: 'early' }); // before ready: ignored, same view
    expect(t.views).toHaveLength(1);
  });
});

describe('isEmbeddable', () => {
  it('is true only for a session with an embeddedAccessToken function', () => {
    expect(isEmbeddable({ embeddedAccessToken: async () => 't' })).toBe(true);
    expect(isEmbeddable({ embeddedAccessToken: 't' })).toBe(false);
    expect(isEmbeddable({})).toBe(false);
    expect(isEmbeddable(undefined)).toBe(false);
  });
});
