// Redaction, table by table (issue 9 mutation testing of main/core/log.ts, helper MUT-LOG). Each
// secret name is checked in every place a secret can stand (a field key, a query or form parameter,
// a JSON member, a raw-header list, an HTML form field), each spacing variant of the free-text
// shapes, and the raw-header-list heuristics — a name dropped from a list, or a regex quantifier
// narrowed, lets a planted secret through and turns the matching case red.
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink, redact, REDACTED, scrubString } from '../../../main/core/log.ts';
import { FakeClock } from '../../../main/core/clock.ts';

const S = 'Zx9secretValue42';

/** scrubString, asserting the planted secret is gone. */
function gone(text: string): string {
  const out = scrubString(text);
  expect(out, out).not.toContain(S);
  return out;
}

// Every key of log.ts SECRET_KEYS, spelled as callers and servers spell it.
const SECRET_KEYS = [
  'Authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'ININ-ICWS-CSRF-Token', 'X-CSRF-TOKEN', 'csrfToken',
  'ININ-STS-Token', 'password', 'token', 'access_token', 'refresh_token', 'id_token', 'code', 'code_verifier', 'client_secret',
  'SAMLResponse', 'SAMLRequest', 'singleSignOnToken', 'authToken', 'authTokenSeed', 'secret', 'fixturePassword', 'ssid', 'surl',
  'JSESSIONID', 'X-XSRF-TOKEN',
];

// Every name of log.ts SECRET_PARAMS (query/form parameters).
const SECRET_PARAMS = [
  'token', 'access_token', 'refresh_token', 'id_token', 'code', 'code_verifier', 'client_secret', 'password', 'SAMLResponse',
  'SAMLRequest', 'singleSignOnToken', 'authToken', 'refresh-token', 'csrfToken', 'secret', 'JSESSIONID',
];

// Every name of log.ts COMMON_HEADER_NAMES.
const COMMON_HEADER_NAMES = [
  'accept', 'accept-encoding', 'accept-language', 'authorization', 'cache-control', 'connection', 'content-length', 'content-type', 'cookie',
  'host', 'inin-icws-csrf-token', 'inin-icws-session-id', 'inin-sts-token', 'location', 'origin', 'pragma', 'proxy-authorization', 'referer',
  'set-cookie', 'user-agent', 'x-csrf-token', 'x-xsrf-token', 'x-requested-with',
];

describe('every secret key, wherever it stands [redaction requirement]', () => {
  for (const key of SECRET_KEYS) {
    it(`${key}: as a logged field, in a lower-case spelling, as a query parameter, a JSON member, a raw header and a form field`, () => {
      const sink = memorySink();
      createLogger({ sink, clock: new FakeClock() }).info('e', { [key]: S, nested: { [key.toLowerCase()]: S } });
      expect(sink.entries[0]).toMatchObject({ [key]: REDACTED, nested: { [key.toLowerCase()]: REDACTED } });
      expect(gone(`https://h.example.com/p?${key}=${S}&state=keep`)).toBe(`https://h.example.com/p?${key}=${REDACTED}&state=keep`);
      expect(gone(`{"${key}":"${S}","n":1}`)).toBe(`{"${key}":"${REDACTED}","n":1}`);
      expect(redact(['Accept', 'json', key, S])).toEqual(['Accept', 'json', key, REDACTED]);
      expect(gone(`<input type="hidden" name="${key}" value="${S}">`)).toBe(`<input type="hidden" name="${key}" value="${REDACTED}">`);
    });
  }

  for (const name of SECRET_PARAMS) {
    it(`${name}: as a query parameter, in a fragment and in a form body`, () => {
      expect(gone(`https://h/cb?a=1&${name}=${S}#x`)).toBe(`https://h/cb?a=1&${name}=${REDACTED}#x`);
      expect(gone(`http://127.0.0.1:1/#${name}=${S}`)).toBe(`http://127.0.0.1:1/#${name}=${REDACTED}`);
      expect(gone(`user=u1&${name.toUpperCase()}=${S}`)).toBe(`user=u1&${name.toUpperCase()}=${REDACTED}`);
    });
  }

  it('a harmless parameter does not swallow a secret one written inside its value', () => {
    expect(gone(`next=(http://127.0.0.1/cb?code=${S}&state=s1`)).toBe(`next=(http://127.0.0.1/cb?code=${REDACTED}&state=s1`);
  });

  it('a secret key that is no listed parameter name is still a secret parameter (ssid, surl, accessToken, Access-Token)', () => {
    expect(gone(`surl=${S}&ssid=${S}&accessToken=${S}&Access-Token=${S}&x=1`)).toBe(
      `surl=${REDACTED}&ssid=${REDACTED}&accessToken=${REDACTED}&Access-Token=${REDACTED}&x=1`,
    );
  });

  it('a quoted parameter value goes whole (password="…", JSESSIONID="…", token=\'…\'), also when unterminated', () => {
    // The gap this test closed: `password="S"` came out as `password=[redacted]"S"`.
    expect(gone(`login failed for password="${S}" user="agent1"`)).toBe(`login failed for password=${REDACTED} user="agent1"`);
    expect(gone(`jar: JSESSIONID="${S}"; Path=/`)).toBe(`jar: JSESSIONID=${REDACTED}; Path=/`);
    expect(gone(`<session token='${S}' id='7'/>`)).toBe(`<session token=${REDACTED} id='7'/>`);
    expect(gone(`password="${S} and more\nnext line`)).toBe(`password=${REDACTED}\nnext line`);
    expect(gone(`token='${S} and more\nnext line`)).toBe(`token=${REDACTED}\nnext line`);
    // A harmless quoted value stays.
    expect(scrubString('state="st-1" RelayState=\'rs\'')).toBe('state="st-1" RelayState=\'rs\'');
  });
});

describe('free-text shapes in every spacing [redaction requirement]', () => {
  it('a secret header line, with or without space before the colon', () => {
    for (const name of ['Set-Cookie', 'Set-Cookie2', 'Cookie', 'ININ-ICWS-CSRF-Token', 'ININ-STS-Token', 'X-CSRF-TOKEN', 'X-XSRF-TOKEN', 'ssid', 'surl']) {
      expect(gone(`${name}: icws=${S}`)).toBe(`${name}: ${REDACTED}`);
      expect(gone(`> ${name} : icws=${S}`)).toBe(`> ${name} : ${REDACTED}`);
    }
  });

  it('an Authorization line in any scheme, spacing and prefix', () => {
    expect(gone(`Authorization: ${S}`)).toBe(`Authorization: ${REDACTED}`);
    expect(gone(`Authorization: AWS4-HMAC-SHA256 Credential=${S}`)).toBe(`Authorization: AWS4-HMAC-SHA256 ${REDACTED}`);
    expect(gone(`Authorization:AWS4-HMAC-SHA256 Credential=${S}`)).toBe(`Authorization:AWS4-HMAC-SHA256 ${REDACTED}`);
    expect(gone(`Authorization : SharedKey acct:${S}`)).toBe(`Authorization : SharedKey ${REDACTED}`);
    // A token68 scheme is left to the scheme rule, which keeps the prose after the credential.
    expect(gone(`Authorization:Bearer ${S} (expired)`)).toBe(`Authorization:Bearer ${REDACTED} (expired)`);
  });

  it('Bearer and Token credentials after more than one space', () => {
    expect(gone(`sent Bearer  ${S}`)).toBe(`sent Bearer  ${REDACTED}`);
    expect(gone(`header Token  ${S}`)).toBe(`header Token  ${REDACTED}`);
    expect(gone(`header Token token="${S}"`)).toBe(`header Token ${REDACTED}`);
  });

  it('Digest credentials whatever the spacing, quoting and spaces inside quoted values', () => {
    for (const text of [
      `sent Digest  username="a", response="${S}"`,
      `sent Digest username="Agent One", realm="r", response="${S}"`,
      `sent Digest username=agent1, response="${S}"`,
      `sent Digest username="a" , response="${S}"`,
      `sent Digest username="a",response="${S}"`,
      `sent Digest username="a", realm="Contact Center", response="${S}"`,
    ]) {
      expect(gone(text)).toBe(`sent Digest${text.includes('Digest  ') ? '  ' : ' '}${REDACTED}`);
    }
  });

  it('an HTML form field with an unquoted or spaced name and value', () => {
    expect(gone(`<input type=hidden name=SAMLResponse value=${S}>`)).toBe(`<input type=hidden name=SAMLResponse value="${REDACTED}">`);
    expect(gone(`<input name = "SAMLResponse" value = "${S}">`)).toBe(`<input name = "SAMLResponse" value = "${REDACTED}">`);
  });
});

describe('the code field: our error codes are kept, anything else is a secret [redaction requirement]', () => {
  it('keeps dotted lower-case codes with several parts, redacts codes that only contain one', () => {
    expect(redact({ code: 'auth.ids.refresh-failed' })).toEqual({ code: 'auth.ids.refresh-failed' });
    expect(redact({ code: 'Q9x.y7' })).toEqual({ code: REDACTED });
    expect(redact({ code: 'net.timeout/9' })).toEqual({ code: REDACTED });
  });

  it('the error-code exception is for `code` only: a password shaped like a code is still redacted', () => {
    expect(redact({ password: 'summer.2024', token: 'net.timeout', code: 'net.timeout' })).toEqual({ password: REDACTED, token: REDACTED, code: 'net.timeout' });
  });
});

describe('raw header lists [redaction requirement]', () => {
  for (const name of COMMON_HEADER_NAMES) {
    it(`a list of names keeps "${name}" after a secret name`, () => {
      expect(redact(['Cookie', name, 'Accept', 'json'])).toEqual(['Cookie', name, 'Accept', 'json']);
    });
  }

  it('a single [name, value] tuple redacts its value even when it reads like a header name', () => {
    expect(redact(['Cookie', 'accept'])).toEqual(['Cookie', REDACTED]);
  });

  it('redacts only values that follow a secret name, never a name', () => {
    expect(redact(['X-Trace', 't1', 'Cookie', 'c'])).toEqual(['X-Trace', 't1', 'Cookie', REDACTED]);
    // A value that reads like a secret name does not make the next name a value.
    expect(redact(['Cookie', 'password', 'X-B', 'v'])).toEqual(['Cookie', REDACTED, 'X-B', 'v']);
  });

  it('a list whose even items are not all field names, or of odd length, is not a header list', () => {
    expect(redact(['hello world', 'x', 'Cookie', 'c=1'])).toEqual(['hello world', 'x', 'Cookie', 'c=1']);
    expect(redact(['note:', 'x', 'Cookie', 'c=1'])).toEqual(['note:', 'x', 'Cookie', 'c=1']);
    expect(redact([1, 'x', 'Cookie', 'c=1'])).toEqual([1, 'x', 'Cookie', 'c=1']);
    expect(redact(['Cookie', 'c=1', 'Accept'])).toEqual(['Cookie', 'c=1', 'Accept']);
  });
});

describe('the depth limit holds through every container [redaction requirement]', () => {
  const wrappers: [string, (v: unknown) => unknown][] = [
    ['array', (v) => [v]],
    ['Set', (v) => new Set([v])],
    ['raw-header list value', (v) => ['X-Trace', v, 'Cookie', 'c']],
    ['error details', (v) => Object.assign(new Error('e'), { details: v })],
    ['error cause', (v) => new Error('e', { cause: v })],
  ];
  for (const [kind, wrap] of wrappers) {
    it(`${kind}: nesting deeper than 10 is cut`, () => {
      let value: unknown = { leaf: 'deep-leaf-value' };
      for (let i = 0; i < 11; i++) value = wrap(value);
      const text = JSON.stringify(redact(value));
      expect(text).toContain('[too-deep]');
      expect(text).not.toContain('deep-leaf-value');
    });
  }
});

describe('errors carry only the fields they have', () => {
  it('a numeric code is kept, an object code or string details are dropped, absent fields stay absent', () => {
    expect(redact(Object.assign(new Error('m'), { code: 42 }))).toStrictEqual({ name: 'Error', code: 42, message: 'm' });
    expect(redact(Object.assign(new Error('m'), { code: { token: S }, details: `token=${S}` }))).toStrictEqual({ name: 'Error', message: 'm' });
    expect(Object.keys(redact(new Error('plain')) as object)).toEqual(['name', 'message']);
  });
});

describe('reserved entry fields', () => {
  it('a field named at does not replace the time', () => {
    const sink = memorySink();
    createLogger({ sink, clock: new FakeClock(Date.UTC(2026, 0, 1)) }).info('real', { at: 'forged', other: 1 });
    expect(sink.entries[0]).toStrictEqual({ at: '2026-01-01T00:00:00.000Z', level: 'info', event: 'real', other: 1 });
  });
});
