// Fuzzing Finesse XML (issue 8 item 15): SystemInfo, User, Dialogs, ReasonCodes, ApiErrors, the
// XMPP <Update> payloads and the SSO token JSON. Documents are generated from the element names the
// parsers know, with hostile text (entities, CDATA, markup, DOCTYPEs) and random cuts and splices.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FINESSE_STATES,
  jwtExpiry,
  parseApiErrors,
  parseDialogs,
  parseReasonCodes,
  parseSsoToken,
  parseSystemInfo,
  parseUpdate,
  parseUser,
  parseUserAuthMode,
  systemInfoNodeOrigins,
  unescapeNotification,
} from '../../../main/core/platforms/finesse/wire.ts';
import { escapeXml } from '../../../main/core/platforms/finesse/xml.ts';
import { FUZZ_TIMEOUT_MS, deepNesting, mutated, params, typedOrValue } from './harness.ts';

const NAMES = [
  'SystemInfo', 'status', 'statusReason', 'deploymentType', 'systemAuthMode', 'xmppDomain', 'primaryNode', 'secondaryNode', 'host', 'httpsPort', 'xmppPort',
  'User', 'state', 'stateChangeTime', 'pendingState', 'reasonCodeId', 'ReasonCode', 'reasonCode', 'ReasonCodes', 'id', 'uri', 'label', 'code', 'category', 'forAll',
  'extension', 'roles', 'role', 'mobileAgent', 'mode', 'dialNumber', 'loginId', 'Dialogs', 'Dialog', 'participants', 'Participant', 'mediaAddress', 'mediaProperties',
  'callType', 'fromAddress', 'toAddress', 'Update', 'data', 'event', 'requestId', 'source', 'user', 'dialogs', 'dialog', 'apiErrors', 'ApiErrors', 'ApiError',
  'errorType', 'errorMessage', 'UserAuthMode', 'authMode', 'systemInfo', 'x:User', 'html',
];
const ROOTS = ['SystemInfo', 'User', 'Dialogs', 'ReasonCodes', 'ApiErrors', 'UserAuthMode', 'Update'];

const text = fc.oneof(
  fc.constantFrom(...FINESSE_STATES, 'IN_SERVICE', 'SSO', 'NON_SSO', 'HYBRID', '-1', '8445', '99999999999999999999', 'true', 'UCCE', ''),
  fc.string({ maxLength: 12 }).map(escapeXml),
  fc.constantFrom('&amp;', '&lt;x&gt;', '&#0;', '&#x110000;', '&#65;', '&bogus;', '<![CDATA[<User>]]>', '<!-- c -->', '&amp;lt;'),
);
const attrs = fc.array(fc.tuple(fc.constantFrom('id', 'xmlns', 'xmlns:x', 'uri', 'a'), fc.string({ maxLength: 6 }).map(escapeXml)), { maxLength: 2 }).map((list) => list.map(([k, v]) => ` ${k}="${v}"`).join(''));

const { element } = fc.letrec<{ element: string }>((tie) => ({
  element: fc
    .tuple(fc.constantFrom(...NAMES), attrs, fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, fc.array(tie('element'), { maxLength: 4 }).map((children) => children.join(''))))
    .map(([name, a, body]) => (body === '' && name.length % 2 === 0 ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`)),
}));
const document = fc
  .tuple(fc.constantFrom(...ROOTS), attrs, fc.array(element, { maxLength: 6 }), fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE x [<!ENTITY a "b">]>', '\uFEFF'))
  .map(([root, a, children, prolog]) => `${prolog}<${root}${a}>${children.join('')}</${root}>`);
const xml = fc.oneof({ weight: 10, arbitrary: mutated(document) }, { weight: 1, arbitrary: deepNesting });

function fuzzXml(name: string, parse: (xml: string) => unknown, check: (value: never) => void = () => {}) {
  it(`${name}: a value or finesse.bad-xml / finesse.bad-response`, () => {
    fc.assert(
      fc.property(xml, (input) => {
        typedOrValue(() => parse(input), check as (value: unknown) => void, (error) => expect((error as { code: string }).code).toMatch(/^finesse\.bad-(xml|response)$/));
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
}

describe('Finesse XML (fuzzed)', () => {
  fuzzXml('parseSystemInfo', parseSystemInfo, (info: ReturnType<typeof parseSystemInfo>) => {
    expect(['SSO', 'NON_SSO', 'HYBRID']).toContain(info.systemAuthMode);
    expect(info.status).toBe(info.status.toUpperCase());
    // Learned nodes are origins with the base's scheme, never anything else.
    for (const origin of systemInfoNodeOrigins('https://finesse-a.example.com:8445', info)) expect(new URL(origin).protocol).toBe('https:');
  });
  fuzzXml('parseUser', parseUser, (user: ReturnType<typeof parseUser>) => {
    expect(typeof user.state).toBe('string');
    expect(Array.isArray(user.roles)).toBe(true);
    expect(user.reasonCodeId).not.toBe('-1');
  });
  fuzzXml('parseDialogs', parseDialogs, (dialogs: ReturnType<typeof parseDialogs>) => {
    for (const d of dialogs) {
      expect(d.id.length).toBeGreaterThan(0);
      expect(Array.isArray(d.participants)).toBe(true);
    }
  });
  fuzzXml('parseReasonCodes', parseReasonCodes, (codes: ReturnType<typeof parseReasonCodes>) => {
    for (const c of codes) expect(c.id.length).toBeGreaterThan(0);
  });
  fuzzXml('parseUserAuthMode', parseUserAuthMode, (mode: string) => expect(['SSO', 'NON_SSO']).toContain(mode));
  fuzzXml('parseUpdate (XMPP <Update> payloads)', (payload) => parseUpdate(payload, 'node'), (update: ReturnType<typeof parseUpdate>) => {
    expect(['user', 'dialogs', 'errors', 'system', 'other']).toContain(update.kind);
    expect(typeof update.source).toBe('string');
  });

  it('unescapeNotification (the XMPP <notification> text) never throws and decodes one level only', () => {
    fc.assert(
      fc.property(fc.oneof(xml, fc.string()), (payload) => {
        expect(unescapeNotification(escapeXml(payload))).toBe(payload);
        expect(typeof unescapeNotification(payload)).toBe('string');
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('parseApiErrors never throws: a list or undefined', () => {
    fc.assert(
      fc.property(xml, (input) => {
        const out = parseApiErrors(input);
        if (out !== undefined) expect(Array.isArray(out)).toBe(true);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});

describe('Finesse SSO token JSON (fuzzed)', () => {
  const token = fc.record(
    { token: fc.oneof(fc.string(), fc.jsonValue()), refresh_token: fc.oneof(fc.string(), fc.integer()), expires_in: fc.oneof(fc.integer(), fc.string(), fc.double(), fc.constant('3600')), user_id: fc.jsonValue() },
    { requiredKeys: [] },
  );
  it('parseSsoToken: a token with a positive whole lifetime, or finesse.sso.bad-token', () => {
    fc.assert(
      fc.property(mutated(fc.oneof(token, fc.jsonValue()).map((v) => JSON.stringify(v) ?? '')), (body) => {
        typedOrValue(
          () => parseSsoToken(body),
          (t) => {
            expect(t.token.length).toBeGreaterThan(0);
            expect(Number.isInteger(t.expiresIn) && t.expiresIn > 0).toBe(true);
          },
          (error) => expect(error).toMatchObject({ code: 'finesse.sso.bad-token' }),
        );
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('jwtExpiry: a finite number or undefined, never a throw', () => {
    const part = fc.oneof(fc.base64String(), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')), fc.string());
    fc.assert(
      fc.property(fc.array(part, { maxLength: 4 }).map((parts) => parts.join('.')), (jwt) => {
        const exp = jwtExpiry(jwt);
        if (exp !== undefined) expect(Number.isFinite(exp)).toBe(true);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});
