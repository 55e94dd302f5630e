// The PureConnect Cloud front door (seed 000, "Connecting to PureConnect Cloud via Internet"): a
// custom ICWS URL serving config/servers.json and a reverse proxy `…/api/{host}/…` to the lab's
// ICWS servers. The server list can change between connections, as the seed warns.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CloudServerEntry {
  host: string;
  displayName?: string;
  altHostHints?: string[];
  order: number;
}

export interface CloudFrontOptions {
  host?: string;
  port?: number;
  /** Path of the custom URL, e.g. /customICWS (the seed's example). */
  basePath?: string;
  /** host name → lab ICWS server origin (http://127.0.0.1:PORT). */
  backends: Record<string, string>;
  servers: CloudServerEntry[];
  /** The seed spells it serviceURLTemplate, the Supervisor help serviceUrlTemplate. */
  templateKey?: 'serviceURLTemplate' | 'serviceUrlTemplate';
}

export interface CloudFront {
  /** The custom ICWS URL a profile names. */
  readonly url: string;
  setServers(servers: CloudServerEntry[], templateKey?: 'serviceURLTemplate' | 'serviceUrlTemplate'): void;
  /** How many times config/servers.json was fetched. */
  readonly serversJsonFetches: number;
  /** Proxied requests: host name and path. */
  readonly proxied: { host: string; method: string; path: string; status: number }[];
  close(): Promise<void>;
}

export async function startCloudFront(options: CloudFrontOptions): Promise<CloudFront> {
  const basePath = (options.basePath ?? '/customICWS').replace(/\/+$/, '');
  let servers = options.servers;
  let templateKey = options.templateKey ?? 'serviceURLTemplate';
  let fetches = 0;
  const proxied: CloudFront['proxied'] = [];
  let origin = '';

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'GET' && url.pathname === `${basePath}/config/servers.json`) {
      fetches++;
      const body = { version: 1, servers, [templateKey]: `${origin}${basePath}/api/{host}/`, authType: 'ic-idp' };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    const match = new RegExp(`^${basePath}/api/([^/]+)(/.*)$`).exec(url.pathname);
    const backend = match ? options.backends[decodeURIComponent(match[1]!)] : undefined;
    if (!match || !backend) {
      res.writeHead(match ? 502 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errorId: 'error.lab.cloud.unknownHost', message: 'No such server behind this proxy.' }));
      return;
    }
    const host = decodeURIComponent(match[1]!);
    const target = new URL(match[2]! + url.search, backend);
    const headers = { ...req.headers, host: target.host };
    const upstream = httpRequest(target, { method: req.method, headers }, (up) => {
      // The ICWS cookie is scoped to /icws/{sid} on the server; behind the proxy that path lives
      // under /api/{host}, so the proxy rewrites the Path attribute (as a reverse proxy must).
      const setCookie = (up.headers['set-cookie'] ?? []).map((c) => c.replace(/;\s*Path=\/icws/i, `; Path=${basePath}/api/${match[1]}/icws`));
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && k !== 'set-cookie') out[k] = v;
      if (setCookie.length) out['set-cookie'] = setCookie;
      res.writeHead(up.statusCode ?? 502, out);
      proxied.push({ host, method: req.method ?? 'GET', path: target.pathname, status: up.statusCode ?? 0 });
      up.pipe(res);
      res.on('close', () => up.destroy());
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errorId: 'error.lab.cloud.upstream', message: 'The server behind the proxy did not answer.' }));
    });
    req.pipe(upstream);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url: `${origin}${basePath}`,
    setServers(next, key) {
      servers = next;
      if (key) templateKey = key;
    },
    get serversJsonFetches() {
      return fetches;
    },
    proxied,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
