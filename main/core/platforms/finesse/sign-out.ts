// Finesse sign-out (protocols/finesse.md §4; issue 13 item 6, issue 9 item 11): the state changes a
// sign-out needs, sent in order; a refusal is reported, yet signing out locally never depends on it.
import { toPatchbayError, type PatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { signOutRefusal, signOutSteps } from './state-rules.ts';
import type { AgentRecord } from './agent-record.ts';
import type { FinesseUser } from './wire.ts';

export interface SignOutOps {
  log: Logger;
  deploymentType: string | undefined;
  /** The agent: reason codes, and the state now (notifications keep it current while the steps run). */
  record: Pick<AgentRecord, 'codes' | 'lastUser'>;
  /** Called once the steps are known (a refused reason sends nothing and marks nothing). */
  begin(): void;
  changeState(state: string, body: string): Promise<void>;
}

/** Sends NOT_READY (UCCE) then LOGOUT with the picked reason; the refusal, if any, to report. A
 *  reason not on the list throws before anything is sent. */
export async function sendSignOut(ops: SignOutOps, current: FinesseUser, reasonCodeId: string | undefined): Promise<PatchbayError | undefined> {
  const steps = signOutSteps(ops.deploymentType, current.state, ops.record.codes, reasonCodeId);
  ops.begin();
  try {
    for (const step of steps) await ops.changeState(step.state, step.body);
    return undefined;
  } catch (error) {
    // Finesse logs the agent out 60 s after their presence goes away [PRES]; a refusal is still
    // reported (issue 9 item 11).
    const typed = toPatchbayError(error);
    ops.log.info('finesse.sign-out.logout-failed', { code: typed.code });
    return signOutRefusal(typed, ops.record.lastUser?.state ?? current.state);
  }
}
