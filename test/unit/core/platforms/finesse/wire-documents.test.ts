// Finesse REST and XMPP documents (wire.ts lines 182-466; protocols/finesse.md §4 ApiErrors / ReasonCodes /
// User / Dialogs, §5 <Update>, the request builders): empty and absent elements, every field mapped to its
// name, fallbacks, and what is left out. Mutation work of docs/mutation.md "Session 5, helper MUT-FIN3A";
// complements wire.test.ts and wire-edges.test.ts.
import { describe, expect, it } from 'vitest';
import { apiErrorMessage, loginBody, parseApiErrors, parseDialogs, parseReasonCodes, parseUpdate, parseUser, stateBody } from '../../../../../main/core/platforms/finesse/wire.ts';
import { thrown } from '../../../../helpers/errors.ts';

describe('ApiErrors (§4)', () => {
  it('every field of every error, by its own name; another document or broken ApiErrors is no error list', () => {
    expect(
      parseApiErrors(
        '<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType><ErrorMessage>CF_X</ErrorMessage><ErrorData>d</ErrorData><PeripheralErrorCode>-1</PeripheralErrorCode><PeripheralErrorMsg>m</PeripheralErrorMsg></ApiError><ApiError><ErrorType>Two</ErrorType></ApiError></ApiErrors>',
      ),
    ).toEqual([
      { errorType: 'Invalid State', errorMessage: 'CF_X', errorData: 'd', peripheralErrorCode: '-1', peripheralErrorMsg: 'm' },
      { errorType: 'Two', errorMessage: undefined, errorData: undefined, peripheralErrorCode: undefined, peripheralErrorMsg: undefined },
    ]);
    expect(parseApiErrors('<User><state>READY</state></User>')).toBeUndefined();
    expect(parseApiErrors('<ApiErrors>text only</ApiErrors>')).toBeUndefined();
    expect(parseApiErrors('<ApiErrors><ApiError><ErrorType><x/></ErrorType></ApiError></ApiErrors>')).toBeUndefined();
  });

  it('the message shown: an empty message is no message (the type is not used then); a short one is kept whole', () => {
    expect(apiErrorMessage([{ errorMessage: '', errorType: 'T' }])).toBeUndefined();
    expect(apiErrorMessage([{ errorMessage: 'x'.repeat(300) }])).toBe('x'.repeat(300));
    expect(apiErrorMessage([{ errorMessage: 'short' }])).toBe('short');
  });
});

describe('ReasonCodes (§4)', () => {
  it('the label wins over the code; an empty id element falls back to the uri; the wrong root is bad XML', () => {
    expect(parseReasonCodes('<ReasonCodes><ReasonCode><id/><uri>/finesse/api/ReasonCode/4</uri><code>40</code><label>Lunch</label></ReasonCode></ReasonCodes>')).toEqual([
      { id: '4', category: undefined, code: '40', label: 'Lunch', forAll: undefined, systemCode: undefined },
    ]);
    expect(parseReasonCodes('<ReasonCodes><ReasonCode><uri>/</uri><label>x</label></ReasonCode></ReasonCodes>')).toEqual([]);
    expect(thrown(() => parseReasonCodes('<Dialogs/>')).code).toBe('finesse.bad-xml');
    expect(thrown(() => parseReasonCodes('<ReasonCodes><ReasonCode><forAll><x/></forAll></ReasonCode></ReasonCodes>')).code).toBe('finesse.bad-response');
  });
});

describe('User (§4)', () => {
  it('every field mapped to its name; a reason code object with its own id; the mobile agent block', () => {
    const user = parseUser(`<User><uri>/finesse/api/User/98411</uri><loginId>98411</loginId><loginName>jdoe</loginName><state>NOT_READY</state>
      <stateChangeTime>2026-01-01T08:00:00.000Z</stateChangeTime><pendingState></pendingState><reasonCodeId>5</reasonCodeId>
      <ReasonCode><id>5</id><category>not_ready</category><code>50</code><label>Break</label><forAll>false</forAll><systemCode>true</systemCode></ReasonCode>
      <extension>1001</extension><mobileAgent><mode>NAILED_CONNECTION</mode><dialNumber>5551234</dialNumber></mobileAgent>
      <firstName>Jo</firstName><lastName>Doe</lastName><teamId>9</teamId><teamName>Blue</teamName><roles><role>Agent</role><role>Supervisor</role></roles></User>`);
    expect(user).toEqual({
      loginId: '98411',
      loginName: 'jdoe',
      state: 'NOT_READY',
      stateChangeTime: '2026-01-01T08:00:00.000Z',
      pendingState: undefined,
      reasonCodeId: '5',
      reasonCode: { id: '5', category: 'NOT_READY', code: '50', label: 'Break', forAll: false, systemCode: true },
      extension: '1001',
      mobileAgent: { mode: 'NAILED_CONNECTION', dialNumber: '5551234' },
      firstName: 'Jo',
      lastName: 'Doe',
      teamName: 'Blue',
      roles: ['Agent', 'Supervisor'],
    });
  });

  it('an empty <ReasonCode/> or <mobileAgent/> is none, not an error; an empty mobile agent block has no fields', () => {
    const user = parseUser('<User><state>LOGOUT</state><ReasonCode/><mobileAgent/></User>');
    expect(user.reasonCode).toBeUndefined();
    expect(user.mobileAgent).toBeUndefined();
    expect(parseUser('<User><state>READY</state><mobileAgent><mode/></mobileAgent></User>').mobileAgent).toEqual({ mode: undefined, dialNumber: undefined });
  });

  it('a state that is not text is refused naming the field; the wrong root is bad XML', () => {
    expect(thrown(() => parseUser('<User><state><x/></state></User>'))).toMatchObject({ code: 'finesse.bad-response', details: { field: 'state' } });
    expect(thrown(() => parseUser('<Dialogs/>')).code).toBe('finesse.bad-xml');
  });
});

describe('Dialogs (§4)', () => {
  it('every field mapped; an empty <mediaProperties/> and a participant without <actions> have none; dialogs without any id are dropped', () => {
    expect(
      parseDialogs(`<Dialogs><Dialog><id>D1</id><state>alerting</state><mediaType>Voice</mediaType><fromAddress>1001</fromAddress><toAddress>2002</toAddress><mediaProperties/>
        <participants><Participant><mediaAddress>1001</mediaAddress><state>active</state><startTime>s</startTime><stateChangeTime>c</stateChangeTime></Participant></participants></Dialog>
        <Dialog><uri>/</uri></Dialog></Dialogs>`),
    ).toEqual([
      {
        id: 'D1',
        state: 'ALERTING',
        mediaType: 'Voice',
        fromAddress: '1001',
        toAddress: '2002',
        callType: undefined,
        participants: [{ mediaAddress: '1001', state: 'ACTIVE', startTime: 's', stateChangeTime: 'c' }],
      },
    ]);
    expect(parseDialogs('<Dialogs><Dialog><id>D2</id><mediaProperties><callType/></mediaProperties></Dialog></Dialogs>')[0]?.callType).toBeUndefined();
    expect(thrown(() => parseDialogs('<User><state>READY</state></User>')).code).toBe('finesse.bad-xml');
    expect(thrown(() => parseDialogs('<Dialogs><Dialog><participants>x</participants></Dialog></Dialogs>')).code).toBe('finesse.bad-response');
  });
});

describe('<Update> (§5)', () => {
  it('a user update carries the whole User; a single dialog with an id gives that one; the event upper-cased', () => {
    expect(parseUpdate('<Update><event>put</event><requestId>r</requestId><source>/finesse/api/User/1</source><data><user><loginId>1</loginId><state>ready</state></user></data></Update>')).toEqual({
      kind: 'user',
      source: '/finesse/api/User/1',
      event: 'PUT',
      requestId: 'r',
      user: expect.objectContaining({ loginId: '1', state: 'READY', roles: [] }),
    });
    expect(parseUpdate('<Update><data><dialog><id>7</id></dialog></data></Update>', '/n')).toEqual({
      kind: 'dialogs',
      source: '/n',
      event: undefined,
      requestId: undefined,
      dialogs: [{ id: '7', state: undefined, mediaType: undefined, fromAddress: undefined, toAddress: undefined, callType: undefined, participants: [] }],
    });
    expect(parseUpdate('<Update><data><dialogs><Dialog><id>8</id></Dialog><Dialog><id>9</id></Dialog></dialogs></data></Update>')).toMatchObject({ kind: 'dialogs', dialogs: [{ id: '8' }, { id: '9' }] });
  });

  it('two <data> elements are no data; a bad user inside is refused as a notification', () => {
    expect(parseUpdate('<Update><data><user><state>READY</state></user></data><data/></Update>')).toEqual({ kind: 'other', source: '', event: undefined, requestId: undefined });
    expect(thrown(() => parseUpdate('<Update><data><user><loginId>1</loginId></user></data></Update>'))).toMatchObject({
      code: 'finesse.bad-response',
      message: expect.stringContaining('a notification'),
    });
    expect(thrown(() => parseUpdate('<User><state>READY</state></User>')).code).toBe('finesse.bad-xml');
  });

  it('the order of kinds: errors, then user, then dialogs, then a dialog, then SystemInfo', () => {
    expect(parseUpdate('<Update><data><user><state>READY</state></user><dialogs/></data></Update>').kind).toBe('user');
    expect(parseUpdate('<Update><data><dialogs/><dialog><id>1</id></dialog></data></Update>')).toMatchObject({ kind: 'dialogs', dialogs: [] });
    expect(parseUpdate('<Update><data><dialog><id>1</id></dialog><SystemInfo><status>IN_SERVICE</status></SystemInfo></data></Update>').kind).toBe('dialogs');
    expect(parseUpdate('<Update><data><SystemInfo><status>in_service</status></SystemInfo></data></Update>')).toEqual({ kind: 'system', source: '', event: undefined, requestId: undefined, status: 'IN_SERVICE' });
  });
});

describe('what each refusal names (§4, §5)', () => {
  it('the document in the message: reason codes, user, call list, notification; the part of an update that failed', () => {
    const message = (run: () => unknown) => thrown(run).message;
    expect(message(() => parseReasonCodes('<Dialogs/>'))).toBe('The Finesse server sent a reason code list that Patchbay could not read (expected <ReasonCodes>).');
    expect(message(() => parseUser('<Dialogs/>'))).toBe('The Finesse server sent the user that Patchbay could not read (expected <User>).');
    expect(message(() => parseDialogs('<User/>'))).toBe('The Finesse server sent a call list that Patchbay could not read (expected <Dialogs>).');
    expect(message(() => parseUpdate('<User/>'))).toBe('The Finesse server sent a notification that Patchbay could not read (expected <Update>).');
    expect(message(() => parseUpdate('<Update><data><apiErrors>text</apiErrors></data></Update>'))).toBe('The Finesse server sent an error that Patchbay could not read (field root).');
    expect(message(() => parseUpdate('<Update><data><dialogs>text</dialogs></data></Update>'))).toBe('The Finesse server sent a call list that Patchbay could not read (field root).');
  });

  it('a notification may start with blank lines before its XML declaration; a reason code uri with a trailing slash still names its id', () => {
    expect(parseUpdate('\n  <?xml version="1.0"?><Update/>')).toEqual({ kind: 'other', source: '', event: undefined, requestId: undefined });
    expect(parseReasonCodes('<ReasonCodes><ReasonCode><uri>/finesse/api/ReasonCode/8/</uri></ReasonCode></ReasonCodes>')).toMatchObject([{ id: '8', label: '8' }]);
  });
});

describe('request builders (§4)', () => {
  it('LOGIN with the extension only, or with the mobile agent block in order; NOT_READY and LOGOUT with their reason', () => {
    expect(loginBody('1<2')).toBe('<User><state>LOGIN</state><extension>1&lt;2</extension></User>');
    expect(loginBody('1001', { mode: 'CALL_BY_CALL', dialNumber: '555' })).toBe(
      '<User><state>LOGIN</state><extension>1001</extension><mobileAgent><mode>CALL_BY_CALL</mode><dialNumber>555</dialNumber></mobileAgent></User>',
    );
    expect(stateBody('NOT_READY', '11')).toBe('<User><state>NOT_READY</state><reasonCodeId>11</reasonCodeId></User>');
    expect(stateBody('LOGOUT', '12')).toBe('<User><state>LOGOUT</state><reasonCodeId>12</reasonCodeId></User>');
    expect(stateBody('READY')).toBe('<User><state>READY</state></User>');
  });
});
