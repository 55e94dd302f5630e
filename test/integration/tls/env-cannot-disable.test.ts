// issue 8 item 5: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot switch certificate checks
// off — not for HttpSession (with the app's dispatcher or without one), not for a WebSocket opened
// through the core, not for the Finesse XMPP link. A self-signed 127.0.0.1 server never sees a request.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPatchbayError } from '../../../main/core/errors.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { createDispatcher, type CreatedDispatcher } from '../../../main/core/net/proxy.ts';
import { openWebSocket } from '../../../main/core/net/websocket.ts';
import { createXmppLink } from '../../../main/core/platforms/finesse/xmpp-link.ts';
import { readFileSync } from 'node:fs';

const fixtures = new URL('../net/fixtures/', import.meta.url);
const cert = readFileSync(new URL('loopback-cert.pem', fixtures), 'utf8');
const key = readFileSync(new URL('loopback-key.pem', fixtures), 'utf8');

let server: Server;
let origin: string;
const seen: string[] = [];
const created: CreatedDispatcher[] = [];
let saved: string | undefined;

beforeAll(async () => {
  server = createServer({ key, cert }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.end('{"ok":true}');
  });
  server.on('upgrade', (req, socket) => {
    seen.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const d of created) await d.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  seen.length = 0;
});
afterEach(() => {
  if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
});

describe('TLS verification with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment', () => {
  it("refuses a self-signed server through the app's dispatcher", async () => {
    const d = createDispatcher({ env: {} });
    created.push(d);
    const error = await new HttpSession({ profileId: 't', dispatcher: d.dispatcher, timeoutMs: 5_000 }).request({ url: `https://${origin}/x` }).catch((e: unknown) => e);
    expect(isPatchbayError(error) && error.code).toBe('net.tls');
    expect(seen).toEqual([]);
  });

  it('refuses it through an HttpSession made without a dispatcher (the core one, not Node’s global)', async () => {
    const error = await new HttpSession({ profileId: 't', timeoutMs: 5_000 }).request({ url: `https://${origin}/x` }).catch((e: unknown) => e);
    expect(isPatchbayError(error) && error.code).toBe('net.tls');
    expect(seen).toEqual([]);
  });

  it('refuses it for a WebSocket opened through the core', async () => {
    const d = createDispatcher({ env: {} });
    created.push(d);
    const ws = openWebSocket(`wss://${origin}/ws`, { dispatcher: d.dispatcher, protocols: ['xmpp'] });
    const outcome = await new Promise<string>((resolve) => {
      ws.addEventListener('open', () => resolve('open'));
      ws.addEventListener('error', () => resolve('error'));
    });
    expect(outcome).toBe('error');
    expect(seen).toEqual([]);
  });

  it('refuses it for the Finesse XMPP link, which uses the core WebSocket', async () => {
    const d = createDispatcher({ env: {} });
    created.push(d);
    const link = createXmppLink({ service: `wss://${origin}/ws`, domain: 'finesse.example.com', username: 'agent1', password: 'pw', resource: 'patchbay-t', dispatcher: d.dispatcher });
    const error = await link.start().catch((e: unknown) => e);
    expect(isPatchbayError(error) && error.code).toBe('finesse.xmpp.unreachable');
    expect(seen).toEqual([]);
  });

  it('refuses ws:// to a host other than this computer unless the profile is a lab profile', () => {
    expect(() => openWebSocket('ws://finesse.example.com:7071/ws')).toThrow(expect.objectContaining({ code: 'net.cleartext-refused' }));
  });
});
