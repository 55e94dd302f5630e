// What a Finesse session knows of its agent (agent-record.ts; protocols/finesse.md §4, FIN-10 the loginId,
// issue 9 item 9 the stale state): which REST reads it makes, with which id, and what reaches the view.
// Mutation work of docs/mutation.md "Session 5, helper MUT-FIN3A"; a stub REST call, no I/O.
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import { AgentRecord } from '../../../../../main/core/platforms/finesse/agent-record.ts';
import type { FinesseAction } from '../../../../../main/core/platforms/finesse/reducer.ts';
import type { RestOptions } from '../../../../../main/core/platforms/finesse/rest.ts';
import type { FinesseUser } from '../../../../../main/core/platforms/finesse/wire.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { gate } from '../../../../helpers/wait.ts';

const res = (status: number, body = '') => ({ status, headers: {}, setCookie: [], url: '', chain: [], body: new Uint8Array(), text: () => body, json: () => ({}) }) as unknown as HttpResponse;
const userXml = (inner: string) => `<User>${inner}</User>`;
const CODES = '<ReasonCodes><ReasonCode><id>11</id><label>Lunch</label></ReasonCode></ReasonCodes>';

function setup(routes: Record<string, HttpResponse>) {
  const calls: { path: string; options: RestOptions | undefined }[] = [];
  const actions: FinesseAction[] = [];
  const users: FinesseUser[] = [];
  const sink = memorySink();
  const record = new AgentRecord({
    rest: async (_method, path, _body, options) => {
      calls.push({ path, options });
      const found = Object.entries(routes).find(([suffix]) => path.endsWith(suffix));
      if (!found) throw new Error(`no route for ${path}`);
      return found[1];
    },
    log: createLogger({ sink }),
    dispatch: (a) => actions.push(a),
    onUser: (u) => users.push(u),
  });
  return { record, calls, actions, users, sink };
}
const agents = (actions: FinesseAction[]) => actions.filter((a) => a.type === 'agent').map((a) => (a as Extract<FinesseAction, { type: 'agent' }>).agent);

describe('AgentRecord: the loginId', () => {
  it('looks the user up by the name given, as the sign-in call, and keeps the loginId for every later call [FIN-10]', async () => {
    const s = setup({ '/User/jdoe': res(200, userXml('<loginId>98411</loginId><loginName>jdoe</loginName><state>LOGOUT</state>')), '/User/98411': res(200, userXml('<state>NOT_READY</state>')) });
    const user = await s.record.lookup('jdoe');
    expect(user).toMatchObject({ loginId: '98411', state: 'LOGOUT' });
    expect(s.record.userId).toBe('98411');
    expect(s.record.lastUser).toBe(user);
    expect(s.calls[0]).toEqual({ path: '/finesse/api/User/jdoe', options: { signal: undefined, unauthorized: 'sign-in' } });
    expect(s.record.requireUserId()).toBe('98411');
    await s.record.readUser();
    expect(s.calls[1]?.path).toBe('/finesse/api/User/98411');
    expect(s.calls[1]?.options).toBeUndefined();
  });

  it('UCCX (no loginId in the User): the name itself is the id; the abort signal is passed on [FIN-10]', async () => {
    const s = setup({ '/User/agent1': res(200, userXml('<state>LOGOUT</state>')) });
    const signal = new AbortController().signal;
    await s.record.lookup('agent1', signal);
    expect(s.record.userId).toBe('agent1');
    expect(s.calls[0]?.options?.signal).toBe(signal);
    expect(s.actions).toEqual([]);
  });

  it('before the lookup every read is refused with "sign in first" and nothing is sent', async () => {
    const s = setup({});
    for (const e of [await rejection(s.record.readUser()), await rejection(s.record.loadReasonCodes())]) {
      expect(e).toMatchObject({ code: 'session.not-active', message: 'Sign in first.', action: 'sign-in-again' });
    }
    s.record.userId = '';
    expect((await rejection(s.record.readUser())).code).toBe('session.not-active');
    expect(s.calls).toEqual([]);
  });
});

describe('AgentRecord: reason codes, dialogs and the User shown (§4)', () => {
  it('loads both reason-code lists and offers the states with their reasons', async () => {
    const s = setup({ 'category=NOT_READY': res(200, CODES), 'category=LOGOUT': res(404) });
    s.record.userId = '98411';
    await s.record.loadReasonCodes();
    expect(s.record.codes).toEqual({ notReady: [expect.objectContaining({ id: '11', label: 'Lunch' })], logout: [] });
    expect(s.actions).toHaveLength(1);
    const states = (s.actions[0] as Extract<FinesseAction, { type: 'states' }>).states;
    expect(s.actions[0]?.type).toBe('states');
    expect(states.find((x) => x.id === 'NOT_READY')).toMatchObject({ reasons: [{ id: '11', label: 'Lunch' }], reasonRequired: true });
  });

  it('reads the User: merged, shown with the reason label from the codes, and handed to the waiters', async () => {
    const s = setup({ 'category=NOT_READY': res(200, CODES), 'category=LOGOUT': res(404), '/User/98411': res(200, userXml('<state>NOT_READY</state><reasonCodeId>11</reasonCodeId><extension>1001</extension>')) });
    s.record.userId = '98411';
    await s.record.loadReasonCodes();
    const user = await s.record.readUser();
    expect(s.users).toEqual([user]);
    expect(s.record.extension).toBe('1001');
    expect(agents(s.actions)).toEqual([expect.objectContaining({ stateId: 'NOT_READY', reason: 'Lunch' })]);
    expect(agents(s.actions)[0]).not.toHaveProperty('stale');
  });

  it('a notified User without roles keeps the roles read before; one with roles replaces them; no extension keeps the old one', () => {
    const s = setup({});
    s.record.applyUser({ state: 'READY', roles: ['Agent', 'Supervisor'], extension: '1001', loginId: '1' });
    s.record.applyUser({ state: 'TALKING', roles: [] });
    expect(s.record.lastUser).toMatchObject({ state: 'TALKING', roles: ['Agent', 'Supervisor'], loginId: '1' });
    expect(s.record.extension).toBe('1001');
    s.record.applyUser({ state: 'READY', roles: ['Agent'], extension: '' });
    expect(s.record.lastUser?.roles).toEqual(['Agent']);
    expect(s.record.extension).toBe('1001');
    expect(agents(s.actions).map((a) => a.stateId)).toEqual(['READY', 'TALKING', 'READY']);
    expect(s.users.map((u) => u.state)).toEqual(['READY', 'TALKING', 'READY']);
    const fresh = setup({});
    fresh.record.applyUser({ state: 'READY', roles: [] });
    expect(fresh.record.lastUser?.roles).toEqual([]);
  });

  it('dialogs replace the list with the agent\'s extension; a failed read leaves them to the notifications (logged, no throw)', async () => {
    const s = setup({ '/Dialogs': res(200, '<Dialogs><Dialog><id>7</id></Dialog></Dialogs>') });
    s.record.userId = '98411';
    s.record.extension = '1001';
    await s.record.readDialogs();
    expect(s.calls.map((c) => c.path)).toEqual(['/finesse/api/User/98411/Dialogs']);
    expect(s.actions).toEqual([{ type: 'dialogs', dialogs: [expect.objectContaining({ id: '7' })], extension: '1001', replace: true }]);
    const broken = setup({ '/Dialogs': res(500) });
    broken.record.userId = '98411';
    await expect(broken.record.fetchDialogsQuietly()).resolves.toMatchObject({ dialogs: undefined });
    await broken.record.readDialogs();
    expect(broken.actions).toEqual([]);
    expect(broken.sink.entries.filter((e) => e.event === 'finesse.dialogs.read-failed').map((e) => e.code)).toEqual(['finesse.dialogs.failed', 'finesse.dialogs.failed']);
    const none = setup({});
    const unread = await none.record.fetchDialogsQuietly();
    expect(unread.dialogs).toBeUndefined();
    expect(none.calls).toEqual([]);
    none.record.applyDialogs({ ...unread, dialogs: [] });
    expect(none.actions).toEqual([{ type: 'dialogs', dialogs: [], extension: undefined, replace: true }]);
  });
});

describe('AgentRecord: stale while no node is in service (issue 9 item 9)', () => {
  it('shown as stale, then live again; the same value twice shows nothing more; no User yet shows nothing', () => {
    const s = setup({});
    s.record.setStale(true);
    expect(s.actions).toEqual([]);
    s.record.applyUser({ state: 'READY', roles: [] });
    expect(agents(s.actions)).toEqual([expect.objectContaining({ stateId: 'READY', stale: true })]);
    s.record.setStale(true);
    expect(agents(s.actions)).toHaveLength(1);
    s.record.setStale(false);
    expect(agents(s.actions)).toHaveLength(2);
    expect(agents(s.actions)[1]).not.toHaveProperty('stale');
    expect(agents(s.actions)[1]).toMatchObject({ stateId: 'READY' });
    s.record.setStale(false);
    expect(agents(s.actions)).toHaveLength(2);
  });
});

describe('AgentRecord: a read answered before a notification does not overwrite it (main/core/platforms/freshness.ts)', () => {
  /** A REST stub whose answer to `suffix` waits for `open()` (answered by the server before, delivered after). */
  function held(suffix: string, answer: HttpResponse) {
    const { until, open } = gate();
    const s = setup({});
    const record = new AgentRecord({
      rest: async (_method, path) => {
        if (!path.endsWith(suffix)) throw new Error(`no route for ${path}`);
        await until;
        return answer;
      },
      log: createLogger({ sink: memorySink() }),
      dispatch: (a) => s.actions.push(a),
      onUser: (u) => s.users.push(u),
    });
    record.userId = '98411';
    record.extension = '1001';
    return { ...s, record, open };
  }

  it('a User notification that came while GET User was out stays on screen; the read still settles waiters', async () => {
    const s = held('/User/98411', res(200, userXml('<state>NOT_READY</state>')));
    const reading = s.record.readUser();
    s.record.notifiedUser({ state: 'READY', roles: [] }); // a later change, pushed over XMPP
    s.open();
    const read = await reading;
    expect(read.state).toBe('NOT_READY');
    expect(agents(s.actions).map((a) => a.stateId)).toEqual(['READY']);
    expect(s.record.lastUser?.state).toBe('READY');
    expect(s.users.map((u) => u.state)).toEqual(['READY', 'NOT_READY']);
  });

  it('with no notification meanwhile the read is shown', async () => {
    const s = held('/User/98411', res(200, userXml('<state>NOT_READY</state>')));
    const reading = s.record.readUser();
    s.record.notifiedDialogs([], 'DELETE'); // a notification of another kind does not block it
    s.open();
    await reading;
    expect(agents(s.actions).map((a) => a.stateId)).toEqual(['NOT_READY']);
  });

  it('a Dialogs notification that came while the list was out applies again on top of the list', async () => {
    const s = held('/Dialogs', res(200, '<Dialogs></Dialogs>'));
    const reading = s.record.fetchDialogsQuietly();
    const ringing = [{ id: '42', participants: [] }] as unknown as Parameters<typeof s.record.notifiedDialogs>[0];
    s.record.notifiedDialogs(ringing, 'POST');
    s.open();
    s.record.applyDialogs(await reading);
    const dialogs = s.actions.filter((a) => a.type === 'dialogs');
    expect(dialogs).toEqual([
      { type: 'dialogs', dialogs: ringing, extension: '1001', event: 'POST' },
      { type: 'dialogs', dialogs: [], extension: '1001', replace: true },
      { type: 'dialogs', dialogs: ringing, extension: '1001', event: 'POST' },
    ]);
    // Only what came while a read was out replays: a later read replays nothing that came before it.
    s.record.notifiedDialogs([], 'DELETE');
    const before = s.actions.length;
    s.record.applyDialogs(await s.record.fetchDialogsQuietly());
    expect(s.actions.slice(before)).toEqual([{ type: 'dialogs', dialogs: [], extension: '1001', replace: true }]);
  });

  it('a read given up (the sign-in failed before it was applied) stops recording notifications', async () => {
    const s = held('/Dialogs', res(200, '<Dialogs></Dialogs>'));
    s.open();
    const read = await s.record.fetchDialogsQuietly();
    s.record.discardDialogs(read);
    s.record.notifiedDialogs([], 'DELETE');
    expect(read.ticket.items).toEqual([]);
  });
});
