// The Genesys Cloud view reducer, every action and guard pinned (issue 9 mutation testing): GC-09
// (auth-lost / auth-pending keep the last state on screen marked stale), the stream's reconnects,
// and phases that only move forward from the right place.
import { describe, expect, it } from 'vitest';
import type { AgentState, ContractError } from '../../../../../preload/contract.ts';
import { SIGNED_OUT_VIEW, type SessionView } from '../../../../../main/core/platforms/platform.ts';
import { reduce } from '../../../../../main/core/platforms/genesys-cloud/reducer.ts';

const ERR: ContractError = { code: 'genesys-cloud.auth.x', message: 'x', action: 'sign-in-again' };
const AGENT: AgentState = { kind: 'ready', stateId: 'on-queue', label: 'On Queue', quickAction: { stateId: 'idle', label: 'Back to Idle' } };
const ACTIVE: SessionView = {
  phase: 'active',
  server: 'https://api.example',
  userDisplayName: 'Ann',
  selectableStates: [{ id: 'on-queue', label: 'On Queue', kind: 'ready', reasons: [], reasonRequired: false }],
  agent: AGENT,
  calls: [],
  token: { expiresAt: 'e', refreshAt: 'r' },
  connection: { transport: 'websocket', lastEventAt: 't1' },
};
const SIGNING_IN = reduce(SIGNED_OUT_VIEW, { type: 'connecting', server: 'https://api.example' });

describe('Genesys Cloud view reducer', () => {
  it('connecting → awaiting-user → signing-in, each only from the phase before it', () => {
    expect(SIGNING_IN).toEqual({ phase: 'signing-in', server: 'https://api.example', selectableStates: [], connection: { transport: 'none' } });
    const waiting = reduce(SIGNING_IN, { type: 'awaiting-user' });
    expect(waiting.phase).toBe('awaiting-user');
    expect(reduce(waiting, { type: 'signing-in' }).phase).toBe('signing-in');
    expect(reduce(ACTIVE, { type: 'awaiting-user' })).toBe(ACTIVE);
    expect(reduce(ACTIVE, { type: 'signing-in' })).toBe(ACTIVE);
    expect(reduce(SIGNING_IN, { type: 'signing-in' })).toBe(SIGNING_IN);
  });

  it('connected: the WebSocket transport, the user name when given, the last event time kept', () => {
    expect(reduce(SIGNING_IN, { type: 'connected', userDisplayName: 'Ann' })).toMatchObject({ userDisplayName: 'Ann', connection: { transport: 'websocket' } });
    expect(reduce(SIGNING_IN, { type: 'connected' })).not.toHaveProperty('userDisplayName');
    expect(reduce(SIGNING_IN, { type: 'connected', userDisplayName: '' })).not.toHaveProperty('userDisplayName');
    expect(reduce(SIGNING_IN, { type: 'connected' }).connection).toEqual({ transport: 'websocket' });
    expect(reduce(ACTIVE, { type: 'connected' }).connection).toEqual({ transport: 'websocket', lastEventAt: 't1' });
  });

  it('states, agent, calls and event replace their part only', () => {
    expect(reduce(ACTIVE, { type: 'states', states: [] })).toEqual({ ...ACTIVE, selectableStates: [] });
    const agent: AgentState = { kind: 'not-ready', stateId: 'away', label: 'Away' };
    expect(reduce(ACTIVE, { type: 'agent', agent })).toEqual({ ...ACTIVE, agent });
    expect(reduce(ACTIVE, { type: 'calls', calls: [{ id: 'c', direction: 'inbound', state: 'alerting' }] }).calls).toHaveLength(1);
    expect(reduce(ACTIVE, { type: 'event', at: 't2' }).connection).toEqual({ transport: 'websocket', lastEventAt: 't2' });
    expect(reduce(SIGNED_OUT_VIEW, { type: 'event', at: 't2' }).connection).toEqual({ transport: 'websocket', lastEventAt: 't2' });
  });

  it('token times: only the ones given (times, never a token)', () => {
    expect(reduce(ACTIVE, { type: 'token', expiresAt: 'E', refreshAt: 'R' }).token).toEqual({ expiresAt: 'E', refreshAt: 'R' });
    expect(reduce(ACTIVE, { type: 'token', expiresAt: 'E' }).token).toEqual({ expiresAt: 'E' });
    expect(reduce(ACTIVE, { type: 'token', refreshAt: 'R' }).token).toEqual({ refreshAt: 'R' });
    expect(reduce(ACTIVE, { type: 'token' }).token).toEqual({});
  });

  it('active clears the last error', () => {
    expect(reduce({ ...SIGNING_IN, lastError: ERR }, { type: 'active' })).toMatchObject({ phase: 'active', lastError: undefined });
  });

  it('reconnecting only from active or reconnecting: attempt and next time shown, last event kept', () => {
    const next = reduce(ACTIVE, { type: 'reconnecting', attempt: 2, nextAttemptAt: 'N' });
    expect(next.phase).toBe('reconnecting');
    expect(next.connection).toEqual({ transport: 'websocket', lastEventAt: 't1', reconnectAttempt: 2, nextAttemptAt: 'N' });
    expect(reduce(next, { type: 'reconnecting', attempt: 3, nextAttemptAt: 'M' }).connection).toMatchObject({ reconnectAttempt: 3, nextAttemptAt: 'M' });
    expect(reduce({ ...ACTIVE, connection: { transport: 'websocket' } }, { type: 'reconnecting', attempt: 1, nextAttemptAt: 'N' }).connection).toEqual({
      transport: 'websocket',
      reconnectAttempt: 1,
      nextAttemptAt: 'N',
    });
    expect(reduce(SIGNING_IN, { type: 'reconnecting', attempt: 1, nextAttemptAt: 'N' })).toBe(SIGNING_IN);
    const failed = { ...ACTIVE, phase: 'failed' as const };
    expect(reduce(failed, { type: 'reconnecting', attempt: 1, nextAttemptAt: 'N' })).toBe(failed);
  });

  it('reconnected: active again, attempt cleared, a notifications error cleared but any other kept', () => {
    const dropped = reduce({ ...ACTIVE, lastError: { code: 'genesys-cloud.notifications.lost', message: 'm', action: 'none' } }, { type: 'reconnecting', attempt: 1, nextAttemptAt: 'N' });
    const back = reduce(dropped, { type: 'reconnected' });
    expect(back.phase).toBe('active');
    expect(back.connection).toEqual({ transport: 'websocket', lastEventAt: 't1' });
    expect(back.lastError).toBeUndefined();
    expect(reduce({ ...dropped, lastError: ERR }, { type: 'reconnected' }).lastError).toEqual(ERR);
    expect(reduce({ ...ACTIVE, connection: { transport: 'websocket' } }, { type: 'reconnected' }).connection).toEqual({ transport: 'websocket' });
    // A channel rotated while active (no drop shown) also clears a notifications warning.
    const warned = { ...ACTIVE, lastError: { code: 'genesys-cloud.notifications.warning', message: 'm', action: 'none' as const } };
    expect(reduce(warned, { type: 'reconnected' })).toEqual({ ...ACTIVE, lastError: undefined });
    expect(reduce(SIGNING_IN, { type: 'reconnected' })).toBe(SIGNING_IN);
  });

  it('error shows one; clear-error removes only an error of that prefix', () => {
    const withError = reduce(ACTIVE, { type: 'error', error: ERR });
    expect(withError.lastError).toEqual(ERR);
    expect(reduce(withError, { type: 'clear-error', codePrefix: 'genesys-cloud.auth' }).lastError).toBeUndefined();
    expect(reduce(withError, { type: 'clear-error', codePrefix: 'genesys-cloud.notifications' })).toBe(withError);
    expect(reduce(ACTIVE, { type: 'clear-error', codePrefix: 'genesys-cloud.auth' })).toBe(ACTIVE);
  });

  it('GC-09: auth-lost keeps the last agent state on screen marked stale, no quick action, nothing else that needs the sign-in', () => {
    const lost = reduce(ACTIVE, { type: 'auth-lost', error: ERR });
    expect(lost).toEqual({
      ...ACTIVE,
      phase: 'failed',
      connection: { transport: 'none', lastEventAt: 't1' },
      agent: { ...AGENT, stale: true, quickAction: undefined },
      selectableStates: [],
      calls: undefined,
      token: undefined,
      lastError: ERR,
    });
    expect(reduce({ ...ACTIVE, agent: undefined, connection: undefined }, { type: 'auth-lost', error: ERR })).toMatchObject({ agent: undefined, connection: { transport: 'none' } });
    expect(reduce({ ...ACTIVE, agent: undefined, connection: undefined }, { type: 'auth-lost', error: ERR }).connection).toEqual({ transport: 'none' });
    expect(reduce(SIGNED_OUT_VIEW, { type: 'auth-lost', error: ERR })).toBe(SIGNED_OUT_VIEW);
  });

  it('GC-09: auth-pending marks the state stale without ending the session (phase, states and calls kept)', () => {
    const pending = reduce(ACTIVE, { type: 'auth-pending', error: ERR });
    expect(pending).toEqual({
      ...ACTIVE,
      connection: { transport: 'none', lastEventAt: 't1' },
      agent: { ...AGENT, stale: true, quickAction: undefined },
      token: undefined,
      lastError: ERR,
    });
    expect(reduce({ ...ACTIVE, agent: undefined, connection: undefined }, { type: 'auth-pending', error: ERR }).connection).toEqual({ transport: 'none' });
    expect(reduce({ ...ACTIVE, agent: undefined }, { type: 'auth-pending', error: ERR }).agent).toBeUndefined();
    expect(reduce(SIGNED_OUT_VIEW, { type: 'auth-pending', error: ERR })).toBe(SIGNED_OUT_VIEW);
  });

  it('failed drops the agent and calls and says why; signed-out starts over', () => {
    expect(reduce(ACTIVE, { type: 'failed', error: ERR })).toEqual({ ...ACTIVE, phase: 'failed', connection: { transport: 'none' }, lastError: ERR, calls: undefined, agent: undefined });
    expect(reduce(ACTIVE, { type: 'signed-out' })).toEqual({ phase: 'signed-out', selectableStates: [] });
  });
});
