import { describe, expect, it } from 'vitest';
import { SIGNED_OUT_VIEW } from '../../../../../main/core/platforms/platform.ts';
import { agentStateOf, kindOf, selectableStates } from '../../../../../main/core/platforms/finesse/agent-state.ts';
import { reduce, type FinesseAction } from '../../../../../main/core/platforms/finesse/reducer.ts';
import type { FinesseUser } from '../../../../../main/core/platforms/finesse/wire.ts';

const user = (state: string, extra: Partial<FinesseUser> = {}): FinesseUser => ({ state, roles: [], ...extra });

describe('finesse agent-state mapping', () => {
  it('maps every Finesse state to a common kind', () => {
    expect(kindOf('READY')).toBe('ready');
    expect(kindOf('NOT_READY')).toBe('not-ready');
    expect(kindOf('LOGOUT')).toBe('logged-out');
    for (const busy of ['TALKING', 'HOLD', 'RESERVED', 'RESERVED_OUTBOUND', 'RESERVED_OUTBOUND_PREVIEW', 'WORK', 'WORK_READY']) expect(kindOf(busy)).toBe('busy');
    expect(kindOf('UNKNOWN')).toBe('unknown');
    expect(kindOf('SOMETHING_NEW')).toBe('unknown');
  });

  it('labels NOT_READY with its reason, from the User or from the known codes', () => {
    expect(agentStateOf(user('NOT_READY', { reasonCodeId: '3', reasonCode: { id: '3', label: 'Lunch' } }))).toMatchObject({ kind: 'not-ready', stateId: 'NOT_READY', label: 'Not Ready', reason: 'Lunch' });
    // XMPP updates may carry only the id.
    expect(agentStateOf(user('NOT_READY', { reasonCodeId: '7' }), [{ id: '7', label: 'Meeting' }]).reason).toBe('Meeting');
    expect(agentStateOf(user('READY', { reasonCodeId: '7' }), [{ id: '7', label: 'Meeting' }]).reason).toBeUndefined();
  });

  it('keeps the state change time as ISO-8601 and ignores a bad one', () => {
    expect(agentStateOf(user('READY', { stateChangeTime: '2026-01-01T08:01:02.345Z' })).since).toBe('2026-01-01T08:01:02.345Z');
    expect(agentStateOf(user('READY', { stateChangeTime: 'yesterday' })).since).toBeUndefined();
  });

  it('offers Ready, Not Ready (reason required when codes exist) and Sign out', () => {
    const states = selectableStates([{ id: '1', label: 'Lunch' }], []);
    expect(states.map((s) => [s.id, s.kind, s.reasonRequired, s.reasons.length])).toEqual([
      ['READY', 'ready', false, 0],
      ['NOT_READY', 'not-ready', true, 1],
      ['LOGOUT', 'logged-out', false, 0],
    ]);
    expect(selectableStates([], [])[1]!.reasonRequired).toBe(false);
  });
});

describe('finesse reducer', () => {
  const run = (...actions: FinesseAction[]) => actions.reduce(reduce, SIGNED_OUT_VIEW);

  it('walks signing-in → awaiting-user (IdP page) → signing-in → active', () => {
    const phases = [
      { type: 'connecting', server: 'https://a:8445' },
      { type: 'awaiting-user' },
      { type: 'signing-in' },
      { type: 'connected', server: 'https://a:8445', userDisplayName: 'Sam J' },
      { type: 'active' },
    ].reduce<string[]>((acc, action, i, all) => [...acc, run(...(all.slice(0, i + 1) as FinesseAction[])).phase], []);
    expect(phases).toEqual(['signing-in', 'awaiting-user', 'signing-in', 'signing-in', 'active']);
    expect(run({ type: 'connecting', server: 's' }, { type: 'connected', server: 's' }).connection?.transport).toBe('xmpp');
  });

  it('keeps the agent state through reconnecting and a node switch', () => {
    const agent = { kind: 'not-ready' as const, stateId: 'NOT_READY', label: 'Not Ready', reason: 'Lunch' };
    const view = run(
      { type: 'connecting', server: 'https://a:8445' },
      { type: 'agent', agent },
      { type: 'active' },
      { type: 'reconnecting', attempt: 2, nextAttemptAt: '2026-01-01T08:00:01.000Z', nextHost: 'b:8445' },
    );
    expect(view).toMatchObject({ phase: 'reconnecting', agent, connection: { transport: 'xmpp', reconnectAttempt: 2, nextHost: 'b:8445' } });
    const back = reduce(view, { type: 'reconnected', server: 'https://b:8445' });
    expect(back).toMatchObject({ phase: 'active', server: 'https://b:8445', agent });
    expect(back.connection?.reconnectAttempt).toBeUndefined();
  });

  it('shows a sign-in warning without leaving active, and clears it by prefix', () => {
    const warned = run({ type: 'connecting', server: 's' }, { type: 'active' }, { type: 'error', error: { code: 'finesse.sso.sign-in-soon', message: 'm', action: 'sign-in-again' } });
    expect(warned.phase).toBe('active');
    expect(reduce(warned, { type: 'clear-error', codePrefix: 'finesse.sso.' }).lastError).toBeUndefined();
    expect(reduce(warned, { type: 'clear-error', codePrefix: 'finesse.xmpp' }).lastError).toBeDefined();
  });

  it('carries token times as ISO strings only', () => {
    const view = run({ type: 'connecting', server: 's' }, { type: 'token', expiresAt: '2026-01-01T08:05:00.000Z', refreshAt: '2026-01-01T08:03:45.000Z' });
    expect(view.token).toEqual({ expiresAt: '2026-01-01T08:05:00.000Z', refreshAt: '2026-01-01T08:03:45.000Z' });
  });

  it('ignores reconnecting before active, and fails or signs out from anywhere', () => {
    expect(run({ type: 'connecting', server: 's' }, { type: 'reconnecting', attempt: 1, nextAttemptAt: 'x' }).phase).toBe('signing-in');
    expect(run({ type: 'connecting', server: 's' }, { type: 'failed', error: { code: 'c', message: 'm', action: 'retry' } })).toMatchObject({ phase: 'failed', connection: { transport: 'none' } });
    expect(run({ type: 'connecting', server: 's' }, { type: 'active' }, { type: 'signed-out' })).toEqual({ phase: 'signed-out', selectableStates: [] });
  });
});
