// token-schedule.ts, TokenKeeper's arithmetic as pure functions (split out of token-keeper.ts in
// session 3): each test pins one number or one decision, so that changing it turns the test red
// (issue 9 mutation testing). No clock: times are plain numbers.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../main/core/errors.ts';
import {
  expiredError,
  expiryMargin,
  grantTimes,
  plannedRefreshAt,
  refreshTokenUsable,
  retryDelay,
  skewAfter,
  timesOf,
  toLocal,
  type Held,
  type Skew,
} from '../../../../main/core/auth/token-schedule.ts';

const T = 1_000_000;
const unmeasured: Skew = { ms: 0, measured: false };
const held = (extra: Partial<Held> = {}): Held => ({ accessToken: 'a', issuedAt: T, expiresAt: T + 300_000, generation: 1, refreshGeneration: 1, ...extra });
const plan = (extra: { fraction?: number; leadMs?: number; refreshTokenMarginMs?: number } = {}) => ({ fraction: 0.75, leadMs: undefined, refreshTokenMarginMs: 30_000, ...extra });

describe('server clock skew [FIN-12]', () => {
  it('measures the skew from the server Date against the arrival time, and keeps the old one without a usable Date', () => {
    const old: Skew = { ms: 42, measured: true };
    expect(skewAfter({ accessToken: 'a', expiresInSec: 1, serverDateMs: T + 5_000 }, T, unmeasured)).toEqual({ ms: 5_000, measured: true });
    expect(skewAfter({ accessToken: 'a', expiresInSec: 1, serverDateMs: T - 2_000 }, T, old)).toEqual({ ms: -2_000, measured: true });
    expect(skewAfter({ accessToken: 'a', expiresInSec: 1 }, T, old)).toBe(old);
    expect(skewAfter({ accessToken: 'a', expiresInSec: 1, serverDateMs: Number.NaN }, T, old)).toBe(old);
    expect(skewAfter({ accessToken: 'a', expiresInSec: 1, serverDateMs: Number.POSITIVE_INFINITY }, T, old)).toBe(old);
  });

  it('turns a server time into local time, counting the Date header’s lost second against us once measured', () => {
    expect(toLocal(T, { ms: 5_000, measured: true })).toBe(T - 6_000);
    expect(toLocal(T, { ms: 0, measured: true })).toBe(T - 1_000);
    expect(toLocal(T, unmeasured)).toBe(T);
  });
});

describe('the times a grant gives [FIN-12, FIN-14]', () => {
  it('counts the lifetime from when the request was sent, or from an earlier obtainedAt, never from after the arrival', () => {
    expect(grantTimes({ accessToken: 'a', expiresInSec: 300 }, T, T + 2_000, unmeasured, undefined)).toEqual({ issuedAt: T, expiresAt: T + 300_000 });
    expect(grantTimes({ accessToken: 'a', expiresInSec: 300, obtainedAt: T + 500 }, T, T + 2_000, unmeasured, undefined)).toMatchObject({ issuedAt: T + 500, expiresAt: T + 300_500 });
    expect(grantTimes({ accessToken: 'a', expiresInSec: 300, obtainedAt: T + 9_000 }, T, T + 2_000, unmeasured, undefined)).toMatchObject({ issuedAt: T + 2_000 });
  });

  it('lets an absolute expiry (JWT exp, in server time) shorten the lifetime, never lengthen it', () => {
    const skew: Skew = { ms: 10_000, measured: true };
    // Server exp T+200 s, server 10 s ahead (+1 s for the Date header's resolution): local T+189 s.
    expect(grantTimes({ accessToken: 'a', expiresInSec: 300, expiresAtServerMs: T + 200_000 }, T, T, skew, undefined).expiresAt).toBe(T + 189_000);
    expect(grantTimes({ accessToken: 'a', expiresInSec: 300, expiresAtServerMs: T + 900_000 }, T, T, skew, undefined).expiresAt).toBe(T + 300_000);
  });

  it('dates a new refresh token by its lifetime, else by its absolute expiry, else leaves its expiry out', () => {
    const skew: Skew = { ms: 10_000, measured: true };
    const base = { accessToken: 'a', expiresInSec: 300, refreshToken: 'r2' };
    expect(grantTimes({ ...base, refreshExpiresInSec: 3_600, refreshExpiresAtServerMs: T + 60_000 }, T, T, skew, undefined)).toEqual({ issuedAt: T, expiresAt: T + 300_000, refreshToken: 'r2', refreshExpiresAt: T + 3_600_000 });
    expect(grantTimes({ ...base, refreshExpiresAtServerMs: T + 60_000 }, T, T, skew, undefined).refreshExpiresAt).toBe(T + 49_000);
    // Both lifetimes count from the same moment: the agent's window completed at obtainedAt.
    expect(grantTimes({ ...base, refreshExpiresInSec: 3_600, obtainedAt: T + 500 }, T, T + 2_000, skew, undefined)).toMatchObject({ expiresAt: T + 300_500, refreshExpiresAt: T + 3_600_500 });
    const bare = grantTimes(base, T, T, skew, held({ refreshToken: 'r1', refreshExpiresAt: T + 5 }));
    expect(bare).toEqual({ issuedAt: T, expiresAt: T + 300_000, refreshToken: 'r2' });
    expect(bare).not.toHaveProperty('refreshExpiresAt');
  });

  it('keeps the previous refresh token and its expiry when a refresh brings none (Finesse)', () => {
    const previous = held({ refreshToken: 'r1', refreshExpiresAt: T + 7_200_000 });
    expect(grantTimes({ accessToken: 'a2', expiresInSec: 300, refreshExpiresInSec: 60 }, T, T, unmeasured, previous)).toEqual({ issuedAt: T, expiresAt: T + 300_000, refreshToken: 'r1', refreshExpiresAt: T + 7_200_000 });
    const none = grantTimes({ accessToken: 'a', expiresInSec: 300 }, T, T, unmeasured, held());
    expect(Object.keys(none).sort()).toEqual(['expiresAt', 'issuedAt']);
  });
});

describe('the expiry margin and the refresh token’s last moment [FIN-12]', () => {
  it('uses the configured margin, at most a tenth of the lifetime, never below zero', () => {
    expect(expiryMargin(held(), 5_000)).toBe(5_000);
    expect(expiryMargin(held({ expiresAt: T + 20_000 }), 5_000)).toBe(2_000);
    expect(expiryMargin(held({ expiresAt: T - 1_000 }), 5_000)).toBe(0);
  });

  it('presents the refresh token up to and including its margin before its end, and never without one', () => {
    const h = held({ refreshToken: 'r', refreshExpiresAt: T + 100_000 });
    expect(refreshTokenUsable(h, T + 70_000, 30_000)).toBe(true);
    expect(refreshTokenUsable(h, T + 70_001, 30_000)).toBe(false);
    expect(refreshTokenUsable(held({ refreshToken: 'r' }), T + 1e12, 30_000)).toBe(true);
    expect(refreshTokenUsable(held({ refreshToken: '' }), T, 30_000)).toBe(false);
    expect(refreshTokenUsable(held(), T, 30_000)).toBe(false);
    expect(refreshTokenUsable(undefined, T, 30_000)).toBe(false);
  });
});

describe('when the next refresh is due', () => {
  it('after 75 % of the lifetime, never in the past [FIN-12]', () => {
    expect(plannedRefreshAt(held(), T, plan())).toBe(T + 225_000);
    expect(plannedRefreshAt(held(), T + 250_000, plan())).toBe(T + 250_000);
    expect(plannedRefreshAt(held(), T, plan({ fraction: 0.5 }))).toBe(T + 150_000);
  });

  it('with a lead, at the latest that long before expiry, but never before half the lifetime [GC-09]', () => {
    const hour = held({ expiresAt: T + 3_600_000 });
    expect(plannedRefreshAt(hour, T, plan({ leadMs: 300_000 }))).toBe(T + 2_700_000); // 75 % is earlier than expiry − 5 min
    expect(plannedRefreshAt(hour, T, plan({ leadMs: 1_200_000 }))).toBe(T + 2_400_000); // expiry − 20 min
    expect(plannedRefreshAt(hour, T, plan({ leadMs: 3_000_000 }))).toBe(T + 1_800_000); // not before half
  });

  it('brings the refresh forward to the refresh token’s last usable moment, unless that moment has passed', () => {
    const h = held({ refreshToken: 'r', refreshExpiresAt: T + 200_000 });
    expect(plannedRefreshAt(h, T, plan())).toBe(T + 170_000);
    expect(plannedRefreshAt({ ...h, refreshExpiresAt: T + 255_000 }, T, plan())).toBe(T + 225_000); // last chance = 75 %: the same
    expect(plannedRefreshAt({ ...h, refreshExpiresAt: T + 256_000 }, T, plan())).toBe(T + 225_000); // last chance after 75 %
    expect(plannedRefreshAt(h, T + 170_000, plan())).toBe(T + 225_000); // passed: the normal plan
    expect(plannedRefreshAt(held({ refreshExpiresAt: T + 200_000 }), T, plan())).toBe(T + 225_000); // no refresh token to save
    expect(plannedRefreshAt(held({ refreshToken: 'r' }), T, plan())).toBe(T + 225_000); // no known end
  });
});

describe('the wait before the next attempt [FIN-13, GC-09]', () => {
  const transient = (details: Record<string, string | number> = {}) => new PatchbayError('x.unavailable', 'u', { action: 'retry', details });

  it('doubles from the base: base, 2×base, 4×base [GC-09]', () => {
    expect([1, 2, 3].map((n) => retryDelay(n, 1_000, transient()))).toEqual([1_000, 2_000, 4_000]);
  });

  it('waits for a longer Retry-After, never for a shorter one, and ignores a hint that is no number [GC-09]', () => {
    expect(retryDelay(1, 1_000, transient({ retryAfterMs: 30_000 }))).toBe(30_000);
    expect(retryDelay(3, 1_000, transient({ retryAfterMs: 500 }))).toBe(4_000);
    expect(retryDelay(1, 1_000, transient({ retryAfterMs: '30000' }))).toBe(1_000);
  });
});

describe('the times shown and the expired error [FIN-14]', () => {
  it('lists only the times that are known', () => {
    expect(timesOf(undefined, T, T)).toEqual({});
    expect(timesOf(held(), undefined, undefined)).toEqual({ expiresAt: T + 300_000 });
    expect(Object.keys(timesOf(held(), undefined, undefined))).toEqual(['expiresAt']); // no key with an undefined value
    expect(timesOf(held({ refreshExpiresAt: T + 9 }), T + 1, T + 2)).toEqual({ expiresAt: T + 300_000, refreshAt: T + 1, refreshExpiresAt: T + 9, signInBy: T + 2 });
  });

  it('asks the agent to sign in again, keeping their state', () => {
    const e = expiredError();
    expect([e.code, e.action, e.message]).toEqual(['auth.token-expired', 'sign-in-again', 'Your sign-in has expired. Sign in again to continue; your agent state is kept.']);
  });
});
