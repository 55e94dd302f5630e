import { describe, expect, it } from 'vitest';
import { FakeClock, ScaledClock } from '../../../main/core/clock.ts';

describe('FakeClock', () => {
  it('fires timers in time order only when advanced', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 200);
    clock.setTimeout(() => fired.push('a'), 100);
    const cancelled = clock.setTimeout(() => fired.push('x'), 150);
    cancelled.cancel();
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(101);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(200);
  });

  it('runs timers scheduled by timers within the same advance', async () => {
    const clock = new FakeClock(0);
    const at: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        at.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(30);
    await done;
    expect(at).toEqual([10, 20, 30]);
  });

  it('rejects a sleep when its signal aborts', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('ScaledClock', () => {
  it('runs timers faster by its factor, and its time advances at the same rate', async () => {
    const clock = new ScaledClock(1000);
    const before = clock.now();
    // 10 minutes of clock time: 0.6 s of real time (unscaled, the test's own timeout would hit).
    await clock.sleep(600_000);
    expect(clock.now() - before).toBeGreaterThanOrEqual(590_000);
  });

  it('refuses a non-positive factor', () => {
    expect(() => new ScaledClock(0)).toThrow();
  });
});
