import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import { agentStateOf, applyConversation, callOf, definitionLabel, selectableStates } from '../../../../../main/core/platforms/genesys-cloud/agent-state.ts';
import { checkConnectUri, readChannel, readConversations, readDefinitions, readPresence, readRoutingStatus, readUser, responseError, retryAfterMs, setPresence, topicsFor } from '../../../../../main/core/platforms/genesys-cloud/api.ts';
import { reduce } from '../../../../../main/core/platforms/genesys-cloud/reducer.ts';
import { SIGNED_OUT_VIEW } from '../../../../../main/core/platforms/platform.ts';
import { classifyFrame, parseFrame, type PresenceDefinition } from '../../../../../main/core/platforms/genesys-cloud/wire.ts';

const res = (status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  return { status, headers, setCookie: [], url: '', chain: [], body: new Uint8Array(), text: () => text, json: () => JSON.parse(text) as unknown };
};

describe('Genesys Cloud frames', () => {
  it('classifies heartbeat, pong, socket_closing, token_revoked, no_longer_subscribed, 404 and topic events', () => {
    const kind = (v: unknown) => classifyFrame(parseFrame(JSON.stringify(v))).kind;
    expect(kind({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } })).toBe('heartbeat');
    expect(kind({ topicName: 'channel.metadata', eventBody: { message: 'pong' } })).toBe('pong');
    expect(kind({ topicName: 'v2.system.socket_closing', eventBody: {} })).toBe('socket-closing');
    expect(kind({ topicName: 'v2.system.token_revoked.abc', eventBody: {} })).toBe('token-revoked');
    expect(kind({ topicName: 'v2.system.no_longer_subscribed.ch', eventBody: {} })).toBe('no-longer-subscribed');
    expect(kind({ result: '404' })).toBe('channel-gone');
    expect(kind({ topicName: 'v2.users.u.presence', version: '2', eventBody: {} })).toBe('event');
  });

  it('any text ends as a frame or a typed error (fuzzed)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          classifyFrame(parseFrame(text));
        } catch (error) {
          expect(error).toBeInstanceOf(PatchbayError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Genesys Cloud API bodies (fuzzed)', () => {
  it('every reader and the error mapper end any body as a value or a typed error', () => {
    const readers = [readUser, readDefinitions, readPresence, readRoutingStatus, readConversations, readChannel];
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), fc.integer({ min: 100, max: 599 }), fc.option(fc.string(), { nil: undefined }), (text, status, retryAfter) => {
        // As HttpResponse.json(): a body that is not JSON is net.bad-json.
        const json = (): unknown => {
          try {
            return JSON.parse(text) as unknown;
          } catch {
            throw new PatchbayError('net.bad-json', 'not JSON');
          }
        };
        const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': retryAfter };
        const response: HttpResponse = { status, headers, setCookie: [], url: '', chain: [], body: new Uint8Array(), text: () => text, json };
        for (const read of readers) {
          try {
            read(response);
          } catch (error) {
            expect(error).toBeInstanceOf(PatchbayError);
          }
        }
        expect(responseError(response, setPresence('u', 'd'), 0)).toBeInstanceOf(PatchbayError);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Genesys Cloud API steps', () => {
  it('trusts only wss://streaming.<region>, or the lab API host itself', () => {
    expect(checkConnectUri('wss://streaming.mypurecloud.ie/channels/x', 'https://api.mypurecloud.ie').host).toBe('streaming.mypurecloud.ie');
    expect(() => checkConnectUri('wss://streaming.mypurecloud.com/channels/x', 'https://api.mypurecloud.ie')).toThrow(PatchbayError);
    expect(() => checkConnectUri('ws://streaming.mypurecloud.ie/channels/x', 'https://api.mypurecloud.ie')).toThrow(PatchbayError);
    expect(() => checkConnectUri('wss://user:pw@streaming.mypurecloud.ie/c', 'https://api.mypurecloud.ie')).toThrow(PatchbayError);
    expect(checkConnectUri('ws://127.0.0.1:4100/channels/x', 'http://127.0.0.1:4100').port).toBe('4100');
    expect(() => checkConnectUri('ws://127.0.0.1:4101/channels/x', 'http://127.0.0.1:4100')).toThrow(PatchbayError);
    expect(() => checkConnectUri('not a url', 'http://127.0.0.1:4100')).toThrow(PatchbayError);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('12', 0)).toBe(12_000);
    expect(retryAfterMs(new Date(30_000).toUTCString(), 0)).toBe(30_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  it('turns 401, 403 (scope), 429 and 5xx into typed errors', () => {
    const req = setPresence('u', 'd');
    expect(responseError(res(401, {}), req, 0)).toMatchObject({ code: 'genesys-cloud.unauthorized', action: 'sign-in-again' });
    expect(responseError(res(401, { message: 'The token expired because it was idle longer than the organization allows.' }), req, 0)).toMatchObject({ code: 'genesys-cloud.token.idle' });
    expect(responseError(res(403, { message: 'Missing scope presence' }), req, 0)).toMatchObject({ code: 'genesys-cloud.scopes.missing' });
    expect(responseError(res(403, { message: 'no' }), req, 0)).toMatchObject({ code: 'genesys-cloud.forbidden' });
    expect(responseError(res(429, {}, { 'retry-after': '3' }), req, 0).details.retryAfterMs).toBe(3_000);
    expect(responseError(res(503, 'x'), req, 0)).toMatchObject({ code: 'genesys-cloud.server-error', action: 'retry' });
    expect(topicsFor('u')).toEqual(['v2.users.u.presence', 'v2.users.u.routingStatus', 'v2.users.u.conversations']);
  });
});

describe('Genesys Cloud agent state', () => {
  const defs: PresenceDefinition[] = [
    { id: 'a', systemPresence: 'Available', languageLabels: { en_US: 'Available', de: 'Verfügbar' } },
    { id: 'q', systemPresence: 'On Queue', languageLabels: { en_US: 'On Queue' } },
    { id: 'o', systemPresence: 'Offline' },
  ];
  it('maps presence kinds, On Queue first, labels by language', () => {
    expect(selectableStates(defs).map((s) => [s.id, s.kind])).toEqual([['q', 'ready'], ['a', 'not-ready'], ['o', 'logged-out']]);
    expect(definitionLabel(defs[0]!, 'de-DE')).toBe('Verfügbar');
    expect(definitionLabel(defs[2]!, 'en-US')).toBe('Offline');
  });

  it('shows the routing status while on queue; only Not Responding offers the quick action', () => {
    const onQueue = { presenceDefinition: { id: 'q', systemPresence: 'ON_QUEUE' } };
    expect(agentStateOf(onQueue, { status: 'IDLE' }, defs)).toMatchObject({ kind: 'ready', reason: 'Idle' });
    expect(agentStateOf(onQueue, { status: 'COMMUNICATING' }, defs)).toMatchObject({ kind: 'busy' });
    expect(agentStateOf(onQueue, { status: 'NOT_RESPONDING' }, defs).quickAction?.label).toBe('Back to Idle');
    expect(agentStateOf({ presenceDefinition: { id: 'a' } }, { status: 'OFF_QUEUE' }, defs)).toEqual({ kind: 'not-ready', stateId: 'a', label: 'Available' });
  });

  it('keeps only conversations the agent is still on', () => {
    const conv = { id: 'c', participants: [{ purpose: 'agent', userId: 'u', state: 'alerting', direction: 'outbound', dnis: 'tel:+1555' }] };
    expect(callOf(conv, 'u')).toMatchObject({ id: 'c', direction: 'outbound', to: '+1555', state: 'ALERTING' });
    expect(callOf(conv, 'other')).toBeUndefined();
    const calls = applyConversation([], conv, 'u');
    expect(applyConversation(calls, { id: 'c', participants: [{ userId: 'u', state: 'disconnected' }] }, 'u')).toEqual([]);
  });
});

describe('Genesys Cloud reducer', () => {
  it('auth-lost keeps the last state marked stale and clears what could no longer be true', () => {
    const active = { ...SIGNED_OUT_VIEW, phase: 'active' as const, agent: { kind: 'ready' as const, stateId: 'q', label: 'On Queue', quickAction: { stateId: 'x', label: 'y' } }, calls: [] };
    const lost = reduce(active, { type: 'auth-lost', error: { code: 'c', message: 'm', action: 'sign-in-again' } });
    expect(lost.phase).toBe('failed');
    expect(lost.agent).toMatchObject({ stale: true, label: 'On Queue' });
    expect(lost.agent?.quickAction).toBeUndefined();
    expect(lost.calls).toBeUndefined();
    expect(reduce(SIGNED_OUT_VIEW, { type: 'auth-lost', error: { code: 'c', message: 'm', action: 'none' } }).phase).toBe('signed-out');
  });
});
