// issue 8 item 7, Electron adapter: clearProfile empties the profile's persistent partition
// (`persist:profile-<id>`: cookies, storage, HTTP cache, auth cache), and no response in the sign-in
// window may be kept in that partition's disk cache (token JSON, refresh URLs).
import { describe, expect, it } from 'vitest';
import { createElectronLoginWindow, withNoStore, type ElectronLoginWindowDeps } from '../../../main/electron/login-window.ts';

describe('Electron sign-in window and sign-out', () => {
  it("clearProfile clears that profile's partition: storage (cookies included), cache, auth cache", async () => {
    const calls: string[] = [];
    const deps = {
      BrowserWindow: class {} as unknown as ElectronLoginWindowDeps['BrowserWindow'],
      session: {
        fromPartition: (partition: string) => ({
          clearStorageData: async (options?: unknown) => void calls.push(`${partition} clearStorageData ${JSON.stringify(options ?? 'all')}`),
          clearCache: async () => void calls.push(`${partition} clearCache`),
          clearAuthCache: async () => void calls.push(`${partition} clearAuthCache`),
        }),
      } as unknown as ElectronLoginWindowDeps['session'],
    };
    await createElectronLoginWindow(deps, {}).clearProfile!('corp-a');
    expect(calls).toEqual(['persist:profile-corp-a clearStorageData "all"', 'persist:profile-corp-a clearCache', 'persist:profile-corp-a clearAuthCache']);
  });

  it('marks every response in the window no-store, replacing the server caching headers', () => {
    expect(withNoStore({ 'Content-Type': ['application/json'], 'cache-control': ['max-age=3600'], Expires: ['Thu, 01 Jan 2099 00:00:00 GMT'], ETag: ['"x"'], 'Set-Cookie': ['a=1'] })).toEqual({
      'Content-Type': ['application/json'],
      'Set-Cookie': ['a=1'],
      'Cache-Control': ['no-store'],
    });
    expect(withNoStore(undefined)).toEqual({ 'Cache-Control': ['no-store'] });
  });
});
