// @vitest-environment happy-dom
// Issue 13 item 6: the card's Sign out asks for the Logout reason where the platform takes one,
// sends only the reason the agent picked, and sends none where the platform has no reasons.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SessionCard from '../../../../renderer/components/SessionCard.vue';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';
import { finesseProfile, logoutState, readyState } from './card-fixtures.ts';

const profile = finesseProfile;
const ready = readyState;
const logout = logoutState('Logout', true);

describe('SessionCard sign-out reason (issue 13 item 6)', () => {
  let api: FakeApi;

  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    api.answers['session.signOut'] = () => ({ ok: true, value: snapshot({ phase: 'signed-out' }) });
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  function signOuts() {
    return api.calls.filter((call) => call.command === 'session.signOut').map((call) => call.args);
  }

  it('asks for the Logout reason, sends nothing until one is picked, then sends the picked one', async () => {
    useSessionsStore().apply(snapshot({ platform: 'finesse', selectableStates: [ready, logout] }));
    const wrapper = mount(SessionCard, { props: { profile } });
    await wrapper.get('[data-testid="signout"]').trigger('click');
    await flushPromises();
    expect(signOuts()).toEqual([]);
    expect(wrapper.find('[data-testid="signout"]').exists()).toBe(false);
    await wrapper.get('[data-testid="signout-confirm"]').trigger('click');
    await flushPromises();
    expect(signOuts()).toEqual([]); // no default reason
    expect(wrapper.get('[data-testid="signout-reason"]').text()).toContain('Choose a reason');
    await wrapper.get('[data-testid="signout-reason-select"]').setValue('22');
    await wrapper.get('[data-testid="signout-confirm"]').trigger('click');
    await flushPromises();
    expect(signOuts()).toEqual([{ profileId: 'lab-icws', reasonCodeId: '22' }]);
    wrapper.unmount();
  });

  it('never shows Sign in and Sign out at once, in any display state (issue 13 item 7)', async () => {
    const cases = [
      snapshot({ phase: 'signed-out' }),
      snapshot({ phase: 'signing-in' }),
      snapshot({ phase: 'awaiting-user' }),
      snapshot({ phase: 'active' }),
      snapshot({ phase: 'active', lastError: { code: 'finesse.unauthorized', message: 'Sign in again.', action: 'sign-in-again' } }),
      snapshot({ phase: 'reconnecting' }),
      snapshot({ phase: 'failed', lastError: { code: 'x', message: 'Failed.', action: 'retry' } }),
      snapshot({ phase: 'failed', lastError: { code: 'finesse.refresh-expired', message: 'Sign in again.', action: 'sign-in-again' } }),
    ];
    for (const state of cases) {
      setActivePinia(createPinia());
      useSessionsStore().apply(state);
      const wrapper = mount(SessionCard, { props: { profile } });
      await flushPromises();
      const signIn = wrapper.find('[data-testid="signin-submit"]').exists() || wrapper.find('[data-testid="session-error-signin"]').exists();
      const signOut = wrapper.find('[data-testid="signout"]').exists() || wrapper.find('[data-testid="signout-reason"]').exists();
      expect(signIn && signOut, `${state.phase} ${state.lastError?.code ?? ''}`).toBe(false);
      // A sign-in form after a lapse opens in place, with the agent's extension kept by the form.
      if (wrapper.find('[data-testid="session-error-signin"]').exists()) {
        await wrapper.get('[data-testid="session-error-signin"]').trigger('click');
        expect(wrapper.find('[data-testid="signout"]').exists(), `${state.phase} after Sign in again`).toBe(false);
      }
      wrapper.unmount();
    }
  });

  it('signs out at once, with no reason, where the platform has no Logout reasons', async () => {
    useSessionsStore().apply(snapshot({ selectableStates: [ready] }));
    const wrapper = mount(SessionCard, { props: { profile: { ...profile, platform: 'icws' } as Profile } });
    await wrapper.get('[data-testid="signout"]').trigger('click');
    await flushPromises();
    expect(signOuts()).toEqual([{ profileId: 'lab-icws' }]);
    expect(wrapper.find('[data-testid="signout-reason"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
