// Finesse agent-state rules, each branch pinned (protocols/finesse.md §4, §5; issue 9 items 10/11;
// issue 13 item 6): the choice checked before any PUT goes out, sign-out steps, restore after an
// outage, whose notification it is, async CTI errors, a refused sign-out.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import {
  asyncStateError,
  checkStateChoice,
  isMine,
  restoreStep,
  signOutRefusal,
  signOutSteps,
} from '../../../../../main/core/platforms/finesse/state-rules.ts';
import type { FinesseUpdate, FinesseUser, ReasonCode } from '../../../../../main/core/platforms/finesse/wire.ts';
import { thrown } from '../../../../helpers/errors.ts';

const lunch: ReasonCode = { id: '12', label: 'Lunch' };
const endOfShift: ReasonCode = { id: '40', label: 'End of shift' };
const codes = { notReady: [lunch], logout: [endOfShift] };
const none = { notReady: [], logout: [] };
const user = (state: string, extra: Partial<FinesseUser> = {}): FinesseUser => ({ state, roles: [], ...extra });

describe('checkStateChoice [§4]', () => {
  it('takes Ready, Not Ready and Logout in any case, and nothing else', () => {
    expect(checkStateChoice('ready', undefined, none, 'UCCX', undefined)).toEqual({ state: 'READY', body: '<User><state>READY</state></User>' });
    expect(checkStateChoice('Not_Ready', undefined, none, 'UCCX', undefined).state).toBe('NOT_READY');
    expect(checkStateChoice('logout', undefined, none, 'UCCX', undefined).state).toBe('LOGOUT');
    for (const other of ['TALKING', 'LOGIN', 'WORK_READY', '']) {
      const error = thrown(() => checkStateChoice(other, undefined, none, 'UCCX', undefined));
      expect(error.code).toBe('finesse.state.unsupported');
      expect(error.action).toBe('none');
    }
    // The agent's text is quoted, at most 40 characters of it.
    const long = 'X'.repeat(60);
    expect(thrown(() => checkStateChoice(long, undefined, none, undefined, undefined)).message).toBe(`"${'X'.repeat(40)}" is not a state an agent can choose.`);
  });

  it('refuses Not Ready without a reason when the server has Not Ready codes, before anything is sent [§6 pitfall 4]', () => {
    const error = thrown(() => checkStateChoice('NOT_READY', undefined, codes, 'UCCX', undefined));
    expect(error).toMatchObject({ code: 'finesse.state.reason-required', message: 'Choose a reason for Not Ready.', action: 'none' });
    expect(thrown(() => checkStateChoice('NOT_READY', '', codes, 'UCCX', undefined)).code).toBe('finesse.state.reason-required');
    // Without codes a bare Not Ready goes out.
    expect(checkStateChoice('NOT_READY', undefined, { notReady: [], logout: [endOfShift] }, 'UCCX', undefined).body).toBe('<User><state>NOT_READY</state></User>');
    // A Logout code list does not make a Not Ready reason required; a bare Logout is the agent's choice.
    expect(checkStateChoice('LOGOUT', undefined, codes, 'UCCX', undefined).body).toBe('<User><state>LOGOUT</state></User>');
  });

  it('sends the reason with Not Ready and Logout, each from its own list, never with Ready', () => {
    expect(checkStateChoice('NOT_READY', '12', codes, 'UCCX', undefined).body).toBe('<User><state>NOT_READY</state><reasonCodeId>12</reasonCodeId></User>');
    expect(checkStateChoice('LOGOUT', '40', codes, 'UCCX', undefined).body).toBe('<User><state>LOGOUT</state><reasonCodeId>40</reasonCodeId></User>');
    expect(checkStateChoice('READY', '12', codes, 'UCCX', undefined)).toEqual({ state: 'READY', body: '<User><state>READY</state></User>' });
    const wrongList = thrown(() => checkStateChoice('NOT_READY', '40', codes, 'UCCX', undefined));
    expect(wrongList).toMatchObject({ code: 'finesse.state.unknown-reason', message: 'That reason is not available: refresh the list and choose again.', action: 'none' });
    expect(thrown(() => checkStateChoice('LOGOUT', '12', codes, 'UCCX', undefined)).code).toBe('finesse.state.unknown-reason');
    expect(thrown(() => checkStateChoice('NOT_READY', '99', { notReady: [], logout: [] }, 'UCCX', undefined)).code).toBe('finesse.state.unknown-reason');
  });

  it('on UCCE takes Logout only from Not Ready (or already signed out) [§4]', () => {
    const error = thrown(() => checkStateChoice('LOGOUT', undefined, none, 'UCCE', user('READY')));
    expect(error).toMatchObject({ code: 'finesse.state.not-ready-first', message: 'Go Not Ready before you sign out.', action: 'none' });
    expect(thrown(() => checkStateChoice('LOGOUT', undefined, none, 'UCCE', user('TALKING'))).code).toBe('finesse.state.not-ready-first');
    expect(checkStateChoice('LOGOUT', undefined, none, 'UCCE', user('NOT_READY')).state).toBe('LOGOUT');
    expect(checkStateChoice('LOGOUT', undefined, none, 'UCCE', user('LOGOUT')).state).toBe('LOGOUT');
    // No User known yet: nothing to check against. UCCX and an unknown deployment take it from any state.
    expect(checkStateChoice('LOGOUT', undefined, none, 'UCCE', undefined).state).toBe('LOGOUT');
    expect(checkStateChoice('LOGOUT', undefined, none, 'UCCX', user('READY')).state).toBe('LOGOUT');
    expect(checkStateChoice('LOGOUT', undefined, none, undefined, user('READY')).state).toBe('LOGOUT');
    // Only Logout is held back: Ready and Not Ready go from any state on UCCE.
    expect(checkStateChoice('NOT_READY', undefined, none, 'UCCE', user('READY')).state).toBe('NOT_READY');
    expect(checkStateChoice('READY', undefined, none, 'UCCE', user('TALKING')).state).toBe('READY');
  });
});

describe('signOutSteps [§4, issue 13 item 6]', () => {
  it('signs out with the picked Logout reason, or none, in one step where no Not Ready is needed', () => {
    expect(signOutSteps('UCCX', 'READY', codes, '40')).toEqual([{ state: 'LOGOUT', body: '<User><state>LOGOUT</state><reasonCodeId>40</reasonCodeId></User>' }]);
    expect(signOutSteps('UCCX', 'READY', codes)).toEqual([{ state: 'LOGOUT', body: '<User><state>LOGOUT</state></User>' }]);
    expect(signOutSteps('UCCE', 'NOT_READY', codes)).toEqual([{ state: 'LOGOUT', body: '<User><state>LOGOUT</state></User>' }]);
    expect(signOutSteps(undefined, 'TALKING', codes)).toHaveLength(1);
  });

  it('refuses a Logout reason the server does not offer, before anything is sent, saying the agent is still signed in', () => {
    const error = thrown(() => signOutSteps('UCCX', 'READY', codes, '12'));
    expect(error.code).toBe('finesse.sign-out.unknown-reason');
    expect(error.message).toBe('That sign-out reason is not offered any more. Choose another reason.');
    expect(error.action).toBe('none');
    expect(error.details).toEqual({ reasonCodeId: '12', stillSignedIn: true });
    expect(thrown(() => signOutSteps('UCCX', 'READY', none, '')).code).toBe('finesse.sign-out.unknown-reason');
  });

  it('on UCCE goes Not Ready first (no reason) where no Not Ready codes exist, else asks the agent to [§4]', () => {
    expect(signOutSteps('UCCE', 'READY', { notReady: [], logout: [endOfShift] }, '40')).toEqual([
      { state: 'NOT_READY', body: '<User><state>NOT_READY</state></User>' },
      { state: 'LOGOUT', body: '<User><state>LOGOUT</state><reasonCodeId>40</reasonCodeId></User>' },
    ]);
    const error = thrown(() => signOutSteps('UCCE', 'READY', codes));
    expect(error.code).toBe('finesse.sign-out.not-ready-first');
    expect(error.message).toBe('Go Not Ready (with your reason) before you sign out: this contact center signs agents out only from Not Ready.');
    expect(error.action).toBe('none');
    expect(error.details).toEqual({ stillSignedIn: true });
    // UCCX never needs the extra step.
    expect(signOutSteps('UCCX', 'READY', none).map((s) => s.state)).toEqual(['LOGOUT']);
  });
});

describe('restoreStep [issue 9 item 10]', () => {
  it('restores Not Ready with its own reason even where IT allows automatic Ready', () => {
    expect(restoreStep(user('NOT_READY', { reasonCodeId: '7' }), { autoReady: true })).toEqual({ state: 'NOT_READY', body: '<User><state>NOT_READY</state><reasonCodeId>7</reasonCodeId></User>' });
    expect(restoreStep(user('READY'), { autoReady: false, notReadyReasonCodeId: '12' })).toEqual({ state: 'NOT_READY', body: '<User><state>NOT_READY</state><reasonCodeId>12</reasonCodeId></User>' });
    expect(restoreStep(user('READY'), { autoReady: true })).toEqual({ state: 'READY', body: '<User><state>READY</state></User>' });
    expect(restoreStep(user('READY'), { autoReady: false, notReadyReasonCodeId: '' })).toBeUndefined();
    expect(restoreStep(user('LOGOUT', { reasonCodeId: '255' }), { autoReady: true })).toBeUndefined();
  });

  it('without an IT policy never restores Ready by itself', () => {
    expect(restoreStep(user('READY'))).toBeUndefined();
    expect(restoreStep(user('NOT_READY', { reasonCodeId: '7' }))?.state).toBe('NOT_READY');
  });
});

describe('isMine [§5]', () => {
  const update = (source: string): FinesseUpdate => ({ kind: 'other', source });

  it('takes the agent\'s own User and Dialogs nodes, in any case, and an empty source', () => {
    expect(isMine(update('/finesse/api/User/1001'), '1001', 'user')).toBe(true);
    expect(isMine(update('/FINESSE/API/USER/1001'), '1001', 'user')).toBe(true);
    expect(isMine(update('/finesse/api/User/1001/Dialogs'), '1001', 'dialogs')).toBe(true);
    expect(isMine(update('/finesse/api/user/ab'), 'AB', 'user')).toBe(true);
    expect(isMine(update(''), '1001', 'user')).toBe(true);
    expect(isMine(update(''), '1001', 'dialogs')).toBe(true);
  });

  it('refuses another agent\'s nodes and the other kind of node', () => {
    expect(isMine(update('/finesse/api/User/1002'), '1001', 'user')).toBe(false);
    expect(isMine(update('/finesse/api/User/1002/Dialogs'), '1001', 'dialogs')).toBe(false);
    expect(isMine(update('/finesse/api/User/1001/Dialogs'), '1001', 'user')).toBe(false);
    expect(isMine(update('/finesse/api/User/1001'), '1001', 'dialogs')).toBe(false);
    expect(isMine(update('/finesse/api/User/10011'), '1001', 'user')).toBe(false);
  });

  it('counts everything as the agent\'s while their id is not known yet', () => {
    expect(isMine(update('/finesse/api/User/1002'), undefined, 'user')).toBe(true);
    expect(isMine(update('/finesse/api/User/1002/Dialogs'), '', 'dialogs')).toBe(true);
  });
});

describe('asyncStateError [§5 async CTI errors, issue 13 item 4]', () => {
  it('names the extension only for an Invalid Device error, by type or by a CF_INVALID_LOGON_DEVICE message at its start', () => {
    const byType = asyncStateError([{ errorType: 'Invalid Device' }]);
    expect(byType).toMatchObject({ code: 'finesse.sign-in.invalid-device', message: 'Finesse did not accept the extension: Invalid Device', action: 'none' });
    expect(asyncStateError([{ errorType: 'Invalid Device', errorMessage: 'No such device 1009' }]).message).toBe('Finesse did not accept the extension: No such device 1009');
    expect(asyncStateError([{ errorType: 'Other', errorMessage: 'CF_INVALID_LOGON_DEVICE_SPECIFIED' }]).code).toBe('finesse.sign-in.invalid-device');
    const inside = asyncStateError([{ errorType: 'Other', errorMessage: 'NOT CF_INVALID_LOGON_DEVICE' }]);
    expect(inside.code).toBe('finesse.state.rejected');
    expect(asyncStateError([{ errorMessage: 'x' }, { errorType: 'Invalid Device' }]).code).toBe('finesse.state.rejected');
    expect(asyncStateError([]).code).toBe('finesse.state.rejected');
  });

  it('words any other refusal with the server\'s message', () => {
    const error = asyncStateError([{ errorType: 'Invalid State', errorMessage: 'CF_INVALID_OBJECT_STATE' }]);
    expect(error).toMatchObject({ code: 'finesse.state.rejected', message: 'Finesse refused the change: CF_INVALID_OBJECT_STATE', action: 'none' });
  });
});

describe('signOutRefusal [issue 9 item 11]', () => {
  const refused = (status?: number) => new PatchbayError('finesse.state.rejected', 'm', { details: status === undefined ? {} : { status } });

  it('a sign-out the server answered with a refusal is a failure naming the status and the state Finesse may keep', () => {
    const error = signOutRefusal(refused(503), 'READY');
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error!.code).toBe('finesse.sign-out.refused');
    expect(error!.action).toBe('retry');
    expect(error!.details).toEqual({ status: 503 });
    expect(error!.message).toBe(
      'Finesse refused the sign-out (503). It may keep you Ready and route calls to you for up to a minute. Sign in again and sign out, or tell your supervisor.',
    );
    expect(signOutRefusal(refused(400), 'NOT_READY')!.message).toContain('It may keep you Not Ready and route');
    expect(signOutRefusal(refused(400), 'TALKING')!.message).toContain('It may keep you signed in and route');
    expect(signOutRefusal(refused(400), undefined)!.message).toContain('It may keep you signed in and route');
  });

  it('a failure without an answer (no status) is not a refusal: the presence rule signs the agent out', () => {
    expect(signOutRefusal(refused(), 'READY')).toBeUndefined();
    expect(signOutRefusal(new PatchbayError('net.x', 'm', { details: { status: '503' } }), 'READY')).toBeUndefined();
  });
});
