// GWS agent work (protocols/gws.md §2), each branch of agent-state.ts pinned (issue 9 mutation
// testing): StartContactCenterSession's partial success, the NotReady reasons and the voice request,
// the userState → card mapping and the calls list.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { ApiResult } from '../../../../../main/core/platforms/gws/api.ts';
import {
  agentStateOf,
  applyCall,
  callOf,
  END_SESSION_BODY,
  notReadyReasons,
  processStartSession,
  selectableStates,
  startSessionBody,
  stateRequest,
} from '../../../../../main/core/platforms/gws/agent-state.ts';

const result = (status: number, json: Record<string, unknown>): ApiResult => ({ status, json, envelope: json as ApiResult['envelope'], response: undefined as never });

describe('GWS StartContactCenterSession', () => {
  it('the start and end bodies: voice on the place; EndContactCenterSession', () => {
    expect(startSessionBody('P1')).toEqual({ operationName: 'StartContactCenterSession', channels: ['voice'], place: 'P1' });
    expect(END_SESSION_BODY).toEqual({ operationName: 'EndContactCenterSession' });
  });

  it('statusCode 0 below 300 is started; a 3xx or a 7 at 300 is not', () => {
    expect(processStartSession(result(204, { statusCode: 0 }))).toBeUndefined();
    expect(() => processStartSession(result(300, { statusCode: 0 }))).toThrow(PatchbayError);
    expect(() => processStartSession(result(300, { statusCode: 7 }))).toThrow(PatchbayError);
  });

  it('a refused start names what failed and carries the server message (protocols/gws.md §2)', () => {
    const thrown = (r: ApiResult): unknown => {
      try {
        return processStartSession(r);
      } catch (error) {
        return error;
      }
    };
    expect(thrown(result(400, { statusCode: 1, statusMessage: 'Missing parameter: place' }))).toMatchObject({
      code: 'gws.status.missing-parameter',
      message: 'Starting your contact-center session: Missing parameter: place',
    });
    // Below 300 only statusCode 0 and 7 are a (partial) start: any other statusCode is refused.
    expect(thrown(result(200, { statusCode: 2, statusMessage: 'Agent is logged in elsewhere' }))).toMatchObject({
      code: 'gws.status.invalid-state',
      message: 'Starting your contact-center session: Agent is logged in elsewhere',
    });
    expect(thrown(result(302, { statusCode: 7, channels: [{ channel: 'voice', statusCode: 6 }] }))).toMatchObject({
      code: 'gws.status.partial-success',
      message: 'Starting your contact-center session: the server answered statusCode 7.',
    });
  });

  it('statusCode 7 names every failed channel from channels, results and failedChannels, with the server text', () => {
    const partial = processStartSession(
      result(200, {
        statusCode: 7,
        statusMessage: 'Partial success',
        channels: [{ channel: 'voice', statusCode: 6, statusMessage: 'No DN' }, { channel: 'chat', statusCode: 0 }, { channel: 'email' }],
        results: [{ name: 'im', statusCode: 4, error: 'down' }, { statusCode: 4 }],
        failedChannels: ['sms', { channel: 'web', statusMessage: 'off' }, { name: 'fax' }, {}],
      }),
    );
    expect(partial).toBeInstanceOf(PatchbayError);
    expect(partial!.code).toBe('gws.session.partial');
    expect(partial!.action).toBe('contact-it');
    expect(partial!.details).toEqual({ statusCode: 7 });
    expect(partial!.message).toBe(
      'Your contact-center session started only in part: voice (No DN), im (down), a channel, sms, web (off), fax, a channel failed. Partial success',
    );
  });

  it('statusCode 7 without names says so, and adds no server text when there is none', () => {
    expect(processStartSession(result(200, { statusCode: 7 }))!.message).toBe('Your contact-center session started only in part: a channel the server did not name failed.');
    expect(processStartSession(result(200, { statusCode: 7, channels: 'x' }))!.message).toContain('a channel the server did not name');
  });
});

describe('GWS agent states', () => {
  const settings = [
    { state: 'Ready', name: 'Ready' },
    { state: 'NotReady', name: 'NotReady' },
    { state: 'NotReady', operationName: 'NotReadyLunch', displayName: 'Lunch' },
    { state: 'NotReady', reason: 'Break' },
    { state: 'NotReady', name: 'Break', displayName: 'Again' },
    { state: 'NotReady', id: 'Meeting' },
    { state: 'NotReady', operationName: 'NotReady', reason: 'Training' },
    { state: 'NotReady' },
  ];

  it('NotReady reasons: by operation, reason, name or id; labelled by display name, reason or name; each once; not the plain NotReady', () => {
    expect(notReadyReasons(settings)).toEqual([
      { id: 'NotReadyLunch', label: 'Lunch' },
      { id: 'Break', label: 'Break' },
      { id: 'Meeting', label: 'Meeting' },
    ]);
    expect(notReadyReasons([{ state: 'NotReady', name: 'N1' }])).toEqual([{ id: 'N1', label: 'N1' }]);
  });

  it('the three states the agent picks, reasons under Not Ready only, none required', () => {
    expect(selectableStates(settings)).toEqual([
      { id: 'Ready', label: 'Ready', kind: 'ready', reasons: [], reasonRequired: false },
      { id: 'NotReady', label: 'Not Ready', kind: 'not-ready', reasons: notReadyReasons(settings), reasonRequired: false },
      { id: 'AfterCallWork', label: 'After Call Work', kind: 'busy', reasons: [], reasonRequired: false },
    ]);
  });

  it('the voice request: base operations only; a reason only with NotReady and only a known one; a base operationName is not a custom one', () => {
    expect(stateRequest('AfterCallWork', undefined, settings)).toEqual({ operationName: 'AfterCallWork' });
    expect(stateRequest('NotReady', '', settings)).toEqual({ operationName: 'NotReady' });
    expect(stateRequest('NotReady', 'Meeting', settings)).toEqual({ operationName: 'NotReady', reasonCode: 'Meeting' });
    expect(stateRequest('NotReady', 'NotReady', [{ state: 'NotReady', operationName: 'NotReady', reason: 'Training' }])).toEqual({ operationName: 'NotReady', reasonCode: 'Training' });
    expect(stateRequest('NotReady', 'X', [{ state: 'NotReady', name: 'X' }])).toEqual({ operationName: 'NotReady', reasonCode: 'X' });
    const unknown = (() => {
      try {
        stateRequest('NotReady', 'Nope', settings);
      } catch (error) {
        return error as PatchbayError;
      }
    })();
    expect(unknown).toMatchObject({ code: 'gws.state.unknown-reason', action: 'none' });
    expect(() => stateRequest('NotReady', 'Ready', settings)).toThrow(/not one of your Not Ready reasons/);
    expect(() => stateRequest('ready', undefined, settings)).toThrow(expect.objectContaining({ code: 'gws.state.unknown' }));
    expect(() => stateRequest('AfterCallWork', 'Break', settings)).toThrow(expect.objectContaining({ code: 'gws.state.reason-not-allowed' }));
  });

  it('userState → kind in any case (AuxWork busy, Logout logged out, anything else unknown); label from the server, else ours, else the state', () => {
    const kind = (state: string) => agentStateOf({ state }).kind;
    expect([kind('READY'), kind('notready'), kind('AfterCallWork'), kind('AuxWork'), kind('Logout'), kind('LoggedOut'), kind('Dancing')]).toEqual([
      'ready',
      'not-ready',
      'busy',
      'busy',
      'logged-out',
      'logged-out',
      'unknown',
    ]);
    expect(agentStateOf({ state: 'NotReady' }).label).toBe('Not Ready');
    expect(agentStateOf({ state: 'LoggedOut' }).label).toBe('Logged Out');
    expect(agentStateOf({ state: 'Dancing' }).label).toBe('Dancing');
    expect(agentStateOf({ state: 'Ready', displayName: 'Available' }, 'T')).toEqual({ kind: 'ready', stateId: 'Ready', label: 'Available', since: 'T' });
    expect(agentStateOf({ state: 'NotReady', reason: '' })).not.toHaveProperty('reason');
    expect(agentStateOf({ state: 'NotReady' }, '')).not.toHaveProperty('since');
  });
});

describe('GWS calls on the card', () => {
  it('direction from callType in any case; from/to from ANI/DNIS, else the first participant number on the right side', () => {
    expect(callOf({ id: 'a', state: 'Ringing', callType: 'INBOUND', participants: [{ number: '111' }, { phoneNumber: '222' }] })).toEqual({ id: 'a', direction: 'inbound', state: 'Ringing', from: '111' });
    expect(callOf({ id: 'a', state: 'Dialing', callType: 'Outbound', participants: [{ phoneNumber: '333' }] })).toEqual({ id: 'a', direction: 'outbound', state: 'Dialing', to: '333' });
    expect(callOf({ id: 'a', state: 'Established', callType: 'Internal', participants: [{ phoneNumber: '444' }] })).toEqual({ id: 'a', direction: 'unknown', state: 'Established' });
    expect(callOf({ id: 'a', state: 'Established', ani: '1', dnis: '2' })).toEqual({ id: 'a', direction: 'unknown', state: 'Established', from: '1', to: '2' });
    expect(callOf({ id: 'a', state: 'Ringing', callType: 'Inbound', participants: [{}, { phoneNumber: '5' }] })!.from).toBe('5');
  });

  it('a changed call replaces its entry (moved last), a new one is added, a released one removed', () => {
    const calls = [
      { id: 'a', direction: 'inbound' as const, state: 'Ringing' },
      { id: 'b', direction: 'inbound' as const, state: 'Held' },
    ];
    expect(applyCall(calls, { id: 'a', state: 'Established' }).map((c) => `${c.id}:${c.state}`)).toEqual(['b:Held', 'a:Established']);
    expect(applyCall(calls, { id: 'c', state: 'Ringing' })).toHaveLength(3);
    expect(applyCall(calls, { id: 'b', state: 'Released' }).map((c) => c.id)).toEqual(['a']);
  });
});
