// The GWS lab over plain HTTP (not the Patchbay client): seed 002's authentication chain, the CSRF
// pair, statusCode envelopes, the agent API and the fault controls (lab/README.md "Genesys Engage").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGwsLab } from '../../../lab/gws/index.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import type { GwsLab } from '../../../lab/gws/index.ts';
import { basic, Caller, salesforceLogin } from './gws-helpers.ts';

// A stand-in IdP config: the SAML flows have their own file (gws-saml.test.ts).
const IDP = { entityId: 'http://127.0.0.1:9/idp', ssoUrl: 'http://127.0.0.1:9/sso', certificatePem: readFileSync(join(import.meta.dirname, '../../../lab/saml/keys/lab-idp-test-only.cert.pem'), 'utf8') };
const CSRF_403 = { statusCode: 3, statusMessage: 'Missing or invalid Csrf token' };

let lab: GwsLab;

beforeAll(async () => {
  const started = performance.now();
  lab = await startGwsLab({ samlIdp: IDP });
  console.log(`GWS lab start (Salesforce stand-in + GWS server, own IdP not started): ${(performance.now() - started).toFixed(0)} ms`);
});
afterAll(async () => {
  await lab?.close();
});

/** Basic sign-in + the first GET (the CSRF pair). */
async function signedIn(user = 'agent1', password = 'agent1-lab-pw'): Promise<Caller> {
  const c = new Caller(lab.baseUrl);
  const me = await c.call('GET', '/api/v2/me', { headers: { authorization: basic(user, password) } });
  expect(me.status).toBe(200);
  return c;
}

/** Signed in with no contact center session left over from an earlier test (agent state outlives HTTP sessions). */
async function fresh(user = 'agent1', password = 'agent1-lab-pw'): Promise<Caller> {
  const old = await signedIn(user, password);
  await old.call('POST', '/api/v2/me', { body: { operationName: 'EndContactCenterSession' } });
  return signedIn(user, password);
}

async function startSession(c: Caller, place?: string, channels = ['voice']): Promise<Record<string, unknown>> {
  const res = await c.call('POST', '/api/v2/me', { body: { operationName: 'StartContactCenterSession', channels, ...(place ? { place } : {}) } });
  return { httpStatus: res.status, ...res.json };
}

describe('the authentication chain (seed 002)', () => {
  beforeEach(() => {
    lab.setConfigServerAuth(true);
    lab.clearRequests();
  });

  it('signs in with GWS basic, sets JSESSIONID and returns the CSRF pair [GWS-03]', async () => {
    const c = new Caller(lab.baseUrl);
    const me = await c.call('GET', '/api/v2/me', { headers: { authorization: basic('agent1', 'agent1-lab-pw') } });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ statusCode: 0, user: { userName: 'agent1', firstName: 'Ada', roles: ['ROLE_AGENT'] } });
    expect(await c.sessionId()).toBeTruthy();
    expect(me.headers.get('x-csrf-header')).toBe('X-CSRF-TOKEN');
    expect(me.headers.get('x-csrf-token')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'gws-basic', failed: ['config-server'], user: 'agent1' });
    // The cookie alone carries the session afterwards.
    const again = await c.call('GET', '/api/v2/me');
    expect(again.json).toMatchObject({ user: { userName: 'agent1' } });
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'session' });
  });

  it('a wrong GWS password falls through to anonymous: 401 statusCode 20 [GWS-03, GWS-05]', async () => {
    const c = new Caller(lab.baseUrl);
    const me = await c.call('GET', '/api/v2/me', { headers: { authorization: basic('agent1', 'wrong') } });
    expect(me.status).toBe(401);
    expect(me.json).toMatchObject({ statusCode: 20 });
    expect(typeof me.json?.['statusMessage']).toBe('string');
    expect(await c.sessionId()).toBeUndefined();
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'anonymous', failed: ['config-server', 'gws-basic'] });
  });

  it('Configuration Server basic signs in while enabled, and not once switched off (HTTP control) [GWS-02]', async () => {
    const c = new Caller(lab.baseUrl);
    const on = await c.call('GET', '/api/v2/me', { headers: { authorization: basic('agent2', 'agent2-lab-pw') } });
    expect(on.status).toBe(200);
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'config-server', user: 'agent2' });
    const control = await fetch(`${lab.baseUrl}/lab/setConfigServerAuth`, { method: 'POST', body: JSON.stringify({ on: false }) });
    expect(control.status).toBe(200);
    const off = await new Caller(lab.baseUrl).call('GET', '/api/v2/me', { headers: { authorization: basic('agent2', 'agent2-lab-pw') } });
    expect(off.status).toBe(401);
    expect(off.json).toMatchObject({ statusCode: 20 });
    // Configuration Server was not even entered: the chain went straight to GWS basic.
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'anonymous', failed: ['gws-basic'] });
  });

  it('signs in with the Salesforce headers, validated at the identity URL with the session id [GWS-01]', async () => {
    const token = await salesforceLogin(lab.salesforce, 'agent3@patchbay-lab.example', 'agent3-sf-lab-pw');
    expect(typeof token['access_token']).toBe('string');
    expect(String(token['id'])).toMatch(new RegExp(`^${lab.salesforce.loginBase}/id/[^/]+/[^/]+$`));
    const c = new Caller(lab.baseUrl);
    const me = await c.call('GET', '/api/v2/me', { headers: { ssid: String(token['access_token']), surl: String(token['id']) } });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user: { userName: 'agent3' } });
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'salesforce', failed: [] });
    // First success wins: the Salesforce headers beat a valid basic header of another user.
    const both = await new Caller(lab.baseUrl).call('GET', '/api/v2/me', { headers: { ssid: String(token['access_token']), surl: String(token['id']), authorization: basic('agent1', 'agent1-lab-pw') } });
    expect(both.json).toMatchObject({ user: { userName: 'agent3' } });
  });

  it('refuses a wrong Salesforce session id, and never calls an identity URL on another host [GWS-01, GWS-05]', async () => {
    const token = await salesforceLogin(lab.salesforce, 'agent3@patchbay-lab.example', 'agent3-sf-lab-pw');
    const calls = lab.requests.length;
    const bad = await new Caller(lab.baseUrl).call('GET', '/api/v2/me', { headers: { ssid: 'not-a-session', surl: String(token['id']) } });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ statusCode: 20 });
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'anonymous', failed: ['salesforce'] });
    const elsewhere = await new Caller(lab.baseUrl).call('GET', '/api/v2/me', { headers: { ssid: String(token['access_token']), surl: 'http://127.0.0.2:9/id/x/y' } });
    expect(elsewhere.status).toBe(401);
    expect(lab.requests.length).toBe(calls + 2);
    // A wrong Salesforce password stays on the login page.
    await expect(salesforceLogin(lab.salesforce, 'agent3@patchbay-lab.example', 'wrong')).rejects.toThrow();
  });

  it('anonymous callers reach only unprotected endpoints [GWS-05]', async () => {
    const c = new Caller(lab.baseUrl);
    const version = await c.call('GET', '/api/v2/diagnostics/version');
    expect(version.status).toBe(200);
    expect(version.json).toMatchObject({ statusCode: 0 });
    for (const path of ['/api/v2/me', '/api/v2/me?subresources=*', '/api/v2/me/channels', '/api/v2/me/calls']) {
      const res = await c.call('GET', path);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ statusCode: 20 });
    }
  });
});

describe('CSRF', () => {
  it('refuses a write without the named header: 403 with the exact message', async () => {
    const c = await signedIn();
    const res = await c.call('POST', '/api/v2/me', { body: { operationName: 'StartContactCenterSession', channels: ['voice'] }, csrf: false });
    expect(res.status).toBe(403);
    expect(res.json).toEqual(CSRF_403);
    // Basic auth without the session's token is no way round it (the CSRF filter runs first).
    const noSession = await new Caller(lab.baseUrl).call('POST', '/api/v2/me', { headers: { authorization: basic('agent1', 'agent1-lab-pw') }, body: { operationName: 'EndContactCenterSession' } });
    expect(noSession.status).toBe(403);
    expect(noSession.json).toEqual(CSRF_403);
  });

  it('rotation: the old token is refused, the next GET carries the new one', async () => {
    const c = await signedIn();
    const old = c.csrf!.value;
    expect((await startSession(c))['statusCode']).toBe(0);
    const rotate = await fetch(`${lab.baseUrl}/lab/rotateCsrf`, { method: 'POST' });
    expect(rotate.status).toBe(200);
    const refused = await c.call('POST', '/api/v2/me/channels/voice', { body: { operationName: 'Ready' } });
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual(CSRF_403);
    await c.call('GET', '/api/v2/me');
    expect(c.csrf!.value).not.toBe(old);
    const ok = await c.call('POST', '/api/v2/me/channels/voice', { body: { operationName: 'Ready' } });
    expect(ok.json).toEqual({ statusCode: 0 });
  });

  it('with csrf off, writes need no token', async () => {
    const plain = await startGwsLab({ samlIdp: IDP, csrf: false });
    try {
      const c = new Caller(plain.baseUrl);
      const me = await c.call('GET', '/api/v2/me', { headers: { authorization: basic('agent1', 'agent1-lab-pw') } });
      expect(me.headers.get('x-csrf-token')).toBeNull();
      const res = await c.call('POST', '/api/v2/me', { body: { operationName: 'StartContactCenterSession', channels: ['voice'] } });
      expect(res.json).toEqual({ statusCode: 0 });
    } finally {
      await plain.close();
    }
  });
});

describe('the agent API', () => {
  it('StartContactCenterSession on the agent\'s place logs the voice channel in Not Ready; me?subresources=* shows it', async () => {
    const c = await fresh();
    expect(await startSession(c)).toEqual({ httpStatus: 200, statusCode: 0 });
    const me = await c.call('GET', '/api/v2/me?subresources=*');
    const user = me.json?.['user'] as Record<string, unknown>;
    expect(user['channels']).toEqual([{ channel: 'voice', activity: 'Idle', userState: { id: 'NotReady', state: 'NotReady', displayName: 'Not Ready' } }]);
    expect(user['devices']).toEqual([expect.objectContaining({ phoneNumber: '1001', userState: expect.objectContaining({ state: 'NotReady' }) })]);
    const states = (user['settings'] as Record<string, Record<string, { operationName: string; state: string; reason?: string }>>)['agent-states']!;
    expect(states['NotReadyLunch']).toMatchObject({ operationName: 'NotReadyLunch', state: 'NotReady', reason: 'Lunch' });
    // Without subresources only the user.
    const plain = await c.call('GET', '/api/v2/me');
    expect((plain.json?.['user'] as Record<string, unknown>)['channels']).toBeUndefined();
  });

  it('a place without voice: partial success, statusCode 7 naming the failed channel', async () => {
    const c = await signedIn('agent3', 'agent3-lab-pw');
    const res = await startSession(c, 'Chat_Only_Place', ['voice', 'chat']);
    expect(res).toMatchObject({ httpStatus: 200, statusCode: 7 });
    expect(res['channels']).toEqual([
      { channel: 'voice', statusCode: 6, statusMessage: 'Channel voice is not configured for place Chat_Only_Place' },
      { channel: 'chat', statusCode: 0 },
    ]);
    const channels = await c.call('GET', '/api/v2/me/channels');
    expect((channels.json?.['channels'] as { channel: string }[]).map((x) => x.channel)).toEqual(['chat']);
    await c.call('POST', '/api/v2/me', { body: { operationName: 'EndContactCenterSession' } });
  });

  it('statusCodes: missing parameter 1, unknown place 6, invalid for state 2, validation 10', async () => {
    const c = await signedIn('agent2', 'agent2-lab-pw');
    const missing = await c.call('POST', '/api/v2/me', { body: { operationName: 'StartContactCenterSession' } });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ statusCode: 1 });
    const noOp = await c.call('POST', '/api/v2/me', { body: {} });
    expect(noOp.json).toMatchObject({ statusCode: 1 });
    const place = await startSession(c, 'No_Such_Place');
    expect(place).toMatchObject({ httpStatus: 404, statusCode: 6, statusMessage: 'Place not found: No_Such_Place' });
    const early = await c.call('POST', '/api/v2/me/channels/voice', { body: { operationName: 'Ready' } });
    expect(early.json).toMatchObject({ statusCode: 2 });
    const unknown = await c.call('POST', '/api/v2/me/channels/voice', { body: { operationName: 'Dance' } });
    expect(unknown.json).toMatchObject({ statusCode: 10 });
    const reasonField = await c.call('POST', '/api/v2/me/channels/voice', { body: { operationName: 'NotReady', reasonCode: 'Lunch' } });
    expect(reasonField.json).toMatchObject({ statusCode: 10, statusMessage: expect.stringContaining('reasonCode') });
    const notJson = await c.call('POST', '/api/v2/me', { headers: { 'content-type': 'application/json' } });
    expect(notJson.json).toMatchObject({ statusCode: 10 });
    const nowhere = await c.call('GET', '/api/v2/me/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.json).toMatchObject({ statusCode: 6 });
  });

  it('Ready, NotReady with a reason (custom operation name), AfterCallWork', async () => {
    const c = await signedIn();
    await startSession(c);
    const steps: [string, { state: string; reason?: string }][] = [
      ['Ready', { state: 'Ready' }],
      ['NotReadyLunch', { state: 'NotReady', reason: 'Lunch' }],
      ['AfterCallWork', { state: 'AfterCallWork' }],
      ['NotReady', { state: 'NotReady' }],
    ];
    for (const [operationName, expected] of steps) {
      const res = await c.call('POST', '/api/v2/me/channels/voice', { body: { operationName } });
      expect(res.json).toEqual({ statusCode: 0 });
      expect(lab.agentState('agent1')).toMatchObject(expected);
      const channels = await c.call('GET', '/api/v2/me/channels');
      expect((channels.json?.['channels'] as { userState: unknown }[])[0]!.userState).toMatchObject(expected);
    }
    expect(lab.agentState('agent1')?.reason).toBeUndefined();
  });

  it('calls: startCall shows an Established call, endCall removes it (HTTP controls)', async () => {
    const c = await signedIn();
    await startSession(c);
    const started = await fetch(`${lab.baseUrl}/lab/startCall`, { method: 'POST', body: JSON.stringify({ userName: 'agent1' }) });
    const { callId } = (await started.json()) as { callId: string };
    const calls = await c.call('GET', '/api/v2/me/calls');
    expect(calls.json?.['calls']).toEqual([expect.objectContaining({ id: callId, state: 'Established', callType: 'Inbound', dnis: '1001' })]);
    const channels = await c.call('GET', '/api/v2/me/channels');
    expect((channels.json?.['channels'] as { activity: string }[])[0]!.activity).toBe('Busy');
    expect((await fetch(`${lab.baseUrl}/lab/endCall`, { method: 'POST', body: JSON.stringify({ callId }) })).status).toBe(200);
    expect((await c.call('GET', '/api/v2/me/calls')).json?.['calls']).toEqual([]);
    expect((await fetch(`${lab.baseUrl}/lab/endCall`, { method: 'POST', body: JSON.stringify({ callId }) })).status).toBe(409);
  });

  it('a supervisor state change (HTTP control) shows in the agent\'s channels', async () => {
    const c = await signedIn();
    await startSession(c);
    const res = await fetch(`${lab.baseUrl}/lab/setAgentState`, { method: 'POST', body: JSON.stringify({ userName: 'agent1', state: 'NotReady', reason: 'Break' }) });
    expect(res.status).toBe(200);
    const channels = await c.call('GET', '/api/v2/me/channels');
    expect((channels.json?.['channels'] as { userState: unknown }[])[0]!.userState).toMatchObject({ state: 'NotReady', reason: 'Break', displayName: 'Break' });
    const bad = await fetch(`${lab.baseUrl}/lab/setAgentState`, { method: 'POST', body: JSON.stringify({ userName: 'agent1', state: 'NotReady', reason: 'Nap' }) });
    expect(bad.status).toBe(409);
  });

  it('EndContactCenterSession logs out and invalidates the HTTP session', async () => {
    const c = await signedIn();
    await startSession(c);
    const end = await c.call('POST', '/api/v2/me', { body: { operationName: 'EndContactCenterSession' } });
    expect(end.json).toEqual({ statusCode: 0 });
    expect(lab.agentState('agent1')).toBeUndefined();
    const after = await c.call('GET', '/api/v2/me');
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({ statusCode: 20 });
  });
});

describe('fault controls', () => {
  it('invalidateSession (HTTP control): the cookie no longer signs in', async () => {
    const c = await signedIn();
    const res = await fetch(`${lab.baseUrl}/lab/invalidateSession`, { method: 'POST', body: JSON.stringify({ userName: 'agent1' }) });
    expect(res.status).toBe(200);
    const after = await c.call('GET', '/api/v2/me');
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({ statusCode: 20 });
    expect(lab.sessions().filter((s) => s.userName === 'agent1')).toEqual([]);
  });

  it('setIdpDown (HTTP control) on an IdP the lab does not run: /saml/login sends the browser to a closed port', async () => {
    expect((await fetch(`${lab.baseUrl}/lab/setIdpDown`, { method: 'POST', body: JSON.stringify({ on: true }) })).status).toBe(200);
    const down = await fetch(`${lab.baseUrl}/saml/login`, { redirect: 'manual' });
    expect(new URL(down.headers.get('location')!).port).toBe('9');
    lab.setIdpDown(false);
  });

  it('refuses malformed or unknown controls', async () => {
    expect((await fetch(`${lab.baseUrl}/lab/setConfigServerAuth`, { method: 'POST', body: '{"on":"yes"}' })).status).toBe(400);
    expect((await fetch(`${lab.baseUrl}/lab/setConfigServerAuth`, { method: 'POST', body: 'nope' })).status).toBe(400);
    expect((await fetch(`${lab.baseUrl}/lab/explode`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${lab.baseUrl}/lab/rotateCsrf`)).status).toBe(404);
    expect((await fetch(`${lab.baseUrl}/lab/startCall`, { method: 'POST', body: JSON.stringify({ userName: 'nobody' }) })).status).toBe(409);
  });
});

describe('hostile input', () => {
  const printable = fc.string({ unit: fc.constantFrom(...' !"#$%&()*+,-./0123456789:;<=>?@ABCXYZabcxyz[]^_{|}~'.split('')), maxLength: 60 });

  it('any JSON or text body on the write endpoints ends in a statusCode envelope, never a crash', async () => {
    const c = await signedIn('agent3', 'agent3-lab-pw');
    const body = fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), printable, fc.record({ operationName: fc.oneof(printable, fc.constantFrom('StartContactCenterSession', 'NotReadyLunch', 'Ready')), channels: fc.anything({ maxDepth: 2 }), place: fc.anything({ maxDepth: 1 }) }).map((v) => JSON.stringify(v)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/v2/me/channels/voice', '/api/v2/me/channels/chat', '/api/v2/me/devices'), body, async (path, text) => {
        const res = await fetch(`${lab.baseUrl}${path}`, { method: 'POST', headers: { cookie: `JSESSIONID=${await c.sessionId()}`, [c.csrf!.name]: c.csrf!.value, 'content-type': 'application/json' }, body: text });
        const json = (await res.json()) as { statusCode: unknown };
        expect(res.status).toBeLessThan(500);
        expect(typeof json.statusCode).toBe('number');
      }),
      { numRuns: 60 },
    );
  });

  it('random Authorization, Cookie and Salesforce headers are refused as anonymous: 401 statusCode 20', async () => {
    await fc.assert(
      fc.asyncProperty(printable, printable, printable, async (authorization, cookie, surl) => {
        const res = await fetch(`${lab.baseUrl}/api/v2/me`, { headers: { authorization, cookie, ssid: authorization, surl } });
        const json = (await res.json()) as { statusCode: unknown };
        expect(res.status).toBe(401);
        expect(json.statusCode).toBe(20);
      }),
      { numRuns: 60 },
    );
  });

  it('any body on a lab control is a 200, 400 or 409, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('setAgentState', 'setConfigServerAuth', 'endCall', 'invalidateSession'), fc.oneof(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), printable), async (name, text) => {
        const res = await fetch(`${lab.baseUrl}/lab/${name}`, { method: 'POST', body: text });
        await res.arrayBuffer();
        expect([200, 400, 409]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
    lab.setConfigServerAuth(true);
  });
});

it('offers one lab profile per method', () => {
  const profiles = lab.profiles();
  expect(profiles.map((p) => [p.id, p.authMode, p.options.gws['authMethod']])).toEqual([
    ['lab-gws-agent1-basic', 'password', 'gws-basic'],
    ['lab-gws-agent2-cfg', 'password', 'config-server-basic'],
    ['lab-gws-agent1-saml', 'sso', 'saml'],
    ['lab-gws-agent3-salesforce', 'sso', 'salesforce'],
  ]);
  for (const p of profiles) {
    expect(p).toMatchObject({ platform: 'gws', servers: [lab.baseUrl], lab: true });
    // What npm start preloads must be a valid profile of the contract.
    const { fixturePassword: _pw, lab: _lab, ...profile } = p;
    expect(ProfileSchema.safeParse(profile).error).toBeUndefined();
  }
  expect(profiles[0]!.fixturePassword).toBe('agent1-lab-pw');
  expect(profiles[3]!.options.gws['salesforce']).toMatchObject({ loginBase: lab.salesforce.loginBase, clientId: lab.salesforce.clientId, sessionIdHeader: 'ssid', identityUrlHeader: 'surl' });
});
