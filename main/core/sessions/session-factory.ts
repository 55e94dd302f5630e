// How the SessionManager makes a profile's PlatformSession: the platform's factory, given the
// shell's ports (sign-in window, system browser), the profile's share of the keychain (only the
// kinds IT policy allows), the network dispatcher and an HttpSession maker whose traces are kept.
import type { CookieJar } from 'tough-cookie';
import type { Profile } from '../../../preload/contract.ts';
import type { Clock } from '../clock.ts';
import { PatchbayError } from '../errors.ts';
import { HttpSession } from '../net/http-session.ts';
import type { PlatformSession } from '../platforms/platform.ts';
import { profileSecrets, SECRET_KINDS, type SecretKind } from '../secrets/secret-store.ts';
import type { SessionManagerOptions } from './session-manager.ts';
import type { SessionRecords } from './session-records.ts';

/** Which secret kinds a profile may keep: IT policy's rule when given, else refresh tokens only. */
export function secretAllowed(options: Pick<SessionManagerOptions, 'allowSecret'>, profile: Profile, kind: SecretKind): boolean {
  if (options.allowSecret) return options.allowSecret(profile, kind);
  return kind === 'refresh-token';
}

/** The cookie jar of a session's first HttpSession (the one its sign-in window seeds from and writes
 *  back to): `carried` is continued instead of a new jar; `made` is what the session got. */
export interface SessionJar {
  carried?: CookieJar | undefined;
  made?: CookieJar | undefined;
}

export function createPlatformSession(profile: Profile, options: SessionManagerOptions, clock: Clock, records: SessionRecords, jar: SessionJar = {}): PlatformSession {
  const factory = options.factories[profile.platform];
  if (!factory) {
    throw new PatchbayError('platform.unsupported', `Signing in to ${profile.platform} is not available in this version of Patchbay.`, {
      action: 'contact-it',
    });
  }
  const log = options.log.child({ profileId: profile.id });
  const dispatcher = options.dispatcher;
  const secrets = options.secrets;
  const acceptLanguage = options.acceptLanguage;
  return factory({
    profile,
    clock,
    log,
    ...(options.loginWindow ? { loginWindow: options.loginWindow } : {}),
    ...(options.externalBrowser ? { externalBrowser: options.externalBrowser } : {}),
    ...(secrets ? { secrets: profileSecrets(secrets, profile.id, { allow: SECRET_KINDS.filter((kind) => secretAllowed(options, profile, kind)) }) } : {}),
    ...(dispatcher ? { dispatcher } : {}),
    ...(options.allowedServerHosts ? { allowedServerHosts: options.allowedServerHosts } : {}),
    ...(acceptLanguage ? { acceptLanguage } : {}),
    createHttpSession: (httpOptions = {}) => {
      const carried = jar.made ? undefined : jar.carried;
      const http = new HttpSession({ log, clock, ...(dispatcher ? { dispatcher } : {}), ...(acceptLanguage ? { acceptLanguage } : {}), ...httpOptions, ...(carried ? { jar: carried } : {}), profileId: profile.id });
      jar.made ??= http.jar;
      records.track(profile.id, http);
      return http;
    },
  });
}
