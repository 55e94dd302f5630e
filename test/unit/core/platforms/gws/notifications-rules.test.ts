// GWS CometD link (protocols/gws.md §3; issue 11 "cookies and CSRF on every CometD request"): the
// request each Bayeux message batch goes out as, failures as the session sees them, the retry
// schedule cometd runs on our Clock (backoff, network delay), re-handshakes, stop/restart, and the
// notification payloads — every branch of notifications.ts pinned so a changed rule fails here
// (issue 9 mutation testing, helper MUT-GWS2). Fake clock; a Bayeux server in a function.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { createLogger, memorySink, nullLogger } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest } from '../../../../../main/core/net/types.ts';
import { agentFromNotification, GwsNotifications, parseNotification, type LinkFailure, type NotificationsOptions } from '../../../../../main/core/platforms/gws/notifications.ts';
import { response } from './fake-gws.ts';

interface BayeuxMessage {
  channel: string;
  id: string;
  clientId?: string;
  subscription?: string;
}

/** A Bayeux server in a function, answering like faye; the handshake's fate is scripted. */
class Bayeux {
  readonly requests: (HttpRequest & { at: number; messages: BayeuxMessage[] })[] = [];
  handshake: 'ok' | 'refuse' | 'hang' | 'throw' | number = 'ok';
  subscribeOk = true;
  responseHeaders: Record<string, string> = {};
  private held: { id: string; release: (replies: unknown[]) => void }[] = [];
  private clients = 0;
  private readonly clock: FakeClock;
  constructor(clock: FakeClock) {
    this.clock = clock;
  }

  readonly http = {
    request: (req: HttpRequest) => {
      const messages = JSON.parse(String(req.body)) as BayeuxMessage[];
      this.requests.push({ ...req, at: this.clock.now(), messages });
      const url = String(req.url);
      const ok = (json: unknown[]) => Promise.resolve(response(url, { status: 200, json, headers: this.responseHeaders }));
      const replies: unknown[] = [];
      for (const m of messages) {
        if (m.channel === '/meta/handshake') {
          if (this.handshake === 'hang') {
            // Like HttpSession: an aborted request rejects.
            return new Promise((_resolve, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
          }
          if (this.handshake === 'throw') return Promise.reject(new Error('socket hang up'));
          if (typeof this.handshake === 'number') return Promise.resolve(response(url, { status: this.handshake, json: {} }));
          if (this.handshake === 'refuse') replies.push({ channel: m.channel, id: m.id, successful: false, error: '403::Handshake denied', advice: { reconnect: 'none' } });
          else replies.push({ channel: m.channel, id: m.id, successful: true, version: '1.0', clientId: `c${++this.clients}`, supportedConnectionTypes: ['long-polling'], advice: { reconnect: 'retry', interval: 0, timeout: 20_000 } });
        } else if (m.channel === '/meta/connect') {
          const id = m.id;
          return new Promise((resolve, reject) => {
            req.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
            this.held.push({ id, release: (extra) => resolve(response(url, { status: 200, json: extra, headers: this.responseHeaders })) });
          });
        } else if (m.channel === '/meta/subscribe') {
          replies.push({ channel: m.channel, id: m.id, successful: this.subscribeOk, subscription: m.subscription, ...(this.subscribeOk ? {} : { error: '403::Subscription denied' }) });
        } else {
          replies.push({ channel: m.channel, id: m.id, successful: true });
        }
      }
      return ok(replies);
    },
  } as unknown as HttpSession;

  /** Answer the held long poll: a message and the connect reply (the server's long-poll cycle). */
  publish(channel: string, data: unknown): void {
    const h = this.held.shift();
    h?.release([{ channel, data }, { channel: '/meta/connect', id: h.id, successful: true, advice: { reconnect: 'retry', interval: 0, timeout: 20_000 } }]);
  }

  /** Several messages in one long-poll answer. */
  publishMany(channel: string, data: unknown[]): void {
    const h = this.held.shift();
    h?.release([...data.map((d) => ({ channel, data: d })), { channel: '/meta/connect', id: h.id, successful: true, advice: { reconnect: 'retry', interval: 0, timeout: 20_000 } }]);
  }

  /** Answer the held long poll with no message (the server's long-poll timeout). */
  idle(): void {
    const h = this.held.shift();
    h?.release([{ channel: '/meta/connect', id: h.id, successful: true, advice: { reconnect: 'retry', interval: 0, timeout: 20_000 } }]);
  }

  /** The server forgot the client (restart, failover): 402::Unknown client, advice handshake. */
  forgetClient(): void {
    const h = this.held.shift();
    h?.release([{ channel: '/meta/connect', id: h.id, successful: false, error: '402::Unknown client', advice: { reconnect: 'handshake', interval: 0 } }]);
  }

  channels(): string[] {
    return this.requests.flatMap((r) => r.messages.map((m) => m.channel));
  }
  handshakeTimes(): number[] {
    return this.requests.filter((r) => r.messages.some((m) => m.channel === '/meta/handshake')).map((r) => r.at - T0);
  }
}

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

function link(clock: FakeClock, bayeux: Bayeux, more: Partial<NotificationsOptions> = {}) {
  const events = { up: [] as boolean[], down: [] as LinkFailure[], messages: [] as { channel: string; data: unknown }[], headers: [] as Record<string, string>[] };
  const n = new GwsNotifications({
    url: 'https://gws.example.com/api/v2/notifications',
    http: bayeux.http,
    clock,
    log: nullLogger,
    headers: () => ({ 'X-CSRF-TOKEN': 'tok' }),
    onResponseHeaders: (h) => events.headers.push(h),
    onMessage: (channel, data) => events.messages.push({ channel, data }),
    onUp: (r) => events.up.push(r),
    onDown: (f) => events.down.push(f),
    ...more,
  });
  return { n, events };
}

afterEach(() => {
  delete (globalThis as { window?: unknown }).window;
});

describe('GWS CometD requests (protocols/gws.md §3, issue 11)', () => {
  it('each batch is a JSON POST to the notifications URL with the CSRF header, no redirect, no request timeout of its own, abortable', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    const { n } = link(clock, bayeux);
    n.start();
    await clock.advance(10);
    expect(bayeux.channels()).toEqual(['/meta/handshake', '/meta/subscribe', '/meta/connect']);
    for (const r of bayeux.requests) {
      expect(r.method).toBe('POST');
      expect(String(r.url)).toMatch(/^https:\/\/gws\.example\.com\/api\/v2\/notifications/);
      expect(r.headers).toEqual({ 'X-CSRF-TOKEN': 'tok', 'content-type': 'application/json;charset=UTF-8', accept: 'application/json' });
      expect(r.followRedirects).toBe(false);
      expect(r.timeoutMs).toBe(0);
      expect(r.signal).toBeInstanceOf(AbortSignal);
    }
    n.stop();
  });

  it('every answer\'s headers go to the session (a fresh CSRF pair), success or not', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.responseHeaders = { 'x-csrf-token': 'fresh' };
    bayeux.handshake = 500;
    const { n, events } = link(clock, bayeux);
    n.start();
    await clock.advance(10);
    expect(events.headers[0]).toMatchObject({ 'content-type': 'application/json' });
    bayeux.handshake = 'ok';
    await clock.advance(1_000);
    expect(events.headers.at(-1)).toMatchObject({ 'x-csrf-token': 'fresh' });
    expect(events.up).toEqual([false]);
    n.stop();
  });

  it('an HTTP error is a failure carrying its status; a request that failed carries none', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.handshake = 503;
    const a = link(clock, bayeux);
    a.n.start();
    await clock.advance(10);
    expect(a.events.down[0]).toEqual({ channel: '/meta/handshake', httpCode: 503 });
    a.n.stop();

    const b = new Bayeux(clock);
    b.handshake = 'throw';
    const l = link(clock, b);
    l.n.start();
    await clock.advance(10);
    expect(l.events.down[0]).toEqual({ channel: '/meta/handshake' });
    expect(l.events.up).toEqual([]);
    l.n.stop();
  });

  it('a refused handshake carries the Bayeux error, sends no subscription and is not retried (advice none)', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.handshake = 'refuse';
    const { n, events } = link(clock, bayeux);
    n.start();
    await clock.advance(60_000);
    expect(events.down).toEqual([{ channel: '/meta/handshake', error: '403::Handshake denied' }]);
    expect(bayeux.channels()).toEqual(['/meta/handshake']);
    expect(n.status).toBe('disconnected');
    n.stop();
  });

  it('up only once the subscription is confirmed: a refused subscription is no link', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.subscribeOk = false;
    const { n, events } = link(clock, bayeux);
    n.start();
    await clock.advance(10);
    expect(bayeux.channels()).toContain('/meta/subscribe');
    expect(events.up).toEqual([]);
    expect(events.down[0]).toMatchObject({ channel: '/meta/subscribe', error: '403::Subscription denied' });
    n.stop();
  });
});

describe('GWS CometD schedule on the Clock (protocols/gws.md §3: cometd retries; our defaults)', () => {
  it('a failing handshake is retried with a backoff growing by 1 s up to 30 s', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.handshake = 500;
    const { n } = link(clock, bayeux);
    n.start();
    await clock.advance(700_000);
    const times = bayeux.handshakeTimes();
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 5)).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    expect(Math.max(...gaps)).toBe(30_000);
    expect(gaps.slice(-3)).toEqual([30_000, 30_000, 30_000]);
    n.stop();
  });

  it('the backoff step and cap come from the options', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.handshake = 500;
    const { n } = link(clock, bayeux, { backoffIncrementMs: 500, maxBackoffMs: 2_000 });
    n.start();
    await clock.advance(20_000);
    const times = bayeux.handshakeTimes();
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 6)).toEqual([0, 500, 1_000, 1_500, 2_000, 2_000]);
    n.stop();
  });

  it('a request nobody answers fails after the network allowance: 15 s by default, else the option', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.handshake = 'hang';
    const a = link(clock, bayeux);
    a.n.start();
    await clock.advance(14_999);
    expect(a.events.down).toEqual([]);
    await clock.advance(1);
    expect(a.events.down).toEqual([{ channel: '/meta/handshake' }]);
    a.n.stop();

    const b = link(clock, new Bayeux(clock));
    const hung = new Bayeux(clock);
    hung.handshake = 'hang';
    const c = link(clock, hung, { maxNetworkDelayMs: 2_000 });
    b.n.stop();
    c.n.start();
    await clock.advance(2_000);
    expect(c.events.down).toEqual([{ channel: '/meta/handshake' }]);
    c.n.stop();
  });

  it('a quiet link stays up: long polls answered inside the allowance never count as lost', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    const { n, events } = link(clock, bayeux);
    n.start();
    await clock.advance(10);
    for (let i = 0; i < 6; i++) {
      await clock.advance(20_000);
      bayeux.idle();
    }
    await clock.advance(10);
    expect(events.down).toEqual([]);
    expect(events.up).toEqual([false]);
    expect(n.status).toBe('connected');
    expect(bayeux.channels().filter((c) => c === '/meta/handshake')).toHaveLength(1);
    n.stop();
  });

  it('a server that forgot the client gets a new handshake and subscription, reported as re-established', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    const { n, events } = link(clock, bayeux);
    n.start();
    await clock.advance(10);
    bayeux.forgetClient();
    await clock.advance(100);
    expect(events.down[0]).toMatchObject({ channel: '/meta/connect', error: '402::Unknown client' });
    expect(events.down[0]).not.toHaveProperty('httpCode');
    expect(events.up).toEqual([false, true]);
    expect(bayeux.channels().filter((c) => c === '/meta/subscribe')).toHaveLength(2);
    bayeux.publish('/v2/me/channels', { messageType: 'ChannelStateChangeMessage' });
    await clock.advance(10);
    expect(events.messages).toEqual([{ channel: '/v2/me/channels', data: { messageType: 'ChannelStateChangeMessage' } }]);
    n.stop();
  });
});

describe('GWS CometD stop and restart', () => {
  it('stop ends every request and timer: a retry loop sends nothing more, and nothing is delivered after it', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.handshake = 500;
    const { n, events } = link(clock, bayeux);
    n.start();
    await clock.advance(2_000);
    const sent = bayeux.requests.length;
    const downs = events.down.length;
    n.stop();
    bayeux.handshake = 'ok';
    await clock.advance(120_000);
    expect(bayeux.requests).toHaveLength(sent);
    expect(events.down).toHaveLength(downs);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stop aborts the long poll in flight (no request outlives the session)', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    const { n } = link(clock, bayeux);
    n.start();
    await clock.advance(10);
    const poll = bayeux.requests.find((r) => r.messages.some((m) => m.channel === '/meta/connect'))!;
    expect(poll.signal?.aborted).toBe(false);
    n.stop();
    expect(poll.signal?.aborted).toBe(true);
  });

  it('a polite stop says /meta/disconnect once; a plain stop does not; messages in flight are dropped', async () => {
    const clock = new FakeClock();
    const polite = new Bayeux(clock);
    const a = link(clock, polite);
    a.n.start();
    await clock.advance(10);
    a.n.stop(true);
    a.n.stop(true);
    await clock.advance(10);
    expect(polite.channels().filter((c) => c === '/meta/disconnect')).toHaveLength(1);

    const plain = new Bayeux(clock);
    const b = link(clock, plain);
    b.n.start();
    await clock.advance(10);
    plain.publish('/v2/me/calls', { messageType: 'CallStateChangeMessage' });
    b.n.stop();
    await clock.advance(10);
    expect(plain.channels()).not.toContain('/meta/disconnect');
    expect(b.events.messages).toEqual([]);
  });

  it('restart handshakes again only when cometd gave up, and never after stop', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    bayeux.handshake = 'refuse';
    const { n, events } = link(clock, bayeux);
    n.start();
    await clock.advance(10);
    expect(n.status).toBe('disconnected');
    bayeux.handshake = 'ok';
    n.restart();
    await clock.advance(10);
    expect(events.up).toEqual([false]);
    expect(n.status).toBe('connected');
    n.restart(); // connected: nothing to do
    await clock.advance(10);
    expect(bayeux.channels().filter((c) => c === '/meta/handshake')).toHaveLength(2);
    n.stop();
    n.restart();
    await clock.advance(10);
    expect(bayeux.channels().filter((c) => c === '/meta/handshake')).toHaveLength(2);
  });

  it('after a polite stop restart does nothing (cometd is disconnected, the link is over)', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    const { n, events } = link(clock, bayeux);
    n.start();
    await clock.advance(10);
    n.stop(true);
    await clock.advance(10);
    n.restart();
    await clock.advance(10);
    expect(bayeux.channels().filter((c) => c === '/meta/handshake')).toHaveLength(1);
    expect(events.up).toEqual([false]);
  });

  it('a stop from inside a message handler drops the rest of that batch', async () => {
    const clock = new FakeClock();
    const bayeux = new Bayeux(clock);
    const seen: unknown[] = [];
    const holder: { n?: GwsNotifications } = {};
    const { n } = link(clock, bayeux, {
      onMessage: (_channel, data) => {
        seen.push(data);
        holder.n?.stop();
      },
    });
    holder.n = n;
    n.start();
    await clock.advance(10);
    bayeux.publishMany('/v2/me/calls', [{ messageType: 'A' }, { messageType: 'B' }]);
    await clock.advance(10);
    expect(seen).toEqual([{ messageType: 'A' }]);
  });

  it('cometd\'s `window` is ours only while it runs: a window someone else set stays as it was', async () => {
    const clock = new FakeClock();
    const theirs = { mine: true };
    (globalThis as { window?: unknown }).window = theirs;
    const { n, events } = link(clock, new Bayeux(clock));
    n.start();
    await clock.advance(10);
    expect(events.up).toEqual([false]);
    expect((globalThis as { window?: unknown }).window).toBe(theirs);
    n.stop();
    expect((globalThis as { window?: unknown }).window).toBe(theirs);
  });

  it('cometd\'s warnings reach our log as a fixed text, never the messages they carry', async () => {
    const clock = new FakeClock();
    const sink = memorySink();
    const bayeux = new Bayeux(clock);
    const { n } = link(clock, bayeux, { log: createLogger({ sink }) });
    n.start();
    await clock.advance(10);
    n.stop();
    expect(JSON.stringify(sink.entries)).not.toContain('X-CSRF-TOKEN');
  });
});

describe('GWS notification payloads (protocols/gws.md §3)', () => {
  const lunch = { state: 'NotReady', reason: 'Lunch' };
  it('a channel message with one channel object, a device message with one device, or a bare userState', () => {
    expect(parseNotification({ messageType: 'ChannelStateChangeMessage', channel: { channel: 'voice', userState: lunch } })).toEqual({ kind: 'agent', userState: lunch });
    expect(parseNotification({ messageType: 'DeviceStateChangeMessage', device: { id: 'd', userState: lunch } })).toEqual({ kind: 'agent', userState: lunch });
    expect(parseNotification({ messageType: 'ChannelStateChangeMessage', channel: 'voice', userState: lunch })).toEqual({ kind: 'agent', userState: lunch });
    // The channels list wins over a bare userState beside it.
    expect(parseNotification({ messageType: 'DeviceStateChangeMessage', devices: [{ userState: { state: 'Ready' } }], userState: lunch })).toEqual({ kind: 'agent', userState: { state: 'Ready' } });
  });

  it('a state message without any userState, and every other message type, is "other" with its type', () => {
    expect(parseNotification({ messageType: 'ChannelStateChangeMessage', channel: 'voice' })).toEqual({ kind: 'other', messageType: 'ChannelStateChangeMessage' });
    expect(parseNotification({ messageType: 'DeviceStateChangeMessage', channel: { channel: 'voice' } })).toEqual({ kind: 'other', messageType: 'DeviceStateChangeMessage' });
    expect(parseNotification({ messageType: 'ServiceStateChangeMessage', userState: lunch })).toEqual({ kind: 'other', messageType: 'ServiceStateChangeMessage' });
  });

  it('a call message keeps its notificationType; the agent state of a notification, with its time', () => {
    expect(parseNotification({ messageType: 'CallStateChangeMessage', notificationType: 'StatusChange', call: { id: 'c1', state: 'Held' } })).toEqual({
      kind: 'call',
      notificationType: 'StatusChange',
      call: { id: 'c1', state: 'Held' },
    });
    expect(agentFromNotification({ messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', userState: lunch }] }, '2026-01-01T08:00:00.000Z')).toMatchObject({
      kind: 'not-ready',
      reason: 'Lunch',
      since: '2026-01-01T08:00:00.000Z',
    });
    expect(agentFromNotification({ messageType: 'CallStateChangeMessage', call: { id: 'c1' } })).toBeUndefined();
    expect(agentFromNotification('nonsense')).toBeUndefined();
  });
});
