// isBrowsableUrl (main/core/auth/external-browser.ts): only web pages go to the agent's own browser
// (RFC 8252 §8.12 hands the authorization request to the system browser — never a file:,
// javascript: or custom-scheme URL, which would start another program), and never a URL that
// carries a user name or password.
import { describe, expect, it } from 'vitest';
import { isBrowsableUrl } from '../../../../main/core/auth/external-browser.ts';

describe('isBrowsableUrl [RFC 8252 §8.12]', () => {
  it('accepts http and https pages', () => {
    expect(isBrowsableUrl('https://login.example.com/oauth/authorize?client_id=a&code_challenge=x')).toBe(true);
    expect(isBrowsableUrl('http://127.0.0.1:8080/authorize')).toBe(true);
  });

  it('refuses other schemes and text that is no URL', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'ms-settings:privacy', 'ftp://example.com/', 'not a url', '']) {
      expect(isBrowsableUrl(url), url).toBe(false);
    }
  });

  it('refuses a URL with a user name, a password or both', () => {
    expect(isBrowsableUrl('https://agent@login.example.com/')).toBe(false);
    expect(isBrowsableUrl('https://:pw@login.example.com/')).toBe(false);
    expect(isBrowsableUrl('https://agent:pw@login.example.com/')).toBe(false);
  });
});
