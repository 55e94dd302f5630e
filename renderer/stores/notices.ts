// Toasts from `notice` events (and from the renderer itself). Info and warnings dismiss themselves;
// errors stay until the agent dismisses them (issue 13 item 5, WCAG 2.2.1). A notice the agent
// dismissed (the keychain warning) is remembered and not shown again; the same notice never shows twice.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Notice } from '../../preload/contract.ts';
import { getBridge } from '../api/bridge.ts';

/** A file the notice is about (the diagnostics zip): its path stays on screen with an action. */
export interface NoticeFile {
  path: string;
  /** Electron can show it in the file manager; the browser shell offers "Copy path" instead. */
  canReveal: boolean;
}

export interface Toast extends Notice {
  id: number;
  at: number;
  file?: NoticeFile;
}

export const NOTICE_LIFETIME_MS: Record<Notice['level'], number | undefined> = { info: 6_000, warning: 10_000, error: undefined };
const DISMISSED_KEY = 'patchbay.dismissed-notices';

function dismissedSet(): Set<string> {
  try {
    const raw = globalThis.localStorage?.getItem(DISMISSED_KEY);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []);
  } catch {
    return new Set();
  }
}
const MAX_TOASTS = 5;

export const useNoticesStore = defineStore('notices', () => {
  const toasts = ref<Toast[]>([]);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;
  let unsubscribe: (() => void) | undefined;

  /** The agent closed it: remember warnings and errors so they are not shown again. */
  function dismissByAgent(id: number): void {
    const toast = toasts.value.find((item) => item.id === id);
    if (toast && toast.level !== 'info') {
      const set = dismissedSet();
      set.add(toast.message);
      try {
        globalThis.localStorage?.setItem(DISMISSED_KEY, JSON.stringify([...set].slice(-50)));
      } catch {
        // Storage unavailable: the notice may come back next start; nothing secret is lost.
      }
    }
    dismiss(id);
  }

  function dismiss(id: number): void {
    const timer = timers.get(id);
    if (timer) clearTimeout(timer);
    timers.delete(id);
    toasts.value = toasts.value.filter((toast) => toast.id !== id);
  }

  function push(notice: Notice & { file?: NoticeFile }): number | undefined {
    if (notice.level !== 'info' && dismissedSet().has(notice.message)) return undefined;
    const same = toasts.value.find((toast) => toast.level === notice.level && toast.message === notice.message);
    if (same) return same.id; // never the same notice twice
    const id = nextId++;
    toasts.value = [...toasts.value, { ...notice, id, at: Date.now() }];
    while (toasts.value.length > MAX_TOASTS) {
      const oldest = toasts.value[0];
      if (oldest) dismiss(oldest.id);
    }
    // A notice with a file keeps its path until dismissed (issue 13 item 5: "diagnostics saved" keeps the path).
    const lifetime = notice.file ? undefined : NOTICE_LIFETIME_MS[notice.level];
    if (lifetime !== undefined) timers.set(id, setTimeout(() => dismiss(id), lifetime));
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

  return { toasts, push, dismiss, dismissByAgent, start, stop };
});
