// Fuzzing ICWS input (issue 8 item 15): JSON answers and messages, SSE framing, servers.json, and
// alternate host names. Each ends in a valid value or a typed PatchbayError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpSession } from '../../../main/core/net/http-session.ts';
import { createSseFramer } from '../../../main/core/net/sse.ts';
import type { HttpResponse } from '../../../main/core/net/types.ts';
import { nullLogger } from '../../../main/core/log.ts';
import { attemptOnce, hostToBase } from '../../../main/core/platforms/icws/connect.ts';
import { readMessages } from '../../../main/core/platforms/icws/messaging.ts';
import {
  alternateHostUrl,
  cloudServers,
  cloudTemplateAllowed,
  ConnectionResponseSchema,
  ErrorBodySchema,
  isHostName,
  parseIcwsDate,
  ServerInfoSchema,
  StatusMessagesSchema,
} from '../../../main/core/platforms/icws/wire.ts';
import { FUZZ_TIMEOUT_MS, mutated, params, typedOrValue } from './harness.ts';

const userId = fc.constantFrom('agent1', 'agent2', '', 'Agent1');
const statusEntry = fc.record(
  { userId, statusId: fc.oneof(fc.string(), fc.constant('Available')), notes: fc.string(), onPhone: fc.oneof(fc.boolean(), fc.string()), statusChanged: fc.string() },
  { requiredKeys: [] },
);
const message = fc.oneof(
  fc.record({ __type: fc.constant('urn:inin.com:status:userStatusMessage'), isDelta: fc.oneof(fc.boolean(), fc.integer()), userStatusList: fc.oneof(fc.array(statusEntry, { maxLength: 4 }), fc.jsonValue()) }, { requiredKeys: ['__type'] }),
  fc.record(
    {
      __type: fc.constant('urn:inin.com:connection:connectionStateChangeMessage'),
      newConnectionState: fc.oneof(fc.constantFrom(0, 1, 2), fc.double(), fc.string()),
      reason: fc.oneof(fc.string(), fc.integer()),
      shouldReconnect: fc.oneof(fc.boolean(), fc.constant('true')),
    },
    { requiredKeys: ['__type'] },
  ),
  fc.record({ __type: fc.string(), x: fc.jsonValue() }),
  fc.jsonValue({ maxDepth: 4 }),
);
const messagesText = mutated(fc.oneof(fc.array(message, { maxLength: 5 }), message).map((m) => JSON.stringify(m)));

describe('ICWS JSON (fuzzed)', () => {
  it('readMessages: any payload gives events for this user only, or undefined', () => {
    fc.assert(
      fc.property(messagesText, userId, (data, me) => {
        typedOrValue(
          () => readMessages(data, me),
          (result) => {
            if (result === undefined) return;
            expect(result.count).toBeGreaterThanOrEqual(0);
            expect(result.events.length).toBeLessThanOrEqual(result.count);
            for (const event of result.events) {
              if (event.kind === 'user-status') expect(event.status.userId).toBe(me);
              else expect(event.kind).toBe('down');
            }
          },
        );
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('answer schemas (connection, server-info, statuses, errors) never throw on any JSON', () => {
    const answer = fc.oneof(
      fc.record({ csrfToken: fc.string(), sessionId: fc.string(), alternateHostList: fc.oneof(fc.array(fc.string()), fc.jsonValue()), features: fc.jsonValue() }, { requiredKeys: [] }),
      fc.record({ authentication: fc.oneof(fc.record({ allowIcAuth: fc.jsonValue(), identityProviders: fc.jsonValue() }), fc.jsonValue()) }),
      fc.record({ statusMessageList: fc.oneof(fc.array(fc.record({ statusId: fc.jsonValue(), messageText: fc.jsonValue(), isSelectableStatus: fc.jsonValue() })), fc.jsonValue()) }),
      fc.jsonValue({ maxDepth: 5 }),
    );
    fc.assert(
      fc.property(answer, (value) => {
        const connection = ConnectionResponseSchema.safeParse(value);
        if (connection.success) {
          expect(connection.data.csrfToken.length).toBeGreaterThan(0);
          expect(Array.isArray(connection.data.alternateHostList)).toBe(true);
        }
        ServerInfoSchema.safeParse(value);
        const statuses = StatusMessagesSchema.safeParse(value);
        if (statuses.success) for (const s of statuses.data.statusMessageList) expect(typeof s.messageText).toBe('string');
        ErrorBodySchema.safeParse(value);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('parseIcwsDate gives an ISO time or undefined', () => {
    const date = fc.oneof(fc.string(), fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString().replace(/[-:]|\.\d{3}/g, ''))));
    fc.assert(
      fc.property(date, (value) => {
        const out = parseIcwsDate(value);
        if (out !== undefined) expect(new Date(out).toISOString()).toBe(out);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});

describe('SSE framing (fuzzed)', () => {
  const line = fc.oneof(
    fc.string().map((s) => `data: ${s}`),
    fc.constantFrom('', ':ping', 'event: message', 'id: 7', 'retry: 1000', 'retry: x', 'data', 'data:'),
    fc.string(),
  );
  const stream = fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n', '\r', '\n\n')), { maxLength: 12 }).map((parts) => parts.map(([l, end]) => l + end).join(''));
  it('frames any byte stream, in any chunking, into string events or net.sse-too-large', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 200 }), (text, cuts, limit) => {
        const framer = createSseFramer('h', { maxEventBytes: limit, maxBufferChars: limit * 2 });
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        for (const to of [...points, text.length]) {
          typedOrValue(
            () => framer.feed(text.slice(from, to)),
            (events) => {
              for (const event of events) {
                expect(typeof event.data).toBe('string');
                expect(Buffer.byteLength(event.data)).toBeLessThanOrEqual(limit);
              }
            },
            (error) => expect(error).toMatchObject({ code: 'net.sse-too-large' }),
          );
          from = to;
        }
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});

const hostLike = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((ip) => `[${ip}]`),
  fc.constantFrom('server2', 'http://evil.example:80', 'evil.example:443', '//evil', 'a@b', 'ic1.example.com/x', '127.1', 'xn--', '', ' ', '[::1', 'EXAMPLE.com', '0x7f.1'),
  fc.string(),
  fc.webUrl(),
);
const current = fc.oneof(fc.constantFrom('https://ic1.example.com:8019', 'http://127.0.0.1:8018', 'https://[::1]:8019/icws', 'not a url'), fc.webUrl());

describe('servers.json and alternate host names (fuzzed)', () => {
  it('alternateHostUrl: a bare name only, with the accepting server’s scheme and port, or undefined', () => {
    fc.assert(
      fc.property(current, fc.oneof(hostLike, fc.jsonValue()), (base, host) => {
        const out = alternateHostUrl(base, host);
        if (out === undefined) return;
        expect(isHostName(host)).toBe(true);
        const from = new URL(base);
        const to = new URL(out);
        expect(to.protocol).toBe(from.protocol); // never https → http
        expect(to.port).toBe(from.port);
        expect(to.hostname.toLowerCase()).toBe(String(host).toLowerCase());
        expect(to.username + to.password).toBe('');
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('cloudServers: host names only and a template of the custom URL’s own front door, or undefined', () => {
    const template = fc.oneof(
      fc.constantFrom('https://cloud.example.com/CustomICWS/api/{host}', 'https://{host}:8019/icws', 'http://{host}/icws', 'https://evil.example/{host}', '{host}', 'https://cloud.example.com/'),
      fc.webUrl().map((u) => `${u}/{host}`),
      fc.string(),
    );
    const serversJson = fc.record(
      {
        servers: fc.oneof(fc.array(fc.record({ host: fc.oneof(hostLike, fc.jsonValue()), altHostHints: fc.oneof(fc.array(hostLike, { maxLength: 3 }), fc.jsonValue()), order: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] }), { maxLength: 4 }), fc.jsonValue()),
        serviceURLTemplate: template,
        serviceUrlTemplate: template,
      },
      { requiredKeys: [] },
    );
    const customUrl = fc.oneof(fc.constant('https://cloud.example.com'), fc.constant(undefined), fc.webUrl());
    fc.assert(
      fc.property(fc.oneof(serversJson, fc.jsonValue()), customUrl, (raw, custom) => {
        const out = cloudServers(raw, custom);
        if (out === undefined) return;
        expect(out.template).toContain('{host}');
        expect(out.hosts.length).toBeGreaterThan(0);
        for (const host of out.hosts) expect(isHostName(host)).toBe(true);
        if (custom !== undefined) expect(cloudTemplateAllowed(out.template, custom)).toBe(true);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------
// The connection answer through the real processing (connect.ts attemptOnce), with a fake
// transport: any 201/400/503 answer is classified, and a 503's alternate hosts never move the
// password to another scheme or port (seed 000: names only; issue 8 item 1).

function fakeResponse(status: number, headers: Record<string, string>, text: string): HttpResponse {
  const body = new TextEncoder().encode(text);
  return {
    status,
    headers,
    setCookie: [],
    url: 'https://ic1.example.com:8019/icws/connection',
    chain: [],
    body,
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}

describe('ICWS connection answers (fuzzed through attemptOnce)', () => {
  const answerBody = mutated(
    fc
      .record(
        {
          csrfToken: fc.oneof(fc.string(), fc.integer()),
          sessionId: fc.oneof(fc.constant('12345'), fc.string()),
          alternateHostList: fc.oneof(fc.array(hostLike, { maxLength: 4 }), fc.jsonValue()),
          features: fc.oneof(fc.constant([{ featureId: 'messaging', version: 2 }]), fc.jsonValue()),
          message: fc.oneof(fc.string(), fc.jsonValue()),
          errorId: fc.string(),
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
  );
  it('classifies any answer; alternate bases keep the scheme and port of the server that answered', async () => {
    const base = 'https://ic1.example.com:8019';
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(201, 400, 503, 500, 302),
        answerBody,
        fc.dictionary(fc.constantFrom('inin-icws-session-id', 'inin-icws-csrf-token', 'location'), fc.string({ maxLength: 8 })),
        fc.constantFrom('', 'icws_12345=abc', 'x=y'),
        async (status, text, headers, cookie) => {
          const http = {
            request: async () => fakeResponse(status, headers, text),
            cookieHeader: async () => cookie,
          } as unknown as HttpSession;
          const ctx = { http, language: 'en-US', log: nullLogger };
          const result = await attemptOnce(ctx, base, '{}', 'agent1', new AbortController().signal, (current, host) => hostToBase(undefined, current, host));
          expect(['created', 'rejected', 'unavailable', 'failed']).toContain(result.outcome.kind);
          if (result.outcome.kind === 'created') expect(result.connection?.sessionId.length).toBeGreaterThan(0);
          if (result.outcome.kind === 'unavailable') {
            for (const alt of result.outcome.alternateHosts) {
              const url = new URL(alt);
              expect(url.protocol).toBe('https:');
              expect(url.port).toBe('8019');
            }
          }
        },
      ),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});
