// @vitest-environment happy-dom
// The renderer's GWS bits (issue 11): the profile editor's method, place, SAML path and Salesforce
// settings, and the sign-in form asking for the place when the profile has none.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSchema, type Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import ProfileEditor from '../../../../renderer/components/ProfileEditor.vue';
import SignInForm from '../../../../renderer/components/SignInForm.vue';
import { fakeApi, type FakeApi } from '../fake-api.ts';

describe('GWS in the renderer', () => {
  let api: FakeApi;
  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    setBridge(api);
    api.answers['profiles.save'] = (args) => ({ ok: true, value: (args as { profile: Profile }).profile });
  });
  afterEach(() => setBridge(undefined));

  async function save(fill: (w: ReturnType<typeof mount>) => Promise<void>): Promise<Profile> {
    const wrapper = mount(ProfileEditor, { attachTo: document.body });
    await wrapper.get('[data-testid="field-platform"]').setValue('gws');
    await wrapper.get('[data-testid="field-name"]').setValue('Engage');
    await wrapper.get('[data-testid="field-servers"]').setValue('https://gws.example.com');
    expect(wrapper.find('[data-testid="field-authMode"]').exists()).toBe(false);
    await fill(wrapper);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    wrapper.unmount();
    return (api.calls.find((c) => c.command === 'profiles.save')?.args as { profile: Profile }).profile;
  }

  it('saves a Configuration Server basic profile with its place as a password profile', async () => {
    const sent = await save(async (w) => {
      await w.get('[data-testid="field-options.gws.authMethod"]').setValue('config-server-basic');
      await w.get('[data-testid="field-options.gws.place"]').setValue('SIP_Place_1001');
    });
    expect(sent).toMatchObject({ platform: 'gws', authMode: 'password' });
    expect(sent.options.gws).toEqual({ authMethod: 'config-server-basic', place: 'SIP_Place_1001' });
  });

  it('saves Salesforce settings (header names defaulting to ssid / surl) as an SSO profile', async () => {
    const sent = await save(async (w) => {
      await w.get('[data-testid="field-options.gws.authMethod"]').setValue('salesforce');
      await w.get('[data-testid="field-options.gws.salesforce.loginBase"]').setValue('https://login.salesforce.com');
      await w.get('[data-testid="field-options.gws.salesforce.clientId"]').setValue('3MVG9-consumer');
      await w.get('[data-testid="field-options.gws.salesforce.redirectUri"]').setValue('http://127.0.0.1:48621/callback');
      await w.get('[data-testid="field-options.gws.ssoAllowedHosts"]').setValue('acme.my.salesforce.com');
    });
    expect(sent.authMode).toBe('sso');
    expect(sent.options.gws).toEqual({
      authMethod: 'salesforce',
      salesforce: { loginBase: 'https://login.salesforce.com', clientId: '3MVG9-consumer', redirectUri: 'http://127.0.0.1:48621/callback', sessionIdHeader: 'ssid', identityUrlHeader: 'surl' },
      ssoAllowedHosts: ['acme.my.salesforce.com'],
    });
  });

  it('the sign-in form asks for the place when the profile has none', async () => {
    const profile = ProfileSchema.parse({ id: 'gws', name: 'Engage', platform: 'gws', servers: ['https://gws.example.com'], authMode: 'password', options: { gws: { authMethod: 'gws-basic' } } });
    api.answers['session.signInOptions'] = () => ({ ok: true, value: { credentialsForm: true, identityProviders: [], userNameRequired: true, extensionRequired: true } });
    const wrapper = mount(SignInForm, { props: { profile } });
    await flushPromises();
    expect(wrapper.text()).toContain('Place');
    expect(wrapper.find('[data-testid="signin-extension"]').exists()).toBe(true);
    wrapper.unmount();
  });
});
