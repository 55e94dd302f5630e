// lab/wan-proxy.ts: bytes pass through intact and in order under jitter, HTTP request lines are
// logged, and closing the proxy ends open connections. No timed assertions (issue 15).
import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startWanProxy, type WanProxy } from '../../../lab/wan-proxy.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function echoServer(): Promise<Server> {
  const server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return server;
}

async function proxyTo(server: Server, jitterMs: number): Promise<WanProxy> {
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  // A seeded sequence so jitter would reorder chunks if the proxy did not keep order.
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const proxy = await startWanProxy({ target: { host: '127.0.0.1', port: address.port }, oneWayDelayMs: 1, jitterMs, random });
  cleanup.push(() => proxy.close());
  return proxy;
}

describe('WAN delay proxy', () => {
  it('keeps every byte in order under jitter and logs request lines', async () => {
    const proxy = await proxyTo(await echoServer(), 20);
    const socket = connect(proxy.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    const parts = ['GET /a HTTP/1.1\r\nHost: x\r\n\r\n', ...Array.from({ length: 40 }, (_, i) => `part-${i};`)];
    for (const part of parts) {
      socket.write(part);
      await new Promise((r) => setImmediate(r));
    }
    const expected = parts.join('');
    await new Promise<void>((resolve) => {
      const check = () => (Buffer.concat(received).length >= expected.length ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(Buffer.concat(received).toString()).toBe(expected);
    expect(proxy.chunks.filter((c) => c.requestLine !== '').map((c) => c.requestLine)).toEqual(['GET /a']);
    expect(proxy.connections).toBe(1);
    socket.destroy();
  });

  it('logs a request line longer than 200 bytes (an OAuth authorize URL)', async () => {
    const proxy = await proxyTo(await echoServer(), 0);
    const long = `/oauth/authorize?${'x'.repeat(600)}`;
    const socket = connect(proxy.port, '127.0.0.1');
    cleanup.push(async () => void socket.destroy());
    const request = `GET ${long} HTTP/1.1\r\nHost: x\r\n\r\n`;
    let echoed = 0;
    const back = new Promise<void>((resolve) => socket.on('data', (d: Buffer) => (echoed += d.length) >= request.length && resolve()));
    socket.write(request);
    await back;
    expect(proxy.chunks.map((c) => c.requestLine)).toEqual([`GET ${long}`]);
  });

  it('sends new connections to the server it was retargeted to', async () => {
    const first = await echoServer();
    const proxy = await proxyTo(first, 0);
    const other = createServer((s) => s.end('other server'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => other.close(() => r())));
    const address = other.address();
    if (typeof address !== 'object' || !address) throw new Error('no address');
    proxy.retarget({ host: '127.0.0.1', port: address.port });
    const socket = connect(proxy.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.write('hello');
    // The far end's answer and then its end (FIN) arrive: 'end' is enough, 'close' waits on our own side too.
    await new Promise((r) => {
      socket.once('end', r);
      socket.once('close', r);
    });
    expect(Buffer.concat(received).toString()).toBe('other server');
    socket.destroy();
  });

  it('ends open connections when it closes', async () => {
    const proxy = await proxyTo(await echoServer(), 0);
    const socket = connect(proxy.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const closed = new Promise((r) => socket.once('close', r));
    socket.on('error', () => undefined);
    cleanup.pop();
    await proxy.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
