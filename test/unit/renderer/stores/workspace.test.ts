// @vitest-environment happy-dom
// The Genesys workspace store (issue 12): fed by workspace.open's answer and workspace.state events only.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceView } from '../../../../preload/contract.ts';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import { useWorkspaceStore } from '../../../../renderer/stores/workspace.ts';
import { fakeApi, type FakeApi } from '../fake-api.ts';

const view = (over: Partial<WorkspaceView>): WorkspaceView => ({ profileId: 'gc', phase: 'waiting-ready', updatedAt: '2026-12-06T10:00:00.000Z', ...over });

describe('useWorkspaceStore', () => {
  let api: FakeApi;
  beforeEach(() => {
    setActivePinia(createPinia());
    api = fakeApi();
    setBridge(api);
  });
  afterEach(() => setBridge(undefined));

  it('opens with the pane bounds, then follows workspace.state; an older event never replaces a newer view', async () => {
    api.answers['workspace.open'] = () => ({ ok: true, value: view({ frameUrl: 'http://127.0.0.1:5/host?n=x' }) });
    const store = useWorkspaceStore();
    await store.open('gc', { x: 0, y: 0, width: 300, height: 200 });
    expect(api.calls).toEqual([{ command: 'workspace.open', args: { profileId: 'gc', bounds: { x: 0, y: 0, width: 300, height: 200 } } }]);
    api.emit('workspace.state', view({ phase: 'active', queue: { position: 1, total: 7 }, updatedAt: '2026-12-06T10:00:02.000Z' }));
    api.emit('workspace.state', view({ phase: 'waiting-session', updatedAt: '2026-12-06T10:00:01.000Z' }));
    expect(store.get('gc')).toMatchObject({ phase: 'active', queue: { position: 1, total: 7 } });
  });

  it('keeps the typed error of a refused open for the pane to show', async () => {
    api.answers['workspace.open'] = () => ({ ok: false, error: { code: 'workspace.not-genesys-cloud', message: 'Only for Genesys Cloud.', action: 'none' } });
    const store = useWorkspaceStore();
    await store.open('gc');
    expect(store.errors.gc).toMatchObject({ code: 'workspace.not-genesys-cloud' });
    expect(store.get('gc')).toBeUndefined();
  });
});
