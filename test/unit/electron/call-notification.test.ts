// Issue 13 item 9: one OS notification per new ringing call, with the caller, through the tray.
import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../preload/contract.ts';
import { ringingCallNote } from '../../../main/electron/call-notification.ts';
import { notificationFor } from '../../../main/electron/tray.ts';

function state(overrides: Partial<SessionState> = {}): SessionState {
  return { profileId: 'lab-fin', profileName: 'Lab Finesse', platform: 'finesse', phase: 'active', selectableStates: [], seq: 1, updatedAt: '2026-01-01T09:00:00.000Z', ...overrides };
}
const ring = { id: 'D1', direction: 'inbound' as const, from: '5551234', state: 'ALERTING', actions: ['answer' as const] };

describe('ringing call notification', () => {
  it('notifies once for a new ringing call, with the caller', () => {
    const note = { title: 'Lab Finesse: incoming call', body: 'Call from 5551234' };
    expect(ringingCallNote(state({ calls: [] }), state({ calls: [ring] }))).toEqual(note);
    expect(notificationFor(state({ calls: [] }), state({ calls: [ring] }))).toEqual(note);
    expect(ringingCallNote(undefined, state({ calls: [ring] }))).toEqual(note);
    // Still ringing: not again.
    expect(ringingCallNote(state({ calls: [ring] }), state({ calls: [ring] }))).toBeUndefined();
  });

  it('stays quiet for answered, outbound or signed-out calls', () => {
    expect(ringingCallNote(state(), state({ calls: [{ ...ring, state: 'ACTIVE' }] }))).toBeUndefined();
    expect(ringingCallNote(state(), state({ calls: [{ ...ring, direction: 'outbound' }] }))).toBeUndefined();
    expect(ringingCallNote(state(), state({ phase: 'failed', calls: [ring] }))).toBeUndefined();
    expect(ringingCallNote(state(), state({ calls: [{ id: 'D2', direction: 'inbound', state: 'ALERTING' }] }))?.body).toBe('Call from an unknown number');
  });
});
