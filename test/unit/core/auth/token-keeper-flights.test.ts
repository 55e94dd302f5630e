// TokenKeeper: requests during and after a refresh, and the fallback from a refresh to a hidden
// renewal (issue 9 mutation testing of auth/, session 3: these paths had surviving mutants). Fake clock.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../main/core/errors.ts';
import { grant, keeper, pending, strategy } from './token-keeper-harness.ts';

const refused = () => new PatchbayError('x.refused', 'refused', { action: 'sign-in-again' });

describe('TokenKeeper.accessToken() near expiry [FIN-12]', () => {
  it('waits for the refresh in flight once the token is inside its margin, and hands out the new one', async () => {
    const clock = new FakeClock();
    const call = pending();
    const silent = strategy(clock, 'silent', () => call.promise);
    const k = keeper(clock, [silent]);
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(225_000); // 75 %: the refresh starts and stays in flight
    expect(silent.calls).toHaveLength(1);
    await clock.advance(71_000); // 296 s: inside the 5 s margin
    expect(k.peek()).toBeUndefined();
    const token = k.accessToken();
    call.settle().resolve(grant(2));
    expect(await token).toBe('a2');
    k.stop();
  });

  it('starts a renewal itself when none is in flight and the token has not expired yet', async () => {
    const clock = new FakeClock();
    const hidden = strategy(clock, 'hidden', async (_ctx, n) => (n === 1 ? Promise.reject(refused()) : grant(2, { refreshToken: 'r2' })), { modes: ['renew'] });
    const k = keeper(clock, [hidden]);
    k.start(grant(1)); // no refresh token: every refresh is a renewal
    await clock.advance(225_000); // the planned renewal is refused
    await clock.advance(71_000); // 296 s: inside the margin, not expired
    expect(await k.accessToken()).toBe('a2');
    expect(hidden.calls.map((c) => c.at - hidden.calls[0]!.at)).toEqual([0, 71_000]);
    k.stop();
  });

  it('after expiry throws auth.token-expired and starts nothing (requests fail until a new sign-in)', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async () => Promise.reject(refused()));
    const hidden = strategy(clock, 'hidden', async (_ctx, n) => (n === 1 ? Promise.reject(refused()) : grant(3, { refreshToken: 'r3' })), { modes: ['renew'] });
    const k = keeper(clock, [silent, hidden]);
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(225_000); // refresh refused, hidden renewal refused
    await clock.advance(76_000); // 301 s: expired
    await expect(k.accessToken()).rejects.toMatchObject({ code: 'auth.token-expired' });
    expect([silent.calls.length, hidden.calls.length]).toEqual([1, 1]);
    k.stop();
  });
});

describe('TokenKeeper refresh → renewal fallback [FIN-13]', () => {
  it('after expiry never presents the expired token for a refresh, and renews through the hidden strategy instead', async () => {
    const clock = new FakeClock();
    const silent = strategy(clock, 'silent', async () => Promise.reject(refused()));
    const hidden = strategy(clock, 'hidden', async (_ctx, n) => (n === 1 ? Promise.reject(refused()) : grant(3, { refreshToken: 'r3' })), { modes: ['renew'] });
    const k = keeper(clock, [silent, hidden]);
    k.start(grant(1, { refreshToken: 'r1' }));
    await clock.advance(225_000);
    await clock.advance(76_000); // expired
    await k.refreshNow();
    expect(silent.calls).toHaveLength(1);
    expect(hidden.calls.map((c) => c.ctx.mode)).toEqual(['renew', 'renew']);
    expect(k.peek()).toBe('a3');
    k.stop();
  });

  it('a refresh whose pair was replaced meanwhile keeps the newer pair and starts no renewal', async () => {
    const clock = new FakeClock();
    const call = pending();
    const silent = strategy(clock, 'silent', () => call.promise);
    const hidden = strategy(clock, 'hidden', async () => grant(9, { refreshToken: 'r9' }), { modes: ['renew'] });
    const k = keeper(clock, [silent, hidden]);
    k.start(grant(1, { refreshToken: 'r1' }));
    const done = k.refreshNow();
    await clock.advance(0);
    k.replace(grant(2, { refreshToken: 'r2' })); // the agent signed in again meanwhile
    call.settle().resolve(grant(3));
    await done;
    expect(k.peek()).toBe('a2');
    expect(hidden.calls).toHaveLength(0);
    k.stop();
  });
});
