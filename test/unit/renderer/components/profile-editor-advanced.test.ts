// @vitest-environment happy-dom
// issue 13 item 14: the profile editor keeps internals (profile id, ICWS event channel / polling
// interval / heartbeat, Finesse notification port) under a collapsed "Advanced" section, opens it
// for an error there, and offers exactly the platforms this build has adapters for.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import ProfileEditor from '../../../../renderer/components/ProfileEditor.vue';
import { fakeApi } from '../fake-api.ts';

describe('ProfileEditor Advanced section and platforms (issue 13 item 14)', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setBridge(fakeApi());
  });
  afterEach(() => {
    setBridge(undefined);
    document.body.innerHTML = '';
  });

  it('profile id, event channel, polling interval and heartbeat sit in a collapsed Advanced section; the everyday fields do not', async () => {
    const wrapper = mount(ProfileEditor, { props: {}, attachTo: document.body });
    await flushPromises();
    const advanced = wrapper.get('[data-testid="profile-advanced"]');
    expect(advanced.element.tagName).toBe('DETAILS');
    expect((advanced.element as HTMLDetailsElement).open).toBe(false);
    for (const key of ['field-id', 'field-options.messaging', 'field-options.pollIntervalMs', 'field-options.heartbeat']) {
      expect(advanced.find(`[data-testid="${key}"]`).exists(), key).toBe(true);
    }
    for (const key of ['field-name', 'field-platform', 'field-servers', 'field-userName', 'field-options.station']) {
      expect(advanced.find(`[data-testid="${key}"]`).exists(), key).toBe(false);
      expect(wrapper.find(`[data-testid="${key}"]`).exists(), key).toBe(true);
    }
    await wrapper.get('[data-testid="field-platform"]').setValue('finesse');
    expect(advanced.find('[data-testid="field-options.finesse.xmppPort"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('an error in an Advanced field opens the section and focuses that field', async () => {
    const wrapper = mount(ProfileEditor, { props: {}, attachTo: document.body });
    await flushPromises();
    await wrapper.get('[data-testid="field-name"]').setValue('Desk');
    await wrapper.get('[data-testid="field-servers"]').setValue('https://ic1.example.com:8019');
    await wrapper.get('[data-testid="field-options.pollIntervalMs"]').setValue('5');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-testid="error-options.pollIntervalMs"]').exists()).toBe(true);
    expect((wrapper.get('[data-testid="profile-advanced"]').element as HTMLDetailsElement).open).toBe(true);
    expect(document.activeElement).toBe(wrapper.get('[data-testid="field-options.pollIntervalMs"]').element);
    wrapper.unmount();
  });

  // That each of PLATFORMS has an adapter: test/unit/core/platforms/registry-platforms.test.ts (and the Record type).
  it('offers exactly the contract platforms (one list, no second copy)', async () => {
    const wrapper = mount(ProfileEditor, { props: {}, attachTo: document.body });
    await flushPromises();
    const offered = wrapper.findAll('[data-testid="field-platform"] option').map((o) => (o.element as HTMLOptionElement).value);
    expect(offered).toEqual([...PLATFORMS]);
    expect(offered).toEqual(['icws', 'finesse', 'gws', 'genesys-cloud']);
    wrapper.unmount();
  });
});
