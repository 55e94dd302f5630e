// issue 13 item 10: Ready / Not Ready from the keyboard. The browser shell listens in the window;
// Electron registers the same accelerators globally (main/electron/shortcuts.ts) and sends a
// `shortcut` event, handled here the same way.
import { nextTick, onBeforeUnmount, onMounted, ref } from 'vue';
import type { SelectableState, SessionState } from '../../preload/contract.ts';
// The zod-free part of the contract: the first paint loads no zod (issue 15 item 5).
import { DEFAULT_SHORTCUTS, SHORTCUT_ACTIONS, type ShortcutAction } from '../../preload/contract/shortcuts.ts';
import { getBridge } from '../api/bridge.ts';
import { useProfilesStore } from '../stores/profiles.ts';
import { useSessionsStore } from '../stores/sessions.ts';

const MODIFIERS: Record<string, 'ctrl' | 'alt' | 'shift' | 'meta' | 'cmdOrCtrl'> = {
  commandorcontrol: 'cmdOrCtrl',
  cmdorctrl: 'cmdOrCtrl',
  control: 'ctrl',
  ctrl: 'ctrl',
  alt: 'alt',
  shift: 'shift',
  super: 'meta',
  meta: 'meta',
  command: 'meta',
  cmd: 'meta',
};

/** Whether a keydown is the Electron-syntax accelerator (CommandOrControl = ⌘ on macOS, Ctrl elsewhere). */
export function matchesAccelerator(accelerator: string, event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>, mac: boolean): boolean {
  if (!accelerator) return false;
  const parts = accelerator.split('+');
  const key = parts.pop()?.toUpperCase() ?? '';
  const want = { ctrl: false, alt: false, shift: false, meta: false };
  for (const part of parts) {
    const modifier = MODIFIERS[part.toLowerCase()];
    if (!modifier) return false;
    if (modifier === 'cmdOrCtrl') want[mac ? 'meta' : 'ctrl'] = true;
    else want[modifier] = true;
  }
  if (event.ctrlKey !== want.ctrl || event.altKey !== want.alt || event.shiftKey !== want.shift || event.metaKey !== want.meta) return false;
  // event.code ("KeyR", "Digit1", "F9") does not change with Alt/Shift or the keyboard layout's dead keys.
  const pressed = /^Key([A-Z])$/.exec(event.code)?.[1] ?? /^Digit(\d)$/.exec(event.code)?.[1] ?? (/^F\d{1,2}$/.test(event.code) ? event.code : event.key.toUpperCase());
  return pressed === key;
}

/** The state a shortcut sets: the first "ready" one; for Not Ready the first "not-ready" one that needs no reason, else the first. */
export function stateForShortcut(states: readonly SelectableState[], action: ShortcutAction): SelectableState | undefined {
  if (action === 'ready') return states.find((state) => state.kind === 'ready');
  const notReady = states.filter((state) => state.kind === 'not-ready');
  return notReady.find((state) => !state.reasonRequired) ?? notReady[0];
}

/** The session a shortcut acts on: the shown profile's when signed in, else the only signed-in one. */
export function sessionForShortcut(sessions: readonly SessionState[], selectedId: string | undefined): SessionState | undefined {
  const active = sessions.filter((session) => session.phase === 'active');
  return active.find((session) => session.profileId === selectedId) ?? (active.length === 1 ? active[0] : undefined);
}

export function useShortcuts() {
  const profiles = useProfilesStore();
  const sessions = useSessionsStore();
  const shortcuts = ref<Record<ShortcutAction, string>>({ ...DEFAULT_SHORTCUTS });
  const mac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

  async function load(): Promise<void> {
    const result = await getBridge().invoke('settings.get', {});
    if (result.ok) shortcuts.value = { ...DEFAULT_SHORTCUTS, ...result.value.settings.shortcuts };
  }

  async function run(action: ShortcutAction): Promise<void> {
    const session = sessionForShortcut([...sessions.sessions.values()], profiles.selected?.id);
    if (!session) return;
    let states = session.selectableStates;
    if (states.length === 0) {
      const listed = await sessions.listStates(session.profileId);
      states = listed.ok ? listed.value : [];
    }
    const state = stateForShortcut(states, action);
    if (!state || state.id === session.agent?.stateId) return;
    if (state.reasonRequired) {
      // A reason is needed: show that state's reason choice in the picker instead of guessing one.
      profiles.select(session.profileId);
      await nextTick();
      document.querySelector<HTMLButtonElement>(`[data-testid="status-option-${CSS.escape(state.id)}"]`)?.click();
      return;
    }
    await sessions.setState(session.profileId, state.id);
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.repeat) return;
    const action = SHORTCUT_ACTIONS.find((name) => matchesAccelerator(shortcuts.value[name], event, mac));
    if (!action) return;
    event.preventDefault();
    void run(action);
  }

  let off: (() => void) | undefined;
  onMounted(() => {
    void load();
    window.addEventListener('keydown', onKeydown);
    off = getBridge().on('shortcut', ({ action }) => void run(action));
  });
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKeydown);
    off?.();
  });
  return { shortcuts, reload: load, run };
}
