// A scripted PatchbayApi for store and component tests: records invokes, answers from a table,
// and lets a test emit events as the main process would.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, vi } from 'vitest';
import type { CommandName, EventName, EventPayload, PatchbayApi, Result, SessionState } from '../../../preload/contract.ts';
import { setBridge } from '../../../renderer/api/bridge.ts';

export interface InvokeCall {
  command: CommandName;
  args: unknown;
}

export interface FakeApi extends PatchbayApi {
  calls: InvokeCall[];
  answers: Partial<Record<CommandName, (args: unknown) => Result<unknown>>>;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export function fakeApi(): FakeApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const api: FakeApi = {
    calls: [],
    answers: {},
    invoke(command, args) {
      api.calls.push({ command, args: structuredClone(args) });
      const answer = api.answers[command];
      const result = answer ? answer(args) : { ok: false as const, error: { code: 'test.unscripted', message: `no answer for ${command}`, action: 'none' as const } };
      return Promise.resolve(result) as never;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
  return api;
}

export function snapshot(overrides: Partial<SessionState> = {}): SessionState {
  return {
    profileId: 'lab-icws',
    profileName: 'Lab ICWS',
    platform: 'icws',
    phase: 'active',
    selectableStates: [],
    seq: 1,
    updatedAt: '2025-01-01T09:00:00.000Z',
    ...overrides,
  };
}

/** The set-up most renderer tests share: per test a fresh Pinia and a fake bridge (and fake timers
 *  when asked), undone after. Returns the current test's FakeApi. */
export function useFakeBridge(options: { fakeTimers?: boolean } = {}): () => FakeApi {
  let api: FakeApi | undefined;
  beforeEach(() => {
    if (options.fakeTimers) vi.useFakeTimers();
    setActivePinia(createPinia());
    api = fakeApi();
    setBridge(api);
  });
  afterEach(() => {
    setBridge(undefined);
    vi.useRealTimers();
  });
  return () => {
    if (!api) throw new Error('useFakeBridge: no test is running');
    return api;
  };
}
