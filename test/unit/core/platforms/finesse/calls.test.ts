// Finesse dialogs → the agent's calls (protocols/finesse.md §4 Dialogs, §5 dialog updates): which
// participant is the agent, when a dialog is over for them, direction, state, time, actions.
import { describe, expect, it } from 'vitest';
import { applyDialogs, callOf, callsOf, dialogEnded } from '../../../../../main/core/platforms/finesse/calls.ts';
import type { FinesseDialog } from '../../../../../main/core/platforms/finesse/wire.ts';

const ext = '1001';
type Participant = FinesseDialog['participants'][number];
const me = (state: string, extra: Partial<Participant> = {}): Participant => ({ mediaAddress: ext, state, ...extra });
const other = (state: string): Participant => ({ mediaAddress: '5551234', state });
const dialog = (extra: Partial<FinesseDialog> = {}): FinesseDialog => ({ id: 'D1', state: 'ACTIVE', participants: [other('ACTIVE'), me('ACTIVE')], ...extra });

describe('dialogEnded [§5]', () => {
  it('a dialog DROPPED, FAILED or in WRAP_UP is over, whatever the participants say', () => {
    for (const state of ['DROPPED', 'FAILED', 'WRAP_UP']) expect(dialogEnded(dialog({ state }), ext)).toBe(true);
    for (const state of ['ACTIVE', 'ALERTING', 'HELD', 'INITIATING', 'INITIATED']) expect(dialogEnded(dialog({ state }), ext)).toBe(false);
  });

  it('a live dialog is over for the agent when their own participant has left it', () => {
    for (const state of ['DROPPED', 'FAILED', 'WRAP_UP']) expect(dialogEnded(dialog({ participants: [other('ACTIVE'), me(state)] }), ext)).toBe(true);
    // Another participant leaving does not end it for the agent.
    expect(dialogEnded(dialog({ participants: [other('DROPPED'), me('ACTIVE')] }), ext)).toBe(false);
    // No participant state, or no participant of the agent's: not over.
    expect(dialogEnded(dialog({ state: undefined, participants: [{ mediaAddress: ext }] }), ext)).toBe(false);
    expect(dialogEnded(dialog({ state: undefined, participants: [other('DROPPED')] }), ext)).toBe(false);
  });

  it('without an extension the only participant is the agent, and of several none is', () => {
    expect(dialogEnded(dialog({ participants: [me('DROPPED')] }), undefined)).toBe(true);
    expect(dialogEnded(dialog({ participants: [me('DROPPED'), other('ACTIVE')] }), undefined)).toBe(false);
    expect(dialogEnded(dialog({ participants: [other('ACTIVE'), me('DROPPED')] }), '')).toBe(false);
  });
});

describe('callOf [§4 Dialogs]', () => {
  it('tells the direction from callType first: …_IN inbound, OUT… outbound', () => {
    const fromAgent = { fromAddress: ext, toAddress: '5550000' };
    for (const callType of ['ACD_IN', 'OTHER_IN', 'PREROUTE_ACD_IN', 'IN']) expect(callOf(dialog({ callType, ...fromAgent }), ext).direction).toBe('inbound');
    const toAgent = { fromAddress: '5550000', toAddress: ext };
    for (const callType of ['OUT', 'OUTBOUND', 'OUTBOUND_PREVIEW']) expect(callOf(dialog({ callType, ...toAgent }), ext).direction).toBe('outbound');
    // Not a direction word where it stands: the addresses decide.
    expect(callOf(dialog({ callType: 'AGENT_INSIDE', ...toAgent }), ext).direction).toBe('inbound');
    expect(callOf(dialog({ callType: 'AGENT_INSIDE', ...fromAgent }), ext).direction).toBe('outbound');
    expect(callOf(dialog({ callType: 'INBOUND_X', ...fromAgent }), ext).direction).toBe('outbound');
    expect(callOf(dialog({ callType: 'CONSULT_OUT', ...toAgent }), ext).direction).toBe('inbound');
    expect(callOf(dialog({ callType: 'XIN', ...fromAgent }), ext).direction).toBe('outbound');
  });

  it('without a callType: to the agent\'s extension inbound, from it outbound, else unknown', () => {
    expect(callOf(dialog({ fromAddress: '5550000', toAddress: ext }), ext).direction).toBe('inbound');
    expect(callOf(dialog({ fromAddress: ext, toAddress: '5550000' }), ext).direction).toBe('outbound');
    expect(callOf(dialog({ fromAddress: '1', toAddress: '2' }), ext).direction).toBe('unknown');
    // No extension known: no address counts as the agent's, even an absent one.
    expect(callOf(dialog({ participants: [me('ACTIVE')] }), undefined).direction).toBe('unknown');
    expect(callOf(dialog({ participants: [me('ACTIVE')], fromAddress: '1' }), undefined).direction).toBe('unknown');
    expect(callOf(dialog({ participants: [me('ACTIVE')], toAddress: '2' }), undefined).direction).toBe('unknown');
  });

  it('shows the agent participant\'s state, time and actions, and only what is there', () => {
    const full = dialog({
      callType: 'ACD_IN',
      fromAddress: '5551234',
      toAddress: '8000',
      state: 'ACTIVE',
      participants: [other('ACTIVE'), me('HELD', { startTime: '2026-01-01T09:00:00+01:00', actions: ['RETRIEVE', 'DROP'] })],
    });
    expect(callOf(full, ext)).toEqual({ id: 'D1', direction: 'inbound', from: '5551234', to: '8000', state: 'HELD', since: '2026-01-01T08:00:00.000Z', actions: ['retrieve', 'release'] });
    // The dialog's state when the agent's participant has none; UNKNOWN when neither has one.
    expect(callOf(dialog({ state: 'ALERTING', participants: [{ mediaAddress: ext }] }), ext)).toEqual({ id: 'D1', direction: 'unknown', state: 'ALERTING' });
    expect(callOf(dialog({ state: undefined, participants: [] }), ext)).toEqual({ id: 'D1', direction: 'unknown', state: 'UNKNOWN' });
    // A bad or empty start time is left out.
    expect(callOf(dialog({ participants: [me('ACTIVE', { startTime: 'soon' })] }), ext)).not.toHaveProperty('since');
    expect(callOf(dialog({ participants: [me('ACTIVE', { startTime: '' })] }), ext)).not.toHaveProperty('since');
    // Another participant's actions are not the agent's.
    expect(callOf(dialog({ participants: [{ mediaAddress: '5551234', state: 'ALERTING', actions: ['ANSWER'] }, me('ACTIVE')] }), ext)).not.toHaveProperty('actions');
    // Without an extension the single participant is the agent.
    expect(callOf(dialog({ participants: [me('ALERTING', { actions: ['ANSWER'] })] }), undefined)).toMatchObject({ state: 'ALERTING', actions: ['answer'] });
    expect(callOf(dialog({ state: 'ACTIVE', participants: [me('ALERTING', { actions: ['ANSWER'] }), other('ACTIVE')] }), undefined)).toEqual({ id: 'D1', direction: 'unknown', state: 'ACTIVE' });
  });
});

describe('applyDialogs / callsOf [§5 dialog updates]', () => {
  const call = (id: string, state = 'ACTIVE') => callOf(dialog({ id, participants: [me(state)] }), ext);

  it('updates a call in place, appends a new one, drops a DELETE or an ended one, and leaves the input alone', () => {
    const shown = [call('D1'), call('D2')];
    const copy = structuredClone(shown);
    const next = applyDialogs(shown, [dialog({ id: 'D1', participants: [me('HELD')] }), dialog({ id: 'D3', participants: [me('ALERTING')] })], 'PUT', ext);
    expect(next.map((c) => [c.id, c.state])).toEqual([['D1', 'HELD'], ['D2', 'ACTIVE'], ['D3', 'ALERTING']]);
    expect(shown).toEqual(copy);
    expect(applyDialogs(shown, [dialog({ id: 'D1' })], 'DELETE', ext).map((c) => c.id)).toEqual(['D2']);
    expect(applyDialogs(shown, [dialog({ id: 'D2', state: 'WRAP_UP' })], 'PUT', ext).map((c) => c.id)).toEqual(['D1']);
    // An ended dialog not shown is not added; a DELETE of an unknown one changes nothing.
    expect(applyDialogs(shown, [dialog({ id: 'D9', state: 'DROPPED' })], 'POST', ext).map((c) => c.id)).toEqual(['D1', 'D2']);
    expect(applyDialogs(shown, [dialog({ id: 'D9' })], 'DELETE', ext).map((c) => c.id)).toEqual(['D1', 'D2']);
  });

  it('the full list keeps only the dialogs the agent is still on', () => {
    expect(callsOf([dialog({ id: 'D1' }), dialog({ id: 'D2', state: 'FAILED' }), dialog({ id: 'D3', participants: [me('DROPPED')] })], ext).map((c) => c.id)).toEqual(['D1']);
    expect(callsOf([], ext)).toEqual([]);
  });
});
