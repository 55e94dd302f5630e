// What `patchbay probe` prints, as pure functions (main/cli/probe-output.ts).
import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../preload/contract.ts';
import { PatchbayError } from '../../../main/core/errors.ts';
import { ChangePrinter, explainStateError, explainUnknownState } from '../../../main/cli/probe-output.ts';

const states = [
  { id: 'READY', label: 'Ready', kind: 'ready' as const, reasons: [], reasonRequired: false },
  { id: 'NOT_READY', label: 'Not Ready', kind: 'not-ready' as const, reasons: [{ id: '1', label: 'Lunch' }, { id: '2', label: 'Break' }], reasonRequired: true },
];
function state(seq: number, patch: Partial<SessionState> = {}): SessionState {
  return { profileId: 'p', profileName: 'P', platform: 'finesse', phase: 'active', selectableStates: states, seq, updatedAt: `2026-01-01T00:00:0${seq}.000Z`, ...patch };
}

describe('ChangePrinter', () => {
  it('prints nothing for a snapshot that differs only in seq, time or lastEventAt', () => {
    const printer = new ChangePrinter();
    expect(printer.next(state(1, { connection: { transport: 'xmpp', lastEventAt: 'a' } }), 'json')).toBeDefined();
    expect(printer.next(state(2, { connection: { transport: 'xmpp', lastEventAt: 'b' } }), 'json')).toBeUndefined();
    expect(printer.next(state(3, { phase: 'reconnecting', connection: { transport: 'xmpp' } }), 'json')).toBeDefined();
  });

  it('includes selectableStates only when the list changed', () => {
    const printer = new ChangePrinter();
    const first = JSON.parse(printer.next(state(1), 'json')!) as Record<string, unknown>;
    expect(first.selectableStates).toEqual(states);
    const second = JSON.parse(printer.next(state(2, { agent: { kind: 'ready', stateId: 'READY', label: 'Ready' } }), 'json')!) as Record<string, unknown>;
    expect('selectableStates' in second).toBe(false);
    const third = JSON.parse(printer.next(state(3, { agent: { kind: 'ready', stateId: 'READY', label: 'Ready' }, selectableStates: [] }), 'json')!) as Record<string, unknown>;
    expect(third.selectableStates).toEqual([]);
  });

  it('text lines say when the token was refreshed', () => {
    const printer = new ChangePrinter();
    printer.next(state(1, { token: { expiresAt: '2026-01-01T01:00:00.000Z' } }), 'text');
    expect(printer.next(state(2, { token: { expiresAt: '2026-01-01T02:00:00.000Z' } }), 'text')).toContain('token refreshed, valid until 2026-01-01T02:00:00.000Z');
  });
});

describe('state error lines', () => {
  it('a missing reason names --reason and every valid id of that state', () => {
    const error = new PatchbayError('finesse.state.reason-required', 'Choose a reason for Not Ready.');
    expect(explainStateError(error, states, 'NOT_READY')).toBe('Choose a reason for Not Ready: give --reason ID, one of 1 (Lunch), 2 (Break).');
  });
  it('an unknown state lists the states the agent may choose', () => {
    expect(explainUnknownState('No such status.', states)).toBe('No such status — choose one of: READY (Ready), NOT_READY (Not Ready).');
  });
});
