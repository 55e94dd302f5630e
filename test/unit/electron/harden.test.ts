// hardenWebContents / denyAllPermissions (main/electron/harden.ts) on fake webContents and session.
import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { denyAllPermissions, hardenWebContents } from '../../../main/electron/harden.ts';
import { APP_ORIGIN } from '../../../main/electron/policy.ts';
import { FakeSession, FakeWebContents, fakeEvent } from './fake-electron.ts';

function hardened() {
  const sink = memorySink();
  const contents = new FakeWebContents();
  hardenWebContents(contents as unknown as WebContents, APP_ORIGIN, createLogger({ sink }));
  return { contents, sink };
}

describe('hardenWebContents', () => {
  for (const eventName of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
    it(`prevents ${eventName} to another origin and logs the origin only`, () => {
      const { contents, sink } = hardened();
      const event = fakeEvent({ url: 'https://evil.example/steal?access_token=abc123' });
      contents.emit(eventName, event);
      expect(event.defaultPrevented).toBe(true);
      expect(sink.entries.at(-1)).toMatchObject({ event: 'window.navigation-blocked', target: 'https://evil.example' });
      expect(JSON.stringify(sink.entries)).not.toContain('abc123');
    });

    it(`lets ${eventName} within the app origin through`, () => {
      const { contents } = hardened();
      const event = fakeEvent({ url: `${APP_ORIGIN}/index.html#/profiles` });
      contents.emit(eventName, event);
      expect(event.defaultPrevented).toBe(false);
    });
  }

  it('denies every new window, app origin included', () => {
    const { contents } = hardened();
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: `${APP_ORIGIN}/index.html` })).toEqual({ action: 'deny' });
  });

  it('prevents attaching a <webview>', () => {
    const { contents } = hardened();
    const event = fakeEvent({});
    contents.emit('will-attach-webview', event, {}, { src: 'https://evil.example/' });
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('denyAllPermissions', () => {
  it('refuses every permission request and check', () => {
    const session = new FakeSession();
    denyAllPermissions(session as unknown as Session, createLogger({ sink: memorySink() }));
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      session.permissionRequestHandler?.({}, permission, (value) => (granted = value), {});
      expect(granted, permission).toBe(false);
      expect(session.permissionCheckHandler?.(null, permission, APP_ORIGIN, {}), permission).toBe(false);
    }
  });
});
