// Secrets in the text shapes MUT-LOG found unredacted (issue 9 review, "secrets that slip past
// redaction"): XML elements, JSON numbers and literals, and `name: value` / `name = value` prose.
import { describe, expect, it } from 'vitest';
import { scrubString } from '../../../main/core/log.ts';

describe('log redaction of XML, bare JSON values and named values in prose', () => {
  it.each([
    ['<User><password>hunter2-xml</password></User>', 'hunter2-xml', '<User><password>[redacted]</password></User>'],
    ['<ns:token xmlns:ns="urn:x">tok-xml-123</ns:token>', 'tok-xml-123', '<ns:token xmlns:ns="urn:x">[redacted]</ns:token>'],
    ['{"userId":"agent1","password":123456}', '123456', '{"userId":"agent1","password":"[redacted]"}'],
    ['{"pin":1,"refresh_token": 9876543210}', '9876543210', '{"pin":1,"refresh_token": "[redacted]"}'],
    ['login failed, password: hunter2-prose', 'hunter2-prose', 'login failed, password: [redacted]'],
    ['config token = abc-def-prose; next', 'abc-def-prose', 'config token = [redacted]; next'],
    ['client_secret : "s3cr3t value"', 's3cr3t value', 'client_secret : [redacted]'],
  ])('%s', (input, secret, expected) => {
    const out = scrubString(input);
    expect(out).not.toContain(secret);
    expect(out).toBe(expected);
  });

  it('keeps what is not secret: other elements and members, our error codes and HTTP statuses', () => {
    expect(scrubString('<state>READY</state> <reasonCode>22</reasonCode>')).toBe('<state>READY</state> <reasonCode>22</reasonCode>');
    expect(scrubString('{"state":"READY","count":3}')).toBe('{"state":"READY","count":3}');
    expect(scrubString('failed with code: net.timeout')).toBe('failed with code: net.timeout');
    expect(scrubString('answered with code: 503')).toBe('answered with code: 503');
    expect(scrubString('note: the token refresh failed')).toBe('note: the token refresh failed');
  });
});
