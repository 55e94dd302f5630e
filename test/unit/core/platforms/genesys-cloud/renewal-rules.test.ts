// GC-09 / GC-02 details of renewal.ts and scopes.ts pinned one by one (issue 9 mutation testing):
// what the keeper is told (strategy order, modes, the visible step marked interactive, settings),
// what a token response becomes, and how missing scopes are named.
import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import type { TokenResult } from '../../../../../main/core/platforms/genesys-cloud/oauth.ts';
import {
  FALLBACK_LIFETIME_SEC,
  genesysCloudStrategies,
  keeperSettings,
  RENEWAL_POLICY,
  SIGN_IN_WARNING_LEAD_MS,
  toTokenGrant,
  type RenewalSteps,
} from '../../../../../main/core/platforms/genesys-cloud/renewal.ts';
import { checkGrantedScopes, missingScopes, missingScopesError, parseScopes, REQUIRED_SCOPES } from '../../../../../main/core/platforms/genesys-cloud/scopes.ts';

function steps(overrides: Partial<RenewalSteps> = {}) {
  const seen = { accepted: [] as TokenResult[], rejected: 0, refreshedWith: [] as string[] };
  const s: RenewalSteps = {
    refresh: (rt) => (seen.refreshedWith.push(rt), Promise.resolve({ accessToken: 'r', expiresInSec: 600 })),
    refreshTokenRejected: () => void (seen.rejected += 1),
    silent: () => Promise.resolve({ accessToken: 's', expiresInSec: 600 }),
    interactive: () => Promise.resolve({ accessToken: 'i', expiresInSec: 600 }),
    accept: (r) => void seen.accepted.push(r),
    ...overrides,
  };
  return { s, seen };
}
const ctx = (extra: { refreshToken?: string } = {}) => ({ mode: 'refresh' as const, accessToken: 'old', signal: new AbortController().signal, attempt: 1, ...extra });

describe('Genesys Cloud renewal strategies (GC-09)', () => {
  it('GC-09: the refresh grant (refresh mode), then the hidden re-authorization, then the visible sign-in — only that one interactive', () => {
    const list = genesysCloudStrategies(steps().s);
    expect(list.map((x) => [x.name, x.modes, x.interactive === true])).toEqual([
      ['genesys-cloud-refresh-grant', ['refresh'], false],
      ['genesys-cloud-silent-authorize', ['renew'], false],
      ['genesys-cloud-sign-in', ['renew'], true],
    ]);
  });

  it('GC-09: every new grant is accepted (GC-02 check) and becomes a keeper grant', async () => {
    const { s, seen } = steps();
    const [refresh, silent, visible] = genesysCloudStrategies(s);
    expect(await refresh!.run(ctx({ refreshToken: 'rt-1' }))).toEqual({ accessToken: 'r', expiresInSec: 600 });
    expect(seen.refreshedWith).toEqual(['rt-1']);
    expect(await silent!.run(ctx())).toMatchObject({ accessToken: 's' });
    expect(await visible!.run(ctx())).toMatchObject({ accessToken: 'i' });
    expect(seen.accepted.map((r) => r.accessToken)).toEqual(['r', 's', 'i']);
  });

  it('GC-09: the refresh grant never runs without a refresh token', async () => {
    const { s, seen } = steps();
    await expect(genesysCloudStrategies(s)[0]!.run(ctx())).rejects.toThrow('no refresh token');
    expect(seen.refreshedWith).toEqual([]);
  });

  it('GC-09: only invalid_grant forgets the refresh token; a transient failure keeps it', async () => {
    const fail = (code: string) => steps({ refresh: () => Promise.reject(new PatchbayError(code, 'x', { action: 'retry' })) });
    const dead = fail('genesys-cloud.grant.invalid');
    await expect(genesysCloudStrategies(dead.s)[0]!.run(ctx({ refreshToken: 'rt' }))).rejects.toMatchObject({ code: 'genesys-cloud.grant.invalid' });
    expect(dead.seen.rejected).toBe(1);
    const flaky = fail('genesys-cloud.login.unreachable');
    await expect(genesysCloudStrategies(flaky.s)[0]!.run(ctx({ refreshToken: 'rt' }))).rejects.toMatchObject({ code: 'genesys-cloud.login.unreachable' });
    expect(flaky.seen.rejected).toBe(0);
    const plain = steps({ refresh: () => Promise.reject(new Error('boom')) });
    await expect(genesysCloudStrategies(plain.s)[0]!.run(ctx({ refreshToken: 'rt' }))).rejects.toThrow('boom');
    expect(plain.seen.rejected).toBe(0);
  });

  it('GC-09: a token response keeps the rotated refresh token and the server Date; none is invented', () => {
    expect(toTokenGrant({ accessToken: 'a', refreshToken: 'rt', expiresInSec: 120, serverDateMs: 5 })).toStrictEqual({ accessToken: 'a', refreshToken: 'rt', expiresInSec: 120, serverDateMs: 5 });
    // Strict: no `refreshToken: undefined` / `serverDateMs: undefined` keys either.
    expect(toTokenGrant({ accessToken: 'a', expiresInSec: 120 })).toStrictEqual({ accessToken: 'a', expiresInSec: 120 });
    expect(toTokenGrant({ accessToken: 'a' })).toStrictEqual({ accessToken: 'a', expiresInSec: FALLBACK_LIFETIME_SEC });
  });

  it('GC-09: keeper settings — 3 attempts, 2 s backoff base, 75 %, renewal without a refresh token, warning lead = 2 min + the hidden window', () => {
    expect(keeperSettings()).toEqual({ ...RENEWAL_POLICY, renewalWithoutRefreshToken: true, refreshLeadMs: SIGN_IN_WARNING_LEAD_MS + 20_000 });
    expect(RENEWAL_POLICY).toEqual({ maxAttempts: 3, backoffBaseMs: 2_000, refreshFraction: 0.75 });
    expect(keeperSettings({}, 30_000).refreshLeadMs).toBe(150_000);
    expect(keeperSettings({ maxAttempts: 1 }).maxAttempts).toBe(1);
  });
});

describe('Genesys Cloud scopes (GC-02)', () => {
  it('GC-02: the error names every missing scope and what the agent would miss; one scope vs several', () => {
    const one = missingScopesError(REQUIRED_SCOPES.filter((r) => r.scope === 'notifications'));
    expect(one.message).toBe(
      'Genesys Cloud did not grant Patchbay the permissions it needs (notifications), so live updates would not work. Ask IT to add this scope to the OAuth client.',
    );
    const two = missingScopesError(REQUIRED_SCOPES.filter((r) => r.scope === 'presence' || r.scope === 'routing'));
    expect(two.message).toBe(
      'Genesys Cloud did not grant Patchbay the permissions it needs (presence, routing), so setting your presence, your routing status would not work. Ask IT to add these scopes to the OAuth client.',
    );
    expect(two.details).toEqual({ missing: 'presence routing' });
    expect(two.action).toBe('contact-it');
  });

  it('GC-02: users and conversations (full) satisfy their :readonly forms; nothing granted misses all five, in order', () => {
    expect(missingScopes(['users', 'conversations', 'presence', 'routing', 'notifications'])).toEqual([]);
    expect(missingScopes([]).map((m) => m.scope)).toEqual(['users:readonly', 'presence', 'routing', 'conversations:readonly', 'notifications']);
    expect(() => checkGrantedScopes(undefined)).toThrow(PatchbayError);
    expect(() => checkGrantedScopes('')).toThrow(/users:readonly, presence, routing, conversations:readonly, notifications/);
  });

  it('parses only non-empty names separated by any whitespace', () => {
    expect(parseScopes('a\nb  ')).toEqual(['a', 'b']);
    expect(parseScopes('')).toEqual([]);
  });
});
