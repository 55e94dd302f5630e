// GC-09 renewal policy on the core's TokenKeeper with the Genesys Cloud strategies, on a FakeClock:
// the lifetime is the server's expires_in, renewal at 75 % of it, transient failures retried at most
// 3 times with exponential backoff (Retry-After honoured), invalid_grant ends the refresh grant,
// the silent re-authorization before the visible sign-in, and nothing runs again after that.
import { describe, expect, it } from 'vitest';
import { TokenKeeper } from '../../../../../main/core/auth/token-keeper.ts';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { rateLimited, type TokenResult } from '../../../../../main/core/platforms/genesys-cloud/oauth.ts';
import { FALLBACK_LIFETIME_SEC, genesysCloudStrategies, keeperSettings, toTokenGrant, type RenewalSteps } from '../../../../../main/core/platforms/genesys-cloud/renewal.ts';

const transient = () => new PatchbayError('genesys-cloud.login.unreachable', 'unreachable', { action: 'retry' });
const needsAgent = () => new PatchbayError('login.timeout', 'timeout', { action: 'sign-in-again' });
const invalidGrant = () => new PatchbayError('genesys-cloud.grant.invalid', 'ended', { action: 'sign-in-again' });

type Step = () => Promise<TokenResult>;

function setup(plan: { refresh?: Step[]; silent?: Step[]; interactive?: Step[] }, first: TokenResult) {
  const clock = new FakeClock();
  const calls = { refresh: [] as number[], silent: [] as number[], interactive: [] as number[], rejected: 0 };
  const take = (list: Step[] | undefined, name: string): Step => list?.shift() ?? (() => Promise.reject(new Error(`unexpected ${name}`)));
  const holder: { keeper?: TokenKeeper } = {};
  const steps: RenewalSteps = {
    refresh: async () => (calls.refresh.push(clock.now()), take(plan.refresh, 'refresh')()),
    refreshTokenRejected: () => {
      calls.rejected += 1;
      holder.keeper?.forgetRefreshToken();
    },
    silent: async () => (calls.silent.push(clock.now()), take(plan.silent, 'silent')()),
    interactive: async () => (calls.interactive.push(clock.now()), take(plan.interactive, 'interactive')()),
    accept: () => undefined,
  };
  const signInNeeded: number[] = [];
  const keeper = new TokenKeeper({ clock, strategies: genesysCloudStrategies(steps), ...keeperSettings(), onSignInNeeded: (i) => void signInNeeded.push(i.deadline) });
  holder.keeper = keeper;
  const t0 = clock.now();
  keeper.start(toTokenGrant(first), t0);
  return { clock, keeper, calls, t0, signInNeeded };
}

const ok = (n: number, extra: Partial<TokenResult> = {}): Step => () => Promise.resolve({ accessToken: `at-${n}`, expiresInSec: 900, ...extra });
const fail = (make: () => PatchbayError): Step => () => Promise.reject(make());

describe('Genesys Cloud renewal (TokenKeeper + strategies)', () => {
  it('GC-09: the lifetime is the server\'s expires_in (900 s → renewal at 675 s), never an assumed 7200 s', async () => {
    const { clock, keeper, calls, t0 } = setup({ silent: [ok(2)] }, { accessToken: 'at-1', expiresInSec: 900 });
    expect(keeper.times().expiresAt).toBe(t0 + 900_000);
    expect(keeper.times().refreshAt).toBe(t0 + 675_000);
    await clock.advance(674_000);
    expect(calls.silent).toHaveLength(0);
    await clock.advance(1_000);
    expect(calls.silent).toEqual([t0 + 675_000]);
    expect(keeper.peek()).toBe('at-2');
  });

  it('GC-09: a 5-minute token whose hidden renewal fails (20 s window) still warns the agent ≥ 2 min ahead', async () => {
    const clock = new FakeClock();
    const warnings: { at: number; deadline: number }[] = [];
    const steps: RenewalSteps = {
      refresh: () => Promise.reject(new Error('unexpected refresh')),
      refreshTokenRejected: () => undefined,
      silent: async (signal) => {
        await clock.sleep(20_000, signal); // the hidden window runs to its timeout
        throw needsAgent();
      },
      interactive: () => new Promise<TokenResult>(() => undefined), // the agent has not finished yet
      accept: () => undefined,
    };
    const keeper = new TokenKeeper({ clock, strategies: genesysCloudStrategies(steps), ...keeperSettings({}, 20_000), onSignInNeeded: (i) => void warnings.push({ at: clock.now(), deadline: i.deadline }) });
    keeper.start(toTokenGrant({ accessToken: 'at-1', expiresInSec: 300 }), clock.now());
    await clock.advance(300_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.deadline - warnings[0]!.at).toBeGreaterThanOrEqual(120_000);
    keeper.stop();
  });

  it('GC-09: a response without expires_in is treated as the shortest Genesys lifetime, not 7200 s', () => {
    expect(toTokenGrant({ accessToken: 'x' }).expiresInSec).toBe(FALLBACK_LIFETIME_SEC);
    expect(FALLBACK_LIFETIME_SEC).toBeLessThan(7200);
  });

  it('GC-09: transient failures are retried at most 3 times with exponential backoff, then the visible sign-in; after it fails nothing runs again', async () => {
    const { clock, keeper, calls, t0, signInNeeded } = setup(
      { silent: [fail(transient), fail(transient), fail(transient), ok(9)], interactive: [fail(needsAgent), ok(9)] },
      { accessToken: 'at-1', expiresInSec: 900 },
    );
    await clock.advance(675_000);
    await clock.advance(10_000);
    const at = t0 + 675_000;
    // 3 attempts: at, +2 s, +4 s more (exponential backoff, base 2 s).
    expect(calls.silent).toEqual([at, at + 2_000, at + 6_000]);
    // Announced ahead (deadline = the expiry), then the visible sign-in.
    expect(signInNeeded).toEqual([t0 + 900_000]);
    expect(calls.interactive).toHaveLength(1);
    // No loop: a whole day later nothing else has been tried.
    await clock.advance(24 * 3600_000);
    expect(calls.silent).toHaveLength(3);
    expect(calls.interactive).toHaveLength(1);
    expect(keeper.peek()).toBeUndefined();
    await expect(keeper.accessToken()).rejects.toMatchObject({ code: 'auth.token-expired' });
    expect(calls.silent).toHaveLength(3);
  });

  it('GC-09: a 429 waits for its Retry-After when that is longer than the backoff', async () => {
    const { clock, calls, t0 } = setup({ silent: [fail(() => rateLimited(45_000)), ok(2)] }, { accessToken: 'at-1', expiresInSec: 900 });
    await clock.advance(675_000);
    await clock.advance(60_000);
    expect(calls.silent).toEqual([t0 + 675_000, t0 + 720_000]);
  });

  it('GC-09: a non-transient failure (no login session) is not retried: straight to the visible sign-in', async () => {
    const { clock, calls } = setup({ silent: [fail(needsAgent)], interactive: [ok(2)] }, { accessToken: 'at-1', expiresInSec: 900 });
    await clock.advance(700_000);
    expect(calls.silent).toHaveLength(1);
    expect(calls.interactive).toHaveLength(1);
  });

  it('refresh grant first when a refresh token exists; rotation keeps the newest; invalid_grant ends it (never presented again) and the silent re-authorization follows', async () => {
    const { clock, keeper, calls } = setup(
      { refresh: [ok(2, { refreshToken: 'rt-2' }), fail(invalidGrant)], silent: [ok(3), ok(4)] },
      { accessToken: 'at-1', refreshToken: 'rt-1', expiresInSec: 900 },
    );
    await clock.advance(675_000);
    expect(calls.refresh).toHaveLength(1);
    expect(keeper.peek()).toBe('at-2');
    await clock.advance(675_000);
    expect(calls.refresh).toHaveLength(2);
    expect(calls.rejected).toBe(1);
    expect(calls.silent).toHaveLength(1);
    expect(keeper.peek()).toBe('at-3');
    await clock.advance(675_000);
    expect(calls.refresh).toHaveLength(2); // the dead refresh token is not presented again
    expect(calls.silent).toHaveLength(2);
    expect(keeper.peek()).toBe('at-4');
  });
});
