// The Finesse keeper's notices to the agent (keeper.ts; FIN-14): the sign-in-soon warning with the
// deadline in the agent's language and the expiry message, and every grant time handed on as ISO text.
// Issue 9 mutation work (docs/mutation.md, "Session 3, helper MUT-FIN").
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { nullLogger } from '../../../../../main/core/log.ts';
import { createFinesseKeeper } from '../../../../../main/core/platforms/finesse/keeper.ts';
import { FinesseOptionsSchema } from '../../../../../main/core/platforms/finesse/options.ts';
import type { SsoContext } from '../../../../../main/core/platforms/finesse/sso.ts';

type Notice = { code: string; message: string; action: string };

function keeper(language: string) {
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 8, 0, 0));
  const notices: Notice[] = [];
  const times: [string | undefined, string | undefined, string | undefined][] = [];
  let refreshed = 0;
  // No sign-in window and no refresh token: every strategy fails, so the agent must sign in again.
  const ctx = { options: FinesseOptionsSchema.parse({}), loginWindow: undefined, origin: () => 'https://fin.example.com', userName: 'ann', clock } as unknown as SsoContext;
  const k = createFinesseKeeper(clock, nullLogger, ctx, {
    onRefreshToken: () => undefined,
    onTimes: (...t) => times.push(t),
    onRefreshed: () => (refreshed += 1),
    onError: (e) => notices.push(e),
    language,
  });
  return { clock, k, notices, times, refreshed: () => refreshed };
}

async function tick(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1_000) await clock.advance(1_000);
}

describe('Finesse keeper notices (FIN-14)', () => {
  it('warns before the sign-in ends with the deadline as hh:mm in the agent language, then says it expired [FIN-14]', async () => {
    const { clock, k, notices } = keeper('en-GB');
    k.start({ accessToken: 'a', refreshToken: 'r', expiresInSec: 600, refreshExpiresAtServerMs: Date.UTC(2026, 0, 1, 8, 10, 0), serverDateMs: Date.UTC(2026, 0, 1, 8, 0, 0), expiresAtServerMs: Date.UTC(2026, 0, 1, 8, 10, 0) });
    await tick(clock, 700_000);
    k.stop();
    const soon = notices.find((n) => n.code === 'finesse.sso.sign-in-soon');
    expect(soon?.action).toBe('sign-in-again');
    expect(soon?.message).toMatch(/^Your single sign-on session ends at \d\d:\d\d\. Sign in again in the window that opens to stay signed in; your agent state is kept\.$/);
    const expired = notices.find((n) => n.code === 'finesse.sso.expired');
    expect(expired).toEqual({
      code: 'finesse.sso.expired',
      message: 'Your sign-in has expired. Sign in again to change your state; Finesse keeps your current state meanwhile.',
      action: 'sign-in-again',
    });
  });

  it('an unknown language still gives hh:mm (UTC) rather than failing [FIN-14]', async () => {
    const { clock, k, notices } = keeper('not a language tag!');
    k.start({ accessToken: 'a', refreshToken: 'r', expiresInSec: 600, refreshExpiresAtServerMs: Date.UTC(2026, 0, 1, 8, 10, 0), serverDateMs: Date.UTC(2026, 0, 1, 8, 0, 0), expiresAtServerMs: Date.UTC(2026, 0, 1, 8, 10, 0) });
    await tick(clock, 700_000);
    k.stop();
    const soon = notices.find((n) => n.code === 'finesse.sso.sign-in-soon');
    expect(soon?.message).toMatch(/ends at \d\d:\d\d\. /);
  });

  it('hands the times on as ISO strings, none as undefined [FIN-12]', () => {
    const { k, times } = keeper('en-US');
    k.start({ accessToken: 'a', expiresInSec: 1000 });
    k.stop();
    const [expiresAt, refreshAt, signInBy] = times[0]!;
    expect(expiresAt).toBe(new Date(Date.UTC(2026, 0, 1, 8, 0, 0) + 1_000_000).toISOString());
    expect(refreshAt).toBe(new Date(Date.UTC(2026, 0, 1, 8, 0, 0) + 750_000).toISOString());
    expect(signInBy).toBeUndefined();
  });
});
