// Issue 13 item 9: a ringing call is unmistakable even with the window hidden — one OS notification
// per new ringing call, with the caller. Pure, so the tray and its tests share it.
import type { Call, SessionState } from '../../preload/contract.ts';

const ringing = (call: Call): boolean => call.state.toUpperCase() === 'ALERTING' && call.direction !== 'outbound';

/** The first call ringing in `next` that was not ringing before, as the notification's words. */
export function ringingCallNote(previous: SessionState | undefined, next: SessionState): { title: string; body: string } | undefined {
  if (next.phase !== 'active' && next.phase !== 'reconnecting') return undefined;
  const before = new Set((previous?.calls ?? []).filter(ringing).map((c) => c.id));
  const call = (next.calls ?? []).find((c) => ringing(c) && !before.has(c.id));
  if (!call) return undefined;
  return { title: `${next.profileName}: incoming call`, body: `Call from ${call.from ?? call.to ?? 'an unknown number'}` };
}
