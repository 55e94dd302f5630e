// nextHop, the details the first suite left open (issue 9 mutation testing): every body header goes
// with the body, Proxy-Authorization never crosses origins, caller-named headers match in any case,
// fragments are never sent, and the typed error carries only the host and status.
import { describe, expect, it } from 'vitest';
import { nextHop, type Hop } from '../../../../main/core/net/redirects.ts';
import { thrown } from '../../../helpers/errors.ts';

const here = new URL('https://pbx.example.com:8019/icws/connection?x=1');
const bodyHeaders = { 'content-type': 'text/xml', 'content-length': '3', 'content-encoding': 'gzip', 'content-language': 'de', 'content-location': '/x' };
const post: Hop = { method: 'POST', headers: { ...bodyHeaders, accept: 'xml', 'proxy-authorization': 'Basic cHJveHk=', 'x-csrf-token': 'c' }, body: 'abc' };


describe('nextHop details [RFC 9110 §15.4]', () => {
  it('drops every request-body header with the body when a 303 turns POST into GET (fetch spec "request-body-header name")', () => {
    const { hop } = nextHop(here, post, 303, '/next');
    expect(hop).toEqual({ method: 'GET', headers: { accept: 'xml', 'proxy-authorization': 'Basic cHJveHk=', 'x-csrf-token': 'c' } });
    expect('body' in hop).toBe(false);
  });

  it('keeps GET a GET on 301/302 and leaves a bodiless hop without a body key', () => {
    const get: Hop = { method: 'GET', headers: { accept: 'xml' } };
    for (const status of [301, 302, 303, 307, 308]) {
      const { hop } = nextHop(here, get, status, '/next');
      expect(hop).toEqual({ method: 'GET', headers: { accept: 'xml' } });
    }
  });

  it('keeps a PUT and its body on 301, and a body on 303 for GET (only POST is rewritten on 301/302)', () => {
    expect(nextHop(here, { ...post, method: 'PUT' }, 301, '/next').hop).toEqual({ ...post, method: 'PUT' });
    expect(nextHop(here, { ...post, method: 'GET' }, 303, '/next').hop).toEqual({ ...post, method: 'GET' });
  });

  it('drops Proxy-Authorization on an origin change, and matches caller-named headers in any case', () => {
    const { hop } = nextHop(here, post, 307, 'https://idp.example.com/sso');
    expect(hop.headers).toEqual({ ...bodyHeaders, accept: 'xml', 'x-csrf-token': 'c' });
    expect(hop.body).toBe('abc');
    // A caller-named header (any case) makes it a credentialed request: refused, not stripped (issue 8 item 3).
    expect(() => nextHop(here, post, 307, 'https://idp.example.com/sso', ['X-CSRF-Token'])).toThrow(expect.objectContaining({ code: 'net.credential-redirect' }));
  });

  it('keeps Proxy-Authorization and caller-named headers on the same origin', () => {
    expect(nextHop(here, post, 307, 'https://pbx.example.com:8019/other', ['X-CSRF-Token']).hop.headers).toEqual(post.headers);
  });

  it('never sends a fragment, and keeps the query', () => {
    expect(nextHop(here, post, 302, '/next?a=1#frag').url.href).toBe('https://pbx.example.com:8019/next?a=1');
  });

  it('follows http and https Locations', () => {
    expect(nextHop(here, post, 307, 'http://pbx.example.com/').url.protocol).toBe('http:');
    expect(nextHop(here, post, 307, 'https://pbx.example.com/').url.protocol).toBe('https:');
  });

  it('names the refused scheme and the host, asks the agent to contact IT, and carries host + status only', () => {
    const error = thrown(() => nextHop(here, post, 302, 'ftp://files.example.com/x?token=T'));
    expect(error.message).toBe('The server at pbx.example.com:8019 redirected to a ftp address, which Patchbay does not follow.');
    expect(error.action).toBe('contact-it');
    expect(error.details).toEqual({ host: 'pbx.example.com:8019', status: 302 });
    expect(error.cause).toBeUndefined();
    const invalid = thrown(() => nextHop(here, post, 308, 'http://[bad'));
    expect(invalid.message).toBe('The server at pbx.example.com:8019 redirected to an invalid address, which Patchbay does not follow.');
    expect(invalid.details).toEqual({ host: 'pbx.example.com:8019', status: 308 });
    expect(invalid.cause).toBeUndefined();
  });
});
