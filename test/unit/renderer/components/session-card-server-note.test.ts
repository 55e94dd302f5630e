// @vitest-environment happy-dom
// issue 8 item 2: the session card says when the server in use is a node the platform named, not the profile.
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SessionCard from '../../../../renderer/components/SessionCard.vue';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';
import { finesseProfile } from './card-fixtures.ts';

const profile: Profile = { ...finesseProfile, name: 'Finesse' };

describe('SessionCard server note', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setBridge(fakeApi());
  });
  afterEach(() => setBridge(undefined));

  it('shows the note next to the server when the session is on a learned node, and nothing otherwise', () => {
    const store = useSessionsStore();
    store.apply(snapshot({ platform: 'finesse', server: 'https://fin-b.example.com:8445', serverNote: 'A Finesse node named by the server, not by your profile (fin-b.example.com:8445)' }));
    const wrapper = mount(SessionCard, { props: { profile } });
    expect(wrapper.get('[data-testid="session-server"]').text()).toBe('https://fin-b.example.com:8445');
    expect(wrapper.get('[data-testid="session-server-note"]').text()).toContain('not by your profile');
    wrapper.unmount();
    setActivePinia(createPinia());
    useSessionsStore().apply(snapshot({ platform: 'finesse', server: 'https://fin-a.example.com:8445', seq: 2 }));
    const plain = mount(SessionCard, { props: { profile } });
    expect(plain.find('[data-testid="session-server-note"]').exists()).toBe(false);
    plain.unmount();
  });
});
