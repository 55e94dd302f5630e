// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SignInForm from '../../../../renderer/components/SignInForm.vue';
import { fakeApi, snapshot } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';

const base: Profile = {
  id: 'lab-icws',
  name: 'Lab ICWS',
  platform: 'icws',
  servers: ['http://127.0.0.1:8019'],
  authMode: 'password',
  userName: 'agent1',
  language: 'en-US',
  applicationName: 'Patchbay',
  options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct' as const, rememberPassword: false },
};

describe('SignInForm', () => {
  let api: FakeApi;
  let pinia: Pinia;

  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    api = fakeApi();
    api.answers['session.signIn'] = () => ({ ok: true, value: snapshot({ seq: 1, phase: 'signing-in' }) });
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));
  const signIns = () => api.calls.filter((c) => c.command === 'session.signIn');

  it('sends the credentials once and clears the password from the form and every store [CARD-03]', async () => {
    const wrapper = mount(SignInForm, { props: { profile: base } });
    const password = wrapper.get('[data-testid="signin-password"]');
    expect(password.attributes('type')).toBe('password');
    expect(password.attributes('autocomplete')).toBe('current-password');
    expect((wrapper.get('[data-testid="signin-username"]').element as HTMLInputElement).value).toBe('agent1');
    await password.setValue('hunter2-secret');
    await wrapper.get('form').trigger('submit');
    expect(signIns()).toEqual([
      { command: 'session.signIn', args: { profileId: 'lab-icws', credentials: { userName: 'agent1', password: 'hunter2-secret' } } },
    ]);
    expect((password.element as HTMLInputElement).value).toBe('');
    expect(JSON.stringify(pinia.state.value)).not.toContain('hunter2-secret');
  });

  it('refuses to send when the password is empty', async () => {
    const wrapper = mount(SignInForm, { props: { profile: base } });
    await wrapper.get('form').trigger('submit');
    expect(signIns()).toHaveLength(0);
    expect(wrapper.text()).toContain('Enter your password');
  });

  it('offers the identity provider and no password field when the profile uses SSO [FIN-09]', async () => {
    const wrapper = mount(SignInForm, { props: { profile: { ...base, authMode: 'sso' } } });
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="signin-submit"]').text()).toBe('Sign in with your identity provider');
    await wrapper.get('form').trigger('submit');
    expect(signIns()).toEqual([{ command: 'session.signIn', args: { profileId: 'lab-icws', sso: {} } }]);
  });

  it("follows the server's options: no password form when icAuth is not allowed, one button per identity provider [ICWS-09]", async () => {
    api.answers['session.signInOptions'] = () => ({
      ok: true,
      value: { credentialsForm: false, identityProviders: [{ id: 'idp-1', label: 'Lab IdP' }], userNameRequired: false, extensionRequired: false, note: 'This server allows single sign-on only.' },
    });
    const wrapper = mount(SignInForm, { props: { profile: base } });
    await flushPromises();
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="signin-note"]').text()).toContain('single sign-on only');
    await wrapper.get('[data-testid="signin-idp-idp-1"]').trigger('click');
    expect(signIns()).toEqual([{ command: 'session.signIn', args: { profileId: 'lab-icws', sso: { identityProviderId: 'idp-1' } } }]);
  });

  it('asks for the user id and extension, but no password, for a Finesse SSO user [FIN-09]', async () => {
    api.answers['session.signInOptions'] = () => ({ ok: true, value: { credentialsForm: false, identityProviders: [], userNameRequired: true, extensionRequired: true } });
    const wrapper = mount(SignInForm, { props: { profile: { ...base, platform: 'finesse', authMode: 'sso' } } });
    await flushPromises();
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(false);
    await wrapper.get('form').trigger('submit');
    expect(signIns()).toHaveLength(0);
    expect(wrapper.text()).toContain('Enter the extension');
    await wrapper.get('[data-testid="signin-extension"]').setValue('1001');
    await wrapper.get('form').trigger('submit');
    expect(signIns()).toEqual([{ command: 'session.signIn', args: { profileId: 'lab-icws', sso: { userName: 'agent1' }, extension: '1001' } }]);
  });
});
