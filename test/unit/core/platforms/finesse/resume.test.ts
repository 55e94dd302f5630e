// Silent resume at launch (resume.ts; CARD-02, FIN-13 refresh forms, FIN-14 the refresh token's expiry):
// what the keychain entry must hold, which strategies run without the agent, in which mode, and the saved
// refresh token kept when a renewal returns none. Mutation work of docs/mutation.md "Session 5, helper
// MUT-FIN3A"; stub strategies, no I/O.
import { describe, expect, it } from 'vitest';
import type { RefreshContext, RefreshStrategy, TokenGrant } from '../../../../../main/core/auth/token-keeper.ts';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';
import { parseResumeData, resumeGrant, withSavedRefreshToken } from '../../../../../main/core/platforms/finesse/resume.ts';

const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
const GRANT: TokenGrant = { accessToken: 'acc', expiresInSec: 3600 };

describe('parseResumeData: the keychain entry', () => {
  it('version 1 with a refresh token and a user name; the extension kept when there', () => {
    expect(parseResumeData('{"v":1,"refreshToken":"r","userName":"u"}')).toEqual({ v: 1, refreshToken: 'r', userName: 'u' });
    expect(parseResumeData('{"v":1,"refreshToken":"r","userName":"u","extension":"1001"}')).toEqual({ v: 1, refreshToken: 'r', userName: 'u', extension: '1001' });
  });

  it('nothing, not JSON, null, another version or a missing/non-string field: no entry (never a throw)', () => {
    for (const raw of [undefined, '', 'not json', 'null', '0', '{"v":2,"refreshToken":"r","userName":"u"}', '{"refreshToken":"r","userName":"u"}', '{"v":1,"userName":"u"}', '{"v":1,"refreshToken":7,"userName":"u"}', '{"v":1,"refreshToken":"r"}', '{"v":1,"refreshToken":"r","userName":null}']) {
      expect(parseResumeData(raw), String(raw)).toBeUndefined();
    }
  });
});

describe('resumeGrant: the silent strategies with the saved refresh token', () => {
  function strategy(name: string, modes: RefreshStrategy['modes'], outcome: TokenGrant | Error, seen: [string, RefreshContext][], interactive?: boolean): RefreshStrategy {
    return {
      name,
      modes,
      ...(interactive !== undefined ? { interactive } : {}),
      run: async (ctx) => {
        seen.push([name, ctx]);
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
    };
  }

  it('skips the POST form (it needs the expired access token) and any interactive one; the GET form refreshes [FIN-13]', async () => {
    const seen: [string, RefreshContext][] = [];
    const signal = new AbortController().signal;
    const got = await resumeGrant(
      [strategy('finesse-refresh-post', ['refresh'], GRANT, seen), strategy('finesse-window', ['renew'], GRANT, seen, true), strategy('finesse-refresh-get', ['refresh'], GRANT, seen, false)],
      'saved-rt',
      signal,
      createLogger({ sink: memorySink() }),
    );
    expect(got).toBe(GRANT);
    expect(seen).toEqual([['finesse-refresh-get', { mode: 'refresh', accessToken: '', refreshToken: 'saved-rt', signal, attempt: 1 }]]);
  });

  it('a failure is logged with its code and the next strategy tried; the hidden window renews; none left → undefined [FIN-13]', async () => {
    const seen: [string, RefreshContext][] = [];
    const sink = memorySink();
    const signal = new AbortController().signal;
    const refused = new PatchbayError('finesse.sso.refused', 'no');
    const strategies = [strategy('finesse-refresh-get', ['refresh'], refused, seen), strategy('finesse-window-hidden', ['refresh', 'renew'], GRANT, seen), strategy('renew-only', ['renew'], GRANT, seen)];
    expect(await resumeGrant(strategies, 'rt', signal, createLogger({ sink }))).toBe(GRANT);
    expect(seen.map(([n, c]) => [n, c.mode])).toEqual([
      ['finesse-refresh-get', 'refresh'],
      ['finesse-window-hidden', 'renew'],
    ]);
    expect(sink.entries.filter((e) => e.event === 'finesse.resume.strategy-failed').map((e) => [e.strategy, e.code])).toEqual([['finesse-refresh-get', 'finesse.sso.refused']]);

    const only: [string, RefreshContext][] = [];
    expect(await resumeGrant([strategy('finesse-refresh-get', ['refresh'], refused, only), strategy('renew-only', ['renew'], GRANT, only)], 'rt', signal, createLogger({ sink: memorySink() }))).toBe(GRANT);
    expect(only.map(([n, c]) => [n, c.mode])).toEqual([
      ['finesse-refresh-get', 'refresh'],
      ['renew-only', 'renew'],
    ]);
    expect(await resumeGrant([strategy('finesse-refresh-get', ['refresh'], refused, [])], 'rt', signal, createLogger({ sink: memorySink() }))).toBeUndefined();
    expect(await resumeGrant([], 'rt', signal, createLogger({ sink: memorySink() }))).toBeUndefined();
  });

  it('an abort ends the resume with the failure, trying nothing more', async () => {
    const seen: [string, RefreshContext][] = [];
    const ac = new AbortController();
    const aborted = new PatchbayError('net.aborted', 'aborted');
    const first: RefreshStrategy = { name: 'finesse-refresh-get', modes: ['refresh'], run: async () => (ac.abort(), Promise.reject(aborted)) };
    await expect(resumeGrant([first, strategy('finesse-window-hidden', ['refresh', 'renew'], GRANT, seen)], 'rt', ac.signal, createLogger({ sink: memorySink() }))).rejects.toBe(aborted);
    expect(seen).toEqual([]);
  });
});

describe('withSavedRefreshToken', () => {
  it('a grant with its own refresh token is kept as it is', () => {
    const g = { ...GRANT, refreshToken: 'new' };
    expect(withSavedRefreshToken(g, jwt({ exp: 5 }))).toBe(g);
  });

  it('none returned: the saved one, with its JWT expiry in ms [FIN-14]; no expiry when it is not a JWT', () => {
    const saved = jwt({ exp: 1_800_000_000 });
    expect(withSavedRefreshToken(GRANT, saved)).toEqual({ ...GRANT, refreshToken: saved, refreshExpiresAtServerMs: 1_800_000_000_000 });
    expect(withSavedRefreshToken({ ...GRANT, refreshToken: '' }, saved)).toMatchObject({ refreshToken: saved });
    const opaque = withSavedRefreshToken(GRANT, 'opaque');
    expect(opaque).toEqual({ ...GRANT, refreshToken: 'opaque' });
    expect('refreshExpiresAtServerMs' in opaque).toBe(false);
  });
});
