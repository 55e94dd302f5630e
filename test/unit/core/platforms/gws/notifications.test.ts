import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { nullLogger } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest } from '../../../../../main/core/net/types.ts';
import { GwsNotifications, parseNotification, SUBSCRIPTION, type LinkFailure } from '../../../../../main/core/platforms/gws/notifications.ts';
import { response } from './fake-gws.ts';

/** A Bayeux server in a function: answers handshake/connect/subscribe like faye, long polls held
 *  until the test releases them (on the fake clock's terms). */
class FakeBayeux {
  readonly requests: { headers: Record<string, string>; messages: { channel: string; clientId?: string; subscription?: string }[] }[] = [];
  private held: ((messages: unknown[]) => void)[] = [];
  refuseHandshake: string | undefined;
  private clients = 0;
  readonly http = {
    request: (req: HttpRequest) => {
      const messages = JSON.parse(String(req.body)) as { channel: string; id: string; clientId?: string; subscription?: string }[];
      this.requests.push({ headers: { ...(req.headers ?? {}) }, messages });
      const replies: unknown[] = [];
      let hold = false;
      for (const m of messages) {
        if (m.channel === '/meta/handshake') {
          if (this.refuseHandshake) replies.push({ channel: m.channel, id: m.id, successful: false, error: this.refuseHandshake, advice: { reconnect: 'none' } });
          else replies.push({ channel: m.channel, id: m.id, successful: true, version: '1.0', clientId: `c${++this.clients}`, supportedConnectionTypes: ['long-polling'], advice: { reconnect: 'retry', interval: 0, timeout: 20_000 } });
        } else if (m.channel === '/meta/connect') {
          hold = true;
          replies.push({ channel: m.channel, id: m.id, successful: true, advice: { reconnect: 'retry', interval: 0, timeout: 20_000 } });
        } else if (m.channel === '/meta/subscribe') {
          replies.push({ channel: m.channel, id: m.id, successful: true, subscription: m.subscription });
        } else {
          replies.push({ channel: m.channel, id: m.id, successful: true });
        }
      }
      const url = String(req.url);
      if (!hold) return Promise.resolve(response(url, { status: 200, json: replies }));
      return new Promise((resolve, reject) => {
        req.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        this.held.push((extra) => resolve(response(url, { status: 200, json: [...extra, ...replies] })));
      });
    },
  } as unknown as HttpSession;

  /** Deliver a message on the held long poll. */
  publish(channel: string, data: unknown): void {
    const release = this.held.shift();
    release?.([{ channel, data }]);
  }
}

function link(bayeux: FakeBayeux, clock: FakeClock, csrf: () => Record<string, string>) {
  const events: { up: boolean[]; down: LinkFailure[]; messages: { channel: string; data: unknown }[] } = { up: [], down: [], messages: [] };
  const n = new GwsNotifications({
    url: 'https://gws.example.com/api/v2/notifications',
    http: bayeux.http,
    clock,
    log: nullLogger,
    headers: csrf,
    onMessage: (channel, data) => events.messages.push({ channel, data }),
    onUp: (r) => events.up.push(r),
    onDown: (f) => events.down.push(f),
  });
  return { n, events };
}

describe('GWS CometD link (official cometd client on the HttpSession)', () => {
  it('handshakes, subscribes to /v2/me/*, delivers messages, with the current CSRF header on every request', async () => {
    const clock = new FakeClock();
    const bayeux = new FakeBayeux();
    let token = 't1';
    const { n, events } = link(bayeux, clock, () => ({ 'X-CSRF-TOKEN': token }));
    n.start();
    await clock.advance(10);
    expect(events.up).toEqual([false]);
    expect(bayeux.requests.flatMap((r) => r.messages.map((m) => m.subscription)).filter(Boolean)).toEqual([SUBSCRIPTION]);
    token = 't2';
    bayeux.publish('/v2/me/channels', { messageType: 'ChannelStateChangeMessage' });
    await clock.advance(10);
    expect(events.messages).toEqual([{ channel: '/v2/me/channels', data: { messageType: 'ChannelStateChangeMessage' } }]);
    expect(bayeux.requests.every((r) => r.headers['X-CSRF-TOKEN'] !== undefined)).toBe(true);
    expect(bayeux.requests.at(-1)!.headers['X-CSRF-TOKEN']).toBe('t2');
    expect(bayeux.requests.every((r) => r.headers['content-type']?.startsWith('application/json'))).toBe(true);
    n.stop();
    // cometd needed a `window` only while it ran: none is left behind in the process.
    expect((globalThis as { window?: unknown }).window).toBeUndefined();
  });

  it('reports a refused handshake with the Bayeux error and does not retry on advice reconnect none', async () => {
    const clock = new FakeClock();
    const bayeux = new FakeBayeux();
    bayeux.refuseHandshake = '403::Not authenticated';
    const { n, events } = link(bayeux, clock, () => ({}));
    n.start();
    await clock.advance(60_000);
    expect(events.down[0]).toMatchObject({ channel: '/meta/handshake', error: '403::Not authenticated' });
    expect(bayeux.requests).toHaveLength(1);
    expect(events.up).toEqual([]);
    n.stop();
  });
});

describe('parseNotification', () => {
  it('reads the voice userState of channel and device messages, and calls', () => {
    expect(parseNotification({ messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'chat', userState: { state: 'Ready' } }, { channel: 'voice', userState: { state: 'NotReady', reason: 'Lunch' } }] })).toEqual({
      kind: 'agent',
      userState: { state: 'NotReady', reason: 'Lunch' },
    });
    expect(parseNotification({ messageType: 'DeviceStateChangeMessage', devices: [{ id: 'd', userState: { state: 'Ready' } }] })).toMatchObject({ kind: 'agent', userState: { state: 'Ready' } });
    expect(parseNotification({ messageType: 'CallStateChangeMessage', notificationType: 'NewCall', call: { id: 'c', state: 'Ringing' } })).toMatchObject({ kind: 'call', call: { id: 'c' } });
    expect(parseNotification({ messageType: 'CallStateChangeMessage', call: {} })).toBeUndefined();
    expect(parseNotification({ nope: 1 })).toBeUndefined();
  });

  it('never throws on generated input', () => {
    fc.assert(
      fc.property(fc.anything(), (data) => {
        parseNotification(data);
        parseNotification({ messageType: 'ChannelStateChangeMessage', channels: data, devices: data, channel: data });
      }),
      { numRuns: 300 },
    );
  });
});
