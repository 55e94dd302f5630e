// The GWS view reducer (DESIGN.md: the one place the view changes), every action pinned (issue 9
// mutation testing): what the card shows in each phase, and what a drop keeps on screen.
import { describe, expect, it } from 'vitest';
import type { AgentState, ContractError } from '../../../../../preload/contract.ts';
import { SIGNED_OUT_VIEW, type SessionView } from '../../../../../main/core/platforms/platform.ts';
import { reduce } from '../../../../../main/core/platforms/gws/reducer.ts';

const ERR: ContractError = { code: 'gws.x', message: 'x', action: 'retry' };
const AGENT: AgentState = { kind: 'ready', stateId: 'Ready', label: 'Ready' };
const ACTIVE: SessionView = {
  phase: 'active',
  server: 'https://gws.example',
  userDisplayName: 'Ann',
  selectableStates: [{ id: 'Ready', label: 'Ready', kind: 'ready', reasons: [], reasonRequired: false }],
  agent: AGENT,
  calls: [],
  connection: { transport: 'cometd', lastEventAt: 't1' },
};

describe('GWS view reducer', () => {
  it('connecting starts a fresh signing-in view on the server, nothing kept', () => {
    expect(reduce(ACTIVE, { type: 'connecting', server: 'https://b' })).toEqual({ phase: 'signing-in', server: 'https://b', selectableStates: [], connection: { transport: 'none' } });
  });

  it('awaiting-user while the LoginWindow is open; signed-in goes back to signing-in with the user name', () => {
    const waiting = reduce(reduce(SIGNED_OUT_VIEW, { type: 'connecting', server: 's' }), { type: 'awaiting-user' });
    expect(waiting.phase).toBe('awaiting-user');
    expect(waiting.server).toBe('s');
    expect(reduce(waiting, { type: 'signed-in', server: 's2', userDisplayName: 'Ann' })).toMatchObject({ phase: 'signing-in', server: 's2', userDisplayName: 'Ann' });
    expect(reduce(waiting, { type: 'signed-in', server: 's2' })).not.toHaveProperty('userDisplayName');
    expect(reduce(waiting, { type: 'signed-in', server: 's2', userDisplayName: '' })).not.toHaveProperty('userDisplayName');
  });

  it('states, agent and calls replace their part only', () => {
    const states = [{ id: 'NotReady', label: 'Not Ready', kind: 'not-ready' as const, reasons: [], reasonRequired: false }];
    expect(reduce(ACTIVE, { type: 'states', states })).toEqual({ ...ACTIVE, selectableStates: states });
    const agent: AgentState = { kind: 'not-ready', stateId: 'NotReady', label: 'Not Ready' };
    expect(reduce(ACTIVE, { type: 'agent', agent })).toEqual({ ...ACTIVE, agent });
    const calls = [{ id: 'c1', direction: 'inbound' as const, state: 'ringing' as const }];
    expect(reduce(ACTIVE, { type: 'calls', calls } as never)).toEqual({ ...ACTIVE, calls });
  });

  it('link-up sets the CometD transport and the time; an event moves the time only, CometD when none was set', () => {
    expect(reduce({ ...ACTIVE, connection: { transport: 'none', reconnectAttempt: 2 } }, { type: 'link-up', at: 't2' }).connection).toEqual({ transport: 'cometd', lastEventAt: 't2' });
    expect(reduce({ ...ACTIVE, connection: { transport: 'cometd', lastEventAt: 't1', reconnectAttempt: 1 } }, { type: 'event', at: 't3' }).connection).toEqual({
      transport: 'cometd',
      lastEventAt: 't3',
      reconnectAttempt: 1,
    });
    const { connection: _, ...none } = ACTIVE;
    expect(reduce(none, { type: 'event', at: 't4' }).connection).toEqual({ transport: 'cometd', lastEventAt: 't4' });
  });

  it('active clears the last error; error shows one; clear-error removes it', () => {
    const withError = reduce({ ...ACTIVE, phase: 'signing-in' }, { type: 'error', error: ERR });
    expect(withError.lastError).toEqual(ERR);
    expect(withError.phase).toBe('signing-in');
    const active = reduce(withError, { type: 'active' });
    expect(active.phase).toBe('active');
    expect(active.lastError).toBeUndefined();
    expect(reduce(withError, { type: 'clear-error' }).lastError).toBeUndefined();
    expect(reduce(withError, { type: 'clear-error' }).phase).toBe('signing-in');
  });

  it('reconnecting keeps the agent and calls on screen, says why and which attempt', () => {
    const next = reduce(ACTIVE, { type: 'reconnecting', error: ERR, attempt: 3 });
    expect(next).toEqual({ ...ACTIVE, phase: 'reconnecting', lastError: ERR, connection: { transport: 'none', reconnectAttempt: 3 } });
  });

  it('failed ends the link and says why; signed-out starts over', () => {
    expect(reduce(ACTIVE, { type: 'failed', error: ERR })).toEqual({ ...ACTIVE, phase: 'failed', connection: { transport: 'none' }, lastError: ERR });
    expect(reduce(ACTIVE, { type: 'signed-out' })).toEqual({ phase: 'signed-out', selectableStates: [] });
  });
});
