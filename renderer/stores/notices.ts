// Toasts from `notice` events (and from the renderer itself). They dismiss themselves; errors stay
// longer so an agent who looked away still sees them.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Notice } from '../../preload/contract.ts';
import { getBridge } from '../api/bridge.ts';

export interface Toast extends Notice {
  id: number;
  at: number;
}

export const NOTICE_LIFETIME_MS: Record<Notice['level'], number> = { info: 6_000, warning: 10_000, error: 20_000 };
const MAX_TOASTS = 5;

export const useNoticesStore = defineStore('notices', () => {
  const toasts = ref<Toast[]>([]);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;
  let unsubscribe: (() => void) | undefined;

  function dismiss(id: number): void {
    const timer = timers.get(id);
    if (timer) clearTimeout(timer);
    timers.delete(id);
    toasts.value = toasts.value.filter((toast) => toast.id !== id);
  }

  function push(notice: Notice): number {
    const id = nextId++;
    toasts.value = [...toasts.value, { ...notice, id, at: Date.now() }];
    while (toasts.value.length > MAX_TOASTS) {
      const oldest = toasts.value[0];
      if (oldest) dismiss(oldest.id);
    }
    timers.set(id, setTimeout(() => dismiss(id), NOTICE_LIFETIME_MS[notice.level]));
    return id;
  }

  function start(): void {
    unsubscribe ??= getBridge().on('notice', (notice) => {
      push(notice);
    });
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = undefined;
    for (const id of [...timers.keys()]) dismiss(id);
  }

  return { toasts, push, dismiss, start, stop };
});
