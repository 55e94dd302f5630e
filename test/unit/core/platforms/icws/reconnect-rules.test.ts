// The rest of main/core/platforms/icws/reconnect.ts pinned on the fake clock (issue 9: survivors of the
// narrowed mutation run, docs/mutation.md "ICWS"): the reconnect host list, the SSO failure
// classification, what the screen is told before each wait, and cancelling mid-walk.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { nextInterval, reconnect, reconnectHosts, ssoFailureOutcome, type AttemptOutcome, type ReconnectSchedule } from '../../../../../main/core/platforms/icws/reconnect.ts';

describe('ICWS reconnect host list [ICWS-05, ICWS-19]', () => {
  it('is the kept alternate host list of the last connection, as it is [ICWS-05]', () => {
    const kept = ['https://b:8019', 'https://c:8019'];
    const hosts = reconnectHosts(kept, 'https://a:8019', ['https://a:8019', 'https://z:8019']);
    expect(hosts).toEqual(['https://b:8019', 'https://c:8019']);
    hosts.push('https://d:8019');
    expect(kept).toHaveLength(2); // a copy: the walk appends 503 hosts to its own list
  });

  it("falls back to the server's own address, then the profile's servers, without repeats, when the server sent none [ICWS-19]", () => {
    expect(reconnectHosts([], 'https://a:8019', ['https://y:8019', 'https://a:8019', 'https://y:8019'])).toEqual(['https://a:8019', 'https://y:8019']);
    expect(reconnectHosts([], 'https://a:8019', ['https://y:8019'])).toEqual(['https://a:8019', 'https://y:8019']);
  });
});

describe('ICWS SSO reconnect failure → attempt outcome [ICWS-14, ICWS-21]', () => {
  it('stops and shows (like a 400) when the agent or the IdP said no [ICWS-21]', () => {
    for (const code of ['login.cancelled', 'icws.sso.cancelled', 'icws.sso.failed', 'login.unavailable']) {
      expect(ssoFailureOutcome(code, 'The identity provider refused the sign-in.')).toEqual({ kind: 'rejected', status: 400, message: 'The identity provider refused the sign-in.' });
    }
  });

  it('tries the next host for anything else (a timeout, an unreachable server) [ICWS-21, ICWS-22]', () => {
    for (const code of ['login.timeout', 'net.unreachable', 'icws.sso.unavailable', '']) expect(ssoFailureOutcome(code, 'x')).toEqual({ kind: 'failed' });
  });
});

describe('ICWS reconnect interval after the list is exhausted [ICWS-23]', () => {
  it('counts the 2 hours and the 30 minutes from when reconnecting started, not from clock zero [ICWS-23]', () => {
    const start = 1_800_000_000_000; // a wall-clock start, as in the client
    const state = { original: 20_000, current: 20_000, startedAt: start, lastChangeAt: start };
    expect(nextInterval(state, start + 60_000)).toEqual({ current: 20_000, lastChangeAt: start });
    expect(nextInterval(state, start + 31 * 60_000)).toEqual({ current: 40_000, lastChangeAt: start + 31 * 60_000 });
    expect(nextInterval({ ...state, current: 160_000, lastChangeAt: start + 100 * 60_000 }, start + 121 * 60_000)).toEqual({ current: 200_000, lastChangeAt: start + 121 * 60_000 });
  });
});

describe('ICWS reconnect walk, details [ICWS-20..22]', () => {
  it('tells the screen before every wait: attempts so far, next host, when, interval [ICWS-20]', async () => {
    const clock = new FakeClock(1_000);
    const schedules: ReconnectSchedule[] = [];
    const attempts: { host: string; outcome: AttemptOutcome; at: number }[] = [];
    const outcomes: AttemptOutcome[] = [{ kind: 'failed' }, { kind: 'failed', status: 500 }, { kind: 'created' }];
    const done = reconnect({
      hosts: ['https://a', 'https://b'],
      attempt: async () => outcomes.shift()!,
      clock,
      random: () => 0.25,
      onSchedule: (s) => schedules.push(s),
      onAttempt: (host, outcome, at) => attempts.push({ host, outcome, at }),
    });
    await clock.advance(17_500);
    await clock.advance(17_500);
    expect(await done).toEqual({ kind: 'connected', host: 'https://a', attempts: 3 });
    expect(schedules).toEqual([
      { attempts: 0, nextAttemptAt: 18_500, nextHost: 'https://a', intervalMs: 17_500 },
      { attempts: 2, nextAttemptAt: 36_000, nextHost: 'https://a', intervalMs: 17_500 },
    ]);
    expect(attempts).toEqual([
      { host: 'https://a', outcome: { kind: 'failed' }, at: 18_500 },
      { host: 'https://b', outcome: { kind: 'failed', status: 500 }, at: 18_500 },
      { host: 'https://a', outcome: { kind: 'created' }, at: 36_000 },
    ]);
  });

  it('stops mid-walk when cancelled during an attempt: the next host is not tried', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const tried: string[] = [];
    const done = reconnect({
      hosts: ['a', 'b'],
      attempt: async (host) => {
        tried.push(host);
        controller.abort();
        return { kind: 'failed' };
      },
      clock,
      random: () => 0,
      signal: controller.signal,
    });
    await clock.advance(15_000);
    expect(await done).toEqual({ kind: 'cancelled', attempts: 1 });
    expect(tried).toEqual(['a']);
  });

  it('stops at the wait after an exhausted list when cancelled meanwhile', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const done = reconnect({ hosts: ['a'], attempt: async () => ({ kind: 'failed' }), clock, random: () => 0, signal: controller.signal });
    await clock.advance(15_000);
    controller.abort();
    await clock.advance(15_000);
    expect(await done).toEqual({ kind: 'cancelled', attempts: 1 });
  });

  it('reports a thrown attempt as a failed one to the trace [ICWS-21]', async () => {
    const clock = new FakeClock(0);
    const seen: AttemptOutcome[] = [];
    const done = reconnect({
      hosts: ['a', 'b'],
      attempt: async (host) => {
        if (host === 'a') throw new Error('ECONNREFUSED');
        return { kind: 'created' };
      },
      clock,
      random: () => 0,
      onAttempt: (_host, outcome) => seen.push(outcome),
    });
    await clock.advance(15_000);
    await done;
    expect(seen).toEqual([{ kind: 'failed' }, { kind: 'created' }]);
  });

  it('needs at least one host', async () => {
    await expect(reconnect({ hosts: [], attempt: async () => ({ kind: 'created' }), clock: new FakeClock(0) })).rejects.toThrow(/at least one host/);
  });
});
