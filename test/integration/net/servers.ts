// Small loopback servers for the HttpSession integration tests.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => unknown;

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  port: number;
  received: Received[];
  /** Resolves when the next request has arrived (its body read). */
  nextRequest(): Promise<Received>;
  close(): Promise<void>;
}

const fixtures = new URL('./fixtures/', import.meta.url);
export const loopbackCert = readFileSync(new URL('loopback-cert.pem', fixtures), 'utf8');
const loopbackKey = readFileSync(new URL('loopback-key.pem', fixtures), 'utf8');

export async function startServer(handler: Handler, options: { host?: string; tls?: boolean } = {}): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1';
  const received: Received[] = [];
  const waiters: ((r: Received) => void)[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      waiters.shift()?.(entry);
      Promise.resolve(handler(req, res, entry.body)).catch(() => res.destroy());
    });
  };
  const server = options.tls ? https.createServer({ cert: loopbackCert, key: loopbackKey }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    received,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a redirect. */
export function redirect(res: http.ServerResponse, status: number, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { location, ...headers });
  res.end(`redirecting to ${location}`);
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
