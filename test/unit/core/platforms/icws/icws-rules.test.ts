// Issue 9: each listed ICWS mutation is killed here (fake clock, stub transport); see docs/mutation.md.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { nullLogger } from '../../../../../main/core/log.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import { attemptOnce, hostToBase, walkHosts, type ConnectContext } from '../../../../../main/core/platforms/icws/connect.ts';
import { HEARTBEAT_INTERVAL_MS, readMessages, runHeartbeat, type MessagingContext } from '../../../../../main/core/platforms/icws/messaging.ts';
import { response } from './stub-response.ts';

/** A transport answering POST /icws/connection per host from a script, recording the order. */
function stubConnect(script: Record<string, HttpResponse>) {
  const hosts: string[] = [];
  const http = {
    request: async (req: { url: string }) => {
      const host = new URL(req.url).hostname;
      hosts.push(host);
      return script[host] ?? response(500);
    },
  } as unknown as HttpSession;
  const ctx: ConnectContext = { http, language: 'en-US', log: nullLogger };
  return { ctx, hosts };
}

const toBase = (current: string, host: string) => hostToBase(undefined, current, host);

describe('ICWS first connect (issue 9 mutations)', () => {
  it('walks the 503 alternate hosts in the listed order, next, before the remaining profile servers [ICWS-06]', async () => {
    const { ctx, hosts } = stubConnect({ a: response(503, { alternateHostList: ['c', 'd'] }) });
    await expect(walkHosts(ctx, ['https://a:8019', 'https://b:8019'], '{}', 'u', new AbortController().signal, toBase)).rejects.toBeTruthy();
    expect(hosts).toEqual(['a', 'c', 'd', 'b']);
  });

  it('shows the server message of a 500, not a generic one [ICWS-26]', async () => {
    const { ctx } = stubConnect({ a: response(500, { errorId: 'error.license', message: 'I3_FEATURE_ICWS_SDK licence missing.' }) });
    await expect(walkHosts(ctx, ['https://a:8019'], '{}', 'u', new AbortController().signal, toBase)).rejects.toMatchObject({
      message: 'I3_FEATURE_ICWS_SDK licence missing.',
    });
  });
});

describe('ICWS reconnect attempt classification (issue 9 mutations)', () => {
  it('a 400 during reconnect stops with the server message, it is not "next host" [ICWS-21]', async () => {
    const { ctx } = stubConnect({ a: response(400, { errorId: 'error.x', message: 'The user account was deleted.' }) });
    const { outcome } = await attemptOnce(ctx, 'https://a:8019', '{}', 'u', new AbortController().signal, toBase);
    expect(outcome).toEqual({ kind: 'rejected', status: 400, message: 'The user account was deleted.', errorId: 'error.x' });
  });

  it('a 503 during reconnect hands its alternate hosts on to be appended [ICWS-21]', async () => {
    const { ctx } = stubConnect({ a: response(503, { alternateHostList: ['c', 'd'] }) });
    const { outcome } = await attemptOnce(ctx, 'https://a:8019', '{}', 'u', new AbortController().signal, toBase);
    expect(outcome).toEqual({ kind: 'unavailable', alternateHosts: ['https://c:8019', 'https://d:8019'] });
  });
});

describe('ICWS heartbeat spacing (issue 9 mutations)', () => {
  function heartbeat(clock: FakeClock) {
    const beats: number[] = [];
    let last = clock.now();
    const ctx = {
      clock,
      log: nullLogger,
      lastAuthenticatedAt: () => last,
      call: async () => {
        beats.push(clock.now());
        last = clock.now();
        return response(204);
      },
    } as unknown as MessagingContext;
    return { ctx, beats, touch: () => (last = clock.now()) };
  }

  it('sends a heartbeat every 90 s when idle, not sooner [ICWS-16]', async () => {
    const clock = new FakeClock(0);
    const hb = heartbeat(clock);
    const stop = new AbortController();
    const run = runHeartbeat(hb.ctx, stop.signal);
    await clock.advance(HEARTBEAT_INTERVAL_MS - 1);
    expect(hb.beats).toEqual([]);
    await clock.advance(1);
    await clock.advance(HEARTBEAT_INTERVAL_MS);
    expect(hb.beats).toEqual([90_000, 180_000]);
    expect(HEARTBEAT_INTERVAL_MS).toBe(90_000);
    stop.abort();
    await clock.advance(1);
    await run;
  });

  it('sends no heartbeat while other authenticated requests go out [ICWS-16]', async () => {
    const clock = new FakeClock(0);
    const hb = heartbeat(clock);
    const stop = new AbortController();
    const run = runHeartbeat(hb.ctx, stop.signal);
    for (let t = 0; t < 10; t++) {
      await clock.advance(60_000);
      hb.touch();
    }
    expect(hb.beats).toEqual([]);
    await clock.advance(HEARTBEAT_INTERVAL_MS);
    expect(hb.beats).toEqual([600_000 + 90_000]);
    stop.abort();
    await clock.advance(1);
    await run;
  });
});

describe('ICWS connectionStateChangeMessage (issue 9 mutations)', () => {
  it('a down connectionStateChangeMessage yields its reason and shouldReconnect [ICWS-18]', () => {
    const data = JSON.stringify([
      { __type: 'urn:inin.com:connection:connectionStateChangeMessage', newConnectionState: 2, reason: 'The server is shutting down.', shouldReconnect: true },
    ]);
    expect(readMessages(data, 'u')?.events).toEqual([{ kind: 'down', reason: 'The server is shutting down.', shouldReconnect: true }]);
  });
});
