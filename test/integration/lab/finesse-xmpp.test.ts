// The Finesse lab's notification service (XMPP over WebSocket, RFC 7395) with @xmpp/client as the
// test client, plus raw WebSocket frames for what a well-behaved client never sends.
import { client, xml } from '@xmpp/client';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFinesseLab } from '../../../lab/finesse/lab.ts';
import type { FinesseLab } from '../../../lab/finesse/lab.ts';
import { basic, call, waitFor, xmlHeaders } from './finesse-helpers.ts';
import type { ParsedXml } from './finesse-helpers.ts';

type Stanza = ReturnType<typeof xml>;
type Client = ReturnType<typeof client>;

const JDOE = basic('jdoe', 'jdoe-lab-pw');
const updateParser = new XMLParser({ parseTagValue: false, processEntities: true });
let lab: FinesseLab;
const clients: Client[] = [];

interface Conn {
  xmpp: Client;
  stanzas: Stanza[];
  errors: Error[];
  offline: boolean;
}

async function connect(options: { username?: string; password?: string; service?: string; domain?: string; resource?: string; presence?: boolean } = {}): Promise<Conn> {
  const xmpp = client({
    service: options.service ?? lab.primary.xmppUrl,
    domain: options.domain ?? lab.xmppDomain,
    resource: options.resource ?? 'patchbay-test',
    username: options.username ?? '98412',
    password: options.password ?? 'jdoe-lab-pw',
  });
  xmpp.reconnect.stop();
  const conn: Conn = { xmpp, stanzas: [], errors: [], offline: false };
  xmpp.on('stanza', (s: Stanza) => conn.stanzas.push(s));
  xmpp.on('error', (e: Error) => conn.errors.push(e));
  xmpp.on('disconnect', () => {
    conn.offline = true;
  });
  clients.push(xmpp);
  await xmpp.start();
  if (options.presence ?? true) await xmpp.send(xml('presence'));
  return conn;
}

/** The Update payloads (escaped XML inside <notification>) received on a node. */
function updates(conn: Conn, node: string): ParsedXml[] {
  return conn.stanzas
    .filter((s) => s.is('message') && s.getChild('event', 'http://jabber.org/protocol/pubsub#event')?.getChild('items')?.attrs['node'] === node)
    .map((s) => {
      const text = s.getChild('event')?.getChild('items')?.getChild('item')?.getChild('notification', 'urn:xmpp:push:0')?.getText() ?? '';
      return (updateParser.parse(text) as { Update: ParsedXml }).Update;
    });
}

const USER_NODE = '/finesse/api/User/98412';

beforeAll(async () => {
  lab = await startFinesseLab({ ctiDelayMs: 1, forcedLogoutMs: 400, xmppIdleTimeoutMs: 5_000 });
});
afterAll(async () => {
  await lab.close();
});
beforeEach(() => {
  lab.setUserState('98412', 'LOGOUT');
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => undefined)));
});

describe('session', () => {
  it('authenticates with SASL PLAIN, binds the resource and answers initial presence with finesse@<domain>', async () => {
    const conn = await connect();
    expect(conn.xmpp.jid?.toString()).toBe(`98412@${lab.xmppDomain}/patchbay-test`);
    const presence = await waitFor(() => conn.stanzas.find((s) => s.is('presence')), 'finesse presence');
    expect(presence.attrs['from']).toBe(`finesse@${lab.xmppDomain}/finesse`);
    expect(lab.xmppSessions()).toEqual([expect.objectContaining({ node: 'primary', loginId: '98412', available: true, jid: `98412@${lab.xmppDomain}/patchbay-test` })]);
  });

  it('refuses a wrong password with SASL not-authorized', async () => {
    await expect(connect({ password: 'wrong' })).rejects.toThrow(/not-authorized/);
  });

  it('authenticates an SSO user with the access token as the password, and not with an expired one', async () => {
    const tokens = lab.issueTokens('sjefferson');
    const conn = await connect({ username: '98411', password: tokens.accessToken });
    expect(conn.xmpp.jid?.local).toBe('98411');
    await expect(connect({ username: '98411', password: 'sjefferson-lab-pw' })).rejects.toThrow(/not-authorized/);
    lab.expireTokens({ userId: 'sjefferson', which: 'access' });
    await expect(connect({ username: '98411', password: tokens.accessToken, resource: 'other' })).rejects.toThrow(/not-authorized/);
  });

  it('refuses a JID domain other than the SystemInfo xmppDomain', async () => {
    await expect(connect({ domain: 'wrong.invalid' })).rejects.toThrow(/host-unknown/);
  });

  it('answers a ping', async () => {
    const conn = await connect();
    const result = await conn.xmpp.iqCaller.request(xml('iq', { type: 'get', to: lab.xmppDomain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    expect(result.attrs['type']).toBe('result');
  });

  it('lists the auto-subscribed pubsub nodes', async () => {
    const conn = await connect();
    const result = await conn.xmpp.iqCaller.request(xml('iq', { type: 'get', to: lab.xmppPubSubDomain }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('subscriptions'))));
    const nodes = result.getChild('pubsub')?.getChild('subscriptions')?.getChildren('subscription').map((s: Stanza) => s.attrs['node']);
    expect(nodes).toEqual([USER_NODE, `${USER_NODE}/Dialogs`, `${USER_NODE}/Media/1`, '/finesse/api/SystemInfo']);
  });

  it("refuses the desktop's reserved resource name", async () => {
    await expect(connect({ resource: 'desktop' })).rejects.toThrow();
  });
});

describe('events', () => {
  it('publishes the User update after a state change, with the requestId echoed', async () => {
    const conn = await connect();
    await waitFor(() => conn.stanzas.some((s) => s.is('presence')), 'presence');
    const res = await call(`${lab.primary.url}/finesse/api/User/98412`, 'PUT', { headers: xmlHeaders(JDOE, { requestId: 'req-42' }), body: '<User><state>LOGIN</state><extension>1001002</extension></User>' });
    expect(res.status).toBe(202);
    const [update] = await waitFor(() => {
      const u = updates(conn, USER_NODE);
      return u.length > 0 ? u : undefined;
    }, 'user update');
    expect(update).toMatchObject({ event: 'PUT', requestId: 'req-42', source: USER_NODE, data: { user: { loginId: '98412', loginName: 'jdoe', state: 'NOT_READY', extension: '1001002', reasonCodeId: '-1' } } });
    const message = conn.stanzas.find((s) => s.is('message'));
    expect(message?.attrs).toMatchObject({ from: lab.xmppPubSubDomain, to: `98412@${lab.xmppDomain}` });
  });

  it('delivers async CTI errors as apiErrors (202 is not success)', async () => {
    const conn = await connect();
    await waitFor(() => conn.stanzas.some((s) => s.is('presence')), 'presence');
    expect((await call(`${lab.primary.url}/finesse/api/User/98412`, 'PUT', { headers: xmlHeaders(JDOE), body: '<User><state>LOGIN</state><extension>9999</extension></User>' })).status).toBe(202);
    const device = await waitFor(() => updates(conn, USER_NODE)[0], 'device error');
    expect(device['data']['apiErrors']['apiError']).toMatchObject({ errorType: 'Invalid Device', errorMessage: 'CF_INVALID_LOGON_DEVICE_SPECIFIED' });
    lab.setUserState('98412', 'READY');
    // UCCE: LOGOUT only from NOT_READY.
    expect((await call(`${lab.primary.url}/finesse/api/User/98412`, 'PUT', { headers: xmlHeaders(JDOE), body: '<User><state>LOGOUT</state><reasonCodeId>11</reasonCodeId></User>' })).status).toBe(202);
    const state = await waitFor(() => updates(conn, USER_NODE).find((u) => u['data']['apiErrors'] !== undefined && u['data']['apiErrors']['apiError']['errorType'] === 'Invalid State'), 'state error');
    expect(state['data']['apiErrors']['apiError']['errorMessage']).toBe('CF_INVALID_OBJECT_STATE');
    expect(lab.userState('98412').state).toBe('READY');
  });

  it('publishes supervisor-style changes and dialog events', async () => {
    const conn = await connect();
    await waitFor(() => conn.stanzas.some((s) => s.is('presence')), 'presence');
    lab.setUserState('98412', 'READY');
    await waitFor(() => updates(conn, USER_NODE).some((u) => u['data']['user']?.['state'] === 'READY'), 'READY event');
    const dialogId = lab.startDialog('98412', '5550111');
    const [dialog] = await waitFor(() => {
      const u = updates(conn, `${USER_NODE}/Dialogs`);
      return u.length > 0 ? u : undefined;
    }, 'dialog event');
    expect(dialog).toMatchObject({ event: 'POST', source: `${USER_NODE}/Dialogs`, data: { dialogs: { Dialog: { id: dialogId, fromAddress: '5550111', state: 'ALERTING' } } } });
  });

  it('sends nothing to a session without available presence', async () => {
    const silent = await connect({ presence: false, resource: 'silent' });
    const listening = await connect({ resource: 'listening' });
    await waitFor(() => listening.stanzas.some((s) => s.is('presence')), 'presence');
    lab.setUserState('98412', 'READY');
    await waitFor(() => updates(listening, USER_NODE).length > 0, 'event on the available session');
    expect(updates(silent, USER_NODE)).toEqual([]);
  });

  it('tells connected users when their node goes out of service', async () => {
    const conn = await connect();
    await waitFor(() => conn.stanzas.some((s) => s.is('presence')), 'presence');
    lab.setServiceStatus('primary', 'OUT_OF_SERVICE');
    lab.setServiceStatus('primary', 'IN_SERVICE');
    const infos = await waitFor(() => {
      const u = updates(conn, '/finesse/api/SystemInfo');
      return u.length === 2 ? u : undefined;
    }, 'SystemInfo events');
    expect(infos.map((u) => u['data']['SystemInfo']['status'])).toEqual(['OUT_OF_SERVICE', 'IN_SERVICE']);
  });
});

describe('presence loss and faults', () => {
  it('logs the agent out after the (scaled) 60 s once presence is gone', async () => {
    lab.setUserState('98412', 'READY');
    const conn = await connect();
    await waitFor(() => conn.stanzas.some((s) => s.is('presence')), 'presence');
    expect(lab.dropXmpp()).toBe(1);
    expect(lab.forcedLogoutPending('98412')).toBe(true);
    await waitFor(() => lab.userState('98412').state === 'LOGOUT', 'forced logout');
  });

  it('keeps the agent when the client is back (on the other node) inside the window', async () => {
    lab.setUserState('98412', 'READY');
    const conn = await connect();
    await waitFor(() => conn.stanzas.some((s) => s.is('presence')), 'presence');
    await lab.setNodeUp('primary', false);
    try {
      await waitFor(() => conn.offline, 'client offline');
      expect(lab.forcedLogoutPending('98412')).toBe(true);
      await connect({ service: lab.secondary.xmppUrl, resource: 'failover' });
      await waitFor(() => !lab.forcedLogoutPending('98412'), 'forced logout disarmed');
      await new Promise((r) => setTimeout(r, 600)); // past the 400 ms window
      expect(lab.userState('98412').state).toBe('READY');
    } finally {
      await lab.setNodeUp('primary', true);
    }
  });

  it('treats presence unavailable like a lost connection', async () => {
    lab.setUserState('98412', 'NOT_READY');
    const conn = await connect();
    await waitFor(() => conn.stanzas.some((s) => s.is('presence')), 'presence');
    await conn.xmpp.send(xml('presence', { type: 'unavailable' }));
    await waitFor(() => lab.forcedLogoutPending('98412'), 'armed');
    await conn.xmpp.send(xml('presence'));
    await waitFor(() => !lab.forcedLogoutPending('98412'), 'disarmed');
  });
});

describe('raw frames', () => {
  function raw(protocols: string[] = ['xmpp']): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<void> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(lab.primary.xmppUrl, protocols);
      const frames: string[] = [];
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      ws.on('message', (d) => frames.push(String(d)));
      ws.once('open', () => resolve({ ws, frames, closed }));
      ws.once('error', reject);
    });
  }
  const open = `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse-a.lab.invalid" version="1.0"/>`;

  it("refuses a WebSocket without the 'xmpp' subprotocol (RFC 7395 §3.1)", async () => {
    await expect(raw([])).rejects.toThrow(/400/);
  });

  it('offers only PLAIN, and closes the stream on a stanza before authentication', async () => {
    const c = await raw();
    c.ws.send(open);
    await waitFor(() => c.frames.length >= 2, 'features');
    expect(c.frames[0]).toMatch(/^<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="finesse-a.lab.invalid" id="[0-9a-f]+" version="1.0" xml:lang="en"\/>$/);
    expect(c.frames[1]).toBe('<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms></stream:features>');
    c.ws.send('<iq type="get" id="1"><ping xmlns="urn:xmpp:ping"/></iq>');
    await c.closed;
    expect(c.frames.join('')).toContain('<not-authorized xmlns="urn:ietf:params:xml:ns:xmpp-streams"/>');
    expect(c.frames.at(-1)).toBe('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
  });

  it('closes the stream with restricted-xml on a DOCTYPE or entity declaration (RFC 6120 §11.1)', async () => {
    const c = await raw();
    c.ws.send('<!DOCTYPE open [<!ENTITY x "y">]><open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse-a.lab.invalid" version="1.0"/>');
    await c.closed;
    expect(c.frames.join('')).toContain('<restricted-xml xmlns="urn:ietf:params:xml:ns:xmpp-streams"/>');
  });

  it('closes the stream with not-well-formed on broken XML or two elements in one frame', async () => {
    for (const frame of ['<open xmlns="urn:ietf:params:xml:ns:xmpp-framing"', `${open}${open}`, '<a>&bogus;</a>']) {
      const c = await raw();
      c.ws.send(frame);
      await c.closed;
      expect(c.frames.join('')).toContain('<not-well-formed xmlns="urn:ietf:params:xml:ns:xmpp-streams"/>');
    }
  });
});
