// @vitest-environment happy-dom
// issue 13 item 1: the state picker in the pinned status bar. "Change status" opens the states with
// the current one marked; a state without reasons is set at once, a state with reasons asks for one
// as the card does (nothing sent until a required one is chosen); arrows move between states,
// Escape closes and puts focus back on the button. It shares the card's choosing logic.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SelectableState } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import StatusBar from '../../../../renderer/components/StatusBar.vue';
import { useProfilesStore } from '../../../../renderer/stores/profiles.ts';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot, type FakeApi } from '../fake-api.ts';
import { finesseProfile, logoutState, readyState } from './card-fixtures.ts';

const notReady: SelectableState = {
  id: 'NOT_READY',
  label: 'Not Ready',
  kind: 'not-ready',
  reasons: [
    { id: '11', label: 'Lunch' },
    { id: '12', label: 'Break' },
  ],
  reasonRequired: true,
};
const states = [readyState, notReady, logoutState('Logout', true)];
const profile = { ...finesseProfile, id: 'lab-icws' };

describe('the status bar picker (issue 13 item 1)', () => {
  let api: FakeApi;

  beforeEach(async () => {
    setActivePinia(createPinia());
    api = fakeApi();
    api.answers['profiles.list'] = () => ({ ok: true, value: [profile] });
    api.answers['agent.setState'] = () => ({ ok: true, value: snapshot({ seq: 9 }) });
    setBridge(api);
    await useProfilesStore().load();
  });
  afterEach(() => {
    setBridge(undefined);
    document.body.innerHTML = '';
  });

  const setStates = () => api.calls.filter((call) => call.command === 'agent.setState').map((call) => call.args);

  async function mountBar(currentId = 'READY') {
    const current = states.find((state) => state.id === currentId)!;
    useSessionsStore().apply(snapshot({ platform: 'finesse', selectableStates: states, agent: { kind: current.kind, stateId: current.id, label: current.label } }));
    const wrapper = mount(StatusBar, { attachTo: document.body });
    await flushPromises();
    return wrapper;
  }

  it('offers "Change status" only while signed in; it opens the states with the current one marked and focused', async () => {
    useSessionsStore().apply(snapshot({ phase: 'signed-out' }));
    const signedOut = mount(StatusBar);
    expect(signedOut.find('[data-testid="status-bar-change"]').exists()).toBe(false);
    signedOut.unmount();

    const wrapper = await mountBar('NOT_READY');
    const toggle = wrapper.get('[data-testid="status-bar-change"]');
    expect(toggle.text()).toContain('Change status');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(wrapper.find('[data-testid="status-bar-panel"]').exists()).toBe(false);
    await toggle.trigger('click');
    await flushPromises();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(toggle.attributes('aria-controls')).toBe(wrapper.get('[data-testid="status-bar-panel"]').attributes('id'));
    expect(states.map((s) => wrapper.get(`[data-testid="status-bar-option-${s.id}"]`).attributes('aria-pressed'))).toEqual(['false', 'true', 'false']);
    expect(document.activeElement).toBe(wrapper.get('[data-testid="status-bar-option-NOT_READY"]').element);
    wrapper.unmount();
  });

  it('arrows, Home and End move between states and wrap; Escape closes and returns focus to the button', async () => {
    const wrapper = await mountBar();
    const toggle = wrapper.get('[data-testid="status-bar-change"]');
    await toggle.trigger('click');
    await flushPromises();
    const option = (id: string) => wrapper.get(`[data-testid="status-bar-option-${id}"]`);
    expect(document.activeElement).toBe(option('READY').element);
    await option('READY').trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(option('NOT_READY').element);
    await option('NOT_READY').trigger('keydown', { key: 'End' });
    expect(document.activeElement).toBe(option('LOGOUT').element);
    await option('LOGOUT').trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(option('READY').element); // wraps
    await option('READY').trigger('keydown', { key: 'ArrowUp' });
    expect(document.activeElement).toBe(option('LOGOUT').element);
    await option('LOGOUT').trigger('keydown', { key: 'Home' });
    expect(document.activeElement).toBe(option('READY').element);
    await option('READY').trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(wrapper.find('[data-testid="status-bar-panel"]').exists()).toBe(false);
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle.element);
    expect(setStates()).toEqual([]);
    wrapper.unmount();
  });

  it('a state without reasons is set at once, the panel closes and focus goes back to the button', async () => {
    const wrapper = await mountBar('NOT_READY');
    await wrapper.get('[data-testid="status-bar-change"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="status-bar-option-READY"]').trigger('click');
    await flushPromises();
    expect(setStates()).toEqual([{ profileId: 'lab-icws', stateId: 'READY' }]);
    expect(wrapper.find('[data-testid="status-bar-panel"]').exists()).toBe(false);
    expect(document.activeElement).toBe(wrapper.get('[data-testid="status-bar-change"]').element);
    wrapper.unmount();
  });

  it('a state with a required reason asks for it, sends nothing without one, then sends the picked one', async () => {
    const wrapper = await mountBar();
    await wrapper.get('[data-testid="status-bar-change"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="status-bar-option-NOT_READY"]').trigger('click');
    await flushPromises();
    const select = wrapper.get('[data-testid="status-bar-reason-select"]');
    expect((select.element as HTMLSelectElement).value).toBe(''); // nothing chosen for the agent
    expect(document.activeElement).toBe(select.element);
    await wrapper.get('[data-testid="status-bar-apply"]').trigger('click');
    await flushPromises();
    expect(setStates()).toEqual([]);
    expect(select.attributes('aria-invalid')).toBe('true');
    await select.setValue('12');
    await wrapper.get('[data-testid="status-bar-apply"]').trigger('click');
    await flushPromises();
    expect(setStates()).toEqual([{ profileId: 'lab-icws', stateId: 'NOT_READY', reasonId: '12' }]);
    expect(wrapper.find('[data-testid="status-bar-panel"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('Logout from the bar asks through the one sign-out prompt, sending nothing by itself (issue 13 item 6)', async () => {
    const wrapper = await mountBar();
    await wrapper.get('[data-testid="status-bar-change"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="status-bar-option-LOGOUT"]').trigger('click');
    await flushPromises();
    expect(api.calls.filter((call) => call.command === 'session.signOut' || call.command === 'agent.setState')).toEqual([]);
    expect(useSessionsStore().signOutAsks['lab-icws']).toMatchObject({ required: true });
    expect(wrapper.find('[data-testid="status-bar-panel"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('a refused change shows the error in the panel, which stays open', async () => {
    api.answers['agent.setState'] = () => ({ ok: false, error: { code: 'icws.status.refused', message: 'The server refused the status.', action: 'none' } });
    const wrapper = await mountBar('NOT_READY');
    await wrapper.get('[data-testid="status-bar-change"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="status-bar-option-READY"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="status-bar-error"]').text()).toBe('The server refused the status.');
    wrapper.unmount();
  });
});
