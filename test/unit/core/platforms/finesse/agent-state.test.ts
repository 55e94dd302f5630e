// Finesse User state → the common agent state, and the choices offered (protocols/finesse.md §4:
// states per DG125 68, Not Ready / Logout reason codes).
import { describe, expect, it } from 'vitest';
import { agentStateOf, kindOf, labelOf, selectableStates } from '../../../../../main/core/platforms/finesse/agent-state.ts';
import type { FinesseUser } from '../../../../../main/core/platforms/finesse/wire.ts';

const user = (state: string, extra: Partial<FinesseUser> = {}): FinesseUser => ({ state, roles: [], ...extra });

describe('Finesse states → kinds and labels [§4, DG125 68]', () => {
  it('labels every state, in any case, and shows an unknown one as Finesse names it', () => {
    expect(
      ['READY', 'NOT_READY', 'LOGOUT', 'TALKING', 'HOLD', 'RESERVED', 'RESERVED_OUTBOUND', 'RESERVED_OUTBOUND_PREVIEW', 'WORK', 'WORK_READY', 'UNKNOWN'].map(labelOf),
    ).toEqual(['Ready', 'Not Ready', 'Signed out', 'Talking', 'On hold', 'Reserved', 'Reserved (outbound)', 'Reserved (outbound preview)', 'Wrap-up', 'Wrap-up (then Ready)', 'Unknown']);
    expect(labelOf('not_ready')).toBe('Not Ready');
    expect(labelOf('SOMETHING_NEW')).toBe('SOMETHING_NEW');
    expect(kindOf('ready')).toBe('ready');
    expect(kindOf('Talking')).toBe('busy');
  });
});

describe('agentStateOf [§4]', () => {
  it('gives kind, state id (upper-cased) and label, and nothing it does not know', () => {
    expect(agentStateOf(user('talking'))).toEqual({ kind: 'busy', stateId: 'TALKING', label: 'Talking' });
    expect(agentStateOf(user('READY', { stateChangeTime: '2026-01-01T09:00:00+01:00' }))).toEqual({ kind: 'ready', stateId: 'READY', label: 'Ready', since: '2026-01-01T08:00:00.000Z' });
    expect(agentStateOf(user('READY', { stateChangeTime: '' }))).not.toHaveProperty('since');
  });

  it('shows the reason of Not Ready and of a sign-out: the User\'s label first, else the known codes by id or code', () => {
    const codes = [{ id: '7', code: '70', label: 'Meeting' }, { id: '8', code: '7', label: 'Training' }];
    expect(agentStateOf(user('LOGOUT', { reasonCodeId: '8', reasonCode: { id: '8', label: 'End of shift' } }), codes)).toEqual({
      kind: 'logged-out',
      stateId: 'LOGOUT',
      label: 'Signed out',
      reason: 'End of shift',
    });
    expect(agentStateOf(user('LOGOUT', { reasonCodeId: '8' }), codes).reason).toBe('Training');
    expect(agentStateOf(user('NOT_READY', { reasonCodeId: '70' }), codes).reason).toBe('Meeting');
    expect(agentStateOf(user('not_ready', { reasonCodeId: '7' }), codes).reason).toBe('Meeting');
    // An id no list knows: no reason shown; no reasonCodeId: no reason even with a ReasonCode.
    expect(agentStateOf(user('NOT_READY', { reasonCodeId: '99' }), codes)).not.toHaveProperty('reason');
    expect(agentStateOf(user('NOT_READY', { reasonCode: { id: '7', label: 'Meeting' } }), codes)).not.toHaveProperty('reason');
    // Other states carry no reason.
    expect(agentStateOf(user('TALKING', { reasonCodeId: '7', reasonCode: { id: '7', label: 'Meeting' } }), codes)).not.toHaveProperty('reason');
  });
});

describe('selectableStates [§4]', () => {
  it('offers Ready, Not Ready with its reasons, and Sign out with its reasons, which signs out', () => {
    const states = selectableStates([{ id: '1', code: '11', label: 'Lunch', forAll: true }], [{ id: '2', label: 'End of shift', systemCode: false }]);
    expect(states).toEqual([
      { id: 'READY', label: 'Ready', kind: 'ready', reasons: [], reasonRequired: false },
      { id: 'NOT_READY', label: 'Not Ready', kind: 'not-ready', reasons: [{ id: '1', label: 'Lunch' }], reasonRequired: true },
      { id: 'LOGOUT', label: 'Sign out', kind: 'logged-out', reasons: [{ id: '2', label: 'End of shift' }], reasonRequired: true, signsOut: true },
    ]);
    const bare = selectableStates([], []);
    expect(bare.map((s) => [s.id, s.reasonRequired, s.reasons])).toEqual([
      ['READY', false, []],
      ['NOT_READY', false, []],
      ['LOGOUT', false, []],
    ]);
  });
});
