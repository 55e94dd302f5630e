// GWS notifications of the lab through the official CometD client (cometd + cometd-nodejs-client,
// long-polling as GWS 8.5.2 documents), as a client would use them. adapt() creates a global
// `window`, so these tests keep their own file (vitest runs each file in its own process).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CometD } from 'cometd';
import type { Message } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGwsLab } from '../../../lab/gws/index.ts';
import type { GwsLab } from '../../../lab/gws/index.ts';
import { basic, Caller } from './gws-helpers.ts';

adapt();

const IDP = { entityId: 'http://127.0.0.1:9/idp', ssoUrl: 'http://127.0.0.1:9/sso', certificatePem: readFileSync(join(import.meta.dirname, '../../../lab/saml/keys/lab-idp-test-only.cert.pem'), 'utf8') };

let lab: GwsLab;
const open: CometD[] = [];

beforeAll(async () => {
  lab = await startGwsLab({ samlIdp: IDP, cometdTimeoutSeconds: 2 });
});
afterEach(async () => {
  for (const c of open.splice(0)) if (!c.isDisconnected()) await new Promise<void>((resolve) => c.disconnect(() => resolve()));
});
afterAll(async () => {
  await lab?.close();
});

async function until(what: string, predicate: () => boolean, limitMs = 8_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Signed in with basic auth, a contact center session started, voice logged in. */
async function agent(user: string, password: string): Promise<Caller> {
  const c = new Caller(lab.baseUrl);
  expect((await c.call('GET', '/api/v2/me', { headers: { authorization: basic(user, password) } })).status).toBe(200);
  const start = await c.call('POST', '/api/v2/me', { body: { operationName: 'StartContactCenterSession', channels: ['voice'] } });
  expect(start.json).toEqual({ statusCode: 0 });
  return c;
}

interface Client {
  cometd: CometD;
  events: { channel: string; data: Record<string, unknown> }[];
  handshakes: Message[];
  connects: Message[];
}

async function client(caller: Caller | undefined, options: { csrf?: boolean; subscribe?: string } = {}): Promise<{ client: Client; handshake: Message }> {
  const cometd = new CometD();
  open.push(cometd);
  const sid = caller ? await caller.sessionId() : undefined;
  const headers: Record<string, string> = {};
  if (sid) headers['Cookie'] = `JSESSIONID=${sid}`;
  if (options.csrf && caller?.csrf) headers[caller.csrf.name] = caller.csrf.value;
  cometd.configure({ url: `${lab.baseUrl}/api/v2/notifications`, requestHeaders: headers, logLevel: 'warn' });
  cometd.unregisterTransport('websocket'); // GWS 8.5.2: long-polling only
  const c: Client = { cometd, events: [], handshakes: [], connects: [] };
  let subscribed: (reply: Message) => void = () => undefined;
  const firstSubscription = new Promise<Message>((resolve) => (subscribed = resolve));
  // CometD drops subscriptions on a re-handshake: subscribe on every successful handshake (the
  // documented pattern), so a client survives a dropped CometD connection.
  cometd.addListener('/meta/handshake', (m) => {
    c.handshakes.push(m);
    if (m.successful) cometd.subscribe(options.subscribe ?? '/v2/me/*', (e) => c.events.push({ channel: e.channel, data: e.data as Record<string, unknown> }), (reply) => subscribed(reply));
  });
  cometd.addListener('/meta/connect', (m) => c.connects.push(m));
  const handshake = await new Promise<Message>((resolve) => cometd.handshake((m) => resolve(m)));
  if (handshake.successful) expect((await firstSubscription).successful).toBe(true);
  return { client: c, handshake };
}

const channelEvents = (c: Client) => c.events.filter((e) => e.channel === '/v2/me/channels');

describe('CometD at /api/v2/notifications', () => {
  it('refuses a handshake without an authenticated session, and the client stops [GWS-05]', async () => {
    const { client: c, handshake } = await client(undefined);
    expect(handshake.successful).toBe(false);
    expect(handshake.error).toBe('403::Not authenticated');
    expect(handshake.advice?.reconnect).toBe('none');
    await until('the client to stop', () => c.cometd.isDisconnected());
    expect(c.handshakes).toHaveLength(1);
  });

  it('delivers supervisor, agent and call changes to the agent\'s /v2/me channels', async () => {
    const caller = await agent('agent1', 'agent1-lab-pw');
    const { client: c, handshake } = await client(caller);
    expect(handshake.successful).toBe(true);
    lab.setAgentState('agent1', 'NotReady', 'Lunch');
    await until('the supervisor change', () => channelEvents(c).length >= 1);
    expect(channelEvents(c)[0]!.data).toEqual({ messageType: 'ChannelStateChangeMessage', channels: [{ channel: 'voice', activity: 'Idle', userState: { id: 'NotReadyLunch', state: 'NotReady', displayName: 'Lunch', reason: 'Lunch', workMode: 'AuxWork' } }] });
    await until('the device event', () => c.events.some((e) => e.channel === '/v2/me/devices'));
    expect(c.events.find((e) => e.channel === '/v2/me/devices')!.data).toMatchObject({ messageType: 'DeviceStateChangeMessage', devices: [{ userState: { state: 'NotReady', reason: 'Lunch' } }] });

    expect((await caller.call('POST', '/api/v2/me/channels/voice', { body: { operationName: 'Ready' } })).json).toEqual({ statusCode: 0 });
    await until('the agent\'s own change', () => channelEvents(c).length >= 2);
    expect(channelEvents(c)[1]!.data).toMatchObject({ channels: [{ userState: { state: 'Ready' } }] });

    const callId = lab.startCall('agent1');
    lab.endCall(callId);
    await until('three call events', () => c.events.filter((e) => e.channel === '/v2/me/calls').length >= 3);
    const calls = c.events.filter((e) => e.channel === '/v2/me/calls').map((e) => [e.data['messageType'], e.data['notificationType'], (e.data['call'] as { id: string; state: string }).state, (e.data['call'] as { id: string }).id]);
    expect(calls).toEqual([
      ['CallStateChangeMessage', 'NewCall', 'Ringing', callId],
      ['CallStateChangeMessage', 'StatusChange', 'Established', callId],
      ['CallStateChangeMessage', 'StatusChange', 'Released', callId],
    ]);
  });

  it('keeps agents apart and refuses other channels and publishing', async () => {
    const one = await client(await agent('agent1', 'agent1-lab-pw'));
    const three = await client(await agent('agent3', 'agent3-lab-pw'));
    lab.setAgentState('agent3', 'NotReady', 'Break');
    await until('agent3\'s event', () => channelEvents(three.client).length >= 1);
    lab.setAgentState('agent1', 'Ready');
    await until('agent1\'s event', () => channelEvents(one.client).length >= 1);
    expect(channelEvents(one.client).map((e) => (e.data['channels'] as { userState: { state: string } }[])[0]!.userState.state)).toEqual(['Ready']);
    expect(channelEvents(three.client).map((e) => (e.data['channels'] as { userState: { state: string } }[])[0]!.userState.state)).toEqual(['NotReady']);

    const refused = await new Promise<Message>((resolve) => one.client.cometd.subscribe('/v2/agents/agent3', () => undefined, (m) => resolve(m)));
    expect(refused.successful).toBe(false);
    expect(refused.error).toMatch(/^403:/);
    const published = await new Promise<Message>((resolve) => one.client.cometd.publish('/v2/me/channels', { forged: true }, (m) => resolve(m)));
    expect(published.successful).toBe(false);
  });

  it('a client id only works with the session that handshook it (raw Bayeux)', async () => {
    const a = await agent('agent1', 'agent1-lab-pw');
    const b = await agent('agent3', 'agent3-lab-pw');
    const post = async (caller: Caller, messages: object[]) => {
      const res = await fetch(`${lab.baseUrl}/api/v2/notifications`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `JSESSIONID=${await caller.sessionId()}` }, body: JSON.stringify(messages) });
      return (await res.json()) as Message[];
    };
    const [hs] = await post(a, [{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);
    expect(hs).toMatchObject({ successful: true, supportedConnectionTypes: ['long-polling'] });
    const [stolen] = await post(b, [{ channel: '/meta/subscribe', clientId: hs!.clientId, subscription: '/v2/me/channels' }]);
    expect(stolen).toMatchObject({ successful: false, error: '403::Client belongs to another session', advice: { reconnect: 'none' } });
    const [own] = await post(a, [{ channel: '/meta/subscribe', clientId: hs!.clientId, subscription: '/v2/me/channels' }]);
    expect(own).toMatchObject({ successful: true, subscription: '/v2/me/channels' });
  });

  it('dropCometd: the client handshakes again and events flow again (HTTP control)', async () => {
    await agent('agent1', 'agent1-lab-pw');
    const caller = await agent('agent1', 'agent1-lab-pw');
    const { client: c } = await client(caller);
    await until('the first long poll', () => c.connects.length >= 1);
    expect((await fetch(`${lab.baseUrl}/lab/dropCometd`, { method: 'POST' })).status).toBe(200);
    await until('a second successful handshake', () => c.handshakes.filter((m) => m.successful).length >= 2);
    expect(lab.cometdLog.some((r) => r.channel === '/meta/connect' && r.error?.startsWith('401:'))).toBe(true);
    await until('the re-subscription', () => lab.cometdLog.filter((r) => r.channel === '/meta/subscribe' && r.successful).length >= 2);
    const before = channelEvents(c).length;
    // The re-subscription is logged before the client's next long poll is open: change the state
    // again every half second until one change reaches the client (one is enough to prove it).
    let turn = 0;
    const nudge = setInterval(() => lab.setAgentState('agent1', turn++ % 2 === 0 ? 'Ready' : 'AfterCallWork'), 500);
    lab.setAgentState('agent1', 'AfterCallWork');
    try {
      await until('an event after the drop', () => channelEvents(c).length > before);
    } finally {
      clearInterval(nudge);
    }
  });

  it('invalidateSession: the client gets 403 with reconnect none and stops instead of looping', async () => {
    const caller = await agent('agent1', 'agent1-lab-pw');
    const { client: c } = await client(caller);
    await until('the first long poll', () => c.connects.length >= 1);
    lab.invalidateSession('agent1');
    await until('the client to stop', () => c.cometd.isDisconnected());
    const refusal = [...c.connects, ...c.handshakes].find((m) => m.error !== undefined);
    expect(refusal).toMatchObject({ successful: false, error: '403::Not authenticated', advice: { reconnect: 'none' } });
    const handshakes = c.handshakes.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(c.handshakes.length).toBe(handshakes);
  });
});

describe('CometD with cometdCsrf', () => {
  let csrfLab: GwsLab;
  beforeAll(async () => {
    csrfLab = await startGwsLab({ samlIdp: IDP, cometdCsrf: true, cometdTimeoutSeconds: 2 });
  });
  afterAll(async () => {
    await csrfLab?.close();
  });

  it('needs the session\'s CSRF token on every Bayeux POST', async () => {
    const c = new Caller(csrfLab.baseUrl);
    await c.call('GET', '/api/v2/me', { headers: { authorization: basic('agent1', 'agent1-lab-pw') } });
    const original = lab;
    lab = csrfLab;
    try {
      const without = await client(c);
      expect(without.handshake).toMatchObject({ successful: false, error: '403::Missing or invalid Csrf token' });
      const withToken = await client(c, { csrf: true });
      expect(withToken.handshake.successful).toBe(true);
      csrfLab.rotateCsrf();
      await until('the rotated token to be refused', () => withToken.client.cometd.isDisconnected());
      expect(withToken.client.connects.some((m) => m.error === '403::Missing or invalid Csrf token')).toBe(true);
    } finally {
      lab = original;
    }
  });
});
