// issue 13 item 10: Ready / Not Ready keyboard shortcuts are agent settings — defaults until changed,
// saved and shown, '' turns one off, null goes back to the default, and a bare key (no modifier,
// which would swallow typing) or a malformed accelerator is refused or dropped.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SHORTCUTS, SettingsPatchSchema } from '../../../../preload/contract.ts';
import { effectiveSettings, updateUserSettings } from '../../../../main/core/settings/effective.ts';
import { emptyPolicy } from '../../../../main/core/settings/policy.ts';
import { defaultSettings, parseSettings } from '../../../../main/core/settings/schema.ts';
import { settingsView } from '../../../../main/core/settings/settings-view.ts';

function memoryStore() {
  let current = defaultSettings();
  return {
    path: '/virtual/settings.json',
    get: () => structuredClone(current),
    update: async (change: (s: typeof current) => typeof current) => (current = change(structuredClone(current))),
  };
}

describe('keyboard shortcut settings (issue 13 item 10)', () => {
  it('defaults until changed; saved, shown, off with empty, default again with null', async () => {
    const store = memoryStore();
    expect(effectiveSettings(store.get(), emptyPolicy()).shortcuts).toEqual(DEFAULT_SHORTCUTS);
    await updateUserSettings(store, { shortcuts: { ready: 'Alt+Shift+F9' } }, emptyPolicy());
    expect(settingsView(store.get(), emptyPolicy()).settings.shortcuts).toEqual({ ready: 'Alt+Shift+F9', notReady: DEFAULT_SHORTCUTS.notReady });
    await updateUserSettings(store, { shortcuts: { notReady: '' } }, emptyPolicy());
    expect(effectiveSettings(store.get(), emptyPolicy()).shortcuts).toEqual({ ready: 'Alt+Shift+F9', notReady: '' });
    await updateUserSettings(store, { shortcuts: { ready: null, notReady: null } }, emptyPolicy());
    expect('shortcuts' in store.get()).toBe(false);
    expect(effectiveSettings(store.get(), emptyPolicy()).shortcuts).toEqual(DEFAULT_SHORTCUTS);
  });

  it('refuses a shortcut without a modifier or with an unknown key, in the patch and in the file', async () => {
    for (const bad of ['R', 'Shift', 'CommandOrControl+', 'Ctrl+Alt+Enter!', 'Hyper+R']) {
      expect(SettingsPatchSchema.safeParse({ shortcuts: { ready: bad } }).success, bad).toBe(false);
      await expect(updateUserSettings(memoryStore(), { shortcuts: { ready: bad } }, emptyPolicy()), bad).rejects.toMatchObject({ code: 'settings.invalid' });
    }
    for (const good of ['CommandOrControl+Alt+R', 'Ctrl+Shift+1', 'Alt+F12', '']) {
      expect(SettingsPatchSchema.safeParse({ shortcuts: { ready: good } }).success, good).toBe(true);
    }
    const parsed = parseSettings({ version: 2, shortcuts: { ready: 'R' } });
    expect(parsed.settings.shortcuts).toBeUndefined();
    expect(parsed.problems.join('\n')).toMatch(/^shortcuts/m);
  });
});
