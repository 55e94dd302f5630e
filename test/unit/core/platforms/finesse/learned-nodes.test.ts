// issue 8 item 2: a one-server Finesse profile fails over to the nodes SystemInfo names only under
// https, in the configured server's parent domain or on IT's `allowedServerHosts` — never for an http
// profile — and the session card says when such a node is in use (§5 failover).
import { describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../../../../preload/contract.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { hostAllowed, learnedNodes, parentDomain } from '../../../../../main/core/platforms/finesse/discovery.ts';
import { FinesseSession } from '../../../../../main/core/platforms/finesse/finesse-session.ts';
import { FakeFinesse } from './fake-finesse.ts';
import { driveClock } from '../../../../helpers/fake-clock.ts';

const A = 'https://fin-a.example.com:8445';
const B = 'https://fin-b.example.com:8445';
const EVIL = 'https://fin-b.evil.example.net:8445';
const nonSso = { credentials: { userName: 'sjefferson', password: 'pw' }, extension: '1001001' };

async function tick(clock: FakeClock, ms: number, stepMs = 50): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) await clock.advance(Math.min(stepMs, ms - t));
}
const drive = <T>(clock: FakeClock, promise: Promise<T>): Promise<T> => driveClock(clock, promise, { stepMs: 50, maxMs: 600_000 });

/** A one-server profile on `server`; the fake also runs `others` (reachable if contacted). */
function setup(server: string, others: string[], named: { primary?: string; secondary?: string }, allowedServerHosts?: string[]) {
  const clock = new FakeClock();
  const finesse = new FakeFinesse(clock, [server, ...others]);
  finesse.users.push({ loginId: '98411', loginName: 'sjefferson', password: 'pw', authMode: 'NON_SSO', state: 'LOGOUT' });
  finesse.systemInfoNodes = { ...named, httpsPort: Number(new URL(server).port) || 443 };
  const profile = ProfileSchema.parse({ id: 'fin', name: 'Finesse', platform: 'finesse', servers: [server], authMode: 'password' });
  const session = new FinesseSession(
    { profile, clock, log: createLogger({ sink: memorySink() }), ...(allowedServerHosts ? { allowedServerHosts } : {}) },
    { http: finesse.http, linkFactory: finesse.linkFactory, resource: 'patchbay-unit' },
  );
  return { clock, finesse, session };
}

async function signInThenLoseNode(s: ReturnType<typeof setup>, server: string) {
  await drive(s.clock, s.session.signIn(nonSso));
  expect(s.session.view.serverNote).toBeUndefined();
  s.finesse.nodes.get(server)!.up = false;
  s.finesse.dropLinks(server);
  await tick(s.clock, 15_000);
}

describe('which SystemInfo nodes a one-server profile may learn [§5 failover]', () => {
  it('learns https nodes in the parent domain, refuses others, and lets IT allow hosts or domains', () => {
    const info = { primaryNode: { host: 'fin-a.example.com' }, secondaryNode: { host: 'fin-b.example.com' } };
    expect(learnedNodes([A], info)).toEqual({ nodes: [A, B], refused: [] });
    const foreign = { secondaryNode: { host: 'fin-b.evil.example.net' } };
    expect(learnedNodes([A], foreign)).toEqual({ nodes: [A], refused: ['fin-b.evil.example.net:8445'] });
    expect(learnedNodes([A], foreign, ['fin-b.evil.example.net'])?.nodes).toEqual([A, EVIL]);
    expect(learnedNodes([A], foreign, ['.example.net'])?.nodes).toEqual([A, EVIL]);
    expect(learnedNodes([A], foreign, ['example.net'])?.nodes).toEqual([A]);
    // A profile listing several servers learns nothing (IT's choice).
    expect(learnedNodes([A, B], info)).toBeUndefined();
  });

  it('never learns for an http profile, not even an allowed host', () => {
    const info = { secondaryNode: { host: '127.0.0.2' } };
    expect(learnedNodes(['http://127.0.0.1:8082'], info, ['127.0.0.2'])).toEqual({ nodes: ['http://127.0.0.1:8082'], refused: ['127.0.0.2:8082'] });
  });

  it('has no parent domain for an IP address, a two-label name or a public suffix', () => {
    expect(parentDomain('fin-a.corp.example.com')).toBe('corp.example.com');
    expect(parentDomain('fin-a.example.com')).toBe('example.com');
    expect(parentDomain('10.1.2.3')).toBeUndefined();
    expect(parentDomain('example.com')).toBeUndefined();
    expect(parentDomain('fin.co.uk')).toBeUndefined();
    expect(learnedNodes(['https://10.1.2.3:8445'], { secondaryNode: { host: '10.1.2.4' } })?.nodes).toEqual(['https://10.1.2.3:8445']);
    expect(hostAllowed('a.example.net', ['.example.net'])).toBe(true);
    expect(hostAllowed('example.net', ['.example.net'])).toBe(false);
  });
});

describe('FinesseSession fails over only to nodes it may trust [§5 failover]', () => {
  it('fails over to a SystemInfo node in the same parent domain, and the card says so', async () => {
    const s = setup(A, [B], { primary: 'fin-a.example.com', secondary: 'fin-b.example.com' });
    await signInThenLoseNode(s, A);
    expect(s.session.view).toMatchObject({ phase: 'active', server: B });
    expect(s.session.view.serverNote).toContain('fin-b.example.com:8445');
  });

  it('never sends the Basic header (or anything) to a node outside the parent domain', async () => {
    const s = setup(A, [EVIL], { secondary: 'fin-b.evil.example.net' });
    await signInThenLoseNode(s, A);
    expect(s.finesse.requests.filter((r) => r.node === EVIL)).toEqual([]);
    expect(s.session.view.server).toBe(A);
    expect(s.session.view.phase).not.toBe('active');
  });

  it("follows such a node once IT's allowedServerHosts lists it", async () => {
    const s = setup(A, [EVIL], { secondary: 'fin-b.evil.example.net' }, ['.evil.example.net']);
    await signInThenLoseNode(s, A);
    expect(s.session.view).toMatchObject({ phase: 'active', server: EVIL });
    expect(s.session.view.serverNote).toContain('fin-b.evil.example.net');
  });
});
