// Fuzzing redaction (issue 8 item 8): every secret shape the logger must catch, planted in random
// surrounding text, never survives scrubString or a log entry; and scrubString stays linear on
// large hostile input (a catastrophic regex would time the test out).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink, redact, scrubString } from '../../../main/core/log.ts';
import { FUZZ_TIMEOUT_MS, params } from './harness.ts';

const SHAPES: ((v: string) => string)[] = [
  (v) => `Set-Cookie: JSESSIONID=${v}; Path=/; HttpOnly`,
  (v) => `Cookie: icws_1=${v}; other=1`,
  (v) => `ININ-ICWS-CSRF-Token: ${v}`,
  (v) => `ININ-STS-Token:${v}`,
  (v) => `X-CSRF-TOKEN: ${v}`,
  (v) => `ssid: ${v}`,
  (v) => `Authorization: Bearer ${v}`,
  (v) => `Authorization: Basic ${v}==`,
  (v) => `Authorization: Digest username="agent1", realm="r", response="${v}"`,
  (v) => `Authorization: Token token="${v}"`,
  (v) => `https://ids.example.com/token?grant_type=refresh_token&refresh-token=${v}&x=1`,
  (v) => `token=a&refresh-token=${v}`,
  (v) => `https://h/cb?csrfToken=${v}`,
  (v) => `http://127.0.0.1:4312/#secret=${v}`,
  (v) => `http://127.0.0.1:8765/callback?code=${v}&state=s`,
  (v) => `code_verifier=${v}`,
  (v) => `/app;jsessionid=${v}?a=b`,
  (v) => `<input type="hidden" name="SAMLResponse" value="${v}"/>`,
  (v) => `<input value='${v}' type=hidden name=SAMLRequest>`,
  (v) => `{"access_token":"${v}","token_type":"bearer"}`,
  (v) => `{"refresh_token": "${v}"}`,
  (v) => `eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aXYtcGFydA.${v}.dGFn`,
  (v) => `password=${v}&user=agent1`,
];

const value = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 12, maxLength: 40 });
const filler = fc.string({ unit: fc.constantFrom(...'abc XYZ 123:=&?#;,.-_/{}[]()<>\'"\\|\t'), maxLength: 40 });
const separator = fc.constantFrom(' ', '\n', '\r\n', '\t', ' | ', ': ', '; ', ' "', '(');

describe('redaction (fuzzed)', () => {
  it('a planted secret of any known shape never survives, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.nat({ max: SHAPES.length - 1 }), value, filler, separator, separator, filler, (shape, v, before, sep1, sep2, after) => {
        fc.pre(!before.includes(v) && !after.includes(v));
        const text = `${before}${sep1}${SHAPES[shape]!(v)}${sep2}${after}`;
        expect(scrubString(text)).not.toContain(v);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('a log entry carrying it anywhere (field, nested, raw-header list, error message) holds no secret', () => {
    fc.assert(
      fc.property(fc.nat({ max: SHAPES.length - 1 }), value, fc.constantFrom('field', 'nested', 'error', 'headers'), (shape, v, where) => {
        const text = SHAPES[shape]!(v);
        const sink = memorySink();
        const fields =
          where === 'field' ? { message: text } : where === 'nested' ? { request: { notes: [text] } } : where === 'error' ? { error: new Error(text) } : { rawHeaders: ['Accept', 'json', 'Set-Cookie', v] };
        createLogger({ sink }).warn('fuzz', fields);
        expect(JSON.stringify(sink.entries)).not.toContain(v);
        expect(JSON.stringify(redact(fields))).not.toContain(v);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('stays fast on large hostile text (no catastrophic backtracking)', () => {
    const unit = fc.constantFrom('Authorization: ', 'Digest a="', 'Token ', 'eyJ', '.', '=', '&', 'a', '"', '\\', '<input ', 'name=', 'value=', 'Set-Cookie:', ' ', ',');
    fc.assert(
      fc.property(fc.array(unit, { minLength: 2000, maxLength: 20_000 }), (parts) => {
        expect(typeof scrubString(parts.join(''))).toBe('string');
      }),
      { ...params(), numRuns: Math.min(50, params().numRuns ?? 50) },
    );
  }, FUZZ_TIMEOUT_MS);
});
