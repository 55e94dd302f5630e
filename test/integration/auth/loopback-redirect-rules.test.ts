// The loopback redirect listener's details the first suite left open (issue 9 mutation testing of
// main/core/auth/loopback-redirect.ts), over real sockets on 127.0.0.1: the page's security headers
// and escaping, the state compared in full, a callback without code or error, the redirect URI's
// shape, an aborted or closed wait, and a listener on port 0.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForRedirect, parseLoopbackRedirect, type LoopbackRedirect, type LoopbackRedirectOptions } from '../../../main/core/auth/loopback-redirect.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import { freePort } from '../genesys-cloud/oidc-fixture.ts';

const STATE = 'expected-state-123';
const open: LoopbackRedirect[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function listen(extra: Partial<LoopbackRedirectOptions> = {}) {
  const port = await freePort();
  const l = await listenForRedirect({ redirectUri: `http://127.0.0.1:${port}/callback`, state: STATE, clock: new FakeClock(), timeoutMs: 60_000, ...extra });
  open.push(l);
  return { l, port: l.port };
}

function get(port: number, path: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}` }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the return page [RFC 8252 §7.3]', () => {
  it('is HTML that nothing may cache, frame, sniff or pass on as a Referer, and closes its connection', async () => {
    const { l, port } = await listen();
    const res = await get(port, `/callback?code=c&state=${STATE}`);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      connection: 'close',
    });
    expect(res.body).toBe(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Patchbay sign-in</title></head><body><main><h1>Patchbay sign-in</h1><p>You are signed in. You can close this tab and return to Patchbay.</p></main></body></html>',
    );
    await l.result;
  });

  it('shows the caller’s words, escaped, and says the sign-in did not complete on an error callback', async () => {
    const a = await listen({ page: { title: 'Anmeldung <Patchbay>', message: 'Zurück zu "Patchbay" & fertig' } });
    const ok = await get(a.port, `/callback?code=c&state=${STATE}`);
    expect(ok.body).toContain('<title>Anmeldung &#60;Patchbay&#62;</title>');
    expect(ok.body).toContain('<p>Zurück zu &#34;Patchbay&#34; &#38; fertig</p>');
    const b = await listen();
    const failed = await get(b.port, `/callback?error=access_denied&state=${STATE}`);
    expect(failed.status).toBe(200);
    expect(failed.body).toContain('<p>The sign-in did not complete. Return to Patchbay for details.</p>');
    expect(failed.body).not.toContain('access_denied');
  });
});

describe('what the listener accepts [GC-03, RFC 6749 §10.12]', () => {
  it('compares the whole state: one of the same length, a prefix, or an empty one is refused and the wait goes on', async () => {
    const { l, port } = await listen();
    for (const state of ['expected-state-124', 'expected-state-12', 'expected-state-1234', '']) {
      const res = await get(port, `/callback?code=evil&state=${state}`);
      expect(res.status, state).toBe(400);
      expect(res.body, state).toContain('<title>Patchbay sign-in</title>');
      expect(res.body, state).toContain('This sign-in response was not expected.');
    }
    expect((await get(port, `/callback?code=good&state=${STATE}`)).status).toBe(200);
    expect((await l.result).searchParams.get('code')).toBe('good');
  });

  it('refuses a callback with our state but neither code nor error', async () => {
    const { l, port } = await listen();
    expect((await get(port, `/callback?state=${STATE}`)).status).toBe(400);
    expect((await get(port, `/callback?error=x&state=${STATE}`)).status).toBe(200);
    expect((await l.result).searchParams.get('error')).toBe('x');
  });

  it('on port 0 (tests) answers on the port it bound, under that port’s Host', async () => {
    const l = await listenForRedirect({ redirectUri: 'http://127.0.0.1:0/callback', state: STATE, clock: new FakeClock(), timeoutMs: 60_000 });
    open.push(l);
    expect(l.port).toBeGreaterThan(0);
    expect((await get(l.port, `/callback?code=c&state=${STATE}`)).status).toBe(200);
  });
});

describe('the redirect URI [RFC 8252 §8.3]', () => {
  it('reads the port and path of a 127.0.0.1 URI', () => {
    expect(parseLoopbackRedirect('http://127.0.0.1:48620/callback')).toEqual({ port: 48620, path: '/callback' });
    expect(parseLoopbackRedirect('http://127.0.0.1:48620')).toEqual({ port: 48620, path: '/' });
  });

  it('refuses a query, a fragment or text that is no URL, for IT to fix', () => {
    for (const bad of ['http://127.0.0.1:4000/cb?x=1', 'http://127.0.0.1:4000/cb#x', 'not a url']) {
      let error: unknown;
      try {
        parseLoopbackRedirect(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toMatchObject({
        code: 'login.redirect-invalid',
        action: 'contact-it',
        message: "The profile's redirect address must be a loopback address such as http://127.0.0.1:48620/callback.",
        details: { redirectUri: bad },
      });
    }
  });
});

describe('a port another program holds', () => {
  it('is a typed error for IT naming the port and the reason', async () => {
    const { port } = await listen();
    await expect(listenForRedirect({ redirectUri: `http://127.0.0.1:${port}/callback`, state: 'x', clock: new FakeClock(), timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'login.redirect-port-busy',
      details: { port, reason: 'EADDRINUSE' },
    });
  });
});

describe('ending the wait', () => {
  it('an already aborted signal ends it before anything listens', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(listen({ signal: abort.signal })).rejects.toMatchObject({ code: 'login.cancelled', action: 'sign-in-again' });
  });

  it('close() rejects a pending result with login.cancelled; the timeout names its seconds', async () => {
    const a = await listen();
    await a.l.close();
    await expect(a.l.result).rejects.toMatchObject({ code: 'login.cancelled' });
    const clock = new FakeClock();
    const b = await listen({ clock, timeoutMs: 90_000 });
    await clock.advance(89_999);
    expect((await get(b.port, '/other')).status).toBe(404); // still listening a moment before
    await clock.advance(1);
    await expect(b.l.result).rejects.toMatchObject({ code: 'login.timeout', message: 'The sign-in did not finish within 90 s.' });
  });
});
