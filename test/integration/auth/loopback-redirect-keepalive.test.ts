// The loopback listener against a keep-alive client (issue 9, docs/mutation.md "Session 5, final sweep
// (SWEEP-B)"), over raw sockets on 127.0.0.1: an HTTP/1.1 request without `Connection: close` still gets
// a page that says `Connection: close` and a closed socket — the refusal and the return page alike — so
// no second request rides the connection (RFC 8252 §7.3: one callback, then the port stops answering).
// Also a request line Node accepts but the WHATWG URL parser does not (`//[`): refused with 400.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForRedirect, type LoopbackRedirect } from '../../../main/core/auth/loopback-redirect.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { freePort } from '../genesys-cloud/oidc-fixture.ts';

const STATE = 'expected-state-123';
const open: LoopbackRedirect[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function listen() {
  const sink = memorySink();
  const port = await freePort();
  const l = await listenForRedirect({ redirectUri: `http://127.0.0.1:${port}/callback`, state: STATE, clock: new FakeClock(), timeoutMs: 60_000, log: createLogger({ sink }) });
  open.push(l);
  return { l, port: l.port, sink };
}

/** One raw HTTP/1.1 request (keep-alive by default); resolves with the status line and headers once
 *  they are in, and `ended` once the server closes the socket. */
function rawRequest(port: number, target: string): Promise<{ status: number; headers: Record<string, string>; body: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    let sent = false;
    const ended = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const cut = text.indexOf('\r\n\r\n');
      if (cut < 0 || sent) return;
      sent = true;
      const [statusLine, ...lines] = text.slice(0, cut).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: () => text.slice(cut + 4), ended });
    });
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  });
}

describe('a keep-alive client [RFC 8252 §7.3]', () => {
  it('gets the refusal with Connection: close and a closed socket; the wait goes on', async () => {
    const { l, port } = await listen();
    const res = await rawRequest(port, '/elsewhere');
    expect(res.status).toBe(404);
    expect(res.headers['connection']).toBe('close');
    await res.ended;
    expect(res.body()).toContain('This sign-in response was not expected.');
    const ok = await rawRequest(port, `/callback?code=c&state=${STATE}`);
    expect(ok.status).toBe(200);
    expect((await l.result).searchParams.get('code')).toBe('c');
  });

  it('gets the return page with Connection: close, then the socket closes', async () => {
    const { l, port } = await listen();
    const res = await rawRequest(port, `/callback?code=c&state=${STATE}`);
    expect(res.status).toBe(200);
    expect(res.headers['connection']).toBe('close');
    await res.ended;
    expect(res.body()).toContain('You are signed in.');
    await l.result;
  });
});

describe('a request target that is no URL', () => {
  it('is refused with 400 by the listener itself (not by Node), logged as such, and the wait goes on', async () => {
    const { l, port, sink } = await listen();
    const res = await rawRequest(port, '//[');
    expect(res.status).toBe(400);
    await res.ended;
    expect(res.body()).toContain('This sign-in response was not expected.');
    expect(sink.entries.filter((e) => e.event === 'loopback.refused').map((e) => [e.reason, e.status])).toEqual([['url', 400]]);
    const ok = await rawRequest(port, `/callback?code=c&state=${STATE}`);
    expect(ok.status).toBe(200);
    await l.result;
  });
});
