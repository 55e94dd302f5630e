// issue 8 item 6 in the Chromium sign-in window: with no ssoAllowedHosts the window follows the flow
// from the profile's host to the IdP it redirects to, refuses a host the IdP page sends it to by
// itself, and takes ININ-STS-Token only from the profile's host [ICWS-11].
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import { isPatchbayError } from '../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';

let site: Server;
let port = 0;
let window: ChromiumLoginWindow;
const seen: string[] = [];

function route(req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host ?? '';
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  seen.push(`${host}${path}`);
  const html = (body: string, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'Content-Type': 'text/html', ...headers });
    res.end(body);
  };
  switch (path) {
    case '/start': // the profile's server sends the agent to the IdP (another host)
      res.writeHead(302, { Location: `http://localhost:${port}/idp` });
      return void res.end();
    case '/idp': // the IdP signs in and posts back to the profile's server
      return html(`<form method="post" action="http://127.0.0.1:${port}/return"></form><script>document.forms[0].submit()</script>`);
    case '/return':
      return html('<title>done</title>', { 'ININ-STS-Token': 'from-profile-host' });
    case '/start-wander':
      res.writeHead(302, { Location: `http://localhost:${port}/wander` });
      return void res.end();
    case '/wander': // the IdP page navigates somewhere else by itself
      return html(`<script>location.href = 'http://127.0.0.2:${port}/elsewhere'</script>`);
    case '/start-planted':
      res.writeHead(302, { Location: `http://localhost:${port}/planted` });
      return void res.end();
    case '/planted': // a token header from the IdP's host, not the server's
      return html('<title>planted</title>', { 'ININ-STS-Token': 'planted' });
    default:
      return html('<title>?</title>');
  }
}

beforeAll(async () => {
  site = createServer(route);
  await new Promise<void>((r) => site.listen(0, '0.0.0.0', r));
  port = (site.address() as AddressInfo).port;
  window = createChromiumLoginWindow({ log: createLogger({ sink: memorySink() }), headless: true });
});

afterAll(async () => {
  await window?.close();
  site.closeAllConnections();
  await new Promise<void>((r) => site.close(() => r()));
});

const run = (path: string, timeoutMs = 15_000) =>
  window.run({ url: `http://127.0.0.1:${port}${path}`, profileId: 'p', visible: 'never', timeoutMs, until: [{ responseHeader: 'ININ-STS-Token' }], profileHosts: [`127.0.0.1:${port}`] });

describe('the sign-in window without ssoAllowedHosts [ICWS-11]', () => {
  it('follows the profile host to the IdP and back, and lists the IdP host it learned', async () => {
    const result = await run('/start');
    expect(result.headers['inin-sts-token']).toBe('from-profile-host');
    expect(result.learnedHosts).toEqual([`localhost:${port}`]);
  }, 60_000);

  it('refuses a host the IdP page navigates to by itself, before it is contacted', async () => {
    seen.length = 0;
    const error = await run('/start-wander').catch((e: unknown) => e);
    expect(isPatchbayError(error) && error.code).toBe('login.failed');
    expect(seen.filter((s) => s.startsWith('127.0.0.2'))).toEqual([]);
  }, 60_000);

  it('takes the ININ-STS-Token header only from the profile host [ICWS-11]', async () => {
    const error = await run('/start-planted', 4_000).catch((e: unknown) => e);
    expect(isPatchbayError(error) && error.code).toBe('login.timeout');
  }, 60_000);
});
