// The end-of-suite secret scan (test/scan-secrets.ts) finds each kind of secret, opens zips, skips
// images, allows a lab profile's fixturePassword only, and never prints what it found.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { scan, scanText } from '../../../scan-secrets.ts';

// Not named pb-* / patchbay-*: the real scan at the end of npm test must not see these plants.
const base = mkdtempSync(join(tmpdir(), 'scanner-fixture-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const kinds = (text: string) => scanText(text, 'x').map((f) => f.kind);

describe('secret scan patterns', () => {
  it('finds lab passwords, ICWS cookies, CSRF tokens, JWTs, SAML and secret JSON members', () => {
    expect(kinds('typed agent1-lab-pw here')).toContain('lab password');
    expect(kinds('password for ada-idp-pw')).toContain('lab password');
    expect(kinds('Cookie: icws_123456=0f8fad5b-d9cb-469f-a165-70867728950e|languageId=en-US')).toEqual(expect.arrayContaining(['ICWS session cookie', 'ICWS session cookie value']));
    expect(kinds('ININ-ICWS-CSRF-Token: WFh4eXl6ejEyMzQ1Njc4OTBhYmNk')).toEqual(['CSRF token']);
    expect(kinds('{"csrfToken":"WFh4eXl6ejEyMzQ1Njc4OTBhYmNk"}')).toEqual(['CSRF token']);
    expect(kinds('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudDEifQ.c2lnbmF0dXJl')).toEqual(['JWT']);
    expect(kinds('<saml:Assertion ID="_1"><saml:Issuer>x</saml:Issuer><saml:Subject>')).toEqual(['SAML assertion']);
    expect(kinds('SAMLResponse=PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoy')).toEqual(expect.arrayContaining(['SAML response (base64)', 'SAML response']));
    expect(kinds('{"refresh_token":"rt-abcdef"}')).toEqual(['secret JSON member']);
    expect(kinds('Authorization: Bearer abcdefghijklmnop1234')).toEqual(['bearer token']);
  });

  it('finds every shape of issue 8 that the logger redacts', () => {
    const V = 'Zx9secretValue42abc';
    expect(kinds(`Set-Cookie: JSESSIONID=${V}; Path=/`)).toEqual(expect.arrayContaining(['secret header line']));
    expect(kinds(`Cookie: idp_session=${V}`)).toEqual(['secret header line']);
    expect(kinds(`ININ-STS-Token: ${V}`)).toEqual(['secret header line']);
    expect(kinds(`ssid: ${V}`)).toEqual(['secret header line']);
    expect(kinds(`/app;jsessionid=${V}`)).toEqual(['session cookie (JSESSIONID)']);
    expect(kinds(`token=x&refresh-token=${V}`)).toEqual(['secret parameter']);
    expect(kinds(`https://h/cb?csrfToken=${V}`)).toEqual(expect.arrayContaining(['CSRF token']));
    expect(kinds(`http://127.0.0.1:4312/#secret=${V}`)).toEqual(['secret parameter']);
    expect(kinds(`grant_type=authorization_code&code_verifier=${V}`)).toEqual(['secret parameter']);
    expect(kinds(`GET http://127.0.0.1:8765/callback?state=s&code=${V}`)).toEqual(['authorization code (loopback callback)']);
    expect(kinds(`<input type="hidden" name="SAMLResponse" value="${V}${V}"/>`)).toEqual(['SAML response']);
    expect(kinds(`Authorization: Digest username="a", response="${'0123456789abcdef'.repeat(2)}"`)).toEqual(['Digest credentials']);
    expect(kinds(`Authorization: Token token="${V}"`)).toEqual(['Token credentials']);
    expect(kinds(`Authorization: Basic YWdlbnQxOnNlY3JldC1wdw==`)).toEqual(['basic credentials']);
    expect(kinds(`eyJhbGciOiJkaXIifQ..48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rp.XFBoMYUZodetZdvTiFvSkQ`)).toEqual(['JWE']);
    expect(kinds(`[redacted-jwt].5eym8TW_c8SuK0ltJ3rp.XFBoMYUZodetZdvTiFvSkQ`)).toEqual(['JWE tail']);
    expect(kinds(`["content-type","json","set-cookie","icws_1=${V}"]`)).toEqual(['secret raw header']);
  });

  it('does not flag the redacted forms, prose or header-name lists', () => {
    expect(
      kinds(
        'Set-Cookie: [redacted] Cookie: [redacted] ININ-STS-Token: [redacted] ;jsessionid=[redacted] refresh-token=[redacted] ' +
          'http://127.0.0.1:1/callback?code=[redacted] name="SAMLResponse" value="[redacted]" Digest [redacted] Token [redacted] Basic [redacted] ' +
          '"sentHeaders":["accept-language","accept","inin-icws-csrf-token","cookie"] token refresh failed; basic sign-in offered',
      ),
    ).toEqual([]);
  });

  it('ignores redacted values', () => {
    expect(kinds('{"password":"[redacted]","csrfToken":"[redacted]"} Bearer [redacted] icws_1=[redacted] [redacted-jwt]')).toEqual([]);
  });

  it('allows the fixturePassword of a lab profile and nothing else in it', () => {
    const lab = JSON.stringify({ id: 'lab-icws-agent1', lab: true, fixturePassword: 'agent1-lab-pw' });
    expect(scanText(lab, 'p.json')).toEqual([]);
    const notLab = JSON.stringify({ id: 'site', fixturePassword: 'agent1-lab-pw' });
    expect(scanText(notLab, 'p.json').map((f) => f.kind)).toContain('lab password');
  });

  it('masks what it found', () => {
    const [finding] = scanText('x agent1-lab-pw y', 'f.txt');
    expect(finding?.excerpt).not.toContain('agent1-lab-pw');
    expect(finding?.excerpt).toMatch(/^agent1…/);
  });
});

describe('secret scan over directories', () => {
  it('reads text, opens zips (traces) and skips images', () => {
    const root = join(base, 'results');
    mkdirSync(join(root, 'data', 'logs'), { recursive: true });
    writeFileSync(join(root, 'data', 'logs', 'patchbay.log'), '{"event":"ok","password":"[redacted]"}\n');
    writeFileSync(join(root, 'trace.zip'), zipSync({ 'trace.trace': strToU8('{"params":{"value":"supervisor1-lab-pw"}}'), 'resources/page.png': strToU8('agent1-lab-pw') }));
    writeFileSync(join(root, 'shot.png'), 'agent2-lab-pw');
    const report = scan({ roots: [root] });
    expect(report.files).toBe(2);
    expect(report.zipEntries).toBe(1);
    expect(report.skipped.images).toBe(2);
    expect(report.findings).toEqual([{ file: expect.stringMatching(/trace\.zip!trace\.trace$/), kind: 'lab password', excerpt: expect.any(String) }]);
  });

  it('scans temp app data directories changed since the run started, and no node_modules', () => {
    const tmp = join(base, 'tmp');
    mkdirSync(join(tmp, 'pb-e2e-data-1', 'node_modules'), { recursive: true });
    mkdirSync(join(tmp, 'pb-e2e-data-old'), { recursive: true });
    mkdirSync(join(tmp, 'pb-test-pki-1'), { recursive: true });
    mkdirSync(join(tmp, 'other'), { recursive: true });
    writeFileSync(join(tmp, 'pb-e2e-data-1', 'settings.json'), '{"access_token":"live-token-123"}');
    writeFileSync(join(tmp, 'pb-e2e-data-1', 'node_modules', 'x.js'), 'agent1-lab-pw');
    writeFileSync(join(tmp, 'pb-e2e-data-old', 'x.log'), 'agent1-lab-pw');
    writeFileSync(join(tmp, 'pb-test-pki-1', 'x'), 'agent1-lab-pw');
    writeFileSync(join(tmp, 'other', 'x'), 'agent1-lab-pw');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(tmp, 'pb-e2e-data-old'), old, old);
    const report = scan({ roots: [], tmpSince: Date.now() - 60_000, tmpDir: tmp });
    expect(report.findings.map((f) => f.kind)).toEqual(['secret JSON member']);
    expect(report.skipped.excluded).toBe(1);
  });
});
