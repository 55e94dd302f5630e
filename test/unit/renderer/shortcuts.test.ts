// @vitest-environment happy-dom
// issue 13 item 10: Ready / Not Ready shortcuts — which keydown matches an accelerator, which state
// and which session a shortcut acts on, and that the window's keydown sets the state.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { setBridge } from '../../../renderer/api/bridge.ts';
import { matchesAccelerator, sessionForShortcut, stateForShortcut, useShortcuts } from '../../../renderer/composables/use-shortcuts.ts';
import { useSessionsStore } from '../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot, type FakeApi } from './fake-api.ts';

const key = (code: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>> = {}) => ({
  key: code.replace(/^Key|^Digit/, '').toLowerCase(),
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

const states = [
  { id: 'Away', label: 'Away', kind: 'not-ready' as const, reasons: [{ id: 'r1', label: 'Break' }], reasonRequired: true },
  { id: 'Available', label: 'Available', kind: 'ready' as const, reasons: [], reasonRequired: false },
  { id: 'Lunch', label: 'Lunch', kind: 'not-ready' as const, reasons: [], reasonRequired: false },
];

describe('shortcut matching (issue 13 item 10)', () => {
  it('CommandOrControl is Ctrl off macOS and ⌘ on macOS; every modifier must match exactly', () => {
    expect(matchesAccelerator('CommandOrControl+Alt+R', key('KeyR', { ctrlKey: true, altKey: true }), false)).toBe(true);
    expect(matchesAccelerator('CommandOrControl+Alt+R', key('KeyR', { metaKey: true, altKey: true }), true)).toBe(true);
    expect(matchesAccelerator('CommandOrControl+Alt+R', key('KeyR', { metaKey: true, altKey: true }), false)).toBe(false);
    expect(matchesAccelerator('CommandOrControl+Alt+R', key('KeyR', { ctrlKey: true, altKey: true, shiftKey: true }), false)).toBe(false);
    expect(matchesAccelerator('CommandOrControl+Alt+R', key('KeyR', { ctrlKey: true }), false)).toBe(false);
    expect(matchesAccelerator('CommandOrControl+Alt+R', key('KeyN', { ctrlKey: true, altKey: true }), false)).toBe(false);
    expect(matchesAccelerator('Alt+Shift+F9', key('F9', { altKey: true, shiftKey: true }), false)).toBe(true);
    expect(matchesAccelerator('Ctrl+1', key('Digit1', { ctrlKey: true }), false)).toBe(true);
    expect(matchesAccelerator('', key('KeyR', { ctrlKey: true, altKey: true }), false)).toBe(false);
  });

  it('Ready picks the ready state; Not Ready the first not-ready one needing no reason', () => {
    expect(stateForShortcut(states, 'ready')?.id).toBe('Available');
    expect(stateForShortcut(states, 'notReady')?.id).toBe('Lunch');
    expect(stateForShortcut(states.slice(0, 2), 'notReady')?.id).toBe('Away');
  });

  it('acts on the shown profile when signed in, else on the only signed-in session, else none', () => {
    const a = snapshot({ profileId: 'a' });
    const b = snapshot({ profileId: 'b' });
    const off = snapshot({ profileId: 'c', phase: 'signed-out' });
    expect(sessionForShortcut([a, b], 'b')?.profileId).toBe('b');
    expect(sessionForShortcut([a, off], 'c')?.profileId).toBe('a');
    expect(sessionForShortcut([a, b], 'c')).toBeUndefined();
  });
});

describe('shortcut in the window (issue 13 item 10)', () => {
  let api: FakeApi;
  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    api.answers['settings.get'] = () => ({ ok: true, value: { settings: { logLevel: 'info', network: {}, updates: { enabled: true }, shortcuts: { ready: 'Ctrl+Alt+R', notReady: '' } }, locked: [] } });
    api.answers['agent.setState'] = () => ({ ok: true, value: snapshot({ profileId: 'lab-icws', agent: { kind: 'ready', stateId: 'Available', label: 'Available' }, selectableStates: states }) });
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  it('the configured Ready keys set the ready state of the signed-in session; a turned-off shortcut does nothing', async () => {
    const Host = defineComponent({ setup: () => (useShortcuts(), () => h('div')) });
    const wrapper = mount(Host, { attachTo: document.body });
    await flushPromises();
    useSessionsStore().apply(snapshot({ profileId: 'lab-icws', agent: { kind: 'not-ready', stateId: 'Away', label: 'Away' }, selectableStates: states }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', code: 'KeyN', ctrlKey: true, altKey: true }));
    await flushPromises();
    expect(api.calls.filter((c) => c.command === 'agent.setState')).toHaveLength(0);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'r', code: 'KeyR', ctrlKey: true, altKey: true }));
    await flushPromises();
    expect(api.calls.filter((c) => c.command === 'agent.setState').map((c) => c.args)).toEqual([expect.objectContaining({ profileId: 'lab-icws', stateId: 'Available' })]);
    wrapper.unmount();
  });
});
