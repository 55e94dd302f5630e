// Finesse XMPP notifications → the session (protocols/finesse.md §5): the agent's own User and
// Dialogs nodes, the async CTI errors of pending requests, and SystemInfo notices.
import type { ContractError } from '../../../../preload/contract.ts';
import type { PatchbayError } from '../../errors.ts';
import { asyncStateError, isMine } from './state-rules.ts';
import type { FinesseDialog, FinesseUpdate, FinesseUser } from './wire.ts';

export type SystemUpdate = Extract<FinesseUpdate, { kind: 'system' }>;

export interface UpdateOps {
  userId: string | undefined;
  applyUser(user: FinesseUser): void;
  applyDialogs(dialogs: FinesseDialog[], event: string | undefined): void;
  /** Fails the waiters of this request; how many there were. */
  rejectWaiters(error: PatchbayError, requestId: string | undefined): number;
  showError(error: ContractError): void;
  onSystem(update: SystemUpdate): void;
}

export function routeUpdate(update: FinesseUpdate, ops: UpdateOps): void {
  switch (update.kind) {
    case 'user':
      if (isMine(update, ops.userId, 'user')) ops.applyUser(update.user);
      break;
    case 'dialogs':
      // §5: the agent's own Dialogs node only (a supervisor's team nodes are not the agent's calls).
      if (isMine(update, ops.userId, 'dialogs')) ops.applyDialogs(update.dialogs, update.event);
      break;
    case 'errors': {
      // The async CTI error of a state change (§5): fail the matching waiter, else show it.
      const error = asyncStateError(update.errors);
      if (ops.rejectWaiters(error, update.requestId) === 0) ops.showError(error.toContract());
      break;
    }
    case 'system':
      ops.onSystem(update);
      break;
    default:
      break;
  }
}
