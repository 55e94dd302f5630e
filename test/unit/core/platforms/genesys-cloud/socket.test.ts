// The real notification socket factory (socket.ts) against a WebSocket server on 127.0.0.1, port 0
// (issue 9, MUT-GC2; protocols/genesys-cloud.md §2): open, text frames only, one close callback
// whatever ends the socket, sends only while open, and a client close with 1000 "patchbay".
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { undiciSocketFactory } from '../../../../../main/core/platforms/genesys-cloud/socket.ts';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function server(): Promise<{ url: URL; connected: Promise<ServerSocket>; received: string[]; closedWith: Promise<[number, string]> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as { port: number };
  const received: string[] = [];
  let closed: (v: [number, string]) => void = () => undefined;
  const closedWith = new Promise<[number, string]>((resolve) => (closed = resolve));
  const connected = new Promise<ServerSocket>((resolve) =>
    wss.once('connection', (ws) => {
      ws.on('message', (data) => received.push(String(data)));
      ws.on('close', (code, reason) => closed([code, String(reason)]));
      resolve(ws);
    }),
  );
  return { url: new URL(`ws://127.0.0.1:${port}/channels/ch1`), connected, received, closedWith };
}

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    handlers: {
      onOpen: () => calls.push('open'),
      onMessage: (text: string) => calls.push(`message ${text}`),
      onClose: (code: number, reason: string) => calls.push(`close ${code} ${reason}`),
    },
  };
}

describe('Genesys Cloud notification socket (§2)', () => {
  it('opens, passes text frames on (binary ones are not Genesys frames), sends only while open', async () => {
    const s = await server();
    const r = recorder();
    const socket = undiciSocketFactory()(s.url, r.handlers);
    socket.send('too early'); // CONNECTING: dropped, no throw
    const peer = await s.connected;
    await vi.waitFor(() => expect(r.calls).toEqual(['open']));
    peer.send(Buffer.from([1, 2, 3]), { binary: true });
    peer.send('{"topicName":"channel.metadata"}');
    await vi.waitFor(() => expect(r.calls).toEqual(['open', 'message {"topicName":"channel.metadata"}']));
    socket.send('{"message":"ping"}');
    await vi.waitFor(() => expect(s.received).toEqual(['{"message":"ping"}']));
  });

  it('close() ends it with 1000 "patchbay"; the close callback comes once; sends after it go nowhere', async () => {
    const s = await server();
    const r = recorder();
    const socket = undiciSocketFactory()(s.url, r.handlers);
    await s.connected;
    await vi.waitFor(() => expect(r.calls).toEqual(['open']));
    socket.close();
    expect(await s.closedWith).toEqual([1000, 'patchbay']);
    await vi.waitFor(() => expect(r.calls.filter((c) => c.startsWith('close'))).toHaveLength(1));
    expect(r.calls.at(-1)).toBe('close 1000 patchbay');
    socket.send('late');
    socket.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.received).toEqual([]);
    expect(r.calls.filter((c) => c.startsWith('close'))).toHaveLength(1);
  });

  it('the server\'s close code and reason reach the handler once', async () => {
    const s = await server();
    const r = recorder();
    undiciSocketFactory()(s.url, r.handlers);
    const peer = await s.connected;
    await vi.waitFor(() => expect(r.calls).toEqual(['open']));
    peer.close(4000, 'socket_closing');
    await vi.waitFor(() => expect(r.calls).toEqual(['open', 'close 4000 socket_closing']));
  });

  it('a socket that cannot connect reports one close (1006), never an open', async () => {
    const s = await server();
    const port = s.url.port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const r = recorder();
    undiciSocketFactory()(new URL(`ws://127.0.0.1:${port}/channels/x`), r.handlers);
    await vi.waitFor(() => expect(r.calls.length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatch(/^close 1006 /);
  });

  it('close() while still connecting closes it (no open follows)', async () => {
    const s = await server();
    const r = recorder();
    const socket = undiciSocketFactory()(s.url, r.handlers);
    socket.close();
    await vi.waitFor(() => expect(r.calls.some((c) => c.startsWith('close'))).toBe(true));
    expect(r.calls).not.toContain('open');
  });
});
