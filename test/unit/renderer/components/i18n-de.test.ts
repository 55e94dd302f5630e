// @vitest-environment happy-dom
// issue 13 item 11: components render in German when the agent picks it in Settings, and back.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile, SettingsView } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SettingsPanel from '../../../../renderer/components/SettingsPanel.vue';
import SignInForm from '../../../../renderer/components/SignInForm.vue';
import { currentLocale, loadLocale, setLocale } from '../../../../renderer/i18n/index.ts';
import { fakeApi, type FakeApi } from '../fake-api.ts';

const profile: Profile = {
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

describe('German in the renderer (issue 13 item 11)', () => {
  let api: FakeApi;
  let view: SettingsView;
  beforeEach(async () => {
    // German is its own chunk, fetched when chosen (renderer/i18n/index.ts); loaded up front here so
    // the switch after Save happens within flushPromises.
    expect(await loadLocale('de')).toBe(true);
    setActivePinia(createPinia());
    api = fakeApi();
    view = { settings: { logLevel: 'info', network: {}, updates: { enabled: true } }, locked: [] };
    api.answers['settings.get'] = () => ({ ok: true, value: view });
    api.answers['settings.save'] = (args) => {
      const language = (args as { language?: 'en' | 'de' | null }).language;
      view = { ...view, settings: { ...view.settings, ...(language ? { language } : {}) } };
      if (language === null) delete view.settings.language;
      return { ok: true, value: view };
    };
    setBridge(api);
  });
  afterEach(() => {
    setBridge(undefined);
    setLocale('en');
  });

  it('the sign-in form renders in German', async () => {
    await setLocale('de');
    const wrapper = mount(SignInForm, { props: { profile }, attachTo: document.body });
    await flushPromises();
    expect(wrapper.get('label[for="si-user-lab-icws"]').text()).toBe('Benutzername');
    expect(wrapper.get('label[for="si-password-lab-icws"]').text()).toBe('Passwort');
    expect(wrapper.get('[data-testid="signin-submit"]').text()).toBe('Anmelden');
    expect(wrapper.get('form').attributes('aria-label')).toBe('Bei Lab ICWS anmelden');
    wrapper.unmount();
  });

  it('choosing Deutsch in Settings saves language=de and switches the words at once; "same as the computer" sends null', async () => {
    const panel = mount(SettingsPanel, { attachTo: document.body });
    const form = mount(SignInForm, { props: { profile }, attachTo: document.body });
    await flushPromises();
    expect(form.get('[data-testid="signin-submit"]').text()).toBe('Sign in');
    await panel.get('[data-testid="setting-language"]').setValue('de');
    await panel.get('form').trigger('submit');
    await flushPromises();
    expect(api.calls.filter((c) => c.command === 'settings.save').map((c) => c.args)).toContainEqual({ language: 'de' });
    expect(currentLocale()).toBe('de');
    expect(form.get('[data-testid="signin-submit"]').text()).toBe('Anmelden');
    expect(panel.get('#sp-title').text()).toBe('Einstellungen');

    await panel.get('[data-testid="setting-language"]').setValue('');
    await panel.get('form').trigger('submit');
    await flushPromises();
    expect(api.calls.filter((c) => c.command === 'settings.save').map((c) => c.args)).toContainEqual({ language: null });
    expect(currentLocale()).toBe('en'); // happy-dom's navigator.language is en-US
    expect(form.get('[data-testid="signin-submit"]').text()).toBe('Sign in');
    panel.unmount();
    form.unmount();
  });
});
