// @vitest-environment happy-dom
// issue 13 item 10: the state group is one Tab stop (roving tabindex), arrows move within it, and
// focus stays on the pressed button while the change is under way (never falls to <body>).
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import StatusPicker from '../../../../renderer/components/StatusPicker.vue';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';

const states = [
  { id: 'Available', label: 'Available', kind: 'ready' as const, reasons: [], reasonRequired: false },
  { id: 'Away', label: 'Away from desk', kind: 'not-ready' as const, reasons: [], reasonRequired: false },
  { id: 'Lunch', label: 'Lunch', kind: 'not-ready' as const, reasons: [], reasonRequired: false },
];

describe('StatusPicker keyboard (issue 13 item 10)', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setBridge(fakeApi());
  });
  afterEach(() => {
    setBridge(undefined);
    document.body.innerHTML = '';
  });

  function mountPicker(currentId = 'Away') {
    return mount(StatusPicker, {
      attachTo: document.body,
      props: { session: snapshot({ agent: { kind: 'not-ready', stateId: currentId, label: currentId }, selectableStates: states }) },
    });
  }

  it('only the current state is in the Tab order; arrows, Home and End move focus within the group and wrap', async () => {
    const wrapper = mountPicker();
    const button = (id: string) => wrapper.get(`[data-testid="status-option-${id}"]`);
    expect(wrapper.get('[data-testid="status-options"]').attributes('role')).toBe('toolbar');
    expect(states.map((s) => button(s.id).attributes('tabindex'))).toEqual(['-1', '0', '-1']);
    (button('Away').element as HTMLElement).focus();
    await button('Away').trigger('keydown', { key: 'ArrowRight' });
    expect(document.activeElement).toBe(button('Lunch').element);
    expect(states.map((s) => button(s.id).attributes('tabindex'))).toEqual(['-1', '-1', '0']);
    await button('Lunch').trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(button('Available').element); // wraps
    await button('Available').trigger('keydown', { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(button('Lunch').element);
    await button('Lunch').trigger('keydown', { key: 'Home' });
    expect(document.activeElement).toBe(button('Available').element);
    await button('Available').trigger('keydown', { key: 'End' });
    expect(document.activeElement).toBe(button('Lunch').element);
    wrapper.unmount();
  });

  it('while a state change is under way the buttons are aria-disabled, not disabled, so focus stays on the pressed one', async () => {
    const wrapper = mountPicker();
    const sessions = useSessionsStore();
    const button = wrapper.get('[data-testid="status-option-Available"]');
    (button.element as HTMLElement).focus();
    sessions.busy['lab-icws'] = 'setState';
    await wrapper.vm.$nextTick();
    expect(button.attributes('disabled')).toBeUndefined();
    expect(button.attributes('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(button.element);
    wrapper.unmount();
  });
});
