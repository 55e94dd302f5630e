// Issue 13 item 7: a renewed token (the agent's "Sign in again", or any renewal) ends "needs sign-in"
// in place: the refused request's finesse.unauthorized goes with the token warnings; other errors stay.
import { describe, expect, it } from 'vitest';
import { nullLogger } from '../../../../../main/core/log.ts';
import type { SessionView } from '../../../../../main/core/platforms/platform.ts';
import { reduce, type FinesseAction } from '../../../../../main/core/platforms/finesse/reducer.ts';
import { tokenNotices } from '../../../../../main/core/platforms/finesse/token-notices.ts';

function viewAfterRefresh(code: string): SessionView {
  let view: SessionView = { phase: 'active', selectableStates: [], lastError: { code, message: 'x', action: 'sign-in-again' } };
  const events = tokenNotices({ log: nullLogger, dispatch: (action: FinesseAction) => (view = reduce(view, action)), onRefreshToken: () => undefined, language: 'en-US' }, true);
  events.onRefreshed();
  return view;
}

describe('Finesse token notices after a renewal (issue 13 item 7)', () => {
  it('clear the sign-in-lost error and the token warnings, nothing else', () => {
    expect(viewAfterRefresh('finesse.unauthorized').lastError).toBeUndefined();
    expect(viewAfterRefresh('finesse.sso.sign-in-soon').lastError).toBeUndefined();
    expect(viewAfterRefresh('finesse.state.rejected').lastError?.code).toBe('finesse.state.rejected');
  });
});
