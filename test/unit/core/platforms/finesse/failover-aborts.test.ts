// Finesse failover before a reconnect (failover.ts, protocols/finesse.md §5, issue 9 item 9): an abort
// that arrives while a SystemInfo request is in flight, and the OUT_OF_SERVICE clock that only a
// node that answered may start. Survivors of the session-3 run (docs/mutation.md, "Session 4, helper
// MUT-FIN2"), on the fake clock with stub HTTP.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import { checkNodesBeforeReconnect, type FailoverContext } from '../../../../../main/core/platforms/finesse/failover.ts';

const A = 'https://fin-a.example.com:8445';
const B = 'https://fin-b.example.com:8445';
const C = 'https://fin-c.example.com:8445';
const names: Record<string, string> = { [A]: 'A', [B]: 'B', [C]: 'C' };
const log = createLogger({ sink: memorySink() });

/** 'hang': the request stays open until its signal aborts (then it rejects like the real HttpSession). */
type NodeState = string | 'down' | 'hang';

function setup(state: Record<string, NodeState>, nodes = [A, B], failoverMs = 30_000) {
  const clock = new FakeClock();
  const asked: string[] = [];
  const http = {
    request(req: HttpRequest): Promise<HttpResponse> {
      const origin = new URL(String(req.url)).origin;
      asked.push(names[origin]!);
      const signal = req.signal;
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      if (state[origin] === 'down') return Promise.reject(new PatchbayError('net.refused', 'refused', { action: 'retry' }));
      if (state[origin] === 'hang') {
        return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
      }
      const body = `<SystemInfo><status>${state[origin]}</status><systemAuthMode>NON_SSO</systemAuthMode></SystemInfo>`;
      return Promise.resolve({ status: 200, headers: {}, setCookie: [], url: origin, chain: [], body: new Uint8Array(), text: () => body, json: () => ({}) } as unknown as HttpResponse);
    },
  } as unknown as HttpSession;
  const chosen: number[] = [];
  const ctx: FailoverContext = {
    http,
    clock,
    log,
    nodes,
    nodeIndex: 0,
    outOfServiceFailoverMs: failoverMs,
    outOfService: {},
    onInService: (i) => chosen.push(i),
    onWaiting: () => undefined,
  };
  return { clock, ctx, asked, chosen, state };
}

async function settle(clock: FakeClock, ms = 200): Promise<void> {
  for (let t = 0; t < ms; t += 50) await clock.advance(50);
}

const stopped = () => new PatchbayError('finesse.xmpp.stopped', 'Notifications stopped.', { action: 'none' });

describe('failover check: an abort during a SystemInfo request ends the check with the abort (§5 failover)', () => {
  it('aborted while this node is asked: rejects with the abort, asks no other node [§5 failover]', async () => {
    const s = setup({ [A]: 'hang', [B]: 'IN_SERVICE' });
    const control = new AbortController();
    const check = checkNodesBeforeReconnect(s.ctx, control.signal);
    const outcome = check.then(() => 'resolved', (e: unknown) => e);
    await settle(s.clock);
    expect(s.asked).toEqual(['A']);
    const reason = stopped();
    control.abort(reason);
    await settle(s.clock);
    expect(await outcome).toBe(reason);
    expect(s.asked).toEqual(['A']);
    expect(s.chosen).toEqual([]);
  });

  it('aborted while the other node is asked: rejects with the abort, asks no third node [§5 failover]', async () => {
    const s = setup({ [A]: 'down', [B]: 'hang', [C]: 'IN_SERVICE' }, [A, B, C]);
    const control = new AbortController();
    const outcome = checkNodesBeforeReconnect(s.ctx, control.signal).then(() => 'resolved', (e: unknown) => e);
    await settle(s.clock);
    expect(s.asked).toEqual(['A', 'B']);
    const reason = stopped();
    control.abort(reason);
    await settle(s.clock);
    expect(await outcome).toBe(reason);
    expect(s.asked).toEqual(['A', 'B']);
    expect(s.chosen).toEqual([]);
  });
});

describe('failover check: the OUT_OF_SERVICE time starts when the node says so (§5 failover)', () => {
  it('an unreachable node starts no OUT_OF_SERVICE clock: saying OUT_OF_SERVICE later waits the whole failover time [§5 failover]', async () => {
    const s = setup({ [A]: 'down', [B]: 'down' }, [A, B], 30_000);
    const start = s.clock.now();
    await checkNodesBeforeReconnect(s.ctx, new AbortController().signal);
    expect(s.ctx.outOfService.since).toBeUndefined();
    await s.clock.advance(40_000); // the channel's own schedule runs meanwhile
    s.state[A] = 'OUT_OF_SERVICE';
    s.state[B] = 'IN_SERVICE';
    let done = false;
    const check = checkNodesBeforeReconnect(s.ctx, new AbortController().signal).then(() => (done = true));
    await settle(s.clock, 1_000);
    // OUT_OF_SERVICE for 1 s only: wait here, do not move to B yet.
    expect(done).toBe(false);
    expect(s.ctx.outOfService.since).toBe(start + 40_000);
    expect(s.asked.slice(2).every((n) => n === 'A')).toBe(true);
    await settle(s.clock, 31_000);
    await check;
    expect(s.chosen).toEqual([1]);
  });
});
