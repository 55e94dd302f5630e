// Session state per profile, replaced wholesale by each `session.state` snapshot (DESIGN.md
// "One sign-in", step 5). The renderer holds state only — never a token (CARD-03); the sign-in
// password passes through `signIn` to the bridge and is kept nowhere here.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CallAction, CommandArgs, ContractError, Result, SelectableState, SessionState, SignInOptions } from '../../preload/contract.ts';
import { getBridge } from '../api/bridge.ts';
import { notReadyFirst, pickedReason, signOutReasons, type SignOutReasons } from '../composables/sign-out-reasons.ts';

export type SessionAction = 'signIn' | 'signOut' | 'cancel' | 'setState' | 'retryNow' | 'callAct';

export const useSessionsStore = defineStore('sessions', () => {
  const sessions = ref(new Map<string, SessionState>());
  /** The command in flight per profile, so buttons can disable themselves. */
  const busy = ref<Record<string, SessionAction | undefined>>({});
  const listError = ref<ContractError | undefined>();
  /** Per profile: the extension the agent last signed in on, so "Sign in again" keeps it (issue 13
   *  item 7; a phone number, not a secret, held in memory only). */
  const extensions = ref<Record<string, string>>({});
  /** Per profile: the sign-out waiting for the agent's Logout reason (issue 13 item 6). */
  const signOutAsks = ref<Record<string, SignOutReasons | undefined>>({});
  let unsubscribe: (() => void) | undefined;

  /** Keep a snapshot unless it is older than the one held (contract: SessionState.seq). */
  function apply(snapshot: SessionState): boolean {
    const held = sessions.value.get(snapshot.profileId);
    if (held && snapshot.seq < held.seq) return false;
    sessions.value.set(snapshot.profileId, snapshot);
    return true;
  }

  function get(profileId: string): SessionState | undefined {
    return sessions.value.get(profileId);
  }

  /** Listen to `session.state` (once) and read the current snapshots. */
  async function start(): Promise<void> {
    unsubscribe ??= getBridge().on('session.state', (snapshot) => {
      apply(snapshot);
    });
    await load();
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = undefined;
  }

  async function load(): Promise<Result<SessionState[]>> {
    const result = await getBridge().invoke('session.list', {});
    if (result.ok) {
      listError.value = undefined;
      for (const snapshot of result.value) apply(snapshot);
    } else {
      listError.value = result.error;
    }
    return result;
  }

  async function run(
    profileId: string,
    action: SessionAction,
    call: () => Promise<Result<SessionState>>,
  ): Promise<Result<SessionState>> {
    busy.value = { ...busy.value, [profileId]: action };
    try {
      const result = await call();
      if (result.ok) apply(result.value);
      return result;
    } finally {
      busy.value = { ...busy.value, [profileId]: undefined };
    }
  }

  /** `input` carries the write-only credentials (password profiles), the SSO choice, the extension. */
  function signIn(profileId: string, input: Omit<CommandArgs<'session.signIn'>, 'profileId'> = {}): Promise<Result<SessionState>> {
    if (input.extension) extensions.value = { ...extensions.value, [profileId]: input.extension };
    return run(profileId, 'signIn', () => getBridge().invoke('session.signIn', { profileId, ...input }));
  }

  function signInOptions(profileId: string, userName?: string): Promise<Result<SignInOptions>> {
    return getBridge().invoke('session.signInOptions', userName ? { profileId, userName } : { profileId });
  }

  /** reasonCodeId: only a Logout reason the agent picked (issue 13 item 6), never a default. */
  function signOut(profileId: string, reasonCodeId?: string): Promise<Result<SessionState>> {
    return run(profileId, 'signOut', () => getBridge().invoke('session.signOut', reasonCodeId ? { profileId, reasonCodeId } : { profileId }));
  }

  /** The one sign-out of every control (the card's Sign out, the state picker's Logout; issue 13
   *  item 6): where the platform signs out with a reason it asks (undefined: asking), else signs out. */
  async function requestSignOut(profileId: string): Promise<Result<SessionState> | undefined> {
    let states = get(profileId)?.selectableStates ?? [];
    if (states.length === 0) {
      const listed = await listStates(profileId);
      states = listed.ok ? listed.value : [];
    }
    const asked = signOutReasons(states);
    if (!asked) return askNotReadyFirst(profileId, { reasons: [], required: false }, await signOut(profileId), states);
    signOutAsks.value = { ...signOutAsks.value, [profileId]: asked };
    return undefined;
  }

  /** A refusal because the agent must be Not Ready first (nothing was sent): ask for that reason too. */
  function askNotReadyFirst(profileId: string, asked: SignOutReasons, result: Result<SessionState>, states: readonly SelectableState[]): Result<SessionState> | undefined {
    const notReady = result.ok ? undefined : notReadyFirst(result.error.code, states.length > 0 ? states : (get(profileId)?.selectableStates ?? []));
    if (!notReady) return result;
    signOutAsks.value = { ...signOutAsks.value, [profileId]: { ...asked, notReady } };
    return undefined;
  }

  /** Signs out with the reason the agent chose ('' = none); first sets Not Ready with the agent's
   *  Not Ready reason where the platform signs out only from Not Ready. A required reason not chosen
   *  sends nothing; no reason is ever picked for the agent. undefined: still asking. */
  async function confirmSignOut(profileId: string, choice: string, notReadyChoice = ''): Promise<Result<SessionState> | 'reason-required' | undefined> {
    const asked = signOutAsks.value[profileId];
    const reason = pickedReason(choice, asked);
    if (asked?.required && reason === undefined) return 'reason-required';
    const notReady = asked?.notReady;
    const notReadyReason = notReady?.reasons.some((r) => r.id === notReadyChoice) ? notReadyChoice : undefined;
    if (notReady?.required && notReadyReason === undefined) return 'reason-required';
    if (notReady) {
      const set = await setState(profileId, notReady.stateId, notReadyReason);
      if (!set.ok) return set;
    }
    cancelSignOut(profileId);
    const result = await signOut(profileId, reason);
    return asked && !notReady ? askNotReadyFirst(profileId, { ...asked, ...(reason ? { chosen: reason } : {}) }, result, []) : result;
  }

  function cancelSignOut(profileId: string): void {
    if (signOutAsks.value[profileId]) signOutAsks.value = { ...signOutAsks.value, [profileId]: undefined };
  }

  function cancel(profileId: string): Promise<Result<SessionState>> {
    return run(profileId, 'cancel', () => getBridge().invoke('session.cancel', { profileId }));
  }

  /** Reconnecting: bring the scheduled attempt forward where the platform allows it (issue 13 item 2). */
  function retryNow(profileId: string): Promise<Result<SessionState>> {
    return run(profileId, 'retryNow', () => getBridge().invoke('session.retryNow', { profileId }));
  }

  function setState(profileId: string, stateId: string, reasonId?: string): Promise<Result<SessionState>> {
    return run(profileId, 'setState', () =>
      getBridge().invoke('agent.setState', reasonId ? { profileId, stateId, reasonId } : { profileId, stateId }),
    );
  }

  /** Answer / hold / retrieve / release (issue 13 item 9): the snapshot comes once the platform confirmed it. */
  function actOnCall(profileId: string, callId: string, action: CallAction): Promise<Result<SessionState>> {
    return run(profileId, 'callAct', () => getBridge().invoke('call.act', { profileId, callId, action }));
  }

  function listStates(profileId: string): Promise<Result<SelectableState[]>> {
    return getBridge().invoke('agent.listStates', { profileId });
  }

  /** Forget a removed profile's session. */
  function forget(profileId: string): void {
    sessions.value.delete(profileId);
  }

  return { sessions, busy, listError, extensions, signOutAsks, apply, get, start, stop, load, signIn, signInOptions, signOut, requestSignOut, confirmSignOut, cancelSignOut, cancel, retryNow, setState, actOnCall, listStates, forget };
});
