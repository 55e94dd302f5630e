// The Genesys workspace pane per profile (issue 12): derived state from `workspace.state` only. The
// renderer never holds the token (GC-04): the host page on its own origin hands it to the component.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ContractError, WorkspaceBounds, WorkspaceView } from '../../preload/contract.ts';
import { getBridge } from '../api/bridge.ts';

export const useWorkspaceStore = defineStore('workspace', () => {
  const views = ref(new Map<string, WorkspaceView>());
  const errors = ref<Record<string, ContractError | undefined>>({});
  let unsubscribe: (() => void) | undefined;

  function apply(view: WorkspaceView): void {
    const held = views.value.get(view.profileId);
    // Views carry their time; an older one never replaces a newer one.
    if (held && Date.parse(view.updatedAt) < Date.parse(held.updatedAt)) return;
    views.value.set(view.profileId, view);
  }

  function start(): void {
    unsubscribe ??= getBridge().on('workspace.state', apply);
  }

  function get(profileId: string): WorkspaceView | undefined {
    return views.value.get(profileId);
  }

  async function open(profileId: string, bounds?: WorkspaceBounds): Promise<void> {
    start();
    errors.value = { ...errors.value, [profileId]: undefined };
    const result = await getBridge().invoke('workspace.open', bounds ? { profileId, bounds } : { profileId });
    if (result.ok) apply(result.value);
    else errors.value = { ...errors.value, [profileId]: result.error };
  }

  async function close(profileId: string): Promise<void> {
    const result = await getBridge().invoke('workspace.close', { profileId });
    if (result.ok) apply(result.value);
  }

  function setBounds(profileId: string, bounds: WorkspaceBounds): void {
    void getBridge().invoke('workspace.setBounds', { profileId, bounds });
  }

  return { views, errors, start, get, open, close, setBounds };
});
