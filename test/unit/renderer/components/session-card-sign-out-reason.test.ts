// @vitest-environment happy-dom
// Issue 13 item 6: the card's Sign out asks for the Logout reason where the platform takes one,
// sends only the reason the agent picked, and sends none where the platform has no reasons.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile, SelectableState } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SessionCard from '../../../../renderer/components/SessionCard.vue';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';

const profile: Profile = {
  id: 'lab-icws',
  name: 'Lab Finesse',
  platform: 'finesse',
  servers: ['https://fin-a.example.com:8445'],
  authMode: 'password',
  language: 'en-US',
  applicationName: 'Patchbay',
  options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct' as const, rememberPassword: false },
} as Profile;

const ready: SelectableState = { id: 'READY', label: 'Ready', kind: 'ready', reasons: [], reasonRequired: false };
const logout: SelectableState = {
  id: 'LOGOUT',
  label: 'Logout',
  kind: 'logged-out',
  reasons: [
    { id: '21', label: 'End of shift' },
    { id: '22', label: 'Meeting' },
  ],
  reasonRequired: true,
};

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
