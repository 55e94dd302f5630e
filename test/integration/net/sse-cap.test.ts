// Issue 8 item 12 over a real socket: an SSE server that sends an endless line, or one huge event,
// is cut off with net.sse-too-large instead of growing the client's memory.
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { readSse } from '../../../main/core/net/sse.ts';
import { startServer, type TestServer } from './servers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// The server ends the stream after its payload, so a client without the cap finishes (and the
// test fails on the missing error) instead of hanging.
async function sseServer(payload: string): Promise<TestServer> {
  const server = await startServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.write(': hello\n\ndata: {"ok":1}\n\n');
    res.end(payload);
  });
  servers.push(server);
  return server;
}

async function outcome(server: TestServer, limits: { maxEventBytes?: number; maxBufferChars?: number }) {
  const stream = await new HttpSession({ profileId: 'p1' }).stream({ url: `${server.origin}/messages`, headers: { accept: 'text/event-stream' } });
  const events: string[] = [];
  try {
    await readSse(stream.body, { host: new URL(server.origin).host, ...limits, onEvent: (data) => events.push(data) });
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  } finally {
    stream.close();
  }
}

describe('SSE size cap over a socket', () => {
  it('cuts off a stream that sends one endless line', async () => {
    const server = await sseServer('x'.repeat(1024 * 1024));
    const { events, error } = await outcome(server, { maxBufferChars: 256 * 1024 });
    expect(events).toEqual(['{"ok":1}']);
    expect(error).toMatchObject({ code: 'net.sse-too-large', details: { what: 'buffer', limit: 256 * 1024 } });
  });

  it('cuts off an event larger than the per-event cap', async () => {
    const server = await sseServer(`data: ${'y'.repeat(70_000)}\n\n`);
    const { events, error } = await outcome(server, { maxEventBytes: 64 * 1024 });
    expect(events).toEqual(['{"ok":1}']);
    expect(error).toMatchObject({ code: 'net.sse-too-large', details: { what: 'event', limit: 64 * 1024 } });
  });
});
