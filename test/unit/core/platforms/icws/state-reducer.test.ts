// What the agent sees when an ICWS session ends or reconnects (main/core/platforms/icws/state.ts) and
// every view transition of the ICWS reducer (reducer.ts), pinned whole (issue 9 mutation testing,
// helper MUT-LOG): a dropped field, a swapped action or a loosened condition turns a case red.
import { describe, expect, it } from 'vitest';
import { FakeClock, type Clock } from '../../../../../main/core/clock.ts';
import { reduce, type IcwsAction } from '../../../../../main/core/platforms/icws/reducer.ts';
import {
  LOST_CODE,
  LOST_FALLBACK,
  lostError,
  lostMessage,
  reconnectingAction,
  reconnectsAfterLoss,
  signInOptionsOf,
} from '../../../../../main/core/platforms/icws/state.ts';
import { SIGNED_OUT_VIEW, type SessionView } from '../../../../../main/core/platforms/platform.ts';

const providers = [{ id: 'okta', label: 'Okta' }];

describe('connection loss as the agent sees it', () => {
  it("shows the server's own reason, a plain sentence when it is blank or missing [ICWS-17, ICWS-18]", () => {
    expect(lostMessage('Der Server wird neu gestartet.')).toBe('Der Server wird neu gestartet.');
    expect(lostMessage(' \t ')).toBe(LOST_FALLBACK);
    expect(lostMessage('')).toBe(LOST_FALLBACK);
    expect(lostMessage(undefined)).toBe(LOST_FALLBACK);
    expect(LOST_FALLBACK).toBe('The connection to the server was lost.');
  });

  it('reconnects only when the server said shouldReconnect true and the agent can sign in again [ICWS-19]', () => {
    expect(reconnectsAfterLoss(true, true)).toBe(true);
    expect(reconnectsAfterLoss(undefined, true)).toBe(false);
    expect(reconnectsAfterLoss(false, true)).toBe(false);
    expect(reconnectsAfterLoss(true, false)).toBe(false);
  });

  it('an ended session asks IT only when the server ruled reconnecting out [ICWS-19]', () => {
    expect(lostError('Kicked.', false)).toStrictEqual({ code: LOST_CODE, message: 'Kicked.', action: 'contact-it' });
    expect(lostError(undefined, undefined)).toStrictEqual({ code: LOST_CODE, message: LOST_FALLBACK, action: 'sign-in-again' });
    expect(lostError('Restart.', true)).toStrictEqual({ code: LOST_CODE, message: 'Restart.', action: 'sign-in-again' });
    expect(LOST_CODE).toBe('icws.connection.lost');
  });

  it('the reconnecting view names the next attempt, its time on the wall clock and its host [ICWS-20]', () => {
    expect(reconnectingAction('Gone.')).toStrictEqual({ type: 'reconnecting', error: { code: LOST_CODE, message: 'Gone.', action: 'none' }, attempt: 0 });
    const schedule = { attempts: 3, nextAttemptAt: Date.UTC(2026, 0, 1, 8, 0, 20), nextHost: 'https://ic2.example.com:8019', intervalMs: 20_000 };
    expect(reconnectingAction(undefined, schedule)).toStrictEqual({
      type: 'reconnecting',
      error: { code: LOST_CODE, message: LOST_FALLBACK, action: 'none' },
      attempt: 3,
      nextAttemptAt: '2026-01-01T08:00:20.000Z',
      nextHost: 'ic2.example.com:8019',
    });
    // A scaled clock converts its time to the wall clock the screen counts down against.
    const scaled = { toWallTime: (ms: number) => ms + 60_000 };
    expect(reconnectingAction('Gone.', schedule, scaled)).toMatchObject({ nextAttemptAt: '2026-01-01T08:01:20.000Z' });
    // A clock without the conversion (the fake/system clock) keeps the time as it is.
    const plain: Pick<Clock, 'toWallTime'> = new FakeClock() as Clock;
    expect(reconnectingAction('Gone.', schedule, plain)).toMatchObject({ nextAttemptAt: '2026-01-01T08:00:20.000Z' });
  });
});

describe('the sign-in form for what server-info says', () => {
  it('offers the password form for a password profile when icAuth is allowed, no providers [ICWS-09]', () => {
    expect(signInOptionsOf({ allowIcAuth: true, identityProviders: providers }, 'password')).toStrictEqual({
      credentialsForm: true,
      identityProviders: [],
      userNameRequired: true,
      extensionRequired: false,
    });
  });

  it('offers the identity providers for an SSO profile, and no password form [ICWS-08]', () => {
    expect(signInOptionsOf({ allowIcAuth: true, identityProviders: providers }, 'sso')).toStrictEqual({
      credentialsForm: false,
      identityProviders: providers,
      userNameRequired: false,
      extensionRequired: false,
    });
  });

  it('never offers the password form when the server disallows icAuth, and says SSO is the only way [ICWS-09]', () => {
    expect(signInOptionsOf({ allowIcAuth: false, identityProviders: providers }, 'password')).toStrictEqual({
      credentialsForm: false,
      identityProviders: providers,
      userNameRequired: false,
      extensionRequired: false,
      note: 'This server allows single sign-on only.',
    });
  });
});

describe('ICWS reducer, every action', () => {
  const error = { code: 'x.y', message: 'No.', action: 'retry' as const };
  const agent = { kind: 'ready' as const, stateId: 'Available', label: 'Available' };
  const active: SessionView = {
    phase: 'active',
    server: 'https://ic1:8019',
    userDisplayName: 'Ada',
    selectableStates: [{ id: 'Available', label: 'Available', kind: 'ready', reasons: [], reasonRequired: false }],
    agent,
    connection: { transport: 'sse', lastEventAt: '2026-01-01T08:00:00.000Z' },
    lastError: error,
  };
  const cases: [string, SessionView, IcwsAction, SessionView][] = [
    ['connecting starts a fresh view', active, { type: 'connecting', server: 'https://ic2:8019' }, { phase: 'signing-in', server: 'https://ic2:8019', selectableStates: [], connection: { transport: 'none' } }],
    ['awaiting-user only changes the phase', active, { type: 'awaiting-user' }, { ...active, phase: 'awaiting-user' }],
    [
      'connected sets server, name and transport and clears the error',
      active,
      { type: 'connected', server: 'https://ic2:8019', userDisplayName: 'Bo', transport: 'polling' },
      { ...active, server: 'https://ic2:8019', userDisplayName: 'Bo', connection: { transport: 'polling' }, lastError: undefined },
    ],
    [
      'connected without a display name keeps the old one',
      active,
      { type: 'connected', server: 'https://ic1:8019', transport: 'sse' },
      { ...active, connection: { transport: 'sse' }, lastError: undefined },
    ],
    ['states replaces the choices', active, { type: 'states', states: [] }, { ...active, selectableStates: [] }],
    ['agent replaces the agent state', active, { type: 'agent', agent: { kind: 'busy', stateId: 'ACW', label: 'ACW' } }, { ...active, agent: { kind: 'busy', stateId: 'ACW', label: 'ACW' } }],
    ['event keeps the transport and records the time', active, { type: 'event', at: '2026-01-01T09:00:00.000Z' }, { ...active, connection: { transport: 'sse', lastEventAt: '2026-01-01T09:00:00.000Z' } }],
    ['event on a view without a connection starts one with transport none', SIGNED_OUT_VIEW, { type: 'event', at: 't' }, { ...SIGNED_OUT_VIEW, connection: { transport: 'none', lastEventAt: 't' } }],
    ['active clears the error', { ...active, phase: 'signing-in' }, { type: 'active' }, { ...active, phase: 'active', lastError: undefined }],
    ['error keeps the phase and shows it', { ...active, lastError: undefined }, { type: 'error', error }, active],
    ['failed drops the connection and shows the error', active, { type: 'failed', error }, { ...active, phase: 'failed', connection: { transport: 'none' }, lastError: error }],
    [
      'reconnecting keeps the agent state and names the attempt, time and host',
      active,
      { type: 'reconnecting', error, attempt: 2, nextAttemptAt: 'at', nextHost: 'ic2:8019' },
      { ...active, phase: 'reconnecting', lastError: error, connection: { transport: 'none', reconnectAttempt: 2, nextAttemptAt: 'at', nextHost: 'ic2:8019' } },
    ],
    ['reconnecting without a schedule has only the attempt', active, { type: 'reconnecting', error, attempt: 0 }, { ...active, phase: 'reconnecting', lastError: error, connection: { transport: 'none', reconnectAttempt: 0 } }],
    ['signed-out clears everything', active, { type: 'signed-out' }, { phase: 'signed-out', selectableStates: [] }],
  ];
  for (const [name, before, action, after] of cases) {
    it(name, () => {
      expect(reduce(before, action)).toStrictEqual(after);
    });
  }
});
