// Choosing the agent's state, shared by the card's state picker and the status bar's (issue 13 item
// 1): which states there are, which is current, one press sets a state without reasons, a state
// with reasons asks for one first (required when the platform says so), and the state that signs
// out goes to the one sign-out prompt (issue 13 item 6). Focus handling stays with each picker.
import { computed, onMounted, ref, watch, type Ref } from 'vue';
import type { SelectableState, SessionState } from '../../preload/contract.ts';
import { t } from '../i18n/index.ts';
import { useSessionsStore } from '../stores/sessions.ts';

export type Chosen = { kind: 'asking' | 'signing-out' | 'busy' } | { kind: 'setting'; done: Promise<boolean> };

export interface StateChoice {
  states: Readonly<Ref<SelectableState[]>>;
  currentId: Readonly<Ref<string | undefined>>;
  /** The state waiting for its reason. */
  pending: Readonly<Ref<SelectableState | undefined>>;
  pendingId: Ref<string | undefined>;
  reasonId: Ref<string>;
  error: Ref<string>;
  reasonError: Ref<string>;
  busy: Readonly<Ref<boolean>>;
  /** A press on a state: 'asking' when it waits for a reason, else what was started ('setting'
   *  with the change's outcome: true once the platform took it). */
  choose(state: SelectableState): Chosen;
  /** Set the pending state with the chosen reason; its id once set, undefined when not (yet). */
  applyPending(): Promise<string | undefined>;
  /** Drop the pending state; its id, to put focus back on it. */
  cancelPending(): string | undefined;
}

export function useStateChoice(session: () => SessionState): StateChoice {
  const sessions = useSessionsStore();
  const fetched = ref<SelectableState[]>([]);
  const pendingId = ref<string | undefined>();
  const reasonId = ref('');
  const error = ref('');
  const reasonError = ref('');

  const states = computed(() => (session().selectableStates.length > 0 ? session().selectableStates : fetched.value));
  const currentId = computed(() => session().agent?.stateId);
  const pending = computed(() => states.value.find((state) => state.id === pendingId.value));
  const busy = computed(() => sessions.busy[session().profileId] === 'setState');

  async function fetchStates(): Promise<void> {
    const s = session();
    if (s.selectableStates.length > 0 || s.phase !== 'active') return;
    const result = await sessions.listStates(s.profileId);
    if (result.ok) fetched.value = result.value;
    else error.value = result.error.message;
  }
  onMounted(fetchStates);
  watch(() => [session().profileId, session().phase], fetchStates);
  watch(
    () => session().profileId,
    () => {
      fetched.value = [];
      pendingId.value = undefined;
      error.value = '';
    },
  );

  async function apply(stateId: string, reason?: string): Promise<boolean> {
    error.value = '';
    const result = await sessions.setState(session().profileId, stateId, reason);
    if (!result.ok) {
      error.value = result.error.message;
      return false;
    }
    pendingId.value = undefined;
    reasonId.value = '';
    return true;
  }

  /** Logout is the app's one sign-out: it asks for the Logout reason in SignOutPrompt, never here. */
  async function signOut(): Promise<void> {
    const result = await sessions.requestSignOut(session().profileId);
    if (result && !result.ok) error.value = result.error.message;
  }

  function choose(state: SelectableState): Chosen {
    if (busy.value) return { kind: 'busy' }; // aria-disabled while a change is under way
    error.value = '';
    reasonError.value = '';
    if (state.signsOut) {
      pendingId.value = undefined;
      void signOut();
      return { kind: 'signing-out' };
    }
    if (state.reasons.length === 0) {
      pendingId.value = undefined;
      return { kind: 'setting', done: apply(state.id) };
    }
    pendingId.value = state.id;
    reasonId.value = '';
    return { kind: 'asking' };
  }

  function cancelPending(): string | undefined {
    const stateId = pendingId.value;
    pendingId.value = undefined;
    return stateId;
  }

  async function applyPending(): Promise<string | undefined> {
    const state = pending.value;
    if (!state) return undefined;
    if (state.reasonRequired && !reasonId.value) {
      reasonError.value = t('statusPicker.chooseReasonError');
      return undefined;
    }
    reasonError.value = '';
    return (await apply(state.id, reasonId.value || undefined)) && pendingId.value === undefined ? state.id : undefined;
  }

  return { states, currentId, pending, pendingId, reasonId, error, reasonError, busy, choose, applyPending, cancelPending };
}
