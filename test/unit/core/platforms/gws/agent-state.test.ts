import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentStateOf, applyCall, callOf, notReadyReasons, processStartSession, stateRequest } from '../../../../../main/core/platforms/gws/agent-state.ts';
import { statusError, type ApiResult } from '../../../../../main/core/platforms/gws/api.ts';
import { checkSignedIn, salesforceHeaders } from '../../../../../main/core/platforms/gws/auth.ts';
import { isCsrfRejection, readCsrfPair } from '../../../../../main/core/platforms/gws/csrf.ts';
import { agentStateSettings, envelopeOf } from '../../../../../main/core/platforms/gws/wire.ts';
import { response } from './fake-gws.ts';

function result(status: number, json: unknown): ApiResult {
  return { status, json, envelope: envelopeOf(json), response: response('https://gws.example.com/api/v2/me', { status, json }) };
}

describe('agent-states settings', () => {
  it('reads a keyed object or a list; NotReady reasons only, the plain NotReady left out', () => {
    const keyed = agentStateSettings({
      'agent-states': {
        NotReady: { operationName: 'NotReady', state: 'NotReady', displayName: 'Not Ready' },
        NotReadyLunch: { operationName: 'NotReadyLunch', state: 'NotReady', displayName: 'Lunch', reason: 'Lunch' },
        Broken: { displayName: 'no state' },
      },
    });
    expect(keyed.map((s) => s.name)).toEqual(['NotReady', 'NotReadyLunch']);
    expect(notReadyReasons(keyed)).toEqual([{ id: 'NotReadyLunch', label: 'Lunch' }]);
    const listed = agentStateSettings({ 'agent-states': [{ state: 'NotReady', reason: 'Break' }] });
    expect(notReadyReasons(listed)).toEqual([{ id: 'Break', label: 'Break' }]);
    expect(agentStateSettings(undefined)).toEqual([]);
  });

  it('builds the voice request: custom operation for a reason that has one, else NotReady + reasonCode', () => {
    const settings = agentStateSettings({ 'agent-states': [{ state: 'NotReady', reason: 'Lunch', operationName: 'NotReadyLunch' }, { state: 'NotReady', reason: 'Break' }] });
    expect(stateRequest('Ready', undefined, settings)).toEqual({ operationName: 'Ready' });
    expect(stateRequest('NotReady', 'NotReadyLunch', settings)).toEqual({ operationName: 'NotReadyLunch' });
    expect(stateRequest('NotReady', 'Break', settings)).toEqual({ operationName: 'NotReady', reasonCode: 'Break' });
    expect(() => stateRequest('Ready', 'Break', settings)).toThrow(/Only Not Ready/);
    expect(() => stateRequest('Dancing', undefined, settings)).toThrow(/not a state/);
  });

  it('never throws on generated settings', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        notReadyReasons(agentStateSettings({ 'agent-states': raw }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('userState, calls, statusCodes', () => {
  it('maps GWS states to the common kinds', () => {
    expect(agentStateOf({ state: 'Ready' })).toMatchObject({ kind: 'ready', label: 'Ready' });
    expect(agentStateOf({ state: 'NotReady', reason: 'Lunch', displayName: 'Lunch' })).toMatchObject({ kind: 'not-ready', reason: 'Lunch', label: 'Lunch' });
    expect(agentStateOf({ state: 'AfterCallWork' })).toMatchObject({ kind: 'busy', label: 'After Call Work' });
    expect(agentStateOf({ state: 'LoggedOut' }).kind).toBe('logged-out');
  });

  it('keeps calls on the card until released', () => {
    const one = applyCall([], { id: 'a', state: 'Ringing', callType: 'Outbound', dnis: '5552000' });
    expect(one).toEqual([{ id: 'a', direction: 'outbound', state: 'Ringing', to: '5552000' }]);
    expect(applyCall(one, { id: 'a', state: 'Established' })[0]!.state).toBe('Established');
    expect(applyCall(one, { id: 'a', state: 'Released' })).toEqual([]);
    expect(callOf({ id: 'b', state: 'Released' })).toBeUndefined();
  });

  it('every statusCode becomes a typed error carrying the server message', () => {
    for (let code = 1; code <= 20; code++) {
      const error = statusError({ statusCode: code, statusMessage: `said ${code}` }, 400, 'Doing it');
      expect(error.code).toMatch(/^gws\.status\.[a-z-]+$/);
      expect(error.message).toBe(`Doing it: said ${code}`);
    }
    expect(statusError(undefined, 502, 'Doing it').action).toBe('retry');
  });

  it('statusCode 7 names the failed channel without failing', () => {
    const partial = processStartSession(result(200, { statusCode: 7, channels: [{ channel: 'voice', statusCode: 6, statusMessage: 'no DN' }] }));
    expect(partial?.message).toContain('voice (no DN)');
    expect(processStartSession(result(200, { statusCode: 0 }))).toBeUndefined();
    expect(() => processStartSession(result(400, { statusCode: 1, statusMessage: 'Missing parameter: place' }))).toThrow('Missing parameter: place');
  });
});

describe('auth pieces', () => {
  it('GWS-05: only a 200 with statusCode 0 and a user is signed in', () => {
    expect(checkSignedIn('gws-basic', result(200, { statusCode: 0, user: { userName: 'agent1' } })).userName).toBe('agent1');
    for (const [status, json] of [
      [200, { statusCode: 0 }],
      [200, { statusCode: 0, user: {} }],
      [200, { statusCode: 20, statusMessage: 'x' }],
      [401, {}],
      [403, {}],
      [302, undefined],
    ] as const) {
      expect(() => checkSignedIn('salesforce', result(status, json)), `${status}`).toThrow(/Salesforce sign-in failed: the server treated Patchbay as an anonymous caller/);
    }
  });

  it('GWS-01: the two Salesforce headers go under the configured names', () => {
    expect(salesforceHeaders({ sessionIdHeader: 'ssid', identityUrlHeader: 'surl' }, 'SID', 'https://login.example.com/id/o/u')).toEqual({ ssid: 'SID', surl: 'https://login.example.com/id/o/u' });
    expect(Object.keys(salesforceHeaders({ sessionIdHeader: 'X-SF-Session', identityUrlHeader: 'X-SF-Id' }, 'a', 'b'))).toEqual(['X-SF-Session', 'X-SF-Id']);
  });

  it('reads the CSRF pair, refusing a header name that is not an X- header', () => {
    expect(readCsrfPair({ 'x-csrf-header': 'X-CSRF-TOKEN', 'x-csrf-token': 'v' })).toEqual({ header: 'X-CSRF-TOKEN', token: 'v' });
    expect(readCsrfPair({ 'x-csrf-header': 'Cookie', 'x-csrf-token': 'v' })).toEqual({ header: 'X-CSRF-TOKEN', token: 'v' });
    expect(readCsrfPair({})).toBeUndefined();
    expect(isCsrfRejection(403, { statusCode: 3, statusMessage: 'Missing or invalid Csrf token' })).toBe(true);
    expect(isCsrfRejection(403, { statusCode: 3, statusMessage: 'Forbidden' })).toBe(false);
  });
});
