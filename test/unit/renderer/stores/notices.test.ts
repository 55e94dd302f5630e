// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import { NOTICE_LIFETIME_MS, useNoticesStore } from '../../../../renderer/stores/notices.ts';
import { fakeApi } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';

describe('useNoticesStore', () => {
  let api: FakeApi;

  beforeEach(() => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
    api = fakeApi();
    setBridge(api);
  });
  afterEach(() => {
    setBridge(undefined);
    vi.useRealTimers();
  });

  it('turns notice events into toasts that dismiss themselves after their level lifetime', () => {
    const store = useNoticesStore();
    store.start();
    api.emit('notice', { level: 'info', message: 'Signed in' });
    api.emit('notice', { level: 'error', message: 'Switchover in progress' });
    expect(store.toasts.map((toast) => toast.message)).toEqual(['Signed in', 'Switchover in progress']);
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.info);
    expect(store.toasts.map((toast) => toast.message)).toEqual(['Switchover in progress']);
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.error);
    expect(store.toasts).toEqual([]);
  });

  it('keeps at most five toasts when notices pile up, dropping the oldest', () => {
    const store = useNoticesStore();
    for (let i = 1; i <= 7; i++) store.push({ level: 'warning', message: `n${i}` });
    expect(store.toasts.map((toast) => toast.message)).toEqual(['n3', 'n4', 'n5', 'n6', 'n7']);
  });
});
