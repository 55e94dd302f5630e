// The GWS lab's Salesforce stand-in behind a front (a WAN delay proxy, bench/wan-lab.ts): with
// `salesforcePublicBaseUrl` the OAuth issuer, the redirect URI and the identity URL name the front, so
// a client that checks the discovery's issuer against the URL it asked (RFC 8414 §3.3) and follows
// every absolute URL never bypasses it; GWS itself still calls the identity URL at the stand-in's own
// address (its own network, not the agent's WAN).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGwsLab, type GwsLab } from '../../../lab/gws/index.ts';
import { startWanProxy, type WanProxy } from '../../../lab/wan-proxy.ts';
import { Caller, salesforceLogin } from './gws-helpers.ts';

const IDP = { entityId: 'http://127.0.0.1:9/idp', ssoUrl: 'http://127.0.0.1:9/sso', certificatePem: readFileSync(join(import.meta.dirname, '../../../lab/saml/keys/lab-idp-test-only.cert.pem'), 'utf8') };

describe('GWS lab Salesforce stand-in public URL', () => {
  let lab: GwsLab;
  let front: WanProxy;
  beforeAll(async () => {
    // The front exists first (the stand-in must know its URL), then follows the stand-in.
    front = await startWanProxy({ target: { host: '127.0.0.1', port: 9 }, oneWayDelayMs: 0, handshake: false });
    lab = await startGwsLab({ samlIdp: IDP, salesforcePublicBaseUrl: front.url });
    const direct = new URL(lab.salesforce.directBase);
    front.retarget({ host: direct.hostname, port: Number(direct.port) });
  });
  afterAll(async () => {
    await lab?.close();
    await front?.close();
  });

  it('names the front as issuer, endpoints, redirect URI and in the profile', async () => {
    expect(lab.salesforce.loginBase).toBe(front.url);
    expect(lab.salesforce.directBase).not.toBe(front.url);
    expect(lab.salesforce.redirectUri).toBe(`${front.url}/services/oauth2/success`);
    const discovery = (await (await fetch(`${front.url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery['issuer']).toBe(front.url);
    expect(discovery['authorization_endpoint']).toBe(`${front.url}/services/oauth2/authorize`);
    expect(discovery['token_endpoint']).toBe(`${front.url}/services/oauth2/token`);
    const sf = lab.profiles().find((p) => p.id === 'lab-gws-agent3-salesforce')!.options.gws;
    expect(sf['salesforce']).toMatchObject({ loginBase: front.url, redirectUri: `${front.url}/services/oauth2/success` });
    expect(sf['ssoAllowedHosts']).toEqual([new URL(front.url).host]);
  });

  it('signs in through the front; GWS checks the identity URL at the stand-in itself [GWS-01]', async () => {
    const token = await salesforceLogin(lab.salesforce, 'agent3@patchbay-lab.example', 'agent3-sf-lab-pw');
    expect(String(token['id'])).toMatch(new RegExp(`^${front.url}/id/[^/]+/[^/]+$`));
    expect(token['instance_url']).toBe(front.url);
    const through = front.chunks.map((c) => c.requestLine).filter((l) => l !== '');
    expect(through.includes('POST /services/oauth2/token')).toBe(true);
    front.clear();
    const me = await new Caller(lab.baseUrl).call('GET', '/api/v2/me', { headers: { ssid: String(token['access_token']), surl: String(token['id']) } });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user: { userName: 'agent3' } });
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'salesforce', failed: [] });
    // The identity call did not travel over the agent's front.
    expect(front.chunks.filter((c) => c.requestLine.startsWith('GET /id/'))).toEqual([]);
  });
});
