// @vitest-environment happy-dom
// issue 9 item 5: the refresh token's end reaches the session card with the time left (FIN-14).
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SessionCard from '../../../../renderer/components/SessionCard.vue';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';

const profile: Profile = {
  id: 'lab-icws',
  name: 'Finesse',
  platform: 'finesse',
  servers: ['https://fin-a.example.com:8445'],
  authMode: 'sso',
  language: 'en-US',
  applicationName: 'Patchbay',
  options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct' as const, rememberPassword: false },
};

describe('SessionCard sign-in deadline', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setBridge(fakeApi());
  });
  afterEach(() => setBridge(undefined));

  it('shows "sign in again by" with the minutes left when the session carries signInBy [FIN-14]', () => {
    const signInBy = new Date(Date.now() + 5 * 60_000 - 1_000).toISOString();
    useSessionsStore().apply(
      snapshot({ platform: 'finesse', agent: { kind: 'ready', stateId: 'READY', label: 'Ready' }, token: { expiresAt: new Date(Date.now() + 120_000).toISOString(), signInBy } }),
    );
    const wrapper = mount(SessionCard, { props: { profile } });
    const line = wrapper.get('[data-testid="session-token"]');
    expect(line.attributes('data-sign-in-by')).toBe(signInBy);
    expect(line.text()).toMatch(/sign in again by .+ \(5 min left\)/);
    wrapper.unmount();
  });
});
