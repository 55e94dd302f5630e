// The Electron ExternalBrowser (shell.openExternal) against the fake electron module.
import { describe, expect, it } from 'vitest';
import { createElectronExternalBrowser } from '../../../main/electron/external-browser.ts';
import { createFakeElectron } from './fake-electron.ts';

describe('Electron ExternalBrowser', () => {
  it('hands the authorization page to the system browser with shell.openExternal', async () => {
    const fake = createFakeElectron();
    const browser = createElectronExternalBrowser(fake.module);
    const url = 'https://login.mypurecloud.ie/oauth/authorize?client_id=abc&response_type=code&state=xyz';
    await browser.open({ url, profileId: 'p1' });
    expect(fake.openedExternally).toEqual([url]);
    expect(fake.calls).toContainEqual(['shell.openExternal', url, { activate: true }]);
  });

  it('never hands over anything but a web page (file:, javascript:, custom schemes, credentials in the URL)', async () => {
    const fake = createFakeElectron();
    const browser = createElectronExternalBrowser(fake.module);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-settings:privacy', 'https://user:pw@login.example.com/', 'not a url']) {
      await expect(browser.open({ url, profileId: 'p1' })).rejects.toMatchObject({ code: 'login.failed', action: 'contact-it' });
    }
    expect(fake.openedExternally).toEqual([]);
  });

  it('a system browser that cannot be opened is login.unavailable', async () => {
    const browser = createElectronExternalBrowser({ shell: { openExternal: () => Promise.reject(new Error('no handler')) } });
    await expect(browser.open({ url: 'https://login.mypurecloud.com/oauth/authorize', profileId: 'p1' })).rejects.toMatchObject({ code: 'login.unavailable', action: 'contact-it' });
  });
});
