// The browser shell's host for the embedded Genesys workspace (issue 12): a host page on its OWN loopback
// origin (another port), framed cross-origin by the renderer, so the renderer can never read what the host
// page holds (GC-04). The page frames the component and relays postMessage both ways over its own
// WebSocket to main: inbound with the event's origin and whether it came from the component frame (GC-06),
// outbound to the frame with the exact target origin main names (GC-07). Each open has a one-time nonce:
// the page is served once and the channel accepted once, and only from the host page's own Origin.
// Served with the CSP main computed for the region (GC-08) plus frame-ancestors = the renderer only.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { PatchbayError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { OpenedSurface, WorkspaceShellPort, WorkspaceSurfaceRequest } from '../core/platforms/genesys-cloud/workspace/surface.ts';
import { isLoopbackHost, parseRequestTarget } from './server.ts';

/** Inbound frames from the host page; anything else is dropped. */
const HostFrameSchema = z.object({ kind: z.literal('message'), origin: z.string().max(512), fromComponentFrame: z.boolean(), data: z.unknown() }).strict();
const MAX_FRAME_BYTES = 16 * 1024;

const HOST_JS = `(() => {
  const nonce = new URLSearchParams(location.search).get('n') || '';
  const frame = document.getElementById('component');
  const ws = new WebSocket('ws://' + location.host + '/channel?n=' + encodeURIComponent(nonce));
  const pending = [];
  const send = (text) => (ws.readyState === 1 ? ws.send(text) : pending.push(text));
  ws.addEventListener('open', () => { while (pending.length) ws.send(pending.shift()); });
  ws.addEventListener('message', (event) => {
    let m;
    try { m = JSON.parse(event.data); } catch { return; }
    // GC-07: main names the exact target origin; never '*'.
    if (m && m.kind === 'post' && typeof m.targetOrigin === 'string' && m.targetOrigin !== '*' && frame.contentWindow) frame.contentWindow.postMessage(m.message, m.targetOrigin);
  });
  window.addEventListener('message', (event) => {
    let data = null;
    try { data = JSON.parse(JSON.stringify(event.data === undefined ? null : event.data)); } catch { data = null; }
    const text = JSON.stringify({ kind: 'message', origin: String(event.origin), fromComponentFrame: event.source === frame.contentWindow, data });
    if (text.length <= ${MAX_FRAME_BYTES}) send(text);
  });
})();
`;

const HOST_CSS = 'html,body{margin:0;height:100%;background:Canvas}iframe{border:0;width:100%;height:100%;display:block}';

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Entry {
  readonly request: WorkspaceSurfaceRequest;
  readonly componentSrc: string;
  pageServed: boolean;
  ws: WebSocket | undefined;
  channelUsed: boolean;
  closed: boolean;
  readonly outbox: string[];
}

export interface BrowserWorkspaceHost extends WorkspaceShellPort {
  /** Listen (before the browser shell starts, so the renderer's CSP can name this origin). */
  start(log: Logger): Promise<void>;
  readonly origin: string;
  /** The browser shell's origin: the only one allowed to frame the host page. */
  setRendererOrigin(origin: string): void;
  close(): Promise<void>;
}

export function createBrowserWorkspaceHost(options: { host?: string } = {}): BrowserWorkspaceHost {
  const host = options.host ?? '127.0.0.1';
  const entries = new Map<string, Entry>();
  let log: Logger | undefined;
  let origin = '';
  let port = 0;
  let rendererOrigin = '';
  let server: Server | undefined;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES * 2 });

  const onRequest: Parameters<typeof createServer>[1] = (req, res) => {
    const plain = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'", 'Cache-Control': 'no-store' });
      res.end(text);
    };
    if (!isLoopbackHost(req.headers.host, port)) return plain(400, 'Bad request');
    if (req.method !== 'GET') return plain(405, 'Method not allowed');
    const url = parseRequestTarget(req.url, origin);
    if (!url) return plain(400, 'Bad request');
    const common = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };
    if (url.pathname === '/host.js') {
      res.writeHead(200, { ...common, 'Content-Type': 'text/javascript; charset=utf-8' });
      return res.end(HOST_JS);
    }
    if (url.pathname === '/host.css') {
      res.writeHead(200, { ...common, 'Content-Type': 'text/css; charset=utf-8' });
      return res.end(HOST_CSS);
    }
    if (url.pathname !== '/host') return plain(404, 'Not found');
    const entry = entries.get(url.searchParams.get('n') ?? '');
    if (!entry || entry.pageServed || entry.closed) {
      log?.warn('workspace-host.page-refused', { reason: entry ? 'nonce already used' : 'unknown nonce' });
      return plain(403, 'Forbidden');
    }
    entry.pageServed = true;
    res.writeHead(200, {
      ...common,
      'Content-Type': 'text/html; charset=utf-8',
      // GC-08: the region's exact origins; only the renderer may frame this page.
      'Content-Security-Policy': `${entry.request.csp}; frame-ancestors ${rendererOrigin || "'none'"}`,
    });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Genesys workspace</title><link rel="stylesheet" href="/host.css"><script src="/host.js" defer></script></head>` +
        `<body><iframe id="component" title="Genesys workspace component" src="${escapeAttribute(entry.componentSrc)}" referrerpolicy="no-referrer"></iframe></body></html>`,
    );
  };

  const onUpgrade = (req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (reason: string) => {
      log?.warn('workspace-host.channel-refused', { reason });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
    };
    if (!isLoopbackHost(req.headers.host, port)) return refuse('Host is not a loopback name');
    const url = parseRequestTarget(req.url, origin);
    if (!url || url.pathname !== '/channel') return refuse('unknown path');
    // Only the host page itself: the renderer (another origin) must never get the token's channel.
    if (req.headers.origin !== origin) return refuse('foreign origin');
    const entry = entries.get(url.searchParams.get('n') ?? '');
    if (!entry || !entry.pageServed || entry.channelUsed || entry.closed) return refuse(entry ? 'nonce already used' : 'unknown nonce');
    entry.channelUsed = true;
    wss.handleUpgrade(req, socket, head, (ws) => attach(entry, ws));
  };

  function attach(entry: Entry, ws: WebSocket): void {
    entry.ws = ws;
    for (const text of entry.outbox.splice(0)) ws.send(text);
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(raw));
      } catch {
        return;
      }
      const frame = HostFrameSchema.safeParse(parsed);
      if (!frame.success) return;
      entry.request.onMessage({ origin: frame.data.origin, fromComponentFrame: frame.data.fromComponentFrame, data: frame.data.data });
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (!entry.closed) entry.request.onGone('the workspace page closed');
    });
  }

  return {
    get origin() {
      return origin;
    },
    async start(logger: Logger) {
      log = logger;
      server = createServer(onRequest);
      server.on('upgrade', onUpgrade);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(0, host, () => resolve());
      });
      port = (server.address() as AddressInfo).port;
      origin = `http://${host}:${port}`;
      log.info('workspace-host.listening', { origin });
    },
    setRendererOrigin(value: string) {
      rendererOrigin = value;
    },
    async open(request: WorkspaceSurfaceRequest): Promise<OpenedSurface> {
      if (!server) throw new PatchbayError('workspace.unavailable', 'The workspace host is not running.', { action: 'none' });
      const nonce = randomBytes(18).toString('base64url');
      const componentSrc = new URL(request.componentUrl);
      componentSrc.searchParams.set('parent', origin); // the component posts to this exact origin
      const entry: Entry = { request, componentSrc: componentSrc.toString(), pageServed: false, ws: undefined, channelUsed: false, closed: false, outbox: [] };
      entries.set(nonce, entry);
      return {
        frameUrl: `${origin}/host?n=${nonce}`,
        surface: {
          post(message, targetOrigin) {
            if (entry.closed || targetOrigin === '*') return;
            const text = JSON.stringify({ kind: 'post', message, targetOrigin });
            if (entry.ws) entry.ws.send(text);
            else entry.outbox.push(text);
          },
          close() {
            if (entry.closed) return;
            entry.closed = true;
            entry.outbox.length = 0;
            entries.delete(nonce);
            entry.ws?.close();
          },
        },
      };
    },
    setBounds: () => false,
    async close() {
      for (const entry of entries.values()) {
        entry.closed = true;
        entry.ws?.terminate();
      }
      entries.clear();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    },
  };
}
