import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { consoleSink, createLogger, memorySink, redact, redactUrl, scrubString } from '../../../main/core/log.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { FakeClock } from '../../../main/core/clock.ts';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZ2VudDEiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXBhcnQtaGVyZQ';

const SECRET_KEYS = [
  'Authorization',
  'Cookie',
  'Set-Cookie',
  'ININ-ICWS-CSRF-Token',
  'X-CSRF-TOKEN',
  'csrfToken',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'SAMLResponse',
  'SAMLRequest',
  'singleSignOnToken',
  'authToken',
  'secret',
  'fixturePassword',
];

function logged(fields: Record<string, unknown>) {
  const sink = memorySink();
  createLogger({ sink, level: 'debug' }).info('test.event', fields);
  const entry = sink.entries[0];
  if (!entry) throw new Error('nothing logged');
  return entry;
}

describe('redaction of secret keys', () => {
  for (const key of SECRET_KEYS) {
    it(`redacts the value of ${key} when logged`, () => {
      const entry = logged({ [key]: 'hunter2-secret-value' });
      expect(entry[key]).toBe('[redacted]');
      expect(JSON.stringify(entry)).not.toContain('hunter2');
    });
  }

  it('matches secret keys case-insensitively and across -/_ spellings', () => {
    const out = redact({ AUTHORIZATION: 'a1', 'set-cookie': ['b1'], Access_Token: 'c1', accessToken: 'd1', 'inin-icws-csrf-token': 'e1' });
    expect(out).toEqual({
      AUTHORIZATION: '[redacted]',
      'set-cookie': '[redacted]',
      Access_Token: '[redacted]',
      accessToken: '[redacted]',
      'inin-icws-csrf-token': '[redacted]',
    });
  });

  it('redacts secret keys at any depth in objects and arrays', () => {
    const out = redact({ req: { headers: { Cookie: 'sid=1', accept: 'json' } }, list: [{ password: 'p' }, { refresh_token: 'r' }] });
    expect(out).toEqual({ req: { headers: { Cookie: '[redacted]', accept: 'json' } }, list: [{ password: '[redacted]' }, { refresh_token: '[redacted]' }] });
  });

  it('redacts a whole object held under a secret key', () => {
    expect(redact({ token: { value: 'abc', expires: 1 } })).toEqual({ token: '[redacted]' });
  });

  it('redacts the value of a [name, value] header tuple with a secret name', () => {
    expect(redact([['Authorization', 'xyz'], ['Accept', 'text/html']])).toEqual([['Authorization', '[redacted]'], ['Accept', 'text/html']]);
  });

  it('redacts Map entries and Headers objects by key', () => {
    const headers = new Headers({ cookie: 'sid=42', accept: 'json' });
    expect(redact({ m: new Map([['password', 'p'], ['user', 'u']]), headers })).toEqual({
      m: { password: '[redacted]', user: 'u' },
      headers: { cookie: '[redacted]', accept: 'json' },
    });
  });

  it('keeps a code that is a Patchbay error code and redacts an opaque code', () => {
    expect(redact({ code: 'net.timeout' })).toEqual({ code: 'net.timeout' });
    expect(redact({ code: 'SplxlOBeZQQYbYS6WxSbIA' })).toEqual({ code: '[redacted]' });
    expect(redact({ code: 'abcdef0123' })).toEqual({ code: '[redacted]' });
  });
});

describe('redaction inside strings', () => {
  it('replaces a JWT anywhere inside a string', () => {
    expect(scrubString(`got id ${JWT} from the IdP`)).toBe('got id [redacted-jwt] from the IdP');
    expect(logged({ note: `x${JWT}` }).note).toBe('x[redacted-jwt]');
  });

  it('replaces Bearer and Basic credentials inside a string', () => {
    expect(scrubString('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
    expect(scrubString('sent basic dXNlcjpwYXNz= then')).toBe('sent basic [redacted] then');
  });

  it('replaces secret query parameter values inside a URL string and keeps the others', () => {
    const url =
      'https://idp.example.com/cb?code=AUTHCODE123&state=st1&RelayState=rs1&access_token=AT&SAMLResponse=PHNhbWw%2B&token=T#id_token=IDT';
    const out = scrubString(`redirect to ${url}`);
    expect(out).toBe(
      'redirect to https://idp.example.com/cb?code=[redacted]&state=st1&RelayState=rs1&access_token=[redacted]&SAMLResponse=[redacted]&token=[redacted]#id_token=[redacted]',
    );
    for (const secret of ['AUTHCODE123', 'PHNhbWw', '=AT', '=T#', 'IDT']) expect(out).not.toContain(secret);
  });

  it('matches secret parameter names case-insensitively and in form bodies', () => {
    expect(scrubString('PASSWORD=x1&user=agent&refresh_token=r1')).toBe('PASSWORD=[redacted]&user=agent&refresh_token=[redacted]');
    expect(scrubString('samlresponse=abc')).toBe('samlresponse=[redacted]');
  });

  it('does not touch parameters whose names merely end like a secret name', () => {
    expect(scrubString('https://h/x?errorcode=42&mytoken=ok')).toBe('https://h/x?errorcode=42&mytoken=ok');
  });

  it('removes the password from URL userinfo', () => {
    expect(redactUrl(new URL('https://agent:s3cret@h.example.com/p'))).toBe('https://agent:[redacted]@h.example.com/p');
  });

  it('redacts secret members of JSON text held in a string', () => {
    const body = JSON.stringify({ userID: 'agent1', password: 'pw"1', csrfToken: 'C', n: 1 });
    expect(scrubString(body)).toBe('{"userID":"agent1","password":"[redacted]","csrfToken":"[redacted]","n":1}');
  });
});

describe('Error objects', () => {
  it('serialises an Error as {name, code, message} with the message scrubbed', () => {
    const error = Object.assign(new Error(`bad token ${JWT} at https://h/cb?code=C1`), { code: 'EOAUTH', stackExtra: 'x' });
    expect(redact(error)).toEqual({ name: 'Error', code: 'EOAUTH', message: 'bad token [redacted-jwt] at https://h/cb?code=[redacted]' });
  });

  it('keeps a PatchbayError code, its details and a redacted cause chain', () => {
    const cause = new Error('Authorization: Bearer abcdef rejected');
    const error = new PatchbayError('net.timeout', 'The server at h:443 did not answer in time.', { cause, details: { host: 'h:443' } });
    const entry = logged({ error });
    expect(entry.error).toEqual({
      name: 'PatchbayError',
      code: 'net.timeout',
      message: 'The server at h:443 did not answer in time.',
      details: { host: 'h:443' },
      cause: { name: 'Error', message: 'Authorization: Bearer [redacted] rejected' },
    });
  });

  it('survives circular structures', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[circular]' });
  });
});

describe('logger', () => {
  it('writes entries {at, level, event, ...fields} using the clock', () => {
    const sink = memorySink();
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 8, 0, 0));
    createLogger({ sink, level: 'debug', clock }).warn('net.hop', { status: 200 });
    expect(sink.entries).toEqual([{ at: '2026-01-01T08:00:00.000Z', level: 'warn', event: 'net.hop', status: 200 }]);
    expect(Object.keys(sink.entries[0] ?? {}).slice(0, 3)).toEqual(['at', 'level', 'event']);
  });

  it('drops entries below the configured level', () => {
    const sink = memorySink();
    const log = createLogger({ sink, level: 'warn' });
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    expect(sink.entries.map((e) => e.event)).toEqual(['c', 'd']);
  });

  it('does not let fields overwrite at, level or event', () => {
    const sink = memorySink();
    createLogger({ sink }).info('real', { event: 'fake', level: 'debug' });
    expect(sink.entries[0]).toMatchObject({ event: 'real', level: 'info' });
  });

  it('keeps redaction in child loggers, for both the bound and the per-call fields', () => {
    const sink = memorySink();
    const child = createLogger({ sink }).child({ profileId: 'p1', token: 'T0' }).child({ Cookie: 'c=1' });
    child.info('child.event', { password: 'pw', url: 'https://h/?access_token=AT' });
    expect(sink.entries[0]).toMatchObject({
      profileId: 'p1',
      token: '[redacted]',
      Cookie: '[redacted]',
      password: '[redacted]',
      url: 'https://h/?access_token=[redacted]',
    });
  });

  it('does not mutate the caller’s objects', () => {
    const fields = { headers: { authorization: 'Bearer x' } };
    logged(fields);
    expect(fields.headers.authorization).toBe('Bearer x');
  });

  it('survives a sink that throws', () => {
    const log = createLogger({ sink: { write: () => { throw new Error('disk full'); } } });
    expect(() => log.error('x')).not.toThrow();
  });

  it('consoleSink writes one redacted JSON line per entry', () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const sink = consoleSink(stream);
    createLogger({ sink }).info('one', { Authorization: 'Bearer zzz' });
    sink.write({ at: 'now', level: 'info', event: 'direct', password: 'p' });
    const lines = chunks.join('').split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ event: 'one', Authorization: '[redacted]' }),
      { at: 'now', level: 'info', event: 'direct', password: '[redacted]' },
    ]);
  });
});
