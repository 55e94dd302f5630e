// The IcwsSession orchestrator (issue 9, helper MUT-ORCH), part 1: sign-in with user name and password,
// connection loss and reconnect. Harness: icws-session-harness.ts.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { MAX_INTERVAL_MS } from '../../../../../main/core/platforms/icws/reconnect.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { A, bodyOf, downMessage, drive, PW, resetSsoStubs, setup, userStatusGets } from './icws-session-harness.ts';
import { response } from './stub-response.ts';

beforeEach(resetSsoStubs);

describe('IcwsSession sign-in with user name and password', () => {
  it('connects to the first server, takes the user status from the first message and goes active [ICWS-03]', async () => {
    const { clock, icws, session, views } = setup({ profile: { servers: [A, 'https://b.example:8019'] } });
    icws.created.set('a.example', { userDisplayName: 'Ada Agent' });
    icws.userStatus = 'At Lunch';
    await drive(clock, session.signIn(PW));
    expect(views[0]).toMatchObject({ phase: 'signing-in', server: A });
    expect(session.view).toMatchObject({ phase: 'active', server: A, userDisplayName: 'Ada Agent', connection: { transport: 'polling' } });
    expect(session.view.selectableStates.map((s) => s.id)).toEqual(['Available', 'Away from desk', 'At Lunch']);
    expect(session.view.agent?.stateId).toBe('At Lunch');
    expect(bodyOf(icws.calls('POST', '/icws/connection')[0]!)).toMatchObject({ userID: 'agent1', password: 'pw-1', applicationName: 'Patchbay' });
    const subscription = icws.calls('PUT', '/messaging/subscriptions/status/user-statuses');
    expect(subscription.map(bodyOf)).toEqual([{ userIds: ['agent1'] }]);
    // issue 15 item 1: the first message stands in for the GET.
    expect(userStatusGets(icws)).toEqual([]);
  });

  it('sends the user name typed on the form, else the profile one; a missing one stops before any request', async () => {
    const typed = setup();
    await drive(typed.clock, typed.session.signIn({ credentials: { userName: 'bob', password: 'x' } }));
    expect(bodyOf(typed.icws.requests[0]!)).toMatchObject({ userID: 'bob', password: 'x' });

    const none = setup({ profile: { userName: undefined } });
    const error = await rejection(none.session.signIn({ credentials: { userName: '', password: 'x' } }));
    expect(error).toMatchObject({ code: 'icws.sign-in.credentials-required', action: 'sign-in-again' });
    expect(none.session.view).toMatchObject({ phase: 'failed', lastError: { code: 'icws.sign-in.credentials-required' } });
    expect(none.icws.requests).toEqual([]);

    const noPassword = setup();
    expect(await rejection(noPassword.session.signIn({}))).toMatchObject({ code: 'icws.sign-in.credentials-required' });
    expect(noPassword.icws.requests).toEqual([]);
  });

  it('reads the status with a GET when no first message comes: after 3 s on the event stream', async () => {
    const { clock, icws, session } = setup();
    icws.firstMessage = false;
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    const signIn = session.signIn(PW);
    await clock.advance(2_999);
    expect(userStatusGets(icws)).toEqual([]);
    expect(session.view.phase).toBe('signing-in');
    expect(session.view.connection?.transport).toBe('sse');
    await clock.advance(1);
    await signIn;
    expect(userStatusGets(icws)).toHaveLength(1);
    expect(session.view).toMatchObject({ phase: 'active', agent: { stateId: 'Available' } });
  });

  it('reads the status with a GET when no first message comes: after the poll interval + 3 s when polling', async () => {
    const { clock, icws, session } = setup({ options: { pollIntervalMs: 1_000 } });
    icws.firstMessage = false;
    const signIn = session.signIn(PW);
    await clock.advance(3_999);
    expect(userStatusGets(icws)).toEqual([]);
    await clock.advance(1);
    await signIn;
    expect(userStatusGets(icws)).toHaveLength(1);
    expect(session.view.phase).toBe('active');
  });

  it('a status message arriving before the status list is shown once the list is there', async () => {
    const { clock, icws, session } = setup({ options: { pollIntervalMs: 1_000 } });
    icws.userStatus = 'Away from desk';
    // The status list answers only after the first message was read.
    let listReads = 0;
    icws.override.set('GET /status/status-messages', () => {
      listReads += 1;
      return response(200, { statusMessageList: [{ statusId: 'Away from desk', messageText: 'Away', isSelectableStatus: true }] });
    });
    await drive(clock, session.signIn(PW));
    expect(listReads).toBe(1);
    expect(session.view.agent).toMatchObject({ stateId: 'Away from desk', label: 'Away' });
  });

  it('a refused connection ends in the failed view with the typed error, and nothing keeps polling', async () => {
    const { clock, icws, session } = setup();
    icws.connect.set('a.example', [response(400, { errorId: 'error.request.connection.authenticationFailure', message: 'The user name or password is wrong.' })]);
    const error = await rejection(drive(clock, session.signIn(PW)));
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error.message).toBe('The user name or password is wrong.');
    expect(session.view).toMatchObject({ phase: 'failed', connection: { transport: 'none' }, lastError: { code: error.code, message: error.message } });
    const count = icws.requests.length;
    await clock.advance(60_000);
    expect(icws.requests.length).toBe(count);
  });

  it('a failure after the 201 stops the messaging loop it started', async () => {
    const { clock, icws, session } = setup();
    icws.override.set('GET /status/status-messages', () => response(500));
    await rejection(drive(clock, session.signIn(PW)));
    expect(session.view.phase).toBe('failed');
    const polls = icws.calls('GET', '/messaging/messages').length;
    await clock.advance(30_000);
    expect(icws.calls('GET', '/messaging/messages').length).toBe(polls);
  });

  it('cancel during the connection request ends as session.cancelled', async () => {
    const { clock, icws, session } = setup();
    icws.connect.set('a.example', [
      () => {
        session.cancel();
        throw new Error('aborted');
      },
    ]);
    const error = await rejection(drive(clock, session.signIn(PW)));
    expect(error).toMatchObject({ code: 'session.cancelled', action: 'none' });
    expect(session.view.lastError?.code).toBe('session.cancelled');
  });

  it('puts the profile station after the connection; a refusal shows the server text and gives the session back [ICWS-26]', async () => {
    const ok = setup({ options: { station: 'ws-7' } });
    await drive(ok.clock, ok.session.signIn(PW));
    expect(ok.icws.calls('PUT', '/connection/station').map(bodyOf)).toEqual([
      { __type: 'urn:inin.com:connection:workstationSettings', workstation: 'ws-7', supportedMediaTypes: [1], readyForInteractions: true },
    ]);
    expect(ok.session.view.phase).toBe('active');

    const refused = setup({ options: { station: 'ws-7' } });
    refused.icws.override.set('PUT /connection/station', () => response(400, { errorId: 'error.station.inUse', message: 'Station ws-7 is in use by agent2.' }));
    const error = await rejection(drive(refused.clock, refused.session.signIn(PW)));
    expect(error.message).toBe('Station ws-7 is in use by agent2.');
    expect(refused.session.view).toMatchObject({ phase: 'failed', lastError: { message: 'Station ws-7 is in use by agent2.' } });
    const deleted = refused.icws.calls('DELETE', '/connection');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.url).toBe(`${A}/icws/101/connection`);

    const none = setup();
    await drive(none.clock, none.session.signIn(PW));
    expect(none.icws.calls('PUT', '/connection/station')).toEqual([]);
  });
});

describe('IcwsSession connection loss and reconnect', () => {
  async function active(opts: Parameters<typeof setup>[0] = {}) {
    const t = setup(opts);
    t.icws.created.set('a.example', { alternateHostList: ['b.example'] });
    await drive(t.clock, t.session.signIn(PW));
    return { ...t, first: t.icws.live()! };
  }

  it('a loss message while the sign-in is still setting up its connection leaves the card reconnecting, not active [ICWS-18]', async () => {
    const { clock, icws, session, views } = setup();
    icws.created.set('a.example', { alternateHostList: ['b.example'] });
    // The status list answers slowly; meanwhile the next poll brings the server's loss message.
    icws.override.set('GET /status/status-messages', async () => {
      icws.live()!.queue.push(downMessage('The server is switching over.', true));
      await clock.sleep(2_500);
      return response(200, { statusMessageList: [{ statusId: 'Available', messageText: 'Available', isSelectableStatus: true }] });
    });
    await drive(clock, session.signIn(PW));
    expect(views.map((v) => v.phase)).toContain('reconnecting');
    expect(session.view.phase).toBe('reconnecting');
    expect(session.view.lastError?.message).toBe('The server is switching over.');
    // The reconnect, not the sign-in's end, makes the card active again: on the alternate host.
    icws.override.delete('GET /status/status-messages');
    await clock.advance(MAX_INTERVAL_MS + 2_000);
    expect(session.view.phase).toBe('active');
    expect(session.view.server).toBe('https://b.example:8019');
  });

  it('a 401 on a call reads GET connection and shows its reason [ICWS-17]', async () => {
    const { icws, session, first } = await active();
    icws.end(first, { reason: 'An administrator logged you off.' });
    expect(await rejection(session.setAgentState('At Lunch'))).toMatchObject({ code: 'icws.session.lost', action: 'sign-in-again' });
    await vi.waitFor(() => expect(session.view.phase).toBe('failed'));
    expect(session.view.lastError).toEqual({ code: 'icws.connection.lost', message: 'An administrator logged you off.', action: 'sign-in-again' });
    expect(icws.calls('GET', `/icws/${first.id}/connection`)).toHaveLength(1);
  });

  it('GET connection saying shouldReconnect false ends the session for good [ICWS-17, ICWS-19]', async () => {
    const { clock, icws, session, first } = await active();
    icws.end(first, { reason: 'Licence withdrawn.', shouldReconnect: false });
    await rejection(session.setAgentState('At Lunch'));
    await vi.waitFor(() => expect(session.view.phase).toBe('failed'));
    expect(session.view.lastError).toMatchObject({ message: 'Licence withdrawn.', action: 'contact-it' });
    const posts = icws.calls('POST', '/icws/connection').length;
    await clock.advance(10 * 60_000);
    expect(icws.calls('POST', '/icws/connection').length).toBe(posts);
  });

  it('the connectionStateChangeMessage drives the loss: reconnecting with its reason, then the alternate host of the last connection [ICWS-18, ICWS-19, ICWS-05]', async () => {
    const { clock, icws, session, views, first } = await active();
    first.queue.push(downMessage('The server is switching over.', true));
    await clock.advance(1_000);
    expect(session.view).toMatchObject({ phase: 'reconnecting', lastError: { code: 'icws.connection.lost', message: 'The server is switching over.', action: 'none' } });
    const scheduled = views.findLast((v) => v.connection?.nextHost !== undefined)!;
    expect(scheduled.connection).toMatchObject({ nextHost: 'b.example:8019', reconnectAttempt: 0 });
    expect(scheduled.lastError?.message).toBe('The server is switching over.');
    // No GET connection: the message said it all.
    expect(icws.calls('GET', `/icws/${first.id}/connection`)).toEqual([]);
    await clock.advance(MAX_INTERVAL_MS);
    const posts = icws.calls('POST', '/icws/connection');
    expect(posts.map((r) => new URL(r.url).host)).toEqual(['a.example:8019', 'b.example:8019']);
    expect(bodyOf(posts[1]!)).toMatchObject({ userID: 'agent1', password: 'pw-1' });
    await clock.advance(1_000);
    expect(session.view.phase).toBe('active');
    expect(session.view.server).toBe('https://b.example:8019');
    // The new session is established like a sign-in: statuses, subscription, messaging on it.
    const second = icws.live()!;
    expect(second.base).toBe('https://b.example:8019');
    expect(icws.calls('PUT', `/icws/${second.id}/messaging/subscriptions/status/user-statuses`)).toHaveLength(1);
    await clock.advance(2_000);
    expect(icws.calls('GET', `/icws/${second.id}/messaging/messages`).length).toBeGreaterThan(0);
  });

  it('shouldReconnect false in the message fails at once; without shouldReconnect it does not reconnect either [ICWS-18, ICWS-19]', async () => {
    for (const [shouldReconnect, action] of [
      [false, 'contact-it'],
      [undefined, 'sign-in-again'],
    ] as const) {
      const { clock, icws, session, first } = await active();
      first.queue.push(downMessage('Gone.', shouldReconnect));
      await clock.advance(1_000);
      expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'icws.connection.lost', message: 'Gone.', action } });
      await clock.advance(5 * 60_000);
      expect(icws.calls('POST', '/icws/connection')).toHaveLength(1);
    }
  });

  it('a 400 during the reconnect stops it and shows the server message, with no further attempt [ICWS-21]', async () => {
    const { clock, icws, session, first } = await active();
    icws.connect.set('b.example', [response(400, { errorId: 'error.request.connection.authenticationFailure', message: 'Your password has expired.' })]);
    first.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000 + MAX_INTERVAL_MS);
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { code: 'icws.reconnect.rejected', message: 'Your password has expired.', action: 'sign-in-again' } });
    await clock.advance(60 * 60_000);
    expect(icws.calls('POST', '/icws/connection')).toHaveLength(2);
  });

  it('a reconnect whose new session refuses the station ends failed with that refusal [ICWS-26]', async () => {
    const { clock, icws, session, first } = await active({ options: { station: 'ws-7' } });
    icws.override.set('PUT /connection/station', () => response(400, { message: 'Station ws-7 is gone.' }));
    first.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000 + MAX_INTERVAL_MS + 1_000);
    expect(session.view).toMatchObject({ phase: 'failed', lastError: { message: 'Station ws-7 is gone.' } });
  });

  it('a second loss message while reconnecting starts no second reconnect', async () => {
    const { clock, icws, session, first } = await active();
    first.queue.push(downMessage('One.', true), downMessage('Two.', true));
    await clock.advance(1_000);
    expect(session.view.lastError?.message).toBe('One.');
    await clock.advance(MAX_INTERVAL_MS);
    expect(icws.calls('POST', '/icws/connection')).toHaveLength(2);
  });

  it('sign-out while reconnecting stops the reconnect', async () => {
    const { clock, icws, session, first } = await active();
    first.queue.push(downMessage('Switching over.', true));
    await clock.advance(1_000);
    expect(session.view.phase).toBe('reconnecting');
    await session.signOut();
    await clock.advance(10 * 60_000);
    expect(icws.calls('POST', '/icws/connection')).toHaveLength(1);
    expect(session.view.phase).toBe('signed-out');
  });

  it('a 401 on the event stream reads the reason like a 401 on a call [ICWS-17]', async () => {
    const t = setup();
    t.icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(t.clock, t.session.signIn(PW));
    const first = t.icws.live()!;
    t.icws.end(first, { reason: 'Session timed out.' });
    t.icws.streams.at(-1)!.end();
    await t.clock.advance(2_000);
    expect(t.session.view).toMatchObject({ phase: 'failed', lastError: { message: 'Session timed out.' } });
  });
});
