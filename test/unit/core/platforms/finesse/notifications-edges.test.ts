// The Finesse notification channel's edges (notifications.ts; protocols/finesse.md §5 — initial
// presence, "connected" only after finesse@<domain> [ET], keep-alive pings, pubsub `<Update>`s, the
// fast reconnect schedule inside Finesse's 60 s presence window [PRES]). Survivors of the mutation run
// in docs/mutation.md "Session 4, helper MUT-FIN2"; fake clock, scripted links, no sockets.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { DEFAULT_RECONNECT_DELAYS_MS, NotificationChannel, xmppServiceUrl, type ChannelStatus, type NotificationChannelOptions } from '../../../../../main/core/platforms/finesse/notifications.ts';
import type { FinesseUpdate } from '../../../../../main/core/platforms/finesse/wire.ts';
import { xml, type Element, type XmppEndpoint, type XmppLink } from '../../../../../main/core/platforms/finesse/xmpp-link.ts';

type StartMode = 'ok' | 'unreachable' | 'refused' | 'hang' | 'plain-error';

class Link implements XmppLink {
  readonly sent: Element[] = [];
  stops = 0;
  private stanzaListeners: ((s: Element) => void)[] = [];
  private downListeners: ((e: PatchbayError) => void)[] = [];
  readonly endpoint: XmppEndpoint;
  private readonly server: Server;
  constructor(endpoint: XmppEndpoint, server: Server) {
    this.endpoint = endpoint;
    this.server = server;
  }
  start(): Promise<string> {
    const mode = this.server.startMode;
    if (mode === 'hang') return new Promise(() => undefined);
    if (mode === 'unreachable') return Promise.reject(new PatchbayError('finesse.xmpp.unreachable', 'down', { action: 'retry' }));
    if (mode === 'refused') return Promise.reject(new PatchbayError('finesse.xmpp.auth-failed', 'refused', { action: 'sign-in-again' }));
    if (mode === 'plain-error') return Promise.reject(new Error('socket hang up'));
    return Promise.resolve(this.server.jid ?? `${this.endpoint.username}@${this.endpoint.domain}/${this.endpoint.resource}`);
  }
  async send(stanza: Element): Promise<void> {
    this.sent.push(stanza);
    if (stanza.is('presence') && !stanza.attrs.type && this.server.announceAs) {
      const from = this.server.announceAs;
      queueMicrotask(() => this.deliver(xml('presence', { from })));
    }
  }
  request(stanza: Element): Promise<Element> {
    this.sent.push(stanza);
    if (this.server.pingReply === 'none') return new Promise(() => undefined);
    if (this.server.pingReply === 'manual') return new Promise((resolve, reject) => this.server.openPings.push({ resolve, reject }));
    if (this.server.pingReply === 'fail') return Promise.reject(new PatchbayError('finesse.xmpp.disconnected', 'gone', { action: 'retry' }));
    return Promise.resolve(xml('iq', { type: this.server.pingReply, id: String(stanza.attrs.id ?? '') }));
  }
  onStanza(listener: (s: Element) => void): void {
    this.stanzaListeners.push(listener);
  }
  onDown(listener: (e: PatchbayError) => void): void {
    this.downListeners.push(listener);
  }
  async stop(): Promise<void> {
    this.stops++;
  }
  deliver(stanza: Element): void {
    for (const l of this.stanzaListeners) l(stanza);
  }
  drop(code = 'finesse.xmpp.disconnected'): void {
    for (const l of this.downListeners) l(new PatchbayError(code, 'closed', { action: 'retry' }));
  }
  pings(): Element[] {
    return this.sent.filter((s) => s.is('iq'));
  }
}

class Server {
  startMode: StartMode = 'ok';
  announceAs: string | undefined = 'finesse@fin-a.example.com/Finesse';
  pingReply: 'result' | 'error' | 'none' | 'fail' | 'manual' = 'result';
  /** pingReply 'manual': the open pings, to answer (or fail) later. */
  readonly openPings: { resolve: (e: Element) => void; reject: (e: unknown) => void }[] = [];
  jid: string | undefined;
  links: Link[] = [];
  get last(): Link {
    return this.links[this.links.length - 1]!;
  }
  factory = (endpoint: XmppEndpoint) => {
    const link = new Link(endpoint, this);
    this.links.push(link);
    return link;
  };
}

function setup(overrides: Partial<NotificationChannelOptions> = {}) {
  const clock = new FakeClock();
  const server = new Server();
  const updates: FinesseUpdate[] = [];
  const statuses: ChannelStatus[] = [];
  const channel = new NotificationChannel({
    clock,
    log: createLogger({ sink: memorySink() }),
    endpoint: async () => ({ service: 'wss://fin-a.example.com:8445/ws', domain: 'fin-a.example.com', username: '98411', password: 'pw', resource: 'patchbay-test' }),
    linkFactory: server.factory,
    onUpdate: (u) => updates.push(u),
    onStatus: (s) => statuses.push(s),
    ...overrides,
  });
  return { clock, server, channel, updates, statuses };
}

async function tick(clock: FakeClock, ms: number, stepMs = 50): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) await clock.advance(Math.min(stepMs, ms - t));
}

const UPDATE = '<Update><data><user><state>READY</state></user></data><event>PUT</event><requestId>q</requestId><source>/finesse/api/User/98411</source></Update>';

function pubsub(items: Element): Element {
  return xml('message', { from: 'pubsub.fin-a.example.com' }, xml('event', { xmlns: 'http://jabber.org/protocol/pubsub#event' }, items));
}
const item = (...children: Element[]) => xml('item', { id: 'i' }, ...children);
const notification = (...content: (Element | string)[]) => xml('notification', { xmlns: 'urn:xmpp:push:0' }, ...content);

describe('connecting (§5 [ET])', () => {
  it('counts as connected only after Finesse presence; a differently-cased finesse@<domain> counts, presence from anyone else does not [ET]', async () => {
    const { channel, server, clock, statuses } = setup({ serverPresenceTimeoutMs: 4_000 });
    server.announceAs = 'agent-b@fin-a.example.com/x';
    const first = channel.start();
    const outcome = first.then(() => 'online', (e: PatchbayError) => e.code);
    await tick(clock, 3_900);
    expect(statuses).toEqual([]);
    // An "available" presence from the server counts as well.
    server.last.deliver(xml('presence', { from: 'FINESSE@Fin-A.example.com/Finesse', type: 'available' }));
    await tick(clock, 50);
    expect(statuses).toEqual([{ state: 'online', jid: '98411@fin-a.example.com/patchbay-test' }]);
    expect(await outcome).toBe('online');
    await channel.stop();
  });

  it('a presence of another type from Finesse before it announced itself neither connects nor drops [ET]', async () => {
    const { channel, server, clock } = setup({ serverPresenceTimeoutMs: 2_000 });
    server.announceAs = undefined;
    const outcome = channel.start().then(() => 'online', (e: PatchbayError) => e.code);
    await tick(clock, 100);
    server.last.deliver(xml('presence', { from: 'finesse@fin-a.example.com/Finesse', type: 'unavailable' }));
    await tick(clock, 2_000);
    expect(await outcome).toBe('finesse.xmpp.no-server-presence');
    expect(server.links).toHaveLength(1); // no reconnect from the unavailable presence
  });

  it('waits 10 s for Finesse by default, then fails the start with retry and the link stopped [ET]', async () => {
    const { channel, server, clock } = setup();
    server.announceAs = undefined;
    let error: PatchbayError | undefined;
    void channel.start().catch((e: PatchbayError) => (error = e));
    await tick(clock, 9_900);
    expect(error).toBeUndefined();
    await tick(clock, 200);
    expect(error).toMatchObject({ code: 'finesse.xmpp.no-server-presence', action: 'retry', message: 'Finesse did not announce itself on the notification connection.' });
    expect(server.last.stops).toBe(1);
    expect(channel.online).toBe(false);
  });

  it('serverJid null: online at once, without any presence; a custom serverJid is waited for instead [ET]', async () => {
    const a = setup({ serverJid: null });
    a.server.announceAs = undefined;
    await a.channel.start();
    expect(a.statuses).toEqual([{ state: 'online', jid: '98411@fin-a.example.com/patchbay-test' }]);
    await a.channel.stop();
    const b = setup({ serverJid: (e) => `Finesse-Node@${e.domain}`, serverPresenceTimeoutMs: 1_000 });
    b.server.announceAs = 'finesse-node@fin-a.example.com/F';
    void b.channel.start().catch(() => undefined);
    await tick(b.clock, 50);
    expect(b.statuses).toEqual([{ state: 'online', jid: '98411@fin-a.example.com/patchbay-test' }]);
    await b.channel.stop();
  });

  it('a link that does not come up in 10 s fails the start with a timeout (retry), and is stopped', async () => {
    const { channel, server, clock } = setup();
    server.startMode = 'hang';
    let error: PatchbayError | undefined;
    void channel.start().catch((e: PatchbayError) => (error = e));
    await tick(clock, 9_900);
    expect(error).toBeUndefined();
    await tick(clock, 200);
    expect(error).toMatchObject({ code: 'finesse.xmpp.timeout', action: 'retry', message: 'The notification server did not answer in time.' });
    expect(server.last.stops).toBe(1);
  });

  it('a start failure that is not typed is turned into a PatchbayError; no status is reported', async () => {
    const { channel, server, statuses } = setup();
    server.startMode = 'plain-error';
    await expect(channel.start()).rejects.toBeInstanceOf(PatchbayError);
    expect(statuses).toEqual([]);
  });

  it('stop() while the start waits ends the start with the stop, at once', async () => {
    const { channel, server, clock } = setup();
    server.startMode = 'hang';
    const outcome = channel.start().then(() => 'online', (e: PatchbayError) => e.code);
    await tick(clock, 100);
    await channel.stop();
    expect(await outcome).toBe('finesse.xmpp.stopped');
  });

  it('stop(): unavailable presence, link stopped, offline reported, no reconnect after a later drop', async () => {
    const { channel, server, clock, statuses } = setup();
    await channel.start();
    const link = server.last;
    await channel.stop();
    expect(link.sent.at(-1)?.toString()).toBe('<presence type="unavailable"/>');
    expect(link.stops).toBe(1);
    expect(statuses.at(-1)).toEqual({ state: 'offline' });
    expect(channel.online).toBe(false);
    link.drop();
    channel.reconnectNow(new PatchbayError('x', 'x', { action: 'retry' }));
    await tick(clock, 5_000);
    expect(server.links).toHaveLength(1);
  });
});

describe('keep-alive (§5)', () => {
  it('pings the domain of the bound JID every 15 s by default, again after each answer, error answers included (XEP-0199)', async () => {
    const { channel, server, clock } = setup();
    server.jid = '98411@fin-a.example.com/patchbay-test';
    await channel.start();
    await tick(clock, 14_900);
    expect(server.last.pings()).toHaveLength(0);
    await tick(clock, 100);
    const ping = server.last.pings()[0]!;
    expect(ping.attrs).toMatchObject({ type: 'get', to: 'fin-a.example.com' });
    expect(ping.getChild('ping', 'urn:xmpp:ping')).toBeDefined();
    server.pingReply = 'error';
    await tick(clock, 15_000);
    expect(server.last.pings()).toHaveLength(2);
    await tick(clock, 15_000);
    expect(server.last.pings()).toHaveLength(3);
    expect(server.links).toHaveLength(1);
    await channel.stop();
  });

  it('a ping unanswered for 10 s (default) drops the link and reconnects', async () => {
    const { channel, server, clock } = setup();
    await channel.start();
    server.pingReply = 'none';
    await tick(clock, 15_000);
    expect(server.last.pings()).toHaveLength(1);
    await tick(clock, 9_900);
    expect(server.links).toHaveLength(1);
    server.pingReply = 'result';
    await tick(clock, 200);
    expect(server.links).toHaveLength(2);
    expect(server.links[0]!.stops).toBe(1);
    await channel.stop();
  });

  it('a ping that fails drops the link with the failure as the reconnect error', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [5_000] });
    await channel.start();
    server.pingReply = 'fail';
    await tick(clock, 15_000);
    expect(statuses.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 1, error: { code: 'finesse.xmpp.disconnected' } });
    await channel.stop();
  });

  it('a ping without a domain in the JID goes without "to"', async () => {
    const { channel, server, clock } = setup({ pingIntervalMs: 1_000 });
    server.jid = 'no-domain';
    await channel.start();
    await tick(clock, 1_000);
    expect(server.last.pings()[0]!.attrs.to).toBeUndefined();
    await channel.stop();
  });

  it('no ping after stop()', async () => {
    const { channel, server, clock } = setup({ pingIntervalMs: 1_000 });
    await channel.start();
    const link = server.last;
    await channel.stop();
    await tick(clock, 5_000);
    expect(link.pings()).toHaveLength(0);
  });
});

describe('incoming pubsub events (§5)', () => {
  it('an Update as a child element, as text, or escaped once more, each reaches onUpdate with the node', async () => {
    const { channel, server, updates, clock } = setup();
    await channel.start();
    const node = '/finesse/api/User/98411';
    const asElement = xml('Update', {}, xml('data', {}, xml('user', {}, xml('state', {}, 'NOT_READY'))), xml('source', {}, node));
    server.last.deliver(pubsub(xml('items', { node }, item(notification(asElement)))));
    server.last.deliver(pubsub(xml('items', { node }, item(notification(UPDATE)))));
    server.last.deliver(pubsub(xml('items', { node }, item(notification(UPDATE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))))));
    expect(updates.map((u) => (u.kind === 'user' ? u.user.state : u.kind))).toEqual(['NOT_READY', 'READY', 'READY']);
    expect(channel.lastEventAt).toBe(clock.now());
    await channel.stop();
  });

  it('an item whose first child is not <notification> is read; several items each reach onUpdate; an empty item is skipped', async () => {
    const { channel, server, updates } = setup();
    await channel.start();
    const node = '/finesse/api/User/98411';
    server.last.deliver(pubsub(xml('items', { node }, xml('item', { id: 'empty' }), item(xml('payload', {}, UPDATE)), item(notification(UPDATE)))));
    expect(updates).toHaveLength(2);
    await channel.stop();
  });

  it('messages without a pubsub event or without items, and presence from others, change nothing; lastEventAt only after a decoded update', async () => {
    const { channel, server, updates, statuses } = setup();
    await channel.start();
    const before = statuses.length;
    server.last.deliver(xml('message', {}, xml('body', {}, 'hello')));
    server.last.deliver(xml('message', {}, xml('event', { xmlns: 'urn:other' }, xml('items', { node: 'n' }, item(notification(UPDATE))))));
    server.last.deliver(pubsub(xml('retract', {})));
    server.last.deliver(xml('presence', { from: 'someone@fin-a.example.com', type: 'unavailable' }));
    server.last.deliver(xml('presence', { type: 'unavailable' }));
    server.last.deliver(xml('iq', { type: 'result' }));
    server.last.deliver(pubsub(xml('items', { node: 'n' }, item(notification('<Update><bad')))));
    expect(updates).toEqual([]);
    expect(channel.lastEventAt).toBeUndefined();
    expect(statuses.length).toBe(before);
    expect(channel.online).toBe(true);
    await channel.stop();
  });
});

describe('reconnect schedule (§5 [PRES])', () => {
  it('follows the delays 0, 250, 500, 1000, 2000, 3000 ms, then repeats the last, with attempt numbers and next times', async () => {
    expect(DEFAULT_RECONNECT_DELAYS_MS).toEqual([0, 250, 500, 1_000, 2_000, 3_000]);
    const { channel, server, clock, statuses } = setup();
    await channel.start();
    server.startMode = 'unreachable';
    const droppedAt = clock.now();
    server.last.drop();
    await tick(clock, 15_000, 10);
    const reconnecting = statuses.filter((s): s is Extract<ChannelStatus, { state: 'reconnecting' }> => s.state === 'reconnecting');
    const gaps = reconnecting.slice(0, 8).map((s) => s.nextAttemptAt - droppedAt);
    // Each attempt's next time is its start plus its delay; starts follow each other by the delays.
    expect(reconnecting.slice(0, 8).map((s) => s.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(gaps).toEqual([0, 250, 750, 1_750, 3_750, 6_750, 9_750, 12_750]);
    expect(reconnecting[1]!.error.code).toBe('finesse.xmpp.unreachable');
    expect(reconnecting[0]!.error.code).toBe('finesse.xmpp.disconnected');
    await channel.stop();
  });

  it('an empty delay list waits 1 s between attempts', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [] });
    await channel.start();
    server.startMode = 'unreachable';
    const droppedAt = clock.now();
    server.last.drop();
    await tick(clock, 2_500);
    const next = statuses.flatMap((s) => (s.state === 'reconnecting' ? [s.nextAttemptAt - droppedAt] : []));
    expect(next).toEqual([1_000, 2_000, 3_000]);
    await channel.stop();
  });

  it('beforeReconnect gets the attempt, the last error and the channel signal; reconnectTimes and the online status carry the time from the drop', async () => {
    const calls: [number, string, boolean][] = [];
    const { channel, server, clock, statuses } = setup({
      reconnectDelaysMs: [100, 200],
      beforeReconnect: async (attempt, error, signal) => void calls.push([attempt, error.code, signal.aborted]),
    });
    await channel.start();
    server.startMode = 'unreachable';
    server.last.drop('finesse.xmpp.failed');
    await tick(clock, 100);
    server.startMode = 'ok';
    await tick(clock, 200);
    expect(calls).toEqual([
      [1, 'finesse.xmpp.failed', false],
      [2, 'finesse.xmpp.unreachable', false],
    ]);
    expect(channel.reconnectTimes).toEqual([300]);
    expect(statuses.at(-1)).toEqual({ state: 'online', jid: '98411@fin-a.example.com/patchbay-test', reconnectMs: 300 });
    expect(channel.online).toBe(true);
    await channel.stop();
  });

  it('a second drop while reconnecting starts no second loop', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [1_000] });
    await channel.start();
    const link = server.last;
    link.drop();
    channel.reconnectNow(new PatchbayError('finesse.node.moving', 'moving', { action: 'retry' }));
    link.drop();
    await tick(clock, 1_000);
    expect(statuses.filter((s) => s.state === 'reconnecting')).toHaveLength(1);
    expect(server.links).toHaveLength(2);
    expect(link.stops).toBe(1);
    await channel.stop();
  });

  it('a drop of a link that is no longer the current one is ignored', async () => {
    const { channel, server, clock } = setup();
    await channel.start();
    const old = server.last;
    old.drop();
    await tick(clock, 100);
    expect(server.links).toHaveLength(2);
    old.drop();
    await tick(clock, 100);
    expect(server.links).toHaveLength(2);
    await channel.stop();
  });

  it('reconnectNow drops the current link and reconnects with the reason; not when stopped', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [0] });
    expect(() => channel.reconnectNow(new PatchbayError('finesse.node.moving', 'moving', { action: 'retry' }))).not.toThrow();
    expect(server.links).toHaveLength(0);
    await channel.start();
    channel.reconnectNow(new PatchbayError('finesse.node.moving', 'moving', { action: 'retry' }));
    expect(channel.online).toBe(false);
    await tick(clock, 50);
    expect(statuses.find((s) => s.state === 'reconnecting')).toMatchObject({ error: { code: 'finesse.node.moving' } });
    expect(server.links).toHaveLength(2);
    expect(server.links[0]!.stops).toBe(1);
    await channel.stop();
  });

  it('Finesse leaving (unavailable presence) drops the link once, with finesse.xmpp.server-unavailable; a second one is ignored', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [5_000] });
    await channel.start();
    const link = server.last;
    const gone = xml('presence', { from: 'finesse@fin-a.example.com/Finesse', type: 'unavailable' });
    link.deliver(gone);
    link.deliver(gone);
    await tick(clock, 100);
    const reconnecting = statuses.filter((s) => s.state === 'reconnecting');
    expect(reconnecting).toHaveLength(1);
    expect(reconnecting[0]).toMatchObject({ error: { code: 'finesse.xmpp.server-unavailable', action: 'retry' } });
    await channel.stop();
  });

  it('a refused sign-in while reconnecting ends it: offline with that error, running no more', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [0] });
    await channel.start();
    server.startMode = 'refused';
    server.last.drop();
    await tick(clock, 1_000);
    expect(statuses.at(-1)).toMatchObject({ state: 'offline', error: { code: 'finesse.xmpp.auth-failed' } });
    expect(server.links).toHaveLength(2);
    channel.reconnectNow(new PatchbayError('x', 'x', { action: 'retry' }));
    await tick(clock, 1_000);
    expect(server.links).toHaveLength(2);
  });

  it('stop() during the wait or during beforeReconnect ends the loop: no further link, no further status', async () => {
    let release: (() => void) | undefined;
    const { channel, server, clock, statuses } = setup({
      reconnectDelaysMs: [1_000],
      beforeReconnect: () => new Promise<void>((r) => (release = r)),
    });
    await channel.start();
    server.last.drop();
    await tick(clock, 1_000);
    expect(release).toBeDefined();
    await channel.stop();
    const after = statuses.length;
    release!();
    await tick(clock, 5_000);
    expect(server.links).toHaveLength(1);
    expect(statuses.length).toBe(after);

    const b = setup({ reconnectDelaysMs: [60_000] });
    await b.channel.start();
    b.server.last.drop();
    await tick(b.clock, 100);
    await b.channel.stop();
    await tick(b.clock, 100);
    expect(b.channel.retryNow()).toBe(false);
    await tick(b.clock, 61_000);
    expect(b.server.links).toHaveLength(1);
  });

  it('a stop while an attempt fails reports nothing more', async () => {
    const { channel, server, clock, statuses } = setup({
      reconnectDelaysMs: [0],
      beforeReconnect: async () => {
        await channel.stop();
        throw new PatchbayError('finesse.node.none', 'none', { action: 'contact-it' });
      },
    });
    await channel.start();
    server.last.drop();
    await tick(clock, 100);
    expect(statuses.at(-1)).toEqual({ state: 'offline' });
  });
});

describe('xmppServiceUrl (§5)', () => {
  it('ws for http, wss for https; the REST port unless configured; /ws unless a path is given; query and fragment dropped', () => {
    expect(xmppServiceUrl('http://fin-a.example.com:8082/desktop?x=1#y')).toBe('ws://fin-a.example.com:8082/ws');
    expect(xmppServiceUrl('https://fin-a.example.com/desktop?x=1#y', { port: 7443 })).toBe('wss://fin-a.example.com:7443/ws');
  });
});

describe('no leftovers (§5)', () => {
  it('a failed start leaves the channel stopped: reconnectNow starts nothing', async () => {
    const { channel, server, clock } = setup();
    server.startMode = 'unreachable';
    await expect(channel.start()).rejects.toMatchObject({ code: 'finesse.xmpp.unreachable' });
    server.startMode = 'ok';
    channel.reconnectNow(new PatchbayError('finesse.node.moving', 'moving', { action: 'retry' }));
    await tick(clock, 5_000);
    expect(server.links).toHaveLength(1);
  });

  it('a stop during the start rejects it with "Notifications stopped." and nothing to do', async () => {
    const { channel, server, clock } = setup();
    server.startMode = 'hang';
    const outcome = channel.start().then(() => undefined, (e: unknown) => e);
    await tick(clock, 10);
    await channel.stop();
    expect(await outcome).toMatchObject({ code: 'finesse.xmpp.stopped', message: 'Notifications stopped.', action: 'none' });
  });

  it('stop() leaves no timer behind: online (ping timer) or waiting between reconnect attempts', async () => {
    const a = setup();
    await a.channel.start();
    expect(a.clock.pendingTimers()).toBe(1); // the keep-alive ping
    await a.channel.stop();
    expect(a.clock.pendingTimers()).toBe(0);
    const b = setup({ reconnectDelaysMs: [60_000] });
    await b.channel.start();
    b.server.last.drop();
    await tick(b.clock, 100);
    expect(b.clock.pendingTimers()).toBe(1); // the wait before attempt 1
    await b.channel.stop();
    await tick(b.clock, 0);
    expect(b.clock.pendingTimers()).toBe(0);
  });

  it('a stop while waiting between attempts runs no failover check', async () => {
    const checks: number[] = [];
    const { channel, server, clock } = setup({ reconnectDelaysMs: [5_000], beforeReconnect: async (attempt) => void checks.push(attempt) });
    await channel.start();
    server.last.drop();
    await tick(clock, 1_000);
    await channel.stop();
    await tick(clock, 10_000);
    expect(checks).toEqual([]);
  });

  it('an unanswered ping reconnects with finesse.xmpp.ping-timeout (retry)', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [60_000] });
    await channel.start();
    server.pingReply = 'none';
    await tick(clock, 25_000);
    expect(statuses.at(-1)).toMatchObject({
      state: 'reconnecting',
      error: { code: 'finesse.xmpp.ping-timeout', action: 'retry', message: 'The notification server stopped answering.' },
    });
    await channel.stop();
  });

  it('a late answer to a ping of the old link keeps the new link\'s keep-alive on time', async () => {
    const { channel, server, clock } = setup({ reconnectDelaysMs: [0], pingTimeoutMs: 60_000 });
    await channel.start();
    server.pingReply = 'manual';
    await tick(clock, 15_000); // a ping on link 1, open
    expect(server.openPings).toHaveLength(1);
    server.last.drop();
    await tick(clock, 100);
    expect(server.links).toHaveLength(2);
    await tick(clock, 5_000);
    server.openPings[0]!.resolve(xml('iq', { type: 'result' }));
    await tick(clock, 10_000); // link 2's ping was due 15 s after it came up
    expect(server.links[1]!.pings()).toHaveLength(1);
    await channel.stop();
  });

  it('a late failure of a ping of the old link starts no reconnect of the new one', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [0], pingTimeoutMs: 60_000 });
    await channel.start();
    server.pingReply = 'manual';
    await tick(clock, 15_000);
    server.last.drop();
    await tick(clock, 100);
    expect(server.links).toHaveLength(2);
    const before = statuses.length;
    server.openPings[0]!.reject(new PatchbayError('finesse.xmpp.disconnected', 'gone', { action: 'retry' }));
    await tick(clock, 100);
    expect(server.links).toHaveLength(2);
    expect(statuses.length).toBe(before);
    await channel.stop();
  });

  it('after one reconnect, a second drop reconnects again', async () => {
    const { channel, server, clock } = setup({ reconnectDelaysMs: [0] });
    await channel.start();
    server.last.drop();
    await tick(clock, 100);
    server.last.drop();
    await tick(clock, 100);
    expect(server.links).toHaveLength(3);
    expect(channel.reconnectTimes).toHaveLength(2);
    await channel.stop();
  });

  it('Finesse leaving is said as such: "Finesse left the notification service."', async () => {
    const { channel, server, clock, statuses } = setup({ reconnectDelaysMs: [60_000] });
    await channel.start();
    server.last.deliver(xml('presence', { from: 'finesse@fin-a.example.com', type: 'unavailable' }));
    await tick(clock, 10);
    expect(statuses.at(-1)).toMatchObject({ state: 'reconnecting', error: { message: 'Finesse left the notification service.' } });
    await channel.stop();
  });
});

describe('Update payload forms (§5)', () => {
  it('a lower-case <update> child; a child Update whose text holds a "<" (serialised as &lt;); an escaped Update after whitespace', async () => {
    const { channel, server, updates } = setup();
    await channel.start();
    const node = '/finesse/api/User/98411';
    const lower = xml('update', {}, xml('data', {}, xml('user', {}, xml('state', {}, 'READY'))), xml('source', {}, node));
    server.last.deliver(pubsub(xml('items', { node }, item(notification(lower)))));
    const withLt = xml('Update', {}, xml('data', {}, xml('user', {}, xml('state', {}, 'NOT_READY'), xml('firstName', {}, 'a<b'))), xml('source', {}, node));
    server.last.deliver(pubsub(xml('items', { node }, item(notification(withLt)))));
    const escaped = UPDATE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    server.last.deliver(pubsub(xml('items', { node }, item(notification(`\n  ${escaped}`)))));
    expect(updates.map((u) => (u.kind === 'user' ? `${u.user.state}:${u.user.firstName ?? ''}` : u.kind))).toEqual(['READY:', 'NOT_READY:a<b', 'READY:']);
    await channel.stop();
  });
});

describe('online (§5 [ET])', () => {
  it('not online while the first connection or a reconnect waits for Finesse; online once it announced itself', async () => {
    const { channel, server, clock } = setup({ reconnectDelaysMs: [0], serverPresenceTimeoutMs: 60_000 });
    server.startMode = 'hang';
    void channel.start().catch(() => undefined);
    await tick(clock, 10);
    expect(channel.online).toBe(false);
    await channel.stop();
    const b = setup({ reconnectDelaysMs: [0], serverPresenceTimeoutMs: 60_000 });
    await b.channel.start();
    expect(b.channel.online).toBe(true);
    b.server.announceAs = undefined;
    b.server.last.drop();
    await tick(b.clock, 100);
    expect(b.server.links).toHaveLength(2); // the new link is up, Finesse has not announced itself yet
    expect(b.channel.online).toBe(false);
    b.server.last.deliver(xml('presence', { from: 'finesse@fin-a.example.com/Finesse' }));
    await tick(b.clock, 10);
    expect(b.channel.online).toBe(true);
    await b.channel.stop();
  });

  it('the <notification> child is found among other children of the item', async () => {
    const { channel, server, updates } = setup();
    await channel.start();
    server.last.deliver(pubsub(xml('items', { node: '/finesse/api/User/98411' }, item(xml('headers', {}), notification(UPDATE)))));
    expect(updates).toHaveLength(1);
    await channel.stop();
  });
});
