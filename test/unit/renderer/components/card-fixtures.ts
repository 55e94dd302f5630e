// Shared set-up of the session-card tests (one Finesse profile, its Ready and Logout states), so
// each test file states only what it checks.
import type { Profile, SelectableState } from '../../../../preload/contract.ts';

export const finesseProfile = {
  id: 'lab-icws',
  name: 'Lab Finesse',
  platform: 'finesse',
  servers: ['https://fin-a.example.com:8445'],
  authMode: 'password',
  language: 'en-US',
  applicationName: 'Patchbay',
  options: { messaging: 'auto', heartbeat: false, pollIntervalMs: 2000, connectionMode: 'direct' as const, rememberPassword: false },
} as Profile;

export const readyState: SelectableState = { id: 'READY', label: 'Ready', kind: 'ready', reasons: [], reasonRequired: false };

/** Finesse's Logout with its reason codes (the selectable state that signs out). */
export function logoutState(label: string, reasonRequired: boolean): SelectableState {
  return {
    id: 'LOGOUT',
    label,
    kind: 'logged-out',
    signsOut: true,
    reasons: [
      { id: '21', label: 'End of shift' },
      { id: '22', label: 'Meeting' },
    ],
    reasonRequired,
  };
}
