// The one-shot loopback redirect listener over real sockets (RFC 8252 §7.3, §8.3).
import { createConnection } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForRedirect, type LoopbackRedirect } from '../../../main/core/auth/loopback-redirect.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import { freePort } from '../genesys-cloud/oidc-fixture.ts';

const open: LoopbackRedirect[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function listen(state = 'expected-state-123', timeoutMs = 60_000, clock = new FakeClock()) {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const abort = new AbortController();
  const l = await listenForRedirect({ redirectUri, state, clock, timeoutMs, signal: abort.signal });
  open.push(l);
  return { l, port, redirectUri, abort, clock };
}

function get(port: number, path: string, host = `127.0.0.1:${port}`, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function refusedConnection(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

describe('loopback redirect listener', () => {
  it('GC-03: accepts one callback with the right state, answers the "return to Patchbay" page, then closes', async () => {
    const { l, port } = await listen();
    const res = await get(port, '/callback?code=abc&state=expected-state-123');
    expect(res.status).toBe(200);
    expect(res.body).toContain('return to Patchbay');
    expect(res.body).not.toContain('abc'); // the code is never echoed
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const url = await l.result;
    expect(url.searchParams.get('code')).toBe('abc');
    // A second callback finds nobody listening.
    expect(await refusedConnection(port)).toBe(true);
  });

  it('GC-03: a forged state, another path, another Host or another method is refused and the wait goes on', async () => {
    const { l, port } = await listen();
    expect((await get(port, '/callback?code=evil&state=forged')).status).toBe(400);
    expect((await get(port, '/callback?code=evil')).status).toBe(400);
    expect((await get(port, '/other?code=evil&state=expected-state-123')).status).toBe(404);
    expect((await get(port, '/callback?code=evil&state=expected-state-123', `attacker.example:${port}`)).status).toBe(421);
    expect((await get(port, '/callback?code=evil&state=expected-state-123', undefined, 'POST')).status).toBe(405);
    const good = await get(port, '/callback?code=good&state=expected-state-123');
    expect(good.status).toBe(200);
    expect((await l.result).searchParams.get('code')).toBe('good');
  });

  it('an error= callback with our state ends the wait with that URL (the caller names the error)', async () => {
    const { l, port } = await listen();
    await get(port, '/callback?error=access_denied&state=expected-state-123');
    expect((await l.result).searchParams.get('error')).toBe('access_denied');
  });

  it('binds 127.0.0.1 only', async () => {
    const { port } = await listen();
    // Another loopback address of the same machine is not bound.
    const other = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.2', port });
      s.on('connect', () => (s.destroy(), resolve(false)));
      s.on('error', () => resolve(true));
    });
    expect(other).toBe(true);
  });

  it('times out on the clock, and cancel ends the wait; the port is released either way', async () => {
    const a = await listen('s', 120_000);
    await a.clock.advance(120_000);
    await expect(a.l.result).rejects.toMatchObject({ code: 'login.timeout', action: 'sign-in-again' });
    expect(await refusedConnection(a.port)).toBe(true);
    const b = await listen('s');
    b.abort.abort();
    await expect(b.l.result).rejects.toMatchObject({ code: 'login.cancelled' });
    expect(await refusedConnection(b.port)).toBe(true);
  });

  it('a port another program holds is a typed error naming it', async () => {
    const { redirectUri, port } = await listen();
    await expect(listenForRedirect({ redirectUri, state: 'x', clock: new FakeClock(), timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'login.redirect-port-busy',
      action: 'contact-it',
      message: expect.stringContaining(String(port)),
    });
  });

  it('refuses a redirect URI that is not a 127.0.0.1 loopback with a port', async () => {
    for (const bad of ['http://localhost:4000/cb', 'https://127.0.0.1:4000/cb', 'http://127.0.0.1/cb', 'http://10.0.0.1:4000/cb']) {
      await expect(listenForRedirect({ redirectUri: bad, state: 'x', clock: new FakeClock(), timeoutMs: 1000 })).rejects.toMatchObject({ code: 'login.redirect-invalid' });
    }
  });
});
