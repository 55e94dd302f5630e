// Benches sign a Finesse agent out as the agent would (issue 13 item 6): the lab asks for a Logout
// reason when it has Logout reason codes, so pick the first one offered, like a click in the prompt.
import type { FinesseSession } from '../main/core/platforms/finesse/finesse-session.ts';

export async function finesseSignOut(s: FinesseSession): Promise<void> {
  const reason = (await s.listStates()).find((state) => state.signsOut)?.reasons[0]?.id;
  await s.signOut(reason ? { reasonCodeId: reason } : {});
}
