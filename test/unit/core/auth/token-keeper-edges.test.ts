// TokenKeeper edges that mutation testing (issue 9, helper MUT-CORE) found unpinned: the last
// refresh before the refresh token ends, stop() while a strategy is still running, a restart after
// stop(), the exact shape of times() and of a strategy's context. Fake clock only.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { grant, keeper, pending, refreshInFlight, strategy } from './token-keeper-harness.ts';

describe('TokenKeeper last refresh with the refresh token [FIN-12]', () => {
  it('presents the refresh token at the scheduled last moment, 30 s before it ends (a refresh, not a renewal)', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const silent = strategy(clock, 'silent', async () => grant(2, { expiresInSec: 7_200 }));
    const hidden = strategy(clock, 'hidden', async () => Promise.reject(new PatchbayError('login.timeout', 't')), { modes: ['renew'] });
    const k = keeper(clock, [silent, hidden]);
    // Access token 2 h, refresh token 1 h: the 75 % point (90 min) is after the refresh token's end.
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 3_600, expiresInSec: 7_200 }));
    expect(k.times().refreshAt).toBe(t0 + 3_570_000);
    await clock.advance(3_570_000);
    expect(silent.calls.map((c) => [c.at - t0, c.ctx.mode, c.ctx.refreshToken])).toEqual([[3_570_000, 'refresh', 'r1']]);
    expect(k.peek()).toBe('a2');
    k.stop();
  });

  it('presents it up to exactly 30 s before it ends, and 1 ms later only renews', async () => {
    for (const [late, expected] of [[0, 'silent'], [1, 'hidden']] as const) {
      const clock = new FakeClock();
      const silent = strategy(clock, 'silent', async () => grant(2));
      const hidden = strategy(clock, 'hidden', async () => grant(3, { refreshToken: 'r2' }), { modes: ['renew'] });
      const k = keeper(clock, [silent, hidden], { renewLeadMs: 0, warningLeadMs: 0 });
      k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 30, expiresInSec: 7_200 }));
      await clock.advance(late);
      await k.refreshNow();
      expect([...silent.calls, ...hidden.calls].map((c) => c.ctx.mode), `${late} ms late`).toEqual([expected === 'silent' ? 'refresh' : 'renew']);
      expect((expected === 'silent' ? silent : hidden).calls, `${late} ms late`).toHaveLength(1);
      k.stop();
    }
  });
});

describe('TokenKeeper stop() while a strategy is running', () => {
  it('tells the running strategy why: its signal aborts with auth.stopped (action none)', async () => {
    const { silent, k } = await refreshInFlight();
    const signal = silent.calls[0]!.ctx.signal;
    expect(signal.aborted).toBe(false);
    k.stop();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(PatchbayError);
    expect(signal.reason).toMatchObject({ code: 'auth.stopped', message: 'Token refresh stopped.', action: 'none' });
  });

  it('installs nothing a renewal brings after stop(), and counts nothing', async () => {
    const clock = new FakeClock();
    const call = pending();
    const hidden = strategy(clock, 'hidden', () => call.promise, { modes: ['renew'] });
    const refreshed: string[] = [];
    const k = keeper(clock, [hidden], { onRefreshed: (i) => refreshed.push(i.strategy) });
    k.start(grant(1)); // no refresh token: the refresh is a renewal
    void k.refreshNow();
    await clock.advance(0);
    expect(hidden.calls).toHaveLength(1);
    k.stop();
    call.settle().resolve(grant(2, { refreshToken: 'r2' }));
    await clock.advance(0);
    expect(k.peek()).toBeUndefined();
    expect(k.times()).toEqual({});
    expect(refreshed).toEqual([]);
    expect(k.stats).toMatchObject({ renewals: 0, refreshes: 0, failedAttempts: 0 });
  });

  it('reports no failed attempt for a strategy that fails after stop()', async () => {
    const failed: number[] = [];
    const { clock, call, silent, k } = await refreshInFlight({ onAttemptFailed: (i) => failed.push(i.attempt) });
    k.stop();
    call.settle().reject(new PatchbayError('x.unavailable', 'u', { action: 'retry' }));
    await clock.advance(10_000);
    expect(failed).toEqual([]);
    expect(k.stats.failedAttempts).toBe(0);
    expect(silent.calls).toHaveLength(1);
  });

  it('installs nothing the agent’s window brings after stop(), and reports false', async () => {
    for (const outcome of ['resolve', 'reject'] as const) {
      const clock = new FakeClock();
      const call = pending();
      const visible = strategy(clock, 'visible', () => call.promise, { modes: ['renew'], interactive: true });
      const k = keeper(clock, [visible]);
      k.start(grant(1));
      const result = k.renewInteractively();
      await clock.advance(0);
      k.stop();
      if (outcome === 'resolve') call.settle().resolve(grant(2, { refreshToken: 'r2' }));
      else call.settle().reject(new PatchbayError('login.cancelled', 'c'));
      expect(await result, outcome).toBe(false);
      expect(k.peek(), outcome).toBeUndefined();
      expect(k.stats, outcome).toMatchObject({ interactive: 0, renewals: 0, failedAttempts: 0 });
    }
  });
});

describe('TokenKeeper restart and replace', () => {
  it('a keeper started again after stop() gives its strategies a live signal (retries can wait again)', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async (_ctx, n) => (n === 1 ? Promise.reject(new PatchbayError('x.unavailable', 'u', { action: 'retry' })) : grant(3)));
    const k = keeper(clock, [silent]);
    k.start(grant(1, { refreshToken: 'r1' }));
    k.stop();
    k.start(grant(2, { refreshToken: 'r2' }));
    const done = k.refreshNow();
    await clock.advance(1_000); // the backoff sleep after the transient failure
    await done;
    expect(silent.calls.map((c) => c.ctx.signal.aborted)).toEqual([false, false]);
    expect(silent.calls).toHaveLength(2);
    expect(k.peek()).toBe('a3');
    k.stop();
  });

  it('replace() keeps the signal of a refresh in flight, so a later stop() still aborts it', async () => {
    const { silent, k } = await refreshInFlight();
    k.replace(grant(2, { refreshToken: 'r2' }));
    k.stop();
    expect(silent.calls[0]!.ctx.signal.aborted).toBe(true);
  });

  it('a keeper never started can still sign the agent in through the interactive strategy', async () => {
    const clock = new FakeClock();
    const visible = strategy(clock, 'visible', async () => grant(1, { refreshToken: 'r1' }), { modes: ['renew'], interactive: true });
    const k = keeper(clock, [visible]);
    expect(await k.renewInteractively()).toBe(true);
    // Nothing was held: the window gets an empty access token and no refresh-token key at all.
    expect(visible.calls[0]!.ctx).toStrictEqual({ mode: 'renew', accessToken: '', signal: visible.calls[0]!.ctx.signal, attempt: 1 });
    expect(k.peek()).toBe('a1');
    k.stop();
  });
});

describe('TokenKeeper shapes', () => {
  it('times() has exactly the keys that have values', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const k = keeper(clock, []);
    expect(k.times()).toStrictEqual({});
    k.start(grant(1));
    expect(k.times()).toStrictEqual({ expiresAt: t0 + 300_000, refreshAt: t0 + 225_000 });
    await clock.advance(300_000); // the refresh failed (no strategy), the agent was asked, the token expired
    expect(k.times()).toStrictEqual({ expiresAt: t0 + 300_000, signInBy: t0 + 300_000 });
    k.start(grant(2, { refreshToken: 'r2', refreshExpiresInSec: 3_600 }));
    expect(Object.keys(k.times()).sort()).toEqual(['expiresAt', 'refreshAt', 'refreshExpiresAt']);
    k.stop();
  });

  it('a renewal without a refresh token held presents none: the context has no refreshToken key', async () => {
    const clock = new FakeClock();
    const hidden = strategy(clock, 'hidden', async () => grant(2, { refreshToken: 'r2' }), { modes: ['renew'] });
    const k = keeper(clock, [hidden]);
    k.start(grant(1));
    await k.refreshNow();
    expect(hidden.calls[0]!.ctx).toStrictEqual({ mode: 'renew', accessToken: 'a1', signal: hidden.calls[0]!.ctx.signal, attempt: 1 });
    k.stop();
  });
});

describe('TokenKeeper scheduling details [FIN-12, FIN-13, FIN-14]', () => {
  it('forgetting the refresh token re-plans at once: its warnings go, the refresh moves back to 75 % [FIN-12]', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const times: (number | undefined)[] = [];
    const warnings: string[] = [];
    const k = keeper(clock, [], { onTimes: (t) => times.push(t.refreshAt === undefined ? undefined : t.refreshAt - t0), onSignInNeeded: (w) => warnings.push(w.reason) });
    // Refresh token ends at 100 s: the refresh is pulled forward to its last chance (70 s).
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 100, expiresInSec: 7_200 }), t0);
    expect(k.times().refreshAt).toBe(t0 + 70_000);
    k.forgetRefreshToken();
    expect(times.at(-1)).toBe(5_400_000);
    expect(k.times()).toStrictEqual({ expiresAt: t0 + 7_200_000, refreshAt: t0 + 5_400_000 });
    await clock.advance(200_000); // the refresh token's end passes: no warning for a token we dropped
    expect(warnings).toEqual([]);
    k.stop();
  });

  it('never moves a refresh later for the refresh token: 75 % stays when it comes first [FIN-12]', () => {
    const clock = new FakeClock();
    const k = keeper(clock, []);
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 3_600 }));
    expect(k.times().refreshAt).toBe(clock.now() + 225_000);
    k.stop();
  });

  it('a refresh that has to renew joins the planned renewal in flight instead of starting another [FIN-14]', async () => {
    const clock = new FakeClock();
    const call = pending();
    const hidden = strategy(clock, 'hidden', () => call.promise, { modes: ['renew'] });
    // Refresh token 100 s, margin 100 s: never usable for a refresh, so every refresh is a renewal;
    // the planned renewal starts at once (100 − 120 s is past → now).
    const k = keeper(clock, [hidden], { renewLeadMs: 120_000, warningLeadMs: 0, refreshTokenMarginMs: 100_000 });
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 100, expiresInSec: 7_200 }));
    await clock.advance(0);
    expect(hidden.calls).toHaveLength(1);
    await clock.advance(1_000);
    const joined = k.refreshNow();
    await clock.advance(0);
    expect(hidden.calls).toHaveLength(1);
    call.settle().resolve(grant(2, { refreshToken: 'r2', refreshExpiresInSec: 7_200 }));
    await joined;
    expect(k.peek()).toBe('a2');
    expect(hidden.calls).toHaveLength(1);
    k.stop();
  });

  it('a planned renewal that works warns nobody and opens no window, also when it brings no new refresh token [FIN-14]', async () => {
    for (const renewed of [grant(2, { refreshToken: 'r2', refreshExpiresInSec: 7_200 }), grant(2)]) {
      const clock = new FakeClock();
      const hidden = strategy(clock, 'hidden', async () => renewed, { modes: ['renew'] });
      const visible = strategy(clock, 'visible', async () => grant(3, { refreshToken: 'r3' }), { modes: ['renew'], interactive: true });
      const warnings: string[] = [];
      // Genesys Cloud: a silent re-authorization brings no refresh token, and that is normal.
      const k = keeper(clock, [hidden, visible], { renewalWithoutRefreshToken: true, renewLeadMs: 600_000, warningLeadMs: 300_000, onSignInNeeded: (w) => warnings.push(w.reason) });
      k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 3_600, expiresInSec: 7_200 }));
      await clock.advance(3_000_000);
      expect(hidden.calls).toHaveLength(1);
      expect(warnings).toEqual([]);
      expect(visible.calls).toHaveLength(0);
    }
  });

  it('a planned renewal that works warns nobody and opens no window (defaults) [FIN-14]', async () => {
    const clock = new FakeClock();
    const hidden = strategy(clock, 'hidden', async () => grant(2, { refreshToken: 'r2', refreshExpiresInSec: 7_200 }), { modes: ['renew'] });
    const visible = strategy(clock, 'visible', async () => grant(3, { refreshToken: 'r3' }), { modes: ['renew'], interactive: true });
    const warnings: string[] = [];
    const k = keeper(clock, [hidden, visible], { onSignInNeeded: (w) => warnings.push(w.reason) });
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 3_600, expiresInSec: 7_200 }));
    await clock.advance(3_000_000); // the renewal 10 min before the end
    expect(hidden.calls).toHaveLength(1);
    expect(warnings).toEqual([]);
    expect(visible.calls).toHaveLength(0);
    expect(k.times().signInBy).toBeUndefined();
    k.stop();
  });

  it('a failed planned renewal warns nobody when the agent signed in meanwhile (a new refresh token) [FIN-14]', async () => {
    const clock = new FakeClock();
    const call = pending();
    const hidden = strategy(clock, 'hidden', () => call.promise, { modes: ['renew'] });
    const visible = strategy(clock, 'visible', async () => grant(9, { refreshToken: 'r9' }), { modes: ['renew'], interactive: true });
    const warnings: string[] = [];
    const k = keeper(clock, [hidden, visible], { onSignInNeeded: (w) => warnings.push(w.reason) });
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 3_600, expiresInSec: 7_200 }));
    await clock.advance(3_000_000); // the planned renewal starts and hangs
    expect(hidden.calls).toHaveLength(1);
    k.replace(grant(2, { refreshToken: 'r2', refreshExpiresInSec: 7_200, expiresInSec: 7_200 }));
    call.settle().reject(new PatchbayError('login.timeout', 't'));
    await clock.advance(0);
    expect(warnings).toEqual([]);
    expect(visible.calls).toHaveLength(0);
    expect(k.times().signInBy).toBeUndefined();
    k.stop();
  });

  it('renews once per refresh token: access refreshes after a failed planned renewal do not start it again [FIN-14]', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async (_ctx, n) => grant(n + 1)); // keeps r1
    const hidden = strategy(clock, 'hidden', async () => Promise.reject(new PatchbayError('login.timeout', 't')), { modes: ['renew'] });
    const k = keeper(clock, [silent, hidden]);
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 3_600 }));
    await clock.advance(3_500_000); // renewal at 3,000 s; access refreshes every 225 s go on after it
    expect(silent.calls.length).toBeGreaterThan(14);
    expect(hidden.calls).toHaveLength(1);
    k.stop();
  });

  it('does not try the next refresh strategy once the refresh token has passed its last usable moment [FIN-13]', async () => {
    const clock = new FakeClock();
    const slow = strategy(clock, 'silent', async () => {
      await clock.sleep(40_000);
      throw new PatchbayError('x.refused', 'refused', { action: 'sign-in-again' });
    });
    const second = strategy(clock, 'second', async () => grant(3));
    const hidden = strategy(clock, 'hidden', async () => grant(4, { refreshToken: 'r4' }), { modes: ['renew'] });
    const k = keeper(clock, [slow, second, hidden], { renewLeadMs: 0, warningLeadMs: 0 });
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 60, expiresInSec: 7_200 }));
    const flight = k.refreshNow(); // at 0 s; the refresh token's last moment is 30 s
    await clock.advance(40_000);
    await flight;
    expect(second.calls).toHaveLength(0);
    // …and falls back to a renewal instead.
    expect(hidden.calls.map((c) => c.at - slow.calls[0]!.at)).toEqual([40_000]);
    expect(k.peek()).toBe('a4');
    k.stop();
  });

  it('retries only while the next attempt starts before the token’s margin, at most exactly there [FIN-13]', async () => {
    for (const [expiresInSec, calls] of [[100, 1], [101, 2]] as const) {
      const clock = new FakeClock();
      // A renewal (no refresh token held): no other guard stops an attempt at the deadline.
      const failing = strategy(clock, 'hidden', async () => Promise.reject(new PatchbayError('x.unavailable', 'u', { action: 'retry' })), { modes: ['renew'] });
      // 100 s: refresh at 50 s, margin 5 s → deadline 95 s; backoff 45 s → a retry at 95 s is not before it.
      // 101 s: refresh at 50.5 s, deadline 96 s → the retry at 95.5 s goes.
      const k = keeper(clock, [failing], { refreshFraction: 0.5, backoffBaseMs: 45_000 });
      k.start(grant(1, { expiresInSec }));
      await clock.advance(expiresInSec * 1000);
      expect(failing.calls.length, `${expiresInSec} s`).toBe(calls);
      k.stop();
    }
  });

  it('a renewal without a refresh token fails as auth.renew.no-refresh-token, a plain error as auth.refresh.failed', async () => {
    const clock = new FakeClock();
    const errors: PatchbayError[] = [];
    const hidden = strategy(clock, 'hidden', async () => grant(2), { modes: ['renew'] });
    const k = keeper(clock, [hidden], { onAttemptFailed: (i) => errors.push(i.error) });
    k.start(grant(1));
    await k.refreshNow();
    expect(errors[0]).toMatchObject({ code: 'auth.renew.no-refresh-token', message: 'The sign-in service returned no refresh token.', action: 'none' });
    k.stop();
    const plain = strategy(clock, 'silent', async () => Promise.reject(new Error('socket hang up')));
    const k2 = keeper(clock, [plain], { onAttemptFailed: (i) => errors.push(i.error) });
    k2.start(grant(1, { refreshToken: 'r1' }));
    void k2.refreshNow();
    await clock.advance(0);
    expect(errors[1]?.code).toBe('auth.refresh.failed');
    k2.stop();
  });

  it('a request after expiry gets auth.token-expired, asking the agent to sign in again', async () => {
    const clock = new FakeClock();
    const k = keeper(clock, []);
    k.start(grant(1));
    await clock.advance(300_000);
    const error = await k.accessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error).toMatchObject({ code: 'auth.token-expired', action: 'sign-in-again', message: 'Your sign-in has expired. Sign in again to continue; your agent state is kept.' });
    k.stop();
  });
});

describe('TokenKeeper refresh falling back to a renewal while the planned renewal runs [FIN-13]', () => {
  it('joins the planned renewal instead of opening a second hidden sign-in', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async () => Promise.reject(new PatchbayError('finesse.sso.refresh-refused', 'no')));
    const renewal = pending();
    const hidden = strategy(clock, 'hidden', () => renewal.promise, { modes: ['renew'] });
    const k = keeper(clock, [silent, hidden], { renewLeadMs: 300_000, warningLeadMs: 0 });
    // Refresh token 10 min, access token 2 h: the planned renewal starts 5 min before the refresh token ends.
    k.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 600, expiresInSec: 7_200 }));
    await clock.advance(300_000);
    expect(hidden.calls).toHaveLength(1); // the planned renewal, still running
    const refreshing = k.refreshNow(); // a refresh the refresh token still allows; the server refuses it
    await clock.advance(0);
    expect(silent.calls.map((c) => c.ctx.mode)).toEqual(['refresh']);
    expect(hidden.calls).toHaveLength(1); // no second hidden window beside the first
    renewal.settle().resolve(grant(2, { refreshToken: 'r2', refreshExpiresInSec: 3_600 }));
    await refreshing;
    expect(k.peek()).toBe('a2');
    expect(hidden.calls).toHaveLength(1);
    k.stop();
  });
});
