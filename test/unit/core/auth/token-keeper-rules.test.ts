// TokenKeeper, rule by rule and boundary by boundary (issue 9: mutation testing found that changes to
// its defaults, margins and skew handling passed every test). Fake clock; each test pins one number
// or one decision so that changing it in token-keeper.ts turns the test red.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../main/core/log.ts';
import type { TokenGrant } from '../../../../main/core/auth/token-keeper.ts';
import { grant, keeper, strategy } from './token-keeper-harness.ts';

const refused = () => new PatchbayError('x.refused', 'refused', { action: 'sign-in-again' });
const transient = (details: Record<string, number> = {}) => new PatchbayError('x.unavailable', 'unavailable', { action: 'retry', details });

describe('TokenKeeper defaults [FIN-12, FIN-13, FIN-14]', () => {
  it('retries a transient failure 3 times by default, 1 s then 2 s apart [FIN-13]', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const failing = strategy(clock, 'silent', async () => Promise.reject(transient()));
    const k = keeper(clock, [failing]);
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(240_000);
    expect(failing.calls.map((c) => c.at - t0)).toEqual([225_000, 226_000, 228_000]);
    expect(failing.calls.map((c) => c.ctx.attempt)).toEqual([1, 2, 3]);
    expect(k.stats.failedAttempts).toBe(3);
    k.stop();
  });

  it('makes at least one attempt even when maxAttempts is 0', async () => {
    const clock = new FakeClock();
    const failing = strategy(clock, 'silent', async () => Promise.reject(transient()));
    const k = keeper(clock, [failing], { maxAttempts: 0 });
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(240_000);
    expect(failing.calls).toHaveLength(1);
    k.stop();
  });

  it('does not hand out a token in its last 5 s by default (a tenth of a short lifetime)', async () => {
    const clock = new FakeClock();
    const k = keeper(clock, []);
    k.start(grant(1, { refreshToken: 'r1' })); // 300 s: margin 5 s
    await clock.advance(294_999);
    expect(k.peek()).toBe('a1');
    await clock.advance(1);
    expect(k.peek()).toBeUndefined();
    k.stop();
    const short = keeper(clock, []);
    short.start(grant(2, { expiresInSec: 20 })); // 20 s: margin 2 s
    await clock.advance(17_999);
    expect(short.peek()).toBe('a2');
    await clock.advance(1);
    expect(short.peek()).toBeUndefined();
    short.stop();
  });

  it('a token with no lifetime is never handed out', () => {
    const clock = new FakeClock();
    const k = keeper(clock, []);
    k.start(grant(1, { expiresInSec: 0 }));
    expect(k.peek()).toBeUndefined();
    k.stop();
  });

  it('renews 10 min and warns 6 min before the refresh token ends, by default [FIN-14]', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const silent = strategy(clock, 'silent', async (_ctx, n) => grant(n + 1));
    const hidden = strategy(clock, 'hidden', async () => Promise.reject(new PatchbayError('login.timeout', 't')), { modes: ['renew'] });
    const warnings: { at: number; deadline: number; reason: string }[] = [];
    const k = keeper(clock, [silent, hidden], { onSignInNeeded: (w) => warnings.push({ at: clock.now(), deadline: w.deadline, reason: w.reason }) });
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 3_600 }));
    await clock.advance(3_600_000 - 10 * 60_000 - 1);
    expect(hidden.calls).toHaveLength(0);
    await clock.advance(1);
    expect(hidden.calls.map((c) => c.at - t0)).toEqual([3_600_000 - 10 * 60_000]);
    expect(hidden.calls[0]?.ctx).toMatchObject({ mode: 'renew', refreshToken: 'r1' });
    // The hidden renewal failed at once: the agent is told right away, with the real deadline.
    expect(warnings).toEqual([{ at: t0 + 3_600_000 - 10 * 60_000, deadline: t0 + 3_600_000, reason: 'refresh-token-expiring' }]);
    expect(k.stats.warningLeads).toEqual([10 * 60_000]);
    k.stop();
  });

  it('warns exactly 6 min ahead by default when the hidden renewal is still running [FIN-14]', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const hidden = strategy(clock, 'hidden', () => new Promise<TokenGrant>(() => undefined), { modes: ['renew'] });
    const warnings: number[] = [];
    const k = keeper(clock, [hidden], { onSignInNeeded: () => warnings.push(clock.now() - t0) });
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 3_600, expiresInSec: 7_200 }));
    await clock.advance(3_600_000 - 6 * 60_000 - 1);
    expect(warnings).toEqual([]);
    await clock.advance(1);
    expect(warnings).toEqual([3_600_000 - 6 * 60_000]);
    expect(k.times().signInBy).toBe(t0 + 3_600_000);
    k.stop();
  });

  it('makes the last refresh with a refresh token 30 s before it ends, by default [FIN-12]', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const k = keeper(clock, []);
    // The access token would refresh at 225 s, after the refresh token's last usable moment (100 − 30 s).
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 100 }));
    expect(k.times().refreshAt).toBe(t0 + 70_000);
    k.stop();
  });
});

describe('TokenKeeper refresh timing [FIN-12]', () => {
  it('counts the lifetime from when the request was sent, and never refreshes after expiry', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const k = keeper(clock, [], { refreshFraction: 0.5 });
    k.start(grant(1, { expiresInSec: 100 }), t0 - 10_000);
    expect(k.times()).toEqual({ expiresAt: t0 + 90_000, refreshAt: t0 + 40_000 });
    k.stop();
    const late = keeper(clock, [], { refreshFraction: 0.75 });
    late.start(grant(1, { expiresInSec: 100 }), t0 - 90_000);
    // 75 % of the life is already behind us: refresh now, not in the past.
    expect(late.times().refreshAt).toBe(t0);
    late.stop();
  });

  it('uses the earlier of expires_in and the server’s absolute expiry, corrected by the Date skew (−1 s for its resolution)', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const k = keeper(clock, []);
    const server = t0 + 3_600_000; // server clock an hour ahead
    k.start(grant(1, { expiresInSec: 300, serverDateMs: server, expiresAtServerMs: server + 120_000 }));
    expect(k.skew).toBe(3_600_000);
    expect(k.times().expiresAt).toBe(t0 + 120_000 - 1_000);
    k.stop();
    const relative = keeper(clock, []);
    relative.start(grant(1, { expiresInSec: 60, serverDateMs: server, expiresAtServerMs: server + 120_000 }));
    expect(relative.times().expiresAt).toBe(t0 + 60_000);
    relative.stop();
  });

  it('ignores a Date that is not a number, and uses no 1 s allowance without one', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const k = keeper(clock, []);
    k.start(grant(1, { expiresInSec: 600, serverDateMs: Number.NaN, expiresAtServerMs: t0 + 120_000 }));
    expect(k.skew).toBe(0);
    expect(k.times().expiresAt).toBe(t0 + 120_000);
    k.stop();
  });

  it('prefers the refresh token’s relative lifetime over its absolute expiry', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const k = keeper(clock, []);
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 600, refreshExpiresAtServerMs: t0 + 60_000 }));
    expect(k.times().refreshExpiresAt).toBe(t0 + 600_000);
    k.stop();
  });

  it('dates a grant from obtainedAt when the strategy says so, never from the future', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const silent = strategy(clock, 'silent', async () => grant(2, { obtainedAt: clock.now() + 50_000 }));
    const k = keeper(clock, [silent]);
    k.start(grant(1, { refreshToken: 'r1', obtainedAt: t0 - 20_000 }));
    expect(k.times().expiresAt).toBe(t0 - 20_000 + 300_000);
    await clock.advance(205_000); // refresh at 75 % of the life counted from obtainedAt
    expect(silent.calls).toHaveLength(1);
    expect(k.times().expiresAt).toBe(clock.now() + 300_000);
    k.stop();
  });

  it('keeps the refresh token and its expiry when a refresh returns none', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const silent = strategy(clock, 'silent', async () => grant(2));
    const tokens: [string, number | undefined][] = [];
    const k = keeper(clock, [silent], { onRefreshToken: (token, until) => tokens.push([token, until]) });
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 7_200 }));
    expect(tokens).toEqual([['r1', t0 + 7_200_000]]);
    await clock.advance(225_000);
    expect(silent.calls).toHaveLength(1);
    expect(k.times().refreshExpiresAt).toBe(t0 + 7_200_000);
    await clock.advance(225_000);
    expect(silent.calls[1]?.ctx.refreshToken).toBe('r1');
    expect(tokens).toHaveLength(1);
    k.stop();
  });

  it('emits the times on every change, and drops refreshAt once the token expired', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const seen: object[] = [];
    const expired: string[] = [];
    const k = keeper(clock, [], { onTimes: (t) => seen.push(t), onExpired: (e) => expired.push(e.code) });
    k.start(grant(1, { expiresInSec: 100 }));
    expect(seen).toEqual([{ expiresAt: t0 + 100_000, refreshAt: t0 + 75_000 }]);
    await clock.advance(100_000);
    expect(expired).toEqual(['auth.token-expired']);
    // refreshAt is gone; the sign-in deadline (set when the refresh at 75 s had nothing to try) stays.
    expect(seen.at(-1)).toEqual({ expiresAt: t0 + 100_000, signInBy: t0 + 100_000 });
    k.stop();
  });
});

describe('TokenKeeper attempts [FIN-13]', () => {
  it('never presents an access token inside its margin for a refresh', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async () => grant(2));
    const k = keeper(clock, [silent], { refreshFraction: 0.99 });
    k.start(grant(1, { refreshToken: 'r1', expiresInSec: 100 }));
    await clock.advance(95_000); // margin 5 s: the token is unusable now (the planned refresh is at 99 s)
    await k.refreshNow();
    expect(silent.calls).toHaveLength(0);
    k.stop();
  });

  it('gives up retrying when the next attempt would fall after the deadline', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const failing = strategy(clock, 'silent', async () => Promise.reject(transient()));
    const attempts: { attempt: number; retryAt?: number }[] = [];
    const k = keeper(clock, [failing], { backoffBaseMs: 10_000, maxAttempts: 5, onAttemptFailed: (i) => attempts.push({ attempt: i.attempt, ...(i.retryAt ? { retryAt: i.retryAt - t0 } : {}) }) });
    k.start(grant(1, { refreshToken: 'r1', expiresInSec: 100 })); // refresh at 75 s, deadline 95 s
    await clock.advance(100_000);
    // 75 s fails → retry at 85 s; 85 s fails → 20 s later (105 s) is past the deadline: stop.
    expect(failing.calls.map((c) => c.at - t0)).toEqual([75_000, 85_000]);
    expect(attempts).toEqual([{ attempt: 1, retryAt: 85_000 }, { attempt: 2 }]);
    k.stop();
  });

  it('waits at least as long as the server’s Retry-After asks', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const failing = strategy(clock, 'silent', async (_ctx, n) => (n === 1 ? Promise.reject(transient({ retryAfterMs: 30_000 })) : grant(2)));
    const k = keeper(clock, [failing]);
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(260_000);
    expect(failing.calls.map((c) => c.at - t0)).toEqual([225_000, 255_000]);
    expect(k.peek()).toBe('a2');
    k.stop();
  });

  it('does not retry an error that is not transient', async () => {
    const clock = new FakeClock();
    const failing = strategy(clock, 'silent', async () => Promise.reject(refused()));
    const attempts: (number | undefined)[] = [];
    const k = keeper(clock, [failing], { onAttemptFailed: (i) => attempts.push(i.retryAt) });
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(240_000);
    expect(failing.calls).toHaveLength(1);
    expect(attempts).toEqual([undefined]);
    k.stop();
  });

  it('refuses a renewal that brings no refresh token, unless the platform says that is normal', async () => {
    for (const renewalWithoutRefreshToken of [false, true]) {
      const clock = new FakeClock();
      const renew = strategy(clock, 'renew', async () => grant(5), { modes: ['renew'] });
      const refreshed: string[] = [];
      const k = keeper(clock, [renew], { renewalWithoutRefreshToken, onRefreshed: (i) => refreshed.push(`${i.strategy}:${i.mode}:${i.interactive}`) });
      k.start(grant(1)); // no refresh token: refreshes are renewals
      await clock.advance(225_000);
      expect(renew.calls.map((c) => c.ctx.mode)).toEqual(['renew']);
      expect(k.peek()).toBe(renewalWithoutRefreshToken ? 'a5' : 'a1');
      expect(refreshed).toEqual(renewalWithoutRefreshToken ? ['renew:renew:false'] : []);
      expect(k.stats.renewals).toBe(renewalWithoutRefreshToken ? 1 : 0);
      k.stop();
    }
  });

  it('counts refreshes and renewals per strategy', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async (_ctx, n) => grant(n + 1));
    const k = keeper(clock, [silent]);
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(225_000 * 2);
    expect(k.stats).toMatchObject({ refreshes: 2, renewals: 0, interactive: 0, byStrategy: { silent: 2 } });
    k.stop();
  });

  it('keeps a newer token installed while a refresh was in flight', async () => {
    const clock = new FakeClock();
    let answer: ((g: TokenGrant) => void) | undefined;
    const slow = strategy(clock, 'silent', () => new Promise<TokenGrant>((resolve) => (answer = resolve)));
    const k = keeper(clock, [slow]);
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(225_000);
    expect(slow.calls).toHaveLength(1);
    k.replace(grant(7, { refreshToken: 'r7' }));
    answer?.(grant(2));
    await clock.advance(0);
    expect(k.peek()).toBe('a7');
    k.stop();
  });

  it('skips interactive strategies and strategies without the mode when refreshing silently', async () => {
    const clock = new FakeClock();
    const visible = strategy(clock, 'visible', async () => grant(9, { refreshToken: 'r9' }), { modes: ['refresh', 'renew'], interactive: true });
    const renewOnly = strategy(clock, 'renew-only', async () => grant(8, { refreshToken: 'r8' }), { modes: ['renew'] });
    const silent = strategy(clock, 'silent', async () => grant(2));
    const k = keeper(clock, [visible, renewOnly, silent]);
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(225_000);
    expect(visible.calls).toHaveLength(0);
    expect(renewOnly.calls).toHaveLength(0);
    expect(silent.calls).toHaveLength(1);
    k.stop();
  });
});

describe('TokenKeeper requests and sign-in again [FIN-14]', () => {
  it('accessToken() waits for a refresh in flight instead of starting another', async () => {
    const clock = new FakeClock();
    const slow = strategy(clock, 'silent', async () => {
      await clock.sleep(1_000);
      return grant(2);
    });
    const k = keeper(clock, [slow], { expiryMarginMs: 60_000 });
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(225_000); // refresh started (margin 30 s: the token is still usable)
    await clock.advance(50_000 - 1_000);
    const token = k.accessToken();
    await clock.advance(1_000);
    expect(await token).toBe('a2');
    expect(slow.calls).toHaveLength(1);
    k.stop();
  });

  it('accessToken() refreshes a token inside its margin before handing one out', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async () => grant(2));
    const k = keeper(clock, [silent], { refreshFraction: 0.99, expiryMarginMs: 10_000 });
    k.start(grant(1, { refreshToken: 'r1', expiresInSec: 100 }));
    await clock.advance(5_000);
    expect(k.peek()).toBe('a1');
    k.stop();
    const inside = keeper(clock, [silent], { refreshFraction: 0.99, expiryMarginMs: 10_000 });
    inside.start(grant(1, { refreshToken: 'r1', expiresInSec: 100 }));
    await clock.advance(90_000); // inside the 10 s margin, before the 99 % refresh
    expect(inside.peek()).toBeUndefined();
    // Inside the margin a refresh must not present the old token: accessToken() gives up cleanly.
    await expect(inside.accessToken()).rejects.toMatchObject({ code: 'auth.token-expired', action: 'sign-in-again' });
    inside.stop();
  });

  it('accessToken() waits for a planned renewal in flight', async () => {
    const clock = new FakeClock();
    const renew = strategy(
      clock,
      'hidden',
      async () => {
        await clock.sleep(2_000);
        return grant(5, { refreshToken: 'r5' });
      },
      { modes: ['renew'] },
    );
    const k = keeper(clock, [renew]);
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 600, expiresInSec: 900 }));
    await clock.advance(1); // the renewal starts at once (10 min lead ≥ the refresh token's 10 min)
    expect(renew.calls).toHaveLength(1);
    const token = k.accessToken();
    await clock.advance(2_000);
    expect(await token).toBe('a1');
    expect(k.peek()).toBe('a5');
    k.stop();
  });

  it('a stopped keeper starts nothing and opens no window', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async () => grant(2));
    const visible = strategy(clock, 'visible', async () => grant(9, { refreshToken: 'r9' }), { modes: ['renew'], interactive: true });
    const k = keeper(clock, [silent, visible]);
    k.start(grant(1, { refreshToken: 'r1' }));
    k.stop();
    await k.refreshNow();
    expect(await k.renewInteractively()).toBe(false);
    expect(silent.calls).toHaveLength(0);
    expect(visible.calls).toHaveLength(0);
    expect(k.times()).toEqual({});
  });

  it('the agent’s sign-in counts from when the window completed, and clears the warning', async () => {
    const clock = new FakeClock();
    const visible = strategy(
      clock,
      'visible',
      async () => {
        await clock.sleep(120_000); // the agent takes two minutes on the IdP page
        return grant(9, { refreshToken: 'r9', refreshExpiresInSec: 7_200 });
      },
      { modes: ['renew'], interactive: true },
    );
    const refreshed: string[] = [];
    const k = keeper(clock, [visible], { onRefreshed: (i) => refreshed.push(`${i.strategy}:${i.mode}:${i.interactive}`) });
    k.start(grant(1, { refreshToken: 'r1' }));
    const done = k.renewInteractively();
    await clock.advance(120_000);
    expect(await done).toBe(true);
    expect(k.times().expiresAt).toBe(clock.now() - 1_000 + 300_000);
    expect(visible.calls[0]?.ctx).toMatchObject({ mode: 'renew', accessToken: 'a1', refreshToken: 'r1', attempt: 1 });
    expect(refreshed).toEqual(['visible:renew:true']);
    expect(k.stats).toMatchObject({ interactive: 1, renewals: 1, byStrategy: { visible: 1 } });
    k.stop();
  });

  it('a failed visible sign-in moves on to the next interactive strategy, and reports false when all failed', async () => {
    const clock = new FakeClock();
    const first = strategy(clock, 'visible-1', async () => Promise.reject(refused()), { modes: ['renew'], interactive: true });
    const refreshOnly = strategy(clock, 'visible-refresh', async () => grant(7), { modes: ['refresh'], interactive: true });
    const second = strategy(clock, 'visible-2', async () => Promise.reject(refused()), { modes: ['renew'], interactive: true });
    const k = keeper(clock, [first, refreshOnly, second]);
    k.start(grant(1, { refreshToken: 'r1' }));
    expect(await k.renewInteractively()).toBe(false);
    expect(first.calls).toHaveLength(1);
    expect(refreshOnly.calls).toHaveLength(0);
    expect(second.calls).toHaveLength(1);
    expect(k.stats.failedAttempts).toBe(2);
    k.stop();
  });

  it('warns once per refresh token, and again for the next one [FIN-14]', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async () => Promise.reject(refused()));
    const reasons: string[] = [];
    const k = keeper(clock, [silent], { onSignInNeeded: (w) => reasons.push(w.reason) });
    k.start(grant(1, { refreshToken: 'r1' }));
    await k.refreshNow();
    await k.refreshNow();
    expect(reasons).toEqual(['refresh-failed']);
    k.replace(grant(2, { refreshToken: 'r2' }));
    await k.refreshNow();
    expect(reasons).toEqual(['refresh-failed', 'refresh-failed']);
    k.stop();
  });

  it('says "no-refresh-token" when there was none to refresh with [FIN-14]', async () => {
    const clock = new FakeClock();
    const k = keeper(clock, [], { onSignInNeeded: (w) => reasons.push(`${w.reason}@${w.deadline - t0}`) });
    const reasons: string[] = [];
    const t0 = clock.now();
    k.start(grant(1));
    await k.refreshNow();
    expect(reasons).toEqual(['no-refresh-token@300000']);
    k.stop();
  });

  it('forgetting a refused refresh token: later refreshes are renewals, and the keychain is not told again', async () => {
    const clock = new FakeClock();
    const renew = strategy(clock, 'hidden', async () => grant(5, { refreshToken: 'r5' }), { modes: ['refresh', 'renew'] });
    const k = keeper(clock, [renew]);
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 7_200 }));
    k.forgetRefreshToken();
    expect(k.times().refreshExpiresAt).toBeUndefined();
    await clock.advance(225_000);
    expect(renew.calls.map((c) => [c.ctx.mode, c.ctx.refreshToken])).toEqual([['renew', undefined]]);
    k.stop();
  });

  it('logs the failed attempt with its code only', async () => {
    const clock = new FakeClock();
    const sink = memorySink();
    const silent = strategy(clock, 'silent', async () => Promise.reject(refused()));
    const k = keeper(clock, [silent], { log: createLogger({ sink }) });
    k.start(grant(1, { refreshToken: 'r1' }));
    await k.refreshNow();
    expect(sink.entries.find((e) => e.event === 'auth.refresh.attempt-failed')).toMatchObject({ strategy: 'silent', mode: 'refresh', attempt: 1, code: 'x.refused' });
    k.stop();
  });
});
