// Issue 9 item 9 (protocols/finesse.md §5 failover): NodeHealth's decisions on the fake clock, with
// the real FinesseNodes over the fake Finesse HTTP. The same journeys run over real sockets in
// test/integration/finesse/node-health.test.ts.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import type { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { NodeHealth } from '../../../../../main/core/platforms/finesse/node-health.ts';
import { FinesseNodes } from '../../../../../main/core/platforms/finesse/nodes.ts';
import type { FinesseAction } from '../../../../../main/core/platforms/finesse/reducer.ts';
import { FakeFinesse } from './fake-finesse.ts';

const A = 'https://fin-a.example.com:8445';
const B = 'https://fin-b.example.com:8445';

async function tick(clock: FakeClock, ms: number, stepMs = 50): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) await clock.advance(Math.min(stepMs, ms - t));
}

async function setup(servers = [A, B]) {
  const clock = new FakeClock();
  const finesse = new FakeFinesse(clock, servers);
  const log = createLogger({ sink: memorySink() });
  const nodes = new FinesseNodes({ http: finesse.http, clock, log, servers, outOfServiceFailoverMs: 30_000 });
  await nodes.discover();
  const stale: boolean[] = [];
  const actions: FinesseAction[] = [];
  const reconnects: PatchbayError[] = [];
  const health = new NodeHealth({ clock, log, nodes, record: { setStale: (s) => stale.push(s) }, dispatch: (a) => actions.push(a), reconnect: (r) => reconnects.push(r) });
  const systemInfoReads = () => finesse.requests.filter((r) => r.path === '/finesse/api/SystemInfo').length;
  return { clock, finesse, nodes, health, stale, actions, reconnects, systemInfoReads };
}

const errorCodes = (actions: FinesseAction[]) => actions.flatMap((a) => (a.type === 'error' ? [a.error.code] : a.type === 'clear-error' ? [`clear:${a.codePrefix}`] : []));

describe('Finesse node health (issue 9 item 9)', () => {
  it('an OUT_OF_SERVICE notice moves REST to the IN_SERVICE peer, re-opens XMPP there and tells the agent [§5 failover]', async () => {
    const { clock, finesse, nodes, health, stale, actions, reconnects } = await setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    expect(nodes.origin).toBe(B);
    expect(reconnects).toHaveLength(1);
    expect(errorCodes(actions)).toEqual(['clear:finesse.node.no-node-in-service', 'finesse.node.moved']);
    expect(stale).toEqual([false]);
  });

  it('a notice the node contradicts (SystemInfo still IN_SERVICE) moves nothing', async () => {
    const { clock, nodes, health, actions, reconnects } = await setup();
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 5_000);
    expect(nodes.origin).toBe(A);
    expect(reconnects).toHaveLength(0);
    expect(actions).toEqual([]);
  });

  it('with no node in service: degraded once, with the status, the peers polled until one is back, then moved [§5 failover]', async () => {
    const { clock, finesse, nodes, health, stale, actions, reconnects, systemInfoReads } = await setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    expect(stale).toEqual([true]);
    const degraded = actions.find((a) => a.type === 'error');
    expect(degraded).toMatchObject({ error: { code: 'finesse.node.no-node-in-service', action: 'none' } });
    expect(degraded?.type === 'error' && degraded.error.message).toContain('OUT_OF_SERVICE');
    const before = systemInfoReads();
    // A second notice while this one is handled starts nothing new.
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 10_000);
    expect(systemInfoReads()).toBeGreaterThan(before); // polled
    expect(stale).toEqual([true]);
    expect(reconnects).toHaveLength(0);
    finesse.nodes.get(B)!.status = 'IN_SERVICE';
    await tick(clock, 3_000);
    expect(nodes.origin).toBe(B);
    expect(reconnects).toHaveLength(1);
    expect(stale).toEqual([true, false]);
    expect(errorCodes(actions)).toEqual(['finesse.node.no-node-in-service', 'clear:finesse.node.no-node-in-service', 'finesse.node.moved']);
  });

  it('degraded, then the node in use says IN_SERVICE again: live again where it is, nothing re-opened', async () => {
    const { clock, finesse, nodes, health, stale, actions, reconnects } = await setup();
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    finesse.nodes.get(A)!.status = 'IN_SERVICE';
    health.onNotice('IN_SERVICE');
    await tick(clock, 5_000);
    expect(nodes.origin).toBe(A);
    expect(stale).toEqual([true, false]);
    expect(errorCodes(actions)).toEqual(['finesse.node.no-node-in-service', 'clear:finesse.node.no-node-in-service']);
    expect(reconnects).toHaveLength(0);
  });

  it('a one-server profile with no SystemInfo nodes has nowhere to go: degraded', async () => {
    const { clock, finesse, nodes, health, stale, reconnects } = await setup([A]);
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    health.onNotice('OUT_OF_SERVICE');
    await tick(clock, 100);
    expect(nodes.origin).toBe(A);
    expect(stale).toEqual([true]);
    expect(reconnects).toHaveLength(0);
    health.stop(false);
    await tick(clock, 5_000);
    expect(stale).toEqual([true]);
  });

  it('the first reconnect after a drop checks SystemInfo: IN_SERVICE or unanswered retries at once, OUT_OF_SERVICE does not [§5 failover]', async () => {
    const { clock, finesse, nodes } = await setup();
    const waiting: string[] = [];
    const signal = new AbortController().signal;
    await nodes.beforeReconnect(1, signal, (_at, host) => waiting.push(host));
    expect(waiting).toEqual([]);
    finesse.nodes.get(A)!.up = false;
    await nodes.beforeReconnect(1, signal, (_at, host) => waiting.push(host));
    expect(nodes.origin).toBe(A); // a blip on an unreachable node: retried at once, no failover yet
    finesse.nodes.get(A)!.up = true;
    finesse.nodes.get(A)!.status = 'OUT_OF_SERVICE';
    finesse.nodes.get(B)!.status = 'OUT_OF_SERVICE';
    let done = false;
    const check = nodes.beforeReconnect(1, signal, (_at, host) => waiting.push(host)).then(() => (done = true));
    await tick(clock, 5_000);
    expect(done).toBe(false);
    expect(waiting[0]).toBe('fin-a.example.com:8445');
    finesse.nodes.get(A)!.status = 'IN_SERVICE';
    await tick(clock, 3_000);
    await check;
    expect(nodes.origin).toBe(A);
  });
});
