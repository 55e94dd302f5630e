// Shared setup of the TokenKeeper unit tests (token-keeper-rules, token-keeper-edges): grants,
// strategies that record each call (time and context), calls settled by hand, a keeper on the
// fake clock, and a keeper whose silent refresh is in flight.
import { FakeClock } from '../../../../main/core/clock.ts';
import { TokenKeeper, type RefreshContext, type RefreshMode, type RefreshStrategy, type TokenGrant, type TokenKeeperOptions } from '../../../../main/core/auth/token-keeper.ts';

export const grant = (n: number, extra: Partial<TokenGrant> = {}): TokenGrant => ({ accessToken: `a${n}`, expiresInSec: 300, ...extra });

export interface Recorded extends RefreshStrategy {
  calls: { at: number; ctx: RefreshContext }[];
}

export function strategy(clock: FakeClock, name: string, run: (ctx: RefreshContext, call: number) => Promise<TokenGrant>, extra: { modes?: RefreshMode[]; interactive?: boolean } = {}): Recorded {
  const calls: Recorded['calls'] = [];
  return {
    name,
    modes: extra.modes ?? ['refresh'],
    ...(extra.interactive !== undefined ? { interactive: extra.interactive } : {}),
    calls,
    run(ctx) {
      calls.push({ at: clock.now(), ctx });
      return run(ctx, calls.length);
    },
  };
}

/** A strategy call the test settles by hand. */
export function pending() {
  let settle!: { resolve: (g: TokenGrant) => void; reject: (e: unknown) => void };
  const promise = new Promise<TokenGrant>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, settle: () => settle };
}

export function keeper(clock: FakeClock, strategies: RefreshStrategy[], extra: Partial<TokenKeeperOptions> = {}): TokenKeeper {
  return new TokenKeeper({ clock, strategies, ...extra });
}

/** A keeper started with refresh token r1 whose silent refresh has begun; `call` settles it. */
export async function refreshInFlight(extra: Partial<TokenKeeperOptions> = {}) {
  const clock = new FakeClock();
  const call = pending();
  const silent = strategy(clock, 'silent', () => call.promise);
  const k = keeper(clock, [silent], extra);
  k.start(grant(1, { refreshToken: 'r1' }));
  void k.refreshNow();
  await clock.advance(0);
  return { clock, call, silent, k };
}
