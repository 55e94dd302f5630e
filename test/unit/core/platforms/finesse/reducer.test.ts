import { describe, expect, it } from 'vitest';
import { SIGNED_OUT_VIEW } from '../../../../../main/core/platforms/platform.ts';
import { agentStateOf, kindOf, selectableStates } from '../../../../../main/core/platforms/finesse/agent-state.ts';
import { reduce, type FinesseAction } from '../../../../../main/core/platforms/finesse/reducer.ts';
import type { FinesseDialog, FinesseUser } from '../../../../../main/core/platforms/finesse/wire.ts';

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

describe('finesse reducer: the agent\'s calls from dialogs', () => {
  const run = (...actions: FinesseAction[]) => actions.reduce(reduce, SIGNED_OUT_VIEW);
  const ext = '1001001';
  const dialog = (id: string, state: string, extra: Partial<FinesseDialog> = {}): FinesseDialog => ({
    id,
    state,
    fromAddress: '5551234',
    toAddress: ext,
    callType: 'ACD_IN',
    participants: [{ mediaAddress: ext, state, startTime: '2026-01-01T08:00:00.000Z' }],
    ...extra,
  });
  const live = (...actions: FinesseAction[]) => run({ type: 'connecting', server: 's' }, { type: 'active' }, ...actions);

  it('adds a dialog on POST, updates it on PUT and removes it on DELETE [§5 dialog updates]', () => {
    const ringing = live({ type: 'dialogs', dialogs: [dialog('D1', 'ALERTING')], event: 'POST', extension: ext });
    expect(ringing.calls).toEqual([{ id: 'D1', direction: 'inbound', from: '5551234', to: ext, state: 'ALERTING', since: '2026-01-01T08:00:00.000Z' }]);
    const talking = reduce(ringing, { type: 'dialogs', dialogs: [dialog('D1', 'ACTIVE')], event: 'PUT', extension: ext });
    expect(talking.calls?.map((c) => [c.id, c.state])).toEqual([['D1', 'ACTIVE']]);
    const second = reduce(talking, { type: 'dialogs', dialogs: [dialog('D2', 'ALERTING', { fromAddress: '5559999' })], event: 'POST', extension: ext });
    expect(second.calls?.map((c) => c.id)).toEqual(['D1', 'D2']);
    expect(reduce(second, { type: 'dialogs', dialogs: [dialog('D1', 'DROPPED')], event: 'DELETE', extension: ext }).calls?.map((c) => c.id)).toEqual(['D2']);
  });

  it('drops a dialog the agent has left even without DELETE, and ignores a DELETE of an unknown one', () => {
    const view = live({ type: 'dialogs', dialogs: [dialog('D1', 'ACTIVE')], event: 'POST', extension: ext });
    const left = dialog('D1', 'ACTIVE', { participants: [{ mediaAddress: ext, state: 'DROPPED' }, { mediaAddress: '5551234', state: 'ACTIVE' }] });
    expect(reduce(view, { type: 'dialogs', dialogs: [left], event: 'PUT', extension: ext }).calls).toEqual([]);
    expect(reduce(view, { type: 'dialogs', dialogs: [dialog('D9', 'DROPPED')], event: 'DELETE', extension: ext }).calls?.map((c) => c.id)).toEqual(['D1']);
  });

  it('replaces the list from the GET of the user\'s Dialogs, keeping only live ones [§4]', () => {
    const view = live(
      { type: 'dialogs', dialogs: [dialog('OLD', 'ACTIVE')], event: 'POST', extension: ext },
      { type: 'dialogs', dialogs: [dialog('D1', 'HELD'), dialog('D2', 'FAILED')], replace: true, extension: ext },
    );
    expect(view.calls?.map((c) => [c.id, c.state])).toEqual([['D1', 'HELD']]);
  });

  it('tells the direction from callType, else from the agent\'s extension', () => {
    const out = dialog('D1', 'ACTIVE', { callType: 'OUT', fromAddress: ext, toAddress: '5550000' });
    const inside = dialog('D2', 'ACTIVE', { callType: 'AGENT_INSIDE', fromAddress: ext, toAddress: '1001009' });
    const unknown = dialog('D3', 'ACTIVE', { callType: undefined, fromAddress: '1', toAddress: '2', participants: [] });
    const view = live({ type: 'dialogs', dialogs: [out, inside, unknown], replace: true, extension: ext });
    expect(view.calls?.map((c) => c.direction)).toEqual(['outbound', 'outbound', 'unknown']);
    expect(view.calls?.[2]).toEqual({ id: 'D3', direction: 'unknown', from: '1', to: '2', state: 'ACTIVE' });
  });

  it('clears the calls when the session fails or signs out', () => {
    const view = live({ type: 'dialogs', dialogs: [dialog('D1', 'ACTIVE')], event: 'POST', extension: ext });
    expect(reduce(view, { type: 'failed', error: { code: 'c', message: 'm', action: 'retry' } }).calls).toBeUndefined();
    expect(reduce(view, { type: 'signed-out' }).calls).toBeUndefined();
    expect(reduce(view, { type: 'reconnecting', attempt: 1, nextAttemptAt: 'x' }).calls).toHaveLength(1);
  });
});

describe('finesse reducer: every action exactly (issue 9 mutation review)', () => {
  const run = (...actions: FinesseAction[]) => actions.reduce(reduce, SIGNED_OUT_VIEW);
  const agent = { kind: 'ready' as const, stateId: 'READY', label: 'Ready' };
  const err = (code: string) => ({ code, message: 'm', action: 'none' as const });
  const busy = () =>
    run(
      { type: 'connecting', server: 'https://a:8445' },
      { type: 'connected', server: 'https://a:8445', serverNote: 'node b named by SystemInfo', userDisplayName: 'Sam' },
      { type: 'agent', agent },
      { type: 'event', at: '2026-01-01T08:00:00.000Z' },
      { type: 'active' },
    );

  it('connecting starts from nothing: no agent, calls, error or note of an earlier session', () => {
    const view = reduce({ ...busy(), lastError: err('x'), calls: [] }, { type: 'connecting', server: 'https://b:8445' });
    expect(view).toEqual({ phase: 'signing-in', server: 'https://b:8445', selectableStates: [], connection: { transport: 'none' } });
  });

  it('the IdP page phase comes only from signing-in, and goes back only from it', () => {
    const active = busy();
    expect(reduce(active, { type: 'awaiting-user' })).toBe(active);
    expect(reduce(active, { type: 'signing-in' })).toBe(active);
    const signingIn = run({ type: 'connecting', server: 's' });
    expect(reduce(signingIn, { type: 'signing-in' })).toBe(signingIn);
    expect(reduce(signingIn, { type: 'awaiting-user' })).toEqual({ ...signingIn, phase: 'awaiting-user' });
  });

  it('connected sets the server, the XMPP transport (keeping the last event time), the note and the name only when given', () => {
    expect(busy()).toEqual({
      phase: 'active',
      server: 'https://a:8445',
      serverNote: 'node b named by SystemInfo',
      userDisplayName: 'Sam',
      selectableStates: [],
      agent,
      connection: { transport: 'xmpp', lastEventAt: '2026-01-01T08:00:00.000Z' },
      lastError: undefined,
    });
    const again = reduce(busy(), { type: 'connected', server: 'https://c:8445' });
    expect(again).not.toHaveProperty('serverNote');
    expect(again.userDisplayName).toBe('Sam');
    expect(again.connection).toEqual({ transport: 'xmpp', lastEventAt: '2026-01-01T08:00:00.000Z' });
    expect(run({ type: 'connecting', server: 's' }, { type: 'connected', server: 's' })).toEqual({ phase: 'signing-in', server: 's', selectableStates: [], connection: { transport: 'xmpp' } });
  });

  it('an event keeps the transport, or takes XMPP when there is none', () => {
    expect(reduce(SIGNED_OUT_VIEW, { type: 'event', at: 't1' }).connection).toEqual({ transport: 'xmpp', lastEventAt: 't1' });
    expect(run({ type: 'connecting', server: 's' }, { type: 'event', at: 't2' }).connection).toEqual({ transport: 'none', lastEventAt: 't2' });
  });

  it('token times: only those given, signInBy included [FIN-14]', () => {
    expect(reduce(busy(), { type: 'token', signInBy: '2026-01-01T16:00:00.000Z' }).token).toEqual({ signInBy: '2026-01-01T16:00:00.000Z' });
    expect(reduce(busy(), { type: 'token' }).token).toEqual({});
    expect(reduce(busy(), { type: 'token', expiresAt: 'e' }).token).toEqual({ expiresAt: 'e' });
  });

  it('active keeps a sign-in warning (finesse.sso.*) and drops any other error', () => {
    const signingIn = run({ type: 'connecting', server: 's' });
    expect(reduce({ ...signingIn, lastError: err('finesse.sso.sign-in-soon') }, { type: 'active' }).lastError).toEqual(err('finesse.sso.sign-in-soon'));
    expect(reduce({ ...signingIn, lastError: err('finesse.state.rejected') }, { type: 'active' }).lastError).toBeUndefined();
    expect(reduce({ ...signingIn, lastError: err('x.finesse.sso.') }, { type: 'active' }).lastError).toBeUndefined();
  });

  it('reconnecting (from active or reconnecting) shows the attempt, its time, Retry now and the next host only when known', () => {
    const first = reduce(busy(), { type: 'reconnecting', attempt: 1, nextAttemptAt: 't1' });
    expect(first).toEqual({ ...busy(), phase: 'reconnecting', connection: { transport: 'xmpp', lastEventAt: '2026-01-01T08:00:00.000Z', reconnectAttempt: 1, nextAttemptAt: 't1', retryNow: true } });
    const second = reduce(first, { type: 'reconnecting', attempt: 2, nextAttemptAt: 't2', nextHost: 'b:8445' });
    expect(second.connection).toEqual({ transport: 'xmpp', lastEventAt: '2026-01-01T08:00:00.000Z', reconnectAttempt: 2, nextAttemptAt: 't2', retryNow: true, nextHost: 'b:8445' });
    const noEvent = reduce(run({ type: 'connecting', server: 's' }, { type: 'active' }), { type: 'reconnecting', attempt: 1, nextAttemptAt: 't' });
    expect(noEvent.connection).toEqual({ transport: 'xmpp', reconnectAttempt: 1, nextAttemptAt: 't', retryNow: true });
    const failed = reduce(busy(), { type: 'failed', error: err('f') });
    expect(reduce(failed, { type: 'reconnecting', attempt: 1, nextAttemptAt: 't' })).toBe(failed);
  });

  it('reconnected (from reconnecting or active) clears the XMPP error only and sets the node and its note', () => {
    const down = { ...reduce(busy(), { type: 'reconnecting', attempt: 1, nextAttemptAt: 't1' }), lastError: err('finesse.xmpp.down') };
    const back = reduce(down, { type: 'reconnected', server: 'https://b:8445', serverNote: 'peer node' });
    expect(back).toEqual({ ...busy(), server: 'https://b:8445', serverNote: 'peer node', connection: { transport: 'xmpp', lastEventAt: '2026-01-01T08:00:00.000Z' }, lastError: undefined });
    const warned = { ...busy(), lastError: err('finesse.sso.sign-in-soon') };
    const same = reduce(warned, { type: 'reconnected', server: 'https://a:8445' });
    expect(same.lastError).toEqual(err('finesse.sso.sign-in-soon'));
    expect(same).not.toHaveProperty('serverNote');
    const noEvent = reduce(run({ type: 'connecting', server: 's' }, { type: 'active' }), { type: 'reconnected', server: 's' });
    expect(noEvent.connection).toEqual({ transport: 'xmpp' });
    const signingIn = run({ type: 'connecting', server: 's' });
    expect(reduce(signingIn, { type: 'reconnected', server: 'x' })).toBe(signingIn);
  });

  it('shows and clears errors; a failure ends the channel and the calls', () => {
    const withError = reduce(busy(), { type: 'error', error: err('finesse.state.rejected') });
    expect(withError).toEqual({ ...busy(), lastError: err('finesse.state.rejected') });
    expect(reduce(withError, { type: 'clear-error', codePrefix: 'finesse.state' })).toEqual({ ...busy(), lastError: undefined });
    expect(reduce(withError, { type: 'clear-error', codePrefix: 'finesse.sso' })).toBe(withError);
    expect(reduce(busy(), { type: 'clear-error', codePrefix: 'finesse' })).toEqual(busy());
    expect(reduce({ ...busy(), calls: [] }, { type: 'failed', error: err('f') })).toEqual({ ...busy(), phase: 'failed', connection: { transport: 'none' }, lastError: err('f'), calls: undefined });
  });

  it('a dialog notification starts the calls from none when the view has none yet', () => {
    const d: FinesseDialog = { id: 'D1', state: 'ACTIVE', participants: [{ mediaAddress: '1', state: 'ACTIVE' }] };
    expect(reduce(busy(), { type: 'dialogs', dialogs: [d], extension: '1', event: 'POST' }).calls).toEqual([{ id: 'D1', direction: 'unknown', state: 'ACTIVE' }]);
    expect(reduce(busy(), { type: 'dialogs', dialogs: [], extension: '1', replace: true }).calls).toEqual([]);
  });
});
