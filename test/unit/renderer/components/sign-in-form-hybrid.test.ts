// @vitest-environment happy-dom
// issue 9 item 4: a HYBRID Finesse server that would not tell the user's mode — the form offers both,
// the SSO choice carries the typed user ID and never the typed password (FIN-09).
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SignInForm from '../../../../renderer/components/SignInForm.vue';
import { fakeApi, snapshot } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';

const profile: Profile = {
  id: 'lab-fin',
  name: 'Lab Finesse',
  platform: 'finesse',
  servers: ['http://127.0.0.1:8445'],
  authMode: 'password',
  language: 'en-US',
  applicationName: 'Patchbay',
  options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct' as const, rememberPassword: false },
};

describe('SignInForm, HYBRID with the user mode unknown', () => {
  let api: FakeApi;
  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    api.answers['session.signIn'] = () => ({ ok: true, value: snapshot({ seq: 1, phase: 'signing-in' }) });
    api.answers['session.signInOptions'] = () => ({
      ok: true,
      value: { credentialsForm: true, identityProviders: [{ id: 'finesse-sso', label: 'Single sign-on' }], userNameRequired: true, extensionRequired: true, note: 'This server did not say whether you sign in with a password or single sign-on.' },
    });
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  it('says so, and single sign-on sends the typed user ID and no password [FIN-06, FIN-09]', async () => {
    const wrapper = mount(SignInForm, { props: { profile } });
    await flushPromises();
    expect(wrapper.get('[data-testid="signin-note"]').text()).toContain('did not say');
    await wrapper.get('[data-testid="signin-username"]').setValue('sjefferson');
    await wrapper.get('[data-testid="signin-password"]').setValue('typed-by-mistake');
    await wrapper.get('[data-testid="signin-extension"]').setValue('1001001');
    await wrapper.get('[data-testid="signin-idp-finesse-sso"]').trigger('click');
    const signIns = api.calls.filter((c) => c.command === 'session.signIn');
    expect(signIns).toEqual([{ command: 'session.signIn', args: { profileId: 'lab-fin', sso: { identityProviderId: 'finesse-sso', userName: 'sjefferson' }, extension: '1001001' } }]);
    expect(JSON.stringify(api.calls)).not.toContain('typed-by-mistake');
    expect((wrapper.get('[data-testid="signin-password"]').element as HTMLInputElement).value).toBe('');
  });
});
