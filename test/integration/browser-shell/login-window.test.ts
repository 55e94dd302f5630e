// The Chromium LoginWindow adapter (main/browser-shell/login-window.ts) against a small loopback
// site: each completion kind, cookies both ways with the profile jar, the host allow-list, server
// error pages, timeouts, cancellation and the CDP port tests use to act as the agent.
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_WINDOW_START, appWindowArgs, CDP_PORT_ENV, createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import type { LoginWindowRequest } from '../../../main/core/auth/login-window.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { rejection as failure } from '../../helpers/errors.ts';

const log = createLogger({ sink: memorySink(), level: 'debug' });
let site: Server;
let base = '';
let closedPort = 0;
const seen: { host: string; path: string; cookie: string }[] = [];

function page(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
  res.end(html);
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push({ host: req.headers.host ?? '', path: url.pathname, cookie: req.headers.cookie ?? '' });
  switch (url.pathname) {
    case '/token-header':
      return page(res, 200, '<title>done</title><p>ok</p>', { 'X-Token': 'header-value' });
    case '/autopost':
      // A form that submits itself from JavaScript (SAML HTTP-POST binding style).
      return page(res, 200, `<form method="post" action="/posted"><input type="hidden" name="a" value="1"></form><script>document.forms[0].submit()</script>`);
    case '/posted':
      return page(res, 200, '<title>posted</title>');
    case '/xhr':
      return page(res, 200, `<script>fetch('/api/token').then(r => r.text())</script>`);
    case '/api/token':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ access: 'json-body' }));
    case '/to-callback':
      res.writeHead(302, { Location: `http://127.0.0.1:${closedPort}/callback?code=abc&state=s1` });
      return void res.end();
    case '/cookies':
      return page(res, 200, `<title>cookies</title>`, {
        'Set-Cookie': ['fresh=new-value; Path=/; HttpOnly', 'old=; Path=/; Max-Age=0', 'changed=v2; Path=/'],
        'X-Done': '1',
      });
    case '/to-other-host':
      res.writeHead(302, { Location: `http://localhost:${(site.address() as AddressInfo).port}/token-header` });
      return void res.end();
    case '/broken':
      return page(res, 503, '<html><head><title>Service down for maintenance</title></head><body>down</body></html>');
    case '/forever':
      return page(res, 200, '<title>waiting</title><form><input name="user"></form>');
    default:
      return page(res, 404, '<title>not found</title>');
  }
}

let window: ChromiumLoginWindow;
beforeAll(async () => {
  site = createServer(route);
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  // A port nobody listens on: bind, read, close.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  window = createChromiumLoginWindow({ log, headless: true, remoteDebuggingPort: 0 });
});
afterAll(async () => {
  await window.close();
  await new Promise((r) => site.close(r));
});

function req(path: string, until: LoginWindowRequest['until'], extra: Partial<LoginWindowRequest> = {}): LoginWindowRequest {
  return { url: `${base}${path}`, profileId: 'lw-test', visible: 'never', timeoutMs: 10_000, until, ...extra };
}

/** The arguments of the browser process started with --remote-debugging-port=<port>. */
async function chromiumCommandLine(port: string): Promise<string> {
  // Read as one string: Chromium rewrites its process title on Linux, and /proc/<pid>/cmdline can then
  // hold the whole command line space-joined in one NUL-terminated part (seen under dbus-run-session, CI).
  for (let attempt = 0; attempt < 40; attempt++) {
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const line = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
      if (line.includes(`--remote-debugging-port=${port} `) && !line.includes('--type=')) return line;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return '';
}

describe('Chromium LoginWindow', () => {
  it('completes on the first response carrying the header, with the page body', async () => {
    const result = await window.run(req('/token-header', [{ responseHeader: 'X-Token' }]));
    expect(result.completion).toEqual({ responseHeader: 'X-Token' });
    expect(result.status).toBe(200);
    expect(result.headers['x-token']).toBe('header-value');
    expect(result.url).toBe(`${base}/token-header`);
    expect(result.body).toContain('<title>done</title>');
  });

  it('runs the page JavaScript: a self-submitting form completes on the URL prefix [FIN-04]', async () => {
    const result = await window.run(req('/autopost', [{ urlPrefix: `${base}/posted` }]));
    expect(result.completion).toEqual({ urlPrefix: `${base}/posted` });
    expect(result.url).toBe(`${base}/posted`);
  });

  it('completes on a JSON response fetched by the page, returning its body', async () => {
    const result = await window.run(req('/xhr', [{ jsonResponseAt: `${base}/api/` }]));
    expect(result.url).toBe(`${base}/api/token`);
    expect(JSON.parse(result.body ?? '')).toEqual({ access: 'json-body' });
  });

  it('stops at a redirectTo URL before it loads and returns it (RFC 8252)', async () => {
    const redirectTo = `http://127.0.0.1:${closedPort}/callback`;
    const result = await window.run(req('/to-callback', [{ redirectTo }]));
    expect(result.completion).toEqual({ redirectTo });
    expect(result.url).toBe(`${redirectTo}?code=abc&state=s1`);
    expect(result.status).toBe(302);
  });

  it('seeds the window with the jar and writes new, changed and deleted cookies back [FIN-02]', async () => {
    const http = new HttpSession({ profileId: 'lw-test' });
    await http.setCookie('old=gone-soon; Path=/', base);
    await http.setCookie('changed=v1; Path=/', base);
    await http.setCookie('kept=yes; Path=/; HttpOnly', base);
    await window.run(req('/cookies', [{ responseHeader: 'X-Done' }], { jar: http.jar }));
    const sent = seen.filter((s) => s.path === '/cookies').at(-1)!.cookie;
    expect(sent.split('; ').sort()).toEqual(['changed=v1', 'kept=yes', 'old=gone-soon']);
    const after = (await http.cookieHeader(`${base}/`)).split('; ').sort();
    expect(after).toEqual(['changed=v2', 'fresh=new-value', 'kept=yes']);
  });

  it('refuses to navigate outside the allowed hosts, before any request leaves', async () => {
    const error = await failure(window.run(req('/to-other-host', [{ responseHeader: 'X-Token' }], { allowedHosts: [new URL(base).host] })));
    expect(error.code).toBe('login.failed');
    expect(error.details.reason).toBe('host-not-allowed');
    expect(error.message).toContain('localhost');
    expect(seen.some((s) => s.host.startsWith('localhost'))).toBe(false);
  });

  it("ends on a server error page with the page's own title", async () => {
    const error = await failure(window.run(req('/broken', [{ responseHeader: 'X-Token' }])));
    expect(error.code).toBe('login.failed');
    expect(error.message).toBe(`The sign-in page at ${new URL(base).host} answered 503: Service down for maintenance`);
  });

  it('ends with login.failed when the page cannot be reached', async () => {
    const error = await failure(window.run({ ...req('/', [{ responseHeader: 'X-Token' }]), url: `http://127.0.0.1:${closedPort}/` }));
    expect(error.code).toBe('login.failed');
    expect(error.details.reason).toBe('ERR_CONNECTION_REFUSED');
  });

  it('ends with login.timeout, login.cancelled on abort, and login.cancelled when the window is closed', async () => {
    expect((await failure(window.run(req('/forever', [{ responseHeader: 'X-Token' }], { timeoutMs: 400 })))).code).toBe('login.timeout');

    const controller = new AbortController();
    const aborted = window.run(req('/forever', [{ responseHeader: 'X-Token' }], { signal: controller.signal }));
    setTimeout(() => controller.abort(), 200);
    expect((await failure(aborted)).code).toBe('login.cancelled');

    // The agent closes the window (here through the CDP port, as the e2e tests drive it).
    // A long timeout: on a loaded CI machine finding the page over a second CDP connection can take
    // seconds, and the run must end by the close, never by its timeout.
    const closing = window.run(req('/forever', [{ responseHeader: 'X-Token' }], { timeoutMs: 60_000 }));
    closing.catch(() => undefined);
    const cdp = await chromium.connectOverCDP(window.cdpEndpoint!);
    try {
      // Close every page on /forever until the run ends: an earlier run's page may still be listed
      // while it goes, and closing only that one left this run to end by its timeout (CI).
      let settled = false;
      void closing.finally(() => (settled = true)).catch(() => undefined);
      for (let i = 0; i < 2_000 && !settled; i++) {
        const pages = cdp
          .contexts()
          .flatMap((c) => c.pages())
          .filter((p) => p.url() === `${base}/forever`);
        for (const page of pages) await page.close().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 25));
      }
      expect((await failure(closing)).code).toBe('login.cancelled');
    } finally {
      await cdp.close();
    }
  }, 90_000);

  it('titles the window with the host of the current page, not the page title, on two hosts (issue 13 item 8)', async () => {
    const port = (site.address() as AddressInfo).port;
    let cdp: Awaited<ReturnType<typeof chromium.connectOverCDP>> | undefined;
    try {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        const run = window.run({ ...req('/forever', [{ responseHeader: 'X-Token' }], { timeoutMs: 60_000 }), url: `http://${host}/forever` });
        run.catch(() => undefined);
        for (let i = 0; i < 400 && !window.cdpEndpoint; i++) await new Promise((r) => setTimeout(r, 25));
        cdp ??= await chromium.connectOverCDP(window.cdpEndpoint!);
        let target;
        for (let i = 0; i < 400 && !target; i++) {
          target = cdp
            .contexts()
            .flatMap((c) => c.pages())
            .find((p) => p.url() === `http://${host}/forever`);
          if (!target) await new Promise((r) => setTimeout(r, 25));
        }
        await target!.waitForFunction((wanted) => document.title === wanted, `Sign in — ${host}`);
        expect(await target!.title()).toBe(`Sign in — ${host}`); // the page's own <title>waiting</title> is not shown
        await target!.close();
        await run.catch(() => undefined);
      }
    } finally {
      await cdp?.close();
    }
  }, 90_000);

  it('a sign-in window the agent may see is a clean app window: Chromium --app=, one page, no tab beside it, titled with the host (issue 13 item 8)', async () => {
    // Off-screen until revealed unless always visible; the default follows the display (headed = app window).
    expect(appWindowArgs('always')).toEqual([`--app=${APP_WINDOW_START}`]);
    expect(appWindowArgs('when-needed')).toEqual([`--app=${APP_WINDOW_START}`, '--window-position=-32000,-32000']);
    const app = createChromiumLoginWindow({ log, headless: true, appWindow: true, remoteDebuggingPort: 0 });
    let cdp: Awaited<ReturnType<typeof chromium.connectOverCDP>> | undefined;
    try {
      const host = `127.0.0.1:${(site.address() as AddressInfo).port}`;
      const run = app.run(req('/forever', [{ responseHeader: 'X-Token' }], { visible: 'always', timeoutMs: 60_000 }));
      run.catch(() => undefined);
      for (let i = 0; i < 800 && !app.cdpEndpoint; i++) await new Promise((r) => setTimeout(r, 25));
      cdp = await chromium.connectOverCDP(app.cdpEndpoint!);
      const browserSession = await cdp.newBrowserCDPSession();
      // The launch arguments of the Chromium listening on that port (Linux /proc; CDP hands them out only under --enable-automation).
      expect(await chromiumCommandLine(new URL(app.cdpEndpoint!).port)).toContain(`--app=${APP_WINDOW_START}`);
      let pages: { type: string; url: string; title: string }[] = [];
      for (let i = 0; i < 400; i++) {
        const { targetInfos } = (await browserSession.send('Target.getTargets')) as { targetInfos: { type: string; url: string; title: string }[] };
        pages = targetInfos.filter((t) => t.type === 'page');
        if (pages.some((t) => t.title === `Sign in — ${host}`)) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      // The app window's one page went to the sign-in page: no start page or other tab left beside it.
      expect(pages).toEqual([expect.objectContaining({ type: 'page', url: `http://${host}/forever`, title: `Sign in — ${host}` })]);
      // The agent closing the window cancels the sign-in, and the run's Chromium goes with it.
      await cdp.contexts()[0]!.pages()[0]!.close();
      expect((await failure(run)).code).toBe('login.cancelled');
      expect(app.cdpEndpoint).toBeUndefined();
    } finally {
      await cdp?.close().catch(() => undefined);
      await app.close();
    }
  }, 90_000);

  it('ends with login.unavailable when a headless window with nobody attached reaches a page for the agent', async () => {
    const saved = process.env[CDP_PORT_ENV];
    delete process.env[CDP_PORT_ENV];
    const alone = createChromiumLoginWindow({ log, headless: true });
    try {
      // A silent journey still completes…
      expect((await alone.run(req('/autopost', [{ urlPrefix: `${base}/posted` }], { visible: 'when-needed' }))).url).toBe(`${base}/posted`);
      // …but a form waiting for a person cannot be answered: say so now, not after the timeout.
      const error = await failure(alone.run(req('/forever', [{ responseHeader: 'X-Token' }], { visible: 'when-needed', timeoutMs: 30_000 })));
      expect(error.code).toBe('login.unavailable');
      expect(error.message).toContain('no display');
    } finally {
      await alone.close();
      if (saved !== undefined) process.env[CDP_PORT_ENV] = saved;
    }
  });

  it(`listens for CDP on the port named by ${CDP_PORT_ENV}`, async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const saved = process.env[CDP_PORT_ENV];
    process.env[CDP_PORT_ENV] = String(port);
    const fromEnv = createChromiumLoginWindow({ log, headless: true });
    try {
      expect(fromEnv.cdpEndpoint).toBeUndefined(); // launched on first use
      await fromEnv.run(req('/token-header', [{ responseHeader: 'X-Token' }]));
      expect(fromEnv.cdpEndpoint).toBe(`http://127.0.0.1:${port}`);
      const version = (await (await fetch(`http://127.0.0.1:${port}/json/version`)).json()) as { webSocketDebuggerUrl: string };
      expect(version.webSocketDebuggerUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/devtools/browser/`));
    } finally {
      await fromEnv.close();
      if (saved === undefined) delete process.env[CDP_PORT_ENV];
      else process.env[CDP_PORT_ENV] = saved;
    }
  });
});
