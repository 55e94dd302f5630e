// The IcwsSession orchestrator (issue 9, helper MUT-ORCH), part 2: messaging, agent state, sign-out.
// Harness: icws-session-harness.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { HEARTBEAT_INTERVAL_MS } from '../../../../../main/core/platforms/icws/icws-session.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { A, bodyOf, downMessage, drive, PW, resetSsoStubs, setup, userStatusGets } from './icws-session-harness.ts';
import { response } from './stub-response.ts';

beforeEach(resetSsoStubs);

describe('IcwsSession messaging', () => {
  it('a message updates the last event time; bad JSON and other users change nothing', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    const s = icws.live()!;
    await clock.advance(5_000);
    s.queue.push(icws.statusMessage('At Lunch', 'agent2'));
    await clock.advance(1_000);
    expect(session.view.agent?.stateId).toBe('Available');
    expect(session.view.connection?.lastEventAt).toBe(new Date(clock.now()).toISOString());
    const before = session.view;
    icws.override.set('GET /messaging/messages', () => response(200, 'not json'));
    await clock.advance(1_000);
    expect(session.view).toBe(before);
    icws.override.delete('GET /messaging/messages');
    s.queue.push(icws.statusMessage('At Lunch'));
    await clock.advance(1_000);
    expect(session.view.agent?.stateId).toBe('At Lunch');
  });

  it('an empty poll answer is no event', async () => {
    const { clock, session } = setup();
    await drive(clock, session.signIn(PW));
    const at = session.view.connection?.lastEventAt;
    await clock.advance(5_000);
    expect(session.view.connection?.lastEventAt).toBe(at);
  });

  it('heartbeat: asked for on the stream, POSTed only after 90 s without another authenticated request [ICWS-16]', async () => {
    const { clock, icws, session } = setup({ options: { heartbeat: true } });
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(clock, session.signIn(PW));
    expect(String(icws.streams[0]!.req.url)).toBe(`${A}/icws/101/messaging/messages?heartbeat=true`);
    const start = clock.now();
    const beats = () => icws.calls('POST', '/messaging/heartbeat').length;
    // Pings keep the stream from stalling (a reopen would re-read the status: a request).
    const advance = async (ms: number) => {
      for (let left = ms; left > 0; left -= 30_000) {
        icws.streams.at(-1)!.ping();
        await clock.advance(Math.min(left, 30_000));
      }
    };
    // The connection request counts: no heartbeat right after the sign-in.
    expect(beats()).toBe(0);
    await advance(60_000);
    await session.setAgentState('At Lunch');
    const lastCall = clock.now();
    await advance(HEARTBEAT_INTERVAL_MS - 1);
    expect(beats()).toBe(0);
    await advance(1);
    expect(icws.streams).toHaveLength(1);
    expect(beats()).toBe(1);
    expect(clock.now() - lastCall).toBe(HEARTBEAT_INTERVAL_MS);
    expect(clock.now() - start).toBeGreaterThan(HEARTBEAT_INTERVAL_MS);
  });

  it('the first heartbeat of a session is due 90 s after its connection, also after a reconnect [ICWS-16]', async () => {
    const { clock, icws, session } = setup({ options: { heartbeat: true } });
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }], alternateHostList: ['b.example'] });
    icws.created.set('b.example', { features: [{ featureId: 'messaging', version: 2 }] });
    const signedInAt = clock.now();
    await drive(clock, session.signIn(PW), 10);
    const beatTimes: number[] = [];
    icws.override.set('POST /messaging/heartbeat', () => {
      beatTimes.push(clock.now());
      return response(204);
    });
    await clock.advance(200_000);
    expect(beatTimes[0]! - signedInAt).toBeGreaterThanOrEqual(HEARTBEAT_INTERVAL_MS);
    expect(beatTimes[0]! - signedInAt).toBeLessThan(HEARTBEAT_INTERVAL_MS + 1_000);
    // A reconnect long after the last request: the new session's first heartbeat is again 90 s on.
    beatTimes.length = 0;
    icws.streams.at(-1)!.push([{ __type: 'urn:inin.com:connection:connectionStateChangeMessage', newConnectionState: 2, reason: 'Switching over.', shouldReconnect: true }]);
    for (let i = 0; i < 40 && icws.live()!.base !== 'https://b.example:8019'; i++) await clock.advance(1_000);
    const reconnectedAt = clock.now();
    expect(session.view.phase).toBe('active');
    await clock.advance(HEARTBEAT_INTERVAL_MS - 2_000);
    expect(beatTimes).toEqual([]);
    await clock.advance(3_000);
    expect(beatTimes).toHaveLength(1);
    expect(beatTimes[0]! - reconnectedAt).toBeGreaterThan(HEARTBEAT_INTERVAL_MS - 2_000);
  });

  it('no heartbeat parameter or POST without the option', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(clock, session.signIn(PW));
    expect(String(icws.streams[0]!.req.url)).toBe(`${A}/icws/101/messaging/messages`);
    await clock.advance(5 * 60_000);
    expect(icws.calls('POST', '/messaging/heartbeat')).toEqual([]);
  });

  it('a reopened event stream reads the user status again (events may have been missed) [ICWS-15]', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(clock, session.signIn(PW));
    expect(userStatusGets(icws)).toEqual([]);
    icws.userStatus = 'Away from desk';
    icws.streams.at(-1)!.end();
    await clock.advance(1_500);
    expect(icws.streams).toHaveLength(2);
    expect(userStatusGets(icws)).toHaveLength(1);
    expect(session.view.agent?.stateId).toBe('Away from desk');
  });

  it('a failed re-read after a reopen leaves the session active', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { features: [{ featureId: 'messaging', version: 2 }] });
    await drive(clock, session.signIn(PW));
    icws.override.set('GET /status/user-statuses/agent1', () => response(500));
    icws.streams.at(-1)!.end();
    await clock.advance(1_500);
    expect(session.view.phase).toBe('active');
    expect(session.view.lastError).toBeUndefined();
  });
});

describe('IcwsSession agent state', () => {
  it('PUTs the status to the encoded user, reads it back, and accepts 200, 202 and 204', async () => {
    for (const status of [200, 202, 204]) {
      const { clock, icws, session } = setup();
      icws.created.set('a.example', { userID: 'ag/ent' });
      await drive(clock, session.signIn(PW));
      icws.override.set('PUT /status/user-statuses/ag%2Fent', (req) => {
        icws.userStatus = bodyOf(req).statusId as string;
        return response(status);
      });
      await session.setAgentState('Away from desk');
      expect(icws.calls('PUT', '/status/user-statuses/ag%2Fent').map(bodyOf)).toEqual([{ statusId: 'Away from desk' }]);
      expect(icws.calls('GET', '/status/user-statuses/ag%2Fent')).toHaveLength(1);
      expect(session.view.agent?.stateId).toBe('Away from desk');
    }
  });

  it('a refused change shows the server text on the card and keeps the session', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    icws.override.set('PUT /status/user-statuses/agent1', () => response(400, { message: 'You cannot choose that status now.' }));
    const error = await rejection(session.setAgentState('At Lunch'));
    expect(error).toMatchObject({ code: 'icws.set-status.rejected', message: 'You cannot choose that status now.' });
    expect(session.view).toMatchObject({ phase: 'active', lastError: { code: 'icws.set-status.rejected', message: 'You cannot choose that status now.' } });
    expect(userStatusGets(icws)).toEqual([]);
    icws.override.set('PUT /status/user-statuses/agent1', () => response(201));
    await rejection(session.setAgentState('At Lunch'));
  });

  it('before sign-in: session.not-active, the view untouched', async () => {
    const { session, views } = setup();
    expect(await rejection(session.setAgentState('At Lunch'))).toMatchObject({ code: 'session.not-active', action: 'sign-in-again' });
    expect(await rejection(session.listStates())).toMatchObject({ code: 'session.not-active' });
    expect(views).toEqual([]);
  });

  it('a failure while not active is thrown, not shown on the card', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    const first = icws.live()!;
    first.queue.push(downMessage('Gone.', false));
    await clock.advance(1_000);
    icws.end(first, {});
    expect(session.view.phase).toBe('failed');
    const shown = session.view.lastError;
    await rejection(session.setAgentState('At Lunch'));
    expect(session.view.lastError).toBe(shown);
  });

  it('listStates reads the list again', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    icws.statusIds = ['Available', 'Training'];
    expect((await session.listStates()).map((s) => s.id)).toEqual(['Available', 'Training']);
    expect(icws.calls('GET', '/status/status-messages').filter((r) => String(r.url).endsWith('/status/status-messages'))).toHaveLength(2);
  });
});

describe('IcwsSession sign-out', () => {
  it('deletes the session with its CSRF token, clears the cookies, stops messaging, shows signed-out', async () => {
    const { clock, icws, session } = setup();
    await drive(clock, session.signIn(PW));
    await session.signOut();
    const deleted = icws.calls('DELETE', '/connection');
    expect(deleted.map((r) => r.url)).toEqual([`${A}/icws/101/connection`]);
    expect(deleted[0]!.headers).toMatchObject({ 'ININ-ICWS-CSRF-Token': 'csrf-101' });
    expect(icws.cleared).toBe(1);
    expect(session.view).toEqual({ phase: 'signed-out', selectableStates: [] });
    const count = icws.requests.length;
    await clock.advance(60_000);
    expect(icws.requests.length).toBe(count);
    expect(await rejection(session.setAgentState('At Lunch'))).toMatchObject({ code: 'session.not-active' });
  });

  it('without a session: no DELETE, still signed out and cookies cleared', async () => {
    const { icws, session } = setup();
    await session.signOut();
    expect(icws.calls('DELETE', '/connection')).toEqual([]);
    expect(icws.cleared).toBe(1);
    expect(session.view.phase).toBe('signed-out');
  });

  it('after sign-out a loss reconnects no more: the kept password is gone', async () => {
    const { clock, icws, session } = setup();
    icws.created.set('a.example', { alternateHostList: ['b.example'] });
    await drive(clock, session.signIn(PW));
    await session.signOut();
    // A late sign-in would need the password again; dispose leaves nothing either.
    session.dispose();
    await clock.advance(10 * 60_000);
    expect(icws.calls('POST', '/icws/connection')).toHaveLength(1);
  });
});
