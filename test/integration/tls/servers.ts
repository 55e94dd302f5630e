// Small HTTP(S) servers on 127.0.0.1:0 for the TLS and proxy tests.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  port: number;
  hits: string[];
  close(): Promise<void>;
}

function handler(hits: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  };
}

async function listen(server: Server, scheme: string, hits: string[]): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export function startHttpsServer(tls: { key: string; cert: string }): Promise<TestServer> {
  const hits: string[] = [];
  return listen(createHttpsServer({ key: tls.key, cert: tls.cert }, handler(hits)), 'https', hits);
}

export function startHttpServer(): Promise<TestServer> {
  const hits: string[] = [];
  return listen(createHttpServer(handler(hits)), 'http', hits);
}
