// The Electron shell's security decisions (main/electron/policy.ts) under plain Node.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  CSP,
  isAllowedNavigation,
  isTrustedSender,
  originOf,
  resolveAppPath,
  SECURE_WEB_PREFERENCES,
} from '../../../main/electron/policy.ts';

const root = mkdtempSync(join(tmpdir(), 'patchbay-policy-'));

describe('resolveAppPath', () => {
  it('maps an app:// path to the file under the root when it stays inside', () => {
    expect(resolveAppPath(root, `${APP_ORIGIN}/assets/app.js`)).toBe(join(root, 'assets', 'app.js'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/assets/my%20file.css?v=1#x`)).toBe(join(root, 'assets', 'my file.css'));
  });

  it('serves index.html for the root and for directory URLs', () => {
    expect(resolveAppPath(root, `${APP_ORIGIN}/`)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, APP_ORIGIN)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, APP_ENTRY_URL)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/docs/`)).toBe(join(root, 'docs', 'index.html'));
  });

  it('refuses every path that would leave the root (path traversal → 404)', () => {
    const attempts = [
      `${APP_ORIGIN}/..%2f..%2fetc%2fpasswd`,
      `${APP_ORIGIN}/assets/..%2F..%2F..%2Fsecret`,
      `${APP_ORIGIN}/..%5c..%5cwindows%5cwin.ini`,
      `${APP_ORIGIN}/a%5cb`,
      `${APP_ORIGIN}/index.html%00.png`,
      `${APP_ORIGIN}/${encodeURIComponent(`..${sep}..${sep}outside`)}`,
    ];
    for (const url of attempts) expect(resolveAppPath(root, url), url).toBeNull();
  });

  it('keeps dot segments inside the root because URL parsing removes them first', () => {
    // WHATWG URL: '%2e%2e' is a double-dot segment and cannot climb above the path's root.
    expect(resolveAppPath(root, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`)).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/a/../../b.js`)).toBe(join(root, 'b.js'));
  });

  it('refuses a sibling directory that shares the root name as a prefix', () => {
    expect(resolveAppPath(root, `${APP_ORIGIN}/..%2f${encodeURIComponent(root.split(sep).pop() ?? '')}-evil%2fx`)).toBeNull();
  });

  it('refuses malformed escapes, other schemes and other hosts', () => {
    expect(resolveAppPath(root, `${APP_ORIGIN}/%E0%A4%A`)).toBeNull();
    expect(resolveAppPath(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveAppPath(root, 'https://patchbay/index.html')).toBeNull();
    expect(resolveAppPath(root, 'app://evil/index.html')).toBeNull();
    expect(resolveAppPath(root, 'not a url')).toBeNull();
  });
});

describe('isAllowedNavigation', () => {
  it('allows navigation within the app origin', () => {
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html#/profiles`, APP_ORIGIN)).toBe(true);
  });

  it('refuses navigation to any other origin, scheme or a URL with credentials', () => {
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://patchbay.evil/index.html',
      'app://user:pw@patchbay/index.html',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'about:blank',
      '',
      'garbage',
    ]) {
      expect(isAllowedNavigation(url, APP_ORIGIN), url).toBe(false);
    }
  });
});

describe('isTrustedSender', () => {
  it('trusts frames loaded from the app origin only', () => {
    expect(isTrustedSender(`${APP_ORIGIN}/index.html`, APP_ORIGIN)).toBe(true);
    expect(isTrustedSender('https://idp.example/login', APP_ORIGIN)).toBe(false);
    expect(isTrustedSender('file:///work/main/dist/renderer/index.html', APP_ORIGIN)).toBe(false);
    expect(isTrustedSender('app://other/index.html', APP_ORIGIN)).toBe(false);
  });

  it('does not trust a missing or empty frame URL', () => {
    expect(isTrustedSender(undefined, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(null, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender('', APP_ORIGIN)).toBe(false);
  });

  it('compares origins as text because Node gives custom schemes an opaque origin', () => {
    expect(new URL(`${APP_ORIGIN}/x`).origin).toBe('null');
    expect(originOf(`${APP_ORIGIN}/x?y=1`)).toBe(APP_ORIGIN);
  });
});

describe('CSP and webPreferences', () => {
  it('has the exact CSP the shell sends on app:// responses', () => {
    expect(CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(CSP).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('isolates, sandboxes and keeps Node out of every window', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      allowRunningInsecureContent: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true);
    expect(SECURE_WEB_PREFERENCES).not.toHaveProperty('preload');
  });
});
