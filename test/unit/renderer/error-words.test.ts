import { describe, expect, it } from 'vitest';
import { plainError } from '../../../renderer/error-words.ts';

const raw = (code: string, message = 'raw server text') => plainError({ code, message, action: 'none' });

describe('plainError (issue 13 item 4: server codes never reach the agent raw)', () => {
  it.each([
    ['finesse.unauthorized', /sign-in has ended/],
    ['genesys-cloud.token.revoked', /sign-in has ended/],
    ['gws.session.ended', /sign-in has ended/],
    ['icws.connect.rejected', /user name or password was not accepted/],
    ['finesse.sign-in.extension-required', /extension/],
    ['gws.sign-in.place-required', /extension \(or place\)/],
    ['finesse.sign-in.invalid-device', /extension was not accepted/],
    ['finesse.xmpp.disconnected', /Live updates .* stopped/],
    ['genesys-cloud.notifications.closed', /Live updates/],
    ['gws.state.reason-not-allowed', /needs a reason/],
    ['genesys-cloud.rate-limited', /cannot be reached/],
    ['icws.sso.cancelled', /cancelled/],
    ['gws.saml.failed', /Single sign-on/],
    ['profiles.locked-field', /Your IT team's settings have a problem/],
    ['net.tls', /Your IT team's settings have a problem/],
  ])('%s reads as a plain sentence, the raw code only in details', (code, words) => {
    const plain = raw(code, 'UNAUTHORIZED (not-authorized) The authentication process failed.');
    expect(plain.sentence).toMatch(words);
    expect(plain.sentence).not.toContain(code);
    expect(plain.sentence).not.toMatch(/UNAUTHORIZED|not-authorized|authentication process failed/);
    expect(plain.details).toContain(code);
  });

  it('an unknown code keeps the core message (already written for people) and still carries the code in details', () => {
    const plain = raw('icws.licence', 'No I3_FEATURE_ICWS_SDK licence.');
    expect(plain.sentence).toBe('No I3_FEATURE_ICWS_SDK licence.');
    expect(plain.details).toBe('icws.licence: No I3_FEATURE_ICWS_SDK licence.');
  });
});
