// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SettingsPanel from '../../../../renderer/components/SettingsPanel.vue';
import { fakeApi, type FakeApi } from '../fake-api.ts';

const view = (overrides: Partial<SettingsView> = {}): SettingsView => ({
  settings: { logLevel: 'info', network: {}, updates: { enabled: true } },
  locked: [],
  ...overrides,
});

describe('SettingsPanel', () => {
  let api: FakeApi;
  const saves = () => api.calls.filter((c) => c.command === 'settings.save');

  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  async function mountPanel() {
    const wrapper = mount(SettingsPanel, { attachTo: document.body });
    await flushPromises();
    return wrapper;
  }

  it('disables the keys IT locks and says so when the policy sets the proxy', async () => {
    api.answers['settings.get'] = () => ({ ok: true, value: view({ settings: { logLevel: 'info', network: { proxy: 'http://it-proxy.example.com:8080' }, updates: { enabled: true } }, locked: ['network.proxy', 'network.noProxy'] }) });
    const wrapper = await mountPanel();
    const proxy = wrapper.get('[data-testid="setting-proxy"]');
    expect(proxy.attributes('disabled')).toBeDefined();
    expect((proxy.element as HTMLInputElement).value).toBe('http://it-proxy.example.com:8080');
    expect(proxy.attributes('aria-describedby')).toContain('sp-locked-proxy');
    expect(wrapper.get('#sp-locked-proxy').text()).toBe('Set by your IT team');
    expect(wrapper.get('[data-testid="setting-caBundle"]').attributes('disabled')).toBeUndefined();
    expect(wrapper.get('[data-testid="setting-logLevel"]').attributes('disabled')).toBeUndefined();
    expect(wrapper.get('[data-testid="settings-panel"]').text()).toContain('Network changes apply the next time Patchbay starts');
    wrapper.unmount();
  });

  it('sends only the changed keys and never a locked one when Save is pressed', async () => {
    api.answers['settings.get'] = () => ({ ok: true, value: view({ settings: { logLevel: 'info', network: { proxy: 'http://it-proxy.example.com:8080' }, updates: { enabled: true } }, locked: ['network.proxy', 'network.noProxy'] }) });
    api.answers['settings.save'] = () => ({ ok: true, value: view({ settings: { logLevel: 'debug', network: { proxy: 'http://it-proxy.example.com:8080', caBundle: '/etc/ssl/corp.pem' }, updates: { enabled: false } }, locked: ['network.proxy', 'network.noProxy'] }) });
    const wrapper = await mountPanel();
    await wrapper.get('[data-testid="setting-logLevel"]').setValue('debug');
    await wrapper.get('[data-testid="setting-caBundle"]').setValue('/etc/ssl/corp.pem');
    await wrapper.get('[data-testid="setting-updates"]').setValue(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(saves()[0]?.args).toEqual({ logLevel: 'debug', network: { caBundle: '/etc/ssl/corp.pem' }, updates: { enabled: false } });
    expect(wrapper.get('[data-testid="settings-saved"]').text()).toContain('next time Patchbay starts');
    wrapper.unmount();
  });

  it('shows the error under the field main names when a value is invalid', async () => {
    api.answers['settings.get'] = () => ({ ok: true, value: view() });
    api.answers['settings.save'] = () => ({ ok: false, error: { code: 'settings.invalid', message: 'Invalid settings — network.proxy: Use a proxy address such as http://proxy.example.com:3128', action: 'none' } });
    const wrapper = await mountPanel();
    await wrapper.get('[data-testid="setting-proxy"]').setValue('proxy:3128');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(saves()[0]?.args).toEqual({ network: { proxy: 'proxy:3128' } });
    expect(wrapper.get('[data-testid="setting-error-proxy"]').text()).toBe('Use a proxy address such as http://proxy.example.com:3128');
    expect(wrapper.get('[data-testid="setting-proxy"]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('[data-testid="settings-error"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows a refused locked key as an overall error', async () => {
    api.answers['settings.get'] = () => ({ ok: true, value: view() });
    api.answers['settings.save'] = () => ({ ok: false, error: { code: 'settings.locked', message: 'network.proxy is set by your IT department and cannot be changed.', action: 'none' } });
    const wrapper = await mountPanel();
    await wrapper.get('[data-testid="setting-proxy"]').setValue('http://mine.example.com:3128');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="settings-error"]').text()).toContain('set by your IT department');
    wrapper.unmount();
  });

  it('clears a value by sending null when the agent empties the field', async () => {
    api.answers['settings.get'] = () => ({ ok: true, value: view({ settings: { logLevel: 'info', network: { caBundle: '/etc/ssl/corp.pem' }, updates: { enabled: true } } }) });
    api.answers['settings.save'] = () => ({ ok: true, value: view() });
    const wrapper = await mountPanel();
    await wrapper.get('[data-testid="setting-caBundle"]').setValue('');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(saves()[0]?.args).toEqual({ network: { caBundle: null } });
    wrapper.unmount();
  });
});
