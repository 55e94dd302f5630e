// The Genesys Cloud lab's /api/v2 over plain fetch with tokens from a real PKCE sign-in: every
// endpoint, scope enforcement (403 naming the scope), 401s, 429 + Retry-After, Genesys error shape,
// and the HTTP fault controls.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import type { GenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import { api, control, signIn, userId } from './genesys-cloud-helpers.ts';

interface Entities<T> {
  entities: T[];
}
interface Definition {
  id: string;
  systemPresence: string;
  primary: boolean;
  languageLabels: Record<string, string>;
}

const ERROR_KEYS = ['code', 'contextId', 'details', 'errors', 'message', 'status'];

describe('Genesys Cloud lab API', () => {
  let lab: GenesysCloudLab;
  let token: string;
  let me: string;
  beforeAll(async () => {
    lab = await startGenesysCloudLab();
    token = (await signIn(lab)).tokens.access_token;
    me = userId(lab, 'gc-agent1');
  });
  afterAll(async () => {
    await lab.close();
  });
  beforeEach(() => {
    lab.rateLimit(0, 0);
  });

  async function definitionId(systemPresence: string): Promise<string> {
    const defs = (await api(lab, token, 'GET', '/api/v2/presence/definitions')).body as Entities<Definition>;
    const found = defs.entities.find((d) => d.primary && d.systemPresence === systemPresence);
    if (found === undefined) throw new Error(`no ${systemPresence}`);
    return found.id;
  }

  it('GET /users/me, with expand=presence,routingStatus', async () => {
    const plain = await api(lab, token, 'GET', '/api/v2/users/me');
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ id: me, name: 'Gia Agent', state: 'active' });
    expect(plain.body).not.toHaveProperty('presence');
    const expanded = await api(lab, token, 'GET', '/api/v2/users/me?expand=presence,routingStatus');
    expect(expanded.body).toMatchObject({ presence: { presenceDefinition: { systemPresence: expect.any(String) } }, routingStatus: { status: expect.any(String) } });
  });

  it('GET /presence/definitions: system presences with localised labels, On Queue among them', async () => {
    const answer = await api(lab, token, 'GET', '/api/v2/presence/definitions');
    expect(answer.status).toBe(200);
    const defs = (answer.body as Entities<Definition>).entities;
    expect(defs.filter((d) => d.primary).map((d) => d.systemPresence)).toEqual(['Available', 'Away', 'Busy', 'Offline', 'Idle', 'OnQueue', 'Meal', 'Training', 'Meeting', 'Break']);
    expect(defs.find((d) => d.systemPresence === 'OnQueue')?.languageLabels).toMatchObject({ en_US: 'On Queue', de: 'In Warteschlange' });
    expect(defs.some((d) => !d.primary)).toBe(true);
  });

  it('PATCH presence to OnQueue puts routing at IDLE; off queue again puts it at OFF_QUEUE; GET reads them', async () => {
    const onQueue = await api(lab, token, 'PATCH', `/api/v2/users/${me}/presences/purecloud`, { presenceDefinition: { id: await definitionId('OnQueue') } });
    expect(onQueue.status).toBe(200);
    expect(onQueue.body).toMatchObject({ presenceDefinition: { systemPresence: 'OnQueue' }, source: 'PURECLOUD' });
    expect((await api(lab, token, 'GET', `/api/v2/users/${me}/routingstatus`)).body).toMatchObject({ userId: me, status: 'IDLE' });
    await api(lab, token, 'PATCH', `/api/v2/users/${me}/presences/purecloud`, { presenceDefinition: { id: await definitionId('Break') } });
    expect((await api(lab, token, 'GET', `/api/v2/users/${me}/presences/purecloud`)).body).toMatchObject({ presenceDefinition: { systemPresence: 'Break' } });
    expect((await api(lab, token, 'GET', `/api/v2/users/${me}/routingstatus`)).body).toMatchObject({ status: 'OFF_QUEUE' });
  });

  it('PUT routingstatus NOT_RESPONDING → IDLE; an unknown status or definition is 400 in the Genesys error shape', async () => {
    lab.setRoutingStatus('gc-agent1', 'NOT_RESPONDING');
    expect((await api(lab, token, 'GET', `/api/v2/users/${me}/routingstatus`)).body).toMatchObject({ status: 'NOT_RESPONDING' });
    const put = await api(lab, token, 'PUT', `/api/v2/users/${me}/routingstatus`, { status: 'IDLE' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ status: 'IDLE' });
    const bad = await api(lab, token, 'PUT', `/api/v2/users/${me}/routingstatus`, { status: 'SLEEPING' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body as object).sort()).toEqual(ERROR_KEYS);
    const badDef = await api(lab, token, 'PATCH', `/api/v2/users/${me}/presences/purecloud`, { presenceDefinition: { id: 'nope' } });
    expect(badDef.status).toBe(400);
    const notJson = await fetch(`${lab.apiBase}/api/v2/users/${me}/routingstatus`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 'bad.request', status: 400 });
  });

  it('GET /conversations lists the active ones with participants; an ended one disappears', async () => {
    const id = lab.startConversation('gc-agent1', { ani: 'tel:+15550001', dnis: 'tel:+15550002' });
    const list = (await api(lab, token, 'GET', '/api/v2/conversations')).body as Entities<{ id: string; participants: Record<string, unknown>[] }>;
    const conversation = list.entities.find((c) => c.id === id);
    expect(conversation?.participants).toContainEqual(expect.objectContaining({ purpose: 'agent', userId: me, state: 'connected', direction: 'inbound', ani: 'tel:+15550001', dnis: 'tel:+15550002', connectedTime: expect.any(String) }));
    expect(conversation?.participants).toContainEqual(expect.objectContaining({ purpose: 'customer' }));
    lab.endConversation(id);
    expect(((await api(lab, token, 'GET', '/api/v2/conversations')).body as Entities<{ id: string }>).entities.map((c) => c.id)).not.toContain(id);
  });

  it('GET /tokens/me names the scopes and the client; GET /tokens/timeout the org idle timeout', async () => {
    const info = await api(lab, token, 'GET', '/api/v2/tokens/me');
    expect(info.body).toMatchObject({ authorizedScope: ['users:readonly', 'presence', 'routing', 'conversations', 'notifications'], OAuthClient: { id: lab.clientId } });
    expect((await api(lab, token, 'GET', '/api/v2/tokens/timeout')).body).toEqual({ idleTokenTimeoutSeconds: 900, enableIdleTokenTimeout: false });
  });

  it('401 without a token and with an unknown one, in the Genesys error shape', async () => {
    const none = await api(lab, undefined, 'GET', '/api/v2/users/me');
    expect(none.status).toBe(401);
    expect(Object.keys(none.body as object).sort()).toEqual(ERROR_KEYS);
    const bogus = await api(lab, 'not-a-token', 'GET', '/api/v2/users/me');
    expect(bogus.status).toBe(401);
    expect(bogus.body).toMatchObject({ code: 'bad.credentials' });
    expect(lab.requests.at(-1)).toMatchObject({ auth: 'bearer', authResult: 'invalid' });
  });

  it('DELETE /tokens/me revokes the token (401 afterwards), other sign-ins keep working', async () => {
    const other = (await signIn(lab)).tokens.access_token;
    const mine = (await signIn(lab)).tokens.access_token;
    expect((await api(lab, mine, 'DELETE', '/api/v2/tokens/me')).status).toBe(204);
    expect((await api(lab, mine, 'GET', '/api/v2/users/me')).status).toBe(401);
    expect((await api(lab, other, 'GET', '/api/v2/users/me')).status).toBe(200);
  });

  it('rateLimit(2, 7): two 429s with Retry-After: 7 and too.many.requests, then 200', async () => {
    lab.rateLimit(2, 7);
    for (let i = 0; i < 2; i++) {
      const limited = await api(lab, token, 'GET', '/api/v2/users/me');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body).toMatchObject({ code: 'too.many.requests', status: 429 });
    }
    expect((await api(lab, token, 'GET', '/api/v2/users/me')).status).toBe(200);
  });

  it('setIdleTokenTimeout: a token idle longer than the org allows gets 401 and stays dead', async () => {
    const idle = (await signIn(lab, 'gc-agent2')).tokens.access_token;
    lab.setIdleTokenTimeout(60);
    expect((await api(lab, idle, 'GET', '/api/v2/users/me')).status).toBe(200);
    expect((await api(lab, idle, 'GET', '/api/v2/tokens/timeout')).body).toEqual({ idleTokenTimeoutSeconds: 60, enableIdleTokenTimeout: true });
    lab.setIdleTokenTimeout(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const answer = await api(lab, idle, 'GET', '/api/v2/users/me');
    expect(answer.status).toBe(401);
    expect(lab.requests.at(-1)).toMatchObject({ authResult: 'idle' });
    expect((await api(lab, idle, 'GET', '/api/v2/users/me')).status).toBe(401);
    expect((await api(lab, idle, 'GET', '/api/v2/tokens/timeout')).status).toBe(401);
    lab.setIdleTokenTimeout(undefined);
  });

  it('unknown paths are 404 not.found; a wrong method 405', async () => {
    expect((await api(lab, token, 'GET', '/api/v2/nothing')).body).toMatchObject({ code: 'not.found', status: 404 });
    expect((await api(lab, token, 'POST', '/api/v2/users/me')).status).toBe(405);
  });
});

describe('Genesys Cloud lab scope enforcement', () => {
  let lab: GenesysCloudLab;
  beforeAll(async () => {
    lab = await startGenesysCloudLab();
  });
  afterAll(async () => {
    await lab.close();
  });

  it('a token without presence/routing/conversations gets 403 missing.any.scopes naming the scope, per endpoint', async () => {
    await lab.setGrantedScopes('gc-agent1', ['users:readonly', 'notifications']);
    const { tokens } = await signIn(lab);
    expect(tokens.scope).toBe('users:readonly notifications');
    const me = userId(lab, 'gc-agent1');
    const cases: [string, string, string, unknown?][] = [
      ['GET', '/api/v2/presence/definitions', 'presence:readonly'],
      ['GET', `/api/v2/users/${me}/presences/purecloud`, 'presence:readonly'],
      ['PATCH', `/api/v2/users/${me}/presences/purecloud`, 'presence', { presenceDefinition: { id: 'x' } }],
      ['GET', `/api/v2/users/${me}/routingstatus`, 'routing:readonly'],
      ['PUT', `/api/v2/users/${me}/routingstatus`, 'routing', { status: 'IDLE' }],
      ['GET', '/api/v2/conversations', 'conversations:readonly'],
      ['GET', '/api/v2/users/me?expand=presence', 'presence:readonly'],
    ];
    for (const [method, path, scope, body] of cases) {
      const answer = await api(lab, tokens.access_token, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body).toMatchObject({ code: 'missing.any.scopes', status: 403 });
      expect((answer.body as { message: string }).message).toContain(scope);
    }
    expect((await api(lab, tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(200);
    expect((await api(lab, tokens.access_token, 'POST', '/api/v2/notifications/channels')).status).toBe(200);
  });

  it('read-only scopes allow reads only; a broader scope (users) satisfies its :readonly', async () => {
    await lab.setGrantedScopes('gc-agent2', ['users', 'presence:readonly', 'routing:readonly']);
    const { tokens } = await signIn(lab, 'gc-agent2');
    const me = userId(lab, 'gc-agent2');
    expect((await api(lab, tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(200);
    expect((await api(lab, tokens.access_token, 'GET', `/api/v2/users/${me}/presences/purecloud`)).status).toBe(200);
    expect((await api(lab, tokens.access_token, 'PUT', `/api/v2/users/${me}/routingstatus`, { status: 'IDLE' })).status).toBe(403);
    expect((await api(lab, tokens.access_token, 'POST', '/api/v2/notifications/channels')).body).toMatchObject({ code: 'missing.any.scopes' });
  });
});

describe('Genesys Cloud lab fault controls over HTTP', () => {
  let lab: GenesysCloudLab;
  beforeAll(async () => {
    lab = await startGenesysCloudLab();
  });
  afterAll(async () => {
    await lab.close();
  });

  it('POST /lab/<name> drives the same controls as the methods; bad bodies are 400, unknown names 404', async () => {
    const { tokens } = await signIn(lab, 'gc-supervisor1');
    const me = userId(lab, 'gc-supervisor1');
    expect((await control(lab, 'setPresence', { userName: 'gc-supervisor1', systemPresence: 'Meal' })).status).toBe(200);
    expect((await api(lab, tokens.access_token, 'GET', `/api/v2/users/${me}/presences/purecloud`)).body).toMatchObject({ presenceDefinition: { systemPresence: 'Meal' } });
    expect((await control(lab, 'setRoutingStatus', { userName: 'gc-supervisor1', status: 'NOT_RESPONDING' })).status).toBe(200);
    expect((await api(lab, tokens.access_token, 'GET', `/api/v2/users/${me}/routingstatus`)).body).toMatchObject({ status: 'NOT_RESPONDING' });
    const started = await control(lab, 'startConversation', { userName: 'gc-supervisor1', direction: 'outbound' });
    const id = (started.body as { id: string }).id;
    expect((await api(lab, tokens.access_token, 'GET', '/api/v2/conversations')).body).toMatchObject({ entities: [{ id }] });
    expect((await control(lab, 'endConversation', { id })).status).toBe(200);
    expect((await control(lab, 'endConversation', { id })).status).toBe(404);
    expect((await control(lab, 'rateLimit', { requests: 1, retryAfterSec: 3 })).status).toBe(200);
    expect((await api(lab, tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(429);
    expect((await control(lab, 'setTokenLifetime', { sec: 120 })).status).toBe(200);
    expect((await signIn(lab, 'gc-agent2')).tokens.expires_in).toBe(120);
    expect((await control(lab, 'setGrantedScopes', { userName: 'gc-agent2', scopes: ['users:readonly'] })).status).toBe(200);
    expect((await signIn(lab, 'gc-agent2')).tokens.scope).toBe('users:readonly');
    expect((await control(lab, 'setLoginAvailable', { on: false })).status).toBe(200);
    expect((await fetch(`${lab.loginBase}/oauth/authorize`)).status).toBe(503);
    expect((await control(lab, 'setLoginAvailable', { on: true })).status).toBe(200);
    expect((await control(lab, 'revokeTokens', { userName: 'gc-supervisor1' })).status).toBe(200);
    expect((await api(lab, tokens.access_token, 'GET', '/api/v2/users/me')).status).toBe(401);
    expect((await control(lab, 'setPresence', { userName: 'gc-supervisor1' })).status).toBe(400);
    expect((await control(lab, 'setPresence', { userName: 'nobody', systemPresence: 'Meal' })).status).toBe(404);
    expect((await control(lab, 'explode')).status).toBe(404);
    const requests = await fetch(`${lab.apiBase}/lab/requests`);
    expect(((await requests.json()) as unknown[]).length).toBeGreaterThan(0);
    const state = (await (await fetch(`${lab.apiBase}/lab/state`)).json()) as { users: { userName: string; presence: string }[] };
    expect(state.users.find((u) => u.userName === 'gc-supervisor1')?.presence).toBe('Meal');
  });
});
