// @vitest-environment happy-dom
// issue 13 item 10 (WAI-ARIA dialog pattern): Settings moves focus in, keeps Tab inside, closes on
// Escape and gives focus back to the button that opened it.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SettingsPanel from '../../../../renderer/components/SettingsPanel.vue';
import { fakeApi } from '../fake-api.ts';

describe('Settings dialog focus (issue 13 item 10)', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    const api = fakeApi();
    api.answers['settings.get'] = () => ({ ok: true, value: { settings: { logLevel: 'info', network: {}, updates: { enabled: true } }, locked: [] } });
    setBridge(api);
  });
  afterEach(() => {
    setBridge(undefined);
    document.body.innerHTML = '';
  });

  it('takes focus on open, traps Tab both ways, closes on Escape and restores focus to the opener', async () => {
    const opener = document.createElement('button');
    opener.textContent = 'Settings';
    document.body.append(opener);
    opener.focus();
    const host = document.createElement('div');
    document.body.append(host);
    const wrapper = mount(SettingsPanel, { attachTo: host });
    await flushPromises();
    const dialog = wrapper.get('[data-testid="settings-panel"]');
    expect(dialog.attributes('role')).toBe('dialog');
    expect(dialog.attributes('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(dialog.element);

    const focusables = dialog.findAll('button, input, select');
    const first = focusables[0]!.element as HTMLElement;
    const last = focusables[focusables.length - 1]!.element as HTMLElement;
    last.focus();
    await wrapper.get('.overlay').trigger('keydown', { key: 'Tab' });
    expect(document.activeElement).toBe(first);
    await wrapper.get('.overlay').trigger('keydown', { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);

    await wrapper.get('.overlay').trigger('keydown', { key: 'Escape' });
    expect(wrapper.emitted('close')).toHaveLength(1);
    wrapper.unmount();
    expect(document.activeElement).toBe(opener);
  });
});
