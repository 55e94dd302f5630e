// A GWS read answered before a CometD event must not overwrite the event when its answer lands
// after it (main/core/platforms/freshness.ts): the re-read of me?subresources=* after CometD comes
// back, and the GET /me/channels after the agent's own state change. The fake answers at once but
// the answer is held back; the event arrives; the answer is released.
import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import { CREDS, settle, setupGwsSession } from './gws-session-harness.ts';
import { gate } from '../../../../helpers/wait.ts';

/** Holds the answer to the next request whose path (with query) matches, until `open()`. */
function holdNext(gws: ReturnType<typeof setupGwsSession>['gws'], path: string) {
  const { until, open } = gate();
  const http = gws.http as unknown as { request: (req: HttpRequest) => Promise<HttpResponse> };
  const inner = http.request;
  let armed = true;
  http.request = async (req) => {
    const answer = await inner(req);
    const url = new URL(String(req.url));
    if (armed && `${url.pathname}${url.search}` === path) {
      armed = false;
      await until;
    }
    return answer;
  };
  return { open };
}

const voice = (userState: Record<string, unknown>) => ({ messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', userState }] });

describe('GWS: a read answered before a CometD event does not overwrite it (issue 11 re-read)', () => {
  it('the re-read after CometD is back answered "After Call Work"; the later Ready event stays on screen', async () => {
    const { session, links, gws, clock } = setupGwsSession();
    await session.signIn(CREDS);
    links[0]!.down({ error: '401:abc:Unknown client' });
    await settle(clock);
    gws.state = { state: 'AfterCallWork' }; // changed while CometD was down
    const held = holdNext(gws, '/api/v2/me?subresources=*');
    links[0]!.up(true);
    await settle(clock);
    links[0]!.message('/v2/me/channels', voice({ state: 'Ready', displayName: 'Ready' })); // a later change, pushed
    expect(session.view.agent?.stateId).toBe('Ready');
    held.open();
    await settle(clock);
    await settle(clock);
    expect(session.view.phase).toBe('active');
    expect(session.view.agent?.stateId).toBe('Ready');
  });

  it('the re-read is shown when no state event came while it was out (the change made while CometD was down)', async () => {
    const { session, links, gws, clock } = setupGwsSession();
    await session.signIn(CREDS);
    links[0]!.down({ error: '401:abc:Unknown client' });
    await settle(clock);
    gws.state = { state: 'AfterCallWork' };
    const held = holdNext(gws, '/api/v2/me?subresources=*');
    links[0]!.up(true);
    await settle(clock);
    links[0]!.message('/v2/me/calls', { messageType: 'CallStateChangeMessage', notificationType: 'NewCall', call: { id: 'c7', state: 'Ringing', callType: 'Inbound', ani: '5551007' } });
    held.open();
    await settle(clock);
    await settle(clock);
    expect(session.view.agent?.stateId).toBe('AfterCallWork');
    // The call that rang while the list was out is kept on top of the list the server answered.
    expect(session.view.calls?.map((c) => c.id)).toEqual(['c7']);
  });

  it('the GET /me/channels after the agent\'s own change gives way to a supervisor\'s event that came meanwhile', async () => {
    const { session, links, gws, clock } = setupGwsSession();
    await session.signIn(CREDS);
    const held = holdNext(gws, '/api/v2/me/channels');
    const change = session.setAgentState('Ready');
    await settle(clock);
    await settle(clock);
    links[0]!.message('/v2/me/channels', voice({ state: 'NotReady', reason: 'Break', displayName: 'Break' }));
    held.open();
    await change;
    expect(session.view.agent).toMatchObject({ kind: 'not-ready', reason: 'Break' });
  });
});
