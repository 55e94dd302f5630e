// Lab: the Genesys Cloud embedded component on its own origin (standing for https://apps.<region>).
// Validates tokens by calling the Genesys Cloud lab's GET /api/v2/users/me over HTTP (not by import), so a
// misreading of the protocol cannot hide in both. Fault controls: POST /lab/<control>.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../http-io.ts';
import { COMPONENT_JS, HOSTILE_JS, PAGE_HTML } from './page.ts';

export interface ComponentLabOptions {
  /** The Genesys Cloud lab API base (http://127.0.0.1:Q). */
  apiBase: string;
  /** Loopback host for the component origin (default 127.0.0.7, distinct from the API's). */
  host?: string;
  /** Host for the hostile frame's origin (default 127.0.0.8). */
  hostileHost?: string;
  /** When the component says token-expiring after session-start (ms). */
  expiringAfterMs?: number;
}

export interface ComponentLabControls {
  silent: boolean;
  replayReady: boolean;
  wrongOrigin: boolean;
  /** Reject a token already seen once (stale) with AuthenticationError: 401. */
  rejectStale: boolean;
}

export interface ComponentLab {
  /** Origin of the component (frame src = `${origin}/?parent=<host origin>` — never a token in it). */
  readonly origin: string;
  readonly hostileOrigin: string;
  readonly controls: ComponentLabControls;
  /** Validation outcomes, for tests: 'ok' | 'rejected'. Never the token. */
  readonly validations: string[];
  close(): Promise<void>;
}

async function listen(server: Server, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

export async function startComponentLab(options: ComponentLabOptions): Promise<ComponentLab> {
  const controls: ComponentLabControls = { silent: false, replayReady: false, wrongOrigin: false, rejectStale: false };
  const seen = new Set<string>();
  const validations: string[] = [];
  let hostileOrigin = '';
  const html = (body: string, type: string) => ({ body, type });
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const reply = (status: number, r: { body: string; type: string }) => {
        res.writeHead(status, { 'content-type': r.type, 'cache-control': 'no-store' });
        res.end(r.body);
      };
      if (req.method === 'GET' && url.pathname === '/') return reply(200, html(PAGE_HTML, 'text/html; charset=utf-8'));
      if (req.method === 'GET' && url.pathname === '/component.js') return reply(200, html(COMPONENT_JS, 'text/javascript'));
      if (req.method === 'GET' && url.pathname === '/lab/state') {
        return reply(200, html(JSON.stringify({ ...controls, wrongOrigin: controls.wrongOrigin ? hostileOrigin : false }), 'application/json'));
      }
      if (req.method === 'POST' && url.pathname.startsWith('/lab/')) {
        const key = url.pathname.slice(5) as keyof ComponentLabControls;
        if (!(key in controls)) return reply(404, html('{"error":"unknown control"}', 'application/json'));
        controls[key] = url.searchParams.get('on') !== 'false';
        return reply(204, html('', 'text/plain'));
      }
      if (req.method === 'POST' && url.pathname === '/validate') {
        const body = await readBody(req, 8192);
        const token = body.kind === 'ok' ? body.text.trim() : '';
        const stale = controls.rejectStale && seen.has(token);
        seen.add(token);
        let userId: string | undefined;
        if (token && !stale) {
          // The component's own check against the Genesys Cloud API (seed 004 §3: signature and expiry).
          const r = await fetch(`${options.apiBase}/api/v2/users/me`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
          if (r?.ok) userId = ((await r.json()) as { id?: string }).id;
        }
        validations.push(userId ? 'ok' : 'rejected');
        if (!userId) return reply(401, html('{"error":"AuthenticationError: 401 Unauthorized"}', 'application/json'));
        return reply(200, html(JSON.stringify({ userId, expiringAfterMs: options.expiringAfterMs ?? 1500 }), 'application/json'));
      }
      return reply(404, html('not found', 'text/plain'));
    })().catch(() => res.destroy());
  });
  const hostile = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/hostile') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><script src="/hostile.js"></script>');
    }
    if (url.pathname === '/hostile.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return res.end(HOSTILE_JS);
    }
    res.writeHead(404).end();
  });
  const origin = await listen(server, options.host ?? '127.0.0.7');
  hostileOrigin = await listen(hostile, options.hostileHost ?? '127.0.0.8');
  return {
    origin,
    hostileOrigin,
    controls,
    validations,
    close: async () => {
      await Promise.all([server, hostile].map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
}
