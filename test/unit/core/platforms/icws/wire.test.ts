import { describe, expect, it } from 'vitest';
import { agentStateOf, kindOf, selectableStates } from '../../../../../main/core/platforms/icws/agent-state.ts';
import { reduce } from '../../../../../main/core/platforms/icws/reducer.ts';
import { SIGNED_OUT_VIEW } from '../../../../../main/core/platforms/platform.ts';
import { alternateHostUrl, chooseTransport, icAuthConnectionBody, parseIcwsDate, type StatusMessage } from '../../../../../main/core/platforms/icws/wire.ts';

const statuses: StatusMessage[] = [
  { statusId: 'Available', messageText: 'Available', isAcdStatus: true, isSelectableStatus: true },
  { statusId: 'Away from desk', messageText: 'Away from desk', isSelectableStatus: true },
  { statusId: 'Follow Up', messageText: 'Follow Up', isAfterCallWorkStatus: true, isSelectableStatus: true },
  { statusId: 'On Phone', messageText: 'On the phone', isSelectableStatus: false },
];

describe('icws wire helpers', () => {
  it('builds exactly one icAuth connection settings body [ICWS-02]', () => {
    const body = JSON.parse(icAuthConnectionBody('Patchbay', 'agent1', 'pw')) as Record<string, unknown>;
    expect(body).toEqual({ __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings', applicationName: 'Patchbay', userID: 'agent1', password: 'pw' });
  });

  it('rebuilds a bare alternate host with the same scheme and port [ICWS-06]', () => {
    expect(alternateHostUrl('https://ic1.example.com:8019', 'ic2.example.com')).toBe('https://ic2.example.com:8019');
    expect(alternateHostUrl('http://127.0.0.1:4000/', '127.0.0.2')).toBe('http://127.0.0.2:4000');
  });

  it('parses ICWS compact dates and rejects nonsense', () => {
    expect(parseIcwsDate('20201029T082018Z')).toBe('2020-10-29T08:20:18.000Z');
    expect(parseIcwsDate('not a date')).toBeUndefined();
    expect(parseIcwsDate(undefined)).toBeUndefined();
  });

  it('uses server-sent events only when the messaging feature is 2 or more [ICWS-15]', () => {
    expect(chooseTransport(2, 'auto')).toBe('sse');
    expect(chooseTransport(1, 'auto')).toBe('polling');
    expect(chooseTransport(undefined, 'auto')).toBe('polling');
    expect(chooseTransport(3, 'polling')).toBe('polling');
  });
});

describe('icws agent-state mapping', () => {
  it('maps ACD statuses to ready, after-call work to busy and others to not ready with the reason', () => {
    expect(kindOf(statuses[0])).toBe('ready');
    expect(kindOf(statuses[2])).toBe('busy');
    expect(kindOf(statuses[1])).toBe('not-ready');
    expect(kindOf(statuses[0], { loggedIn: false })).toBe('logged-out');
    expect(kindOf(statuses[0], { onPhone: true })).toBe('busy');
    expect(kindOf(undefined)).toBe('unknown');
  });

  it('offers only statuses that are both allowed for the user and selectable', () => {
    const offered = selectableStates(statuses, ['Available', 'On Phone', 'Follow Up']).map((s) => s.id);
    expect(offered).toEqual(['Available', 'Follow Up']);
  });

  it('reads the user status with its label, reason and since-time', () => {
    const state = agentStateOf({ userId: 'agent1', statusId: 'Away from desk', statusChanged: '20260101T080000Z' }, statuses);
    expect(state).toEqual({ kind: 'not-ready', stateId: 'Away from desk', label: 'Away from desk', reason: 'Away from desk', since: '2026-01-01T08:00:00.000Z' });
  });
});

describe('icws reducer', () => {
  it('goes signing-in → active and keeps the last event time', () => {
    let view = reduce(SIGNED_OUT_VIEW, { type: 'connecting', server: 'http://127.0.0.1:1' });
    expect(view.phase).toBe('signing-in');
    view = reduce(view, { type: 'connected', server: 'http://127.0.0.1:1', transport: 'sse', userDisplayName: 'Ada' });
    view = reduce(view, { type: 'active' });
    view = reduce(view, { type: 'event', at: '2026-01-01T08:00:00.000Z' });
    expect(view).toMatchObject({ phase: 'active', userDisplayName: 'Ada', connection: { transport: 'sse', lastEventAt: '2026-01-01T08:00:00.000Z' } });
  });

  it('keeps the session active when a command fails, and shows the error', () => {
    const active = reduce(reduce(SIGNED_OUT_VIEW, { type: 'connecting', server: 's' }), { type: 'active' });
    const view = reduce(active, { type: 'error', error: { code: 'x', message: 'No', action: 'none' } });
    expect(view.phase).toBe('active');
    expect(view.lastError?.message).toBe('No');
  });

  it('clears everything on sign-out', () => {
    const view = reduce({ ...SIGNED_OUT_VIEW, phase: 'active', userDisplayName: 'Ada' }, { type: 'signed-out' });
    expect(view).toEqual({ phase: 'signed-out', selectableStates: [] });
  });
});
