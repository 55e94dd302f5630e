// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import SessionCard from '../../../../renderer/components/SessionCard.vue';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';

const profile: Profile = {
  id: 'lab-icws',
  name: 'Lab ICWS',
  platform: 'icws',
  servers: ['https://ic1.example.com:8019'],
  authMode: 'password',
  language: 'en-US',
  applicationName: 'Patchbay',
  options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct' as const, rememberPassword: false },
};

describe('SessionCard', () => {
  let api: FakeApi;

  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  it('shows the agent status label, the server and one button per selectable state when signed in', () => {
    useSessionsStore().apply(
      snapshot({
        server: 'https://ic2.example.com:8019',
        agent: { kind: 'ready', stateId: 'Available', label: 'Available', since: new Date(Date.now() - 12 * 60_000).toISOString() },
        selectableStates: [
          { id: 'Available', label: 'Available', kind: 'ready', reasons: [], reasonRequired: false },
          { id: 'Away', label: 'Away from desk', kind: 'not-ready', reasons: [], reasonRequired: false },
        ],
      }),
    );
    const wrapper = mount(SessionCard, { props: { profile } });
    expect(wrapper.get('[data-testid="session-phase"]').text()).toBe('Signed in');
    expect(wrapper.get('[data-testid="session-server"]').text()).toBe('https://ic2.example.com:8019');
    expect(wrapper.get('[data-testid="agent-status"]').text()).toBe('Available');
    expect(wrapper.get('[data-testid="agent-status-since"]').text()).toMatch(/^since .+ \(12 min\)$/);
    expect(wrapper.get('[data-testid="status-option-Available"]').attributes('aria-pressed')).toBe('true');
    expect(wrapper.get('[data-testid="status-option-Away"]').attributes('aria-pressed')).toBe('false');
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('tells the agent to contact IT when the last error asks for it, with no retry button', () => {
    useSessionsStore().apply(
      snapshot({ phase: 'failed', lastError: { code: 'icws.licence', message: 'No I3_FEATURE_ICWS_SDK licence.', action: 'contact-it' } }),
    );
    const wrapper = mount(SessionCard, { props: { profile } });
    const error = wrapper.get('[data-testid="session-error"]');
    expect(error.text()).toContain('No I3_FEATURE_ICWS_SDK licence.');
    expect(error.text()).toContain('Contact your IT team');
    expect(wrapper.find('[data-testid="session-error-retry"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('offers a sign-in-again button that reveals the form when an active session needs a new sign-in [FIN-14]', async () => {
    useSessionsStore().apply(
      snapshot({ phase: 'active', lastError: { code: 'finesse.refresh-expired', message: 'Your sign-in expires soon.', action: 'sign-in-again' } }),
    );
    const wrapper = mount(SessionCard, { props: { profile }, attachTo: document.body });
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(false);
    await wrapper.get('[data-testid="session-error-signin"]').trigger('click');
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('a refused request (401 after the renewal) shows one story: "Sign-in needed", stale status, no "Signed in as", no Sign out (issue 13 item 2)', () => {
    useSessionsStore().apply(
      snapshot({
        phase: 'active',
        userDisplayName: 'Agent One',
        agent: { kind: 'ready', stateId: 'READY', label: 'Ready' },
        token: { expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
        lastError: { code: 'finesse.unauthorized', message: 'Finesse refused the sign-in.', action: 'sign-in-again' },
      }),
    );
    const wrapper = mount(SessionCard, { props: { profile } });
    expect(wrapper.get('[data-testid="session-phase"]').text()).toBe('Sign-in needed');
    const agent = wrapper.get('[data-testid="agent"]');
    expect(agent.attributes('data-stale')).toBe('true');
    expect(agent.classes()).not.toContain('kind-ready');
    expect(wrapper.text()).not.toContain('Signed in as');
    expect(wrapper.find('[data-testid="session-token"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="signout"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('while reconnecting the last-known status is not in the live colour and counts down; attempts count from 1 (issue 13 item 2)', () => {
    useSessionsStore().apply(
      snapshot({
        phase: 'reconnecting',
        agent: { kind: 'ready', stateId: 'Available', label: 'Available' },
        connection: { transport: 'none', reconnectAttempt: 0, nextAttemptAt: new Date(Date.now() + 9_500).toISOString() },
      }),
    );
    const wrapper = mount(SessionCard, { props: { profile } });
    const agent = wrapper.get('[data-testid="agent"]');
    expect(agent.classes()).not.toContain('kind-ready');
    expect(agent.text()).toMatch(/next try in \d+ s/);
    expect(wrapper.get('[data-testid="session-phase"]').text()).toContain('attempt 1');
    expect(wrapper.text()).not.toContain('Reconnect to continue');
    expect(wrapper.find('[data-testid="signin-password"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows a failed sign-in command as the session error', async () => {
    api.answers['session.signIn'] = () => ({ ok: false, error: { code: 'icws.connect.rejected', message: 'The authentication process failed.', action: 'sign-in-again' } });
    const wrapper = mount(SessionCard, { props: { profile } });
    await wrapper.get('[data-testid="signin-username"]').setValue('agent1');
    await wrapper.get('[data-testid="signin-password"]').setValue('wrong');
    await wrapper.get('form').trigger('submit');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(wrapper.get('[data-testid="session-error"]').text()).toContain('The authentication process failed.');
    wrapper.unmount();
  });

  it('lists the agent\'s calls, one item each, with the other party, state and since', () => {
    const since = new Date(Date.now() - 3 * 60_000).toISOString();
    useSessionsStore().apply(
      snapshot({
        platform: 'finesse',
        calls: [
          { id: '16777301', direction: 'inbound', from: '5551234', to: '1001001', state: 'ACTIVE', since },
          { id: '16777302', direction: 'outbound', from: '1001001', to: '5550000', state: 'HELD' },
          { id: '16777303', direction: 'inbound', from: '5559999', state: 'ALERTING' },
        ],
      }),
    );
    const wrapper = mount(SessionCard, { props: { profile } });
    const list = wrapper.get('[data-testid="session-calls"]');
    expect(list.findAll('li')).toHaveLength(3);
    // Issue 13 item 9 (CallList): party · state · running mm:ss timer; a ringing call gets a banner.
    expect(wrapper.get('[data-testid="call-16777301"]').text()).toMatch(/^5551234 · Connected · 03:0\d$/);
    expect(wrapper.get('[data-testid="call-16777302"]').text()).toBe('5550000 · On hold');
    expect(wrapper.get('[data-testid="call-16777303"]').text()).toBe('5559999 · Ringing');
    expect(wrapper.get('[data-testid="ring-banner-16777303"]').attributes('role')).toBe('alert');
    wrapper.unmount();
  });

  it('shows no call list without calls or once the session has ended', () => {
    const store = useSessionsStore();
    store.apply(snapshot({ calls: [] }));
    const wrapper = mount(SessionCard, { props: { profile } });
    expect(wrapper.find('[data-testid="session-calls"]').exists()).toBe(false);
    wrapper.unmount();
    store.apply(snapshot({ seq: 2, phase: 'failed', calls: [{ id: 'D1', direction: 'unknown', state: 'ACTIVE' }] }));
    const failed = mount(SessionCard, { props: { profile } });
    expect(failed.find('[data-testid="session-calls"]').exists()).toBe(false);
    failed.unmount();
  });
});
