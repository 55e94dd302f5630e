// @vitest-environment happy-dom
// Issue 13 item 6: one sign-out behaviour. The state picker's Logout and the card's Sign out go
// through the same store action and the same prompt: both ask for the Logout reason, neither
// preselects one, Cancel sends nothing, and only the reason the agent picked is sent.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SelectableState } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SessionCard from '../../../../renderer/components/SessionCard.vue';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';
import { finesseProfile, logoutState, readyState } from './card-fixtures.ts';

const profile = finesseProfile;
const ready = readyState;
const logout = (reasonRequired: boolean): SelectableState => logoutState('Sign out', reasonRequired);

describe('one sign-out behaviour (issue 13 item 6)', () => {
  let api: FakeApi;

  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    api.answers['session.signOut'] = () => ({ ok: true, value: snapshot({ phase: 'signed-out', seq: 9 }) });
    api.answers['agent.setState'] = () => ({ ok: true, value: snapshot({ seq: 9 }) });
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  const sent = () => api.calls.filter((call) => call.command === 'session.signOut' || call.command === 'agent.setState');

  async function mountWith(states: SelectableState[]) {
    useSessionsStore().apply(snapshot({ platform: 'finesse', selectableStates: states, agent: { kind: 'ready', stateId: 'READY', label: 'Ready' } }));
    const wrapper = mount(SessionCard, { props: { profile }, attachTo: document.body });
    await flushPromises();
    return wrapper;
  }

  const controls = [
    ['the card’s Sign out', '[data-testid="signout"]'],
    ['the state picker’s Logout', '[data-testid="status-option-LOGOUT"]'],
  ] as const;

  for (const [name, selector] of controls) {
    it(`${name} asks for the reason with none preselected, and Cancel sends nothing`, async () => {
      const wrapper = await mountWith([ready, logout(false)]);
      await wrapper.get(selector).trigger('click');
      await flushPromises();
      const select = wrapper.get<HTMLSelectElement>('[data-testid="signout-reason-select"]');
      expect(select.element.value).toBe(''); // nothing chosen for the agent
      expect(document.activeElement).toBe(select.element); // focus moves into the ask, whichever control asked
      expect(wrapper.findAll('[data-testid="signout-reason"]')).toHaveLength(1); // one prompt, not one per control
      await wrapper.get('[data-testid="signout-reason-cancel"]').trigger('click');
      await flushPromises();
      expect(sent()).toEqual([]);
      expect(wrapper.find('[data-testid="signout-reason"]').exists()).toBe(false);
      wrapper.unmount();
    });

    it(`${name} sends only the reason the agent picked, through session.signOut`, async () => {
      const wrapper = await mountWith([ready, logout(true)]);
      await wrapper.get(selector).trigger('click');
      await flushPromises();
      await wrapper.get('[data-testid="signout-confirm"]').trigger('click');
      await flushPromises();
      expect(sent()).toEqual([]); // required and not chosen: nothing goes out
      expect(wrapper.get('[data-testid="signout-reason"]').attributes('data-testid')).toBe('signout-reason');
      await wrapper.get('[data-testid="signout-reason-select"]').setValue('21');
      await wrapper.get('[data-testid="signout-confirm"]').trigger('click');
      await flushPromises();
      expect(sent()).toEqual([{ command: 'session.signOut', args: { profileId: 'lab-icws', reasonCodeId: '21' } }]);
      wrapper.unmount();
    });
  }

  it('an optional reason left unchosen signs out with no reason (never a default)', async () => {
    const wrapper = await mountWith([ready, logout(false)]);
    await wrapper.get('[data-testid="status-option-LOGOUT"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="signout-confirm"]').trigger('click');
    await flushPromises();
    expect(sent()).toEqual([{ command: 'session.signOut', args: { profileId: 'lab-icws' } }]);
    wrapper.unmount();
  });

  it('a "logged out" status that does not sign out (ICWS Gone Home) is set as a status, not a sign-out', async () => {
    const goneHome: SelectableState = { id: 'Gone Home', label: 'Gone Home', kind: 'logged-out', reasons: [], reasonRequired: false };
    const wrapper = await mountWith([ready, goneHome]);
    await wrapper.get('[data-testid="status-option-Gone Home"]').trigger('click');
    await flushPromises();
    expect(sent()).toEqual([{ command: 'agent.setState', args: { profileId: 'lab-icws', stateId: 'Gone Home' } }]);
    wrapper.unmount();
  });

  it("UCCE's Ready → Logout asks the agent's Not Ready reason too (never a default), sets Not Ready, then signs out with the Logout reason kept", async () => {
    const notReady: SelectableState = { id: 'NOT_READY', label: 'Not Ready', kind: 'not-ready', reasons: [{ id: '1', label: 'Lunch' }, { id: '2', label: 'Break' }], reasonRequired: true };
    let refusals = 0;
    api.answers['session.signOut'] = () =>
      refusals++ === 0
        ? { ok: false, error: { code: 'finesse.sign-out.not-ready-first', message: 'Go Not Ready first.', action: 'none' } }
        : { ok: true, value: snapshot({ phase: 'signed-out', seq: 9 }) };
    const wrapper = await mountWith([ready, notReady, logout(true)]);
    await wrapper.get('[data-testid="signout"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="signout-reason-select"]').setValue('22');
    await wrapper.get('[data-testid="signout-confirm"]').trigger('click');
    await flushPromises();
    // The platform refused before sending anything: now the Not Ready reason is asked, nothing chosen.
    expect(wrapper.get('[data-testid="signout-not-ready-first"]').text()).toContain('Not Ready');
    const notReadySelect = wrapper.get<HTMLSelectElement>('[data-testid="signout-not-ready-select"]');
    expect(notReadySelect.element.value).toBe('');
    expect(wrapper.get<HTMLSelectElement>('[data-testid="signout-reason-select"]').element.value).toBe('22'); // the agent's own pick kept
    await wrapper.get('[data-testid="signout-confirm"]').trigger('click');
    await flushPromises();
    expect(sent().filter((c) => c.command === 'agent.setState')).toEqual([]); // required, not chosen: nothing
    await notReadySelect.setValue('2');
    await wrapper.get('[data-testid="signout-confirm"]').trigger('click');
    await flushPromises();
    expect(sent()).toEqual([
      { command: 'session.signOut', args: { profileId: 'lab-icws', reasonCodeId: '22' } },
      { command: 'agent.setState', args: { profileId: 'lab-icws', stateId: 'NOT_READY', reasonId: '2' } },
      { command: 'session.signOut', args: { profileId: 'lab-icws', reasonCodeId: '22' } },
    ]);
    wrapper.unmount();
  });

  it('the Logout of a platform without Logout reasons signs out at once, with no reason', async () => {
    const wrapper = await mountWith([ready, { ...logout(false), reasons: [] }]);
    await wrapper.get('[data-testid="status-option-LOGOUT"]').trigger('click');
    await flushPromises();
    expect(sent()).toEqual([{ command: 'session.signOut', args: { profileId: 'lab-icws' } }]);
    wrapper.unmount();
  });
});
