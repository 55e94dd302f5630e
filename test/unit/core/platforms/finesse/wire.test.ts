import { describe, expect, it } from 'vitest';
import {
  jwtExpiry,
  loginBody,
  parseApiErrors,
  parseDialogs,
  parseReasonCodes,
  parseSsoToken,
  parseSystemInfo,
  parseUpdate,
  parseUser,
  parseUserAuthMode,
  ssoRefreshGetUrl,
  ssoRefreshPostBody,
  ssoTokenUrl,
  stateBody,
  systemInfoNodeOrigins,
} from '../../../../../main/core/platforms/finesse/wire.ts';
import { decodeXmlText, parseXml } from '../../../../../main/core/platforms/finesse/xml.ts';

const SYSTEM_INFO = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SystemInfo>
  <currentTimestamp>2026-01-01T08:00:00.000Z</currentTimestamp>
  <deploymentType>UCCE</deploymentType>
  <primaryNode><host>fin-a.example.com</host><httpsPort>8445</httpsPort><xmppPort>5222</xmppPort><xmppSecurePort>5223</xmppSecurePort></primaryNode>
  <secondaryNode><host>fin-b.example.com</host></secondaryNode>
  <status>IN_SERVICE</status>
  <statusReason></statusReason>
  <systemAuthMode>HYBRID</systemAuthMode>
  <timezoneOffset>-300</timezoneOffset>
  <uri>/finesse/api/SystemInfo</uri>
  <xmppDomain>fin-a.example.com</xmppDomain>
  <xmppPubSubDomain>pubsub.fin-a.example.com</xmppPubSubDomain>
</SystemInfo>`;

const USER = `<User>
  <uri>/finesse/api/User/98411</uri>
  <roles><role>Agent</role><role>Supervisor</role></roles>
  <loginId>98411</loginId>
  <loginName>sjefferson</loginName>
  <state>NOT_READY</state>
  <stateChangeTime>2026-01-01T08:01:02.345Z</stateChangeTime>
  <pendingState></pendingState>
  <reasonCodeId>3</reasonCodeId>
  <ReasonCode><category>NOT_READY</category><uri>/finesse/api/ReasonCode/3</uri><code>12</code><label>Lunch &amp; Break &#x263A;</label><forAll>true</forAll><id>3</id></ReasonCode>
  <settings><wrapUpOnIncoming>OPTIONAL</wrapUpOnIncoming></settings>
  <extension>1001001</extension>
  <mobileAgent><mode>CALL_BY_CALL</mode><dialNumber>5551234</dialNumber></mobileAgent>
  <firstName>Sam</firstName>
  <lastName>Jefferson</lastName>
  <teamId>1</teamId>
  <teamName>Default</teamName>
  <dialogs>/finesse/api/User/98411/Dialogs</dialogs>
</User>`;

describe('finesse wire: discovery', () => {
  it('reads SystemInfo: status, deployment, auth mode, XMPP domains, both nodes [FIN-05]', () => {
    const info = parseSystemInfo(SYSTEM_INFO);
    expect(info).toMatchObject({
      status: 'IN_SERVICE',
      deploymentType: 'UCCE',
      systemAuthMode: 'HYBRID',
      xmppDomain: 'fin-a.example.com',
      xmppPubSubDomain: 'pubsub.fin-a.example.com',
      primaryNode: { host: 'fin-a.example.com', httpsPort: 8445, xmppPort: 5222, xmppSecurePort: 5223 },
      secondaryNode: { host: 'fin-b.example.com' },
    });
    expect(info.statusReason).toBeUndefined();
  });

  it('treats a SystemInfo without systemAuthMode (before SSO existed) as NON_SSO [FIN-05]', () => {
    expect(parseSystemInfo('<SystemInfo><status>IN_SERVICE</status></SystemInfo>').systemAuthMode).toBe('NON_SSO');
  });

  it('refuses an unknown auth mode rather than guessing', () => {
    expect(() => parseSystemInfo('<SystemInfo><status>IN_SERVICE</status><systemAuthMode>KERBEROS</systemAuthMode></SystemInfo>')).toThrow(
      expect.objectContaining({ code: 'finesse.bad-response' }),
    );
  });

  it('reads a user auth mode for HYBRID servers [FIN-06]', () => {
    expect(parseUserAuthMode('<UserAuthMode><authMode>NON_SSO</authMode></UserAuthMode>')).toBe('NON_SSO');
    expect(parseUserAuthMode('<UserAuthMode><authMode> sso </authMode></UserAuthMode>')).toBe('SSO');
  });

  it('reads ApiErrors bodies and answers undefined for anything else', () => {
    const errors = parseApiErrors('<ApiErrors><ApiError><ErrorType>Forbidden</ErrorType><ErrorMessage>UserAuthModeService is disabled</ErrorMessage><ErrorData>x</ErrorData></ApiError></ApiErrors>');
    expect(errors).toEqual([expect.objectContaining({ errorType: 'Forbidden', errorMessage: 'UserAuthModeService is disabled', errorData: 'x' })]);
    expect(parseApiErrors('<html><body>Error</body></html>')).toBeUndefined();
    expect(parseApiErrors('')).toBeUndefined();
  });
});

describe('finesse wire: user, reason codes, dialogs', () => {
  it('reads a User with its loginId, reason code and entities decoded once [FIN-10]', () => {
    const user = parseUser(USER);
    expect(user).toMatchObject({
      loginId: '98411',
      loginName: 'sjefferson',
      state: 'NOT_READY',
      reasonCodeId: '3',
      reasonCode: { id: '3', label: 'Lunch & Break ☺', category: 'NOT_READY', code: '12', forAll: true },
      extension: '1001001',
      mobileAgent: { mode: 'CALL_BY_CALL', dialNumber: '5551234' },
      firstName: 'Sam',
      roles: ['Agent', 'Supervisor'],
    });
    expect(user.pendingState).toBeUndefined();
  });

  it('reads a logged-out user (reasonCodeId -1, empty extension) as no reason and no extension', () => {
    const user = parseUser('<User><loginId>1</loginId><state>LOGOUT</state><reasonCodeId>-1</reasonCodeId><extension/><roles/></User>');
    expect(user).toMatchObject({ state: 'LOGOUT', roles: [] });
    expect(user.reasonCodeId).toBeUndefined();
    expect(user.extension).toBeUndefined();
  });

  it('decodes &amp;lt; only once (no double unescaping)', () => {
    expect(parseUser('<User><state>READY</state><firstName>a &amp;lt; b</firstName></User>').firstName).toBe('a &lt; b');
    expect(decodeXmlText('&amp;amp; &#60; &#x3e; &unknown;')).toBe('&amp; < > &unknown;');
  });

  it('reads reason-code lists of any length, the id from the uri', () => {
    const codes = parseReasonCodes(`<ReasonCodes category="NOT_READY">
      <ReasonCode><uri>/finesse/api/ReasonCode/1</uri><category>NOT_READY</category><code>12</code><label>Lunch</label><forAll>true</forAll></ReasonCode>
      <ReasonCode><uri>/finesse/api/ReasonCode/2</uri><category>NOT_READY</category><code>13</code><label>Meeting</label><forAll>false</forAll></ReasonCode>
    </ReasonCodes>`);
    expect(codes.map((c) => [c.id, c.label, c.forAll])).toEqual([
      ['1', 'Lunch', true],
      ['2', 'Meeting', false],
    ]);
    expect(parseReasonCodes('<ReasonCodes category="LOGOUT"/>')).toEqual([]);
    expect(parseReasonCodes('<ReasonCodes><ReasonCode><uri>/finesse/api/ReasonCode/7</uri><label>End</label></ReasonCode></ReasonCodes>')).toHaveLength(1);
  });

  it('reads dialogs with their participants', () => {
    const dialogs = parseDialogs(`<Dialogs><Dialog><id>D1</id><uri>/finesse/api/Dialog/D1</uri><state>ACTIVE</state><mediaType>Voice</mediaType>
      <fromAddress>1001</fromAddress><toAddress>2002</toAddress>
      <participants><Participant><mediaAddress>1001</mediaAddress><state>ACTIVE</state></Participant><Participant><mediaAddress>2002</mediaAddress><state>HELD</state></Participant></participants>
      </Dialog></Dialogs>`);
    expect(dialogs).toEqual([
      { id: 'D1', state: 'ACTIVE', mediaType: 'Voice', fromAddress: '1001', toAddress: '2002', participants: [{ mediaAddress: '1001', state: 'ACTIVE' }, { mediaAddress: '2002', state: 'HELD' }] },
    ]);
    expect(parseDialogs('<Dialogs/>')).toEqual([]);
  });

  it('reads a dialog\'s callType and the participants\' times', () => {
    const [dialog] = parseDialogs(`<Dialogs><Dialog><id>D2</id><state>ALERTING</state><mediaProperties><callType>acd_in</callType><DNIS>1001</DNIS></mediaProperties>
      <participants><Participant><mediaAddress>1001</mediaAddress><state>ALERTING</state><startTime>2026-01-01T08:00:00.000Z</startTime><stateChangeTime>2026-01-01T08:00:01.000Z</stateChangeTime></Participant></participants>
      </Dialog></Dialogs>`);
    expect(dialog).toMatchObject({ id: 'D2', callType: 'ACD_IN', participants: [{ startTime: '2026-01-01T08:00:00.000Z', stateChangeTime: '2026-01-01T08:00:01.000Z' }] });
  });

  it('names the SystemInfo nodes other than the profile\'s server as failover origins, port from httpsPort [§5 failover]', () => {
    const nodes = { primaryNode: { host: 'fin-a.example.com', httpsPort: 8445 }, secondaryNode: { host: 'fin-b.example.com', httpsPort: 8445 } };
    expect(systemInfoNodeOrigins('https://fin-a.example.com:8445', nodes)).toEqual(['https://fin-b.example.com:8445']);
    // No httpsPort: the profile server's scheme and port.
    expect(systemInfoNodeOrigins('https://fin-a.example.com:9443', { primaryNode: { host: 'fin-a.example.com' }, secondaryNode: { host: 'fin-b.example.com' } })).toEqual([
      'https://fin-b.example.com:9443',
    ]);
    // A VIP name in the profile: both nodes are other targets.
    expect(systemInfoNodeOrigins('https://finesse.example.com:8445', nodes)).toEqual(['https://fin-a.example.com:8445', 'https://fin-b.example.com:8445']);
    // A host that is not a plain host name is ignored; nothing from an absent node.
    expect(systemInfoNodeOrigins('https://fin-a.example.com:8445', { secondaryNode: { host: 'evil@fin-b.example.com/x' } })).toEqual([]);
    expect(systemInfoNodeOrigins('https://fin-a.example.com:8445', {})).toEqual([]);
  });
});

describe('finesse wire: XMPP <Update> payloads', () => {
  // As captured from Finesse 12.5 [POK]: the Update travels XML-escaped inside <notification>.
  const escaped =
    '&lt;Update&gt;&lt;data&gt;&lt;user&gt;&lt;loginId&gt;6021&lt;/loginId&gt;&lt;state&gt;NOT_READY&lt;/state&gt;&lt;reasonCodeId&gt;2&lt;/reasonCodeId&gt;&lt;reasonCode&gt;&lt;label&gt;Break &amp;amp; coffee&lt;/label&gt;&lt;uri&gt;/finesse/api/ReasonCode/2&lt;/uri&gt;&lt;/reasonCode&gt;&lt;/user&gt;&lt;/data&gt;&lt;event&gt;PUT&lt;/event&gt;&lt;requestId&gt;r-1&lt;/requestId&gt;&lt;source&gt;/finesse/api/User/6021&lt;/source&gt;&lt;/Update&gt;';

  it('decodes a user update once the notification text is unescaped', () => {
    const update = parseUpdate(decodeXmlText(escaped));
    expect(update).toMatchObject({ kind: 'user', source: '/finesse/api/User/6021', event: 'PUT', requestId: 'r-1', user: { state: 'NOT_READY', reasonCodeId: '2', reasonCode: { label: 'Break & coffee' } } });
  });

  it('decodes the async CTI error of a state change', () => {
    const update = parseUpdate(
      '<Update><data><apiErrors><apiError><errorType>Invalid State</errorType><errorMessage>CF_INVALID_OBJECT_STATE</errorMessage><peripheralErrorCode>-1</peripheralErrorCode></apiError></apiErrors></data><event>PUT</event><requestId>r-2</requestId><source>/finesse/api/User/6021</source></Update>',
    );
    expect(update).toMatchObject({ kind: 'errors', requestId: 'r-2', errors: [{ errorType: 'Invalid State', errorMessage: 'CF_INVALID_OBJECT_STATE', peripheralErrorCode: '-1' }] });
  });

  it('decodes dialog updates (list and single) and leaves other sources as other', () => {
    const list = parseUpdate('<Update><data><dialogs><Dialog><id>D9</id><state>ALERTING</state></Dialog></dialogs></data><event>POST</event><source>/finesse/api/User/6021/Dialogs</source></Update>');
    expect(list).toMatchObject({ kind: 'dialogs', dialogs: [{ id: 'D9', state: 'ALERTING' }] });
    const one = parseUpdate('<Update><data><dialog><id>D10</id><state>DROPPED</state></dialog></data><event>DELETE</event><source>/finesse/api/User/6021/Dialogs</source></Update>');
    expect(one).toMatchObject({ kind: 'dialogs', dialogs: [{ id: 'D10', state: 'DROPPED' }] });
    expect(parseUpdate('<Update><data><team/></data><source>/finesse/api/Team/1</source></Update>')).toMatchObject({ kind: 'other' });
  });
});

describe('finesse wire: bad input is a typed error, never a crash', () => {
  const cases: [string, string][] = [
    ['malformed XML', '<User><state>READY</User>'],
    ['truncated XML', '<User><state>READY</state>'],
    ['an XXE entity', '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><User><state>&xxe;</state></User>'],
    [
      'billion laughs',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><User><state>&lol3;</state></User>',
    ],
    ['an HTML page', '<!DOCTYPE html><html><head><title>Login</title></head><body><form></form></body></html>'],
    ['HTML without doctype', '<html><body>Service unavailable</body></html>'],
    ['JSON', '{"state":"READY"}'],
    ['an empty body', '   '],
  ];
  for (const [what, body] of cases) {
    it(`throws finesse.bad-xml for ${what}`, () => {
      let caught: unknown;
      try {
        parseUser(body);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'finesse.bad-xml', action: 'contact-it' });
      // The message never quotes the document.
      expect(String((caught as Error).message)).not.toContain('passwd');
    });
  }

  it('throws finesse.bad-xml for a document with the wrong root, finesse.bad-response for a missing field', () => {
    expect(() => parseUser('<SystemInfo><status>IN_SERVICE</status></SystemInfo>')).toThrow(expect.objectContaining({ code: 'finesse.bad-xml' }));
    expect(() => parseUser('<User><loginId>1</loginId></User>')).toThrow(expect.objectContaining({ code: 'finesse.bad-response' }));
  });

  it('never expands entities: a stray named entity stays literal', () => {
    expect(parseXml('<a>&nbsp;x</a>')).toEqual({ a: '&nbsp;x' });
  });
});

describe('finesse wire: SSO token JSON (not RFC 6749) [FIN-08]', () => {
  const jwt = (payload: object) => `eyJjdHkiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

  it('reads token, refresh_token, expires_in and the user fields', () => {
    const body = JSON.stringify({ token: jwt({ exp: 1_800_000_300 }), refresh_token: jwt({ exp: 1_800_007_200 }), expires_in: 300, user_id: 'sjefferson', realm: 'finesse.com', user_principal: 'sjefferson@finesse.com' });
    const t = parseSsoToken(body);
    expect(t).toMatchObject({ expiresIn: 300, userId: 'sjefferson', realm: 'finesse.com', userPrincipal: 'sjefferson@finesse.com' });
    expect(jwtExpiry(t.token)).toBe(1_800_000_300);
    expect(jwtExpiry(t.refreshToken!)).toBe(1_800_007_200);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
  });

  it('accepts a refresh answer without a refresh_token', () => {
    expect(parseSsoToken('{"token":"t2","expires_in":"300","user_id":"u"}')).toMatchObject({ token: 't2', expiresIn: 300 });
  });

  for (const [what, body, field] of [
    ['a missing token', '{"refresh_token":"r","expires_in":300}', 'token'],
    ['a missing expires_in', '{"token":"t"}', 'expires_in'],
    ['an OAuth-shaped answer', '{"access_token":"t","token_type":"Bearer","expires_in":300}', 'token'],
    ['a negative lifetime', '{"token":"t","expires_in":-5}', 'expires_in'],
  ] as const) {
    it(`throws finesse.sso.bad-token for ${what}, naming the field only`, () => {
      expect(() => parseSsoToken(body)).toThrow(expect.objectContaining({ code: 'finesse.sso.bad-token', details: { field } }));
    });
  }

  it('throws finesse.sso.bad-token for HTML or non-JSON where JSON was expected', () => {
    expect(() => parseSsoToken('<html><body><form id="options"></form></body></html>')).toThrow(expect.objectContaining({ code: 'finesse.sso.bad-token', details: { reason: 'a web page' } }));
    expect(() => parseSsoToken('token=abc')).toThrow(expect.objectContaining({ code: 'finesse.sso.bad-token' }));
  });
});

describe('finesse wire: request builders', () => {
  it('builds the sign-in body with the extension, and the mobile agent block when configured', () => {
    expect(loginBody('1001001')).toBe('<User><state>LOGIN</state><extension>1001001</extension></User>');
    expect(loginBody('1001001', { mode: 'NAILED_CONNECTION', dialNumber: '5551234' })).toBe(
      '<User><state>LOGIN</state><extension>1001001</extension><mobileAgent><mode>NAILED_CONNECTION</mode><dialNumber>5551234</dialNumber></mobileAgent></User>',
    );
  });

  it('builds READY, NOT_READY + reasonCodeId and LOGOUT + reasonCodeId bodies, escaping values', () => {
    expect(stateBody('READY', '9')).toBe('<User><state>READY</state></User>');
    expect(stateBody('NOT_READY', '1001')).toBe('<User><state>NOT_READY</state><reasonCodeId>1001</reasonCodeId></User>');
    expect(stateBody('LOGOUT')).toBe('<User><state>LOGOUT</state></User>');
    expect(stateBody('LOGOUT', '<x>')).toBe('<User><state>LOGOUT</state><reasonCodeId>&lt;x&gt;</reasonCodeId></User>');
  });

  it('names the user in cc_username, URL-encoded, and asks for a refresh token [FIN-07, FIN-08]', () => {
    const url = new URL(ssoTokenUrl('https://fin-a.example.com:8445', 'j smith@corp'));
    expect(url.pathname).toBe('/desktop/sso/token');
    expect(url.searchParams.get('cc_username')).toBe('j smith@corp');
    expect(url.search).toContain('cc_username=j+smith%40corp');
    expect(url.searchParams.get('return_refresh_token')).toBe('true');
  });

  it('leaves cc_username out of the URL in the older-release cookie mode [FIN-15]', () => {
    const url = new URL(ssoTokenUrl('https://fin-a.example.com:8445', 'jsmith', 'cookie'));
    expect(url.searchParams.has('cc_username')).toBe(false);
  });

  it('builds both documented refresh forms [FIN-13]', () => {
    const get = new URL(ssoRefreshGetUrl('https://fin-a.example.com:8445', 'jsmith', 'r.t.x'));
    expect([get.pathname, get.searchParams.get('cc_username'), get.searchParams.get('refresh-token')]).toEqual(['/desktop/sso/token', 'jsmith', 'r.t.x']);
    expect(new URLSearchParams(ssoRefreshPostBody('a+b', 'r/1')).get('token')).toBe('a+b');
    expect(new URLSearchParams(ssoRefreshPostBody('a+b', 'r/1')).get('refresh-token')).toBe('r/1');
  });
});
