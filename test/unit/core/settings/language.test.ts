// issue 13 item 11: the app's language is an agent setting — saved, shown in the settings view,
// back to the OS locale with null, and a value outside en/de refused or dropped.
import { describe, expect, it } from 'vitest';
import { updateUserSettings } from '../../../../main/core/settings/effective.ts';
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

describe('language setting (issue 13 item 11)', () => {
  it('absent by default (the OS locale decides), saved, shown, and cleared with null', async () => {
    const store = memoryStore();
    expect(settingsView(store.get(), emptyPolicy()).settings.language).toBeUndefined();
    await updateUserSettings(store, { language: 'de' }, emptyPolicy());
    expect(store.get().language).toBe('de');
    expect(settingsView(store.get(), emptyPolicy()).settings.language).toBe('de');
    await updateUserSettings(store, { logLevel: 'warn' }, emptyPolicy());
    expect(store.get().language).toBe('de'); // other changes keep it
    await updateUserSettings(store, { language: null }, emptyPolicy());
    expect('language' in store.get()).toBe(false);
  });

  it('a file with an unknown language drops it and says so; a known one is kept', () => {
    const bad = parseSettings({ version: 2, language: 'xx' });
    expect(bad.settings.language).toBeUndefined();
    expect(bad.problems.join('\n')).toMatch(/^language:/m);
    expect(parseSettings({ version: 2, language: 'de' }).settings.language).toBe('de');
  });
});
