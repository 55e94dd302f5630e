// The Genesys Cloud notification stream on its own (protocols/genesys-cloud.md §2; issue 9, MUT-GC2):
// channel + socket order, the ping and the heartbeat watchdog, socket_closing, the 24 h channel
// renewal, no_longer_subscribed, token_revoked (GC-09: a revoked token renews or ends — no loop),
// {"result":"404"} eviction, and the reconnect schedule. Fake clock and scripted sockets; the session
// test and the lab tests cover the same stream through the whole session.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import {
  DEFAULT_RECONNECT_DELAYS_MS,
  NotificationStream,
  type GcSocket,
  type GcSocketHandlers,
  type NotificationStreamOptions,
  type StreamStatus,
} from '../../../../../main/core/platforms/genesys-cloud/notifications.ts';
import type { Channel } from '../../../../../main/core/platforms/genesys-cloud/wire.ts';

type Plan = 'open' | 'refuse' | 'hang' | 'throw';

class Sock implements GcSocket {
  readonly sent: string[] = [];
  closes = 0;
  readonly url: URL;
  readonly handlers: GcSocketHandlers;
  constructor(url: URL, handlers: GcSocketHandlers) {
    this.url = url;
    this.handlers = handlers;
  }
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.closes++;
  }
  frame(value: unknown): void {
    this.handlers.onMessage(JSON.stringify(value));
  }
  get channel(): string {
    return this.url.pathname.slice(1);
  }
}

const HEARTBEAT = { topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } };

function harness(overrides: Partial<NotificationStreamOptions> = {}, plans: Plan[] = []) {
  const clock = new FakeClock();
  const sink = memorySink();
  const sockets: Sock[] = [];
  const statuses: StreamStatus[] = [];
  const events: [string, unknown][] = [];
  const order: string[] = [];
  const subscribed: string[] = [];
  const unsubscribed: string[] = [];
  let channels = 0;
  let resyncs = 0;
  const state = {
    channelExpires: undefined as string | undefined,
    createError: [] as unknown[],
    subscribeError: [] as unknown[],
    revokedAnswer: true,
    resyncError: undefined as unknown,
  };
  const options: NotificationStreamOptions = {
    clock,
    log: createLogger({ sink }),
    topics: ['v2.users.u.presence'],
    createChannel: async () => {
      const failure = state.createError.shift();
      if (failure) throw failure;
      channels++;
      order.push(`channel ch${channels}`);
      const channel: Channel = { id: `ch${channels}`, connectUri: `wss://streaming.test/ch${channels}` };
      if (state.channelExpires !== undefined) channel.expires = state.channelExpires;
      return channel;
    },
    subscribe: async (id, topics) => {
      order.push(`subscribe ${id} ${topics.join(' ')}`);
      const failure = state.subscribeError.shift();
      if (failure) throw failure;
      subscribed.push(id);
    },
    unsubscribe: async (id) => {
      unsubscribed.push(id);
    },
    checkUri: (uri) => new URL(uri),
    socketFactory: (url, handlers) => {
      const plan = plans[sockets.length] ?? 'open';
      if (plan === 'throw') throw new Error('no socket');
      const socket = new Sock(url, handlers);
      sockets.push(socket);
      order.push(`socket ${url.pathname.slice(1)}`);
      if (plan === 'open') queueMicrotask(() => handlers.onOpen());
      if (plan === 'refuse') queueMicrotask(() => handlers.onClose(1008, 'policy'));
      return socket;
    },
    onEvent: (topic, body) => events.push([topic, body]),
    onStatus: (status) => statuses.push(status),
    onResync: async () => {
      resyncs++;
      if (state.resyncError) throw state.resyncError;
    },
    onTokenRevoked: async () => state.revokedAnswer,
    ...overrides,
  };
  const stream = new NotificationStream(options);
  return {
    clock,
    sink,
    stream,
    sockets,
    statuses,
    events,
    order,
    subscribed,
    unsubscribed,
    state,
    get resyncs() {
      return resyncs;
    },
    get channels() {
      return channels;
    },
    /** start() with the fake clock running (socket opens are microtasks). */
    async start() {
      const started = stream.start();
      await clock.advance(0);
      await started;
    },
    last: () => sockets[sockets.length - 1]!,
  };
}

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as PatchbayError;
  }
  throw new Error('resolved');
};

describe('Genesys Cloud notifications: start (§2)', () => {
  it('creates the channel, opens its socket, then subscribes the topics; online once current', async () => {
    const h = harness();
    expect(h.stream.online).toBe(false);
    const started = h.stream.start();
    expect(h.stream.online).toBe(false); // running, no socket yet
    await h.clock.advance(0);
    await started;
    expect(h.order).toEqual(['channel ch1', 'socket ch1', 'subscribe ch1 v2.users.u.presence']);
    expect(h.statuses).toEqual([{ state: 'online' }]);
    expect(h.stream.online).toBe(true);
    expect(h.stream.stats).toMatchObject({ sockets: 1, channels: 1 });
  });

  it('a channel taken at once (404 on subscribe) closes its socket and tries one more channel', async () => {
    const h = harness();
    h.state.subscribeError.push(new PatchbayError('genesys-cloud.not-found', 'gone'));
    await h.start();
    expect(h.sockets[0]!.closes).toBe(1);
    expect(h.order).toEqual(['channel ch1', 'socket ch1', 'subscribe ch1 v2.users.u.presence', 'channel ch2', 'socket ch2', 'subscribe ch2 v2.users.u.presence']);
    expect(h.stream.online).toBe(true);
  });

  it('a second channel taken at once is reported as the channel-gone error; the stream is not running', async () => {
    const h = harness();
    const gone = new PatchbayError('genesys-cloud.not-found', 'gone');
    h.state.subscribeError.push(gone, gone);
    const started = h.stream.start();
    await h.clock.advance(0);
    const error = await errorOf(started);
    expect(error).toMatchObject({ code: 'genesys-cloud.notifications.channel-gone', action: 'retry', cause: gone });
    expect(error.message).toBe('Genesys Cloud closed Patchbay’s new notification channel at once: another app or device signed in as you may be using them all.');
    expect(h.channels).toBe(2);
    expect(h.stream.online).toBe(false);
  });

  it('any other subscribe failure is the start error as it came (typed), with the socket closed and no retry', async () => {
    const h = harness();
    h.state.subscribeError.push(new PatchbayError('genesys-cloud.forbidden', 'no', { action: 'contact-it' }));
    const started = h.stream.start();
    await h.clock.advance(0);
    expect(await errorOf(started)).toMatchObject({ code: 'genesys-cloud.forbidden' });
    expect(h.sockets[0]!.closes).toBe(1);
    expect(h.channels).toBe(1);
    h.state.createError.push(new Error('boom'));
    const again = h.stream.start();
    await h.clock.advance(0);
    const typed = await errorOf(again);
    expect(typed).toBeInstanceOf(PatchbayError);
    expect(h.stream.online).toBe(false);
    // not running: frames of the earlier socket are ignored
    h.sockets[0]!.frame({ topicName: 'v2.users.u.presence', eventBody: {} });
    expect(h.events).toEqual([]);
  });

  it('a socket refused before it opens names the close code; a factory that throws is refused too', async () => {
    const h = harness({}, ['refuse']);
    const started = h.stream.start();
    await h.clock.advance(0);
    const error = await errorOf(started);
    expect(error).toMatchObject({ code: 'genesys-cloud.notifications.refused', action: 'retry', details: { code: 1008 } });
    expect(error.message).toBe('The Genesys Cloud notification service refused the connection.');
    const t = harness({}, ['throw']);
    const thrown = t.stream.start();
    await t.clock.advance(0);
    const failure = await errorOf(thrown);
    expect(failure).toMatchObject({ code: 'genesys-cloud.notifications.refused', action: 'retry' });
    expect(failure.message).toBe('Patchbay could not open the notification connection.');
    expect(t.clock.pendingTimers()).toBe(0);
  });

  it('a socket that never opens times out after 10 s (or connectTimeoutMs), closed, not earlier', async () => {
    const h = harness({}, ['hang']);
    const started = h.stream.start();
    let settled = false;
    void started.catch(() => undefined).finally(() => (settled = true));
    await h.clock.advance(9_999);
    expect(settled).toBe(false);
    await h.clock.advance(1);
    const error = await errorOf(started);
    expect(error).toMatchObject({ code: 'genesys-cloud.notifications.timeout', action: 'retry' });
    expect(error.message).toBe('The Genesys Cloud notification service did not answer in time.');
    expect(h.sockets[0]!.closes).toBe(1);
    const s = harness({ connectTimeoutMs: 500 }, ['hang']);
    const short = s.stream.start();
    await s.clock.advance(500);
    expect((await errorOf(short)).code).toBe('genesys-cloud.notifications.timeout');
  });

  it('a socket that opens late after its timeout stays refused; its close does not count', async () => {
    const h = harness({}, ['hang']);
    const started = h.stream.start();
    await h.clock.advance(10_000);
    await errorOf(started);
    h.sockets[0]!.handlers.onOpen();
    expect(h.stream.stats.sockets).toBe(0);
    expect(h.stream.online).toBe(false);
  });
});

describe('Genesys Cloud notifications: keep-alive (§2)', () => {
  it('sends {"message":"ping"} every 30 s (or pingIntervalMs)', async () => {
    const h = harness();
    await h.start();
    await h.clock.advance(29_999);
    expect(h.last().sent).toEqual([]);
    await h.clock.advance(1);
    expect(h.last().sent).toEqual(['{"message":"ping"}']);
    h.last().frame(HEARTBEAT);
    await h.clock.advance(30_000);
    expect(h.last().sent).toHaveLength(2);
    const p = harness({ pingIntervalMs: 5_000, watchdogMs: 60_000 });
    await p.start();
    await p.clock.advance(15_000);
    expect(p.last().sent).toHaveLength(3);
  });

  it('a ping that throws on a dying socket is swallowed and pinging goes on', async () => {
    const h = harness();
    await h.start();
    h.last().send = () => {
      throw new Error('dying');
    };
    await h.clock.advance(30_000);
    await h.clock.advance(30_000);
    expect(h.stream.online).toBe(true);
    expect(h.clock.pendingTimers()).toBeGreaterThan(0);
  });

  it('no frame for 75 s (or watchdogMs) → the socket is dead: a reconnect on the same channel first', async () => {
    const h = harness();
    await h.start();
    await h.clock.advance(74_999);
    expect(h.statuses).toHaveLength(1);
    await h.clock.advance(1);
    expect(h.statuses[1]).toMatchObject({ state: 'reconnecting', attempt: 1, error: { code: 'genesys-cloud.notifications.silent', action: 'retry' } });
    expect((h.statuses[1] as { error: PatchbayError }).error.message).toBe('The Genesys Cloud notification connection went silent.');
    expect(h.sockets[0]!.closes).toBe(1);
    await h.clock.advance(0);
    expect(h.sockets).toHaveLength(2);
    expect(h.sockets[1]!.channel).toBe('ch1');
    expect(h.channels).toBe(1);
    expect(h.statuses.at(-1)).toEqual({ state: 'online', rotated: 'reconnect' });
    expect(h.stream.stats.reconnects).toBe(1);
    expect(h.resyncs).toBe(1);
  });

  it('every frame on the current socket feeds the watchdog (heartbeats keep it alive)', async () => {
    const h = harness({ watchdogMs: 1_000, pingIntervalMs: 100_000 });
    await h.start();
    for (let i = 0; i < 5; i++) {
      await h.clock.advance(900);
      h.last().frame(HEARTBEAT);
    }
    expect(h.statuses).toEqual([{ state: 'online' }]);
    await h.clock.advance(1_000);
    expect(h.statuses[1]).toMatchObject({ state: 'reconnecting', error: { code: 'genesys-cloud.notifications.silent' } });
  });
});

describe('Genesys Cloud notifications: channel life (§2, 24 h)', () => {
  it('a channel without expires is renewed 23 h after it opened; the old channel\'s topics are deleted', async () => {
    const h = harness({ watchdogMs: 48 * 3600_000, pingIntervalMs: 48 * 3600_000 });
    await h.start();
    await h.clock.advance(23 * 3600_000 - 1);
    expect(h.channels).toBe(1);
    await h.clock.advance(1);
    expect(h.channels).toBe(2);
    expect(h.sockets[0]!.closes).toBe(1);
    expect(h.unsubscribed).toEqual(['ch1']);
    expect(h.stream.stats).toMatchObject({ renewals: 1, rotations: 0 });
    expect(h.statuses.at(-1)).toEqual({ state: 'online', rotated: 'channel' });
    expect(h.resyncs).toBe(1);
  });

  it('the channel\'s own expires wins when sooner; a short one is renewed a quarter of its life ahead; never past 24 h', async () => {
    const h = harness({ watchdogMs: 48 * 3600_000, pingIntervalMs: 48 * 3600_000 });
    h.state.channelExpires = new Date(h.clock.now() + 2 * 3600_000).toISOString();
    await h.start();
    await h.clock.advance(1.5 * 3600_000 - 1);
    expect(h.channels).toBe(1);
    await h.clock.advance(1);
    expect(h.channels).toBe(2);
    const r = harness({ watchdogMs: 48 * 3600_000, pingIntervalMs: 48 * 3600_000, renewBeforeMs: 60_000 });
    r.state.channelExpires = new Date(r.clock.now() + 48 * 3600_000).toISOString();
    await r.start();
    await r.clock.advance(24 * 3600_000 - 60_001);
    expect(r.channels).toBe(1);
    await r.clock.advance(1);
    expect(r.channels).toBe(2);
    const bad = harness({ watchdogMs: 48 * 3600_000, pingIntervalMs: 48 * 3600_000 });
    bad.state.channelExpires = 'tomorrow';
    await bad.start();
    await bad.clock.advance(23 * 3600_000 - 1);
    expect(bad.channels).toBe(1);
    await bad.clock.advance(1);
    expect(bad.channels).toBe(2);
  });

  it('a channel already past its expires is renewed at once', async () => {
    const h = harness();
    h.state.channelExpires = new Date(h.clock.now() - 1_000).toISOString();
    const started = h.stream.start();
    await Promise.resolve();
    h.state.channelExpires = undefined; // the next channel lives its 24 h
    await h.clock.advance(0);
    await started;
    await h.clock.advance(0);
    expect(h.channels).toBe(2);
  });

  it('a renewal that fails falls back to the reconnect loop', async () => {
    const h = harness({ watchdogMs: 48 * 3600_000, pingIntervalMs: 48 * 3600_000 });
    await h.start();
    h.state.createError.push(new PatchbayError('genesys-cloud.server-error', 'x', { action: 'retry' }));
    await h.clock.advance(23 * 3600_000);
    expect(h.statuses.at(-2)).toMatchObject({ state: 'reconnecting', attempt: 1, error: { code: 'genesys-cloud.server-error' } });
    expect(h.statuses.at(-1)).toEqual({ state: 'online', rotated: 'reconnect' });
  });
});

describe('Genesys Cloud notifications: frames (§2)', () => {
  it('events reach the session with their topic and body; the time of the last one is kept', async () => {
    const h = harness();
    await h.start();
    await h.clock.advance(1_234);
    h.last().frame({ topicName: 'v2.users.u.presence', eventBody: { a: 1 } });
    expect(h.events).toEqual([['v2.users.u.presence', { a: 1 }]]);
    expect(h.stream.lastEventAt).toBe(h.clock.now());
    h.last().frame({ topicName: 'channel.metadata', eventBody: { message: 'pong' } });
    h.last().handlers.onMessage('not json');
    expect(h.events).toHaveLength(1);
    expect(h.sink.entries.some((e) => e.event === 'genesys-cloud.notifications.bad-frame' && e['code'] === 'genesys-cloud.notifications.bad-frame')).toBe(true);
  });

  it('socket_closing: a new socket on the same channel, the old one closed after; events of both count meanwhile', async () => {
    const h = harness({}, ['open', 'hang']);
    await h.start();
    h.last().frame({ topicName: 'v2.system.socket_closing', eventBody: {} });
    await h.clock.advance(0);
    expect(h.sockets).toHaveLength(2);
    expect(h.sockets[1]!.channel).toBe('ch1');
    expect(h.stream.online).toBe(false); // a recovery runs
    // the new socket opens: its events count already, before it is current
    h.sockets[1]!.handlers.onOpen();
    h.sockets[1]!.frame({ topicName: 'v2.users.u.presence', eventBody: { n: 1 } });
    h.sockets[0]!.frame({ topicName: 'v2.users.u.presence', eventBody: { n: 0 } });
    await h.clock.advance(0);
    expect(h.events.map(([, b]) => b)).toEqual([{ n: 1 }, { n: 0 }]);
    expect(h.sockets[0]!.closes).toBe(1);
    expect(h.stream.stats).toMatchObject({ rotations: 1, renewals: 0, sockets: 2, channels: 1 });
    expect(h.statuses.at(-1)).toEqual({ state: 'online', rotated: 'socket' });
    expect(h.unsubscribed).toEqual([]);
    expect(h.resyncs).toBe(1);
    expect(h.stream.online).toBe(true);
    // the retired socket's late frames and close no longer count
    h.sockets[0]!.frame({ topicName: 'v2.users.u.presence', eventBody: { n: 2 } });
    const seen = h.statuses.length;
    h.sockets[0]!.handlers.onClose(1000, '');
    await h.clock.advance(0);
    expect(h.events).toHaveLength(2);
    expect(h.stream.online).toBe(true);
    expect(h.statuses).toHaveLength(seen);
    expect(h.stream.stats.reconnects).toBe(0);
  });

  it('control frames from a socket that is not current are ignored; a second recovery waits for the first', async () => {
    const h = harness({}, ['open', 'hang']);
    await h.start();
    h.last().frame({ topicName: 'v2.system.socket_closing' });
    await h.clock.advance(0);
    h.sockets[1]!.handlers.onOpen();
    // pending socket: a socket_closing on it is not ours to act on
    h.sockets[1]!.frame({ topicName: 'v2.system.socket_closing' });
    // current socket: a second socket_closing while the first recovery runs starts nothing
    h.sockets[0]!.frame({ topicName: 'v2.system.no_longer_subscribed.ch1' });
    await h.clock.advance(0);
    expect(h.sockets).toHaveLength(2);
    expect(h.subscribed).toEqual(['ch1']);
  });

  it('no_longer_subscribed: the topics are put again on the same channel, then the state re-read', async () => {
    const h = harness();
    await h.start();
    h.last().frame({ topicName: 'v2.system.no_longer_subscribed.ch1' });
    await h.clock.advance(0);
    expect(h.subscribed).toEqual(['ch1', 'ch1']);
    expect(h.sockets).toHaveLength(1);
    expect(h.resyncs).toBe(1);
    expect(h.stream.online).toBe(true);
  });

  it('a failed re-read is logged, not fatal', async () => {
    const h = harness();
    await h.start();
    h.state.resyncError = new PatchbayError('genesys-cloud.server-error', 'x');
    h.last().frame({ topicName: 'v2.system.no_longer_subscribed.ch1' });
    await h.clock.advance(0);
    expect(h.stream.online).toBe(true);
    expect(h.sink.entries.some((e) => e.event === 'genesys-cloud.notifications.resync-failed' && e['code'] === 'genesys-cloud.server-error')).toBe(true);
  });
});

describe('Genesys Cloud notifications: token_revoked (GC-09)', () => {
  it('renewed: a new channel with the new token (the old one is the revoked token\'s)', async () => {
    const h = harness();
    await h.start();
    h.last().frame({ topicName: 'v2.system.token_revoked.u' });
    await h.clock.advance(0);
    expect(h.channels).toBe(2);
    expect(h.sockets[0]!.closes).toBe(1);
    expect(h.statuses[1]).toMatchObject({ state: 'reconnecting', attempt: 1, error: { code: 'genesys-cloud.notifications.token-revoked', action: 'retry' } });
    expect((h.statuses[1] as { error: PatchbayError }).error.message).toBe('Your Genesys Cloud sign-in was revoked.');
    expect(h.statuses.at(-1)).toEqual({ state: 'online', rotated: 'reconnect' });
    expect(h.stream.online).toBe(true);
  });

  it('not renewed: the stream stops — no reconnect, no timer left', async () => {
    const h = harness();
    h.state.revokedAnswer = false;
    await h.start();
    h.last().frame({ topicName: 'v2.system.token_revoked.u' });
    await h.clock.advance(0);
    expect(h.channels).toBe(1);
    expect(h.sockets[0]!.closes).toBe(1);
    expect(h.stream.online).toBe(false);
    expect(h.statuses).toEqual([{ state: 'online' }]);
    await h.clock.advance(3600_000);
    expect(h.sockets).toHaveLength(1);
    expect(h.clock.pendingTimers()).toBe(0);
  });
});

describe('Genesys Cloud notifications: {"result":"404"} eviction (§2)', () => {
  it('the first: a warning, then a new channel at once; a second within 10 min stops and says why', async () => {
    const h = harness();
    await h.start();
    h.last().frame({ result: '404' });
    expect(h.statuses[1]).toMatchObject({ state: 'warning', error: { code: 'genesys-cloud.notifications.channel-gone', action: 'none', details: { result: '404' } } });
    expect((h.statuses[1] as { error: PatchbayError }).error.message).toBe(
      'Genesys Cloud closed Patchbay’s notification channel (it expired, or another app opened too many). Patchbay opened a new one.',
    );
    expect(h.statuses[2]).toMatchObject({ state: 'reconnecting', attempt: 1, nextAttemptAt: h.clock.now() });
    await h.clock.advance(0);
    expect(h.channels).toBe(2);
    expect(h.statuses.at(-1)).toEqual({ state: 'online', rotated: 'reconnect' });
    await h.clock.advance(10 * 60_000 - 1);
    h.last().frame({ result: 404 });
    const offline = h.statuses.at(-1) as { state: string; error: PatchbayError };
    expect(offline).toMatchObject({ state: 'offline', error: { code: 'genesys-cloud.notifications.evicted', action: 'sign-in-again', details: { result: '404' } } });
    expect(offline.error.message).toBe(
      'Genesys Cloud keeps closing Patchbay’s notification channel: another app or device is signed in as you (a user has at most 20 channels). Close the others, then sign in again.',
    );
    expect(h.stream.online).toBe(false);
    expect(h.last().closes).toBe(1);
  });

  it('a second one 10 min or more later is a new first (or the evictionWindowMs given)', async () => {
    const h = harness();
    await h.start();
    h.last().frame({ result: '404' });
    await h.clock.advance(10 * 60_000);
    h.last().frame({ result: '404' });
    await h.clock.advance(0);
    expect(h.channels).toBe(3);
    expect(h.stream.online).toBe(true);
    const w = harness({ evictionWindowMs: 1_000 });
    await w.start();
    w.last().frame({ result: '404' });
    await w.clock.advance(1_000);
    w.last().frame({ result: '404' });
    await w.clock.advance(0);
    expect(w.channels).toBe(3);
  });

  it('a 404 while a recovery runs is left to that recovery', async () => {
    const h = harness({}, ['open', 'hang']);
    await h.start();
    h.last().frame({ topicName: 'v2.system.socket_closing' });
    await h.clock.advance(0);
    h.sockets[0]!.frame({ result: '404' });
    expect(h.statuses.map((s) => s.state)).toEqual(['online']);
  });
});

describe('Genesys Cloud notifications: reconnect schedule', () => {
  it('the default delays are 0, 1, 2, 5, 10 and then 30 s for good', () => {
    expect([...DEFAULT_RECONNECT_DELAYS_MS]).toEqual([0, 1_000, 2_000, 5_000, 10_000, 30_000]);
  });

  it('a closed socket reconnects: same channel first, new channels after; attempts and next times as scheduled', async () => {
    const h = harness({}, ['open', 'refuse', 'refuse', 'refuse', 'refuse', 'refuse', 'refuse', 'refuse', 'open']);
    await h.start();
    const t0 = h.clock.now();
    h.last().handlers.onClose(1006, 'gone');
    expect(h.statuses[1]).toMatchObject({ state: 'reconnecting', attempt: 1, nextAttemptAt: t0, error: { code: 'genesys-cloud.notifications.closed', details: { code: 1006 } } });
    expect((h.statuses[1] as { error: PatchbayError }).error.message).toBe('The Genesys Cloud notification connection closed.');
    await h.clock.advance(0);
    expect(h.sockets[1]!.channel).toBe('ch1');
    const attempts = () => h.statuses.filter((s): s is Extract<StreamStatus, { state: 'reconnecting' }> => s.state === 'reconnecting');
    expect(attempts().map((s) => s.attempt)).toEqual([1, 2]);
    expect(attempts()[1]).toMatchObject({ nextAttemptAt: t0 + 1_000, error: { code: 'genesys-cloud.notifications.refused' } });
    for (const step of [1_000, 2_000, 5_000, 10_000, 30_000, 30_000, 30_000]) await h.clock.advance(step);
    expect(attempts().map((s) => s.nextAttemptAt - t0)).toEqual([0, 1_000, 3_000, 8_000, 18_000, 48_000, 78_000, 108_000]);
    expect(h.sockets.slice(2).map((s) => s.channel)).toEqual(['ch2', 'ch3', 'ch4', 'ch5', 'ch6', 'ch7', 'ch8']);
    expect(h.statuses.at(-1)).toEqual({ state: 'online', rotated: 'reconnect' });
    expect(h.stream.stats.reconnects).toBe(1);
  });

  it('a failure that is not retryable ends the loop offline with that error', async () => {
    const h = harness();
    await h.start();
    h.state.createError.push(new PatchbayError('genesys-cloud.scopes.missing', 'no', { action: 'contact-it' }));
    h.last().frame({ result: '404' });
    await h.clock.advance(0);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'offline', error: { code: 'genesys-cloud.scopes.missing' } });
    await h.clock.advance(3600_000);
    expect(h.channels).toBe(1);
  });

  it('a 429 with Retry-After waits that long (at most 5 min) on top of the next delay', async () => {
    const h = harness({ reconnectDelaysMs: [0, 1_000] });
    await h.start();
    h.state.createError.push(new PatchbayError('genesys-cloud.rate-limited', 'slow', { action: 'retry', details: { retryAfterMs: 20_000 } }));
    h.last().frame({ result: '404' });
    await h.clock.advance(20_999);
    expect(h.channels).toBe(1);
    await h.clock.advance(1);
    expect(h.channels).toBe(2);
    const c = harness({ reconnectDelaysMs: [0] });
    await c.start();
    c.state.createError.push(new PatchbayError('genesys-cloud.rate-limited', 'slow', { action: 'retry', details: { retryAfterMs: 3600_000 } }));
    c.last().frame({ result: '404' });
    await c.clock.advance(5 * 60_000 - 1);
    expect(c.channels).toBe(1);
    await c.clock.advance(1);
    expect(c.channels).toBe(2);
  });

  it('an empty delay list waits 5 s', async () => {
    const h = harness({ reconnectDelaysMs: [] });
    await h.start();
    h.last().frame({ result: '404' });
    expect(h.statuses.at(-1)).toMatchObject({ state: 'reconnecting', nextAttemptAt: h.clock.now() + 5_000 });
    await h.clock.advance(4_999);
    expect(h.channels).toBe(1);
    await h.clock.advance(1);
    expect(h.channels).toBe(2);
  });

  it('stop() during the wait ends the loop: nothing opens after it', async () => {
    const h = harness({ reconnectDelaysMs: [10_000] });
    await h.start();
    h.last().handlers.onClose(1006, '');
    h.stream.stop();
    await h.clock.advance(60_000);
    expect(h.sockets).toHaveLength(1);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'reconnecting' });
  });

  it('stop() while a reconnect socket is opening closes that socket when it opens', async () => {
    const h = harness({}, ['open', 'hang']);
    await h.start();
    h.last().handlers.onClose(1006, '');
    await h.clock.advance(0);
    h.stream.stop();
    h.sockets[1]!.handlers.onOpen();
    await h.clock.advance(0);
    expect(h.sockets[1]!.closes).toBe(1);
    expect(h.stream.stats.reconnects).toBe(0);
  });
});

describe('Genesys Cloud notifications: stop()', () => {
  it('closes the current socket, cancels every timer and ignores what comes after', async () => {
    const h = harness();
    await h.start();
    h.stream.stop();
    expect(h.sockets[0]!.closes).toBe(1);
    expect(h.stream.online).toBe(false);
    expect(h.clock.pendingTimers()).toBe(0);
    h.sockets[0]!.frame({ topicName: 'v2.users.u.presence', eventBody: {} });
    h.sockets[0]!.handlers.onClose(1006, '');
    await h.clock.advance(3600_000);
    expect(h.events).toEqual([]);
    expect(h.statuses).toEqual([{ state: 'online' }]);
  });

  it('closes a socket still being subscribed (pending) too', async () => {
    let release: () => void = () => undefined;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const slow = harness({ subscribe: () => hold });
    const started = slow.stream.start();
    await slow.clock.advance(0);
    expect(slow.sockets).toHaveLength(1);
    slow.stream.stop();
    expect(slow.sockets[0]!.closes).toBe(1);
    release();
    await started.catch(() => undefined);
  });
});

// Session 5, final sweep (SWEEP-A): the survivors MUT-GC2 left "killable, not killed" (docs/mutation.md).
describe('Genesys Cloud notifications: guards of the recoveries (issue 9 sweep)', () => {
  it('a socket that timed out before it opened is closed once, even when its close comes after', async () => {
    const h = harness({}, ['hang']);
    const started = h.stream.start();
    await h.clock.advance(10_000);
    expect((await errorOf(started)).code).toBe('genesys-cloud.notifications.timeout');
    expect(h.sockets[0]!.closes).toBe(1);
    // the socket library reports the close of the socket we gave up on: the attempt is already settled
    h.sockets[0]!.handlers.onClose(1006, '');
    await h.clock.advance(0);
    expect(h.sockets[0]!.closes).toBe(1);
    expect(h.statuses).toEqual([]);
  });

  it('an open reported twice counts one socket, and stop() closes it once', async () => {
    const h = harness();
    await h.start();
    h.sockets[0]!.handlers.onOpen();
    expect(h.stream.stats.sockets).toBe(1);
    h.stream.stop();
    expect(h.sockets[0]!.closes).toBe(1);
  });

  it('events of the first socket while its topics are still being subscribed do not arm the watchdog', async () => {
    let release: () => void = () => undefined;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const h = harness({ subscribe: () => hold });
    const started = h.stream.start();
    await h.clock.advance(0);
    expect(h.sockets).toHaveLength(1);
    h.sockets[0]!.frame({ topicName: 'v2.users.u.presence', eventBody: { n: 1 } });
    expect(h.events).toHaveLength(1); // counted: nothing is missed while subscribing
    await h.clock.advance(75_000);
    // not current yet: no watchdog ran out, no reconnect started beside start()
    expect(h.statuses).toEqual([]);
    expect(h.sockets).toHaveLength(1);
    release();
    await started;
    expect(h.statuses).toEqual([{ state: 'online' }]);
    expect(h.channels).toBe(1);
  });

  it('a channel renewal that fails after stop() reports nothing and starts no reconnect', async () => {
    let failSubscribe: (error: unknown) => void = () => undefined;
    let subscribes = 0;
    const h = harness({
      watchdogMs: 48 * 3600_000,
      pingIntervalMs: 48 * 3600_000,
      subscribe: async () => {
        subscribes++;
        // the renewal's channel: its subscribe is answered only after stop()
        if (subscribes === 2) await new Promise<void>((_resolve, reject) => (failSubscribe = reject));
      },
    });
    await h.start();
    await h.clock.advance(23 * 3600_000);
    expect(h.channels).toBe(2);
    expect(subscribes).toBe(2);
    h.stream.stop();
    failSubscribe(new PatchbayError('genesys-cloud.not-found', 'gone')); // → channel-gone
    await h.clock.advance(0);
    expect(h.statuses).toEqual([{ state: 'online' }]);
    expect(h.sockets).toHaveLength(2);
    expect(h.channels).toBe(2);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('stop() while a socket_closing replacement opens: the new socket is closed when it opens, nothing adopted', async () => {
    const h = harness({}, ['open', 'hang']);
    await h.start();
    h.last().frame({ topicName: 'v2.system.socket_closing' });
    await h.clock.advance(0);
    expect(h.sockets).toHaveLength(2);
    h.stream.stop();
    h.sockets[1]!.handlers.onOpen();
    await h.clock.advance(0);
    expect(h.sockets[1]!.closes).toBe(1);
    expect(h.stream.stats.rotations).toBe(0);
    expect(h.statuses).toEqual([{ state: 'online' }]);
    expect(h.resyncs).toBe(0);
    expect(h.stream.online).toBe(false);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('a 404 left to a running recovery does not count as the first eviction of the window', async () => {
    const h = harness({}, ['open', 'hang']);
    await h.start();
    h.last().frame({ topicName: 'v2.system.socket_closing' });
    await h.clock.advance(0);
    h.sockets[0]!.frame({ result: '404' }); // left to the recovery
    h.sockets[1]!.handlers.onOpen();
    await h.clock.advance(0);
    expect(h.statuses.at(-1)).toEqual({ state: 'online', rotated: 'socket' });
    // the first eviction the stream acts on: a warning and a new channel, not the "keeps closing" stop
    h.last().frame({ result: '404' });
    await h.clock.advance(0);
    expect(h.statuses.slice(-3).map((s) => s.state)).toEqual(['warning', 'reconnecting', 'online']);
    expect(h.channels).toBe(2);
    expect(h.stream.online).toBe(true);
  });
});
