// Finesse outage and failover steps as pure units (outage.ts, failover.ts; protocols/finesse.md §5,
// issue 9 items 9 and 10): what the view shows while the channel reconnects, what happens once it is
// back, and the SystemInfo checks before each reconnect — on the fake clock with stub HTTP. Issue 9
// mutation work (docs/mutation.md, "Session 3, helper MUT-FIN").
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import type { HttpSession } from '../../../../../main/core/net/http-session.ts';
import type { HttpRequest, HttpResponse } from '../../../../../main/core/net/types.ts';
import { checkNodesBeforeReconnect, OUT_OF_SERVICE_POLL_MS, type FailoverContext } from '../../../../../main/core/platforms/finesse/failover.ts';
import { channelStatusStep, restoreAfterOutage, type RestoreOps } from '../../../../../main/core/platforms/finesse/outage.ts';
import { FinesseOptionsSchema } from '../../../../../main/core/platforms/finesse/options.ts';
import type { FinesseUser } from '../../../../../main/core/platforms/finesse/wire.ts';

const A = 'https://fin-a.example.com:8445';
const B = 'https://fin-b.example.com:8445';
const C = 'https://fin-c.example.com:8445';
const log = createLogger({ sink: memorySink() });
const retry = new PatchbayError('finesse.xmpp.down', 'down', { action: 'retry' });

describe('channel status → view (§5)', () => {
  const node = { origin: A, note: 'named by the server' };
  it('reconnecting: shown while active or reconnecting, with attempt, next time and host; the outage starts at attempt 1', () => {
    const status = { state: 'reconnecting', attempt: 1, nextAttemptAt: Date.UTC(2026, 0, 1, 8, 0, 5), error: retry } as const;
    for (const phase of ['active', 'reconnecting'] as const) {
      expect(channelStatusStep(status, phase, node)).toEqual({
        outageStarts: true,
        action: { type: 'reconnecting', attempt: 1, nextAttemptAt: '2026-01-01T08:00:05.000Z', nextHost: 'fin-a.example.com:8445' },
      });
    }
    expect(channelStatusStep({ ...status, attempt: 2 }, 'active', node)).toMatchObject({ outageStarts: false });
    for (const phase of ['signing-in', 'signed-out', 'failed'] as const) expect(channelStatusStep(status, phase, node)).toEqual({ outageStarts: true });
  });

  it('online after a reconnect: reconnected on this node with its note; the first online is nothing', () => {
    expect(channelStatusStep({ state: 'online', jid: 'a@b', reconnectMs: 0 }, 'reconnecting', node)).toEqual({
      action: { type: 'reconnected', server: A, serverNote: 'named by the server' },
      reconnected: true,
    });
    expect(channelStatusStep({ state: 'online', jid: 'a@b' }, 'active', node)).toEqual({});
  });

  it('offline with an error fails the session unless signed out; offline without one is nothing', () => {
    const error = new PatchbayError('finesse.xmpp.refused', 'refused', { action: 'sign-in-again' });
    expect(channelStatusStep({ state: 'offline', error }, 'active', node)).toEqual({ action: { type: 'failed', error: error.toContract() } });
    expect(channelStatusStep({ state: 'offline', error }, 'signed-out', node)).toEqual({});
    expect(channelStatusStep({ state: 'offline' }, 'active', node)).toEqual({});
  });
});

describe('back online after an outage (issue 9 item 10)', () => {
  const user = (state: string, extra: Partial<FinesseUser> = {}) => ({ state, roles: [], ...extra }) as FinesseUser;
  function ops(now: FinesseUser | Error, options: { autoReady?: boolean; notReadyReasonCodeId?: string } = {}, extension?: string, loggingOut = false) {
    const calls: string[] = [];
    const shown: string[] = [];
    const o: RestoreOps = {
      log,
      options: { afterOutage: FinesseOptionsSchema.parse({ afterOutage: options }).afterOutage },
      record: {
        readDialogs: async () => void calls.push('dialogs'),
        readUser: async () => {
          calls.push('user');
          if (now instanceof Error) throw now;
          return now;
        },
        extension,
      },
      loggingOut: () => loggingOut,
      login: async (ext) => void calls.push(`login ${ext}`),
      changeState: async (state, body) => void calls.push(`${state} ${body.includes('<reasonCodeId>') ? body.replace(/.*<reasonCodeId>([^<]*)<.*/s, '$1') : '-'}`),
      showError: (e) => void shown.push(e.code),
    };
    return { o, calls, shown };
  }

  it('Ready before, logged out by the outage: LOGIN with the old extension, no Ready by itself, the agent told [issue 9 item 10]', async () => {
    const { o, calls, shown } = ops(user('LOGOUT'), {}, '9999');
    await restoreAfterOutage(o, user('READY', { extension: '1001' }));
    expect(calls).toEqual(['dialogs', 'user', 'login 1001']);
    expect(shown).toEqual(['finesse.state.not-ready-after-outage']);
  });

  it('IT allows Ready: Ready again and nothing to tell; IT names a Not Ready reason: that reason, the agent told [issue 9 item 10]', async () => {
    const ready = ops(user('LOGOUT'), { autoReady: true });
    await restoreAfterOutage(ready.o, user('READY', { extension: '1001' }));
    expect(ready.calls).toEqual(['dialogs', 'user', 'login 1001', 'READY -']);
    expect(ready.shown).toEqual([]);
    const reason = ops(user('LOGOUT'), { notReadyReasonCodeId: '42' });
    await restoreAfterOutage(reason.o, user('READY', { extension: '1001' }));
    expect(reason.calls).toEqual(['dialogs', 'user', 'login 1001', 'NOT_READY 42']);
    expect(reason.shown).toEqual(['finesse.state.not-ready-after-outage']);
  });

  it('Not Ready before: back to Not Ready with its reason, nothing to tell; the record extension when the user had none', async () => {
    const { o, calls, shown } = ops(user('LOGOUT'), {}, '2002');
    await restoreAfterOutage(o, user('NOT_READY', { reasonCodeId: '7' }));
    expect(calls).toEqual(['dialogs', 'user', 'login 2002', 'NOT_READY 7']);
    expect(shown).toEqual([]);
  });

  it('nothing to restore: still signed in, no state before, logged out before, signing out, or no extension at all', async () => {
    const cases: [FinesseUser, FinesseUser | undefined, boolean, string | undefined][] = [
      [user('READY'), user('READY', { extension: '1' }), false, '1'],
      [user('LOGOUT'), undefined, false, '1'],
      [user('LOGOUT'), user('LOGOUT', { extension: '1' }), false, '1'],
      [user('LOGOUT'), user('READY', { extension: '1' }), true, '1'],
      [user('LOGOUT'), user('READY'), false, undefined],
    ];
    for (const [now, before, loggingOut, extension] of cases) {
      const { o, calls, shown } = ops(now, {}, extension, loggingOut);
      await restoreAfterOutage(o, before);
      expect(calls).toEqual(['dialogs', 'user']);
      expect(shown).toEqual([]);
    }
  });

  it('a failed read is shown as the typed error, never thrown', async () => {
    const { o, shown } = ops(new PatchbayError('finesse.out-of-service', 'x', { action: 'retry' }));
    await expect(restoreAfterOutage(o, user('READY'))).resolves.toBeUndefined();
    expect(shown).toEqual(['finesse.out-of-service']);
  });
});

describe('before a reconnect: SystemInfo decides (§5 failover, issue 9 item 9)', () => {
  const xml = (status: string) => `<SystemInfo><status>${status}</status><systemAuthMode>NON_SSO</systemAuthMode></SystemInfo>`;
  function setup(status: Record<string, string | 'down'>, nodes = [A, B], nodeIndex = 0, failoverMs = 30_000) {
    const clock = new FakeClock();
    const asked: string[] = [];
    const http = {
      async request(req: HttpRequest) {
        const origin = new URL(String(req.url)).origin;
        asked.push(`${origin === A ? 'A' : origin === B ? 'B' : 'C'}`);
        if (status[origin] === 'down') throw new PatchbayError('net.refused', 'x', { action: 'retry' });
        const body = xml(status[origin]!);
        return { status: 200, headers: {}, setCookie: [], url: origin, chain: [], body: new Uint8Array(), text: () => body, json: () => ({}) } as HttpResponse;
      },
    } as unknown as HttpSession;
    const chosen: [number, string][] = [];
    const waiting: [number, number][] = [];
    const ctx: FailoverContext = {
      http,
      clock,
      log,
      nodes,
      nodeIndex,
      outOfServiceFailoverMs: failoverMs,
      outOfService: {},
      onInService: (i, info) => chosen.push([i, info.status]),
      onWaiting: (at, i) => waiting.push([at - clock.now(), i]),
    };
    return { ctx, clock, asked, chosen, waiting, status };
  }
  async function run(s: ReturnType<typeof setup>, ms: number, signal = new AbortController().signal) {
    let done = false;
    const p = checkNodesBeforeReconnect(s.ctx, signal).then(() => (done = true));
    p.catch(() => undefined);
    for (let t = 0; t < ms && !done; t += 100) await s.clock.advance(100);
    return { done, p };
  }

  it('this node IN_SERVICE: stay, no other node asked [§5 failover]', async () => {
    const s = setup({ [A]: 'IN_SERVICE', [B]: 'IN_SERVICE' });
    s.ctx.outOfService.since = 5;
    expect((await run(s, 100)).done).toBe(true);
    expect(s.asked).toEqual(['A']);
    expect(s.chosen).toEqual([[0, 'IN_SERVICE']]);
    expect(s.ctx.outOfService.since).toBeUndefined();
  });

  it('this node unreachable: the next IN_SERVICE node at once, said as "now" [§5 failover]', async () => {
    const s = setup({ [A]: 'down', [B]: 'OUT_OF_SERVICE', [C]: 'IN_SERVICE' }, [A, B, C]);
    expect((await run(s, 100)).done).toBe(true);
    expect(s.asked).toEqual(['A', 'B', 'C']);
    expect(s.chosen).toEqual([[2, 'IN_SERVICE']]);
    expect(s.waiting).toEqual([[0, 2]]);
  });

  it('unreachable everywhere: back to the channel schedule, no wait [§5 failover]', async () => {
    const s = setup({ [A]: 'down', [B]: 'down' });
    expect((await run(s, 100)).done).toBe(true);
    expect(s.asked).toEqual(['A', 'B']);
    expect(s.chosen).toEqual([]);
    expect(s.waiting).toEqual([]);
  });

  it('OUT_OF_SERVICE: waits for it in 2 s polls, the other node only once it lasted the failover time [§5 failover]', async () => {
    const s = setup({ [A]: 'OUT_OF_SERVICE', [B]: 'IN_SERVICE' }, [A, B], 0, 10_000);
    let done = false;
    void checkNodesBeforeReconnect(s.ctx, new AbortController().signal).then(() => (done = true));
    for (let t = 0; t < 9_000; t += 100) await s.clock.advance(100);
    expect(done).toBe(false);
    expect(OUT_OF_SERVICE_POLL_MS).toBe(2_000);
    expect(s.waiting[0]).toEqual([OUT_OF_SERVICE_POLL_MS, 0]);
    expect(s.asked.every((n) => n === 'A')).toBe(true);
    expect(s.asked.length).toBeGreaterThanOrEqual(4);
    for (let t = 0; t < 3_000 && !done; t += 100) await s.clock.advance(100);
    expect(done).toBe(true);
    expect(s.chosen).toEqual([[1, 'IN_SERVICE']]);
    expect(s.ctx.outOfService.since).toBeUndefined();
  });

  it('OUT_OF_SERVICE, then this node is back: stays here [§5 failover]', async () => {
    const s = setup({ [A]: 'OUT_OF_SERVICE', [B]: 'IN_SERVICE' });
    let done = false;
    void checkNodesBeforeReconnect(s.ctx, new AbortController().signal).then(() => (done = true));
    for (let t = 0; t < 3_000; t += 100) await s.clock.advance(100);
    expect(done).toBe(false);
    s.status[A] = 'IN_SERVICE';
    for (let t = 0; t < 3_000 && !done; t += 100) await s.clock.advance(100);
    expect(done).toBe(true);
    expect(s.chosen).toEqual([[0, 'IN_SERVICE']]);
    expect(s.asked).not.toContain('B');
  });

  it('a one-node profile never looks elsewhere, however long it lasts', async () => {
    const s = setup({ [A]: 'OUT_OF_SERVICE' }, [A], 0, 0);
    expect((await run(s, 5_000)).done).toBe(false);
    expect(new Set(s.asked)).toEqual(new Set(['A']));
  });

  it('an abort while asking ends the check with the abort', async () => {
    const s = setup({ [A]: 'OUT_OF_SERVICE', [B]: 'OUT_OF_SERVICE' });
    const control = new AbortController();
    const { p } = await run(s, 1_000, control.signal);
    control.abort(new PatchbayError('stopped', 'stopped', { action: 'none' }));
    await s.clock.advance(3_000);
    await expect(p).rejects.toBeDefined();
  });
});
