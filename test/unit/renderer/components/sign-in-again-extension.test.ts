// @vitest-environment happy-dom
// Issue 13 item 7: "Sign in again" keeps the extension of the shift — a form opened again for the
// same profile (the card's Sign in again, in place) starts with the extension the agent signed in on.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SignInForm from '../../../../renderer/components/SignInForm.vue';
import { fakeApi, snapshot } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';

const profile = {
  id: 'fin-sso',
  name: 'Finesse SSO',
  platform: 'finesse',
  servers: ['https://fin-a.example.com:8445'],
  authMode: 'sso',
  userName: 'sjefferson',
  language: 'en-US',
  applicationName: 'Patchbay',
  options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct' as const, rememberPassword: false },
} as Profile;

describe('Sign in again keeps the extension (issue 13 item 7)', () => {
  let api: FakeApi;
  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    api.answers['session.signInOptions'] = () => ({ ok: true, value: { credentialsForm: false, identityProviders: [{ id: 'finesse-sso', label: 'Single sign-on' }], userNameRequired: false, extensionRequired: true } });
    api.answers['session.signIn'] = () => ({ ok: true, value: snapshot({ profileId: 'fin-sso', seq: 1, phase: 'signing-in' }) });
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  it('a form opened again for the profile starts with the extension the agent signed in on', async () => {
    const first = mount(SignInForm, { props: { profile } });
    await flushPromises();
    await first.get('[data-testid="signin-extension"]').setValue('1001001');
    await first.get('[data-testid="signin-idp-finesse-sso"]').trigger('click');
    await flushPromises();
    expect(api.calls.filter((c) => c.command === 'session.signIn').map((c) => c.args)).toEqual([{ profileId: 'fin-sso', sso: { identityProviderId: 'finesse-sso' }, extension: '1001001' }]);
    first.unmount();
    const again = mount(SignInForm, { props: { profile } });
    await flushPromises();
    expect(again.get<HTMLInputElement>('[data-testid="signin-extension"]').element.value).toBe('1001001');
    // Another profile does not get it.
    await again.setProps({ profile: { ...profile, id: 'other' } });
    await flushPromises();
    expect(again.get<HTMLInputElement>('[data-testid="signin-extension"]').element.value).toBe('');
    again.unmount();
  });
});
