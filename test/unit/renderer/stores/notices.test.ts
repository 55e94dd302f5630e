// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import { NOTICE_LIFETIME_MS, useNoticesStore } from '../../../../renderer/stores/notices.ts';
import { useFakeBridge } from '../fake-api.ts';

describe('useNoticesStore', () => {
  const bridge = useFakeBridge({ fakeTimers: true });

  it('info dismisses itself; an error stays until the agent dismisses it (issue 13 item 5, WCAG 2.2.1)', () => {
    const store = useNoticesStore();
    store.start();
    bridge().emit('notice', { level: 'info', message: 'Signed in' });
    bridge().emit('notice', { level: 'error', message: 'Switchover in progress' });
    expect(store.toasts.map((toast) => toast.message)).toEqual(['Signed in', 'Switchover in progress']);
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.info ?? 0);
    expect(store.toasts.map((toast) => toast.message)).toEqual(['Switchover in progress']);
    vi.advanceTimersByTime(10 * 60_000);
    expect(store.toasts.map((toast) => toast.message)).toEqual(['Switchover in progress']);
    const id = store.toasts[0]?.id ?? -1;
    store.dismissByAgent(id);
    expect(store.toasts).toEqual([]);
  });

  it('shows a notice once: no duplicate while shown, and a warning the agent dismissed is remembered (keychain warning, issue 13 item 5)', () => {
    localStorage.clear();
    const store = useNoticesStore();
    const keychain = { level: 'warning' as const, message: 'The system keychain is not available.' };
    store.push(keychain);
    store.push(keychain);
    expect(store.toasts).toHaveLength(1);
    store.dismissByAgent(store.toasts[0]?.id ?? -1);
    // A new window (new store) does not show it again.
    setActivePinia(createPinia());
    const again = useNoticesStore();
    expect(again.push(keychain)).toBeUndefined();
    expect(again.toasts).toEqual([]);
    localStorage.clear();
  });

  it('keeps at most five toasts when notices pile up, dropping the oldest', () => {
    const store = useNoticesStore();
    for (let i = 1; i <= 7; i++) store.push({ level: 'warning', message: `n${i}` });
    expect(store.toasts.map((toast) => toast.message)).toEqual(['n3', 'n4', 'n5', 'n6', 'n7']);
  });
});
