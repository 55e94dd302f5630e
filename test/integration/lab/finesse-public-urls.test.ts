// The Finesse lab behind a front (a WAN delay proxy, bench/wan-lab.ts): with `publicUrls` the SSO
// journey names the fronts — the node's redirect to the IdS authorize URL, its redirect_uri (token
// URL) and the IdS's own ACS URL — while both still listen on their own ports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinesseLab, type FinesseLab } from '../../../lab/finesse/lab.ts';

const NODE_FRONT = 'http://127.0.0.1:9'; // only named, never connected to
const IDS_FRONT = 'http://127.0.0.1:7';

describe('Finesse lab public URLs', () => {
  let lab: FinesseLab;
  beforeAll(async () => {
    lab = await startFinesseLab({ deploymentType: 'UCCX', systemAuthMode: 'SSO', publicUrls: { primary: NODE_FRONT, ids: IDS_FRONT } });
  });
  afterAll(async () => {
    await lab.close();
  });

  it('sends the browser to the IdS front with the node front as redirect_uri', async () => {
    expect(lab.ids.url).toBe(IDS_FRONT);
    expect(lab.ids.acsUrl.startsWith(`${IDS_FRONT}/ids/saml/response`)).toBe(true);
    const user = lab.users[0]!;
    const res = await fetch(`${lab.primary.url}/desktop/sso/token?cc_username=${encodeURIComponent(user.loginName)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(`${IDS_FRONT}/ids/v1/oauth/authorize`);
    expect(location.searchParams.get('redirect_uri')).toBe(`${NODE_FRONT}/desktop/sso/token`);
  });
});
