// TLS trust (issue 5 "Enterprise network"): a server whose certificate comes from a test CA is
// refused with the OS store alone — the error names the host, the reason and the policy key
// caBundle — and accepted once the CA is in the IT bundle. No switch turns checking off.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSession } from '../../../main/core/net/http-session.ts';
import { createDispatcher, type CreatedDispatcher } from '../../../main/core/net/proxy.ts';
import { buildTrust, readCaBundle } from '../../../main/core/net/tls.ts';
import { makeTestPki, type TestPki } from './test-pki.ts';
import { startHttpsServer, type TestServer } from './servers.ts';

let pki: TestPki;
let server: TestServer;
let wrongName: TestServer;
const dispatchers: CreatedDispatcher[] = [];

function session(options: Parameters<typeof createDispatcher>[0] = {}): { http: HttpSession; created: CreatedDispatcher } {
  const created = createDispatcher({ env: {}, ...options });
  dispatchers.push(created);
  return { http: new HttpSession({ profileId: 'tls-test', dispatcher: created.dispatcher, timeoutMs: 5_000 }), created };
}

beforeAll(async () => {
  pki = makeTestPki();
  server = await startHttpsServer(pki.server);
  wrongName = await startHttpsServer(pki.wrongName);
});

afterAll(async () => {
  for (const d of dispatchers) await d.close();
  await server?.close();
  await wrongName?.close();
  pki?.remove();
});

describe('TLS trust', () => {
  it('refuses a certificate from an unknown CA, naming host, reason and the policy key caBundle', async () => {
    const { http } = session();
    const error = await http.request({ url: `${server.url}/hello` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'net.tls', action: 'contact-it', details: { host: `127.0.0.1:${server.port}`, policyKey: 'caBundle' } });
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${server.port}`);
    expect(message).toMatch(/authority this computer does not trust \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(message).toMatch(/policy key "caBundle"/);
    expect(server.hits).toEqual([]);
  });

  it('accepts the same server once the test CA is in the IT bundle', async () => {
    const { http, created } = session({ caBundlePath: pki.caPath });
    const res = await http.request({ url: `${server.url}/hello` });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, path: '/hello' });
    expect(created.description.trust.bundle).toEqual({ path: pki.caPath, certificates: 1 });
    expect(created.description.trust.system + created.description.trust.default).toBeGreaterThan(0);
    expect(created.warnings).toEqual([]);
  });

  it('still refuses a certificate for another host name even with the bundle, and says it must be fixed on the server', async () => {
    const { http } = session({ caBundlePath: pki.caPath });
    const error = await http.request({ url: `${wrongName.url}/` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'net.tls' });
    expect((error as Error).message).toMatch(/does not match the host name \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
    expect((error as Error).message).toMatch(/never ignores certificate errors/);
  });

  it('carries on with the OS store and reports a CA bundle that cannot be read', async () => {
    const missing = join(pki.dir, 'missing.pem');
    const { http, created } = session({ caBundlePath: missing });
    expect(created.warnings).toHaveLength(1);
    expect(created.warnings[0]).toMatch(/CA bundle .*missing\.pem set by the policy key "caBundle" cannot be read \(ENOENT\)/);
    await expect(http.request({ url: `${server.url}/` })).rejects.toMatchObject({ code: 'net.tls' });
  });

  it('rejects a bundle file without a certificate', () => {
    const empty = join(pki.dir, 'empty.pem');
    writeFileSync(empty, 'not a certificate\n');
    expect(() => readCaBundle(empty)).toThrow(/holds no PEM certificate/);
  });

  it('trusts the OS store plus Node defaults plus the bundle', () => {
    const trust = buildTrust({ caBundlePath: pki.caPath });
    expect(trust.ca).toContain(pki.ca.trim());
    expect(trust.ca.length).toBeGreaterThanOrEqual(trust.summary.default);
  });
});
