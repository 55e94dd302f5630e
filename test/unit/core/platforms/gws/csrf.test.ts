// GWS CSRF pair (protocols/gws.md §1): read from any GET, sent on every unsafe method, a 403
// "Missing or invalid Csrf token" recognised. Written to kill the mutants of csrf.ts (issue 9).
import { describe, expect, it } from 'vitest';
import { csrfHeaders, isCsrfRejection, needsCsrf, readCsrfPair } from '../../../../../main/core/platforms/gws/csrf.ts';

describe('GWS CSRF pair (protocols/gws.md §1)', () => {
  it('takes the header name the server names, trimmed, and the token trimmed', () => {
    expect(readCsrfPair({ 'x-csrf-header': ' X-Custom-Csrf ', 'x-csrf-token': ' tok ' })).toEqual({ header: 'X-Custom-Csrf', token: 'tok' });
  });

  it('falls back to X-CSRF-TOKEN when no name is given or the name is not a plain x- header', () => {
    expect(readCsrfPair({ 'x-csrf-token': 'v' })).toEqual({ header: 'X-CSRF-TOKEN', token: 'v' });
    expect(readCsrfPair({ 'x-csrf-header': '   ', 'x-csrf-token': 'v' })?.header).toBe('X-CSRF-TOKEN');
    // A server cannot make the client send another header: anchored at both ends, x- only, ≤ 62 chars.
    for (const named of ['Cookie', 'Authorization', 'my-x-csrf', 'x-csrf token', 'x-csrf\r\nCookie', 'x-', `x-${'a'.repeat(61)}`, 'x-ok;', 'x-_bad']) {
      expect(readCsrfPair({ 'x-csrf-header': named, 'x-csrf-token': 'v' })?.header, named).toBe('X-CSRF-TOKEN');
    }
    expect(readCsrfPair({ 'x-csrf-header': `x-${'a'.repeat(60)}`, 'x-csrf-token': 'v' })?.header).toBe(`x-${'a'.repeat(60)}`);
    expect(readCsrfPair({ 'x-csrf-header': 'x-a', 'x-csrf-token': 'v' })?.header).toBe('x-a');
  });

  it('has no pair without a token (absent or blank)', () => {
    expect(readCsrfPair({ 'x-csrf-header': 'X-CSRF-TOKEN' })).toBeUndefined();
    expect(readCsrfPair({ 'x-csrf-header': 'X-CSRF-TOKEN', 'x-csrf-token': '  ' })).toBeUndefined();
  });

  it('sends the pair as one header, nothing without a pair', () => {
    expect(csrfHeaders({ header: 'X-A', token: 't' })).toEqual({ 'X-A': 't' });
    expect(csrfHeaders(undefined)).toEqual({});
  });

  it('needs the pair on POST, PUT, DELETE and PATCH only, whatever the case', () => {
    for (const m of ['POST', 'PUT', 'DELETE', 'PATCH', 'post']) expect(needsCsrf(m), m).toBe(true);
    for (const m of ['GET', 'HEAD', 'OPTIONS', 'get', 'head', 'options']) expect(needsCsrf(m), m).toBe(false);
  });

  it('a CSRF rejection is a 403 whose message names the CSRF token, in any case', () => {
    expect(isCsrfRejection(403, { statusCode: 3, statusMessage: 'Missing or invalid CSRF token' })).toBe(true);
    expect(isCsrfRejection(401, { statusCode: 3, statusMessage: 'Missing or invalid Csrf token' })).toBe(false);
    expect(isCsrfRejection(403, undefined)).toBe(false);
    expect(isCsrfRejection(403, { statusCode: 3 })).toBe(false);
  });
});
