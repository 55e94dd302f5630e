// FIN-15 in the Electron adapter: a sign-in window's persistent partition (`persist:profile-<id>`)
// is on disk, so the token cookies the Finesse token answer set are removed from it once they are
// in the profile's jar (LoginWindowRequest.forgetCookies); other cookies, and an IdP's cookies of
// the same name, stay (the IdP session must survive).
import { describe, expect, it } from 'vitest';
import type { BrowserCookie } from '../../../main/core/auth/login-window-support.ts';
import { forgetCookies } from '../../../main/electron/login-window.ts';

const cookie = (name: string, domain: string, extra: Partial<BrowserCookie> = {}): BrowserCookie => ({ name, value: `v-${name}`, domain, path: '/', expires: -1, httpOnly: true, secure: false, ...extra });

describe('Electron sign-in window: token cookies are not kept in the partition', () => {
  it('removes the named cookies of the profile hosts only, by the URL Electron needs [FIN-15]', async () => {
    const removed: string[] = [];
    const store = { remove: async (url: string, name: string) => void removed.push(`${name} ${url}`) };
    const cookies = [
      cookie('token', 'fin-a.example.com'),
      cookie('refresh_token', 'fin-a.example.com', { secure: true, path: '/desktop' }),
      cookie('JSESSIONID', 'fin-a.example.com'),
      cookie('token', 'idp.example.net'), // the IdP's own cookie of that name stays
      cookie('refresh_token', '.example.com'), // a domain cookie reaching the node goes
      cookie('cc_username', 'fin-b.example.com'),
    ];
    const n = await forgetCookies(store, cookies, ['token', 'refresh_token'], ['fin-a.example.com:8445', 'fin-b.example.com:8445', 'bad host:x']);
    expect(n).toBe(3);
    expect(removed).toEqual(['token http://fin-a.example.com/', 'refresh_token https://fin-a.example.com/desktop', 'refresh_token http://example.com/']);
  });

  it('removes nothing without names or hosts', async () => {
    const store = { remove: async () => expect.fail('nothing to remove') };
    expect(await forgetCookies(store, [cookie('token', 'fin-a.example.com')], [], ['fin-a.example.com'])).toBe(0);
    expect(await forgetCookies(store, [cookie('token', 'fin-a.example.com')], ['token'], [])).toBe(0);
  });
});
