// Finesse non-SSO wire edges (wire.ts; protocols/finesse.md §1 SystemInfo / UserAuthMode, §4 REST
// documents and bodies, §5 <Update> and failover nodes): optional and empty elements, case, fallbacks,
// limits, and the typed errors. Mutation work of docs/mutation.md "Session 4, helper MUT-FIN2".
import { describe, expect, it } from 'vitest';
import {
  apiErrorMessage,
  basicAuthorization,
  parseApiErrors,
  parseDialogs,
  parseReasonCodes,
  parseSystemInfo,
  parseUpdate,
  parseUser,
  parseUserAuthMode,
  stateBody,
  systemInfoNodeOrigins,
  userPath,
} from '../../../../../main/core/platforms/finesse/wire.ts';

const sys = (inner: string) => `<SystemInfo><status>in_service</status>${inner}</SystemInfo>`;

function errorOf(fn: () => unknown): { code?: string; message?: string; action?: string; details?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error('no error');
}

describe('SystemInfo (§1) [FIN-05]', () => {
  it('upper-cases status, deployment type and sign-in mode; keeps the reason and timestamp [FIN-05]', () => {
    const info = parseSystemInfo(sys('<deploymentType>ucce</deploymentType><systemAuthMode>hybrid</systemAuthMode><statusReason>Maintenance</statusReason><currentTimestamp>t</currentTimestamp>'));
    expect(info).toMatchObject({ status: 'IN_SERVICE', deploymentType: 'UCCE', systemAuthMode: 'HYBRID', statusReason: 'Maintenance', currentTimestamp: 't' });
  });

  it('empty elements count as absent: no deployment type, NON_SSO, no nodes [FIN-05]', () => {
    const info = parseSystemInfo(sys('<deploymentType/><systemAuthMode></systemAuthMode><primaryNode/><secondaryNode></secondaryNode><xmppDomain/>'));
    expect(info).toEqual({
      status: 'IN_SERVICE',
      statusReason: undefined,
      deploymentType: undefined,
      systemAuthMode: 'NON_SSO',
      xmppDomain: undefined,
      xmppPubSubDomain: undefined,
      currentTimestamp: undefined,
      primaryNode: undefined,
      secondaryNode: undefined,
    });
  });

  it('an unknown sign-in mode is refused naming at most 32 characters of it, contact IT [FIN-05]', () => {
    const e = errorOf(() => parseSystemInfo(sys(`<systemAuthMode>${'x'.repeat(40)}</systemAuthMode>`)));
    expect(e).toMatchObject({ code: 'finesse.bad-response', action: 'contact-it', message: `The Finesse server reports an unknown sign-in mode (${'X'.repeat(32)}).` });
  });

  it('node ports must be integers; a node with attributes only still parses [FIN-05]', () => {
    expect(errorOf(() => parseSystemInfo(sys('<primaryNode><host>a</host><httpsPort>84.5</httpsPort></primaryNode>')))).toMatchObject({
      code: 'finesse.bad-response',
      details: { field: 'primarynode.httpsport' },
      message: 'The Finesse server sent system information that Patchbay could not read (field primarynode.httpsport).',
    });
    const info = parseSystemInfo(sys('<primaryNode><host type="fqdn">fin-a.example.com</host><httpsPort>8445</httpsPort></primaryNode><secondaryNode><host id="2"/></secondaryNode>'));
    expect(info.primaryNode).toEqual({ host: 'fin-a.example.com', httpsPort: 8445, xmppPort: undefined, xmppSecurePort: undefined });
    expect(info.secondaryNode).toEqual({ host: undefined, httpsPort: undefined, xmppPort: undefined, xmppSecurePort: undefined });
  });

  it('a missing status names the field; the wrong root is bad XML; an empty root has no status', () => {
    expect(errorOf(() => parseSystemInfo('<SystemInfo><deploymentType>UCCE</deploymentType></SystemInfo>'))).toMatchObject({ code: 'finesse.bad-response', details: { field: 'status' } });
    expect(errorOf(() => parseSystemInfo('<User/>'))).toMatchObject({ code: 'finesse.bad-xml' });
    expect(errorOf(() => parseSystemInfo('<SystemInfo/>'))).toMatchObject({ code: 'finesse.bad-response', details: { field: 'status' } });
  });

  it('a status element with a child element is not text, with or without attributes: refused', () => {
    expect(errorOf(() => parseSystemInfo('<SystemInfo><status><x>1</x></status></SystemInfo>'))).toMatchObject({ code: 'finesse.bad-response', details: { field: 'status' } });
    expect(errorOf(() => parseSystemInfo('<SystemInfo><status a="1"><x>1</x></status></SystemInfo>'))).toMatchObject({ code: 'finesse.bad-response', details: { field: 'status' } });
  });

  it('a root that holds only text is refused as a whole: field "root"', () => {
    expect(errorOf(() => parseSystemInfo('<SystemInfo>IN_SERVICE</SystemInfo>'))).toMatchObject({ code: 'finesse.bad-response', details: { field: 'root' } });
  });

  it('an empty repeated element is no entry: <role/> gives no role', () => {
    expect(parseUser('<User><state>READY</state><roles><role/></roles></User>').roles).toEqual([]);
  });
});

describe('SystemInfo nodes as failover origins (§5 failover)', () => {
  const base = 'https://fin-a.example.com:8445';
  it('an unparsable base names none; hosts are trimmed; IPv6 literals are allowed; duplicates once', () => {
    expect(systemInfoNodeOrigins('not a url', { secondaryNode: { host: 'fin-b.example.com' } })).toEqual([]);
    expect(systemInfoNodeOrigins(base, { secondaryNode: { host: ' fin-b.example.com ' } })).toEqual(['https://fin-b.example.com:8445']);
    expect(systemInfoNodeOrigins(base, { primaryNode: { host: 'fin-b.example.com' }, secondaryNode: { host: 'FIN-B.example.com' } })).toEqual(['https://fin-b.example.com:8445']);
    expect(systemInfoNodeOrigins(base, { secondaryNode: { host: '[2001:db8::1]' } })).toEqual(['https://[2001:db8::1]:8445']);
    expect(systemInfoNodeOrigins(base, { secondaryNode: { host: '' } })).toEqual([]);
    expect(systemInfoNodeOrigins(base, { secondaryNode: { host: 'fin b' } })).toEqual([]);
    expect(systemInfoNodeOrigins(base, { secondaryNode: { host: 'x.example.com:9' } })).toEqual([]);
  });

  it('httpsPort only when 1–65535, else the base port; no port for a default-port base', () => {
    const b = (httpsPort: number) => systemInfoNodeOrigins(base, { secondaryNode: { host: 'fin-b.example.com', httpsPort } });
    expect(b(0)).toEqual(['https://fin-b.example.com:8445']);
    expect(b(1)).toEqual(['https://fin-b.example.com:1']);
    expect(b(65_535)).toEqual(['https://fin-b.example.com:65535']);
    expect(b(65_536)).toEqual(['https://fin-b.example.com:8445']);
    expect(systemInfoNodeOrigins('https://finesse.example.com', { secondaryNode: { host: 'fin-b.example.com' } })).toEqual(['https://fin-b.example.com']);
    expect(systemInfoNodeOrigins('http://finesse.example.com:8082', { secondaryNode: { host: 'fin-b.example.com' } })).toEqual(['http://fin-b.example.com:8082']);
  });

  it('a host URL cannot build (a bad IPv6 literal) is skipped, the other node still named', () => {
    expect(systemInfoNodeOrigins(base, { primaryNode: { host: '[zz::1]' }, secondaryNode: { host: '[:::]' } })).toEqual([]);
    expect(systemInfoNodeOrigins(base, { primaryNode: { host: '[1:2:3]' }, secondaryNode: { host: 'fin-b.example.com' } })).toEqual(['https://fin-b.example.com:8445']);
  });
});

describe('UserAuthMode (§1) [FIN-06]', () => {
  it('trimmed and upper-cased; anything else is refused [FIN-06]', () => {
    expect(parseUserAuthMode('<UserAuthMode><authMode> sso </authMode></UserAuthMode>')).toBe('SSO');
    expect(parseUserAuthMode('<UserAuthMode><authMode>non_sso</authMode></UserAuthMode>')).toBe('NON_SSO');
    expect(errorOf(() => parseUserAuthMode('<UserAuthMode><authMode>HYBRID</authMode></UserAuthMode>'))).toMatchObject({
      code: 'finesse.bad-response',
      action: 'contact-it',
      message: 'The Finesse server reports an unknown sign-in mode for this user.',
    });
    expect(errorOf(() => parseUserAuthMode('<UserAuthMode/>'))).toMatchObject({ code: 'finesse.bad-response', message: expect.stringContaining("the user's sign-in mode") });
  });
});

describe('ApiErrors and the message shown (§4)', () => {
  it('an empty ApiErrors is an empty list; non-XML is undefined; fields kept', () => {
    expect(parseApiErrors('<ApiErrors/>')).toEqual([]);
    expect(parseApiErrors('not xml <')).toBeUndefined();
    expect(parseApiErrors('<ApiErrors><ApiError><ErrorType>T</ErrorType><ErrorData>D</ErrorData><PeripheralErrorCode>1</PeripheralErrorCode><PeripheralErrorMsg>M</PeripheralErrorMsg></ApiError></ApiErrors>')).toEqual([
      { errorType: 'T', errorMessage: undefined, errorData: 'D', peripheralErrorCode: '1', peripheralErrorMsg: 'M' },
    ]);
  });

  it('the first error\'s message, else its type, at most 300 characters; nothing for none', () => {
    expect(apiErrorMessage([{ errorType: 'T', errorMessage: 'M' }, { errorMessage: 'second' }])).toBe('M');
    expect(apiErrorMessage([{ errorType: 'T' }])).toBe('T');
    expect(apiErrorMessage([{ errorMessage: 'x'.repeat(400) }])).toBe('x'.repeat(300));
    expect(apiErrorMessage([{}])).toBeUndefined();
    expect(apiErrorMessage([])).toBeUndefined();
    expect(apiErrorMessage(undefined)).toBeUndefined();
  });
});

describe('ReasonCodes and User (§4)', () => {
  it('a reason code: id over the uri, label falls back to code then id, category upper-cased, booleans read [§4]', () => {
    const codes = parseReasonCodes(`<ReasonCodes>
      <ReasonCode><id>7</id><uri>/finesse/api/ReasonCode/99/</uri><category>not_ready</category><code>70</code><forAll>TRUE</forAll><systemCode>false</systemCode></ReasonCode>
      <ReasonCode><uri>/finesse/api/ReasonCode/8</uri></ReasonCode>
      <ReasonCode><label>no id</label></ReasonCode>
    </ReasonCodes>`);
    expect(codes).toEqual([
      { id: '7', category: 'NOT_READY', code: '70', label: '70', forAll: true, systemCode: false },
      { id: '8', category: undefined, code: undefined, label: '8', forAll: undefined, systemCode: undefined },
    ]);
    expect(parseReasonCodes('<ReasonCodes/>')).toEqual([]);
    expect(parseReasonCodes('<ReasonCodes></ReasonCodes>')).toEqual([]);
  });

  it('a user: state trimmed and upper-cased, pending state upper-cased, no mobile agent, no roles, a reason code without id dropped [FIN-10]', () => {
    const user = parseUser('<User><loginId>98411</loginId><state> ready </state><pendingState>not_ready</pendingState><reasonCodeId>-1</reasonCodeId><ReasonCode><label>x</label></ReasonCode><teamName>T</teamName></User>');
    expect(user).toEqual({
      loginId: '98411',
      loginName: undefined,
      state: 'READY',
      stateChangeTime: undefined,
      pendingState: 'NOT_READY',
      reasonCodeId: undefined,
      reasonCode: undefined,
      extension: undefined,
      mobileAgent: undefined,
      firstName: undefined,
      lastName: undefined,
      teamName: 'T',
      roles: [],
    });
    expect(parseUser('<User><state>READY</state><roles/><reasonCodeId>0</reasonCodeId></User>')).toMatchObject({ roles: [], reasonCodeId: '0' });
    expect(parseUser('<User><state>READY</state><roles><role>Agent</role></roles></User>').roles).toEqual(['Agent']);
  });
});

describe('Dialogs (§4)', () => {
  it('the id from the uri; a dialog without any id dropped; actions upper-cased, empty ones left out, none → no actions key', () => {
    const dialogs = parseDialogs(`<Dialogs>
      <Dialog><uri>/finesse/api/Dialog/55/</uri><state>active</state><mediaProperties><callType>acd_in</callType></mediaProperties>
        <participants><Participant><mediaAddress>1001001</mediaAddress><state>alerting</state><actions><action>answer</action><action></action></actions></Participant>
        <Participant><mediaAddress>2</mediaAddress><actions/></Participant></participants></Dialog>
      <Dialog><state>ACTIVE</state></Dialog>
    </Dialogs>`);
    expect(dialogs).toEqual([
      {
        id: '55',
        state: 'ACTIVE',
        mediaType: undefined,
        fromAddress: undefined,
        toAddress: undefined,
        callType: 'ACD_IN',
        participants: [
          { mediaAddress: '1001001', state: 'ALERTING', startTime: undefined, stateChangeTime: undefined, actions: ['ANSWER'] },
          { mediaAddress: '2', state: undefined, startTime: undefined, stateChangeTime: undefined },
        ],
      },
    ]);
    expect(parseDialogs('<Dialogs/>')).toEqual([]);
    expect(parseDialogs('<Dialogs><Dialog><id>1</id><participants/></Dialog></Dialogs>')).toEqual([
      { id: '1', state: undefined, mediaType: undefined, fromAddress: undefined, toAddress: undefined, callType: undefined, participants: [] },
    ]);
  });
});

describe('<Update> (§5)', () => {
  it('source from the Update, else the pubsub node, else empty; event upper-cased; data that is not an element → other', () => {
    expect(parseUpdate('<Update><event>put</event><source>/s</source><data>text</data></Update>', '/node')).toEqual({ kind: 'other', source: '/s', event: 'PUT', requestId: undefined });
    expect(parseUpdate('<Update><requestId>r</requestId></Update>', '/node')).toEqual({ kind: 'other', source: '/node', event: undefined, requestId: 'r' });
    expect(parseUpdate('  <Update/>  ')).toEqual({ kind: 'other', source: '', event: undefined, requestId: undefined });
  });

  it('a SystemInfo update carries the status upper-cased, or none; a single dialog without id gives an empty list', () => {
    expect(parseUpdate('<Update><data><SystemInfo><status>out_of_service</status></SystemInfo></data></Update>')).toMatchObject({ kind: 'system', status: 'OUT_OF_SERVICE' });
    expect(parseUpdate('<Update><data><SystemInfo><uri>x</uri></SystemInfo></data></Update>')).toMatchObject({ kind: 'system', status: undefined });
    expect(parseUpdate('<Update><data><dialog><state>ACTIVE</state></dialog></data></Update>')).toMatchObject({ kind: 'dialogs', dialogs: [] });
    expect(parseUpdate('<Update><data><dialogs/></data></Update>')).toMatchObject({ kind: 'dialogs', dialogs: [] });
  });

  it('errors win over a user in the same data; an empty apiErrors is no error', () => {
    expect(parseUpdate('<Update><data><apiErrors><apiError><errorMessage>E</errorMessage></apiError></apiErrors><user><state>READY</state></user></data></Update>')).toMatchObject({
      kind: 'errors',
      errors: [{ errorMessage: 'E' }],
    });
    expect(parseUpdate('<Update><data><apiErrors/></data></Update>')).toMatchObject({ kind: 'errors', errors: [] });
  });
});

describe('request builders (§4) [FIN-11]', () => {
  it('READY never carries a reason; NOT_READY without a reason has none', () => {
    expect(stateBody('READY', '11')).not.toContain('reasonCodeId');
    expect(stateBody('NOT_READY')).not.toContain('reasonCodeId');
    expect(stateBody('LOGOUT', '')).toContain('<reasonCodeId></reasonCodeId>');
  });

  it('Basic credentials are UTF-8; the user path encodes the id', () => {
    expect(basicAuthorization('jürgen', 'pässword')).toBe(`Basic ${Buffer.from('jürgen:pässword', 'utf8').toString('base64')}`);
    expect(basicAuthorization('jürgen', 'pässword')).toBe('Basic asO8cmdlbjpww6Rzc3dvcmQ=');
    expect(userPath('a/b c')).toBe('/finesse/api/User/a%2Fb%20c');
  });
});
