import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { TokenKeeper, type RefreshContext, type RefreshStrategy, type TokenGrant } from '../../../../main/core/auth/token-keeper.ts';
import { simulateShift } from '../../../../bench/finesse-shift.ts';

const grant = (n: number, extra: Partial<TokenGrant> = {}): TokenGrant => ({ accessToken: `a${n}`, expiresInSec: 300, ...extra });

function strategy(name: string, run: (ctx: RefreshContext) => Promise<TokenGrant>, extra: Partial<RefreshStrategy> = {}): RefreshStrategy & { calls: { at: number; ctx: RefreshContext }[] } {
  const calls: { at: number; ctx: RefreshContext }[] = [];
  let clockRef: FakeClock | undefined;
  const s = {
    name,
    modes: ['refresh'] as const,
    calls,
    ...extra,
    bind(clock: FakeClock) {
      clockRef = clock;
    },
    async run(ctx: RefreshContext) {
      calls.push({ at: clockRef?.now() ?? 0, ctx });
      return run(ctx);
    },
  };
  return s as unknown as RefreshStrategy & { calls: { at: number; ctx: RefreshContext }[] };
}

function bound<T extends { calls: unknown[] }>(clock: FakeClock, s: T): T {
  (s as unknown as { bind(c: FakeClock): void }).bind(clock);
  return s;
}

const refused = () => new PatchbayError('x.refused', 'refused', { action: 'sign-in-again' });
const transient = () => new PatchbayError('x.unavailable', 'unavailable', { action: 'retry' });

describe('TokenKeeper', () => {
  it('refreshes after 75 % of expires_in and before expiry [FIN-12]', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    let n = 1;
    const silent = bound(clock, strategy('silent', async () => grant(++n)));
    const times: (number | undefined)[] = [];
    const keeper = new TokenKeeper({ clock, strategies: [silent], onTimes: (t) => times.push(t.refreshAt) });
    keeper.start(grant(1, { refreshToken: 'r1' }));
    expect(keeper.times()).toMatchObject({ expiresAt: t0 + 300_000, refreshAt: t0 + 225_000 });
    await clock.advance(224_000);
    expect(silent.calls).toHaveLength(0);
    await clock.advance(1_000);
    expect(silent.calls.map((c) => c.at - t0)).toEqual([225_000]);
    expect(silent.calls[0]!.ctx).toMatchObject({ mode: 'refresh', accessToken: 'a1', refreshToken: 'r1' });
    expect(keeper.peek()).toBe('a2');
    // The next one counts from the new token: 225 s after it was requested.
    expect(keeper.times().refreshAt).toBe(t0 + 450_000);
    expect(times.length).toBeGreaterThanOrEqual(2);
    keeper.stop();
  });

  it('keeps a single refresh in flight when several callers ask at once', async () => {
    const clock = new FakeClock();
    const silent = bound(
      clock,
      strategy('silent', async () => {
        await clock.sleep(500);
        return grant(2);
      }),
    );
    const keeper = new TokenKeeper({ clock, strategies: [silent] });
    keeper.start(grant(1, { refreshToken: 'r1' }));
    const a = keeper.refreshNow();
    const b = keeper.refreshNow();
    await clock.advance(600);
    await Promise.all([a, b]);
    expect(silent.calls).toHaveLength(1);
    keeper.stop();
  });

  it('retries a transient failure with exponential backoff, then moves to the next strategy [FIN-13]', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const post = bound(clock, strategy('silent-post', async () => Promise.reject(transient())));
    const get = bound(clock, strategy('silent-get', async () => grant(2)));
    const keeper = new TokenKeeper({ clock, strategies: [post, get], backoffBaseMs: 1_000, maxAttempts: 3 });
    keeper.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(240_000);
    expect(post.calls.map((c) => c.at - t0)).toEqual([225_000, 226_000, 228_000]);
    expect(get.calls.map((c) => c.at - t0)).toEqual([228_000]);
    expect(keeper.peek()).toBe('a2');
    expect(keeper.stats.failedAttempts).toBe(3);
    keeper.stop();
  });

  it('does not retry a refused refresh and goes silent → hidden, never visible when hidden works [FIN-13]', async () => {
    const clock = new FakeClock();
    const silent = bound(clock, strategy('silent', async () => Promise.reject(refused())));
    const hidden = bound(clock, strategy('hidden', async (ctx) => grant(ctx.mode === 'renew' ? 3 : 2, ctx.mode === 'renew' ? { refreshToken: 'r2' } : {}), { modes: ['refresh', 'renew'] }));
    const visible = bound(clock, strategy('visible', async () => grant(9, { refreshToken: 'r9' }), { modes: ['renew'], interactive: true }));
    const keeper = new TokenKeeper({ clock, strategies: [silent, hidden, visible] });
    keeper.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(226_000);
    expect(silent.calls).toHaveLength(1);
    expect(hidden.calls.map((c) => c.ctx.mode)).toEqual(['refresh']);
    expect(visible.calls).toHaveLength(0);
    expect(keeper.peek()).toBe('a2');
    keeper.stop();
  });

  it('falls back to a hidden renewal, then warns and opens the visible window when the refresh is refused [FIN-13, FIN-14]', async () => {
    const clock = new FakeClock();
    const silent = bound(clock, strategy('silent', async () => Promise.reject(refused())));
    const hidden = bound(clock, strategy('hidden', async () => Promise.reject(new PatchbayError('login.timeout', 't', { action: 'none' })), { modes: ['refresh', 'renew'] }));
    const visible = bound(clock, strategy('visible', async () => grant(9, { refreshToken: 'r9' }), { modes: ['renew'], interactive: true }));
    const warnings: string[] = [];
    const keeper = new TokenKeeper({ clock, strategies: [silent, hidden, visible], onSignInNeeded: (w) => warnings.push(w.reason) });
    keeper.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(226_000);
    expect(hidden.calls.map((c) => c.ctx.mode)).toEqual(['refresh', 'renew']);
    expect(warnings).toEqual(['refresh-failed']);
    expect(visible.calls).toHaveLength(1);
    expect(keeper.peek()).toBe('a9');
    expect(keeper.stats.interactive).toBe(1);
    keeper.stop();
  });

  it('corrects absolute expiry times by the server Date skew', async () => {
    for (const skew of [10 * 60_000, -10 * 60_000]) {
      const clock = new FakeClock();
      const local = clock.now();
      const server = local + skew;
      const keeper = new TokenKeeper({ clock, strategies: [] });
      keeper.start(grant(1, { refreshToken: 'r1', serverDateMs: server, refreshExpiresAtServerMs: server + 7_200_000 }));
      expect(keeper.skew).toBe(skew);
      // The refresh token ends 2 h from now by either clock; without correction it would be off by the skew.
      expect(keeper.times().refreshExpiresAt).toBe(local + 7_200_000 - 1_000);
      keeper.stop();
    }
  });

  it('warns at least 5 minutes before the refresh token expires and keeps the session while the agent signs in [FIN-14]', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    let n = 1;
    const silent = bound(clock, strategy('silent', async () => grant(++n)));
    const hidden = bound(
      clock,
      strategy(
        'hidden',
        async () => {
          await clock.sleep(30_000);
          throw new PatchbayError('login.timeout', 't', { action: 'none' });
        },
        { modes: ['renew'] },
      ),
    );
    let answer: ((g: TokenGrant) => void) | undefined;
    const visible = bound(clock, strategy('visible', () => new Promise<TokenGrant>((resolve) => (answer = resolve)), { modes: ['renew'], interactive: true }));
    const warnings: { deadline: number; at: number }[] = [];
    const keeper = new TokenKeeper({ clock, strategies: [silent, hidden, visible], onSignInNeeded: (w) => warnings.push({ deadline: w.deadline, at: clock.now() }) });
    keeper.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 7_200 }));
    await clock.advance(7_200_000 - 9 * 60_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.deadline).toBe(t0 + 7_200_000);
    expect(warnings[0]!.deadline - warnings[0]!.at).toBeGreaterThanOrEqual(5 * 60_000);
    expect(keeper.times().signInBy).toBe(t0 + 7_200_000);
    expect(visible.calls).toHaveLength(1);
    // Meanwhile silent refreshes go on: the agent keeps working with a valid token.
    await clock.advance(5 * 60_000);
    expect(keeper.peek()).toBeDefined();
    answer!(grant(100, { refreshToken: 'r2', refreshExpiresInSec: 7_200 }));
    await clock.advance(1_000);
    expect(keeper.peek()).toBe('a100');
    expect(keeper.times().signInBy).toBeUndefined();
    keeper.stop();
  });

  it('never hands out an expired token: accessToken() throws once every strategy failed', async () => {
    const clock = new FakeClock();
    const silent = bound(clock, strategy('silent', async () => Promise.reject(refused())));
    const expired: string[] = [];
    const keeper = new TokenKeeper({ clock, strategies: [silent], onExpired: (e) => expired.push(e.code) });
    keeper.start(grant(1, { refreshToken: 'r1' }));
    expect(await keeper.accessToken()).toBe('a1');
    await clock.advance(296_000);
    await expect(keeper.accessToken()).rejects.toMatchObject({ code: 'auth.token-expired', action: 'sign-in-again' });
    await clock.advance(5_000);
    expect(expired).toEqual(['auth.token-expired']);
    keeper.stop();
  });

  it('stops every timer on stop()', async () => {
    const clock = new FakeClock();
    const silent = bound(clock, strategy('silent', async () => grant(2)));
    const keeper = new TokenKeeper({ clock, strategies: [silent] });
    keeper.start(grant(1, { refreshToken: 'r1', refreshExpiresInSec: 7_200 }));
    expect(clock.pendingTimers()).toBeGreaterThan(0);
    keeper.stop();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(600_000);
    expect(silent.calls).toHaveLength(0);
    await expect(keeper.accessToken()).rejects.toMatchObject({ code: 'auth.token-expired' });
  });
});

describe('simulated 12 h Finesse shift (300 s access, 7,200 s refresh)', () => {
  it('sends zero requests with an expired token, refreshes silently and warns ≥ 5 min ahead [FIN-12, FIN-13, FIN-14]', async () => {
    const f = await simulateShift();
    expect(f.requests).toBe(2160);
    expect(f.requestsWithExpiredToken).toBe(0);
    expect(f.requestsRefusedLocally).toBe(0);
    // 12 h / 225 s ≈ 192 refresh slots, minus the ones a hidden renewal took.
    expect(f.silentRefreshes).toBeGreaterThan(180);
    expect(f.hiddenRenewals).toBeGreaterThan(0);
    expect(f.visiblePrompts).toBe(f.warnings);
    expect(f.warnings).toBeGreaterThan(0);
    expect(f.minWarningLeadSec!).toBeGreaterThanOrEqual(300);
  });

  it('warns ≥ 5 min ahead every time when the IdP session is short and each renewal needs the agent [FIN-14]', async () => {
    const f = await simulateShift({ idpSessionMs: 3600_000 });
    expect(f.requestsWithExpiredToken).toBe(0);
    expect(f.visiblePrompts).toBe(6);
    expect(f.minWarningLeadSec!).toBeGreaterThanOrEqual(300);
  });

  it('keeps zero expired requests with the server clock 10 minutes ahead or behind', async () => {
    for (const skewMs of [600_000, -600_000]) {
      const f = await simulateShift({ skewMs });
      expect(f.requestsWithExpiredToken).toBe(0);
      expect(f.minWarningLeadSec!).toBeGreaterThanOrEqual(300);
    }
  });
});
