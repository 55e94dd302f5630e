import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { NotificationChannel, xmppServiceUrl, type ChannelStatus } from '../../../../../main/core/platforms/finesse/notifications.ts';
import type { FinesseUpdate } from '../../../../../main/core/platforms/finesse/wire.ts';
import { createXmppLink, xml, type Element, type XmppEndpoint, type XmppLink } from '../../../../../main/core/platforms/finesse/xmpp-link.ts';

/** A scripted XMPP connection: the test decides when the server answers and when the line drops. */
class FakeLink implements XmppLink {
  readonly sent: Element[] = [];
  private stanzaListeners: ((s: Element) => void)[] = [];
  private downListeners: ((e: PatchbayError) => void)[] = [];
  stopped = false;
  readonly endpoint: XmppEndpoint;
  private readonly server: FakeServer;
  constructor(endpoint: XmppEndpoint, server: FakeServer) {
    this.endpoint = endpoint;
    this.server = server;
  }
  async start(): Promise<string> {
    if (!this.server.up) throw new PatchbayError('finesse.xmpp.unreachable', 'down', { action: 'retry' });
    this.server.links.push(this);
    return `${this.endpoint.username}@${this.endpoint.domain}/${this.endpoint.resource}`;
  }
  async send(stanza: Element): Promise<void> {
    this.sent.push(stanza);
    // Finesse's presence follows the agent's initial presence (here: at once, or never).
    if (stanza.is('presence') && !stanza.attrs.type && this.server.announces) {
      queueMicrotask(() => this.deliver(xml('presence', { from: `finesse@${this.endpoint.domain}/Finesse` })));
    }
  }
  request(stanza: Element): Promise<Element> {
    this.sent.push(stanza);
    if (!this.server.answersPings) return new Promise(() => undefined);
    return Promise.resolve(xml('iq', { type: 'result', id: String(stanza.attrs.id ?? '') }));
  }
  onStanza(listener: (s: Element) => void): void {
    this.stanzaListeners.push(listener);
  }
  onDown(listener: (e: PatchbayError) => void): void {
    this.downListeners.push(listener);
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  deliver(stanza: Element): void {
    for (const l of this.stanzaListeners) l(stanza);
  }
  drop(): void {
    for (const l of this.downListeners) l(new PatchbayError('finesse.xmpp.disconnected', 'closed', { action: 'retry' }));
  }
}

class FakeServer {
  up = true;
  announces = true;
  answersPings = true;
  links: FakeLink[] = [];
  endpoints: XmppEndpoint[] = [];
  get last(): FakeLink {
    return this.links[this.links.length - 1]!;
  }
  factory = (endpoint: XmppEndpoint) => {
    this.endpoints.push(endpoint);
    return new FakeLink(endpoint, this);
  };
}

function setup(overrides: Partial<ConstructorParameters<typeof NotificationChannel>[0]> = {}) {
  const clock = new FakeClock();
  const server = new FakeServer();
  const updates: FinesseUpdate[] = [];
  const statuses: ChannelStatus[] = [];
  let token = 0;
  const channel = new NotificationChannel({
    clock,
    log: createLogger({ sink: memorySink() }),
    endpoint: async () => ({ service: 'wss://fin-a.example.com:8445/ws', domain: 'fin-a.example.com', username: '98411', password: `token-${++token}`, resource: 'patchbay-test' }),
    linkFactory: server.factory,
    onUpdate: (u) => updates.push(u),
    onStatus: (s) => statuses.push(s),
    ...overrides,
  });
  return { clock, server, channel, updates, statuses };
}

function pubsub(node: string, notificationText: string): Element {
  return xml(
    'message',
    { from: 'pubsub.fin-a.example.com', to: '98411@fin-a.example.com' },
    xml('event', { xmlns: 'http://jabber.org/protocol/pubsub#event' }, xml('items', { node }, xml('item', { id: 'i1' }, xml('notification', { xmlns: 'urn:xmpp:push:0' }, notificationText)))),
  );
}

describe('Finesse notification channel', () => {
  it('sends initial presence with priority 0 and is online only once finesse@<domain> is present', async () => {
    const { channel, server, statuses } = setup();
    await channel.start();
    const presence = server.last.sent.find((s) => s.is('presence'))!;
    expect(presence.getChildText('priority')).toBe('0');
    expect(statuses.at(-1)).toMatchObject({ state: 'online', jid: '98411@fin-a.example.com/patchbay-test' });
    await channel.stop();
    expect(server.last.sent.at(-1)!.attrs.type).toBe('unavailable');
  });

  it('fails the start when Finesse never announces itself', async () => {
    const { channel, server, clock } = setup({ serverPresenceTimeoutMs: 5_000 });
    server.announces = false;
    const started = channel.start();
    const assertion = expect(started).rejects.toMatchObject({ code: 'finesse.xmpp.no-server-presence' });
    await clock.advance(5_000);
    await assertion;
    expect(server.last.stopped).toBe(true);
  });

  it('decodes the escaped <Update> of a pubsub item and hands it over', async () => {
    const { channel, server, updates } = setup();
    await channel.start();
    // The stanza parser already unescaped the notification once: its text is the Update XML.
    server.last.deliver(pubsub('/finesse/api/User/98411', '<Update><data><user><state>READY</state></user></data><event>PUT</event><requestId>q</requestId><source>/finesse/api/User/98411</source></Update>'));
    expect(updates).toEqual([expect.objectContaining({ kind: 'user', requestId: 'q', user: expect.objectContaining({ state: 'READY' }) })]);
    expect(channel.lastEventAt).toBeDefined();
    await channel.stop();
  });

  it('skips an undecodable payload without dropping the connection', async () => {
    const { channel, server, updates } = setup();
    await channel.start();
    server.last.deliver(pubsub('/finesse/api/User/98411', '<!DOCTYPE x [<!ENTITY a "b">]><Update>&a;</Update>'));
    server.last.deliver(pubsub('/finesse/api/User/98411', '<Update><data><user><state>NOT_READY</state></user></data><source>/finesse/api/User/98411</source></Update>'));
    expect(updates.map((u) => u.kind)).toEqual(['user']);
    expect(channel.online).toBe(true);
    await channel.stop();
  });

  it('reconnects at once after a blip, with a fresh password, well inside Finesse 60 s presence window', async () => {
    const { channel, server, clock, statuses } = setup();
    await channel.start();
    const first = server.last;
    first.drop();
    await clock.advance(0);
    expect(server.links).toHaveLength(2);
    expect(server.endpoints.map((e) => e.password)).toEqual(['token-1', 'token-2']);
    expect(statuses.at(-1)).toMatchObject({ state: 'online', reconnectMs: 0 });
    expect(first.stopped).toBe(true);
    await channel.stop();
  });

  it('keeps trying on a short schedule and is back within 10 s of the server returning', async () => {
    const { channel, server, clock, statuses } = setup();
    await channel.start();
    server.up = false;
    server.last.drop();
    await clock.advance(3_000);
    const attempts = statuses.filter((s) => s.state === 'reconnecting').length;
    expect(attempts).toBeGreaterThanOrEqual(4); // 0, 250, 500, 1000 ms…
    server.up = true;
    await clock.advance(10_000);
    const online = statuses.filter((s): s is Extract<ChannelStatus, { state: 'online' }> => s.state === 'online').at(-1)!;
    expect(online.reconnectMs).toBeDefined();
    // Fake-clock time from the drop to online: server back at 3 s, reconnected by the next step.
    expect(online.reconnectMs!).toBeLessThan(10_000);
    expect(channel.reconnectTimes).toHaveLength(1);
    await channel.stop();
  });

  it('"Retry now" makes the waiting attempt at once, without the clock moving [issue 13 item 2]', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [60_000] });
    await channel.start();
    expect(channel.retryNow()).toBe(false); // online: nothing is waiting
    server.up = false;
    server.last.drop();
    await clock.advance(0);
    const droppedAt = clock.now();
    const links = server.links.length;
    expect(statuses.at(-1)?.state).toBe('reconnecting');
    server.up = true;
    expect(channel.retryNow()).toBe(true);
    for (let i = 0; i < 20 && statuses.at(-1)?.state !== 'online'; i++) await clock.advance(0);
    expect(statuses.at(-1)?.state).toBe('online');
    expect(server.links.length).toBe(links + 1);
    expect(clock.now() - droppedAt).toBeLessThan(60_000);
    await channel.stop();
  });

  it('treats an unanswered keep-alive ping as a dead line and reconnects', async () => {
    const { channel, server, clock } = setup({ pingIntervalMs: 15_000, pingTimeoutMs: 10_000 });
    await channel.start();
    server.answersPings = false;
    await clock.advance(15_000);
    const ping = server.last.sent.find((s) => s.is('iq'));
    expect(ping?.getChild('ping', 'urn:xmpp:ping')).toBeDefined();
    expect(server.links).toHaveLength(1);
    server.answersPings = true;
    await clock.advance(10_000);
    expect(server.links).toHaveLength(2);
    await channel.stop();
  });

  it('reconnects when Finesse itself goes unavailable, running the failover check first', async () => {
    const checks: number[] = [];
    const { channel, server, clock } = setup({ beforeReconnect: async (attempt) => void checks.push(attempt) });
    await channel.start();
    server.last.deliver(xml('presence', { from: 'finesse@fin-a.example.com/Finesse', type: 'unavailable' }));
    await clock.advance(0);
    expect(checks).toEqual([1]);
    expect(server.links).toHaveLength(2);
    await channel.stop();
  });

  it('stops reconnecting and goes offline when the server refuses the credentials', async () => {
    const { channel, server, clock, statuses } = setup({
      beforeReconnect: async () => {
        throw new PatchbayError('auth.token-expired', 'expired', { action: 'sign-in-again' });
      },
    });
    await channel.start();
    server.last.drop();
    await clock.advance(5_000);
    expect(statuses.at(-1)).toMatchObject({ state: 'offline', error: expect.objectContaining({ code: 'auth.token-expired' }) });
    expect(server.links).toHaveLength(1);
  });

  it('refuses the reserved resource "desktop"', () => {
    expect(() => createXmppLink({ service: 'ws://127.0.0.1:1/ws', domain: 'd', username: 'u', password: 'p', resource: 'desktop' })).toThrow(
      expect.objectContaining({ code: 'finesse.xmpp.bad-resource' }),
    );
  });

  it('derives ws(s)://<host>:<port>/ws from the REST origin, 7443 when configured', () => {
    expect(xmppServiceUrl('https://fin-a.example.com:8445')).toBe('wss://fin-a.example.com:8445/ws');
    expect(xmppServiceUrl('https://fin-a.example.com:8445', { port: 7443 })).toBe('wss://fin-a.example.com:7443/ws');
    expect(xmppServiceUrl('http://127.0.0.1:5000', { path: '/xmpp-websocket' })).toBe('ws://127.0.0.1:5000/xmpp-websocket');
  });
});
