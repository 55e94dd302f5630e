// Issue 8 item 8: the redaction gaps an outside review found, one case each, plus the shapes the
// Genesys Cloud / GWS adapters will log. Every case plants a distinctive secret and checks that it is
// gone while the text around it (names, schemes, correlation values) is kept for readers.
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink, redact, scrubString } from '../../../main/core/log.ts';

const S = 'Zx9secretValue42';

function gone(text: string): string {
  const out = scrubString(text);
  expect(out, out).not.toContain(S);
  return out;
}

describe('scrubString closes the gaps of issue 8', () => {
  it('redacts the Finesse refresh-token parameter in a URL and in a form body', () => {
    expect(gone(`https://ids.example.com:8553/ids/v1/oauth/token?grant_type=refresh_token&refresh-token=${S}`)).toBe(
      'https://ids.example.com:8553/ids/v1/oauth/token?grant_type=refresh_token&refresh-token=[redacted]',
    );
    expect(gone(`token=${S}A&refresh-token=${S}B`)).toBe('token=[redacted]&refresh-token=[redacted]');
  });

  it('redacts free-text header lines: Set-Cookie, Cookie, the ICWS CSRF and STS tokens, X-CSRF-TOKEN', () => {
    expect(gone(`Set-Cookie: JSESSIONID=${S}; Path=/; HttpOnly`)).toBe('Set-Cookie: [redacted]');
    expect(gone(`request\nCookie: icws_1=${S}; other=${S}\naccept: json`)).toBe('request\nCookie: [redacted]\naccept: json');
    expect(gone(`ININ-ICWS-CSRF-Token: ${S}`)).toBe('ININ-ICWS-CSRF-Token: [redacted]');
    expect(gone(`got ININ-STS-Token:${S}`)).toBe('got ININ-STS-Token:[redacted]');
    expect(gone(`x-csrf-token: ${S}`)).toBe('x-csrf-token: [redacted]');
  });

  it('redacts csrfToken= and secret= query parameters', () => {
    expect(gone(`https://h/cb?csrfToken=${S}&secret=${S}&state=keep`)).toBe('https://h/cb?csrfToken=[redacted]&secret=[redacted]&state=keep');
    expect(gone(`http://127.0.0.1:4312/#secret=${S}`)).toBe('http://127.0.0.1:4312/#secret=[redacted]');
  });

  it('redacts SAMLResponse (and RelayState stays) inside an auto-submitting HTML form', () => {
    const html = `<form method="post" action="https://sp/acs"><input type="hidden" name="SAMLResponse" value="${S}PHNhbWxw"/><input type='hidden' value='${S}' name='SAMLRequest'><input type="hidden" name="RelayState" value="rs-1"/></form>`;
    const out = gone(html);
    expect(out).toContain('name="SAMLResponse" value="[redacted]"');
    expect(out).toContain('value="[redacted]" name=\'SAMLRequest\'');
    expect(out).toContain('name="RelayState" value="rs-1"');
  });

  it('redacts Digest and Token authorization schemes and any scheme on an Authorization line', () => {
    expect(gone(`Authorization: Digest username="agent1", realm="r", nonce="n", uri="/x", response="${S}"`)).toBe('Authorization: Digest [redacted]');
    expect(gone(`sent Digest username="agent1", response="${S}", qop=auth`)).toBe('sent Digest [redacted]');
    expect(gone(`Authorization: Token token="${S}"`)).toBe('Authorization: Token [redacted]');
    expect(gone(`header Token ${S}xyz`)).toBe('header Token [redacted]');
    expect(gone(`Proxy-Authorization: AWS4-HMAC-SHA256 Credential=${S}`)).toBe('Proxy-Authorization: AWS4-HMAC-SHA256 [redacted]');
    // Prose keeps its words.
    expect(scrubString('token refresh failed; digest mismatch')).toBe('token refresh failed; digest mismatch');
  });

  it('redacts all five parts of a JWE, including a dir JWE with an empty key part', () => {
    const jwe = `eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.${S}`;
    expect(gone(`got ${jwe} back`)).toBe('got [redacted-jwt] back');
    expect(gone(`eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..iv-part.${S}.tag`)).toBe('[redacted-jwt]');
  });

  it('redacts Genesys Cloud / GWS shapes: code_verifier, code= in a loopback callback, tokens in JSON and forms', () => {
    expect(gone(`grant_type=authorization_code&code=${S}&code_verifier=${S}&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback`)).toBe(
      'grant_type=authorization_code&code=[redacted]&code_verifier=[redacted]&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback',
    );
    expect(gone(`GET http://127.0.0.1:8765/callback?code=${S}&state=st-7`)).toBe('GET http://127.0.0.1:8765/callback?code=[redacted]&state=st-7');
    expect(gone(`{"access_token":"${S}","refresh_token":"${S}","token_type":"bearer","expires_in":86399}`)).toBe(
      '{"access_token":"[redacted]","refresh_token":"[redacted]","token_type":"bearer","expires_in":86399}',
    );
    expect(gone(`grant_type=refresh_token&refresh_token=${S}&client_id=c1`)).toBe('grant_type=refresh_token&refresh_token=[redacted]&client_id=c1');
  });

  it('redacts Salesforce ssid/surl headers and JSESSIONID anywhere', () => {
    expect(gone(`ssid: ${S}`)).toBe('ssid: [redacted]');
    expect(gone(`surl: https://na1.salesforce.com/${S}`)).toBe('surl: [redacted]');
    expect(gone(`https://gws.example.com/ui/ad/v1/index.html;jsessionid=${S}?x=1`)).toBe('https://gws.example.com/ui/ad/v1/index.html;jsessionid=[redacted]');
    expect(gone(`cookie jar holds JSESSIONID=${S}`)).toBe('cookie jar holds JSESSIONID=[redacted]');
    expect(redact({ headers: { ssid: S, JSESSIONID: S } })).toEqual({ headers: { ssid: '[redacted]', JSESSIONID: '[redacted]' } });
  });
});

describe('redact() of flat raw-header arrays', () => {
  it('redacts cookie and CSRF values in [name, value, name, value, …] lists and keeps the others', () => {
    const raw = ['Content-Type', 'application/json', 'Set-Cookie', `icws_1=${S}`, 'ININ-ICWS-CSRF-Token', S, 'X-Trace', 't1'];
    expect(redact({ rawHeaders: raw })).toEqual({
      rawHeaders: ['Content-Type', 'application/json', 'Set-Cookie', '[redacted]', 'ININ-ICWS-CSRF-Token', '[redacted]', 'X-Trace', 't1'],
    });
    expect(JSON.stringify(redact([Buffer.from('cookie'), Buffer.from(S)]))).not.toContain(S);
  });

  it('leaves lists that are not header lists alone (odd length, values that are not names)', () => {
    expect(redact(['token', 'a b', 'c'])).toEqual(['token', 'a b', 'c']);
    expect(redact(['hello world', 'token'])).toEqual(['hello world', 'token']);
    // A trace's list of sent header names is not name/value pairs.
    expect(redact({ sentHeaders: ['accept-language', 'accept', 'inin-icws-csrf-token', 'cookie'] })).toEqual({ sentHeaders: ['accept-language', 'accept', 'inin-icws-csrf-token', 'cookie'] });
  });
});

describe('a renderer log line goes through the same redaction', () => {
  it('keeps Set-Cookie: JSESSIONID=… out of the entry', () => {
    const sink = memorySink();
    createLogger({ sink }).child({ source: 'renderer' }).error('renderer.log', { message: `fetch failed; response had Set-Cookie: JSESSIONID=${S}; Path=/` });
    expect(JSON.stringify(sink.entries)).not.toContain(S);
    expect(sink.entries[0]?.message).toBe('fetch failed; response had Set-Cookie: [redacted]');
  });
});
