// Finesse sign-in decisions (seeds 001, 003; protocols/finesse.md §1, §5): which mode the form and
// the sign-in use (FIN-06, FIN-09), what the agent must still enter, and the XMPP endpoint the
// notification channel connects to. Pure steps; the session orchestrates them.
import type { Profile } from '../../../../preload/contract.ts';
import { PatchbayError, toPatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SignInInput } from '../platform.ts';
import { hybridUserMode } from './discovery.ts';
import { xmppServiceUrl } from './notifications.ts';
import type { FinesseOptions } from './options.ts';
import type { FinesseUser, SystemInfo } from './wire.ts';
import type { XmppEndpoint } from './xmpp-link.ts';

export type FormMode = 'SSO' | 'NON_SSO' | 'HYBRID' | 'HYBRID-UNKNOWN';
type UserAuthMode = (userName: string, signal?: AbortSignal) => Promise<'SSO' | 'NON_SSO' | undefined>;

/** What the form asks for: SystemInfo's mode, and in HYBRID the user's own (FIN-06); a server that
 *  cannot be read falls back to the profile's choice. */
export async function formMode(discover: () => Promise<SystemInfo>, userAuthMode: UserAuthMode, userName: string | undefined, profileAuthMode: Profile['authMode'], log: Logger): Promise<FormMode> {
  let mode: FormMode | undefined;
  try {
    mode = (await discover()).systemAuthMode;
    if (mode === 'HYBRID' && userName) mode = (await userAuthMode(userName).catch(() => undefined)) ?? 'HYBRID-UNKNOWN';
  } catch (error) {
    log.info('finesse.discovery.failed', { code: toPatchbayError(error).code });
  }
  return mode ?? (profileAuthMode === 'sso' ? 'SSO' : 'NON_SSO');
}

/** The user ID typed (or the profile's); required. */
export function userNameOf(input: SignInInput, profileUserName: string | undefined): string {
  const userName = (input.sso?.userName ?? input.credentials?.userName ?? profileUserName)?.trim();
  if (!userName) throw new PatchbayError('finesse.sign-in.user-required', 'Enter your Finesse user ID.', { action: 'sign-in-again' });
  return userName;
}

/** [FIN-06] SSO or Basic for this user: the system's mode, or in HYBRID the user's own. */
export async function signInMode(system: SystemInfo, userName: string, input: SignInInput, profileAuthMode: Profile['authMode'], userAuthMode: UserAuthMode, signal?: AbortSignal): Promise<'SSO' | 'NON_SSO'> {
  if (system.systemAuthMode === 'HYBRID') return hybridUserMode(await userAuthMode(userName, signal), input, profileAuthMode);
  return system.systemAuthMode === 'SSO' ? 'SSO' : 'NON_SSO';
}

/** A Basic user's password; FIN-09: an SSO user's is never asked for (nor used). */
export function passwordOf(input: SignInInput): string {
  if (!input.credentials) throw new PatchbayError('finesse.sign-in.password-required', 'This user signs in with a password: enter it to continue.', { action: 'sign-in-again' });
  return input.credentials.password;
}

/** The extension a logged-out agent signs in to the ACD with: typed, else the User's last one. */
export function loginExtension(input: string | undefined, user: FinesseUser): string {
  const extension = input?.trim() || user.extension;
  if (!extension) throw new PatchbayError('finesse.sign-in.extension-required', 'Enter your extension to sign in.', { action: 'sign-in-again' });
  return extension;
}

export interface EndpointFacts {
  origin: string;
  options: FinesseOptions;
  system: SystemInfo | undefined;
  userId: string;
  password: string;
  resource: string;
  dispatcher: XmppEndpoint['dispatcher'];
  lab: boolean;
}

/** §5: the node REST uses, the XMPP domain from SystemInfo, the loginId (lower case) as the JID user. */
export function channelEndpoint(f: EndpointFacts): XmppEndpoint {
  return {
    service: xmppServiceUrl(f.origin, { ...(f.options.xmppPort !== undefined ? { port: f.options.xmppPort } : {}), path: f.options.xmppPath }),
    domain: f.system?.xmppDomain ?? new URL(f.origin).hostname,
    username: f.userId.toLowerCase(),
    password: f.password,
    resource: f.resource,
    // The same network set-up as REST: IT's CA bundle, proxy, verification on (issue 8 item 5).
    dispatcher: f.dispatcher,
    allowCleartext: f.lab,
  };
}
