// The async CTI error of a Finesse state change (DG §5 notifications, ApiErrors) as the agent's error
// code: a sign-in on an extension the CTI server does not know names the extension (issue 13 item 4),
// every other refusal stays "finesse.state.rejected" with the server's words.
import { describe, expect, it } from 'vitest';
import { asyncStateError } from '../../../../../main/core/platforms/finesse/state-rules.ts';

describe('asyncStateError', () => {
  it('an Invalid Device error (CF_INVALID_LOGON_DEVICE_SPECIFIED) is the extension, not the status change', () => {
    const error = asyncStateError([{ errorType: 'Invalid Device', errorMessage: 'CF_INVALID_LOGON_DEVICE_SPECIFIED' }]);
    expect(error.code).toBe('finesse.sign-in.invalid-device');
    expect(error.message).toBe('Finesse did not accept the extension: CF_INVALID_LOGON_DEVICE_SPECIFIED');
  });

  it('the message alone is enough (some releases leave errorType out)', () => {
    expect(asyncStateError([{ errorMessage: 'CF_INVALID_LOGON_DEVICE' }]).code).toBe('finesse.sign-in.invalid-device');
  });

  it('any other refusal stays a rejected state change with the server words', () => {
    const error = asyncStateError([{ errorType: 'Invalid State', errorMessage: 'CF_INVALID_OBJECT_STATE' }]);
    expect(error.code).toBe('finesse.state.rejected');
    expect(error.message).toBe('Finesse refused the change: CF_INVALID_OBJECT_STATE');
    expect(asyncStateError(undefined).message).toBe('Finesse refused the change.');
  });
});
