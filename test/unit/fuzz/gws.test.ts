// Fuzzing GWS input (issue 11; issue 8 item 15): /api/v2/me answers (the GWS-05 check), the
// StartContactCenterSession answer, CometD notification data, agent-states settings and the CSRF
// pair. Each ends in a valid value or a typed PatchbayError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { processStartSession, selectableStates, stateRequest } from '../../../main/core/platforms/gws/agent-state.ts';
import type { ApiResult } from '../../../main/core/platforms/gws/api.ts';
import { checkSignedIn } from '../../../main/core/platforms/gws/auth.ts';
import { readCsrfPair } from '../../../main/core/platforms/gws/csrf.ts';
import { parseNotification } from '../../../main/core/platforms/gws/notifications.ts';
import { agentStateSettings, envelopeOf } from '../../../main/core/platforms/gws/wire.ts';
import { response } from '../core/platforms/gws/fake-gws.ts';
import { FUZZ_TIMEOUT_MS, mutated, params, typedOrValue } from './harness.ts';

const userState = fc.record({ state: fc.oneof(fc.constantFrom('Ready', 'NotReady', 'AfterCallWork'), fc.string()), reason: fc.string(), displayName: fc.string() }, { requiredKeys: [] });
const me = fc.record(
  {
    statusCode: fc.oneof(fc.constantFrom(0, 7, 20), fc.integer(), fc.string()),
    statusMessage: fc.string(),
    user: fc.oneof(
      fc.record({ userName: fc.oneof(fc.constant('agent1'), fc.string()), channels: fc.array(fc.record({ channel: fc.string(), userState }, { requiredKeys: [] })), settings: fc.jsonValue() }, { requiredKeys: [] }),
      fc.jsonValue(),
    ),
    channels: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const meText = mutated(me.map((m) => JSON.stringify(m)));

function result(status: number, text: string): ApiResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, json, envelope: envelopeOf(json), response: response('https://gws.example.com/api/v2/me', { status }) };
}

describe('GWS JSON (fuzzed)', () => {
  it('checkSignedIn: a user only from a 200 with statusCode 0, else a typed error (GWS-05)', () => {
    fc.assert(
      fc.property(fc.constantFrom(200, 302, 401, 403, 500), meText, (status, text) => {
        const answer = result(status, text);
        typedOrValue(
          () => checkSignedIn('gws-basic', answer),
          (user) => {
            // Signed in only on what the server really said: 200, statusCode 0 and this user.
            expect(status).toBe(200);
            expect(answer.envelope?.statusCode).toBe(0);
            expect(user.userName).toBe((answer.json as { user?: { userName?: unknown } }).user?.userName);
            expect(user.userName.length).toBeGreaterThan(0);
          },
        );
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('processStartSession: ok, a partial-success error, or a typed error', () => {
    fc.assert(
      fc.property(fc.constantFrom(200, 400, 500), mutated(fc.jsonValue().map((v) => JSON.stringify({ statusCode: 7, channels: v }))), (status, text) => {
        typedOrValue(
          () => processStartSession(result(status, text)),
          (partial) => expect(partial === undefined || partial.code === 'gws.session.partial').toBe(true),
        );
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('notifications, agent-states settings and state requests never throw anything untyped', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string(), fc.option(fc.string(), { nil: undefined }), (data, stateId, reason) => {
        typedOrValue(
          () => parseNotification(data),
          () => undefined,
        );
        const settings = agentStateSettings({ 'agent-states': data });
        expect(selectableStates(settings)).toHaveLength(3);
        typedOrValue(
          () => stateRequest(stateId, reason, settings),
          (body) => expect(typeof (body as { operationName?: unknown }).operationName).toBe('string'),
        );
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('the CSRF pair never names a header outside X-…', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, token) => {
        const pair = readCsrfPair({ 'x-csrf-header': name, 'x-csrf-token': token });
        if (pair) expect(pair.header).toMatch(/^x-[a-z0-9-]+$/i);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});
