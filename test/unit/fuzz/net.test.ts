// Fuzzing the core's HTTP input (issue 8 item 15): Set-Cookie headers (RFC 6265, through
// tough-cookie) and redirects (Location headers). Each ends in a valid value or a typed error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookieHeaderFor, createCookieJar, storeSetCookie } from '../../../main/core/net/cookies.ts';
import { nextHop } from '../../../main/core/net/redirects.ts';
import { FUZZ_TIMEOUT_MS, mutated, params, typedOrValue } from './harness.ts';

const NOW = Date.UTC(2026, 11, 6, 12);
const requestUrl = fc.oneof(fc.constantFrom('https://finesse-a.example.com:8445/finesse/api/User/agent1', 'http://127.0.0.1:8018/icws/connection', 'https://ic1.corp.example.com/'), fc.webUrl());

const attribute = fc.oneof(
  fc.constantFrom('Secure', 'HttpOnly', 'SameSite=Strict', 'SameSite=None', 'SameSite=bogus', 'Path=/', 'Path=', 'Path=/finesse', 'Max-Age=0', 'Max-Age=-1', 'Max-Age=99999999999999', 'Max-Age=x', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'Expires=garbage'),
  fc.constantFrom('Domain=example.com', 'Domain=.example.com', 'Domain=com', 'Domain=127.0.0.1', 'Domain=evil.example', 'Domain=', 'Domain=co.uk', 'Partitioned'),
  fc.string({ maxLength: 20 }),
);
const setCookie = mutated(
  fc
    .tuple(fc.oneof(fc.constantFrom('JSESSIONID', 'icws_12', '__Host-x', '__Secure-y', 'a', ''), fc.string({ maxLength: 10 })), fc.string({ maxLength: 20 }), fc.array(attribute, { maxLength: 5 }))
    .map(([name, value, attrs]) => [`${name}=${value}`, ...attrs].join('; ')),
);

describe('cookies (fuzzed)', () => {
  it('storeSetCookie never throws, a refused cookie is never sent, a Cookie header has no line break', async () => {
    await fc.assert(
      fc.asyncProperty(setCookie, requestUrl, requestUrl, async (header, from, to) => {
        const jar = createCookieJar();
        const outcome = await storeSetCookie(jar, header, new URL(from), NOW);
        expect([null, 'unparseable', 'rejected']).toContain(outcome);
        const sent = await cookieHeaderFor(jar, new URL(to), NOW);
        expect(typeof sent).toBe('string');
        expect(sent).not.toMatch(/[\r\n]/);
        if (outcome !== null) expect(await cookieHeaderFor(jar, new URL(from), NOW)).toBe('');
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});

const locationLike = mutated(
  fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.constantFrom('/x', '../../etc', '//evil.example/x', 'http://[', 'javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'HTTP://EXAMPLE.COM', 'https://user:pw@evil.example/', ' https://x', '\thttps://y', '?q=1', '#f', 'http://127.0.0.1:0/', 'https://xn--80ak6aa92e.com/'),
    fc.string(),
  ),
);
const hop = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'get'),
  headers: fc.dictionary(fc.constantFrom('authorization', 'proxy-authorization', 'cookie', 'content-type', 'content-length', 'inin-icws-csrf-token', 'accept'), fc.string({ maxLength: 10 })),
  body: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
});

describe('redirects (fuzzed)', () => {
  it('nextHop: an http(s) hop that never takes credentials to another origin or to http, or a typed net.* error', () => {
    fc.assert(
      fc.property(requestUrl, hop, fc.constantFrom(301, 302, 303, 307, 308), locationLike, fc.boolean(), (current, h, status, location, credentialBody) => {
        const from = new URL(current);
        const sent = { method: h.method, headers: h.headers, ...(h.body === undefined ? {} : { body: h.body }) };
        typedOrValue(
          () => nextHop(from, sent, status, location, ['inin-icws-csrf-token'], credentialBody),
          ({ url, hop: next }) => {
            expect(['http:', 'https:']).toContain(url.protocol);
            expect(url.hash).toBe('');
            if (url.origin !== from.origin || (from.protocol === 'https:' && url.protocol === 'http:')) {
              // issue 8 item 3: no credential header, and no credential body, leaves its origin.
              for (const name of ['authorization', 'proxy-authorization', 'inin-icws-csrf-token']) expect(next.headers[name]).toBeUndefined();
              if (credentialBody) expect(next.body).toBeUndefined();
            }
            if (status === 303 && h.method !== 'HEAD') expect(next.method).toBe('GET');
            if (status === 307 || status === 308) expect(next.method).toBe(h.method);
            if (next.method === 'GET' && h.method !== 'GET') expect(next.body).toBeUndefined();
          },
          (error) => expect(error).toMatchObject({ code: expect.stringMatching(/^net\./) }),
        );
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});
