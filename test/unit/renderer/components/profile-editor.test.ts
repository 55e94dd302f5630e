// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSchema, validationError } from '../../../../preload/contract.ts';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import ProfileEditor from '../../../../renderer/components/ProfileEditor.vue';
import { fakeApi } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';

describe('ProfileEditor', () => {
  let api: FakeApi;
  const saves = () => api.calls.filter((c) => c.command === 'profiles.save');

  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  function mountEditor(profile?: Profile) {
    return mount(ProfileEditor, { props: profile ? { profile } : {}, attachTo: document.body });
  }

  it('shows per-field errors under name and servers when the name is empty and a server is not a URL', async () => {
    const wrapper = mountEditor();
    await wrapper.get('[data-testid="field-name"]').setValue('');
    await wrapper.get('[data-testid="field-servers"]').setValue('ic1.example.com:8019');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('[data-testid="error-name"]').text()).toBe('Name is required');
    expect(wrapper.get('[data-testid="error-servers"]').text()).toContain('Line 1: Enter a full http(s) address');
    expect(wrapper.get('[data-testid="field-name"]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('[data-testid="field-name"]').attributes('aria-describedby')).toContain('pe-error-name');
    expect(saves()).toHaveLength(0); // nothing reaches main until the form is valid
    wrapper.unmount();
  });

  it('clears an error live once the agent corrects the field after a failed save', async () => {
    const wrapper = mountEditor();
    await wrapper.get('form').trigger('submit');
    expect(wrapper.find('[data-testid="error-name"]').exists()).toBe(true);
    await wrapper.get('[data-testid="field-name"]').setValue('Support desk');
    expect(wrapper.find('[data-testid="error-name"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="error-servers"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('derives the id from the name and saves a valid new profile through profiles.save', async () => {
    api.answers['profiles.save'] = (args) => ({ ok: true, value: (args as { profile: Profile }).profile });
    const wrapper = mountEditor();
    await wrapper.get('[data-testid="field-name"]').setValue('Paris Desk Été');
    expect((wrapper.get('[data-testid="field-id"]').element as HTMLInputElement).value).toBe('paris-desk-ete');
    await wrapper.get('[data-testid="field-servers"]').setValue('https://ic1.example.com:8019\n\n https://ic2.example.com:8019 ');
    await wrapper.get('[data-testid="field-language"]').setValue('fr-FR');
    await wrapper.get('form').trigger('submit');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(saves()).toHaveLength(1);
    const sent = (saves()[0]?.args as { profile: Profile }).profile;
    expect(ProfileSchema.safeParse(sent).success).toBe(true);
    expect(sent).toMatchObject({
      id: 'paris-desk-ete',
      servers: ['https://ic1.example.com:8019', 'https://ic2.example.com:8019'],
      language: 'fr-FR',
      authMode: 'password',
    });
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ id: 'paris-desk-ete' });
    wrapper.unmount();
  });

  it('shows server-side validation errors under their fields', async () => {
    const bad = ProfileSchema.safeParse({ id: 'x', name: 'x', platform: 'icws', servers: ['nope'], authMode: 'password' });
    if (bad.success) throw new Error('expected a failing parse');
    const prefixed = { ...bad.error, issues: bad.error.issues.map((issue) => ({ ...issue, path: ['profile', ...issue.path] })) };
    api.answers['profiles.save'] = () => ({ ok: false, error: validationError(prefixed as typeof bad.error) });
    // The server rejects what the renderer thought valid (e.g. an older contract): still per field.
    const wrapper = mountEditor({
      id: 'desk',
      name: 'Desk',
      platform: 'icws',
      servers: ['https://ic1.example.com'],
      authMode: 'password',
      language: 'en-US',
      applicationName: 'Patchbay',
      options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct' as const, rememberPassword: false },
    });
    expect(wrapper.get('[data-testid="field-id"]').attributes('readonly')).toBeDefined();
    await wrapper.get('form').trigger('submit');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(wrapper.get('[data-testid="error-servers"]').text()).toContain('Line 1: Enter a full http(s) address');
    expect(wrapper.get('[data-testid="profile-editor-error"]').text()).toContain('Invalid arguments');
    wrapper.unmount();
  });

  it('disables the fields IT locked and says so [policy]', async () => {
    api.answers['policy.get'] = () => ({
      ok: true,
      value: {
        managedProfileIds: [],
        lockedProfileFields: ['servers', 'platform'],
        allowUserProfiles: true,
        rememberPasswordAllowed: true,
        rejected: [],
        secretsBackend: 'keychain',
        profileDefaults: { platform: 'finesse', servers: ['https://fin-a.corp.example.com:8445'] },
      },
    });
    const wrapper = mount(ProfileEditor, { props: {} });
    await flushPromises();
    // A new profile starts from IT's defaults, which the locked fields keep.
    expect((wrapper.get('[data-testid="field-servers"]').element as HTMLTextAreaElement).value).toBe('https://fin-a.corp.example.com:8445');
    expect((wrapper.get('[data-testid="field-platform"]').element as HTMLSelectElement).value).toBe('finesse');
    expect(wrapper.get('[data-testid="field-servers"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="field-platform"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="field-name"]').attributes('disabled')).toBeUndefined();
    // issue 13 item 14: named by their labels, not the contract keys.
    expect(wrapper.get('[data-testid="profile-locked"]').text()).toContain('Servers, Platform');
    expect(wrapper.get('[data-testid="profile-locked"]').text()).not.toContain('servers');
    expect(wrapper.find('[data-testid="field-options.rememberPassword"]').exists()).toBe(true);
  });

  it("keeps a Finesse profile's other options when the notification port changes, and rejects a bad port", async () => {
    api.answers['profiles.save'] = (args) => ({ ok: true, value: (args as { profile: Profile }).profile });
    const profile = ProfileSchema.parse({
      id: 'site-f', name: 'Site F', platform: 'finesse', servers: ['https://fin-a.example.com:8445', 'https://fin-b.example.com:8445'], authMode: 'sso',
      options: { finesse: { ssoAllowedHosts: ['adfs.example.com'], stateConfirmTimeoutMs: 5000 } },
    });
    const wrapper = mountEditor(profile);
    await wrapper.get('[data-testid="field-options.finesse.xmppPort"]').setValue('abc');
    await wrapper.get('form').trigger('submit');
    expect(saves()).toHaveLength(0);
    expect(wrapper.get('[data-testid="error-options.finesse.xmppPort"]').text()).not.toBe('');
    await wrapper.get('[data-testid="field-options.finesse.xmppPort"]').setValue('7443');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const sent = (saves()[0]?.args as { profile: Profile }).profile;
    expect(sent.options.finesse).toEqual({ ssoAllowedHosts: ['adfs.example.com'], stateConfirmTimeoutMs: 5000, xmppPort: 7443 });
    wrapper.unmount();
  });
});
