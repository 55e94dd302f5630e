// The client's XMPP link (main/core/platforms/finesse/xmpp-link.ts, the @xmpp/client glue) over the
// Finesse lab's XMPP service on real sockets (protocols/finesse.md §5): SASL PLAIN and the bound JID,
// the reserved `desktop` resource, what a refused sign-in / an unopened stream / a dead port become,
// `onDown` exactly once for a drop and never for stop() or a failed start, stanzas both ways, IQ error
// replies, and the WebSocket opened through the core's dispatcher (issue 8 items 4 and 5).
// Session 5 MUT-FINORCH: each case kills mutants of xmpp-link.ts (docs/mutation.md).
import { createServer } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinesseLab, type FinesseLab } from '../../../lab/finesse/lab.ts';
import type { PatchbayError } from '../../../main/core/errors.ts';
import { createXmppLink, xml, type Element, type XmppEndpoint, type XmppLink } from '../../../main/core/platforms/finesse/xmpp-link.ts';
import { rejection, thrown } from '../../helpers/errors.ts';
import { waitFor } from '../../helpers/wait.ts';

let lab: FinesseLab;
const links: XmppLink[] = [];

beforeAll(async () => {
  lab = await startFinesseLab();
});

afterAll(async () => {
  for (const l of links.splice(0)) await l.stop();
  await lab?.close();
});

const JDOE = { username: '98412', password: 'jdoe-lab-pw' };

function endpoint(extra: Partial<XmppEndpoint> = {}): XmppEndpoint {
  return { service: lab.primary.xmppUrl, domain: lab.xmppDomain, ...JDOE, resource: 'patchbay-link', allowCleartext: true, ...extra };
}

function link(extra: Partial<XmppEndpoint> = {}): XmppLink {
  const l = createXmppLink(endpoint(extra));
  links.push(l);
  return l;
}

const host = () => new URL(lab.primary.xmppUrl).host;

function downs(l: XmppLink): PatchbayError[] {
  const seen: PatchbayError[] = [];
  l.onDown((e) => seen.push(e));
  return seen;
}

/** Lets the sockets' last events arrive before "nothing happened" is asserted. */
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** A dispatcher that counts the connections the WebSocket opens through it; `refuse` opens none. */
function countingDispatcher(refuse = false) {
  const connect = buildConnector({});
  const counted = { hosts: [] as string[] };
  const agent = new Agent({
    connect: (options, callback) => {
      counted.hosts.push(options.hostname);
      if (refuse) callback(new Error('refused by the test: no network'), null);
      else connect(options, callback);
    },
  });
  return { agent, counted };
}

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('XMPP link over the Finesse lab [§5]', () => {
  it('signs in with SASL PLAIN and resolves with the bound JID <id>@<xmppDomain>/<resource> [§5]', async () => {
    const l = link({ resource: 'patchbay-jid' });
    expect(await l.start()).toBe(`98412@${lab.xmppDomain}/patchbay-jid`);
    expect(lab.xmppSessions().some((s) => s.jid === `98412@${lab.xmppDomain}/patchbay-jid`)).toBe(true);
    await l.stop();
  });

  it('refuses the resource "desktop" in any letter case before connecting: Finesse reserves it [§5]', () => {
    for (const resource of ['desktop', 'Desktop', 'DESKTOP']) {
      const error = thrown(() => createXmppLink(endpoint({ resource })));
      expect(error).toMatchObject({ code: 'finesse.xmpp.bad-resource', action: 'contact-it' });
      expect(error.message).toContain('"desktop"');
    }
    // Only that name: a resource that merely contains it is fine.
    expect(() => createXmppLink(endpoint({ resource: 'desktop-2' }))).not.toThrow();
  });

  it('a refused password is "sign in again", not a retry; it fires no onDown [§5]', async () => {
    const l = link({ password: 'wrong' });
    const down = downs(l);
    const error = await rejection(l.start());
    expect(error).toMatchObject({ code: 'finesse.xmpp.auth-failed', action: 'sign-in-again', details: { host: host(), condition: 'not-authorized' } });
    expect(error.message).toBe(`The notification server at ${host()} refused the sign-in (not-authorized).`);
    await settle();
    expect(down).toEqual([]);
  });

  it('a stream the server will not open (unknown XMPP domain) is "cannot open", retried; no onDown [§5]', async () => {
    const l = link({ domain: 'not-the-domain.example' });
    const down = downs(l);
    const error = await rejection(l.start());
    expect(error).toMatchObject({ code: 'finesse.xmpp.unreachable', action: 'retry', details: { host: host() } });
    expect(error.message).toBe(`Cannot open the notification connection to ${host()}.`);
    expect(error.cause).toBeDefined();
    await settle();
    expect(down).toEqual([]);
  });

  it('nothing listening on the port is "cannot open", retried [§5]', async () => {
    const port = await deadPort();
    const l = link({ service: `ws://127.0.0.1:${port}/ws` });
    const down = downs(l);
    const error = await rejection(l.start());
    expect(error).toMatchObject({ code: 'finesse.xmpp.unreachable', action: 'retry', details: { host: `127.0.0.1:${port}` } });
    await settle();
    expect(down).toEqual([]);
  });

  it('a drop of a link that was online reaches every onDown listener exactly once, as a retry naming the host [§5, PRES]', async () => {
    const l = link({ resource: 'patchbay-drop' });
    const first = downs(l);
    const second = downs(l);
    await l.start();
    expect(lab.dropXmpp()).toBeGreaterThan(0);
    await waitFor(() => first.length > 0 && second.length > 0, 'onDown after the drop');
    await settle();
    expect(first).toHaveLength(1);
    expect(second).toEqual(first);
    const [error] = first;
    expect(error!.code).toMatch(/^finesse\.xmpp\.(failed|disconnected)$/);
    expect(error).toMatchObject({ action: 'retry', details: { host: host() } });
    expect(error!.message).toContain(host());
  });

  it('a clean close by the server (the stream ends) is "closed", retried [§5]', async () => {
    // The lab's idle rule: no frame for xmppIdleTimeoutMs and the server ends the session.
    const quiet = await startFinesseLab({ xmppIdleTimeoutMs: 400 });
    try {
      const l = createXmppLink({ ...endpoint({ resource: 'patchbay-idle' }), service: quiet.primary.xmppUrl, domain: quiet.xmppDomain });
      const down = downs(l);
      await l.start();
      await waitFor(() => down.length > 0, 'onDown after the idle close');
      expect(down[0]!.code).toMatch(/^finesse\.xmpp\.(failed|disconnected)$/);
      expect(down[0]).toMatchObject({ action: 'retry', details: { host: new URL(quiet.primary.xmppUrl).host } });
      await l.stop();
    } finally {
      await quiet.close();
    }
  });

  it('stop() ends the link without onDown, and stopping again is harmless', async () => {
    const l = link({ resource: 'patchbay-stop' });
    const down = downs(l);
    await l.start();
    await l.stop();
    await settle();
    expect(down).toEqual([]);
    await expect(l.stop()).resolves.toBeUndefined();
    expect(lab.xmppSessions().some((s) => s.jid?.endsWith('/patchbay-stop'))).toBe(false);
  });

  it('stop() fails a request still waiting for its answer as "closed", with nothing for the agent to do', async () => {
    const l = link({ resource: 'patchbay-stop-pending' });
    await l.start();
    lab.silenceXmpp(true);
    try {
      const pending = l.request(xml('iq', { type: 'get', to: lab.xmppDomain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
      const failed = rejection(pending);
      await l.stop();
      const error = await failed;
      expect(error).toMatchObject({ code: 'finesse.xmpp.disconnected', action: 'none', details: { host: host() } });
      expect(error.message).toBe(`The notification connection to ${host()} closed.`);
    } finally {
      lab.silenceXmpp(false);
    }
  });

  it('send() puts a stanza on the wire and onStanza hears the answer: presence, then Finesse\'s presence [§5 ET]', async () => {
    const l = link({ resource: 'patchbay-presence' });
    const heard: Element[] = [];
    l.onStanza((s) => heard.push(s));
    await l.start();
    await l.send(xml('presence'));
    const finesse = await waitFor(() => heard.find((s) => s.is('presence') && String(s.attrs['from'] ?? '').startsWith(`finesse@${lab.xmppDomain}`)), 'presence of finesse@');
    expect(finesse.attrs['type']).toBeUndefined();
    await l.stop();
  });

  it('request() resolves with the reply, also an IQ error reply; a request without id gets one, a given id is kept [§5]', async () => {
    const l = link({ resource: 'patchbay-iq' });
    await l.start();
    const ping = xml('iq', { type: 'get', to: lab.xmppDomain }, xml('ping', { xmlns: 'urn:xmpp:ping' }));
    const result = await l.request(ping);
    expect(result.attrs['type']).toBe('result');
    expect(typeof ping.attrs['id']).toBe('string');
    expect(ping.attrs['id']).not.toBe('');
    const mine = xml('iq', { type: 'get', to: lab.xmppDomain, id: 'ping-mine' }, xml('ping', { xmlns: 'urn:xmpp:ping' }));
    expect((await l.request(mine)).attrs['id']).toBe('ping-mine');
    // An IQ the server does not implement: its error reply is the answer, not a rejection.
    const unknown = await l.request(xml('iq', { type: 'get', to: lab.xmppDomain }, xml('query', { xmlns: 'urn:example:nothing' })));
    // The reply is the IQ itself (XmppLink.request's contract), not only its <error/> child.
    expect(unknown.name).toBe('iq');
    expect(unknown.attrs['type']).toBe('error');
    expect(unknown.getChild('error')?.getChild('service-unavailable')).toBeDefined();
    await l.stop();
  });

  it('opens its WebSocket through the dispatcher it is given, not the global one [issue 8 item 5]', async () => {
    const { agent, counted } = countingDispatcher();
    try {
      const l = link({ resource: 'patchbay-dispatcher', dispatcher: agent });
      await l.start();
      expect(counted.hosts).toEqual(['127.0.0.1']);
      await l.stop();
    } finally {
      await agent.close();
    }
  });

  it('ws:// to another computer is refused unless the profile is a lab profile [issue 8 item 4]', async () => {
    const refused = countingDispatcher(true);
    const plain = link({ service: 'ws://fin-a.example.com:8445/ws', allowCleartext: false, dispatcher: refused.agent });
    const error = await rejection(plain.start());
    // Not "cannot open, retry": the channel would reconnect to it for ever; the agent is told to call IT.
    expect(error).toMatchObject({ code: 'net.cleartext-refused', action: 'contact-it', details: { host: 'fin-a.example.com:8445' } });
    expect(refused.counted.hosts).toEqual([]);
    // A lab profile may: the connection is attempted (here refused by the test's dispatcher, no network).
    const labProfile = link({ service: 'ws://fin-a.example.com:8445/ws', allowCleartext: true, dispatcher: refused.agent });
    expect((await rejection(labProfile.start())).code).toBe('finesse.xmpp.unreachable');
    expect(refused.counted.hosts).toEqual(['fin-a.example.com']);
    await refused.agent.close();
  });
});
