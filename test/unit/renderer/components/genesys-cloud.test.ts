// @vitest-environment happy-dom
// The renderer's Genesys Cloud bits: the profile editor's options and the session card's
// "Back to Idle" and not-current state. Nothing Genesys-specific beyond labels reaches the card.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSchema, type Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import ProfileEditor from '../../../../renderer/components/ProfileEditor.vue';
import SessionCard from '../../../../renderer/components/SessionCard.vue';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot, type FakeApi } from '../fake-api.ts';

const profile = ProfileSchema.parse({
  id: 'gc',
  name: 'Genesys Cloud',
  platform: 'genesys-cloud',
  servers: ['https://api.mypurecloud.ie'],
  authMode: 'sso',
  options: { genesysCloud: { region: 'mypurecloud.ie', clientId: 'abc-123', redirectUri: 'http://127.0.0.1:48620/callback' } },
});
const gcSnapshot = (overrides: Parameters<typeof snapshot>[0]) => snapshot({ profileId: 'gc', profileName: 'Genesys Cloud', platform: 'genesys-cloud', ...overrides });

describe('Genesys Cloud in the renderer', () => {
  let api: FakeApi;
  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  it('the editor saves region, client id, redirect, login method and hints; the API base follows the region', async () => {
    api.answers['profiles.save'] = (args) => ({ ok: true, value: (args as { profile: Profile }).profile });
    const wrapper = mount(ProfileEditor, { attachTo: document.body });
    await wrapper.get('[data-testid="field-platform"]').setValue('genesys-cloud');
    await wrapper.get('[data-testid="field-name"]').setValue('Dublin');
    await wrapper.get('[data-testid="field-servers"]').setValue('');
    await wrapper.get('[data-testid="field-options.genesysCloud.region"]').setValue('mypurecloud.ie');
    await wrapper.get('[data-testid="field-options.genesysCloud.clientId"]').setValue('abc-123');
    await wrapper.get('[data-testid="field-options.genesysCloud.redirectUri"]').setValue('http://localhost:48620/callback');
    await wrapper.get('form').trigger('submit');
    expect(api.calls.filter((c) => c.command === 'profiles.save')).toHaveLength(0);
    expect(wrapper.get('[data-testid="error-options.genesysCloud.redirectUri"]').text()).toContain('127.0.0.1');
    await wrapper.get('[data-testid="field-options.genesysCloud.redirectUri"]').setValue('http://127.0.0.1:48620/callback');
    await wrapper.get('[data-testid="field-options.genesysCloud.loginMethod"]').setValue('login-window');
    await wrapper.get('[data-testid="field-options.genesysCloud.org"]').setValue('acme');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const sent = (api.calls.find((c) => c.command === 'profiles.save')?.args as { profile: Profile }).profile;
    expect(sent).toMatchObject({ platform: 'genesys-cloud', authMode: 'sso', servers: ['https://api.mypurecloud.ie'] });
    expect(sent.options.genesysCloud).toEqual({ region: 'mypurecloud.ie', clientId: 'abc-123', redirectUri: 'http://127.0.0.1:48620/callback', loginMethod: 'login-window', org: 'acme' });
    wrapper.unmount();
  });

  it('the card offers the one-click way back to Idle while Not Responding', async () => {
    api.answers['agent.setState'] = () => ({ ok: true, value: gcSnapshot({}) });
    useSessionsStore().apply(
      gcSnapshot({ agent: { kind: 'not-ready', stateId: 'def-onq', label: 'On Queue', reason: 'Not Responding', quickAction: { stateId: 'routing:IDLE', label: 'Back to Idle' } } }),
    );
    const wrapper = mount(SessionCard, { props: { profile } });
    expect(wrapper.get('[data-testid="agent"]').text()).toContain('Not Responding');
    await wrapper.get('[data-testid="agent-quick-action"]').trigger('click');
    await flushPromises();
    expect(api.calls.find((c) => c.command === 'agent.setState')?.args).toEqual({ profileId: 'gc', stateId: 'routing:IDLE' });
    wrapper.unmount();
  });

  it('after a lost sign-in the card keeps the last state marked not current and offers a sign-in', () => {
    useSessionsStore().apply(
      gcSnapshot({
        phase: 'failed',
        agent: { kind: 'ready', stateId: 'def-onq', label: 'On Queue', stale: true },
        lastError: { code: 'genesys-cloud.auth.sign-in-required', message: 'Genesys Cloud needs a fresh sign-in.', action: 'sign-in-again' },
      }),
    );
    const wrapper = mount(SessionCard, { props: { profile } });
    expect(wrapper.get('[data-testid="agent"]').attributes('data-stale')).toBe('true');
    expect(wrapper.get('[data-testid="agent"]').text()).toContain('may not be current');
    expect(wrapper.find('[data-testid="agent-quick-action"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="session-error"]').text()).toContain('fresh sign-in');
    expect(wrapper.get('[data-testid="signin-submit"]').text()).toBe('Sign in with Genesys Cloud');
    wrapper.unmount();
  });
});
