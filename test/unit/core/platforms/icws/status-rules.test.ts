// The ICWS status steps (main/core/platforms/icws/status.ts: status list, user access, user status,
// station) on a stub authenticated call, and the status → agent-state mapping (agent-state.ts)
// edge by edge (issue 9 mutation testing, helper MUT-LOG).
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import { agentStateOf, kindOf, selectableStates } from '../../../../../main/core/platforms/icws/agent-state.ts';
import { fetchStatuses, fetchUserStatus, putStation } from '../../../../../main/core/platforms/icws/status.ts';
import type { StatusMessage } from '../../../../../main/core/platforms/icws/wire.ts';
import { response } from './stub-response.ts';

type Call = { method: string; path: string; json?: unknown };

function stubCall(answers: Record<string, HttpResponse>) {
  const calls: Call[] = [];
  const call = async (method: string, path: string, json?: unknown) => {
    calls.push(json === undefined ? { method, path } : { method, path, json });
    return answers[`${method} ${path}`] ?? response(404);
  };
  return { call, calls };
}

const list = {
  statusMessageList: [
    { statusId: 'Available', messageText: 'Verfügbar', isAcdStatus: true, isSelectableStatus: true },
    { statusId: 'Lunch', messageText: '', isSelectableStatus: true },
    { statusId: 'Hidden', messageText: 'Hidden' },
  ],
};

describe('status list and user access (icws.md "status")', () => {
  it('reads both lists and offers the allowed, selectable ones with their labels', async () => {
    const { call, calls } = stubCall({
      'GET /status/status-messages': response(200, list),
      'GET /status/status-messages-user-access/agent%201': response(200, { statusMessages: ['Available', 'Lunch', 'Hidden'] }),
    });
    const out = await fetchStatuses(call, 'agent 1');
    expect(calls).toEqual([
      { method: 'GET', path: '/status/status-messages' },
      { method: 'GET', path: '/status/status-messages-user-access/agent%201' },
    ]);
    expect(out.statuses.map((s) => s.statusId)).toEqual(['Available', 'Lunch', 'Hidden']);
    expect(out.selectable).toStrictEqual([
      { id: 'Available', label: 'Verfügbar', kind: 'ready', reasons: [], reasonRequired: false },
      { id: 'Lunch', label: 'Lunch', kind: 'not-ready', reasons: [], reasonRequired: false },
      { id: 'Hidden', label: 'Hidden', kind: 'not-ready', reasons: [], reasonRequired: false },
    ]);
  });

  it("a refused list shows the server's message [ICWS-26]", async () => {
    const { call } = stubCall({
      'GET /status/status-messages': response(500, { errorId: 'e.1', message: 'Status service down.' }),
      'GET /status/status-messages-user-access/a': response(200, { statusMessages: [] }),
    });
    await expect(fetchStatuses(call, 'a')).rejects.toMatchObject({ code: 'icws.status-messages.failed', message: 'Status service down.', action: 'retry' });
    const refusedAccess = stubCall({ 'GET /status/status-messages': response(200, list), 'GET /status/status-messages-user-access/a': response(403, { message: 'No access.' }) });
    await expect(fetchStatuses(refusedAccess.call, 'a')).rejects.toMatchObject({ code: 'icws.status-access.failed', message: 'No access.' });
  });

  it('an unreadable list or access answer is a typed error', async () => {
    for (const [statuses, access] of [
      [{ nope: 1 }, { statusMessages: [] }],
      [list, { statusMessages: 'x' }],
    ]) {
      const { call } = stubCall({ 'GET /status/status-messages': response(200, statuses), 'GET /status/status-messages-user-access/a': response(200, access) });
      const error = await fetchStatuses(call, 'a').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PatchbayError);
      expect(error).toMatchObject({ code: 'icws.status-messages.bad-response', message: 'The server sent a status list Patchbay could not read.', action: 'contact-it' });
    }
  });

  it("reads the user's status, encoded in the path, and types an unreadable or refused one", async () => {
    const ok = stubCall({ 'GET /status/user-statuses/a%2Fb': response(200, { userId: 'a/b', statusId: 'Available', onPhone: false }) });
    expect(await fetchUserStatus(ok.call, 'a/b')).toStrictEqual({ userId: 'a/b', statusId: 'Available', onPhone: false });
    const bad = stubCall({ 'GET /status/user-statuses/a': response(200, { userId: 'a' }) });
    await expect(fetchUserStatus(bad.call, 'a')).rejects.toMatchObject({
      code: 'icws.user-status.bad-response',
      message: 'The server sent a user status Patchbay could not read.',
      action: 'contact-it',
    });
    const refused = stubCall({ 'GET /status/user-statuses/a': response(401, {}) });
    await expect(fetchUserStatus(refused.call, 'a')).rejects.toMatchObject({ code: 'icws.user-status.failed', message: 'The server answered 401.' });
  });
});

describe('station', () => {
  it('puts the workstation settings and accepts any 2xx', async () => {
    for (const status of [200, 202, 204, 299]) {
      const { call, calls } = stubCall({ 'PUT /connection/station': response(status) });
      expect(await putStation(call, 'WS-7')).toBeUndefined();
      expect(calls).toEqual([
        {
          method: 'PUT',
          path: '/connection/station',
          json: { __type: 'urn:inin.com:connection:workstationSettings', workstation: 'WS-7', supportedMediaTypes: [1], readyForInteractions: true },
        },
      ]);
    }
  });

  it("a refused station gives the server's message, or a sentence naming the station [ICWS-26]", async () => {
    const said = stubCall({ 'PUT /connection/station': response(400, { errorId: 'error.station', message: 'Station WS-7 is in use.' }) });
    expect(await putStation(said.call, 'WS-7')).toMatchObject({ code: 'icws.station.rejected', message: 'Station WS-7 is in use.', action: 'contact-it', details: { status: 400, errorId: 'error.station' } });
    for (const status of [199, 300, 500]) {
      const silent = stubCall({ 'PUT /connection/station': response(status) });
      expect(await putStation(silent.call, 'WS-7')).toMatchObject({ code: 'icws.station.rejected', message: 'The server refused the station WS-7.' });
    }
  });
});

describe('status → agent state', () => {
  const acd: StatusMessage = { statusId: 'Available', messageText: 'Available', isAcdStatus: true };
  const acw: StatusMessage = { statusId: 'ACW', messageText: 'After call', isAfterCallWorkStatus: true, isAcdStatus: true };
  const away: StatusMessage = { statusId: 'Away', messageText: '' };

  it('logged out wins over everything; after-call work is busy even when ACD; on the phone is busy', () => {
    expect(kindOf(acd, { loggedIn: false, onPhone: false })).toBe('logged-out');
    expect(kindOf(undefined, { loggedIn: false })).toBe('logged-out');
    expect(kindOf(undefined, { loggedIn: true })).toBe('unknown');
    expect(kindOf(acw)).toBe('busy');
    expect(kindOf(acd, { loggedIn: true, onPhone: true })).toBe('busy');
    expect(kindOf(acd, { loggedIn: true, onPhone: false })).toBe('ready');
    expect(kindOf(away, { loggedIn: true })).toBe('not-ready');
  });

  it('a status not selectable (false) is never offered; unset counts as selectable', () => {
    const offered = selectableStates([acd, { ...away, isSelectableStatus: false }, { statusId: 'X', messageText: 'X' }], ['Available', 'Away', 'X']);
    expect(offered.map((s) => s.id)).toEqual(['Available', 'X']);
    expect(selectableStates([acd], [])).toEqual([]);
  });

  it('the label falls back to the status id; notes are the reason; only not-ready has the label as reason', () => {
    expect(agentStateOf({ userId: 'u', statusId: 'Away' }, [away])).toStrictEqual({ kind: 'not-ready', stateId: 'Away', label: 'Away', reason: 'Away' });
    expect(agentStateOf({ userId: 'u', statusId: 'Away', notes: 'Doctor' }, [away])).toStrictEqual({ kind: 'not-ready', stateId: 'Away', label: 'Away', reason: 'Doctor' });
    expect(agentStateOf({ userId: 'u', statusId: 'Available', statusChanged: '2026-01-01T08:00:00Z' }, [acd])).toStrictEqual({
      kind: 'ready',
      stateId: 'Available',
      label: 'Available',
      since: '2026-01-01T08:00:00.000Z',
    });
    expect(agentStateOf({ userId: 'u', statusId: 'Gone', statusChanged: 'garbage' }, [acd])).toStrictEqual({ kind: 'unknown', stateId: 'Gone', label: 'Gone' });
  });
});
