// The discovery.ts survivors MUT-FIN left as killable (issue 9, docs/mutation.md "Session 5, final sweep
// (SWEEP-B)"): the SystemInfo-failure and no-server messages, and each branch of learnedNodes /
// parentDomain / hostAllowed (§5 failover, issue 8 item 2) — IP literals, special-use domains, a
// trailing dot, a host name that starts like an IP address, allow-list entries.
import { describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../../../../preload/contract.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import type { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';
import { discoverNode, fetchSystemInfo, hostAllowed, learnedNodes, parentDomain } from '../../../../../main/core/platforms/finesse/discovery.ts';
import { FinesseSession } from '../../../../../main/core/platforms/finesse/finesse-session.ts';
import { FakeFinesse } from './fake-finesse.ts';

const A = 'https://fin-a.example.com:8445';
const log = createLogger({ sink: memorySink() });

function res(status: number, body: string): HttpResponse {
  return { status, headers: {}, setCookie: [], url: A, chain: [A], body: new TextEncoder().encode(body), text: () => body, json: () => JSON.parse(body) as unknown } as HttpResponse;
}
const answering = (r: HttpResponse) => ({ request: async () => r }) as unknown as HttpSession;

describe('discovery failures say what happened', () => {
  it('a SystemInfo answer other than 200/503 names the status in the message', async () => {
    const e = await fetchSystemInfo(answering(res(500, 'oops')), A, 1).then(() => undefined, (x: unknown) => x as PatchbayError);
    expect(e).toMatchObject({ code: 'finesse.system-info.failed', action: 'retry', message: 'Finesse answered 500 for its system information. (500)' });
  });

  it('a profile without servers is told so, for IT to mend', async () => {
    const e = await discoverNode(answering(res(200, '')), log, [], 0).then(() => undefined, (x: unknown) => x as PatchbayError);
    expect(e).toMatchObject({ code: 'finesse.no-server', action: 'contact-it', message: 'No Finesse server is configured for this profile.' });
  });
});

describe('parent domains and allow-list entries [§5 failover]', () => {
  it('a server in a special-use domain (.local, .test, .example, .localhost, .invalid) has its parent domain and learns its siblings [§5 failover]', () => {
    for (const tld of ['local', 'test', 'example', 'localhost', 'invalid']) {
      expect(parentDomain(`fin-a.corp.${tld}`), tld).toBe(`corp.${tld}`);
      expect(learnedNodes([`https://fin-a.corp.${tld}:8445`], { secondaryNode: { host: `fin-b.corp.${tld}` } }), tld).toEqual({
        nodes: [`https://fin-a.corp.${tld}:8445`, `https://fin-b.corp.${tld}:8445`],
        refused: [],
      });
      // Two labels: the parent would be the special-use name itself — no one organisation's.
      expect(parentDomain(`fin.${tld}`), tld).toBeUndefined();
    }
  });

  it('a one-server profile in a .local domain signs in (SystemInfo naming its nodes does not break it) [§5 failover]', async () => {
    const server = 'https://fin-a.corp.local:8445';
    const clock = new FakeClock();
    const finesse = new FakeFinesse(clock, [server]);
    finesse.users.push({ loginId: '98411', loginName: 'sjefferson', password: 'pw', authMode: 'NON_SSO', state: 'LOGOUT' });
    finesse.systemInfoNodes = { primary: 'fin-a.corp.local', secondary: 'fin-b.corp.local', httpsPort: 8445 };
    const profile = ProfileSchema.parse({ id: 'fin', name: 'Finesse', platform: 'finesse', servers: [server], authMode: 'password' });
    const session = new FinesseSession({ profile, clock, log }, { http: finesse.http, linkFactory: finesse.linkFactory, resource: 'patchbay-unit' });
    let settled = false;
    const signIn = session.signIn({ credentials: { userName: 'sjefferson', password: 'pw' }, extension: '1001001' }).finally(() => (settled = true));
    signIn.catch(() => undefined);
    for (let t = 0; !settled && t < 120_000; t += 50) await clock.advance(50);
    await signIn;
    expect(session.view).toMatchObject({ phase: 'active', server });
  });

  it('a profile on an IP address has no parent domain: a named node is refused whatever its name', () => {
    expect(learnedNodes(['https://10.1.2.3:8445'], { secondaryNode: { host: 'fin.undefined' } })).toEqual({ nodes: ['https://10.1.2.3:8445'], refused: ['fin.undefined:8445'] });
    expect(parentDomain('10.20.30.40')).toBeUndefined();
    expect(parentDomain('192.168.100.200')).toBeUndefined();
  });

  it('a host name that only starts like an IP address is a name; a trailing dot is dropped', () => {
    expect(parentDomain('10.0.0.1.corp.example.com')).toBe('0.0.1.corp.example.com');
    expect(parentDomain('fin-a.corp.example.com.')).toBe('corp.example.com');
    expect(learnedNodes(['https://fin-a.corp.example.com.:8445'], { secondaryNode: { host: 'fin-b.corp.example.com' } })?.nodes).toEqual([
      'https://fin-a.corp.example.com.:8445',
      'https://fin-b.corp.example.com:8445',
    ]);
  });

  it('a ".domain" entry allows only hosts inside that domain, however long their names', () => {
    expect(hostAllowed('fin-b.somewhere-else.example.org', ['.example.net'])).toBe(false);
    expect(hostAllowed('FIN-B.Example.NET', ['.example.net'])).toBe(true);
    expect(learnedNodes([A], { secondaryNode: { host: 'fin-b.somewhere-else.example.org' } }, ['.example.net'])).toEqual({
      nodes: [A],
      refused: ['fin-b.somewhere-else.example.org:8445'],
    });
  });
});
