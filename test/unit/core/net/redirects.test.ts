import { describe, expect, it } from 'vitest';
import { isRedirect, nextHop } from '../../../../main/core/net/redirects.ts';
import type { Hop } from '../../../../main/core/net/redirects.ts';
import { isPatchbayError } from '../../../../main/core/errors.ts';

const here = new URL('https://pbx.example.com:8019/icws/connection?x=1');
const post: Hop = {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'content-length': '2', authorization: 'Bearer t', 'inin-icws-csrf-token': 'c', accept: 'json' },
  body: '{}',
};

describe('nextHop', () => {
  it('treats 301, 302, 303, 307 and 308 as redirects and nothing else [RFC 9110 §15.4]', () => {
    expect([300, 301, 302, 303, 304, 305, 306, 307, 308].filter(isRedirect)).toEqual([301, 302, 303, 307, 308]);
  });

  it('resolves a relative Location against the current URL [RFC 9110 §10.2.2]', () => {
    expect(nextHop(here, post, 307, '../other?y=2').url.href).toBe('https://pbx.example.com:8019/other?y=2');
    expect(nextHop(here, { ...post, headers: { accept: 'json' } }, 307, '//idp.example.com/sso').url.href).toBe('https://idp.example.com/sso');
  });

  for (const status of [301, 302]) {
    it(`turns POST into GET without body on ${status} [RFC 9110 §15.4.${status === 301 ? 2 : 3}]`, () => {
      const { hop } = nextHop(here, post, status, '/next');
      expect(hop.method).toBe('GET');
      expect(hop.body).toBeUndefined();
      expect(hop.headers['content-type']).toBeUndefined();
      expect(hop.headers['content-length']).toBeUndefined();
      expect(hop.headers.accept).toBe('json');
    });
  }

  it('keeps PUT as PUT on 302 [RFC 9110 §15.4.3]', () => {
    expect(nextHop(here, { ...post, method: 'PUT' }, 302, '/next').hop.method).toBe('PUT');
  });

  it('turns any method but GET/HEAD into GET on 303 and keeps HEAD [RFC 9110 §15.4.4]', () => {
    expect(nextHop(here, { ...post, method: 'DELETE' }, 303, '/next').hop).toMatchObject({ method: 'GET' });
    expect(nextHop(here, { method: 'HEAD', headers: {} }, 303, '/next').hop.method).toBe('HEAD');
  });

  for (const status of [307, 308]) {
    it(`keeps method and body on ${status} [RFC 9110 §15.4.${status === 307 ? 8 : 9}]`, () => {
      const { hop } = nextHop(here, post, status, '/next');
      expect(hop).toMatchObject({ method: 'POST', body: '{}' });
      expect(hop.headers['content-type']).toBe('application/json');
    });
  }

  it('refuses to take Authorization or a sensitive header to another origin (issue 8 item 3) [RFC 9110 §15.4]', () => {
    const csrfOnly: Hop = { ...post, headers: { accept: 'json', 'inin-icws-csrf-token': 'c' } };
    for (const [hop, sensitive] of [[post, []], [csrfOnly, ['ININ-ICWS-CSRF-Token']]] as const) {
      expect(() => nextHop(here, hop, 307, 'https://idp.example.com/x', sensitive)).toThrow(expect.objectContaining({ code: 'net.credential-redirect' }));
    }
  });

  it('counts a port or scheme change as an origin change [RFC 6454 §4]', () => {
    expect(() => nextHop(here, post, 307, 'https://pbx.example.com:8018/x')).toThrow(expect.objectContaining({ code: 'net.credential-redirect' }));
    expect(() => nextHop(here, post, 307, 'http://pbx.example.com:8019/x')).toThrow(expect.objectContaining({ code: 'net.credential-redirect' }));
  });

  it('refuses a 307/308 that would re-send a credential body (caller-flagged) to another origin or to http (issue 8 item 3)', () => {
    const refresh: Hop = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=a&refresh-token=b' };
    for (const status of [307, 308]) {
      for (const location of ['https://evil.example/desktop/sso/token', 'http://pbx.example.com:8019/desktop/sso/token']) {
        let error: unknown;
        try {
          nextHop(here, refresh, status, location, [], true);
        } catch (e) {
          error = e;
        }
        expect(isPatchbayError(error) && error.code, `${status} ${location}`).toBe('net.credential-redirect');
        expect((error as Error).message).not.toContain('refresh-token');
      }
      // Same origin, https kept: followed with the body.
      expect(nextHop(here, refresh, status, '/desktop/sso/token2', [], true).hop.body).toBe('token=a&refresh-token=b');
    }
    // A 302/303 drops the body (POST → GET): that bounce (FIN-13 through IdS) carries nothing and is followed.
    for (const status of [302, 303]) {
      expect(nextHop(here, refresh, status, 'https://ids.example.com/authorize', [], true).hop).toEqual({ method: 'GET', headers: {} });
    }
  });

  it('still follows a request without credentials to another origin, body and all [RFC 9110 §15.4.8]', () => {
    const plain: Hop = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' };
    expect(nextHop(here, plain, 307, 'https://other.example.com/x').hop).toEqual(plain);
  });

  it('keeps Authorization and sensitive headers on a same-origin hop', () => {
    const { hop } = nextHop(here, post, 307, '/other', ['ININ-ICWS-CSRF-Token']);
    expect(hop.headers).toMatchObject({ authorization: 'Bearer t', 'inin-icws-csrf-token': 'c' });
  });

  it('refuses a non-http(s) Location with net.bad-redirect naming the host only', () => {
    for (const location of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'ms-teams://x?token=T']) {
      const error = (() => {
        try {
          nextHop(here, post, 302, location);
        } catch (e) {
          return e;
        }
      })();
      expect(isPatchbayError(error) && error.code).toBe('net.bad-redirect');
      expect((error as Error).message).toContain('pbx.example.com:8019');
      expect((error as Error).message).not.toContain('token');
      expect((error as Error).message).not.toContain('passwd');
    }
  });

  it('refuses an unparseable Location with net.bad-redirect', () => {
    expect(() => nextHop(here, post, 302, 'http://[bad')).toThrow(expect.objectContaining({ code: 'net.bad-redirect' }));
  });

  it('does not change the hop it was given', () => {
    nextHop(here, post, 303, '/elsewhere');
    expect(post.headers.authorization).toBe('Bearer t');
    expect(post.body).toBe('{}');
  });
});
