// What a Finesse session signs its requests with (credentials.ts; protocols/finesse.md §4/§5, FIN-05/06/09
// Basic vs SSO, FIN-11 Bearer, FIN-12/14 the keeper, CARD-02 the keychain entry, issue 13 item 2 one renewal
// after a 401). Mutation work of docs/mutation.md "Session 5, helper MUT-FIN3A"; a stub keeper, no I/O.
import { describe, expect, it } from 'vitest';
import type { TokenKeeper } from '../../../../../main/core/auth/token-keeper.ts';
import { FinesseCredentials } from '../../../../../main/core/platforms/finesse/credentials.ts';
import type { SsoContext } from '../../../../../main/core/platforms/finesse/sso.ts';
import { rejection } from '../../../../helpers/errors.ts';

function keeper(tokens: (string | Error)[], opts: { refresh?: Error; interactive?: boolean } = {}) {
  const calls: string[] = [];
  const queue = [...tokens];
  const k = {
    stats: { refreshes: 3 },
    stop: () => void calls.push('stop'),
    accessToken: async () => {
      calls.push('accessToken');
      const next = queue.length > 1 ? queue.shift() : queue[0];
      if (next instanceof Error) throw next;
      return next as string;
    },
    refreshNow: async () => {
      calls.push('refreshNow');
      if (opts.refresh) throw opts.refresh;
    },
    renewInteractively: async () => (calls.push('renewInteractively'), opts.interactive ?? true),
  };
  return { keeper: k as unknown as TokenKeeper, calls };
}
const ctx = { userName: 'agent1' } as SsoContext;

describe('FinesseCredentials: Basic or SSO', () => {
  it('nothing before a sign-in: no kind, and every request is refused with "sign in first"', async () => {
    const c = new FinesseCredentials();
    expect(c.kind).toBeUndefined();
    for (const e of [await rejection(c.authorization()), await rejection(c.xmppPassword())]) {
      expect(e).toMatchObject({ code: 'session.not-active', message: 'Sign in first.', action: 'sign-in-again' });
    }
    expect(await c.renewAfterRefusal('Bearer x')).toBe(false);
    expect(await c.renewInteractively()).toBe(false);
    expect(c.stats).toBeUndefined();
    expect(c.resumeData('1001')).toBeUndefined();
  });

  it('Basic: the UTF-8 Basic header on REST, the password itself for XMPP; no renewal, no keychain entry', async () => {
    const c = new FinesseCredentials();
    c.useBasic('jürgen', 'pässword');
    expect(c.kind).toBe('basic');
    expect(await c.authorization()).toBe('Basic asO8cmdlbjpww6Rzc3dvcmQ=');
    expect(await c.xmppPassword()).toBe('pässword');
    expect(await c.renewAfterRefusal('Basic asO8cmdlbjpww6Rzc3dvcmQ=')).toBe(false);
    expect(await c.renewInteractively()).toBe(false);
    expect(c.stats).toBeUndefined();
    c.refreshToken = 'r';
    expect(c.resumeData('1001')).toBeUndefined();
  });

  it('SSO: Bearer <access token> on REST, the bare access token as the XMPP password, the keeper\'s stats [FIN-11]', async () => {
    const { keeper: k } = keeper(['acc-1']);
    const c = new FinesseCredentials();
    c.useKeeper(k, ctx);
    expect(c.kind).toBe('sso');
    expect(await c.authorization()).toBe('Bearer acc-1');
    expect(await c.xmppPassword()).toBe('acc-1');
    expect(c.stats).toEqual({ refreshes: 3 });
  });

  it('a new SSO grant stops the keeper before it; Basic after SSO stops nothing more; clear stops and forgets', async () => {
    const first = keeper(['a']);
    const second = keeper(['b']);
    const c = new FinesseCredentials();
    c.stopKeeper(); // nothing held: harmless
    c.useKeeper(first.keeper, ctx);
    expect(first.calls).toEqual([]);
    c.useKeeper(second.keeper, ctx);
    expect(first.calls).toEqual(['stop']);
    expect(await c.authorization()).toBe('Bearer b');
    c.clear();
    expect(second.calls).toEqual(['accessToken', 'stop']);
    expect(c.kind).toBeUndefined();
    await expect(c.authorization()).rejects.toMatchObject({ code: 'session.not-active' });
    c.useBasic('u', 'p');
    c.stopKeeper();
    c.clear();
    expect(c.kind).toBeUndefined();
  });
});

describe('renewAfterRefusal: one renewal after a refused Bearer token (issue 13 item 2)', () => {
  it('refreshes, then true only when a different access token is held', async () => {
    const renewed = keeper(['new']);
    const c = new FinesseCredentials();
    c.useKeeper(renewed.keeper, ctx);
    expect(await c.renewAfterRefusal('Bearer old')).toBe(true);
    expect(renewed.calls).toEqual(['refreshNow', 'accessToken']);
    expect(await c.renewAfterRefusal('Bearer new')).toBe(false);
  });

  it('a failed refresh or no token afterwards is false, never a throw', async () => {
    const failed = keeper([new Error('expired')], { refresh: new Error('refused') });
    const c = new FinesseCredentials();
    c.useKeeper(failed.keeper, ctx);
    expect(await c.renewAfterRefusal('Bearer old')).toBe(false);
    expect(failed.calls).toEqual(['refreshNow', 'accessToken']);
    const refreshFailedButTokenNew = keeper(['other'], { refresh: new Error('refused') });
    c.useKeeper(refreshFailedButTokenNew.keeper, ctx);
    expect(await c.renewAfterRefusal('Bearer old')).toBe(true);
  });
});

describe('renewInteractively and the keychain entry', () => {
  it('a new sign-in goes through the keeper and reports its outcome [FIN-14]', async () => {
    const yes = keeper(['a'], { interactive: true });
    const c = new FinesseCredentials();
    c.useKeeper(yes.keeper, ctx);
    expect(await c.renewInteractively()).toBe(true);
    expect(yes.calls).toEqual(['renewInteractively']);
    c.useKeeper(keeper(['a'], { interactive: false }).keeper, ctx);
    expect(await c.renewInteractively()).toBe(false);
  });

  it('the refresh token, the user name and the extension when known; nothing without a refresh token', () => {
    const c = new FinesseCredentials();
    c.useKeeper(keeper(['a']).keeper, ctx);
    expect(c.resumeData('1001')).toBeUndefined();
    c.refreshToken = '';
    expect(c.resumeData('1001')).toBeUndefined();
    c.refreshToken = 'rt';
    expect(c.resumeData('1001')).toEqual({ v: 1, refreshToken: 'rt', userName: 'agent1', extension: '1001' });
    expect(c.resumeData(undefined)).toEqual({ v: 1, refreshToken: 'rt', userName: 'agent1' });
    expect(c.resumeData('')).toEqual({ v: 1, refreshToken: 'rt', userName: 'agent1' });
    expect('extension' in (c.resumeData('') ?? {})).toBe(false);
  });
});
