// Issue 9: listed Finesse mutations killed here; see docs/mutation.md.
import { describe, expect, it } from 'vitest';
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
