// issue 13 item 10: global Ready / Not Ready shortcuts against a fake globalShortcut — registered,
// a press reported as its action, replaced on a settings change, off when empty, a refused one
// reported, and only our own accelerators unregistered.
import { describe, expect, it } from 'vitest';
import type { ShortcutAction } from '../../../preload/contract.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { createGlobalShortcuts, type GlobalShortcutLike } from '../../../main/electron/shortcuts.ts';

function fakeGlobalShortcut(taken: string[] = []) {
  const callbacks = new Map<string, () => void>();
  const unregistered: string[] = [];
  const api: GlobalShortcutLike = {
    register(accelerator, callback) {
      if (taken.includes(accelerator) || callbacks.has(accelerator)) return false;
      callbacks.set(accelerator, callback);
      return true;
    },
    unregister(accelerator) {
      unregistered.push(accelerator);
      callbacks.delete(accelerator);
    },
  };
  return { api, callbacks, unregistered, press: (accelerator: string) => callbacks.get(accelerator)?.() };
}

function setup(taken: string[] = []) {
  const fake = fakeGlobalShortcut(taken);
  const pressed: ShortcutAction[] = [];
  const sink = memorySink();
  const shortcuts = createGlobalShortcuts(fake.api, { onPress: (action) => pressed.push(action), log: createLogger({ sink }) });
  return { fake, pressed, shortcuts, sink };
}

describe('global shortcuts (issue 13 item 10)', () => {
  it('registers both accelerators and reports a press as its action', () => {
    const { fake, pressed, shortcuts } = setup();
    expect(shortcuts.apply({ ready: 'CommandOrControl+Alt+R', notReady: 'CommandOrControl+Alt+N' })).toEqual([]);
    expect([...fake.callbacks.keys()]).toEqual(['CommandOrControl+Alt+R', 'CommandOrControl+Alt+N']);
    fake.press('CommandOrControl+Alt+N');
    fake.press('CommandOrControl+Alt+R');
    expect(pressed).toEqual(['notReady', 'ready']);
  });

  it('a settings change replaces the set; empty turns one off; dispose leaves nothing registered', () => {
    const { fake, shortcuts } = setup();
    shortcuts.apply({ ready: 'CommandOrControl+Alt+R', notReady: 'CommandOrControl+Alt+N' });
    shortcuts.apply({ ready: 'Alt+Shift+F9', notReady: '' });
    expect([...fake.callbacks.keys()]).toEqual(['Alt+Shift+F9']);
    shortcuts.dispose();
    expect(fake.callbacks.size).toBe(0);
  });

  it('reports an accelerator another app holds, never grabs a bare key, and unregisters only its own', () => {
    const { fake, shortcuts, sink } = setup(['CommandOrControl+Alt+R']);
    expect(shortcuts.apply({ ready: 'CommandOrControl+Alt+R', notReady: 'N' })).toEqual(['CommandOrControl+Alt+R']);
    expect(fake.callbacks.size).toBe(0);
    expect(sink.entries.map((e) => e.event)).toContain('shortcut.taken');
    shortcuts.dispose();
    expect(fake.unregistered).toEqual([]);
  });
});
