// Finesse notification-channel outages (protocols/finesse.md §5): what the view shows while the
// channel reconnects, and what happens once it is back (same or other node): the dialogs and the
// user read again, and an agent the outage logged out signed back in (issue 9 item 10).
import type { ContractError } from '../../../../preload/contract.ts';
import { toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SessionView } from '../platform.ts';
import type { AgentRecord } from './agent-record.ts';
import { hostOf } from './discovery.ts';
import type { ChannelStatus } from './notifications.ts';
import type { FinesseOptions } from './options.ts';
import type { FinesseAction } from './reducer.ts';
import { NOT_READY_AFTER_OUTAGE, restoreStep } from './state-rules.ts';
import type { FinesseUser } from './wire.ts';

/** The view change a channel status means (none while signed out); `outageStarts` on the first
 *  reconnect attempt (the agent's state then is what a restore aims for). */
export function channelStatusStep(
  status: ChannelStatus,
  phase: SessionView['phase'],
  node: { origin: string; note: string | undefined },
): { action?: FinesseAction; outageStarts?: boolean; reconnected?: boolean } {
  if (status.state === 'reconnecting') {
    const showing = phase === 'active' || phase === 'reconnecting';
    return {
      outageStarts: status.attempt === 1,
      ...(showing ? { action: { type: 'reconnecting', attempt: status.attempt, nextAttemptAt: new Date(status.nextAttemptAt).toISOString(), nextHost: hostOf(node.origin) } } : {}),
    };
  }
  if (status.state === 'online' && status.reconnectMs !== undefined) {
    return { action: { type: 'reconnected', server: node.origin, serverNote: node.note }, reconnected: true };
  }
  if (status.state === 'offline' && status.error && phase !== 'signed-out') return { action: { type: 'failed', error: status.error.toContract() } };
  return {};
}

export interface RestoreOps {
  log: Logger;
  options: Pick<FinesseOptions, 'afterOutage'>;
  /** The agent: its dialogs and User read again. */
  record: Pick<AgentRecord, 'readDialogs' | 'readUser' | 'extension'>;
  loggingOut(): boolean;
  login(extension: string): Promise<void>;
  changeState(state: string, body: string): Promise<void>;
  showError(error: ContractError): void;
}

/** Back online: re-read the user; if the outage logged the agent out (Finesse's 60 s presence rule,
 *  or a node switch), sign them back in, at most to Not Ready unless IT allows Ready. */
export async function restoreAfterOutage(ops: RestoreOps, before: FinesseUser | undefined): Promise<void> {
  try {
    // Dialog notifications sent while the channel was down are lost: read the list again.
    await ops.record.readDialogs();
    const user = await ops.record.readUser();
    if (user.state !== 'LOGOUT' || !before || before.state === 'LOGOUT' || ops.loggingOut()) return;
    const extension = before.extension ?? ops.record.extension;
    if (!extension) return;
    ops.log.warn('finesse.state.restoring', { from: before.state });
    await ops.login(extension);
    const step = restoreStep(before, ops.options.afterOutage);
    if (step) await ops.changeState(step.state, step.body);
    if (before.state === 'READY' && step?.state !== 'READY') ops.showError(NOT_READY_AFTER_OUTAGE);
  } catch (error) {
    const typed = toPatchbayError(error);
    ops.log.warn('finesse.reconnect.read-failed', { code: typed.code });
    ops.showError(typed.toContract());
  }
}
