// Profiles as the main process keeps them (profiles.list/save/remove). Validation runs here with
// the contract's own ProfileSchema before anything is sent, so the editor can name each bad field.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ContractError, Profile, ProfileInput, Result } from '../../preload/contract.ts';
import { getBridge } from '../api/bridge.ts';
import { t } from '../i18n/index.ts';

export type SaveOutcome =
  | { ok: true; value: Profile }
  | { ok: false; error: ContractError; fields: Record<string, string> };

/**
 * Per-field messages from a server-side `contract.invalid-arguments` error, whose message reads
 * "Invalid arguments — profile.servers.0: …; profile.name: …" (contract.ts validationError).
 */
export function fieldsFromServerError(error: ContractError): Record<string, string> {
  const out: Record<string, string> = {};
  if (error.code !== 'contract.invalid-arguments') return out;
  const list = error.message.split(' — ').slice(1).join(' — ');
  for (const part of list.split('; ')) {
    const match = /^([\w.()-]+): (.+)$/.exec(part.trim());
    if (!match?.[1] || !match[2]) continue;
    const key = match[1].replace(/^profile\./, '');
    out[key] ??= match[2];
  }
  return out;
}

export const useProfilesStore = defineStore('profiles', () => {
  const profiles = ref<Profile[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const loadError = ref<ContractError | undefined>();
  const selectedId = ref<string | undefined>();

  const selected = computed(() => profiles.value.find((profile) => profile.id === selectedId.value));

  function byId(profileId: string): Profile | undefined {
    return profiles.value.find((profile) => profile.id === profileId);
  }

  async function load(): Promise<Result<Profile[]>> {
    loading.value = true;
    const result = await getBridge().invoke('profiles.list', {});
    loading.value = false;
    if (result.ok) {
      profiles.value = result.value;
      loaded.value = true;
      loadError.value = undefined;
      if (selectedId.value === undefined || !byId(selectedId.value)) selectedId.value = result.value[0]?.id;
    } else {
      loadError.value = result.error;
    }
    return result;
  }

  /** Validate, then save. `isNew` refuses to overwrite an existing profile with the same id. */
  async function save(input: ProfileInput, isNew = false): Promise<SaveOutcome> {
    // The schemas (and zod) load on the first save, not with the first paint (issue 15 item 5).
    const { ProfileSchema, fieldErrors } = await import('../../preload/contract.ts');
    const parsed = ProfileSchema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'profile.invalid', message: t('profileEditor.fieldsNeedAttention'), action: 'none' },
        fields: fieldErrors(parsed.error),
      };
    }
    if (isNew && byId(parsed.data.id)) {
      const message = 'A profile with this id already exists';
      return { ok: false, error: { code: 'profile.duplicate-id', message, action: 'none' }, fields: { id: message } };
    }
    const result = await getBridge().invoke('profiles.save', { profile: parsed.data });
    if (!result.ok) return { ok: false, error: result.error, fields: fieldsFromServerError(result.error) };
    const index = profiles.value.findIndex((profile) => profile.id === result.value.id);
    if (index === -1) profiles.value = [...profiles.value, result.value];
    else profiles.value = profiles.value.map((profile, i) => (i === index ? result.value : profile));
    return { ok: true, value: result.value };
  }

  async function remove(profileId: string): Promise<Result<{ removed: boolean }>> {
    const result = await getBridge().invoke('profiles.remove', { profileId });
    if (result.ok) {
      profiles.value = profiles.value.filter((profile) => profile.id !== profileId);
      if (selectedId.value === profileId) selectedId.value = profiles.value[0]?.id;
    }
    return result;
  }

  function select(profileId: string | undefined): void {
    selectedId.value = profileId;
  }

  return { profiles, loaded, loading, loadError, selectedId, selected, byId, load, save, remove, select };
});
