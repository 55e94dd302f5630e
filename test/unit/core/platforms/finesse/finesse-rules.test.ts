// Issue 9: listed Finesse mutations killed here; see docs/mutation.md.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../../main/core/clock.ts';
import { nullLogger } from '../../../../../main/core/log.ts';
import { createFinesseKeeper } from '../../../../../main/core/platforms/finesse/keeper.ts';
import { grantOf, type SsoContext } from '../../../../../main/core/platforms/finesse/sso.ts';
import { restoreStep } from '../../../../../main/core/platforms/finesse/state-rules.ts';
import { ssoRefreshGetUrl, ssoTokenUrl } from '../../../../../main/core/platforms/finesse/wire.ts';

const AWKWARD = 'ann&refresh-token=x +é/%';

describe('Finesse SSO URLs (issue 9 mutations)', () => {
  it('encodes cc_username in the token URL so a name cannot add or break parameters [FIN-07]', () => {
    const url = new URL(ssoTokenUrl('https://finesse.example:8445', AWKWARD));
    expect(url.searchParams.get('cc_username')).toBe(AWKWARD);
    expect(url.searchParams.getAll('refresh-token')).toEqual([]);
    expect(url.searchParams.get('return_refresh_token')).toBe('true');
  });

  it('encodes cc_username in the refresh URL [FIN-07]', () => {
    const url = new URL(ssoRefreshGetUrl('https://finesse.example:8445', AWKWARD, 'r1'));
    expect(url.searchParams.get('cc_username')).toBe(AWKWARD);
    expect(url.searchParams.getAll('refresh-token')).toEqual(['r1']);
  });
});

describe('Finesse token keeping (issue 9 mutations)', () => {
  it('the adapter keeper refreshes at 75 % of the lifetime, not 50 % [FIN-12]', () => {
    const clock = new FakeClock(0);
    const times: (string | undefined)[] = [];
    const keeper = createFinesseKeeper(clock, nullLogger, { options: {} } as unknown as SsoContext, {
      onRefreshToken: () => undefined,
      onTimes: (_expiresAt, refreshAt) => times.push(refreshAt),
      onRefreshed: () => undefined,
      onError: () => undefined,
      language: 'en-US',
    });
    keeper.start({ accessToken: 'a', refreshToken: 'r', expiresInSec: 1000 });
    expect(times.at(-1)).toBe(new Date(750_000).toISOString());
    keeper.stop();
  });

  it('the server Date header goes into the grant for clock skew [FIN-12]', () => {
    const grant = grantOf({ token: 'a', refreshToken: 'r', expiresIn: 1000 } as Parameters<typeof grantOf>[0], 'Thu, 01 Jan 2026 08:00:00 GMT');
    expect(grant.serverDateMs).toBe(Date.UTC(2026, 0, 1, 8));
  });
});

describe('Finesse clock skew without a Date header (issue 9 item 6)', () => {
  const jwt = (exp: number) => `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;

  it('falls back to expires_in measured from when the response arrived [FIN-12]', () => {
    const serverNowSec = 1_780_000_000;
    // The agent's clock runs an hour ahead of the server, and no Date header came.
    const clock = new FakeClock((serverNowSec + 3600) * 1000);
    const grant = grantOf({ token: jwt(serverNowSec + 1800), refreshToken: 'r', expiresIn: 1800 } as Parameters<typeof grantOf>[0], undefined);
    expect(grant.serverDateMs).toBe(serverNowSec * 1000);
    const expiries: (string | undefined)[] = [];
    const errors: string[] = [];
    const keeper = createFinesseKeeper(clock, nullLogger, { options: {} } as unknown as SsoContext, {
      onRefreshToken: () => undefined,
      onTimes: (expiresAt) => expiries.push(expiresAt),
      onRefreshed: () => undefined,
      onError: (e) => errors.push(e.code),
      language: 'en-US',
    });
    keeper.start(grant);
    // Not read as expired an hour ago: about 30 min from now (less the Date header's 1 s).
    const left = Date.parse(expiries.at(-1) ?? '') - clock.now();
    expect(left).toBeGreaterThanOrEqual(1_790_000);
    expect(left).toBeLessThanOrEqual(1_800_000);
    expect(errors).toEqual([]);
    keeper.stop();
  });
});

describe('Finesse state after an outage (issue 9 item 10)', () => {
  const ready = { state: 'READY' } as Parameters<typeof restoreStep>[0];
  it('Ready comes back only where IT allows it, else Not Ready with the IT reason or as LOGIN left it [issue 9 item 10]', () => {
    expect(restoreStep(ready)).toBeUndefined();
    expect(restoreStep(ready, { autoReady: false, notReadyReasonCodeId: '12' })).toMatchObject({ state: 'NOT_READY' });
    expect(restoreStep(ready, { autoReady: false, notReadyReasonCodeId: '12' })?.body).toContain('12');
    expect(restoreStep(ready, { autoReady: true })).toMatchObject({ state: 'READY' });
  });
});

describe('Finesse restore and grant details (mutation survivors, issue 9 item 9)', () => {
  it('restores Not Ready with its own reason, and nothing for a reasonless or other state [issue 9 item 10]', () => {
    const notReady = { state: 'NOT_READY', reasonCodeId: '7' } as Parameters<typeof restoreStep>[0];
    expect(restoreStep(notReady)).toMatchObject({ state: 'NOT_READY' });
    expect(restoreStep(notReady)?.body).toContain('7');
    expect(restoreStep({ state: 'NOT_READY' } as Parameters<typeof restoreStep>[0])).toBeUndefined();
    expect(restoreStep({ state: 'TALKING', reasonCodeId: '7' } as Parameters<typeof restoreStep>[0])).toBeUndefined();
  });

  it('the grant carries the refresh token, both server expiries in ms and when it was obtained [FIN-12]', () => {
    const jwt = (exp: number) => `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;
    const grant = grantOf({ token: jwt(2_000), refreshToken: jwt(9_000), expiresIn: 1000 } as Parameters<typeof grantOf>[0], undefined, 123);
    expect(grant).toEqual({ accessToken: jwt(2_000), refreshToken: jwt(9_000), expiresInSec: 1000, expiresAtServerMs: 2_000_000, refreshExpiresAtServerMs: 9_000_000, serverDateMs: 1_000_000, obtainedAt: 123 });
    expect(grantOf({ token: 'opaque', expiresIn: 60 } as Parameters<typeof grantOf>[0], undefined)).toEqual({ accessToken: 'opaque', expiresInSec: 60 });
  });
});
