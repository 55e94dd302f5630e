// The Finesse notification layer against a real XMPP server (Debian Prosody, servers.md rig):
// SASL PLAIN over WebSocket, initial presence, finesse@<domain> presence, pubsub events carrying
// escaped <Update> payloads, keep-alive pings, and the reconnect after a blip (measured, printed).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, xml } from '@xmpp/client';
import { systemClock } from '../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { NotificationChannel, type ChannelStatus } from '../../../main/core/platforms/finesse/notifications.ts';
import type { FinesseUpdate } from '../../../main/core/platforms/finesse/wire.ts';
import { escapeXml } from '../../../main/core/platforms/finesse/xml.ts';
import { prosodyAvailable, startProsody, startTcpProxy, type ProsodyRig, type TcpProxy } from '../../rigs/prosody/prosody.ts';
import { waitFor } from '../../helpers/wait.ts';

const available = prosodyAvailable();
const NODE = '/finesse/api/User/agent1';
const AGENT_PW = 'eyJjdHkiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.agent1-token-like.sig';

type XmppClient = ReturnType<typeof client>;

describe.skipIf(!available)('Finesse XMPP layer against Prosody', () => {
  let rig: ProsodyRig;
  let finesse: XmppClient;
  const channels: NotificationChannel[] = [];
  const proxies: TcpProxy[] = [];

  /** The rig's "finesse" user plays Finesse: present in the agents' group, owner of their nodes. */
  async function startFinesseBot(): Promise<XmppClient> {
    const bot = client({ service: rig.wsUrl, domain: rig.domain, resource: 'Finesse', username: 'finesse', password: 'finesse-pw' });
    bot.reconnect.stop();
    bot.on('error', () => undefined);
    await bot.start();
    await bot.send(xml('presence'));
    return bot;
  }

  async function publish(bot: XmppClient, update: string): Promise<void> {
    // Finesse escapes the Update inside <notification> [POK]; ltx escapes the text once more on the wire.
    await bot.iqCaller.set(
      xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('publish', { node: NODE }, xml('item', {}, xml('notification', { xmlns: 'urn:xmpp:push:0' }, update)))),
      rig.pubsubDomain,
    );
  }

  function channel(service: string, password = AGENT_PW, extra: Partial<ConstructorParameters<typeof NotificationChannel>[0]> = {}) {
    const updates: FinesseUpdate[] = [];
    const statuses: ChannelStatus[] = [];
    const c = new NotificationChannel({
      clock: systemClock,
      log: createLogger({ sink: memorySink() }),
      endpoint: async () => ({ service, domain: rig.domain, username: 'agent1', password, resource: 'patchbay-it' }),
      onUpdate: (u) => updates.push(u),
      onStatus: (s) => statuses.push(s),
      pingIntervalMs: 2_000,
      pingTimeoutMs: 2_000,
      ...extra,
    });
    channels.push(c);
    return { channel: c, updates, statuses };
  }

  beforeAll(async () => {
    rig = await startProsody({
      users: [
        { user: 'agent1', password: AGENT_PW },
        { user: 'finesse', password: 'finesse-pw' },
      ],
      admins: ['finesse@localhost'],
    });
    finesse = await startFinesseBot();
    await finesse.iqCaller.set(xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('create', { node: NODE })), rig.pubsubDomain);
    // Finesse subscribes the agent to their own node; here the node owner does it.
    await finesse.iqCaller.set(
      xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub#owner' }, xml('subscriptions', { node: NODE }, xml('subscription', { jid: 'agent1@localhost', subscription: 'subscribed' }))),
      rig.pubsubDomain,
    );
  });

  afterEach(async () => {
    for (const c of channels.splice(0)) await c.stop().catch(() => undefined);
    for (const p of proxies.splice(0)) await p.close();
  });

  afterAll(async () => {
    await finesse?.stop().catch(() => undefined);
    await rig?.stop();
  });

  it('signs in with SASL PLAIN (token as password), sends presence and waits for finesse@<domain>', async () => {
    const seen: string[] = [];
    const onStanza = (s: { is(n: string): boolean; attrs: Record<string, string | undefined>; getChildText(n: string): string | null }) => {
      if (s.is('presence') && s.attrs.from?.startsWith('agent1@localhost/') && !s.attrs.type) seen.push(`${s.attrs.from} priority=${s.getChildText('priority')}`);
    };
    finesse.on('stanza', onStanza);
    const { channel: c, statuses } = channel(rig.wsUrl);
    await c.start();
    expect(statuses.at(-1)).toMatchObject({ state: 'online', jid: 'agent1@localhost/patchbay-it' });
    // Finesse (here the bot) sees the agent's initial presence with priority 0.
    await waitFor(() => seen.length > 0, 'agent presence at finesse');
    expect(seen[0]).toBe('agent1@localhost/patchbay-it priority=0');
    finesse.removeListener('stanza', onStanza);
  });

  it('delivers a pubsub <Update> for the user node, decoded', async () => {
    const { channel: c, updates } = channel(rig.wsUrl);
    await c.start();
    await publish(finesse, '<Update><data><user><loginId>agent1</loginId><state>NOT_READY</state><reasonCodeId>2</reasonCodeId></user></data><event>PUT</event><requestId>req-42</requestId><source>/finesse/api/User/agent1</source></Update>');
    const update = await waitFor(() => updates.find((u) => u.requestId === 'req-42'), 'the update');
    expect(update).toMatchObject({ kind: 'user', source: NODE, user: { state: 'NOT_READY', reasonCodeId: '2' } });
    expect(c.lastEventAt).toBeDefined();
  });

  it('also decodes an Update escaped once more than Finesse does', async () => {
    const { channel: c, updates } = channel(rig.wsUrl);
    await c.start();
    await publish(finesse, escapeXml('<Update><data><user><state>READY</state></user></data><requestId>req-43</requestId><source>/finesse/api/User/agent1</source></Update>'));
    const update = await waitFor(() => updates.find((u) => u.requestId === 'req-43'), 'the update');
    expect(update).toMatchObject({ kind: 'user', user: { state: 'READY' } });
  });

  it('refuses a wrong password with a typed sign-in error', async () => {
    const { channel: c } = channel(rig.wsUrl, 'wrong-token');
    await expect(c.start()).rejects.toMatchObject({ code: 'finesse.xmpp.auth-failed', action: 'sign-in-again' });
  });

  it('keeps the line alive with pings answered by the server', async () => {
    const { channel: c, statuses } = channel(rig.wsUrl, AGENT_PW, { pingIntervalMs: 200, pingTimeoutMs: 2_000 });
    await c.start();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(statuses.filter((s) => s.state === 'reconnecting')).toHaveLength(0);
    expect(c.online).toBe(true);
  });

  it('reconnects after a network blip and receives events again (reconnect time printed)', async () => {
    const proxy = await startTcpProxy(rig.httpPort);
    proxies.push(proxy);
    const { channel: c, updates, statuses } = channel(`ws://127.0.0.1:${proxy.port}/xmpp-websocket`);
    await c.start();
    const cutAt = performance.now();
    proxy.cut();
    await waitFor(() => c.reconnectTimes.length === 1 && c.online, 'the reconnect');
    const wallMs = performance.now() - cutAt;
    console.log(`[figure] XMPP reconnect after a blip (Prosody, TCP cut): ${wallMs.toFixed(0)} ms wall, ${c.reconnectTimes[0]} ms channel`);
    expect(statuses.some((s) => s.state === 'reconnecting')).toBe(true);
    await publish(finesse, '<Update><data><user><state>READY</state></user></data><requestId>after-blip</requestId><source>/finesse/api/User/agent1</source></Update>');
    await waitFor(() => updates.find((u) => u.requestId === 'after-blip'), 'an update after the blip');
  });

  it('rides out a short outage of the path (connections refused) and comes back', async () => {
    const proxy = await startTcpProxy(rig.httpPort);
    proxies.push(proxy);
    const { channel: c, statuses } = channel(`ws://127.0.0.1:${proxy.port}/xmpp-websocket`);
    await c.start();
    proxy.setAccepting(false);
    proxy.cut();
    await waitFor(() => statuses.filter((s) => s.state === 'reconnecting').length >= 3, 'failed attempts');
    proxy.setAccepting(true);
    await waitFor(() => c.reconnectTimes.length === 1 && c.online, 'the reconnect');
    console.log(`[figure] XMPP reconnect after ${statuses.filter((s) => s.state === 'reconnecting').length} refused attempts: ${c.reconnectTimes[0]} ms`);
  });

  it('reconnects after a server restart once Finesse is present again', async () => {
    const { channel: c, updates } = channel(rig.wsUrl);
    await c.start();
    const restartAt = performance.now();
    await finesse.stop().catch(() => undefined);
    await rig.restart();
    finesse = await startFinesseBot();
    await waitFor(() => c.reconnectTimes.length === 1 && c.online, 'the reconnect', 15_000);
    console.log(`[figure] XMPP reconnect across a Prosody restart: ${(performance.now() - restartAt).toFixed(0)} ms wall`);
    await publish(finesse, '<Update><data><user><state>TALKING</state></user></data><requestId>after-restart</requestId><source>/finesse/api/User/agent1</source></Update>');
    await waitFor(() => updates.find((u) => u.requestId === 'after-restart'), 'an update after the restart');
  });
});
