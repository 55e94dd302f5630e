// Finesse agent-state rules (protocols/finesse.md §4, §5): which choice is valid before any request
// goes out, the state changes a sign-out needs, and what a notification is for this agent.
import { PatchbayError } from '../../errors.ts';
import { apiErrorMessage, stateBody, userPath, type FinesseUpdate, type FinesseUser, type ReasonCode } from './wire.ts';

export type ChosenState = 'READY' | 'NOT_READY' | 'LOGOUT';

/** The agent's choice, checked against the reason codes and the deployment (§4); the PUT body. */
export function checkStateChoice(
  stateId: string,
  reasonId: string | undefined,
  codes: { notReady: ReasonCode[]; logout: ReasonCode[] },
  deploymentType: string | undefined,
  lastUser: FinesseUser | undefined,
): { state: ChosenState; body: string } {
  const state = stateId.toUpperCase();
  if (state !== 'READY' && state !== 'NOT_READY' && state !== 'LOGOUT') {
    throw new PatchbayError('finesse.state.unsupported', `"${stateId.slice(0, 40)}" is not a state an agent can choose.`, { action: 'none' });
  }
  const list = state === 'NOT_READY' ? codes.notReady : state === 'LOGOUT' ? codes.logout : [];
  if (state === 'NOT_READY' && list.length > 0 && !reasonId) {
    // §4: Finesse refuses NOT_READY without a reason code when codes are configured.
    throw new PatchbayError('finesse.state.reason-required', 'Choose a reason for Not Ready.', { action: 'none' });
  }
  if (reasonId && state !== 'READY' && !list.some((c) => c.id === reasonId)) {
    throw new PatchbayError('finesse.state.unknown-reason', 'That reason is not available: refresh the list and choose again.', { action: 'none' });
  }
  if (state === 'LOGOUT' && deploymentType === 'UCCE' && lastUser && lastUser.state !== 'NOT_READY' && lastUser.state !== 'LOGOUT') {
    // §4: UCCE allows LOGOUT only from NOT_READY.
    throw new PatchbayError('finesse.state.not-ready-first', 'Go Not Ready before you sign out.', { action: 'none' });
  }
  return { state, body: stateBody(state, state === 'READY' ? undefined : reasonId) };
}

/** §4: UCCE takes LOGOUT only from NOT_READY, and NOT_READY needs a reason code when the server
 *  has codes for it (400 require_reasoncode); a LOGOUT reason is optional (the reasonCodeId is
 *  in brackets in §4) unless the server is set to require one, and then it refuses the bare LOGOUT.
 *  Issue 13 item 6: no step carries a reason the agent did not pick — the Logout reason is the one
 *  picked in the app's sign-out (or the probe's --logout-reason), else none; an unknown id is refused
 *  before anything is sent. On UCCE from another state, the NOT_READY step goes only where it needs no
 *  reason; with Not Ready codes the agent is asked to go Not Ready (with their reason) first. */
export function signOutSteps(deploymentType: string | undefined, current: string, codes: { notReady: ReasonCode[]; logout: ReasonCode[] }, picked?: string): { state: ChosenState; body: string }[] {
  if (picked !== undefined && !codes.logout.some((code) => code.id === picked)) {
    throw new PatchbayError('finesse.sign-out.unknown-reason', 'That sign-out reason is not offered any more. Choose another reason.', { action: 'none', details: { reasonCodeId: picked, stillSignedIn: true } });
  }
  const steps: { state: ChosenState; body: string }[] = [];
  if (deploymentType === 'UCCE' && current !== 'NOT_READY') {
    if (codes.notReady.length > 0) {
      throw new PatchbayError('finesse.sign-out.not-ready-first', 'Go Not Ready (with your reason) before you sign out: this contact center signs agents out only from Not Ready.', { action: 'none', details: { stillSignedIn: true } });
    }
    steps.push({ state: 'NOT_READY', body: stateBody('NOT_READY') });
  }
  steps.push({ state: 'LOGOUT', body: stateBody('LOGOUT', picked) });
  return steps;
}

/** After an outage logged the agent out: the state to restore after LOGIN (READY, or NOT_READY with its reason). */
export function restoreStep(before: FinesseUser, policy: { autoReady: boolean; notReadyReasonCodeId?: string | undefined } = { autoReady: false }): { state: ChosenState; body: string } | undefined {
  // Issue 9 item 10: never route calls to an agent who may not be there — Ready only where IT allows.
  if (before.state === 'READY') {
    if (policy.autoReady) return { state: 'READY', body: stateBody('READY') };
    return policy.notReadyReasonCodeId ? { state: 'NOT_READY', body: stateBody('NOT_READY', policy.notReadyReasonCodeId) } : undefined;
  }
  if (before.state === 'NOT_READY' && before.reasonCodeId) return { state: 'NOT_READY', body: stateBody('NOT_READY', before.reasonCodeId) };
  return undefined;
}

/** Whether a notification's node is this agent's (§5): their User node, their Dialogs node; an
 *  empty source or an unknown user counts as theirs. */
export function isMine(update: FinesseUpdate, userId: string | undefined, kind: 'user' | 'dialogs'): boolean {
  if (!userId) return true;
  const mine = userPath(userId).toLowerCase();
  const source = update.source.toLowerCase();
  return source === '' || source === (kind === 'user' ? mine : `${mine}/dialogs`);
}

/** The async CTI error of a state change (§5). */
export function asyncStateError(errors: Parameters<typeof apiErrorMessage>[0]): PatchbayError {
  const message = apiErrorMessage(errors);
  // A sign-in on an extension the CTI server does not know ("Invalid Device",
  // CF_INVALID_LOGON_DEVICE_SPECIFIED): say it is the extension, not "the status change" (issue 13 item 4).
  const first = errors?.[0];
  if (first?.errorType === 'Invalid Device' || /^CF_INVALID_LOGON_DEVICE/.test(first?.errorMessage ?? '')) {
    return new PatchbayError('finesse.sign-in.invalid-device', `Finesse did not accept the extension: ${message ?? 'Invalid Device'}`, { action: 'none' });
  }
  return new PatchbayError('finesse.state.rejected', message ? `Finesse refused the change: ${message}` : 'Finesse refused the change.', { action: 'none' });
}

/** Issue 9 item 11: a sign-out the server answered with a refusal (e.g. 503) is a failure — Finesse
 *  keeps the agent in their state (possibly Ready) until the 60 s presence rule [PRES]. A network
 *  failure (no answer) is not: closing the session lets the presence rule log the agent out. */
export function signOutRefusal(error: PatchbayError, agentState: string | undefined): PatchbayError | undefined {
  const status = error.details.status;
  if (typeof status !== 'number') return undefined;
  const shown = agentState === 'READY' ? 'Ready' : agentState === 'NOT_READY' ? 'Not Ready' : 'signed in';
  return new PatchbayError(
    'finesse.sign-out.refused',
    `Finesse refused the sign-out (${status}). It may keep you ${shown} and route calls to you for up to a minute. Sign in again and sign out, or tell your supervisor.`,
    { action: 'retry', details: { status } },
  );
}

/** What the agent is told when the outage's sign-out was not answered with Ready (issue 9 item 10). */
export const NOT_READY_AFTER_OUTAGE = {
  code: 'finesse.state.not-ready-after-outage',
  message: 'Finesse signed you out during the connection problem. Patchbay signed you back in as Not Ready; choose Ready when you are at your desk.',
  action: 'none',
} as const;
