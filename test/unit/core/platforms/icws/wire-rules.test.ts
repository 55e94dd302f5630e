// ICWS wire parsing and builders (main/core/platforms/icws/wire.ts) edge by edge: what each schema
// insists on and what it lets vary, host-name rules, dates, transport choice, servers.json order and
// the cloud template (issue 9 mutation testing, helper MUT-LOG).
import { describe, expect, it } from 'vitest';
import {
  alternateHostUrl,
  chooseTransport,
  cloudBase,
  cloudServers,
  cloudTemplateAllowed,
  ConnectionResponseSchema,
  ConnectionStateSchema,
  CONNECTION_STATE,
  CSRF_HEADER,
  ErrorBodySchema,
  FeaturesSchema,
  ICWS_ACCEPT,
  ICWS_CONTENT_TYPE,
  IcwsMessageSchema,
  isHostName,
  parseIcwsDate,
  ServerInfoSchema,
  StatusMessagesSchema,
  UserAccessSchema,
  UserStatusSchema,
} from '../../../../../main/core/platforms/icws/wire.ts';

describe('ICWS constants', () => {
  it('names the media types, the CSRF header and the connection states as the docs do [ICWS-03, ICWS-04]', () => {
    expect(ICWS_CONTENT_TYPE).toBe('application/vnd.inin.icws+JSON; charset=utf-8');
    expect(ICWS_ACCEPT).toBe('application/vnd.inin.icws+JSON, application/json');
    expect(CSRF_HEADER).toBe('ININ-ICWS-CSRF-Token');
    expect(CONNECTION_STATE).toEqual({ none: 0, up: 1, down: 2 });
  });
});

describe('schemas', () => {
  it('a 201 body needs a non-empty csrfToken and sessionId; the alternate host list defaults to none [ICWS-03]', () => {
    expect(ConnectionResponseSchema.parse({ csrfToken: 'c', sessionId: 's', extra: 1 })).toStrictEqual({ csrfToken: 'c', sessionId: 's', alternateHostList: [], extra: 1 });
    expect(ConnectionResponseSchema.safeParse({ csrfToken: '', sessionId: 's' }).success).toBe(false);
    expect(ConnectionResponseSchema.safeParse({ csrfToken: 'c', sessionId: '' }).success).toBe(false);
    expect(ConnectionResponseSchema.safeParse({ csrfToken: 'c' }).success).toBe(false);
    expect(ConnectionResponseSchema.parse({ csrfToken: 'c', sessionId: 's', alternateHostList: ['b'], userID: 'u', userDisplayName: 'U', icServer: 'ic', features: [{ featureId: 'messaging', version: 2, x: 1 }] })).toMatchObject({
      alternateHostList: ['b'],
      userID: 'u',
      userDisplayName: 'U',
      icServer: 'ic',
      features: [{ featureId: 'messaging', version: 2, x: 1 }],
    });
    expect(ConnectionResponseSchema.safeParse({ csrfToken: 'c', sessionId: 's', features: [{ featureId: 'm', version: '2' }] }).success).toBe(false);
  });

  it('error bodies, features, server info, connection state: typed fields, extra fields kept', () => {
    expect(ErrorBodySchema.parse({ errorId: 'e', message: 'm', errorCode: 3, alternateHostList: ['b'], x: 1 })).toStrictEqual({ errorId: 'e', message: 'm', errorCode: 3, alternateHostList: ['b'], x: 1 });
    expect(ErrorBodySchema.safeParse({ errorCode: '3' }).success).toBe(false);
    expect(FeaturesSchema.parse({ featureInfoList: [{ featureId: 'messaging', version: 2 }] }).featureInfoList[0]).toEqual({ featureId: 'messaging', version: 2 });
    expect(FeaturesSchema.safeParse({}).success).toBe(false);
    expect(ServerInfoSchema.parse({ authentication: { allowIcAuth: false, identityProviders: [{ identityProviderId: 'okta' }] } })).toEqual({
      authentication: { allowIcAuth: false, identityProviders: [{ identityProviderId: 'okta' }] },
    });
    expect(ServerInfoSchema.safeParse({ authentication: { identityProviders: [{ displayName: 'x' }] } }).success).toBe(false);
    expect(ServerInfoSchema.parse({})).toEqual({});
    expect(ConnectionStateSchema.parse({ connectionState: 2, reason: 'r', shouldReconnect: false })).toEqual({ connectionState: 2, reason: 'r', shouldReconnect: false });
    expect(ConnectionStateSchema.safeParse({ connectionState: 1.5 }).success).toBe(false);
  });

  it('status lists: messageText defaults to empty; user access needs its id list; a user status needs user and status ids', () => {
    expect(StatusMessagesSchema.parse({ statusMessageList: [{ statusId: 'A' }] }).statusMessageList[0]).toEqual({ statusId: 'A', messageText: '' });
    expect(StatusMessagesSchema.safeParse({ statusMessageList: [{ messageText: 'x' }] }).success).toBe(false);
    expect(UserAccessSchema.parse({ statusMessages: ['A'] })).toEqual({ statusMessages: ['A'] });
    expect(UserAccessSchema.safeParse({ userId: 'u' }).success).toBe(false);
    expect(UserStatusSchema.safeParse({ userId: 'u' }).success).toBe(false);
    expect(UserStatusSchema.safeParse({ statusId: 's' }).success).toBe(false);
    expect(UserStatusSchema.safeParse({ userId: 'u', statusId: 's', onPhone: 'yes' }).success).toBe(false);
  });

  it('messages are told apart by __type; a connection change needs an integer new state [ICWS-18]', () => {
    expect(IcwsMessageSchema.safeParse({ __type: 'urn:inin.com:status:userStatusMessage', userStatusList: [] }).success).toBe(true);
    expect(IcwsMessageSchema.safeParse({ __type: 'urn:inin.com:connection:connectionStateChangeMessage', newConnectionState: 2 }).success).toBe(true);
    expect(IcwsMessageSchema.safeParse({ __type: 'urn:inin.com:connection:connectionStateChangeMessage' }).success).toBe(false);
    expect(IcwsMessageSchema.safeParse({ __type: 'urn:inin.com:status:other', userStatusList: [] }).success).toBe(false);
  });
});

describe('host names [ICWS-06]', () => {
  it('DNS labels of 1–63 characters, no hyphen at either end, 253 characters in all; IPv6 in brackets', () => {
    for (const ok of ['a', 'ic-2', 'a.b.c', `${'a'.repeat(63)}.x`, `${'a.'.repeat(126)}a`, '[::1]', '[2001:db8::1]', 'IC2']) expect(isHostName(ok), ok).toBe(true);
    for (const bad of [`${'a'.repeat(64)}.x`, `${'a.'.repeat(126)}ab`, '-ic', 'ic-', 'a..b', '.a', 'a_b', '[]', '[::g]', `[${'1'.repeat(46)}]`, 'x[::1]', '[::1]x', '']) {
      expect(isHostName(bad), bad).toBe(false);
    }
  });

  it('an alternate host that WHATWG would rewrite (IPv4 shorthand) is refused', () => {
    expect(alternateHostUrl('https://ic1:8019', '0x7f000001')).toBeUndefined();
    expect(alternateHostUrl('not a url', 'ic2')).toBeUndefined();
  });
});

describe('dates and transport', () => {
  it('reads ICWS compact dates exactly, ISO dates too, and nothing else', () => {
    expect(parseIcwsDate('20260102T030405Z')).toBe('2026-01-02T03:04:05.000Z');
    expect(parseIcwsDate('2026-01-02T03:04:05+01:00')).toBe('2026-01-02T02:04:05.000Z');
    expect(parseIcwsDate('')).toBeUndefined();
    expect(parseIcwsDate('x20260102T030405Z')).toBeUndefined();
    expect(parseIcwsDate('20260102T030405Zx')).toBeUndefined();
  });

  it('server-sent events from messaging version 2 unless the profile asks for polling [ICWS-15]', () => {
    expect(chooseTransport(2, 'sse')).toBe('sse');
    expect(chooseTransport(1, 'sse')).toBe('polling');
    expect(chooseTransport(2, 'polling')).toBe('polling');
  });
});

describe('servers.json [ICWS-24]', () => {
  it('orders hosts by order, each followed by its hints, without repeats; both template spellings', () => {
    const raw = {
      servers: [
        { host: 'den1', order: 2, altHostHints: ['den2', 'ind1'] },
        { host: 'ind1', order: 1, altHostHints: ['ind2'] },
        { host: 'zzz' },
      ],
      serviceUrlTemplate: 'https://cloud.example.com/api/{host}/',
    };
    expect(cloudServers(raw)).toStrictEqual({ template: 'https://cloud.example.com/api/{host}/', hosts: ['zzz', 'ind1', 'ind2', 'den1', 'den2'] });
    expect(cloudServers({ ...raw, serviceUrlTemplate: undefined, serviceURLTemplate: 'https://c/{host}' })?.template).toBe('https://c/{host}');
  });

  it('refuses a file without servers or without {host} in its template', () => {
    expect(cloudServers({ servers: [], serviceURLTemplate: 'https://c/{host}' })).toBeUndefined();
    expect(cloudServers({ servers: [{ host: 'a' }], serviceURLTemplate: 'https://c/host' })).toBeUndefined();
    expect(cloudServers({ servers: [{ host: 'a' }] })).toBeUndefined();
    expect(cloudServers({ servers: [{ host: '' }], serviceURLTemplate: 'https://c/{host}' })).toBeUndefined();
  });

  it('a template on the custom origin must keep its port; {host} as host name must keep scheme and port', () => {
    expect(cloudTemplateAllowed('https://cloud.example.com/api/{host}', 'https://cloud.example.com/customICWS')).toBe(true);
    expect(cloudTemplateAllowed('https://{host}:8443/api', 'https://cloud.example.com:8443/x')).toBe(true);
    expect(cloudTemplateAllowed('https://{host}/api', 'https://cloud.example.com:8443/x')).toBe(false);
    expect(cloudTemplateAllowed('https://cloud.example.com/api/{host}', 'not a url')).toBe(false);
    expect(cloudTemplateAllowed('https://u@cloud.example.com/api/{host}', 'https://cloud.example.com')).toBe(false);
  });

  it('the session base is the template with the host put in, without trailing slashes', () => {
    expect(cloudBase('https://c/api/{host}//', 'ind1')).toBe('https://c/api/ind1');
    expect(cloudBase('https://{host}/api', 'ind1')).toBe('https://ind1/api');
  });
});
