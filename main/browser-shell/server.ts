// The browser shell (DESIGN.md "Shells"): the renderer build and the typed contract served on
// 127.0.0.1 over HTTP + a WebSocket, for machines without an Electron binary. A connection must
// carry the per-launch secret and come from the shell's own Origin; anything else is refused and logged.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsClientFrameSchema, type EventName, type SessionState, type WsServerFrame } from '../../preload/contract.ts';
import type { Logger } from '../core/log.ts';
import type { CommandHandler } from '../core/sessions/command-handler.ts';
import type { SessionManager } from '../core/sessions/session-manager.ts';

export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The renderer's CSP, plus the embedded workspace's host page (its own origin) as the only frame source. */
export function rendererCsp(frameOrigins: readonly string[] = []): string {
  return frameOrigins.length === 0 ? RENDERER_CSP : `${RENDERER_CSP}; frame-src ${frameOrigins.join(' ')}`;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface BrowserShellOptions {
  manager: SessionManager;
  handler: CommandHandler;
  log: Logger;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Fixed secret for tests; a random one per launch otherwise. */
  secret?: string;
  /** Origins the renderer may frame: the workspace host page's (issue 12). */
  frameOrigins?: readonly string[];
}

export interface BrowserShell {
  /** Origin of the shell, e.g. http://127.0.0.1:43121 */
  origin: string;
  /** The URL to open: origin + the secret in the fragment (never sent to a server or a log). */
  launchUrl: string;
  secret: string;
  /** Settles when the first renderer has connected with the secret (start.ts then deletes the
   *  app-window launch page that held it). */
  connected: Promise<void>;
  close(): Promise<void>;
}

/** Resolve a request path inside root, or null when it escapes it. */
export function resolveStaticPath(root: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rootResolved = resolve(root);
  const full = resolve(rootResolved, '.' + (decoded === '/' ? '/index.html' : decoded));
  return full === rootResolved || full.startsWith(rootResolved + sep) ? full : null;
}

/** Host header values the shell answers to: its own port on a loopback name. Anything else is a
 *  DNS-rebinding page (evil.example resolving to 127.0.0.1) or a confused client. */
export function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const match = /^(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})$/i.exec(hostHeader.trim());
  return match !== null && Number(match[2]) === port;
}

/** The request target as a URL on the shell's origin, or undefined when it is not one (an
 *  absolute-form target such as `http://[` or another host). Never throws. */
export function parseRequestTarget(target: string | undefined, origin: string): URL | undefined {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    const url = new URL(target, origin);
    return url.origin === origin ? url : undefined;
  } catch {
    return undefined;
  }
}

function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const { manager, handler, log, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const csp = rendererCsp(options.frameOrigins);
  let origin = '';
  let port = 0;

  const server: Server = createServer((req, res) => {
    const send = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': csp });
      res.end(text);
    };
    if (!isLoopbackHost(req.headers.host, port)) {
      log.warn('browser-shell.request-refused', { reason: 'Host is not a loopback name', remote: req.socket.remoteAddress });
      return send(400, 'Bad request');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method not allowed');
    const path = resolveStaticPath(rendererDir, req.url ?? '/');
    if (!path) return send(404, 'Not found');
    stat(path)
      .then((info) => {
        if (!info.isFile()) return send(404, 'Not found');
        res.writeHead(200, {
          'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
          'Content-Length': info.size,
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
          'Cache-Control': 'no-store',
        });
        if (req.method === 'HEAD') return res.end();
        createReadStream(path).pipe(res);
      })
      .catch(() => send(404, 'Not found — has the renderer been built? (npm run build:renderer)'));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    // Any local process can connect: nothing a request carries may throw here (issue 8 item 9).
    socket.on('error', () => socket.destroy());
    const refuse = (reason: string, status = '403 Forbidden') => {
      log.warn('browser-shell.connection-refused', { reason, remote: req.socket.remoteAddress });
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
    };
    if (!isLoopbackHost(req.headers.host, port)) return refuse('Host is not a loopback name', '400 Bad Request');
    const url = parseRequestTarget(req.url, origin);
    if (!url) return refuse('malformed request target', '400 Bad Request');
    if (url.pathname !== '/bridge') return refuse('unknown path');
    if (req.headers.origin !== origin) return refuse('foreign origin');
    const offered = url.searchParams.get('secret');
    if (!offered || !secretsEqual(offered, secret)) return refuse('missing or wrong secret');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  let firstConnection: () => void = () => {};
  const connected = new Promise<void>((resolveConnected) => (firstConnection = resolveConnected));
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    firstConnection();
    // Start-up warnings (keychain, policy, settings) were raised before any window existed.
    for (const notice of manager.stickyNotices()) send(ws, { kind: 'event', event: 'notice', payload: notice });
    ws.on('close', () => clients.delete(ws));
    ws.on('error', (error) => log.info('browser-shell.socket-error', { error }));
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let raw: unknown;
        try {
          raw = isBinary ? undefined : JSON.parse(String(data));
        } catch {
          raw = undefined;
        }
        const frame = WsClientFrameSchema.safeParse(raw);
        if (!frame.success) {
          const id = typeof (raw as { id?: unknown } | undefined)?.id === 'number' ? (raw as { id: number }).id : -1;
          send(ws, { kind: 'result', id, result: { ok: false, error: { code: 'contract.bad-frame', message: 'The message is not a valid command frame.', action: 'none' } } });
          return;
        }
        const result = await handler(frame.data.command, frame.data.args);
        send(ws, { kind: 'result', id: frame.data.id, result });
      })();
    });
  });

  const broadcast = (event: EventName, payload: unknown) => {
    for (const ws of clients) send(ws, { kind: 'event', event, payload });
  };
  // issue 15 item 2: a platform publishes several snapshots of one profile in the same tick (ICWS:
  // the event's time, then the status it carried); each was a frame the renderer parsed and rendered
  // before the one that mattered. Snapshots replace each other wholesale (DESIGN.md "One sign-in"),
  // so only each profile's last of the tick leaves, a microtask later.
  const pendingStates = new Map<string, SessionState>();
  const flushStates = () => {
    const states = [...pendingStates.values()];
    pendingStates.clear();
    for (const state of states) broadcast('session.state', state);
  };
  const offState = manager.stateEvents.add((state) => {
    if (pendingStates.size === 0) queueMicrotask(flushStates);
    pendingStates.set(state.profileId, state);
  });
  const offNotice = manager.notices.add((notice) => broadcast('notice', notice));
  const offWorkspace = manager.workspaces.events.add((view) => broadcast('workspace.state', view));

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  origin = `http://${host}:${address.port}`;
  log.info('browser-shell.listening', { origin });

  return {
    origin,
    launchUrl: `${origin}/#secret=${secret}`,
    secret,
    connected,
    async close() {
      offState();
      offNotice();
      offWorkspace();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function send(ws: WebSocket, frame: WsServerFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}
