// HttpSession over real sockets: node:http servers on 127.0.0.1 (127.0.0.2 or another port for a
// second origin).
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import type { HttpSessionOptions } from '../../../main/core/net/types.ts';
import { FakeClock } from '../../../main/core/clock.ts';
import type { Clock } from '../../../main/core/clock.ts';
import { PatchbayError, isPatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import type { Logger } from '../../../main/core/log.ts';
import { closedPort, loopbackCert, redirect, startServer } from './servers.ts';
import type { Handler, TestServer } from './servers.ts';

const servers: TestServer[] = [];
const agents: Agent[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

async function serve(handler: Handler, options: { host?: string; tls?: boolean } = {}): Promise<TestServer> {
  const server = await startServer(handler, options);
  servers.push(server);
  return server;
}

function session(options: Partial<HttpSessionOptions> & { log?: Logger; clock?: Clock } = {}): HttpSession {
  return new HttpSession({ profileId: 'p1', ...options });
}

async function failure(promise: Promise<unknown>): Promise<PatchbayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPatchbayError(error)) throw new Error(`expected a PatchbayError, got ${String(error)}`);
  return error;
}

describe('cookies over the wire', () => {
  it('stores Set-Cookie from a response and sends it on the next request [RFC 6265 §5.3, §5.4]', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/login') res.setHeader('set-cookie', ['sid=abc; Path=/; HttpOnly', 'lang=en; Path=/']);
      res.end('ok');
    });
    const s = session();
    const login = await s.request({ url: `${server.origin}/login` });
    expect(login.setCookie).toEqual(['sid=abc; Path=/; HttpOnly', 'lang=en; Path=/']);
    expect(login.headers['set-cookie']).toBeUndefined();
    await s.request({ url: `${server.origin}/next` });
    expect(server.received[0]?.headers.cookie).toBeUndefined();
    expect(server.received[1]?.headers.cookie).toBe('sid=abc; lang=en');
  });

  it('stores Set-Cookie of every redirect hop and sends each hop the jar cookies for its URL [RFC 6265 §5.3, §5.4, CARD-01, FIN-01, FIN-02]', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/start') return redirect(res, 302, '/sso', { 'set-cookie': 'first=1; Path=/' });
      if (req.url === '/sso') return redirect(res, 302, '/app/home', { 'set-cookie': 'app=2; Path=/app' });
      res.end('home');
    });
    const res = await session().request({ url: `${server.origin}/start` });
    expect(res.status).toBe(200);
    expect(server.received.map((r) => [r.url, r.headers.cookie])).toEqual([
      ['/start', undefined],
      ['/sso', 'first=1'],
      ['/app/home', 'app=2; first=1'],
    ]);
  });

  it('does not send a host-only cookie to another host on a redirect [RFC 6265 §5.4 step 1]', async () => {
    const other = await serve((_req, res) => res.end('other'), { host: '127.0.0.2' });
    const server = await serve((_req, res) => redirect(res, 302, `${other.origin}/x`, { 'set-cookie': 'sid=1; Path=/' }));
    await session().request({ url: `${server.origin}/` });
    expect(other.received[0]?.headers.cookie).toBeUndefined();
  });

  it('sends a Path cookie only under its path [RFC 6265 §5.1.4]', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/icws/connection') res.setHeader('set-cookie', 'icws_7=v; Path=/icws/7; HttpOnly');
      res.end();
    });
    const s = session();
    await s.request({ url: `${server.origin}/icws/connection`, method: 'POST' });
    await s.request({ url: `${server.origin}/icws/7/messaging/messages` });
    await s.request({ url: `${server.origin}/icws/8/status` });
    expect(server.received.map((r) => r.headers.cookie)).toEqual([undefined, 'icws_7=v', undefined]);
  });

  it('stores and sends a Secure cookie over http://127.0.0.1 because loopback is a secure context (documented)', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/set') res.setHeader('set-cookie', 'sec=1; Secure; Path=/');
      res.end();
    });
    const s = session();
    await s.request({ url: `${server.origin}/set` });
    await s.request({ url: `${server.origin}/get` });
    expect(server.received[1]?.headers.cookie).toBe('sec=1');
  });

  it('does not send an expired cookie: Max-Age runs on the session clock [RFC 6265 §5.2.2, §5.4]', async () => {
    const clock = new FakeClock();
    const server = await serve((req, res) => {
      if (req.url === '/set') res.setHeader('set-cookie', 'short=1; Max-Age=60; Path=/');
      res.end();
    });
    const s = session({ clock });
    await s.request({ url: `${server.origin}/set` });
    await s.request({ url: `${server.origin}/a` });
    await clock.advance(60_000);
    await s.request({ url: `${server.origin}/b` });
    expect(server.received.map((r) => r.headers.cookie)).toEqual([undefined, 'short=1', undefined]);
  });

  it('refuses a caller-supplied Cookie header and sends nothing (net.cookie-header-forbidden)', async () => {
    const server = await serve((_req, res) => res.end());
    const error = await failure(session().request({ url: server.origin, headers: { Cookie: 'sid=stolen' } }));
    expect(error.code).toBe('net.cookie-header-forbidden');
    expect(server.received).toHaveLength(0);
  });
});

describe('redirects', () => {
  it('follows a 302 after POST with GET, dropping the body and its headers [RFC 9110 §15.4.3]', async () => {
    const server = await serve((req, res) => (req.url === '/form' ? redirect(res, 302, '/done') : res.end('done')));
    const res = await session().request({ url: `${server.origin}/form`, method: 'POST', body: 'user=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('done');
    const second = server.received[1];
    expect(second?.method).toBe('GET');
    expect(second?.body).toBe('');
    expect(second?.headers['content-type']).toBeUndefined();
    expect(second?.headers['content-length']).toBeUndefined();
  });

  it('follows a 301 after POST with GET [RFC 9110 §15.4.2]', async () => {
    const server = await serve((req, res) => (req.url === '/old' ? redirect(res, 301, '/new') : res.end()));
    await session().request({ url: `${server.origin}/old`, method: 'POST', json: { a: 1 } });
    expect(server.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/old', '{"a":1}'],
      ['GET', '/new', ''],
    ]);
  });

  it('follows a 303 after PUT with GET [RFC 9110 §15.4.4]', async () => {
    const server = await serve((req, res) => (req.url === '/put' ? redirect(res, 303, '/see') : res.end()));
    await session().request({ url: `${server.origin}/put`, method: 'PUT', json: { a: 1 } });
    expect(server.received[1]).toMatchObject({ method: 'GET', url: '/see', body: '' });
    expect(server.received[1]?.headers['content-type']).toBeUndefined();
  });

  for (const status of [307, 308]) {
    it(`keeps the method and body on ${status} [RFC 9110 §15.4.${status === 307 ? 8 : 9}]`, async () => {
      const server = await serve((req, res) => (req.url === '/a' ? redirect(res, status, '/b') : res.end()));
      await session().request({ url: `${server.origin}/a`, method: 'POST', json: { keep: true } });
      expect(server.received[1]).toMatchObject({ method: 'POST', url: '/b', body: '{"keep":true}' });
      expect(server.received[1]?.headers['content-type']).toBe('application/json');
    });
  }

  it('resolves a relative Location against the current URL and lists the chain [RFC 9110 §10.2.2]', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/a/b/c') return redirect(res, 302, '../d?x=1');
      if (req.url === '/a/d?x=1') return redirect(res, 302, 'e');
      res.end('end');
    });
    const res = await session().request({ url: `${server.origin}/a/b/c` });
    expect(res.url).toBe(`${server.origin}/a/e`);
    expect(res.chain).toEqual([`${server.origin}/a/b/c`, `${server.origin}/a/d?x=1`, `${server.origin}/a/e`]);
  });

  it('keeps Authorization and sensitive headers on a same-origin hop, and refuses the hop to another host (issue 8 item 3) [RFC 9110 §15.4]', async () => {
    const other = await serve((_req, res) => res.end(), { host: '127.0.0.2' });
    const server = await serve((req, res) => (req.url === '/same' ? redirect(res, 307, `${other.origin}/x`) : redirect(res, 307, '/same')));
    const error = await failure(
      session().request({
        url: `${server.origin}/first`,
        headers: { Authorization: 'Bearer t1', 'ININ-ICWS-CSRF-Token': 'csrf1', 'X-Other': 'kept' },
        sensitiveHeaders: ['ININ-ICWS-CSRF-Token'],
      }),
    );
    // Same origin: kept.
    expect(server.received[1]?.headers).toMatchObject({ authorization: 'Bearer t1', 'inin-icws-csrf-token': 'csrf1' });
    // Cross origin: not followed at all.
    expect(error.code).toBe('net.credential-redirect');
    expect(other.received).toEqual([]);
  });

  it('refuses a credentialed hop to another port of the same host [RFC 6454] (issue 8 item 3)', async () => {
    const other = await serve((_req, res) => res.end());
    const first = await serve((req, res) => (req.url === '/go' ? redirect(res, 302, `${other.origin}/x`) : res.end()));
    const error = await failure(session().request({ url: `${first.origin}/go`, headers: { authorization: 'Basic dTpw' } }));
    expect(error.code).toBe('net.credential-redirect');
    expect(other.received).toEqual([]);
  });

  it('never re-sends a credential body (caller-flagged) on a 307/308 to another origin (issue 8 item 3) [RFC 9110 §15.4.8]', async () => {
    for (const status of [307, 308]) {
      const other = await serve((_req, res) => res.end('{}'), { host: '127.0.0.2' });
      const first = await serve((_req, res) => redirect(res, status, `${other.origin}/desktop/sso/token`));
      const error = await failure(
        session().request({ method: 'POST', url: `${first.origin}/desktop/sso/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'token=a&refresh-token=b', credentials: true }),
      );
      expect(error.code).toBe('net.credential-redirect');
      expect(error.message).not.toContain('refresh-token');
      expect(other.received).toEqual([]);
    }
  });

  it('follows exactly 20 redirects [fetch §4.4 step 6]', async () => {
    const server = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      return n < 20 ? redirect(res, 302, `/${n + 1}`) : res.end('landed');
    });
    const res = await session().request({ url: `${server.origin}/0` });
    expect(res.text()).toBe('landed');
    expect(res.chain).toHaveLength(21);
  });

  it('stops at the 21st redirect with net.too-many-redirects [fetch §4.4 step 6]', async () => {
    const server = await serve((req, res) => redirect(res, 302, `/${Number(req.url?.slice(1)) + 1}`));
    const error = await failure(session().request({ url: `${server.origin}/0` }));
    expect(error.code).toBe('net.too-many-redirects');
    expect(error.details.host).toBe(`127.0.0.1:${server.port}`);
    expect(server.received).toHaveLength(21);
  });

  it('honours a smaller maxRedirects from the session options', async () => {
    const server = await serve((req, res) => redirect(res, 302, `/${Number(req.url?.slice(1)) + 1}`));
    const error = await failure(session({ maxRedirects: 3 }).request({ url: `${server.origin}/0` }));
    expect(error.code).toBe('net.too-many-redirects');
    expect(server.received).toHaveLength(4);
  });

  it('detects a redirect loop and names the host without query values (net.redirect-loop)', async () => {
    const server = await serve((req, res) => redirect(res, 302, req.url?.startsWith('/a') ? '/b?code=SECRET1' : '/a?token=SECRET2'));
    const error = await failure(session().request({ url: `${server.origin}/a?token=SECRET2` }));
    expect(error.code).toBe('net.redirect-loop');
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
    expect(error.message).not.toMatch(/SECRET|code=|token=/);
    expect(server.received).toHaveLength(2);
  });

  it('follows a bounce back to the same URL when a cookie was set on the way (not a loop)', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/app' && !req.headers.cookie) return redirect(res, 302, '/sso');
      if (req.url === '/sso') return redirect(res, 302, '/app', { 'set-cookie': 'sso=1; Path=/' });
      res.end('in');
    });
    const res = await session().request({ url: `${server.origin}/app` });
    expect(res.text()).toBe('in');
    expect(res.chain.map((u) => new URL(u).pathname)).toEqual(['/app', '/sso', '/app']);
  });

  it('refuses to follow a redirect to a non-http(s) scheme (net.bad-redirect)', async () => {
    const server = await serve((_req, res) => redirect(res, 302, 'file:///etc/passwd'));
    const error = await failure(session().request({ url: server.origin }));
    expect(error.code).toBe('net.bad-redirect');
    expect(error.message).not.toContain('passwd');
  });

  it('returns the 3xx as is when followRedirects is false', async () => {
    const server = await serve((_req, res) => redirect(res, 302, '/elsewhere', { 'set-cookie': 'r=1' }));
    const s = session();
    const res = await s.request({ url: `${server.origin}/`, followRedirects: false });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/elsewhere');
    expect(res.chain).toHaveLength(1);
    expect(server.received).toHaveLength(1);
    expect(await s.cookieHeader(server.origin)).toBe('r=1');
  });

  it('returns a 3xx without Location as the final response [RFC 9110 §15.4]', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 302;
      res.end('nowhere');
    });
    const res = await session().request({ url: server.origin });
    expect(res.status).toBe(302);
    expect(res.text()).toBe('nowhere');
  });
});

describe('limits and failures', () => {
  it('refuses a body whose Content-Length exceeds maxBytes before reading it (net.body-too-large)', async () => {
    const server = await serve((_req, res) => {
      // Announces 10 MB, sends a few bytes and stalls: only the Content-Length check can end this.
      res.writeHead(200, { 'content-length': String(10_000_000) });
      res.write('x'.repeat(10));
    });
    const s = session({ maxBytes: 1000, clock: new FakeClock() });
    const error = await failure(s.request({ url: server.origin }));
    expect(error).toMatchObject({ code: 'net.body-too-large', details: { host: `127.0.0.1:${server.port}`, status: 200 } });
    expect(s.trace[0]).toMatchObject({ status: 200, error: 'net.body-too-large' });
  });

  it('aborts a chunked body once it grows past maxBytes (net.body-too-large)', async () => {
    const server = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // no Content-Length: chunked
      for (let i = 0; i < 50 && !res.destroyed; i++) {
        res.write('y'.repeat(100));
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
    const error = await failure(session().request({ url: server.origin, maxBytes: 250 }));
    expect(error.code).toBe('net.body-too-large');
  });

  it('accepts a body of exactly maxBytes', async () => {
    const server = await serve((_req, res) => res.end('z'.repeat(1000)));
    const res = await session({ maxBytes: 1000 }).request({ url: server.origin });
    expect(res.body.byteLength).toBe(1000);
  });

  it('fails with net.timeout when the whole request takes longer than timeoutMs (clock-driven)', async () => {
    const clock = new FakeClock();
    const server = await serve(() => {
      /* never answers */
    });
    const s = session({ clock, timeoutMs: 5_000 });
    const arrived = server.nextRequest();
    const pending = failure(s.request({ url: `${server.origin}/slow?token=T` }));
    await arrived;
    await clock.advance(5_000);
    const error = await pending;
    expect(error).toMatchObject({ code: 'net.timeout', action: 'retry', details: { host: `127.0.0.1:${server.port}` } });
    expect(error.message).not.toContain('slow');
    expect(s.trace.at(-1)).toMatchObject({ error: 'net.timeout', ms: 5_000, url: `${server.origin}/slow?token=[redacted]` });
  });

  it('counts the time limit over the body too, not only the headers', async () => {
    const clock = new FakeClock();
    const server = await serve((_req, res) => {
      res.writeHead(200);
      res.write('partial'); // and never ends
    });
    const s = session({ clock });
    const arrived = server.nextRequest();
    const pending = failure(s.request({ url: server.origin, timeoutMs: 1_000 }));
    await arrived;
    await clock.advance(1_000);
    expect((await pending).code).toBe('net.timeout');
  });

  it('fails with net.unreachable naming host:port when the connection is refused', async () => {
    const port = await closedPort();
    const error = await failure(session().request({ url: `http://127.0.0.1:${port}/path?password=P` }));
    expect(error).toMatchObject({ code: 'net.unreachable', action: 'retry', details: { host: `127.0.0.1:${port}` } });
    expect(error.message).toBe(`Cannot reach 127.0.0.1:${port}: connection refused.`);
  });

  it('fails with net.unreachable when the server resets the connection', async () => {
    const server = await serve((req) => req.socket.destroy());
    const error = await failure(session().request({ url: server.origin }));
    expect(error.code).toBe('net.unreachable');
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
  });

  it('fails with net.tls naming the host and the reason for an untrusted certificate', async () => {
    const server = await serve((_req, res) => res.end('secret page'), { tls: true });
    const error = await failure(session().request({ url: `${server.origin}/` }));
    expect(error).toMatchObject({ code: 'net.tls', action: 'contact-it', details: { host: `127.0.0.1:${server.port}`, tlsCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    expect(error.message).toContain('self-signed');
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
  });

  it('connects over TLS when the dispatcher trusts the CA (IT-configured bundle)', async () => {
    const server = await serve((_req, res) => res.end('hello tls'), { tls: true });
    const dispatcher = new Agent({ connect: { ca: loopbackCert } });
    agents.push(dispatcher);
    const res = await session({ dispatcher }).request({ url: `${server.origin}/` });
    expect(res.text()).toBe('hello tls');
  });

  it('fails with net.tls when the certificate does not match the host', async () => {
    const server = await serve((_req, res) => res.end(), { tls: true, host: '127.0.0.2' });
    const dispatcher = new Agent({ connect: { ca: loopbackCert } });
    agents.push(dispatcher);
    const error = await failure(session({ dispatcher }).request({ url: `${server.origin}/` }));
    expect(error.code).toBe('net.tls');
    expect(error.message).toContain('does not match the host name');
  });

  it('fails with net.aborted when the caller aborts', async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    const arrived = server.nextRequest();
    const pending = failure(session().request({ url: server.origin, signal: controller.signal }));
    await arrived;
    controller.abort();
    expect((await pending).code).toBe('net.aborted');
  });
});

describe('trace and logging', () => {
  it('records every hop with a redacted URL, status, clock ms and header names only', async () => {
    const clock = new FakeClock();
    const server = await serve(async (req, res) => {
      if (req.url?.startsWith('/cb')) return redirect(res, 302, '/home', { 'set-cookie': 'sid=S1; Path=/' });
      await clock.advance(250);
      res.end('home');
    });
    const s = session({ clock });
    await s.request({
      url: `${server.origin}/cb?code=AUTHCODE&state=st`,
      method: 'POST',
      headers: { authorization: 'Bearer TOKEN1', 'x-csrf-token': 'CSRF1' },
      json: { password: 'PW1' },
    });
    expect(s.trace).toEqual([
      {
        at: new Date(clock.now() - 250).toISOString(),
        method: 'POST',
        url: `${server.origin}/cb?code=[redacted]&state=st`,
        status: 302,
        ms: 0,
        sentHeaders: ['authorization', 'x-csrf-token', 'content-type'],
      },
      {
        at: new Date(clock.now() - 250).toISOString(),
        method: 'GET',
        url: `${server.origin}/home`,
        status: 200,
        ms: 250,
        sentHeaders: ['authorization', 'x-csrf-token', 'cookie'],
      },
    ]);
    const dump = JSON.stringify(s.trace);
    for (const secret of ['AUTHCODE', 'TOKEN1', 'CSRF1', 'PW1', 'S1']) expect(dump).not.toContain(secret);
  });

  it('keeps only the last traceSize entries', async () => {
    const server = await serve((req, res) => res.end(req.url));
    const s = session({ traceSize: 3 });
    for (let i = 0; i < 5; i++) await s.request({ url: `${server.origin}/${i}` });
    expect(s.trace.map((e) => new URL(e.url).pathname)).toEqual(['/2', '/3', '/4']);
  });

  it('records the error code of a failed hop', async () => {
    const port = await closedPort();
    const s = session();
    await failure(s.request({ url: `http://127.0.0.1:${port}/` }));
    expect(s.trace[0]).toMatchObject({ method: 'GET', error: 'net.unreachable' });
    expect(s.trace[0]?.status).toBeUndefined();
  });

  it('logs each hop at debug without any secret', async () => {
    const sink = memorySink();
    const server = await serve((req, res) => (req.url === '/a?access_token=AT1' ? redirect(res, 302, '/b', { 'set-cookie': 'sid=SID1' }) : res.end()));
    await session({ log: createLogger({ sink, level: 'debug' }) }).request({
      url: `${server.origin}/a?access_token=AT1`,
      headers: { 'ININ-ICWS-CSRF-Token': 'CSRF2' },
    });
    const hops = sink.entries.filter((e) => e.event === 'net.hop');
    expect(hops.map((e) => [e.level, e.method, e.status])).toEqual([
      ['debug', 'GET', 302],
      ['debug', 'GET', 200],
    ]);
    expect(hops[0]?.url).toBe(`${server.origin}/a?access_token=[redacted]`);
    const dump = JSON.stringify(sink.entries);
    for (const secret of ['AT1', 'SID1', 'CSRF2']) expect(dump).not.toContain(secret);
  });
});

describe('bodies and headers', () => {
  it('serialises json and sets Content-Type application/json', async () => {
    const server = await serve((_req, res) => res.end());
    await session().request({ url: server.origin, method: 'POST', json: { userID: 'a', n: 1 } });
    expect(server.received[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.received[0]?.body ?? '')).toEqual({ userID: 'a', n: 1 });
  });

  it('keeps the caller’s Content-Type with json', async () => {
    const server = await serve((_req, res) => res.end());
    await session().request({ url: server.origin, method: 'POST', json: {}, headers: { 'Content-Type': 'application/vnd.inin.icws+JSON' } });
    expect(server.received[0]?.headers['content-type']).toBe('application/vnd.inin.icws+JSON');
  });

  it('parses a JSON answer with json()', async () => {
    const server = await serve((_req, res) => res.end('{"csrfToken":"x","sessionId":"1"}'));
    const res = await session().request({ url: server.origin });
    expect(res.json()).toEqual({ csrfToken: 'x', sessionId: '1' });
  });

  it('throws net.bad-json without the body text for a non-JSON answer', async () => {
    const server = await serve((_req, res) => res.end('<html>password=PW9</html>'));
    const res = await session().request({ url: server.origin });
    let error: unknown;
    try {
      res.json();
    } catch (e) {
      error = e;
    }
    expect(isPatchbayError(error) && error.code).toBe('net.bad-json');
    expect((error as Error).message).not.toMatch(/PW9|html/);
    expect((error as Error).cause).toBeUndefined();
  });

  it('lower-cases response header names and joins repeated headers with ", "', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('X-Multi', ['a', 'b']);
      res.setHeader('ININ-ICWS-Session-ID', '42');
      res.end();
    });
    const res = await session().request({ url: server.origin });
    expect(res.headers['x-multi']).toBe('a, b');
    expect(res.headers['inin-icws-session-id']).toBe('42');
  });

  it('returns error statuses as responses, not as exceptions', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    const res = await session().request({ url: server.origin });
    expect(res.status).toBe(503);
  });
});

describe('stream (server-sent events)', () => {
  async function read(iterator: AsyncIterator<Uint8Array>): Promise<string> {
    const next = await iterator.next();
    return next.done ? '<done>' : Buffer.from(next.value).toString('utf8');
  }

  it('delivers events as they arrive, sends jar cookies and stores Set-Cookie [RFC 6265 §5.4]', async () => {
    let push: ((s: string) => void) | undefined;
    const server = await serve((req, res) => {
      if (req.url === '/login') {
        res.setHeader('set-cookie', 'icws_1=c; Path=/');
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'set-cookie': 'sse=1; Path=/' });
      res.flushHeaders();
      push = (s) => res.write(s);
    });
    const s = session();
    await s.request({ url: `${server.origin}/login` });
    const stream = await s.stream({ url: `${server.origin}/messages`, headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(server.received[1]?.headers.cookie).toBe('icws_1=c');
    expect(await s.cookieHeader(server.origin)).toBe('icws_1=c; sse=1');
    const it = stream.body[Symbol.asyncIterator]();
    push?.('data: {"n":1}\n\n');
    expect(await read(it)).toBe('data: {"n":1}\n\n');
    push?.('data: {"n":2}\n\n');
    expect(await read(it)).toBe('data: {"n":2}\n\n');
    stream.close();
  });

  it('applies the time limit only until headers arrive', async () => {
    const clock = new FakeClock();
    let push: ((s: string) => void) | undefined;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      push = (s) => res.write(s);
    });
    const s = session({ clock, timeoutMs: 1_000 });
    const stream = await s.stream({ url: server.origin });
    await clock.advance(60_000);
    const it = stream.body[Symbol.asyncIterator]();
    push?.('data: late\n\n');
    expect(await read(it)).toBe('data: late\n\n');
    stream.close();
  });

  it('fails with net.timeout when headers do not arrive in time', async () => {
    const clock = new FakeClock();
    const server = await serve(() => {});
    const arrived = server.nextRequest();
    const pending = failure(session({ clock, timeoutMs: 1_000 }).stream({ url: server.origin }));
    await arrived;
    await clock.advance(1_000);
    expect((await pending).code).toBe('net.timeout');
  });

  it('has no size cap on the stream body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('e'.repeat(5000));
    });
    const stream = await session({ maxBytes: 100 }).stream({ url: server.origin });
    let total = 0;
    for await (const chunk of stream.body) total += chunk.byteLength;
    expect(total).toBe(5000);
  });

  it('follows redirects like request', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/messages') return redirect(res, 302, '/messages/sse', { 'set-cookie': 'hop=1; Path=/' });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: ok\n\n');
    });
    const stream = await session().stream({ url: `${server.origin}/messages` });
    expect(stream.url).toBe(`${server.origin}/messages/sse`);
    expect(server.received[1]?.headers.cookie).toBe('hop=1');
    stream.close();
  });

  it('ends the iteration quietly on close()', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
    });
    const stream = await session().stream({ url: server.origin });
    const it = stream.body[Symbol.asyncIterator]();
    expect(await read(it)).toBe('data: first\n\n');
    const pending = read(it);
    stream.close();
    expect(await pending).toBe('<done>');
  });
});
