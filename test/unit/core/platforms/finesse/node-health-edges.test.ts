// Finesse node health and the node list (node-health.ts, nodes.ts; issue 9 item 9, protocols/finesse.md
// §5 failover): what the agent is told, notices that start nothing, a stop that lands while SystemInfo
// is being read, the end of a watch after a reconnect elsewhere, and FinesseNodes' own steps. Mutation
// work of docs/mutation.md "Session 4, helper MUT-FIN2"; fake clock, the fake Finesse HTTP.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest } from '../../../../../main/core/net/types.ts';
import { NodeHealth, nodeDegradedNotice, nodeMovedNotice } from '../../../../../main/core/platforms/finesse/node-health.ts';
import { FinesseNodes } from '../../../../../main/core/platforms/finesse/nodes.ts';
import type { FinesseAction } from '../../../../../main/core/platforms/finesse/reducer.ts';
import { FakeFinesse } from './fake-finesse.ts';

const A = 'https://fin-a.example.com:8445';
const B = 'https://fin-b.example.com:8445';
const C = 'https://fin-c.example.com:8445';

async function tick(clock: FakeClock, ms: number, stepMs = 50): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) await clock.advance(Math.min(stepMs, ms - t));
}

/** The fake Finesse's HTTP, with SystemInfo requests counted per host; a request made on an aborted
 *  signal fails like the real HttpSession's. */
function countingHttp(finesse: FakeFinesse) {
  const asked: string[] = [];
  const http = {
    ...finesse.http,
    request: (req: HttpRequest) => {
      const url = new URL(String(req.url));
      if (url.pathname === '/finesse/api/SystemInfo') asked.push(url.host.split('.')[0]!);
      if (req.signal?.aborted) return Promise.reject(req.signal.reason as Error);
      return finesse.http.request(req);
    },
  } as unknown as HttpSession;
  return { http, asked };
}

async function setup(servers = [A, B], failoverMs = 30_000) {
  const clock = new FakeClock();
  const finesse = new FakeFinesse(clock, servers);
  const { http, asked } = countingHttp(finesse);
  const sink = memorySink();
  const log = createLogger({ sink });
  const nodes = new FinesseNodes({ http, clock, log, servers, outOfServiceFailoverMs: failoverMs });
  await nodes.discover();
  asked.length = 0;
  const stale: boolean[] = [];
  const actions: FinesseAction[] = [];
  const reconnects: PatchbayError[] = [];
  const health = new NodeHealth({ clock, log, nodes, record: { setStale: (s) => stale.push(s) }, dispatch: (a) => actions.push(a), reconnect: (r) => reconnects.push(r) });
  return { clock, finesse, nodes, health, stale, actions, reconnects, asked, sink };
}

const errors = (actions: FinesseAction[]) => actions.flatMap((a) => (a.type === 'error' ? [a.error] : []));
const codes = (actions: FinesseAction[]) => actions.map((a) => (a.type === 'error' ? a.error.code : a.type === 'clear-error' ? `clear:${a.codePrefix}` : a.type));

describe('what the agent is told (issue 9 item 9)', () => {
  it('moved: both servers by host, the state kept, nothing to do', () => {
    expect(nodeMovedNotice(A, B)).toEqual({
      code: 'finesse.node.moved',
      message: 'The Finesse server fin-a.example.com:8445 went out of service. Patchbay moved you to fin-b.example.com:8445; your state is kept.',
      action: 'none',
    });
  });

  it('degraded: the server, its status and reason (at most 120 characters), that calls may not reach them', () => {
    expect(nodeDegradedNotice(A, 'OUT_OF_SERVICE', 'Maintenance')).toEqual({
      code: 'finesse.node.no-node-in-service',
      message:
        'The Finesse server fin-a.example.com:8445 is OUT_OF_SERVICE (Maintenance) and no other Finesse server is in service. Calls may not reach you; Patchbay moves you as soon as a server is back in service.',
      action: 'none',
    });
    const long = nodeDegradedNotice(A, 'OUT_OF_SERVICE', 'x'.repeat(200)).message;
    expect(long).toContain(`(${'x'.repeat(120)})`);
    expect(long).not.toContain('x'.repeat(121));
    expect(nodeDegradedNotice(A, 'OUT_OF_SERVICE', undefined).message).toContain('is OUT_OF_SERVICE and no other');
    expect(nodeDegradedNotice(A, 'OUT_OF_SERVICE', '').message).toContain('is OUT_OF_SERVICE and no other');
  });

  it('the node in use stops answering after its notice, no peer in service: degraded as "not answering" [§5 failover]', async () => {
    const { clock, finesse, health, actions, stale } = await setup();
    finesse.nodes.get(A)!.up = false;
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    expect(stale).toEqual([true]);
    expect(errors(actions).map((e) => e.message)).toEqual([expect.stringContaining('fin-a.example.com:8445 is not answering and no other')]);
    health.stop(false);
  });
});

describe('NodeHealth: what starts, stops and ends a watch (issue 9 item 9)', () => {
  it('a notice without a status, and an IN_SERVICE notice with no watch, read nothing and change nothing', async () => {
    const { clock, health, actions, stale, asked } = await setup();
    health.onNotice(undefined);
    health.onNotice('');
    health.onNotice('IN_SERVICE');
    await tick(clock, 5_000);
    expect(asked).toEqual([]);
    expect(actions).toEqual([]);
    expect(stale).toEqual([]);
  });

  it('degraded while out of service: polls every 2 s, this node first, then the peer [§5 failover]', async () => {
    const { clock, finesse, health, asked } = await setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    expect(asked).toEqual(['fin-a', 'fin-b']);
    await tick(clock, 1_800); // 1.9 s after the notice: no second round yet
    expect(asked).toEqual(['fin-a', 'fin-b']);
    await tick(clock, 200);
    expect(asked).toEqual(['fin-a', 'fin-b', 'fin-a', 'fin-b']);
    health.stop(false);
    await tick(clock, 5_000);
    expect(asked).toHaveLength(4); // stopped: no more polls
  });

  it('an IN_SERVICE notice while this node is being read ends the check: nothing moves even though the peer is in service [§5 failover]', async () => {
    const { clock, finesse, nodes, health, actions, reconnects } = await setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    // The read of this node is under way (the fake answers it even though it was aborted).
    health.onNotice('IN_SERVICE');
    await tick(clock, 3_000);
    expect(nodes.origin).toBe(A);
    expect(reconnects).toEqual([]);
    expect(actions).toEqual([]);
  });

  it('back online on another node ends the watch as recovered; on the same node the watch goes on [§5 failover]', async () => {
    const { clock, finesse, health, actions, stale, asked } = await setup([A, B, C]);
    for (const n of [A, B, C]) finesse.nodes.get(n)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    expect(stale).toEqual([true]);
    health.reconnected(A);
    await tick(clock, 2_000);
    expect(stale).toEqual([true]);
    expect(asked.length).toBeGreaterThan(3); // still polling
    health.reconnected(B);
    expect(stale).toEqual([true, false]);
    expect(codes(actions)).toEqual(['finesse.node.no-node-in-service', 'clear:finesse.node.no-node-in-service']);
    const polled = asked.length;
    await tick(clock, 5_000);
    expect(asked.length).toBe(polled);
  });

  it('degraded, then the poll finds this node IN_SERVICE again without a notice: live again, nothing moved [§5 failover]', async () => {
    const { clock, finesse, nodes, health, stale, actions, reconnects } = await setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    expect(stale).toEqual([true]);
    finesse.nodes.get(A)!.status = 'IN_SERVICE';
    await tick(clock, 2_500);
    expect(stale).toEqual([true, false]);
    expect(codes(actions)).toEqual(['finesse.node.no-node-in-service', 'clear:finesse.node.no-node-in-service']);
    expect(nodes.origin).toBe(A);
    expect(reconnects).toEqual([]);
  });

  it('moving to the peer re-opens XMPP with finesse.node.moving (retry) [§5 failover]', async () => {
    const { clock, finesse, health, reconnects } = await setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    expect(reconnects).toEqual([expect.objectContaining({ code: 'finesse.node.moving', message: 'Moving to another Finesse server.', action: 'retry' })]);
  });

  it('reconnected with no watch changes nothing', async () => {
    const { health, actions, stale } = await setup();
    health.reconnected(B);
    expect(actions).toEqual([]);
    expect(stale).toEqual([]);
  });
});

describe('FinesseNodes (§5 failover)', () => {
  it('the profile servers as origins; hosts; no note for a configured node', async () => {
    const clock = new FakeClock();
    const finesse = new FakeFinesse(clock, [A, B]);
    const nodes = new FinesseNodes({ http: finesse.http, clock, log: createLogger({ sink: memorySink() }), servers: [`${A}/desktop/`, `${B}/x?y=1`], outOfServiceFailoverMs: 1 });
    expect(nodes.origin).toBe(A);
    expect(nodes.hosts).toEqual(['fin-a.example.com:8445', 'fin-b.example.com:8445']);
    expect(nodes.note).toBeUndefined();
  });

  it('a one-server profile: SystemInfo nodes outside the rules are logged once per change, not on every read [§5 failover]', async () => {
    const clock = new FakeClock();
    const finesse = new FakeFinesse(clock, [A]);
    const sink = memorySink();
    const nodes = new FinesseNodes({ http: finesse.http, clock, log: createLogger({ sink }), servers: [A], outOfServiceFailoverMs: 1 });
    const notFollowed = () => sink.entries.filter((e) => JSON.stringify(e).includes('finesse.nodes.not-followed')).length;
    finesse.systemInfoNodes = { primary: 'fin-b.evil.example.net', secondary: 'fin-c.evil.example.net', httpsPort: 8445 };
    await nodes.discover();
    await nodes.discover();
    expect(notFollowed()).toBe(1);
    finesse.systemInfoNodes = { primary: 'fin-b.evil.example.net', httpsPort: 8445 };
    await nodes.discover();
    expect(notFollowed()).toBe(2);
    finesse.systemInfoNodes = { primary: 'fin-c.evil.example.net', httpsPort: 8445 };
    await nodes.discover();
    expect(notFollowed()).toBe(3);
    finesse.systemInfoNodes = undefined;
    await nodes.discover();
    expect(notFollowed()).toBe(3);
    expect(nodes.hosts).toEqual(['fin-a.example.com:8445']);
  });

  it('a one-server profile keeps the node in use when SystemInfo later names more nodes [§5 failover]', async () => {
    const clock = new FakeClock();
    const finesse = new FakeFinesse(clock, [A, B, C]);
    const nodes = new FinesseNodes({ http: finesse.http, clock, log: createLogger({ sink: memorySink() }), servers: [A], outOfServiceFailoverMs: 1 });
    finesse.systemInfoNodes = { primary: 'fin-b.example.com', httpsPort: 8445 };
    await nodes.discover();
    expect(nodes.hosts).toEqual(['fin-a.example.com:8445', 'fin-b.example.com:8445']);
    finesse.nodes.get(A)!.up = false;
    await nodes.beforeReconnect(2, new AbortController().signal, () => undefined);
    expect(nodes.origin).toBe(B);
    expect(nodes.note).toContain('fin-b.example.com:8445');
    finesse.systemInfoNodes = { primary: 'fin-b.example.com', secondary: 'fin-c.example.com', httpsPort: 8445 };
    await nodes.discover();
    expect(nodes.hosts).toEqual(['fin-a.example.com:8445', 'fin-b.example.com:8445', 'fin-c.example.com:8445']);
    expect(nodes.origin).toBe(B);
  });

  it('currentInfo: the SystemInfo of the node in use; undefined when it does not answer; the abort when aborted', async () => {
    const { finesse, nodes } = await setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    await expect(nodes.currentInfo(new AbortController().signal)).resolves.toMatchObject({ status: 'OUT_OF_SERVICE' });
    finesse.nodes.get(A)!.up = false;
    await expect(nodes.currentInfo(new AbortController().signal)).resolves.toBeUndefined();
    const control = new AbortController();
    const reason = new PatchbayError('stopped', 'stopped', { action: 'none' });
    control.abort(reason);
    await expect(nodes.currentInfo(control.signal)).rejects.toBe(reason);
  });

  it('moveToPeerInService: the next node after the one in use that is IN_SERVICE, skipping unreachable and out-of-service ones', async () => {
    const { finesse, nodes, asked } = await setup([A, B, C]);
    finesse.nodes.get(B)!.up = false;
    await expect(nodes.moveToPeerInService(new AbortController().signal)).resolves.toBe(C);
    expect(asked).toEqual(['fin-b', 'fin-c']);
    expect(nodes.origin).toBe(C);
    expect(nodes.system).toMatchObject({ status: 'IN_SERVICE', xmppDomain: 'fin.example.com' });
    // From C: A is next (wrapping), out of service; B unreachable: nowhere to go, C stays.
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    asked.length = 0;
    await expect(nodes.moveToPeerInService(new AbortController().signal)).resolves.toBeUndefined();
    expect(asked).toEqual(['fin-a', 'fin-b']);
    expect(nodes.origin).toBe(C);
  });

  it('moveToPeerInService: an abort ends it with the abort, no node chosen', async () => {
    const { nodes, asked } = await setup([A, B, C]);
    const control = new AbortController();
    const reason = new PatchbayError('stopped', 'stopped', { action: 'none' });
    control.abort(reason);
    await expect(nodes.moveToPeerInService(control.signal)).rejects.toBe(reason);
    expect(asked).toEqual(['fin-b']);
    expect(nodes.origin).toBe(A);
  });

  it('moveToPeerInService resets the OUT_OF_SERVICE time: the next outage waits the whole failover time again', async () => {
    const { clock, finesse, nodes } = await setup([A, B], 10_000);
    // A says OUT_OF_SERVICE before a reconnect: its OUT_OF_SERVICE time starts.
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    const control = new AbortController();
    const first = nodes.beforeReconnect(2, control.signal, () => undefined);
    first.catch(() => undefined);
    await tick(clock, 1_000);
    control.abort(new PatchbayError('stopped', 'stopped', { action: 'none' })); // the channel stopped
    await tick(clock, 100);
    await expect(first).rejects.toBeDefined();
    // A notice-driven move to B (node-health.ts) while A's OUT_OF_SERVICE time runs.
    finesse.nodes.get(B)!.status = 'IN_SERVICE';
    await expect(nodes.moveToPeerInService(new AbortController().signal)).resolves.toBe(B);
    finesse.nodes.get(A)!.status = 'IN_SERVICE';
    // 20 s later B says OUT_OF_SERVICE and A is in service: B is waited for, not left at once.
    await tick(clock, 20_000);
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    let done = false;
    const second = nodes.beforeReconnect(2, new AbortController().signal, () => undefined).then(() => (done = true));
    await tick(clock, 5_000);
    expect(done).toBe(false);
    await tick(clock, 6_000);
    await second;
    expect(nodes.origin).toBe(A);
  });

  it('beforeReconnect after the first attempt goes straight to the failover check: an unreachable node is left for an IN_SERVICE one, the screen told', async () => {
    const { clock, finesse, nodes } = await setup();
    finesse.nodes.get(A)!.up = false;
    const waiting: [number, string][] = [];
    await nodes.beforeReconnect(2, new AbortController().signal, (at, host) => waiting.push([at - clock.now(), host]));
    expect(nodes.origin).toBe(B);
    expect(waiting).toEqual([[0, 'fin-b.example.com:8445']]);
    expect(nodes.system).toMatchObject({ status: 'IN_SERVICE', xmppDomain: 'fin.example.com' });
  });

  it('beforeReconnect on the first attempt with an IN_SERVICE node: back at once, no peer asked', async () => {
    const { nodes, asked } = await setup();
    await nodes.beforeReconnect(1, new AbortController().signal, () => undefined);
    expect(asked).toEqual(['fin-a']);
  });
});
