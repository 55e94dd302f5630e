// @vitest-environment happy-dom
// CallList (issue 13 item 9): ringing banner, only the offered actions, call.act, typed refusal shown.
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Call } from '../../../../preload/contract.ts';
import CallList from '../../../../renderer/components/CallList.vue';
import { snapshot, useFakeBridge } from '../fake-api.ts';

describe('CallList', () => {
  const bridge = useFakeBridge();
  // Unit files share worker processes (vitest.config.mts): no fake clock may outlive its test.
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a ringing call as an alert banner with the caller and offers Answer only', () => {
    const calls: Call[] = [{ id: 'D1', direction: 'inbound', from: '5551234', state: 'ALERTING', actions: ['answer'] }];
    const w = mount(CallList, { props: { profileId: 'p1', calls } });
    const banner = w.get('[data-testid="ring-banner-D1"]');
    expect(banner.attributes('role')).toBe('alert');
    expect(banner.text()).toBe('Incoming call from 5551234');
    expect(w.findAll('button').map((b) => b.text())).toEqual(['Answer']);
    w.unmount();
  });

  it('offers exactly the actions the platform lists, no banner once answered, and a running mm:ss timer', () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T08:05:07Z') });
    const calls: Call[] = [
      { id: 'D1', direction: 'inbound', from: '5551234', state: 'ACTIVE', since: '2026-01-01T08:00:00Z', actions: ['hold', 'release'] },
      { id: 'D2', direction: 'inbound', from: '5550000', state: 'HELD', since: '2026-01-01T06:59:00Z', actions: ['retrieve', 'release'] },
      { id: 'D3', direction: 'inbound', from: '5559999', state: 'ACTIVE' },
    ];
    const w = mount(CallList, { props: { profileId: 'p1', calls } });
    expect(w.find('[role="alert"]').exists()).toBe(false);
    expect(w.get('[data-testid="call-D1"]').findAll('button').map((b) => b.text())).toEqual(['Hold', 'Release']);
    expect(w.get('[data-testid="call-D2"]').findAll('button').map((b) => b.text())).toEqual(['Retrieve', 'Release']);
    expect(w.get('[data-testid="call-D3"]').findAll('button')).toHaveLength(0);
    expect(w.get('[data-testid="call-timer-D1"]').text()).toBe('05:07');
    expect(w.get('[data-testid="call-timer-D2"]').text()).toBe('1:06:07');
    expect(w.find('[data-testid="call-timer-D3"]').exists()).toBe(false);
    w.unmount();
  });

  it('sends call.act and shows a refusal in plain words', async () => {
    const calls: Call[] = [{ id: 'D1', direction: 'inbound', from: '5551234', state: 'ALERTING', actions: ['answer'] }];
    bridge().answers['call.act'] = () => ({ ok: false, error: { code: 'call.action-refused', message: 'Finesse refused the call action.', action: 'none' } });
    const w = mount(CallList, { props: { profileId: 'p1', calls } });
    await w.get('[data-testid="call-answer-D1"]').trigger('click');
    await new Promise((r) => setTimeout(r, 0));
    expect(bridge().calls.filter((c) => c.command === 'call.act').map((c) => c.args)).toEqual([{ profileId: 'p1', callId: 'D1', action: 'answer' }]);
    expect(w.get('[data-testid="call-error"]').text()).toContain('Finesse refused the call action.');
    bridge().answers['call.act'] = () => ({ ok: true, value: snapshot({}) });
    w.unmount();
  });
});
