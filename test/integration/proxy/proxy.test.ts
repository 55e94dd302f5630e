// The proxy (issue 5 "Enterprise network"): an explicit one from the policy or settings, else
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment; "direct" ignores the environment. A local
// forward proxy counts what goes through it (plain requests and CONNECT tunnels).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { createDispatcher, loginWindowProxy, resolveProxy, type CreatedDispatcher } from '../../../main/core/net/proxy.ts';
import { makeTestPki, type TestPki } from '../tls/test-pki.ts';
import { startHttpServer, startHttpsServer, type TestServer } from '../tls/servers.ts';
import { startForwardProxy, type ForwardProxy } from './forward-proxy.ts';

let pki: TestPki;
let plain: TestServer;
let secure: TestServer;
let proxy: ForwardProxy;
const dispatchers: CreatedDispatcher[] = [];

function http(options: Parameters<typeof createDispatcher>[0]): { session: HttpSession; created: CreatedDispatcher } {
  const created = createDispatcher(options);
  dispatchers.push(created);
  return { session: new HttpSession({ profileId: 'proxy-test', dispatcher: created.dispatcher, timeoutMs: 5_000 }), created };
}

beforeAll(async () => {
  pki = makeTestPki();
  plain = await startHttpServer();
  secure = await startHttpsServer(pki.server);
  proxy = await startForwardProxy();
});

beforeEach(() => {
  proxy.hits.length = 0;
});

afterAll(async () => {
  for (const d of dispatchers) await d.close();
  await proxy?.close();
  await plain?.close();
  await secure?.close();
  pki?.remove();
});

describe('proxy', () => {
  it('sends plain http through the policy proxy in absolute form', async () => {
    const { session, created } = http({ proxy: { url: proxy.url }, env: {} });
    const res = await session.request({ url: `${plain.url}/agent?x=1` });
    expect(res.status).toBe(200);
    expect(proxy.hits).toEqual([{ method: 'GET', target: `${plain.url}/agent?x=1`, proxyAuthorization: false }]);
    expect(created.description.proxy).toEqual({ mode: 'explicit', httpProxy: proxy.url, httpsProxy: proxy.url });
  });

  it('tunnels https through the policy proxy with CONNECT and still checks the certificate against the IT bundle', async () => {
    const { session } = http({ proxy: { url: proxy.url }, caBundlePath: pki.caPath, env: {} });
    const res = await session.request({ url: `${secure.url}/secure` });
    expect(res.status).toBe(200);
    expect(proxy.hits).toEqual([{ method: 'CONNECT', target: `127.0.0.1:${secure.port}`, proxyAuthorization: false }]);
    const { session: untrusting } = http({ proxy: { url: proxy.url }, env: {} });
    await expect(untrusting.request({ url: `${secure.url}/secure` })).rejects.toMatchObject({ code: 'net.tls', details: { policyKey: 'caBundle' } });
  });

  it('uses HTTPS_PROXY and HTTP_PROXY from the environment when nothing is configured', async () => {
    const { session, created } = http({ env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }, caBundlePath: pki.caPath });
    await session.request({ url: `${plain.url}/a` });
    await session.request({ url: `${secure.url}/b` });
    expect(proxy.hits.map((h) => h.method)).toEqual(['GET', 'CONNECT']);
    expect(created.description.proxy.mode).toBe('environment');
  });

  it('goes direct to hosts in NO_PROXY', async () => {
    const { session } = http({ env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
    const before = plain.hits.length;
    await session.request({ url: `${plain.url}/direct` });
    expect(proxy.hits).toEqual([]);
    expect(plain.hits.length).toBe(before + 1);
  });

  it('honours the noProxy list of an explicit proxy', async () => {
    const { session } = http({ proxy: { url: proxy.url, noProxy: '127.0.0.1' }, env: {} });
    await session.request({ url: `${plain.url}/bypass` });
    expect(proxy.hits).toEqual([]);
  });

  it('ignores the environment proxy when the policy says "direct"', async () => {
    const { session, created } = http({ proxy: 'direct', env: { HTTP_PROXY: proxy.url, http_proxy: proxy.url } });
    await session.request({ url: `${plain.url}/x` });
    expect(proxy.hits).toEqual([]);
    expect(created.description.proxy).toEqual({ mode: 'direct' });
  });

  it('authenticates to the proxy with the URL credentials and never shows the password', async () => {
    const withCredentials = proxy.url.replace('http://', 'http://corp-user:proxy-pass-123@');
    const { session, created } = http({ proxy: { url: withCredentials }, env: {} });
    await session.request({ url: `${plain.url}/auth` });
    expect(proxy.hits[0]?.proxyAuthorization).toBe(true);
    expect(JSON.stringify(created.description)).not.toContain('proxy-pass-123');
  });

  it('refuses a proxy address that is not http(s)', () => {
    expect(() => createDispatcher({ env: { HTTPS_PROXY: 'socks5://127.0.0.1:1080' } })).toThrow(/not an http\(s\) address/);
  });
});

describe('proxy resolution', () => {
  it('prefers lower-case environment names and falls back from https to http', () => {
    expect(resolveProxy(undefined, { http_proxy: 'http://a:1', HTTP_PROXY: 'http://b:1', no_proxy: '.corp' })).toEqual({
      mode: 'environment',
      httpProxy: 'http://a:1',
      httpsProxy: 'http://a:1',
      noProxy: '.corp',
    });
    expect(resolveProxy(undefined, {})).toEqual({ mode: 'none' });
  });

  it('gives the LoginWindow the same proxy as Chromium/Electron proxy rules', () => {
    expect(loginWindowProxy(resolveProxy({ url: 'http://u:p@proxy.corp:3128', noProxy: 'localhost, .corp.example.com' }))).toEqual({
      proxyRules: 'http=http://proxy.corp:3128;https=http://proxy.corp:3128',
      proxyBypassRules: 'localhost,*.corp.example.com',
    });
    expect(loginWindowProxy(resolveProxy('direct'))).toEqual({ proxyRules: 'direct://', proxyBypassRules: '' });
    expect(loginWindowProxy(resolveProxy(undefined, {}))).toBeUndefined();
  });
});
