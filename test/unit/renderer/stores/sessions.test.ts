// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import { useSessionsStore } from '../../../../renderer/stores/sessions.ts';
import { fakeApi, snapshot } from '../fake-api.ts';
import type { FakeApi } from '../fake-api.ts';

describe('useSessionsStore', () => {
  let api: FakeApi;

  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    api.answers['session.list'] = () => ({ ok: true, value: [] });
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  it('drops a session.state snapshot whose seq is lower than the one held', async () => {
    const store = useSessionsStore();
    await store.start();
    api.emit('session.state', snapshot({ seq: 5, phase: 'active' }));
    api.emit('session.state', snapshot({ seq: 3, phase: 'reconnecting' }));
    expect(store.get('lab-icws')?.seq).toBe(5);
    expect(store.get('lab-icws')?.phase).toBe('active');
  });

  it('replaces the held snapshot when a newer seq arrives', async () => {
    const store = useSessionsStore();
    await store.start();
    api.emit('session.state', snapshot({ seq: 5, phase: 'active' }));
    api.emit('session.state', snapshot({ seq: 6, phase: 'reconnecting' }));
    expect(store.get('lab-icws')?.phase).toBe('reconnecting');
  });

  it('keeps snapshots of different profiles apart when seqs differ', async () => {
    const store = useSessionsStore();
    await store.start();
    api.emit('session.state', snapshot({ profileId: 'a', seq: 9 }));
    api.emit('session.state', snapshot({ profileId: 'b', seq: 1, phase: 'failed' }));
    expect(store.get('a')?.seq).toBe(9);
    expect(store.get('b')?.phase).toBe('failed');
  });

  it('drops a stale command result when an event already brought a newer snapshot', async () => {
    const store = useSessionsStore();
    await store.start();
    api.emit('session.state', snapshot({ seq: 10, phase: 'active', agent: { kind: 'ready', stateId: 'Available', label: 'Available' } }));
    api.answers['agent.setState'] = () => ({ ok: true, value: snapshot({ seq: 8, phase: 'active' }) });
    const result = await store.setState('lab-icws', 'Away');
    expect(result.ok).toBe(true);
    expect(store.get('lab-icws')?.seq).toBe(10);
    expect(store.get('lab-icws')?.agent?.label).toBe('Available');
  });

  it('sends stateId and reasonId in agent.setState when a reason is chosen', async () => {
    const store = useSessionsStore();
    api.answers['agent.setState'] = () => ({ ok: true, value: snapshot({ seq: 2 }) });
    await store.setState('lab-icws', 'NotReady', 'lunch');
    expect(api.calls.at(-1)).toEqual({ command: 'agent.setState', args: { profileId: 'lab-icws', stateId: 'NotReady', reasonId: 'lunch' } });
  });

  it('marks the profile busy only while signIn is in flight', async () => {
    const store = useSessionsStore();
    let release: (value: unknown) => void = () => {};
    api.invoke = ((command: string) => {
      if (command !== 'session.signIn') return Promise.resolve({ ok: true, value: [] });
      return new Promise((resolve) => {
        release = resolve;
      });
    }) as never;
    const pending = store.signIn('lab-icws');
    expect(store.busy['lab-icws']).toBe('signIn');
    release({ ok: true, value: snapshot({ seq: 3, phase: 'signing-in' }) });
    await pending;
    expect(store.busy['lab-icws']).toBeUndefined();
    expect(store.get('lab-icws')?.phase).toBe('signing-in');
  });
});
