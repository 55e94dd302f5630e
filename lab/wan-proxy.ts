// A WAN in front of any lab server (issue 15 item 1): a TCP proxy on 127.0.0.1 that holds every chunk
// for a one-way delay (+ optional jitter) in each direction, so 50 ms one way is a 100 ms round trip.
// Chunks keep their order (TCP never reorders), and a new connection costs one round trip before its
// first byte goes out (the TCP handshake a remote agent pays; the loopback accept is instant).
// It logs each client→server chunk that starts an HTTP request or a WebSocket frame burst, so a
// benchmark can count requests and when they were sent. Written from the WAN's behaviour only.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface WanProxyOptions {
  target: { host: string; port: number };
  /** One-way delay in ms (each direction). */
  oneWayDelayMs: number;
  /** Extra uniform random delay 0..jitterMs per chunk (order still kept). */
  jitterMs?: number;
  /** Charge one round trip before a new connection's first byte (TCP handshake). Default true. */
  handshake?: boolean;
  random?: () => number;
  host?: string;
  port?: number;
}

export interface WanChunk {
  /** performance.now() when the client sent it. */
  at: number;
  connection: number;
  /** First line when it starts an HTTP request ("GET /path HTTP/1.1"), else ''. */
  requestLine: string;
  bytes: number;
}

export interface WanProxy {
  readonly host: string;
  readonly port: number;
  /** http://host:port — the proxy's URL for a profile. */
  readonly url: string;
  readonly chunks: WanChunk[];
  readonly connections: number;
  clear(): void;
  /** Points new connections at another server: a lab server whose public URL must be this proxy's
   *  (SSO: the IdP posts to the SP's absolute ACS URL) starts after the proxy, then the proxy follows. */
  retarget(target: { host: string; port: number }): void;
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) (\S+) HTTP\/1\.[01]/;

/** A delayed, order-keeping pipe: each chunk arrives at max(previous arrival, departure + delay + jitter).
 *  One queue per direction drained by one timer: separate timers per chunk could fire out of order. */
function delayedPipe(from: Socket, to: Socket, delay: () => number, notBefore: () => number, onChunk?: (chunk: Buffer) => void): void {
  const queue: { due: number; chunk: Buffer | null }[] = []; // null = end of stream
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    timer = undefined;
    while (queue.length > 0 && queue[0]!.due <= performance.now()) {
      const { chunk } = queue.shift()!;
      if (to.destroyed) continue;
      if (chunk === null) to.end();
      else to.write(chunk);
    }
    schedule();
  };
  const schedule = () => {
    if (timer === undefined && queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0]!.due - performance.now()));
  };
  const push = (chunk: Buffer | null) => {
    // It can leave the client only once the connection is up, then travels one delay.
    last = Math.max(last, Math.max(performance.now(), notBefore()) + delay());
    queue.push({ due: last, chunk });
    schedule();
  };
  from.on('data', (chunk: Buffer) => {
    onChunk?.(chunk);
    push(chunk);
  });
  // A close travels like the bytes before it: what is still on the wire arrives first, then the far
  // side sees the end (a server answering and closing at once must not lose its answer).
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    push(null);
  };
  from.on('end', end);
  from.on('close', end);
  to.on('close', () => {
    clearTimeout(timer);
    timer = undefined;
    queue.length = 0;
  });
}

export async function startWanProxy(options: WanProxyOptions): Promise<WanProxy> {
  const random = options.random ?? Math.random;
  const jitter = options.jitterMs ?? 0;
  const delay = () => options.oneWayDelayMs + (jitter > 0 ? random() * jitter : 0);
  const chunks: WanChunk[] = [];
  let target = options.target;
  const open = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((client) => {
    const id = ++connections;
    // SYN → SYN-ACK: the client's first byte cannot leave before one round trip has passed.
    const readyAt = performance.now() + (options.handshake === false ? 0 : 2 * options.oneWayDelayMs);
    const upstream = connect(target.port, target.host);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    // Both sides closed: forget them (each side's end reaches the other through its delayed pipe).
    const closed = () => {
      if (client.destroyed && upstream.destroyed) drop();
    };
    client.on('close', closed);
    upstream.on('close', closed);
    delayedPipe(client, upstream, delay, () => readyAt, (chunk) => {
      // The whole request line: an OAuth authorize URL (PKCE challenge, state, redirect URI) runs past 200 bytes.
      const head = chunk.subarray(0, 8192).toString('latin1').split('\r\n', 1)[0]!;
      const match = REQUEST_LINE.exec(head);
      chunks.push({ at: performance.now(), connection: id, requestLine: match ? `${match[1]} ${match[2]}` : '', bytes: chunk.length });
    });
    delayedPipe(upstream, client, delay, () => 0);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    url: `http://${host}:${port}`,
    chunks,
    get connections() {
      return connections;
    },
    clear() {
      chunks.length = 0;
    },
    retarget(next) {
      target = next;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
