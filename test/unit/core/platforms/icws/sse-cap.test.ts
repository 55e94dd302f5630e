// Issue 8 item 12 in the ICWS messaging loop: an event stream that sends more than the cap without
// ending a line is closed (net.sse-too-large, logged as an interruption) and reopened later; the
// events before it were delivered.
import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import { runSse, type MessagingContext } from '../../../../../main/core/platforms/icws/messaging.ts';

async function* hostileBody(): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode('data: {"ok":1}\n\n');
  const mebibyte = new TextEncoder().encode('x'.repeat(1024 * 1024));
  for (let i = 0; i < 4; i++) yield mebibyte; // one endless line: 4 MiB > the 2 Mi-character buffer cap
  yield new TextEncoder().encode('\n\ndata: never\n\n');
}

describe('ICWS server-sent events size cap', () => {
  it('closes a stream whose line outgrows the cap and logs net.sse-too-large', async () => {
    const sink = memorySink();
    const data: string[] = [];
    let opened = 0;
    let closed = 0;
    const controller = new AbortController();
    const http = {
      stream: async () => {
        opened += 1;
        return { status: 200, headers: {}, url: 'https://ic1.example.com:8019/icws/1/messaging/messages', body: hostileBody(), close: () => void (closed += 1) };
      },
    } as unknown as HttpSession;
    const ctx: MessagingContext = {
      http,
      clock: new FakeClock(0),
      log: createLogger({ sink, level: 'debug' }),
      language: 'en-US',
      session: () => ({ url: 'https://ic1.example.com:8019/icws/1/messaging/messages', csrfToken: 'c' }),
      call: () => Promise.reject(new Error('not used')),
      lastAuthenticatedAt: () => 0,
      pollIntervalMs: 1000,
      onData: (d) => void data.push(d),
      onUnauthorized: async () => {},
      onReopened: () => {},
    };
    const running = runSse(ctx, controller.signal);
    await vi.waitFor(() => expect(sink.entries.some((e) => e.event === 'icws.sse.interrupted')).toBe(true));
    controller.abort();
    await running;
    expect(sink.entries.find((e) => e.event === 'icws.sse.interrupted')).toMatchObject({ code: 'net.sse-too-large' });
    expect(data).toEqual(['{"ok":1}']);
    expect(opened).toBe(1);
    expect(closed).toBe(1);
  });
});
