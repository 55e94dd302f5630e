// The Genesys Cloud lab's notification channels over a real WebSocket (ws client): subscriptions,
// heartbeats, ping/pong, presence/routing/conversation events, socket_closing with a rotation that
// loses nothing, one socket per channel, expiry → {"result":"404"}, drops, token_revoked,
// no_longer_subscribed and the 21st channel evicting the oldest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import type { GenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import { FrameSocket, api, signIn, userId } from './genesys-cloud-helpers.ts';

interface ChannelView {
  connectUri: string;
  id: string;
  expires: string;
}

describe('Genesys Cloud lab notifications', () => {
  let lab: GenesysCloudLab;
  let token: string;
  let me: string;
  const sockets: FrameSocket[] = [];
  beforeAll(async () => {
    // A grace long enough for a loaded machine to open the replacement socket first.
    lab = await startGenesysCloudLab({ heartbeatIntervalMs: 40, socketClosingGraceMs: 2_000 });
    token = (await signIn(lab)).tokens.access_token;
    me = userId(lab, 'gc-agent1');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await lab.close();
  });

  async function channel(accessToken = token): Promise<ChannelView> {
    const answer = await api(lab, accessToken, 'POST', '/api/v2/notifications/channels');
    expect(answer.status).toBe(200);
    return answer.body as ChannelView;
  }

  async function connect(view: ChannelView): Promise<FrameSocket> {
    const socket = await FrameSocket.open(view.connectUri);
    sockets.push(socket);
    return socket;
  }

  async function subscribeAll(view: ChannelView, user = me, accessToken = token): Promise<void> {
    const put = await api(lab, accessToken, 'PUT', `/api/v2/notifications/channels/${view.id}/subscriptions`, [{ id: `v2.users.${user}.presence` }, { id: `v2.users.${user}.routingStatus` }, { id: `v2.users.${user}.conversations` }]);
    expect(put.status).toBe(200);
  }

  it('creates a channel on the API port with a 24 h expiry; subscriptions PUT/POST/GET/DELETE; combined topic form', async () => {
    const view = await channel();
    expect(view.connectUri).toBe(`${lab.apiBase.replace('http:', 'ws:')}/channels/${view.id}`);
    const hours = (Date.parse(view.expires) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const path = `/api/v2/notifications/channels/${view.id}/subscriptions`;
    expect((await api(lab, token, 'PUT', path, [{ id: `v2.users.${me}?presence&routingStatus` }])).body).toEqual({ entities: [{ id: `v2.users.${me}.presence` }, { id: `v2.users.${me}.routingStatus` }] });
    await api(lab, token, 'POST', path, [{ id: `v2.users.${me}.conversations` }]);
    expect(((await api(lab, token, 'GET', path)).body as { entities: unknown[] }).entities).toHaveLength(3);
    expect((await api(lab, token, 'PUT', path, [{ id: 'v2.users.nobody.presence' }])).status).toBe(400);
    expect((await api(lab, token, 'PUT', path, [{ id: `v2.users.${me}.calendar` }])).body).toMatchObject({ status: 400, code: 'bad.request' });
    expect((await api(lab, token, 'DELETE', path)).status).toBe(204);
    expect((await api(lab, token, 'GET', path)).body).toEqual({ entities: [] });
    expect(((await api(lab, token, 'GET', '/api/v2/notifications/channels')).body as { entities: ChannelView[] }).entities.map((c) => c.id)).toContain(view.id);
  });

  it('another user cannot touch my channel (404)', async () => {
    const view = await channel();
    const other = (await signIn(lab, 'gc-agent2')).tokens.access_token;
    expect((await api(lab, other, 'GET', `/api/v2/notifications/channels/${view.id}/subscriptions`)).status).toBe(404);
  });

  it('sends heartbeats and answers {"message":"ping"} with pong', async () => {
    const socket = await connect(await channel());
    await socket.waitFor((f) => f.topicName === 'channel.metadata' && f.eventBody?.message === 'WebSocket Heartbeat');
    const from = socket.frames.length;
    socket.ws.send(JSON.stringify({ message: 'ping' }));
    await socket.waitFor((f) => f.topicName === 'channel.metadata' && f.eventBody?.message === 'pong', from);
  });

  it('delivers presence, routing status and conversation events for subscribed topics only', async () => {
    const view = await channel();
    const socket = await connect(view);
    await subscribeAll(view);
    lab.setPresence('gc-agent1', 'OnQueue');
    const presence = await socket.waitFor((f) => f.topicName === `v2.users.${me}.presence`);
    expect(presence.version).toBe('2');
    expect(presence.eventBody).toMatchObject({ source: 'PURECLOUD', presenceDefinition: { systemPresence: 'OnQueue', id: expect.any(String) }, primary: true, modifiedDate: expect.any(String) });
    const routing = await socket.waitFor((f) => f.topicName === `v2.users.${me}.routingStatus`);
    expect(routing.eventBody).toMatchObject({ id: me, routingStatus: { status: 'IDLE', startTime: expect.any(String) } });
    const id = lab.startConversation('gc-agent1');
    const started = await socket.waitFor((f) => f.topicName === `v2.users.${me}.conversations` && f.eventBody?.id === id);
    expect(started.eventBody?.participants).toContainEqual(expect.objectContaining({ purpose: 'agent', userId: me, state: 'connected' }));
    await socket.waitFor((f) => f.topicName === `v2.users.${me}.routingStatus` && (f.eventBody?.routingStatus as { status?: string }).status === 'INTERACTING');
    const from = socket.frames.length;
    lab.endConversation(id);
    const ended = await socket.waitFor((f) => f.topicName === `v2.users.${me}.conversations` && f.eventBody?.id === id, from);
    expect(ended.eventBody?.participants).toContainEqual(expect.objectContaining({ purpose: 'agent', state: 'disconnected', endTime: expect.any(String) }));
    // A presence change through the API is an event too (the agent's own change on another device).
    const agent2 = userId(lab, 'gc-agent2');
    lab.setPresence('gc-agent2', 'Meal');
    lab.setPresence('gc-agent1', 'Break');
    await socket.waitFor((f) => f.topicName === `v2.users.${me}.presence` && (f.eventBody?.presenceDefinition as { systemPresence?: string }).systemPresence === 'Break');
    expect(socket.frames.some((f) => f.topicName?.includes(agent2) === true)).toBe(false);
  });

  it('socket_closing: the frame, then the socket closes after the grace; a new socket on the same channel misses nothing', async () => {
    const view = await channel();
    const old = await connect(view);
    await subscribeAll(view);
    expect(lab.socketClosing('gc-agent1')).toBeGreaterThan(0);
    await old.waitFor((f) => f.topicName === 'v2.system.socket_closing');
    const rotated = await connect(view); // one socket per channel: this one replaces the old
    expect((await old.closed).code).toBe(1000);
    const before = lab.streamingStats.dropped;
    lab.setPresence('gc-agent1', 'Training');
    await rotated.waitFor((f) => f.topicName === `v2.users.${me}.presence` && (f.eventBody?.presenceDefinition as { systemPresence?: string }).systemPresence === 'Training');
    expect(lab.streamingStats.dropped).toBe(before);
  });

  it('an event one subscribed channel drops while another delivers it is dropped, not lost; none delivering it is lost', async () => {
    // A lab of its own: the sockets other tests leave open would deliver every event of gc-agent1.
    const own = await startGenesysCloudLab({ heartbeatIntervalMs: 40 });
    try {
      const ownToken = (await signIn(own)).tokens.access_token;
      const ownMe = userId(own, 'gc-agent1');
      const topics = [{ id: `v2.users.${ownMe}.presence` }];
      const open = async () => (await api(own, ownToken, 'POST', '/api/v2/notifications/channels')).body as ChannelView;
      const served = await open();
      const socketLess = await open(); // a channel being replaced: still subscribed, its socket gone
      const live = await FrameSocket.open(served.connectUri);
      for (const view of [served, socketLess]) expect((await api(own, ownToken, 'PUT', `/api/v2/notifications/channels/${view.id}/subscriptions`, topics)).status).toBe(200);
      own.setPresence('gc-agent1', 'Meal');
      await live.waitFor((f) => f.topicName === `v2.users.${ownMe}.presence` && (f.eventBody?.presenceDefinition as { systemPresence?: string }).systemPresence === 'Meal');
      expect(own.streamingStats).toMatchObject({ dropped: 1, lost: 0 });
      live.close();
      await live.closed;
      // Once the lab has seen the close, an event neither channel delivers is lost (a new presence
      // each time: setting the same one again is no change and sends nothing).
      let turn = 0;
      await expect
        .poll(
          () => {
            own.setPresence('gc-agent1', ++turn % 2 === 0 ? 'Break' : 'Training');
            return own.streamingStats.lost;
          },
          { timeout: 5_000 },
        )
        .toBeGreaterThan(0);
    } finally {
      await own.close();
    }
  });

  it('socket_closing without a reconnect: the lab closes the socket (1001) after the grace period', async () => {
    const view = await channel(await freshToken('gc-supervisor1'));
    const socket = await connect(view);
    lab.socketClosing('gc-supervisor1');
    await socket.waitFor((f) => f.topicName === 'v2.system.socket_closing');
    expect((await socket.closed).code).toBe(1001);
  });

  it('a second connection to a channel drops the first', async () => {
    const view = await channel();
    const first = await connect(view);
    await connect(view);
    expect((await first.closed).code).toBe(1000);
  });

  it('expireChannels: {"result":"404"} then close; reconnecting gets 404 again and the API answers 404', async () => {
    const supervisor = await freshToken('gc-supervisor1');
    const view = await channel(supervisor);
    const socket = await connect(view);
    expect(lab.expireChannels()).toBeGreaterThan(0);
    await socket.waitFor((f) => f.result === '404');
    await socket.closed;
    const again = await connect(view);
    await again.waitFor((f) => f.result === '404');
    expect((await api(lab, supervisor, 'GET', `/api/v2/notifications/channels/${view.id}/subscriptions`)).status).toBe(404);
  });

  it('dropSockets cuts the connection without a closing frame (1006); the channel stays usable', async () => {
    const view = await channel();
    const socket = await connect(view);
    expect(lab.dropSockets()).toBeGreaterThan(0);
    expect((await socket.closed).code).toBe(1006);
    const back = await connect(view);
    await subscribeAll(view);
    lab.setPresence('gc-agent1', 'Away');
    await back.waitFor((f) => f.topicName === `v2.users.${me}.presence`);
  });

  it('revokeTokens: token_revoked.<channel id> on the channels that token created, then close', async () => {
    const agent2 = await freshToken('gc-agent2');
    const view = await channel(agent2);
    const socket = await connect(view);
    await lab.revokeTokens('gc-agent2');
    await socket.waitFor((f) => f.topicName === `v2.system.token_revoked.${view.id}`);
    await socket.closed;
    expect((await api(lab, agent2, 'POST', '/api/v2/notifications/channels')).status).toBe(401);
  });

  it('noLongerSubscribed: no_longer_subscribed.<channel id>, the topics are gone, the socket stays', async () => {
    const view = await channel();
    const socket = await connect(view);
    await subscribeAll(view);
    lab.noLongerSubscribed('gc-agent1');
    await socket.waitFor((f) => f.topicName === `v2.system.no_longer_subscribed.${view.id}`);
    expect((await api(lab, token, 'GET', `/api/v2/notifications/channels/${view.id}/subscriptions`)).body).toEqual({ entities: [] });
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  });

  it('the 21st channel of a user evicts the oldest (socket-less first); the evicted one is 404', async () => {
    const agent2 = await freshToken('gc-agent2');
    const first = await channel(agent2);
    const kept = await connect(first); // the oldest, but connected: not the first to go
    const views: ChannelView[] = [];
    for (let i = 0; i < 19; i++) views.push(await channel(agent2));
    const listed = ((await api(lab, agent2, 'GET', '/api/v2/notifications/channels')).body as { entities: ChannelView[] }).entities;
    expect(listed).toHaveLength(20);
    await channel(agent2);
    expect((await api(lab, agent2, 'GET', `/api/v2/notifications/channels/${views[0]?.id ?? ''}/subscriptions`)).status).toBe(404);
    expect((await api(lab, agent2, 'GET', `/api/v2/notifications/channels/${first.id}/subscriptions`)).status).toBe(200);
    expect(((await api(lab, agent2, 'GET', '/api/v2/notifications/channels')).body as { entities: ChannelView[] }).entities).toHaveLength(20);
    expect(kept.ws.readyState).toBe(kept.ws.OPEN);
  });

  it('a channel that reaches its lifetime ends with {"result":"404"}; re-subscribing extends it', async () => {
    const short = await startGenesysCloudLab({ channelLifetimeSec: 3 });
    try {
      const t = (await signIn(short)).tokens.access_token;
      const created = (await api(short, t, 'POST', '/api/v2/notifications/channels')).body as ChannelView;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const put = await api(short, t, 'PUT', `/api/v2/notifications/channels/${created.id}/subscriptions`, [{ id: `v2.users.${userId(short, 'gc-agent1')}.presence` }]);
      expect(put.status).toBe(200);
      const extended = (await api(short, t, 'GET', `/api/v2/notifications/channels/${created.id}`)).body as ChannelView;
      expect(Date.parse(extended.expires)).toBeGreaterThan(Date.parse(created.expires));
      const socket = await FrameSocket.open(created.connectUri);
      sockets.push(socket);
      await socket.waitFor((f) => f.result === '404');
      await socket.closed;
    } finally {
      await short.close();
    }
  });

  async function freshToken(userName: string): Promise<string> {
    return (await signIn(lab, userName)).tokens.access_token;
  }
});
