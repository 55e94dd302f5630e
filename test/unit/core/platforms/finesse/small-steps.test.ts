// The small Finesse steps (token-notices.ts FIN-12/14, sign-out.ts issue 9 item 11, user.ts FIN-10 /
// §4): what each hands on, in which order, and what a refusal becomes. Mutation work of
// docs/mutation.md "Session 4, helper MUT-FIN2"; stubs only.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import type { FinesseAction } from '../../../../../main/core/platforms/finesse/reducer.ts';
import { sendSignOut, type SignOutOps } from '../../../../../main/core/platforms/finesse/sign-out.ts';
import { tokenNotices } from '../../../../../main/core/platforms/finesse/token-notices.ts';
import { fetchDialogs, fetchReasonCodes, fetchUser, type Rest } from '../../../../../main/core/platforms/finesse/user.ts';
import type { FinesseUser, ReasonCode } from '../../../../../main/core/platforms/finesse/wire.ts';

describe('token notices (FIN-12, FIN-14)', () => {
  function setup(hasRefreshToken = true) {
    const sink = memorySink();
    const actions: FinesseAction[] = [];
    const kept: string[] = [];
    const events = tokenNotices({ log: createLogger({ sink }), dispatch: (a) => actions.push(a), onRefreshToken: (t) => kept.push(t), language: 'de-DE' }, hasRefreshToken);
    return { events, actions, kept, sink };
  }

  it('the keeper times reach the view as one token action, with the sign-in deadline [FIN-14]', () => {
    const { events, actions } = setup();
    events.onTimes?.('2026-01-01T09:00:00.000Z', '2026-01-01T08:45:00.000Z', '2026-01-01T10:00:00.000Z');
    expect(actions).toEqual([{ type: 'token', expiresAt: '2026-01-01T09:00:00.000Z', refreshAt: '2026-01-01T08:45:00.000Z', signInBy: '2026-01-01T10:00:00.000Z' }]);
  });

  it('a renewed refresh token is kept; errors reach the view; the agent language goes to the keeper [FIN-12]', () => {
    const { events, actions, kept } = setup();
    events.onRefreshToken?.('ref-2');
    expect(kept).toEqual(['ref-2']);
    const error = { code: 'finesse.sso.sign-in-soon', message: 'm', action: 'sign-in-again' } as const;
    events.onError?.(error);
    expect(actions).toEqual([{ type: 'error', error }]);
    expect(events.language).toBe('de-DE');
  });

  it('a renewal clears the token warnings and the refused request, in that order [FIN-14]', () => {
    const { events, actions } = setup();
    events.onRefreshed?.();
    expect(actions).toEqual([
      { type: 'clear-error', codePrefix: 'finesse.sso.' },
      { type: 'clear-error', codePrefix: 'finesse.unauthorized' },
    ]);
  });

  it('no refresh token: said once in the log, only then [FIN-08]', () => {
    const without = setup(false);
    expect(without.sink.entries.filter((e) => JSON.stringify(e).includes('finesse.sso.no-refresh-token'))).toHaveLength(1);
    const withToken = setup(true);
    expect(withToken.sink.entries).toHaveLength(0);
  });
});

describe('sign-out (issue 9 item 11, §4)', () => {
  const codes = (logout: string[] = ['21']): { notReady: ReasonCode[]; logout: ReasonCode[] } => ({ notReady: [], logout: logout.map((id) => ({ id, label: id })) });
  function ops(over: Partial<SignOutOps> & { fail?: PatchbayError } = {}) {
    const calls: string[] = [];
    const o: SignOutOps = {
      log: createLogger({ sink: memorySink() }),
      deploymentType: 'UCCE',
      record: { codes: codes(), lastUser: undefined },
      begin: () => void calls.push('begin'),
      changeState: async (state, body) => {
        calls.push(`${state}:${body.includes('<reasonCodeId>21</reasonCodeId>') ? '21' : '-'}`);
        if (over.fail && state === 'LOGOUT') throw over.fail;
      },
      ...over,
    };
    return { o, calls };
  }
  const user = (state: string): FinesseUser => ({ state, roles: [] });

  it('UCCE from Ready: begin, NOT_READY, then LOGOUT with the reason; nothing to report', async () => {
    const { o, calls } = ops();
    await expect(sendSignOut(o, user('READY'), '21')).resolves.toBeUndefined();
    expect(calls).toEqual(['begin', 'NOT_READY:-', 'LOGOUT:21']);
  });

  it('a reason not offered: refused before anything is sent or begun', async () => {
    const { o, calls } = ops();
    await expect(sendSignOut(o, user('NOT_READY'), '99')).rejects.toMatchObject({ code: 'finesse.sign-out.unknown-reason' });
    expect(calls).toEqual([]);
  });

  it('a refused LOGOUT (503) is reported with the state Finesse may keep, from the latest notification [issue 9 item 11]', async () => {
    const fail = new PatchbayError('finesse.state.failed', 'x', { action: 'retry', details: { status: 503 } });
    const { o } = ops({ fail, record: { codes: codes(), lastUser: user('NOT_READY') } });
    const refusal = await sendSignOut(o, user('READY'), undefined);
    expect(refusal).toMatchObject({ code: 'finesse.sign-out.refused', details: { status: 503 } });
    expect(refusal?.message).toContain('keep you Not Ready');
    const { o: o2 } = ops({ fail, deploymentType: 'UCCX' });
    expect((await sendSignOut(o2, user('READY'), undefined))?.message).toContain('keep you Ready');
  });

  it('a failure without an HTTP status (no answer) is no refusal to report', async () => {
    const { o } = ops({ fail: new PatchbayError('net.unreachable', 'x', { action: 'retry' }) });
    await expect(sendSignOut(o, user('NOT_READY'), undefined)).resolves.toBeUndefined();
  });
});

describe('user reads (FIN-10, §4)', () => {
  const res = (status: number, body: string) => ({ status, headers: {}, setCookie: [], url: '', chain: [], body: new Uint8Array(), text: () => body, json: () => ({}) }) as unknown as HttpResponse;

  it('the User by its id, encoded; a refusal is finesse.user.failed with the server message [FIN-10]', async () => {
    const paths: string[] = [];
    const ok: Rest = async (_m, path) => (paths.push(path), res(200, '<User><loginId>98411</loginId><state>READY</state></User>'));
    await expect(fetchUser(ok, 'a b')).resolves.toMatchObject({ loginId: '98411', state: 'READY' });
    expect(paths).toEqual(['/finesse/api/User/a%20b']);
    const refused: Rest = async () => res(404, '<ApiErrors><ApiError><ErrorMessage>No such user</ErrorMessage></ApiError></ApiErrors>');
    await expect(fetchUser(refused, 'x')).rejects.toMatchObject({ code: 'finesse.user.failed', message: 'Finesse did not return your user. (No such user)', details: { status: 404 } });
  });

  it('reason codes by category, NOT_READY and LOGOUT; a 404 is none; another refusal is finesse.reason-codes.failed [§4]', async () => {
    const paths: string[] = [];
    const rest: Rest = async (_m, path) => {
      paths.push(path);
      return path.endsWith('NOT_READY') ? res(200, '<ReasonCodes><ReasonCode><id>11</id><label>Lunch</label></ReasonCode></ReasonCodes>') : res(404, '');
    };
    await expect(fetchReasonCodes(rest, '98411')).resolves.toEqual({ notReady: [expect.objectContaining({ id: '11', label: 'Lunch' })], logout: [] });
    expect(paths.sort()).toEqual(['/finesse/api/User/98411/ReasonCodes?category=LOGOUT', '/finesse/api/User/98411/ReasonCodes?category=NOT_READY']);
    const broken: Rest = async () => res(500, '');
    await expect(fetchReasonCodes(broken, '98411')).rejects.toMatchObject({ code: 'finesse.reason-codes.failed', message: 'Finesse did not return the reason codes. (500)' });
  });

  it('dialogs from the user\'s Dialogs; a refusal is finesse.dialogs.failed [§4]', async () => {
    const paths: string[] = [];
    const rest: Rest = async (_m, path) => (paths.push(path), res(200, '<Dialogs><Dialog><id>7</id></Dialog></Dialogs>'));
    await expect(fetchDialogs(rest, '98411')).resolves.toMatchObject([{ id: '7' }]);
    expect(paths).toEqual(['/finesse/api/User/98411/Dialogs']);
    await expect(fetchDialogs(async () => res(503, ''), '98411')).rejects.toMatchObject({ code: 'finesse.dialogs.failed', message: 'Finesse did not return your calls. (503)' });
  });
});
