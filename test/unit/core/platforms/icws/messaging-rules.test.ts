// The ICWS messaging loops (main/core/platforms/icws/messaging.ts) on a fake clock and stub streams:
// which messages count, the messages URL, the event stream's request, retry spacing, stall watchdog
// and reopen notice, short polling, the heartbeat's error paths, and which loops a transport starts
// (issue 9 mutation testing, helper MUT-LOG).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import {
  HEARTBEAT_INTERVAL_MS,
  messagesUrl,
  readMessages,
  runHeartbeat,
  runMessaging,
  runPolling,
  runSse,
  SSE_STALL_MS,
  STREAM_RETRY_MS,
  waitForArrival,
  type MessagingContext,
} from '../../../../../main/core/platforms/icws/messaging.ts';
import { response } from './stub-response.ts';

const URL_ = 'https://ic1.example.com:8019/icws/s1/messaging/messages';

/** A held-open event stream: `push` delivers text, `close` ends it. */
class StubStream {
  closed = 0;
  private queue: string[] = [];
  private wake: (() => void) | undefined;
  readonly status: number;
  constructor(status: number) {
    this.status = status;
  }
  readonly headers = {};
  readonly url = URL_;
  readonly body = (async function* (self: StubStream) {
    for (;;) {
      while (self.queue.length > 0) yield new TextEncoder().encode(self.queue.shift());
      if (self.closed > 0) return;
      await new Promise<void>((resolve) => (self.wake = resolve));
    }
  })(this);
  push(text: string): void {
    this.queue.push(text);
    this.wake?.();
  }
  close = (): void => {
    this.closed += 1;
    this.wake?.();
  };
}

function harness(options: { statuses?: number[]; calls?: (method: string, path: string) => Promise<HttpResponse> } = {}) {
  const clock = new FakeClock(0);
  const sink = memorySink();
  const statuses = [...(options.statuses ?? [])];
  const opened: { at: number; request: HttpRequest; stream: StubStream }[] = [];
  const data: string[] = [];
  const calls: { at: number; method: string; path: string }[] = [];
  let unauthorized = 0;
  let reopened = 0;
  let lastAuthenticated = 0;
  const http = {
    stream: async (request: HttpRequest) => {
      const status = statuses.shift() ?? 200;
      const stream = new StubStream(status);
      opened.push({ at: clock.now(), request, stream });
      return stream;
    },
  } as unknown as HttpSession;
  const ctx: MessagingContext = {
    http,
    clock,
    log: createLogger({ sink, level: 'debug', clock }),
    language: 'de-DE',
    session: () => ({ url: URL_, csrfToken: 'csrf-1' }),
    call: async (method, path) => {
      calls.push({ at: clock.now(), method, path });
      lastAuthenticated = clock.now();
      return options.calls ? options.calls(method, path) : response(204);
    },
    lastAuthenticatedAt: () => lastAuthenticated,
    pollIntervalMs: 3_000,
    onData: (d) => void data.push(d),
    onUnauthorized: async () => void (unauthorized += 1),
    onReopened: () => void (reopened += 1),
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await clock.advance(0);
  };
  return { clock, sink, ctx, opened, data, calls, settle, counts: () => ({ unauthorized, reopened }) };
}

describe('messages payloads [ICWS-15, ICWS-18]', () => {
  it("keeps this user's status and down connection changes; ignores other users, other types, up changes", () => {
    const payload = [
      { __type: 'urn:inin.com:status:userStatusMessage', userStatusList: [{ userId: 'other', statusId: 'Lunch' }, { userId: 'me', statusId: 'Available' }] },
      { __type: 'urn:inin.com:connection:connectionStateChangeMessage', newConnectionState: 1 },
      { __type: 'urn:inin.com:queues:queueContentsMessage', x: 1 },
      { __type: 'urn:inin.com:connection:connectionStateChangeMessage', newConnectionState: 2, reason: 'Bye.' },
    ];
    expect(readMessages(JSON.stringify(payload), 'me')).toStrictEqual({
      count: 4,
      events: [
        { kind: 'user-status', status: { userId: 'me', statusId: 'Available' } },
        { kind: 'down', reason: 'Bye.', shouldReconnect: undefined },
      ],
    });
  });

  it('one message without an array counts as one; not JSON gives undefined; no user means no status', () => {
    const one = { __type: 'urn:inin.com:status:userStatusMessage', userStatusList: [{ userId: 'me', statusId: 'Lunch' }] };
    expect(readMessages(JSON.stringify(one), 'me')).toStrictEqual({ count: 1, events: [{ kind: 'user-status', status: { userId: 'me', statusId: 'Lunch' } }] });
    expect(readMessages(JSON.stringify(one), undefined)).toStrictEqual({ count: 1, events: [] });
    expect(readMessages('{not json', 'me')).toBeUndefined();
  });

  it('the messages URL asks for heartbeats only when the option is on [ICWS-15, ICWS-16]', () => {
    expect(messagesUrl({ base: 'https://ic1:8019', sessionId: 's1' }, false)).toBe('https://ic1:8019/icws/s1/messaging/messages');
    expect(messagesUrl({ base: 'https://ic1:8019', sessionId: 's1' }, true)).toBe('https://ic1:8019/icws/s1/messaging/messages?heartbeat=true');
  });
});

describe('server-sent events [ICWS-15]', () => {
  it('opens the stream with the session token, language and no redirects, and delivers each event', async () => {
    const h = harness();
    const stop = new AbortController();
    const run = runSse(h.ctx, stop.signal);
    await h.settle();
    expect(h.opened).toHaveLength(1);
    const { request, stream } = h.opened[0]!;
    expect(request).toMatchObject({
      url: URL_,
      headers: { Accept: 'text/event-stream', 'Accept-Language': 'de-DE', 'ININ-ICWS-CSRF-Token': 'csrf-1' },
      sensitiveHeaders: ['ININ-ICWS-CSRF-Token'],
      followRedirects: false,
    });
    stream.push('data: {"a":1}\n\ndata: {"b":2}\n\n');
    await h.settle();
    expect(h.data).toEqual(['{"a":1}', '{"b":2}']);
    expect(h.counts().reopened).toBe(0);
    stop.abort();
    stream.close();
    await run;
  });

  it('retries a refused stream after 1, 2, 5, then every 10 s, and starts over after a good one', async () => {
    const h = harness({ statuses: [500, 503, 404, 500, 500, 200] });
    const stop = new AbortController();
    const run = runSse(h.ctx, stop.signal);
    await h.clock.advance(30_000);
    expect(h.opened.map((o) => o.at)).toEqual([0, 1_000, 3_000, 8_000, 18_000, 28_000]);
    expect(STREAM_RETRY_MS).toEqual([1_000, 2_000, 5_000, 10_000]);
    expect(h.opened.slice(0, 5).every((o) => o.stream.closed === 1)).toBe(true);
    expect(h.sink.entries.filter((e) => e.event === 'icws.sse.interrupted').map((e) => e.code)).toEqual(Array(5).fill('icws.messaging.failed'));
    // The good stream stalls; the next one opens after the first retry step again, and says events may be missed.
    await h.clock.advance(SSE_STALL_MS);
    expect(h.opened.map((o) => o.at).slice(6)).toEqual([28_000 + SSE_STALL_MS + 1_000]);
    expect(h.counts().reopened).toBe(1);
    stop.abort();
    for (const o of h.opened) o.stream.close();
    await run;
  });

  it('a stream silent for 2 minutes is closed and reopened; any chunk re-arms the watchdog', async () => {
    const h = harness();
    const stop = new AbortController();
    const run = runSse(h.ctx, stop.signal);
    await h.settle();
    const first = h.opened[0]!.stream;
    await h.clock.advance(SSE_STALL_MS - 20_000);
    first.push(': ping\n\n');
    await h.clock.advance(SSE_STALL_MS - 1);
    expect(first.closed).toBe(0);
    expect(SSE_STALL_MS).toBe(120_000);
    await h.clock.advance(1);
    expect(first.closed).toBeGreaterThan(0);
    await h.clock.advance(1_000);
    expect(h.opened).toHaveLength(2);
    expect(h.counts().reopened).toBe(1);
    stop.abort();
    h.opened[1]!.stream.close();
    await run;
  });

  it('a 401 closes the stream, reports the lost session once and stops', async () => {
    const h = harness({ statuses: [401] });
    const stop = new AbortController();
    await runSse(h.ctx, stop.signal);
    expect(h.opened).toHaveLength(1);
    expect(h.opened[0]!.stream.closed).toBe(1);
    expect(h.counts().unauthorized).toBe(1);
    await h.clock.advance(60_000);
    expect(h.opened).toHaveLength(1);
  });

  it('a failed open (no session, network error) is retried, not fatal', async () => {
    const h = harness();
    let fail = 2;
    const session = h.ctx.session;
    h.ctx.session = () => {
      if (fail-- > 0) throw new PatchbayError('net.refused', 'refused');
      return session();
    };
    const stop = new AbortController();
    const run = runSse(h.ctx, stop.signal);
    await h.clock.advance(3_000);
    expect(h.opened.map((o) => o.at)).toEqual([3_000]);
    expect(h.sink.entries.filter((e) => e.event === 'icws.sse.interrupted').map((e) => e.code)).toEqual(['net.refused', 'net.refused']);
    stop.abort();
    h.opened[0]!.stream.close();
    await run;
  });
});

describe('short polling [ICWS-15]', () => {
  it('GETs the messages every poll interval and hands on only 200 bodies', async () => {
    const answers = [response(200, '[{"x":1}]'), response(500, 'no'), response(200, '[]')];
    const h = harness({ calls: async () => answers.shift() ?? response(200, '[]') });
    const stop = new AbortController();
    const run = runPolling(h.ctx, stop.signal);
    await h.clock.advance(6_000);
    expect(h.calls.map((c) => [c.at, c.method, c.path])).toEqual([
      [0, 'GET', '/messaging/messages'],
      [3_000, 'GET', '/messaging/messages'],
      [6_000, 'GET', '/messaging/messages'],
    ]);
    expect(h.data).toEqual(['[{"x":1}]', '[]']);
    stop.abort();
    await h.clock.advance(3_000);
    await run;
  });

  it('drops a poll answer that lands after the session ended (no event on a signed-out view)', async () => {
    const stop = new AbortController();
    const h = harness({
      calls: async () => {
        stop.abort(); // the sign-out happens while the GET is in flight; its answer still arrives
        return response(200, '[{"late":1}]');
      },
    });
    await runPolling(h.ctx, stop.signal);
    expect(h.calls).toHaveLength(1);
    expect(h.data).toEqual([]);
  });

  it('stops when the session is lost and keeps polling after any other failure', async () => {
    let n = 0;
    const h = harness({
      calls: async () => {
        n += 1;
        if (n === 1) throw new PatchbayError('net.timeout', 'slow');
        throw new PatchbayError('icws.session.lost', 'gone');
      },
    });
    const run = runPolling(h.ctx, new AbortController().signal);
    await h.clock.advance(10_000);
    await run;
    expect(h.calls.map((c) => c.at)).toEqual([0, 3_000]);
    expect(h.sink.entries.filter((e) => e.event === 'icws.poll.failed').map((e) => e.code)).toEqual(['net.timeout']);
  });
});

describe('heartbeat errors [ICWS-16]', () => {
  it('logs an unexpected answer, retries a failed heartbeat after 2 s, and stops when the session is lost', async () => {
    const answers: (HttpResponse | Error)[] = [response(200), response(500), new PatchbayError('net.timeout', 'slow'), new PatchbayError('icws.session.lost', 'gone')];
    const h = harness({
      calls: async () => {
        const next = answers.shift()!;
        if (next instanceof Error) throw next;
        return next;
      },
    });
    // The failed call does not count as traffic: keep lastAuthenticatedAt at the successful calls only.
    let last = 0;
    h.ctx.lastAuthenticatedAt = () => last;
    const call = h.ctx.call;
    h.ctx.call = async (...args) => {
      const res = await call(...args);
      last = h.clock.now();
      return res;
    };
    const run = runHeartbeat(h.ctx, new AbortController().signal);
    await h.clock.advance(4 * HEARTBEAT_INTERVAL_MS);
    await run;
    expect(h.calls.map((c) => [c.at, c.method, c.path])).toEqual([
      [90_000, 'POST', '/messaging/heartbeat'],
      [180_000, 'POST', '/messaging/heartbeat'],
      [270_000, 'POST', '/messaging/heartbeat'],
      [272_000, 'POST', '/messaging/heartbeat'],
    ]);
    expect(h.sink.entries.filter((e) => e.event.startsWith('icws.heartbeat')).map((e) => [e.event, e.status ?? e.code])).toEqual([
      ['icws.heartbeat.unexpected', 500],
      ['icws.heartbeat.failed', 'net.timeout'],
    ]);
  });
});

describe('which loops a transport starts', () => {
  it('events plus heartbeats with the option; events alone without; polling never sends heartbeats [ICWS-16]', async () => {
    for (const [transport, heartbeat, streams, beats] of [
      ['sse', true, 1, 1],
      ['sse', false, 1, 0],
      ['polling', true, 0, 0],
    ] as const) {
      const h = harness();
      const stop = new AbortController();
      runMessaging(h.ctx, transport, heartbeat, stop.signal);
      await h.clock.advance(HEARTBEAT_INTERVAL_MS);
      expect(h.opened, `${transport} ${heartbeat}`).toHaveLength(streams);
      expect(h.calls.filter((c) => c.path === '/messaging/heartbeat'), `${transport} ${heartbeat}`).toHaveLength(beats);
      expect(h.calls.some((c) => c.path === '/messaging/messages')).toBe(transport === 'polling');
      stop.abort();
      for (const o of h.opened) o.stream.close();
      await h.clock.advance(10_000);
    }
  });

  it('a loop that stops by itself is logged; one stopped by the abort is not', async () => {
    const loud = harness();
    loud.ctx.lastAuthenticatedAt = () => {
      throw new Error('broken');
    };
    const stop = new AbortController();
    runMessaging(loud.ctx, 'sse', true, stop.signal);
    await loud.settle();
    expect(loud.sink.entries.filter((e) => e.event === 'icws.messaging.stopped')).toHaveLength(1);
    const quiet = harness();
    const aborted = new AbortController();
    quiet.ctx.lastAuthenticatedAt = () => {
      aborted.abort();
      throw new Error('broken while stopping');
    };
    runMessaging(quiet.ctx, 'sse', true, aborted.signal);
    await quiet.settle();
    expect(quiet.sink.entries.filter((e) => e.event === 'icws.messaging.stopped')).toHaveLength(0);
    stop.abort();
    for (const o of [...loud.opened, ...quiet.opened]) o.stream.close();
    await loud.clock.advance(20_000);
  });
});

describe('waiting for a first message', () => {
  it('arrived is true when it comes, false after the wait, and done runs once either way', async () => {
    const clock = new FakeClock(0);
    let done = 0;
    const early = waitForArrival(clock, 5_000, () => void (done += 1));
    await clock.advance(4_999);
    early.arrive();
    expect(await early.arrived).toBe(true);
    await clock.advance(10_000);
    expect(done).toBe(1);
    const late = waitForArrival(clock, 5_000, () => void (done += 1));
    await clock.advance(4_999);
    expect(done).toBe(1);
    await clock.advance(1);
    expect(await late.arrived).toBe(false);
    expect(done).toBe(2);
  });
});

// Final sweep (issue 9, docs/mutation.md "Session 5, final sweep (SWEEP-B)"): the messaging.ts survivors
// MUT-LOG left as killable (74, 105) and the abort / watchdog paths it judged equivalent without proof.
describe('heartbeat spacing and the loops after a stop (final sweep)', () => {
  it('polling never starts heartbeats, even when its interval is longer than 90 s [ICWS-16]', async () => {
    const h = harness();
    h.ctx.pollIntervalMs = 200_000;
    const stop = new AbortController();
    runMessaging(h.ctx, 'polling', true, stop.signal);
    await h.clock.advance(199_000);
    expect(h.calls.map((c) => [c.at, c.path])).toEqual([[0, '/messaging/messages']]);
    stop.abort();
    await h.clock.advance(10_000);
  });

  it('the heartbeat goes out 90 s after the last authenticated request, not 90 s after the loop woke [ICWS-16]', async () => {
    const h = harness();
    const stop = new AbortController();
    const run = runHeartbeat(h.ctx, stop.signal);
    await h.clock.advance(30_000);
    await h.ctx.call('GET', '/activations/users/me'); // other traffic at 30 s
    await h.clock.advance(220_000);
    expect(h.calls.filter((c) => c.path === '/messaging/heartbeat').map((c) => c.at)).toEqual([120_000, 210_000]);
    stop.abort();
    await run;
  });

  it('a stream the server ends leaves no stall watchdog behind', async () => {
    const h = harness();
    const stop = new AbortController();
    const run = runSse(h.ctx, stop.signal);
    await h.clock.advance(10_000);
    const first = h.opened[0]!.stream;
    first.close(); // the server ends the stream: reopened after 1 s
    await h.clock.advance(90_000);
    expect(h.opened).toHaveLength(2);
    h.opened[1]!.stream.push(': ping\n\n'); // the second stream stays alive
    const closes = first.closed;
    await h.clock.advance(50_000); // past 120 s after the first stream was armed
    expect(h.sink.entries.filter((e) => e.event === 'icws.sse.stalled')).toEqual([]);
    expect(first.closed).toBe(closes);
    stop.abort();
    h.opened[1]!.stream.close();
    await run;
  });

  it('an abort while a heartbeat, a poll or the stream request is in flight ends the loop without a failure line', async () => {
    const aborted = (stop: AbortController) => async () => {
      stop.abort(); // signed out while the request was on its way; it fails with the abort
      throw new PatchbayError('net.aborted', 'stopped', { action: 'none' });
    };
    const beat = new AbortController();
    const hb = harness({ calls: aborted(beat) });
    hb.ctx.lastAuthenticatedAt = () => -HEARTBEAT_INTERVAL_MS;
    await runHeartbeat(hb.ctx, beat.signal);
    expect(hb.calls).toHaveLength(1);
    expect(hb.sink.entries.filter((e) => e.event.startsWith('icws.heartbeat'))).toEqual([]);

    const poll = new AbortController();
    const hp = harness({ calls: aborted(poll) });
    await runPolling(hp.ctx, poll.signal);
    expect(hp.calls).toHaveLength(1);
    expect(hp.sink.entries.filter((e) => e.event === 'icws.poll.failed')).toEqual([]);

    const sse = new AbortController();
    const hs = harness();
    let opens = 0;
    hs.ctx.http = {
      stream: async () => {
        opens += 1;
        return aborted(sse)();
      },
    } as unknown as HttpSession;
    await runSse(hs.ctx, sse.signal);
    expect(opens).toBe(1);
    expect(hs.sink.entries.filter((e) => e.event === 'icws.sse.interrupted')).toEqual([]);
  });
});
