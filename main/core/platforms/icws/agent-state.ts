// ICWS status messages → the common agent-state model (DESIGN.md "platforms/").
import type { AgentState, AgentStateKind, SelectableState } from '../../../../preload/contract.ts';
import { parseIcwsDate, type StatusMessage, type UserStatus } from './wire.ts';

/** ACD-available statuses take interactions (ready); after-call work and phone are busy; the rest
 *  are not ready, their text being the reason the agent sees. */
export function kindOf(status: StatusMessage | undefined, user?: Pick<UserStatus, 'loggedIn' | 'onPhone'>): AgentStateKind {
  if (user?.loggedIn === false) return 'logged-out';
  if (!status) return 'unknown';
  if (status.isAfterCallWorkStatus) return 'busy';
  if (status.isAcdStatus) return user?.onPhone ? 'busy' : 'ready';
  return 'not-ready';
}

export function selectableStates(statuses: StatusMessage[], allowedIds: string[]): SelectableState[] {
  const allowed = new Set(allowedIds);
  return statuses
    .filter((s) => allowed.has(s.statusId) && s.isSelectableStatus !== false)
    .map((s) => ({ id: s.statusId, label: s.messageText || s.statusId, kind: kindOf(s), reasons: [], reasonRequired: false }));
}

export function agentStateOf(user: UserStatus, statuses: StatusMessage[]): AgentState {
  const status = statuses.find((s) => s.statusId === user.statusId);
  const kind = kindOf(status, user);
  const label = status?.messageText || user.statusId;
  return {
    kind,
    stateId: user.statusId,
    label,
    ...(kind === 'not-ready' ? { reason: label } : {}),
    ...(user.notes ? { reason: user.notes } : {}),
    ...(parseIcwsDate(user.statusChanged) ? { since: parseIcwsDate(user.statusChanged) } : {}),
  };
}
