// oauth4webapi's `customFetch` over a profile's HttpSession, so OAuth requests (Genesys Cloud, the
// GWS Salesforce sign-in) use the core's trust store, proxy, cookie jar and redacted trace
// (DESIGN.md "Adapters get their transport from the core").
import type * as oauth from 'oauth4webapi';
import type { HttpSession } from '../net/http-session.ts';

/** Accepts every request oauth4webapi makes (discovery GET, token POST). */
export type OAuthFetch = (url: string, init: oauth.CustomFetchOptions<string, unknown>) => Promise<Response>;

export function oauthFetch(http: HttpSession): OAuthFetch {
  return async (url, init) => {
    const raw: unknown = init.body;
    const body = typeof raw === 'string' ? raw : raw instanceof URLSearchParams ? raw.toString() : undefined;
    const res = await http.request({
      method: init.method,
      url,
      headers: init.headers,
      ...(body !== undefined ? { body } : {}),
      // OAuth endpoints answer directly; a redirect is an error oauth4webapi reports.
      followRedirects: false,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const out = new Headers();
    // Cookies stay in the session's jar; oauth4webapi never needs them.
    for (const [name, value] of Object.entries(res.headers)) if (name !== 'set-cookie') out.set(name, value);
    const nullBody = res.status === 204 || res.status === 304 || res.body.byteLength === 0;
    return new Response(nullBody ? null : Buffer.from(res.body), { status: res.status, headers: out });
  };
}
