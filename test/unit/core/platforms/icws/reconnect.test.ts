// The seed 000 reconnect algorithm, branch by branch, on the fake clock (ICWS-19..23).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { initialInterval, nextInterval, reconnect, type AttemptOutcome, type ReconnectSchedule } from '../../../../../main/core/platforms/icws/reconnect.ts';

const MIN = 60_000;

function scripted(outcomes: Record<string, AttemptOutcome[] | AttemptOutcome>) {
  const calls: { host: string; at: number }[] = [];
  return {
    calls,
    attempt(clock: FakeClock) {
      return async (host: string): Promise<AttemptOutcome> => {
        calls.push({ host, at: clock.now() });
        const script = outcomes[host] ?? { kind: 'failed' };
        if (Array.isArray(script)) return script.shift() ?? { kind: 'failed' };
        return script;
      };
    },
  };
}

describe('ICWS reconnect interval', () => {
  it('picks a random interval between 15 and 25 seconds [ICWS-20]', () => {
    expect(initialInterval(() => 0)).toBe(15_000);
    expect(initialInterval(() => 0.5)).toBe(20_000);
    expect(initialInterval(() => 0.999999)).toBe(25_000);
  });

  it('doubles only when 30 minutes passed since the last change, and is 10x after 2 hours [ICWS-23]', () => {
    const start = 0;
    const base = { original: 20_000, current: 20_000, startedAt: start, lastChangeAt: start };
    expect(nextInterval(base, 29 * MIN).current).toBe(20_000);
    expect(nextInterval(base, 31 * MIN)).toEqual({ current: 40_000, lastChangeAt: 31 * MIN });
    expect(nextInterval({ ...base, current: 40_000, lastChangeAt: 31 * MIN }, 50 * MIN).current).toBe(40_000);
    expect(nextInterval({ ...base, current: 160_000, lastChangeAt: 100 * MIN }, 121 * MIN).current).toBe(200_000);
    expect(nextInterval({ ...base, current: 200_000, lastChangeAt: 121 * MIN }, 200 * MIN).current).toBe(200_000);
  });
});

describe('ICWS reconnect walk', () => {
  it('waits the interval before the first attempt and stops at the first 201 [ICWS-20, ICWS-21]', async () => {
    const clock = new FakeClock(0);
    const script = scripted({ a: { kind: 'failed' }, b: { kind: 'created' } });
    const done = reconnect({ hosts: ['a', 'b', 'c'], attempt: script.attempt(clock), clock, random: () => 0.5 });
    await clock.advance(19_999);
    expect(script.calls).toEqual([]);
    await clock.advance(1);
    expect(await done).toEqual({ kind: 'connected', host: 'b', attempts: 2 });
    expect(script.calls.map((c) => c.host)).toEqual(['a', 'b']);
    expect(script.calls[0]!.at).toBe(20_000);
  });

  it('stops and reports on a 400 without trying further hosts [ICWS-21]', async () => {
    const clock = new FakeClock(0);
    const script = scripted({ a: { kind: 'rejected', status: 400, message: 'The user account was deleted.', errorId: 'error.x' } });
    const done = reconnect({ hosts: ['a', 'b'], attempt: script.attempt(clock), clock, random: () => 0 });
    await clock.advance(15_000);
    expect(await done).toEqual({ kind: 'rejected', host: 'a', message: 'The user account was deleted.', errorId: 'error.x', attempts: 1 });
    expect(script.calls.map((c) => c.host)).toEqual(['a']);
  });

  it('appends only new hosts of a 503 to the end of the list, then goes on [ICWS-21, ICWS-22]', async () => {
    const clock = new FakeClock(0);
    const script = scripted({ a: { kind: 'unavailable', alternateHosts: ['b', 'd', 'a'] }, b: { kind: 'failed', status: 500 }, c: { kind: 'failed' }, d: { kind: 'created' } });
    const done = reconnect({ hosts: ['a', 'b', 'c'], attempt: script.attempt(clock), clock, random: () => 0 });
    await clock.advance(15_000);
    expect(await done).toMatchObject({ kind: 'connected', host: 'd' });
    expect(script.calls.map((c) => c.host)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('treats a thrown request like a failed one and moves to the next host [ICWS-21]', async () => {
    const clock = new FakeClock(0);
    let first = true;
    const done = reconnect({
      hosts: ['a', 'b'],
      attempt: async (host) => {
        if (first) {
          first = false;
          throw new Error('ECONNREFUSED');
        }
        return host === 'b' ? { kind: 'created' } : { kind: 'failed' };
      },
      clock,
      random: () => 0,
    });
    await clock.advance(15_000);
    expect(await done).toMatchObject({ kind: 'connected', host: 'b', attempts: 2 });
  });

  it('starts over at the first host after the list is exhausted, after the interval [ICWS-23]', async () => {
    const clock = new FakeClock(0);
    const script = scripted({ a: [{ kind: 'failed' }, { kind: 'created' }], b: { kind: 'failed' } });
    const done = reconnect({ hosts: ['a', 'b'], attempt: script.attempt(clock), clock, random: () => 0 });
    await clock.advance(15_000);
    expect(script.calls.map((c) => c.host)).toEqual(['a', 'b']);
    await clock.advance(14_999);
    expect(script.calls).toHaveLength(2);
    await clock.advance(1);
    expect(await done).toMatchObject({ kind: 'connected', host: 'a', attempts: 3 });
    expect(script.calls[2]!.at).toBe(30_000);
  });

  it('follows the whole 3-hour schedule: doubling every 30 min, then 10x after 2 h [ICWS-23]', async () => {
    const clock = new FakeClock(0);
    const script = scripted({});
    const schedules: ReconnectSchedule[] = [];
    const controller = new AbortController();
    const done = reconnect({ hosts: ['a'], attempt: script.attempt(clock), clock, random: () => 0.5, signal: controller.signal, onSchedule: (s) => schedules.push(s) });
    await clock.advance(3 * 60 * MIN);
    controller.abort();
    expect((await done).kind).toBe('cancelled');
    const intervals = schedules.map((s) => s.intervalMs);
    // Distinct intervals in order: 20 s → 40 s → 80 s → 160 s → 200 s (10 × 20 s).
    expect([...new Set(intervals)]).toEqual([20_000, 40_000, 80_000, 160_000, 200_000]);
    // Every attempt is one interval after the previous one (single host, failures are instant).
    const times = script.calls.map((c) => c.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(intervals[i]);
    // Doubling happens only once 30 minutes passed since the last change.
    const changes = schedules.filter((s, i) => i > 0 && s.intervalMs !== schedules[i - 1]!.intervalMs).map((s) => s.nextAttemptAt - s.intervalMs);
    expect(changes[0]).toBeGreaterThan(30 * MIN);
    expect(changes[1]! - changes[0]!).toBeGreaterThan(30 * MIN);
    expect(changes.at(-1)).toBeGreaterThan(120 * MIN);
    // ~90 attempts in 20–40 s steps for 30 min, etc.; 200 s apart after 2 h.
    const after2h = script.calls.filter((c) => c.at > 125 * MIN).map((c) => c.at);
    for (let i = 1; i < after2h.length; i++) expect(after2h[i]! - after2h[i - 1]!).toBe(200_000);
  });

  it('stops waiting at once when cancelled', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const done = reconnect({ hosts: ['a'], attempt: async () => ({ kind: 'created' }), clock, random: () => 0, signal: controller.signal });
    controller.abort();
    expect(await done).toEqual({ kind: 'cancelled', attempts: 0 });
  });
});
