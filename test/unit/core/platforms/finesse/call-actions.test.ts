// Finesse Dialog actions (issue 13 item 9): the request, the actions offered, the confirmation rule.
import { describe, expect, it } from 'vitest';
import type { Call } from '../../../../../preload/contract.ts';
import { callActionDone, callActionsOf, CallWaiters, checkCallAction, dialogActionError, dialogActionRequest } from '../../../../../main/core/platforms/finesse/call-actions.ts';
import { callOf } from '../../../../../main/core/platforms/finesse/calls.ts';
import { parseDialogs } from '../../../../../main/core/platforms/finesse/wire.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';

const res = (status: number, body = ''): HttpResponse => ({ status, headers: {}, text: () => body }) as unknown as HttpResponse;
const call = (state: string, actions?: Call['actions']): Call => ({ id: 'D1', direction: 'inbound', state, ...(actions ? { actions } : {}) });

describe('Finesse call actions', () => {
  it('builds the Dialog PUT with the agent\'s device and the Finesse action word [§4]', () => {
    expect(dialogActionRequest('16777301', 'answer', '1001')).toEqual({
      path: '/finesse/api/Dialog/16777301',
      body: '<Dialog><targetMediaAddress>1001</targetMediaAddress><requestedAction>ANSWER</requestedAction></Dialog>',
    });
    expect(dialogActionRequest('D/1', 'release', '1<2').body).toBe('<Dialog><targetMediaAddress>1&lt;2</targetMediaAddress><requestedAction>DROP</requestedAction></Dialog>');
    expect(dialogActionRequest('D/1', 'release', '1').path).toBe('/finesse/api/Dialog/D%2F1');
    expect(dialogActionRequest('D1', 'hold', '1').body).toContain('<requestedAction>HOLD</requestedAction>');
    expect(dialogActionRequest('D1', 'retrieve', '1').body).toContain('<requestedAction>RETRIEVE</requestedAction>');
  });

  it('offers only the actions Finesse lists for the participant', () => {
    expect(callActionsOf(['ANSWER'])).toEqual(['answer']);
    expect(callActionsOf(['hold', 'DROP', 'TRANSFER_SST', 'HOLD'])).toEqual(['hold', 'release']);
    expect(callActionsOf(undefined)).toEqual([]);
  });

  it('parses <actions> from a dialog and maps them onto the agent\'s call', () => {
    const [dialog] = parseDialogs(
      '<Dialogs><Dialog><id>D1</id><state>ACTIVE</state><fromAddress>555</fromAddress><toAddress>1001</toAddress><participants>' +
        '<Participant><actions><action>HOLD</action><action>DROP</action></actions><mediaAddress>1001</mediaAddress><state>ACTIVE</state></Participant>' +
        '<Participant><actions><action>ANSWER</action></actions><mediaAddress>555</mediaAddress><state>ACTIVE</state></Participant>' +
        '</participants></Dialog></Dialogs>',
    );
    expect(dialog!.participants[0]!.actions).toEqual(['HOLD', 'DROP']);
    expect(callOf(dialog!, '1001').actions).toEqual(['hold', 'release']);
    const [single] = parseDialogs('<Dialogs><Dialog><id>D2</id><participants><Participant><actions><action>ANSWER</action></actions><mediaAddress>1001</mediaAddress><state>ALERTING</state></Participant></participants></Dialog></Dialogs>');
    expect(callOf(single!, '1001').actions).toEqual(['answer']);
    const [none] = parseDialogs('<Dialogs><Dialog><id>D3</id><participants><Participant><actions/><mediaAddress>1001</mediaAddress><state>ACTIVE</state></Participant></participants></Dialog></Dialogs>');
    expect(callOf(none!, '1001')).not.toHaveProperty('actions');
  });

  it('refuses an unknown call or an action Finesse does not offer, with typed errors', () => {
    expect(() => checkCallAction([call('ALERTING', ['answer'])], 'D9', 'answer')).toThrow(expect.objectContaining({ code: 'call.unknown' }));
    expect(() => checkCallAction(undefined, 'D1', 'answer')).toThrow(PatchbayError);
    expect(() => checkCallAction([call('ALERTING', ['answer'])], 'D1', 'hold')).toThrow(expect.objectContaining({ code: 'call.action-not-allowed' }));
    expect(() => checkCallAction([call('ACTIVE')], 'D1', 'hold')).toThrow(expect.objectContaining({ code: 'call.action-not-allowed' }));
    expect(checkCallAction([call('ACTIVE', ['hold', 'release'])], 'D1', 'hold').id).toBe('D1');
  });

  it('reads the Dialog PUT answer: 202 is accepted, 400 and 404 are typed refusals', () => {
    expect(dialogActionError(res(202))).toBeUndefined();
    const bad = dialogActionError(res(400, '<ApiErrors><ApiError><ErrorType>Invalid Input</ErrorType><ErrorMessage>targetMediaAddress is wrong</ErrorMessage></ApiError></ApiErrors>'));
    expect(bad).toMatchObject({ code: 'call.action-refused' });
    expect(bad!.message).toContain('targetMediaAddress is wrong');
    expect(dialogActionError(res(404))).toMatchObject({ code: 'call.unknown' });
  });

  it('counts an action done only when the calls shown carry it (not on the 202)', () => {
    expect(callActionDone([call('ACTIVE')], 'D1', 'answer')).toBe(true);
    expect(callActionDone([call('ALERTING')], 'D1', 'answer')).toBe(false);
    expect(callActionDone([call('HELD')], 'D1', 'hold')).toBe(true);
    expect(callActionDone([call('HELD')], 'D1', 'retrieve')).toBe(false);
    expect(callActionDone([call('ACTIVE')], 'D1', 'retrieve')).toBe(true);
    expect(callActionDone([call('ACTIVE')], 'D1', 'release')).toBe(false);
    expect(callActionDone([], 'D1', 'release')).toBe(true);
    expect(callActionDone([], 'D1', 'hold')).toBe(false);
  });

  it('settles a waiter from the calls shown, or fails it by its request id', async () => {
    const waiters = new CallWaiters();
    let settled = 0;
    const a = waiters.expect('D1', 'hold', 'r1', () => (settled += 1));
    const b = waiters.expect('D1', 'release', 'r2', () => (settled += 1));
    waiters.settle([call('ACTIVE')]);
    expect(settled).toBe(0);
    waiters.settle([call('HELD')]);
    await expect(a.outcome).resolves.toBeUndefined();
    expect(waiters.reject(new PatchbayError('x', 'm', { action: 'none' }), 'other')).toBe(0);
    expect(waiters.reject(new PatchbayError('x', 'm', { action: 'none' }), 'r2')).toBe(1);
    await expect(b.outcome).rejects.toMatchObject({ code: 'x' });
    expect(settled).toBe(2);
  });
});

describe('Finesse call actions: every branch (issue 9 mutation review)', () => {
  it('maps the participant\'s actions in any case, each once, in Finesse\'s order [§4]', () => {
    expect(callActionsOf(['drop', 'Retrieve', 'answer', 'HOLD', 'DROP'])).toEqual(['release', 'retrieve', 'answer', 'hold']);
    expect(callActionsOf([])).toEqual([]);
  });

  it('refusals name the call, the action and its state', () => {
    let error: PatchbayError | undefined;
    try {
      checkCallAction([call('ALERTING', ['answer'])], 'D9', 'answer');
    } catch (e) {
      error = e as PatchbayError;
    }
    expect(error).toMatchObject({ code: 'call.unknown', message: 'This call has ended or is not yours.', action: 'none' });
    expect(error!.details).toEqual({ callId: 'D9' });
    try {
      checkCallAction([call('ALERTING', ['answer'])], 'D1', 'hold');
    } catch (e) {
      error = e as PatchbayError;
    }
    expect(error).toMatchObject({ code: 'call.action-not-allowed', message: 'You cannot hold this call right now.', action: 'none' });
    expect(error!.details).toEqual({ callId: 'D1', action: 'hold', state: 'ALERTING' });
  });

  it('takes 200, 202 and 204 as accepted; words other refusals with or without the server\'s message [§4]', () => {
    expect(dialogActionError(res(200))).toBeUndefined();
    expect(dialogActionError(res(204))).toBeUndefined();
    const gone = dialogActionError(res(404, '<ApiErrors><ApiError><ErrorMessage>no dialog</ErrorMessage></ApiError></ApiErrors>'))!;
    expect(gone).toMatchObject({ code: 'call.unknown', message: 'This call has ended.', action: 'none' });
    expect(gone.details).toEqual({ status: 404 });
    const bare = dialogActionError(res(503))!;
    expect(bare).toMatchObject({ code: 'call.action-refused', message: 'Finesse refused the call action.', action: 'none' });
    expect(bare.details).toEqual({ status: 503 });
    expect(dialogActionError(res(400, '<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType></ApiError></ApiErrors>'))!.message).toBe('Finesse refused the call action: Invalid State');
    expect(dialogActionError(res(201))).toMatchObject({ code: 'call.action-refused' });
  });

  it('an answer or a retrieve is done when the call is ACTIVE, a hold when HELD, of this call only', () => {
    const other: Call = { id: 'D2', direction: 'inbound', state: 'ACTIVE' };
    expect(callActionDone([other, call('ALERTING')], 'D1', 'answer')).toBe(false);
    expect(callActionDone([other], 'D1', 'answer')).toBe(false);
    expect(callActionDone(undefined, 'D1', 'release')).toBe(true);
    expect(callActionDone(undefined, 'D1', 'hold')).toBe(false);
    expect(callActionDone([call('ACTIVE')], 'D1', 'hold')).toBe(false);
    expect(callActionDone([other, call('HELD')], 'D1', 'hold')).toBe(true);
  });

  it('settles every waiter the calls carry, fails all at the session end, and never matches an empty request id', async () => {
    const waiters = new CallWaiters();
    let settled = 0;
    const a = waiters.expect('D1', 'hold', '', () => (settled += 1));
    const b = waiters.expect('D1', 'hold', 'r2', () => (settled += 1));
    expect(waiters.reject(new PatchbayError('x', 'm'), '')).toBe(0);
    expect(waiters.reject(new PatchbayError('x', 'm'), undefined)).toBe(0);
    waiters.settle([call('HELD')]);
    await expect(a.outcome).resolves.toBeUndefined();
    await expect(b.outcome).resolves.toBeUndefined();
    expect(settled).toBe(2);
    waiters.settle([call('HELD')]);
    expect(settled).toBe(2);
    const c = waiters.expect('D1', 'release', 'r3', () => (settled += 1));
    const d = waiters.expect('D2', 'answer', 'r4', () => (settled += 1));
    waiters.rejectAll(new PatchbayError('session.ended', 'bye'));
    await expect(c.outcome).rejects.toMatchObject({ code: 'session.ended' });
    await expect(d.outcome).rejects.toMatchObject({ code: 'session.ended' });
    expect(settled).toBe(4);
    expect(waiters.reject(new PatchbayError('x', 'm'), 'r3')).toBe(0);
  });
});
