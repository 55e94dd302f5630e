// oauthFetch (main/core/auth/oauth-fetch.ts): oauth4webapi's customFetch over the profile's
// HttpSession (DESIGN.md "Adapters get their transport from the core"). A recording stand-in for the
// session: what goes out (method, URL, headers, body, no redirect following, the abort signal) and
// what comes back (status, headers without Set-Cookie, a null body where HTTP has none).
import { describe, expect, it } from 'vitest';
import type * as oauth from 'oauth4webapi';
import { oauthFetch } from '../../../../main/core/auth/oauth-fetch.ts';
import type { HttpSession } from '../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../main/core/net/types.ts';

function session(answer: Partial<HttpResponse> = {}) {
  const sent: HttpRequest[] = [];
  const http = {
    request: async (req: HttpRequest): Promise<HttpResponse> => {
      sent.push(req);
      const body = answer.body ?? new TextEncoder().encode('{"ok":true}');
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        setCookie: [],
        url: String(req.url),
        chain: [String(req.url)],
        text: () => new TextDecoder().decode(body),
        json: () => JSON.parse(new TextDecoder().decode(body)) as unknown,
        ...answer,
        body,
      };
    },
  };
  return { http: http as unknown as HttpSession, sent };
}

const init = (extra: Partial<oauth.CustomFetchOptions<string, unknown>> = {}) =>
  ({ method: 'GET', headers: { accept: 'application/json' }, redirect: 'manual', ...extra }) as oauth.CustomFetchOptions<string, unknown>;

describe('oauthFetch', () => {
  it('sends the request through the session, never following a redirect', async () => {
    const { http, sent } = session();
    const res = await oauthFetch(http)('https://idp.example.com/.well-known/openid-configuration', init());
    expect(sent).toEqual([{ method: 'GET', url: 'https://idp.example.com/.well-known/openid-configuration', headers: { accept: 'application/json' }, followRedirects: false }]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('passes a string body as is and a URLSearchParams body as form text, and hands on the abort signal', async () => {
    const { http, sent } = session();
    const fetch = oauthFetch(http);
    const signal = new AbortController().signal;
    await fetch('https://idp.example.com/token', init({ method: 'POST', body: 'grant_type=refresh_token', signal }));
    await fetch('https://idp.example.com/token', init({ method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c1' }) as unknown as string }));
    expect(sent[0]).toMatchObject({ method: 'POST', body: 'grant_type=refresh_token', signal });
    expect(sent[1]?.body).toBe('grant_type=authorization_code&code=c1');
    expect(sent[1]).not.toHaveProperty('signal');
  });

  it('sends no body key for a request without one, or with a body it cannot send as text', async () => {
    const { http, sent } = session();
    await oauthFetch(http)('https://idp.example.com/jwks', init());
    await oauthFetch(http)('https://idp.example.com/x', init({ method: 'POST', body: new Uint8Array([1]) as unknown as string }));
    expect(sent[0]).not.toHaveProperty('body');
    expect(sent[1]).not.toHaveProperty('body');
  });

  it('keeps the response headers but never the cookies (they stay in the session jar)', async () => {
    const { http } = session({ status: 400, headers: { 'content-type': 'application/json', 'set-cookie': 'sid=s3cret', 'www-authenticate': 'Bearer error="invalid_token"' } });
    const res = await oauthFetch(http)('https://idp.example.com/userinfo', init());
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('answers a null body for 204, 304 and an empty body (a Response with a body there would throw)', async () => {
    for (const [status, body] of [[204, new Uint8Array()], [304, new Uint8Array()], [200, new Uint8Array()]] as const) {
      const { http } = session({ status, body });
      const res = await oauthFetch(http)('https://idp.example.com/revoke', init({ method: 'POST', body: 'token=t' }));
      expect(res.status).toBe(status);
      expect(res.body, String(status)).toBeNull();
    }
    // A 204 or 304 never carries a body, even when the server sent bytes (a Response would throw).
    for (const status of [204, 304]) {
      const { http } = session({ status, body: new TextEncoder().encode('x') });
      expect((await oauthFetch(http)('https://idp.example.com/revoke', init())).body, String(status)).toBeNull();
    }
    const { http } = session({ status: 200, body: new TextEncoder().encode('x') });
    expect(await (await oauthFetch(http)('https://idp.example.com/x', init())).text()).toBe('x');
  });
});
