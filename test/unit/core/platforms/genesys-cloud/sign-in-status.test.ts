// What the agent is told about the Genesys Cloud sign-in (seed 004 GC-03, GC-09; issue 9, MUT-GC2):
// the sign-in note per login method, the card's token times through the wall-clock mapping, the
// hh:mm in the agent's language, and the exact renewal messages with their actions.
import { describe, expect, it } from 'vitest';
import {
  clockTime,
  renewalRetrying,
  SIGN_IN_PENDING,
  signInOptionsFor,
  signInRequired,
  signInSoon,
  tokenTimes,
} from '../../../../../main/core/platforms/genesys-cloud/sign-in-status.ts';

describe('Genesys Cloud sign-in note (GC-03)', () => {
  it('no form: the browser note unless the profile uses the sign-in window', () => {
    const browser = signInOptionsFor(undefined);
    expect(browser).toEqual({
      credentialsForm: false,
      identityProviders: [],
      userNameRequired: false,
      extensionRequired: false,
      note: 'Genesys Cloud signs you in on its own page in your web browser; come back to Patchbay when it says so.',
    });
    expect(signInOptionsFor('system-browser').note).toBe(browser.note);
    expect(signInOptionsFor('login-window').note).toBe('Genesys Cloud signs you in on its own page in a sign-in window; your password is typed there only.');
  });
});

describe('Genesys Cloud token times on the card (GC-09)', () => {
  it('ISO wall times, mapped through toWall when given; absent times are left out', () => {
    expect(tokenTimes({ expiresAt: 60_000, refreshAt: 30_000, scopes: [], hasRefreshToken: false }, undefined)).toEqual({
      expiresAt: '1970-01-01T00:01:00.000Z',
      refreshAt: '1970-01-01T00:00:30.000Z',
    });
    expect(tokenTimes({ expiresAt: 60_000, refreshAt: 30_000, scopes: [], hasRefreshToken: false }, (ms) => ms * 2)).toEqual({
      expiresAt: '1970-01-01T00:02:00.000Z',
      refreshAt: '1970-01-01T00:01:00.000Z',
    });
    expect(tokenTimes({ expiresAt: 0, scopes: [], hasRefreshToken: false }, undefined)).toEqual({ expiresAt: '1970-01-01T00:00:00.000Z' });
    expect(tokenTimes({ refreshAt: 1_000, scopes: [], hasRefreshToken: false }, undefined)).toEqual({ refreshAt: '1970-01-01T00:00:01.000Z' });
    expect(tokenTimes(undefined, undefined)).toEqual({});
  });

  it('hh:mm in the agent language through toWall; UTC hh:mm when the language tag is unusable', () => {
    const at = Date.UTC(2026, 0, 1, 13, 5);
    expect(clockTime(at, 'en-GB', undefined)).toBe(new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }));
    expect(clockTime(at, 'en-US', undefined)).toBe(new Date(at).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit' }));
    expect(clockTime(0, 'de-DE', () => at)).toBe(new Date(at).toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit' }));
    expect(clockTime(at, 'not a language tag!', undefined)).toBe('13:05');
    expect(clockTime(0, '??', () => at)).toBe('13:05');
  });
});

describe('Genesys Cloud renewal messages (GC-09)', () => {
  it('a retried renewal keeps the status and says when it tries again, when known', () => {
    expect(renewalRetrying('14:05')).toEqual({
      code: 'genesys-cloud.auth.renewal-retrying',
      message: 'Renewing your Genesys Cloud sign-in failed; Patchbay tries again at 14:05. Your status is kept meanwhile.',
      action: 'none',
    });
    expect(renewalRetrying(undefined).message).toBe('Renewing your Genesys Cloud sign-in failed. Your status is kept meanwhile.');
    expect(renewalRetrying('').message).toBe('Renewing your Genesys Cloud sign-in failed. Your status is kept meanwhile.');
  });

  it('sign in soon, pending and required: codes, words and the sign-in-again action', () => {
    expect(signInSoon('14:05')).toEqual({
      code: 'genesys-cloud.auth.sign-in-soon',
      message: 'Genesys Cloud needs you to sign in again by 14:05. Your status is kept.',
      action: 'sign-in-again',
    });
    expect(SIGN_IN_PENDING).toEqual({
      code: 'genesys-cloud.auth.sign-in-pending',
      message: 'Your Genesys Cloud sign-in lapsed: finish signing in to continue. The status shown is the last one known and may no longer be current.',
      action: 'sign-in-again',
    });
    expect(signInRequired(true)).toEqual({
      code: 'genesys-cloud.auth.sign-in-required',
      message:
        'Genesys Cloud needs a fresh sign-in: your organisation ended the sign-in after a period without use, and Patchbay could not renew it. The status shown is the last one known and may no longer be current.',
      action: 'sign-in-again',
    });
    expect(signInRequired(false).message).toBe(
      'Genesys Cloud needs a fresh sign-in: Patchbay could not renew your sign-in. The status shown is the last one known and may no longer be current.',
    );
  });
});
