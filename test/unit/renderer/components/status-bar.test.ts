// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Profile } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import StatusBar from '../../../../renderer/components/StatusBar.vue';
import { elapsedClock } from '../../../../renderer/format.ts';
import { useProfilesStore } from '../../../../renderer/stores/profiles.ts';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';

const NOW = Date.parse('2026-12-06T12:00:00Z');
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

describe('elapsedClock (issue 13 item 1 timer)', () => {
  it('reads mm:ss under an hour and h:mm:ss from an hour on', () => {
    expect(elapsedClock(new Date(NOW - 65_000).toISOString(), NOW)).toBe('01:05');
    expect(elapsedClock(new Date(NOW - 0).toISOString(), NOW)).toBe('00:00');
    expect(elapsedClock(new Date(NOW - (3600 + 62) * 1000).toISOString(), NOW)).toBe('1:01:02');
    expect(elapsedClock(undefined, NOW)).toBe('');
  });
});

describe('StatusBar (issue 13 item 1: the state always in view)', () => {
  beforeEach(async () => {
    vi.useFakeTimers({ now: NOW });
    setActivePinia(createPinia());
    const api = fakeApi();
    api.answers['profiles.list'] = () => ({ ok: true, value: [profile] });
    setBridge(api);
    await useProfilesStore().load();
  });
  afterEach(() => {
    setBridge(undefined);
    vi.useRealTimers();
  });

  it('shows the live state in its colour with reason and a running timer', async () => {
    useSessionsStore().apply(
      snapshot({ phase: 'active', agent: { kind: 'not-ready', stateId: 'NR', label: 'Not Ready', reason: 'Lunch', since: new Date(NOW - 125_000).toISOString() } }),
    );
    const wrapper = mount(StatusBar);
    const state = wrapper.get('[data-testid="status-bar-state"]');
    expect(state.classes()).toContain('kind-not-ready');
    expect(state.text()).toContain('Lunch');
    expect(wrapper.get('[data-testid="status-bar-timer"]').text()).toBe('02:05');
    expect(wrapper.get('[data-testid="status-bar-health"]').text()).toContain('Signed in');
    wrapper.unmount();
  });

  it('shows a reconnecting last-known state as stale (not the live colour) with the attempt from 1', () => {
    useSessionsStore().apply(
      snapshot({
        phase: 'reconnecting',
        agent: { kind: 'ready', stateId: 'READY', label: 'Ready' },
        connection: { transport: 'none', reconnectAttempt: 1, nextAttemptAt: new Date(NOW + 7_000).toISOString() },
      }),
    );
    const wrapper = mount(StatusBar);
    const state = wrapper.get('[data-testid="status-bar-state"]');
    expect(state.classes()).not.toContain('kind-ready');
    expect(state.attributes('data-stale')).toBe('true');
    expect(wrapper.get('[data-testid="status-bar-health"]').text()).toContain('attempt 1');
    wrapper.unmount();
  });
});
